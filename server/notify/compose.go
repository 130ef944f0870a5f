package notify

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strings"
)

// A message says what happened to which item, in which space, with a link:
// the line of the in-app list, never more about a colleague than the page
// history shows.
type messageLine struct {
	Text  string
	URL   string
	Space string
}

type messageGroup struct {
	SpaceID int64
	Space   string
	Lines   []messageLine
}

// groups turns rows into lines grouped by space, in the order the spaces
// first occur.
func (d *Dispatcher) groups(rows []claimed) []messageGroup {
	var out []messageGroup
	for _, c := range rows {
		line := messageLine{Text: d.tr(c.Locale, "notify.kind."+c.Kind, "Title", c.Title), URL: d.cfg.BaseURL + c.URL, Space: c.SpaceName}
		i := slices.IndexFunc(out, func(g messageGroup) bool { return g.SpaceID == c.SpaceID })
		if i < 0 {
			out = append(out, messageGroup{SpaceID: c.SpaceID, Space: c.SpaceName})
			i = len(out) - 1
		}
		out[i].Lines = append(out[i].Lines, line)
	}
	return out
}

func (d *Dispatcher) tr(lang, id string, args ...any) string {
	return d.n.web.Frontend.Translate(lang, id, args...)
}

// subject is the line of a single message, or the digest's title.
func (d *Dispatcher) subject(rows []claimed) string {
	first := rows[0]
	if first.Digest == "" {
		return d.tr(first.Locale, "notify.kind."+first.Kind, "Title", first.Title)
	}
	return d.tr(first.Locale, "notify.mail.digest."+first.Digest, "Count", len(rows))
}

var mailHTML = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #171a1c">
{{range .Groups}}<h2 style="font-size: 1.1em">{{.Space}}</h2>
<ul>{{range .Lines}}<li><a href="{{.URL}}">{{.Text}}</a></li>{{end}}</ul>
{{end}}{{if .Reply}}<p>{{.Reply}}</p>
{{end}}<hr>
<p style="font-size: 0.9em">{{.Why}}<br><a href="{{.Settings}}">{{.SettingsLabel}}</a>{{if .Unsubscribe}} · <a href="{{.Unsubscribe}}">{{.UnsubscribeLabel}}</a>{{end}}</p>
</body></html>`))

// composeMail writes one e-mail of rows (one event, or a digest) in the
// recipient's language, plain text and HTML.
func (d *Dispatcher) composeMail(ctx context.Context, rows []claimed) (Mail, error) {
	first := rows[0]
	lang := first.Locale
	unsubscribe, err := d.unsubscribeURL(ctx, first.AccountID, ChannelEmail, topicsOf(rows))
	if err != nil {
		return Mail{}, err
	}
	replyTo, hint, err := d.replyAddress(ctx, rows)
	if err != nil {
		return Mail{}, err
	}
	reply := ""
	if hint != "" {
		reply = d.tr(lang, hint)
	}
	groups := d.groups(rows)
	data := map[string]any{
		"Lang": lang, "Subject": d.subject(rows), "Groups": groups,
		"Why":      d.tr(lang, "notify.mail.why"),
		"Settings": d.cfg.BaseURL + SettingsPath, "SettingsLabel": d.tr(lang, "notify.mail.settings"),
		"Unsubscribe": unsubscribe, "UnsubscribeLabel": d.tr(lang, "notify.mail.unsubscribe"),
		"Reply": reply,
	}
	var html strings.Builder
	if err := mailHTML.Execute(&html, data); err != nil {
		return Mail{}, fmt.Errorf("mail html: %w", err)
	}
	var text strings.Builder
	for _, g := range groups {
		fmt.Fprintf(&text, "%s\n%s\n\n", g.Space, strings.Repeat("=", len([]rune(g.Space))))
		for _, l := range g.Lines {
			fmt.Fprintf(&text, "- %s\n  %s\n", l.Text, l.URL)
		}
		text.WriteString("\n")
	}
	if reply != "" {
		fmt.Fprintf(&text, "%s\n\n", reply)
	}
	fmt.Fprintf(&text, "-- \n%s\n%s: %s\n%s: %s\n", data["Why"], data["SettingsLabel"], data["Settings"], data["UnsubscribeLabel"], unsubscribe)
	return Mail{
		To: first.Email, Subject: d.subject(rows), Text: text.String(), HTML: html.String(),
		MessageID: first.UID + "@" + d.host(), Unsubscribe: unsubscribe, ReplyTo: replyTo,
	}, nil
}

// host is the instance's host name, for Message-IDs.
func (d *Dispatcher) host() string {
	h := strings.TrimPrefix(strings.TrimPrefix(d.cfg.BaseURL, "https://"), "http://")
	if i := strings.IndexAny(h, ":/"); i >= 0 {
		h = h[:i]
	}
	if h == "" {
		return "fachnetz.invalid"
	}
	return h
}

var matrixHTML = template.Must(template.New("matrix").Parse(
	`{{range .}}{{range .Lines}}<a href="{{.URL}}">{{.Text}}</a> ({{.Space}})<br>{{end}}{{end}}`))

// composeMatrix writes one Matrix message of rows, formatted with a plain
// fallback.
func (d *Dispatcher) composeMatrix(rows []claimed) MatrixMessage {
	groups := d.groups(rows)
	var text strings.Builder
	if rows[0].Digest != "" {
		text.WriteString(d.subject(rows) + "\n")
	}
	for _, g := range groups {
		for _, l := range g.Lines {
			fmt.Fprintf(&text, "%s (%s): %s\n", l.Text, l.Space, l.URL)
		}
	}
	var html strings.Builder
	if rows[0].Digest != "" {
		html.WriteString(template.HTMLEscapeString(d.subject(rows)) + "<br>")
	}
	_ = matrixHTML.Execute(&html, groups) // writes to memory, cannot fail on these types
	return MatrixMessage{Text: strings.TrimSpace(text.String()), HTML: html.String()}
}

// topicsOf lists the preference topics of rows, each once.
func topicsOf(rows []claimed) []string {
	var out []string
	for _, c := range rows {
		if t := TopicOf(c.Kind); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
