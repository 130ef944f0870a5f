package expertise

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/unicode/norm"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

const pageSize = 25

// fold lower-cases s and spells out umlauts and ß, as foldSQL does.
func fold(s string) string {
	s = strings.ToLower(norm.NFC.String(strings.Join(strings.Fields(s), " ")))
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss").Replace(s)
}

// visibleNamed loads the profile named by :handle; a hidden one is not
// found for everyone but the person. ok is false when the request is
// answered already.
func (e *Expertise) visibleNamed(c *gin.Context) (Profile, bool) {
	p, err := e.store.ProfileByHandle(c.Request.Context(), c.Param("handle"))
	if err == nil && !visibleTo(web.ViewerOf(c), p) {
		err = errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		e.web.Fail(c, err)
		return p, false
	}
	return p, true
}

type personPage struct {
	Profile  Profile
	Own      bool
	Evidence any
}

// person shows a profile; hidden ones answer 404 to everyone but the person.
func (e *Expertise) person(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	p, ok := e.visibleNamed(c)
	if !ok {
		return
	}
	page := personPage{Profile: p, Own: p.AccountID == v.ID}
	if e.deps.Evidence != nil {
		var err error
		if page.Evidence, err = e.deps.Evidence(ctx, v, p.AccountID); err != nil {
			e.web.Fail(c, err)
			return
		}
	}
	e.web.Render(c, http.StatusOK, "expertise/person", p.DisplayName, page)
}

// Flash messages after a successful change, by the ?ok= value.
var flashes = map[string]string{
	"profil": "expertise.saved.profile", "kenntnis": "expertise.saved.skill", "bestaetigt": "expertise.saved.confirmed",
	"foto": "expertise.saved.photo", "foto_entfernt": "expertise.saved.photo_removed",
	"sichtbarkeit": "expertise.saved.visibility", "einwilligung": "expertise.saved.consent", "abgeleitet": "expertise.saved.derived",
}

type mePage struct {
	Profile     Profile
	Form        *frontend.Form
	SkillForm   *frontend.Form
	Units       []UnitOption
	Levels      []string
	Derived     []DerivedTopic
	ShowDerived bool
	Flash       string
	PhotoForm   *frontend.Form // the photo upload, with why it was refused
}

func profileForm(p Profile) *frontend.Form {
	f := frontend.NewForm()
	f.Set("tasks", p.Tasks)
	f.Set("ask_me_about", p.AskMeAbout)
	f.Set("languages", strings.Join(p.Languages, ", "))
	f.Set("position", p.Position)
	f.Set("location", p.Location)
	f.Set("phone", p.Phone)
	if p.UnitID != nil {
		f.Set("unit", strconv.FormatInt(*p.UnitID, 10))
	}
	return f
}

// renderMe shows the viewer's own profile page; nil forms start from the
// stored profile.
func (e *Expertise) renderMe(c *gin.Context, status int, form, skillForm *frontend.Form) {
	e.renderMePage(c, status, mePage{Form: form, SkillForm: skillForm})
}

// renderMePage fills in page from the stored profile and shows it.
func (e *Expertise) renderMePage(c *gin.Context, status int, page mePage) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	p, err := e.store.ProfileByID(ctx, e.store.pool, v.ID)
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	page.Profile, page.Levels, page.Flash = p, Levels, flashes[c.Query("ok")]
	if page.Form == nil {
		page.Form = profileForm(p)
	}
	if page.PhotoForm == nil {
		page.PhotoForm = frontend.NewForm()
	}
	if page.SkillForm == nil {
		page.SkillForm = frontend.NewForm()
		page.SkillForm.Set("level", "advanced")
	}
	if !p.LDAPManaged {
		if page.Units, err = e.unitOptions(c, p.AgencyID); err != nil {
			e.web.Fail(c, err)
			return
		}
	}
	if e.deps.DerivedTopics != nil {
		page.ShowDerived = true
		topics, err := e.deps.DerivedTopics(ctx, v.ID)
		if err != nil {
			e.web.Fail(c, err)
			return
		}
		page.Derived = topics
	}
	e.web.Render(c, status, "expertise/me", e.web.T(c, "expertise.me.title"), page)
}

func (e *Expertise) me(c *gin.Context) { e.renderMe(c, http.StatusOK, nil, nil) }

// done redirects back to the own profile with a message.
func done(c *gin.Context, flash, anchor string) {
	c.Redirect(http.StatusSeeOther, "/profil?ok="+flash+anchor)
}

// failForm shows field errors on a form and the page with 422; other
// errors answer as errors.
func (e *Expertise) failForm(c *gin.Context, err error, form, skillForm *frontend.Form, target *frontend.Form, field string) {
	var problems Problems
	switch pe, ok := errs.As(err); {
	case asProblems(err, &problems):
		for _, p := range problems {
			target.Fail(p.Field, e.web.Message(c, p))
		}
	case ok && pe.Code == errs.Invalid:
		f := pe.Field
		if f == "" {
			f = field
		}
		target.Fail(f, e.web.Message(c, pe))
	default:
		e.web.Fail(c, err)
		return
	}
	e.renderMe(c, web.Status(errs.Invalid), form, skillForm)
}

func (e *Expertise) saveProfile(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	cur, err := e.store.ProfileByID(ctx, e.store.pool, v.ID)
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	for _, k := range []string{"tasks", "ask_me_about", "languages", "position", "location", "phone", "unit"} {
		form.Set(k, c.PostForm(k))
	}
	ed := Edit{Tasks: form.Values["tasks"], AskMeAbout: form.Values["ask_me_about"], Languages: ParseLanguages(form.Values["languages"])}
	if !cur.LDAPManaged {
		d := &DirectoryEdit{Position: form.Values["position"], Location: form.Values["location"], Phone: form.Values["phone"]}
		if form.Values["unit"] != "" {
			id, err := strconv.ParseInt(form.Values["unit"], 10, 64)
			if err != nil {
				id = -1
			}
			d.UnitID = &id
		}
		ed.Directory = d
	}
	if err := e.UpdateProfile(ctx, v.ID, ed); err != nil {
		e.failForm(c, err, form, nil, form, "tasks")
		return
	}
	done(c, "profil", "")
}

func (e *Expertise) addSkill(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	form := frontend.NewForm()
	form.Set("topic", strings.TrimSpace(c.PostForm("topic")))
	form.Set("level", c.PostForm("level"))
	if err := e.AddSkill(ctx, v.ID, form.Values["topic"], form.Values["level"]); err != nil {
		e.failForm(c, err, nil, form, form, "topic")
		return
	}
	done(c, "kenntnis", "#kenntnisse")
}

func (e *Expertise) changeSkill(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	topicID, err := strconv.ParseInt(c.Param("topic"), 10, 64)
	if err != nil {
		e.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if c.PostForm("action") == "remove" {
		err = e.RemoveSkill(ctx, v.ID, topicID)
	} else {
		err = e.SetSkillLevel(ctx, v.ID, topicID, c.PostForm("level"))
	}
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	done(c, "kenntnis", "#kenntnisse")
}

func (e *Expertise) confirmSkills(c *gin.Context) {
	if err := e.ConfirmSkills(c.Request.Context(), web.ViewerOf(c).ID); err != nil {
		e.web.Fail(c, err)
		return
	}
	done(c, "bestaetigt", "#kenntnisse")
}

func (e *Expertise) setHidden(c *gin.Context) {
	if err := e.SetHidden(c.Request.Context(), web.ViewerOf(c).ID, c.PostForm("hidden") == "true"); err != nil {
		e.web.Fail(c, err)
		return
	}
	done(c, "sichtbarkeit", "#datenschutz")
}

func (e *Expertise) setConsent(c *gin.Context) {
	if err := e.SetConsent(c.Request.Context(), web.ViewerOf(c).ID, c.PostForm("consent") == "true"); err != nil {
		e.web.Fail(c, err)
		return
	}
	done(c, "einwilligung", "#datenschutz")
}

func (e *Expertise) setDerivedHidden(c *gin.Context) {
	topicID, err := strconv.ParseInt(c.Param("topic"), 10, 64)
	if err != nil {
		e.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if err := e.SetDerivedHidden(c.Request.Context(), web.ViewerOf(c).ID, topicID, c.PostForm("hidden") == "true"); err != nil {
		e.web.Fail(c, err)
		return
	}
	done(c, "abgeleitet", "#datenschutz")
}

// export downloads everything held about the viewer as JSON.
func (e *Expertise) export(c *gin.Context) {
	v := web.ViewerOf(c)
	data, err := e.store.Export(c.Request.Context(), v.ID)
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="fachnetz-`+v.Handle+`.json"`)
	c.Header("Cache-Control", "no-store")
	c.IndentedJSON(http.StatusOK, data)
}

// eraseForm asks for the confirmation word of the interface language
// (LÖSCHEN, DELETE) and remembers that language in the form, so that the
// word asked for is the word accepted even if the language changes before
// the form is sent.
func (e *Expertise) eraseForm(c *gin.Context) {
	form := frontend.NewForm()
	form.Set("confirm_lang", web.Lang(c))
	e.web.Render(c, http.StatusOK, "expertise/erase", e.web.T(c, "expertise.erase.title"), gin.H{"Form": form})
}

// confirmWord is the word a person types to erase their account, in the
// language the form was shown in; a language the catalogue does not know
// falls back to the interface language.
func (e *Expertise) confirmWord(c *gin.Context) string {
	lang := c.PostForm("confirm_lang")
	if e.web.Frontend.Language(lang, "") != lang {
		lang = web.Lang(c)
	}
	return e.web.Frontend.Translate(lang, "expertise.erase.word")
}

func (e *Expertise) erase(c *gin.Context) {
	v := web.ViewerOf(c)
	typed := strings.TrimSpace(c.PostForm("confirm"))
	if strings.ToUpper(typed) != e.confirmWord(c) {
		form := frontend.NewForm()
		form.Set("confirm", typed)
		form.Set("confirm_lang", web.Lang(c))
		form.Fail("confirm", e.web.T(c, "expertise.erase.mismatch"))
		e.web.Render(c, web.Status(errs.Invalid), "expertise/erase", e.web.T(c, "expertise.erase.title"), gin.H{"Form": form})
		return
	}
	if err := e.Erase(c.Request.Context(), v.ID); err != nil {
		e.web.Fail(c, err)
		return
	}
	if e.deps.SignOut != nil {
		e.deps.SignOut(c)
	}
	web.SetViewer(c, nil)
	e.web.Render(c, http.StatusOK, "expertise/goodbye", e.web.T(c, "expertise.goodbye.title"), nil)
}

func asProblems(err error, p *Problems) bool { return errors.As(err, p) }
