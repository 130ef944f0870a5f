package policies

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Chat is where a space's people talk: a Matrix room that Fachnetz posts
// the space's news to, and a link to a video conference.
type Chat struct {
	Room     string   `json:"matrix_room"` // room id (!…) or alias (#…), "" for none
	VideoURL string   `json:"video_url"`   // any http(s) URL, "" for none
	Kinds    []string `json:"post"`        // event kinds posted to the room
}

// ChatKinds are the events a space may post to its room, in the order
// the form offers them.
var ChatKinds = []string{"page_created", "page_changed", "question", "accepted"}

var roomPattern = regexp.MustCompile(`^[!#][^:\s]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?$`)

// RoomLink is the address that opens a room in a Matrix client.
func (ch Chat) RoomLink() string {
	if ch.Room == "" {
		return ""
	}
	return "https://matrix.to/#/" + url.PathEscape(ch.Room)
}

// check returns what is wrong with ch, each on its field.
func (ch Chat) check() []*errs.Error {
	var problems []*errs.Error
	if ch.Room != "" && (!roomPattern.MatchString(ch.Room) || len(ch.Room) > 255) {
		problems = append(problems, errs.E(errs.Invalid, "spaces.chat.room.invalid").OnField("matrix_room"))
	}
	if ch.VideoURL != "" {
		u, err := url.Parse(ch.VideoURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(ch.VideoURL) > 2000 || strings.ContainsAny(ch.VideoURL, " \t\n") {
			problems = append(problems, errs.E(errs.Invalid, "spaces.chat.video.invalid").OnField("video_url"))
		}
	}
	for _, k := range ch.Kinds {
		if !slices.Contains(ChatKinds, k) {
			problems = append(problems, errs.E(errs.Invalid, "spaces.chat.kinds.invalid").OnField("post"))
			break
		}
	}
	return problems
}

// chatForm fills the chat form of the settings page.
func chatForm(ch Chat, problems []*errs.Error, t func(*errs.Error) string) *frontend.Form {
	f := frontend.NewForm()
	f.Set("matrix_room", ch.Room)
	f.Set("video_url", ch.VideoURL)
	for _, k := range ch.Kinds {
		f.Set("post."+k, "1")
	}
	for _, p := range problems {
		f.Fail(p.Field, t(p))
	}
	return f
}

func (s *Spaces) saveChat(c *gin.Context) {
	ch := Chat{Room: strings.TrimSpace(c.PostForm("matrix_room")), VideoURL: strings.TrimSpace(c.PostForm("video_url")), Kinds: []string{}}
	for _, k := range ChatKinds {
		if c.PostForm("post."+k) == "1" {
			ch.Kinds = append(ch.Kinds, k)
		}
	}
	if problems := ch.check(); len(problems) > 0 {
		s.renderSettings(c, web.Status(errs.Invalid), spaceFormPage{Chat: chatForm(ch, problems, s.translate(c))})
		return
	}
	if err := s.Store.SetChat(c.Request.Context(), SpaceOf(c).ID, ch); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+SpaceOf(c).Slug+"/einstellungen?gespeichert=1#chat")
}

func (s *Spaces) apiChat(c *gin.Context) {
	ch, err := s.Store.Chat(c.Request.Context(), SpaceOf(c).ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ch)
}

func (s *Spaces) apiSetChat(c *gin.Context) {
	ch := Chat{Kinds: []string{}}
	if err := c.ShouldBindJSON(&ch); err != nil {
		s.web.Fail(c, errs.E(errs.Invalid, "error.invalid"))
		return
	}
	if ch.Kinds == nil {
		ch.Kinds = []string{}
	}
	if problems := ch.check(); len(problems) > 0 {
		s.web.FailStatus(c, web.Status(errs.Invalid), errs.Invalid, s.web.Message(c, problems[0]))
		return
	}
	if err := s.Store.SetChat(c.Request.Context(), SpaceOf(c).ID, ch); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ch)
}

// chatOf is the chat form for the settings page, from the stored settings.
func (s *Spaces) chatOf(c *gin.Context) (*frontend.Form, error) {
	ch, err := s.Store.Chat(c.Request.Context(), SpaceOf(c).ID)
	if err != nil {
		return nil, err
	}
	return chatForm(ch, nil, nil), nil
}
