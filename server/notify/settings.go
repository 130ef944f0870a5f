package notify

import (
	"net/http"
	"regexp"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// SettingsPath is the page where a person chooses how to hear of what.
const SettingsPath = "/konto/benachrichtigungen"

// Locales a person's messages may be written in.
var Locales = []string{"de", "en"}

// matrixIDPattern is a Matrix user id as the database allows it.
var matrixIDPattern = regexp.MustCompile(`^@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?$`)

// settingsTopic is one topic's row of selects.
type settingsTopic struct {
	Topic   string
	Choices []frontend.Choice
}

type settingsPage struct {
	Form   *frontend.Form
	Locale frontend.Choice
	Matrix frontend.Field
	Topics []settingsTopic
	Saved  bool
	// Mail and Chat tell whether the instance has these channels at all.
	Mail, Chat bool
}

func modeName(topic, channel string) string { return "mode." + topic + "." + channel }

func (n *Notifier) settingsPage(form *frontend.Form) settingsPage {
	p := settingsPage{Form: form, Mail: n.channels.mail, Chat: n.channels.matrix}
	p.Locale = form.Choice("locale", "notify.settings.locale", frontend.Option{Value: "de", Label: "notify.settings.locale.de"}, frontend.Option{Value: "en", Label: "notify.settings.locale.en"})
	p.Matrix = form.Field("matrix_id", "notify.settings.matrix_id", "text", false).WithHint("notify.settings.matrix_id.hint")
	for _, t := range Topics {
		row := settingsTopic{Topic: t}
		for _, ch := range Channels {
			var opts []frontend.Option
			for _, m := range ModesOf(ch) {
				opts = append(opts, frontend.Option{Value: m, Label: "notify.mode." + m})
			}
			c := form.Choice(modeName(t, ch), "notify.channel."+ch, opts...)
			c.Field = c.Field.WithID("f-" + t + "-" + ch)
			row.Choices = append(row.Choices, c)
		}
		p.Topics = append(p.Topics, row)
	}
	return p
}

// current returns the viewer's preferences and contact details.
func (n *Notifier) current(c *gin.Context) (Preferences, Contact, error) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	prefs, err := n.store.Preferences(ctx, v.ID)
	if err != nil {
		return nil, Contact{}, err
	}
	contact, err := n.store.Contact(ctx, v.ID)
	return prefs, contact, err
}

func (n *Notifier) settings(c *gin.Context) {
	prefs, contact, err := n.current(c)
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	form.Set("locale", contact.Locale)
	form.Set("matrix_id", contact.MatrixID)
	for _, t := range Topics {
		for _, ch := range Channels {
			form.Set(modeName(t, ch), prefs.Mode(t, ch))
		}
	}
	page := n.settingsPage(form)
	page.Saved = c.Query("gespeichert") == "1"
	c.Header("Cache-Control", "private, no-store")
	n.web.Render(c, http.StatusOK, "notifications/settings", n.web.T(c, "notify.settings.title"), page)
}

// readSettings checks what a person sent, from the form or the API, and
// fills form with it and its errors.
func (n *Notifier) readSettings(c *gin.Context, form *frontend.Form, locale, matrixID string, modes map[string]map[string]string) Preferences {
	form.Set("locale", locale)
	form.Set("matrix_id", matrixID)
	if !slices.Contains(Locales, locale) {
		form.Fail("locale", n.web.T(c, "notify.settings.locale.invalid"))
	}
	if matrixID != "" && (!matrixIDPattern.MatchString(matrixID) || len(matrixID) > 255) {
		form.Fail("matrix_id", n.web.T(c, "notify.settings.matrix_id.invalid"))
	}
	prefs := Preferences{}
	for _, topic := range inOrder(Topics, modes) {
		byChannel := modes[topic]
		for _, channel := range inOrder(Channels, byChannel) {
			mode := byChannel[channel]
			form.Set(modeName(topic, channel), mode)
			if !prefs.Set(topic, channel, mode) {
				form.Fail(modeName(topic, channel), n.web.T(c, "notify.settings.mode.invalid"))
			}
		}
	}
	return prefs
}

// inOrder lists the keys of m: those of known in their order, then the
// others sorted, so that a form's errors come in the order of its fields.
func inOrder[V any](known []string, m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for _, k := range known {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	var others []string
	for k := range m {
		if !slices.Contains(known, k) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	return append(keys, others...)
}

func (n *Notifier) saveSettings(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	modes := map[string]map[string]string{}
	for _, t := range Topics {
		modes[t] = map[string]string{}
		for _, ch := range Channels {
			modes[t][ch] = c.PostForm(modeName(t, ch))
		}
	}
	form := frontend.NewForm()
	prefs := n.readSettings(c, form, c.PostForm("locale"), c.PostForm("matrix_id"), modes)
	if form.Failed() {
		n.web.Render(c, web.Status(errs.Invalid), "notifications/settings", n.web.T(c, "notify.settings.title"), n.settingsPage(form))
		return
	}
	if err := n.store.SavePreferences(ctx, v.ID, prefs, c.PostForm("locale"), c.PostForm("matrix_id")); err != nil {
		n.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, SettingsPath+"?gespeichert=1")
}

// settingsJSON is the API's shape of the settings.
type settingsJSON struct {
	Locale      string                       `json:"locale"`
	MatrixID    string                       `json:"matrix_id"`
	Preferences map[string]map[string]string `json:"preferences"`
}

func (n *Notifier) apiSettings(c *gin.Context) {
	prefs, contact, err := n.current(c)
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	out := settingsJSON{Locale: contact.Locale, MatrixID: contact.MatrixID, Preferences: map[string]map[string]string{}}
	for _, t := range Topics {
		out.Preferences[t] = map[string]string{}
		for _, ch := range Channels {
			out.Preferences[t][ch] = prefs.Mode(t, ch)
		}
	}
	c.JSON(http.StatusOK, out)
}

// apiSaveSettings takes the whole settings or part of them: what the body
// leaves out stays as it was.
func (n *Notifier) apiSaveSettings(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	contact, err := n.store.Contact(ctx, v.ID)
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	in := settingsJSON{Locale: contact.Locale, MatrixID: contact.MatrixID}
	if err := c.ShouldBindJSON(&in); err != nil {
		n.web.Fail(c, errs.E(errs.Invalid, "error.invalid"))
		return
	}
	form := frontend.NewForm()
	prefs := n.readSettings(c, form, in.Locale, in.MatrixID, in.Preferences)
	if form.Failed() {
		for _, e := range form.Summary() {
			n.web.FailStatus(c, web.Status(errs.Invalid), errs.Invalid, e.Message)
			return
		}
	}
	if err := n.store.SavePreferences(ctx, v.ID, prefs, in.Locale, in.MatrixID); err != nil {
		n.web.Fail(c, err)
		return
	}
	n.apiSettings(c)
}
