package expertise

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

type personJSON struct {
	Person
	URL      string `json:"url"`
	PhotoURL string `json:"photo_url"` // "" without a photo
}

// apiList pages through the directory of the viewer's agency, by name.
func (e *Expertise) apiList(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	limit, cursor, err := web.Page(c, 50, 200)
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	unit, _ := strconv.ParseInt(c.Query("unit"), 10, 64)
	skill, err := e.skillFilter(ctx, v, c.Query("skill"))
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	people, err := e.store.Directory(ctx, Filter{AgencyID: v.AgencyID, Name: fold(c.Query("q")), UnitID: unit,
		Location: strings.TrimSpace(c.Query("location")), Skill: skill, After: cursor, Limit: limit})
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	people, next := web.NextCursor(people, limit, func(p Person) int64 { return p.AccountID })
	out := make([]personJSON, len(people))
	for i, p := range people {
		if p.UnitPath == nil {
			p.UnitPath = []string{}
		}
		out[i] = personJSON{p, PersonURL(p.Handle), p.PhotoURL()}
	}
	body := gin.H{"people": out, "next_cursor": next}
	if skill != nil {
		body["skill"] = skillJSON(*skill)
	}
	c.JSON(http.StatusOK, body)
}

// skillMatchJSON says what a typed skill was taken to mean.
type skillMatchJSON struct {
	Topics  []string `json:"topics"`
	Units   []string `json:"units"`
	Nearest string   `json:"did_you_mean,omitempty"`
}

func skillJSON(m SkillMatch) skillMatchJSON {
	out := skillMatchJSON{Topics: m.Topics, Units: m.Units, Nearest: m.Nearest}
	if out.Topics == nil {
		out.Topics = []string{}
	}
	if out.Units == nil {
		out.Units = []string{}
	}
	return out
}

// profileJSON is a profile as the API gives it. The fields below shadow
// Profile's of the same name: when they were changed and whether the
// person consented are theirs to see, not their colleagues'.
type profileJSON struct {
	Profile
	URL              string      `json:"url"`
	UpdatedAt        *time.Time  `json:"updated_at,omitempty"`
	DerivedConsent   *bool       `json:"derived_consent,omitempty"`
	ConsentChangedAt *time.Time  `json:"consent_changed_at,omitempty"`
	Skills           []skillView `json:"skills"`
}

// skillView is a declared skill; only its owner learns when they last
// confirmed it, others that it is stale.
type skillView struct {
	Skill
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

func (e *Expertise) apiPerson(c *gin.Context) {
	if p, ok := e.visibleNamed(c); ok {
		e.writeProfile(c, p, web.ViewerOf(c).ID == p.AccountID)
	}
}

func (e *Expertise) writeProfile(c *gin.Context, p Profile, own bool) {
	out := profileJSON{Profile: p, URL: PersonURL(p.Handle), Skills: make([]skillView, len(p.Skills))}
	for i, s := range p.Skills {
		out.Skills[i] = skillView{Skill: s}
		if own {
			out.Skills[i].ConfirmedAt = &p.Skills[i].ConfirmedAt
		}
	}
	if own {
		out.UpdatedAt, out.DerivedConsent, out.ConsentChangedAt = &p.UpdatedAt, &p.DerivedConsent, p.ConsentChangedAt
	}
	c.JSON(http.StatusOK, out)
}

// ProfileInput is the body of PUT /me/profile; absent fields stay as they
// are. skills, when present, replaces all skills. unit_id 0 removes the unit.
type ProfileInput struct {
	Tasks          *string       `json:"tasks"`
	AskMeAbout     *string       `json:"ask_me_about"`
	Languages      *[]string     `json:"languages"`
	Position       *string       `json:"position"`
	Location       *string       `json:"location"`
	Phone          *string       `json:"phone"`
	UnitID         *int64        `json:"unit_id"`
	Skills         *[]SkillInput `json:"skills"`
	Hidden         *bool         `json:"hidden"`
	DerivedConsent *bool         `json:"derived_consent"`
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (e *Expertise) apiUpdate(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	var in ProfileInput
	if err := web.Bind(c, &in); err != nil {
		e.web.Fail(c, err)
		return
	}
	cur, err := e.store.ProfileByID(ctx, e.store.pool, v.ID)
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	ed := Edit{Tasks: cur.Tasks, AskMeAbout: cur.AskMeAbout, Languages: cur.Languages}
	set(&ed.Tasks, in.Tasks)
	set(&ed.AskMeAbout, in.AskMeAbout)
	set(&ed.Languages, in.Languages)
	if in.Position != nil || in.Location != nil || in.Phone != nil || in.UnitID != nil {
		d := &DirectoryEdit{Position: cur.Position, Location: cur.Location, Phone: cur.Phone, UnitID: cur.UnitID}
		set(&d.Position, in.Position)
		set(&d.Location, in.Location)
		set(&d.Phone, in.Phone)
		if in.UnitID != nil {
			d.UnitID = in.UnitID
			if *in.UnitID == 0 {
				d.UnitID = nil
			}
		}
		ed.Directory = d
	}
	err = e.UpdateProfile(ctx, v.ID, ed)
	if err == nil && in.Skills != nil {
		err = e.ReplaceSkills(ctx, v.ID, *in.Skills)
	}
	if err == nil && in.Hidden != nil {
		err = e.SetHidden(ctx, v.ID, *in.Hidden)
	}
	if err == nil && in.DerivedConsent != nil && *in.DerivedConsent != cur.DerivedConsent {
		err = e.SetConsent(ctx, v.ID, *in.DerivedConsent)
	}
	var problems Problems
	if asProblems(err, &problems) {
		err = problems[0]
	}
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	p, err := e.store.ProfileByID(ctx, e.store.pool, v.ID)
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	e.writeProfile(c, p, true)
}
