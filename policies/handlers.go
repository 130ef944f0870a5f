package policies

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

func (s *Spaces) list(c *gin.Context) {
	spaces, err := s.Readable(c.Request.Context(), SubjectOf(c))
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	s.web.Render(c, http.StatusOK, "spaces/list", s.web.T(c, "spaces.title"), gin.H{"Spaces": spaces})
}

type spaceFormPage struct {
	Form    *frontend.Form
	Admin   bool
	Space   Space
	Members []Member
	Member  *frontend.Form
	Roles   []Role
	Saved   bool
	Chat    *frontend.Form
	// ChatKinds are the events the chat form offers to post.
	ChatKinds []string
}

func spaceForm(in SpaceInput, problems []*errs.Error, t func(*errs.Error) string) *frontend.Form {
	f := frontend.NewForm()
	f.Set("name", in.Name)
	f.Set("slug", in.Slug)
	f.Set("description", in.Description)
	f.Set("visibility", string(in.Visibility))
	f.Set("agency_role", string(in.AgencyRole))
	f.Set("language", in.Language)
	for _, p := range problems {
		f.Fail(p.Field, t(p))
	}
	return f
}

func inputFromForm(c *gin.Context) SpaceInput {
	return SpaceInput{
		Name: c.PostForm("name"), Slug: c.PostForm("slug"), Description: c.PostForm("description"),
		Visibility: Visibility(c.PostForm("visibility")), AgencyRole: Role(c.PostForm("agency_role")),
		Language: c.PostForm("language"),
	}
}

func (s *Spaces) translate(c *gin.Context) func(*errs.Error) string {
	return func(e *errs.Error) string { return s.web.Message(c, e) }
}

func (s *Spaces) newForm(c *gin.Context) {
	form := spaceForm(SpaceInput{Visibility: Private, AgencyRole: RoleMember, Language: DefaultLanguage}, nil, nil)
	s.web.Render(c, http.StatusOK, "spaces/new", s.web.T(c, "spaces.new.title"), spaceFormPage{Form: form, Admin: web.ViewerOf(c).Admin})
}

func (s *Spaces) create(c *gin.Context) {
	in := inputFromForm(c)
	space, problems, err := s.Create(c.Request.Context(), web.ViewerOf(c), in)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		page := spaceFormPage{Form: spaceForm(in, problems, s.translate(c)), Admin: web.ViewerOf(c).Admin}
		s.web.Render(c, web.Status(errs.Invalid), "spaces/new", s.web.T(c, "spaces.new.title"), page)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+space.Slug)
}

func (s *Spaces) renderSettings(c *gin.Context, status int, page spaceFormPage) {
	space := SpaceOf(c)
	members, err := s.Store.Members(c.Request.Context(), space.ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	page.Space, page.Members, page.Roles, page.Admin = space, members, Roles, web.ViewerOf(c).Admin
	if page.Form == nil {
		page.Form = spaceForm(SpaceInput{Name: space.Name, Description: space.Description, Visibility: space.Visibility, AgencyRole: space.AgencyRole, Language: space.Language}, nil, nil)
	}
	if page.Member == nil {
		page.Member = frontend.NewForm()
		page.Member.Set("role", string(RoleMember))
	}
	if page.Chat == nil {
		if page.Chat, err = s.chatOf(c); err != nil {
			s.web.Fail(c, err)
			return
		}
	}
	page.ChatKinds = ChatKinds
	s.web.Render(c, status, "spaces/settings", s.web.T(c, "spaces.settings.title", "Name", space.Name), page)
}

func (s *Spaces) settings(c *gin.Context) {
	s.renderSettings(c, http.StatusOK, spaceFormPage{Saved: c.Query("gespeichert") == "1"})
}

func (s *Spaces) saveSettings(c *gin.Context) {
	in := inputFromForm(c)
	problems, err := s.Update(c.Request.Context(), web.ViewerOf(c), SpaceOf(c), in)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		s.renderSettings(c, web.Status(errs.Invalid), spaceFormPage{Form: spaceForm(in, problems, s.translate(c))})
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+SpaceOf(c).Slug+"/einstellungen?gespeichert=1")
}

func (s *Spaces) archive(c *gin.Context) {
	if err := s.SetArchived(c.Request.Context(), SpaceOf(c), c.PostForm("archived") == "1"); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+SpaceOf(c).Slug+"/einstellungen?gespeichert=1")
}

// memberFailed shows the settings page again with the member form filled
// in and the problem at its field.
func (s *Spaces) memberFailed(c *gin.Context, err error) {
	e, ok := errs.As(err)
	if !ok || e.Code == errs.Internal {
		s.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	form.Set("member", c.PostForm("member"))
	form.Set("role", c.PostForm("role"))
	field := e.Field
	if field == "" {
		field = "member"
	}
	form.Fail(field, s.web.Message(c, e))
	s.renderSettings(c, web.Status(e.Code), spaceFormPage{Member: form})
}

func (s *Spaces) addMember(c *gin.Context) {
	if c.PostForm("member") == "" {
		s.memberFailed(c, errs.E(errs.Invalid, "form.required").OnField("member"))
		return
	}
	if err := s.SetMemberBy(c.Request.Context(), SpaceOf(c), c.PostForm("member"), Role(c.PostForm("role")), web.ViewerOf(c).ID); err != nil {
		s.memberFailed(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+SpaceOf(c).Slug+"/einstellungen?gespeichert=1#mitglieder")
}

func (s *Spaces) removeMember(c *gin.Context) {
	if err := s.RemoveMember(c.Request.Context(), SpaceOf(c), c.PostForm("member")); err != nil {
		s.memberFailed(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+SpaceOf(c).Slug+"/einstellungen?gespeichert=1#mitglieder")
}
