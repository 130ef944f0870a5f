// Package frontend holds Fachnetz's templates, translation catalogues and
// static assets, all embedded in the binary, and renders pages from them.
package frontend

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed templates locales static
var files embed.FS

// editorButtons are the actions of the Markdown editor's toolbar, each
// with catalogue entries editor.tool.*, editor.glyph.* and editor.sample.*.
var editorButtons = []string{"heading", "bold", "italic", "ul", "ol", "task", "link", "wikilink", "table", "image", "code"}

// Languages lists the interface languages, the default first.
var languages = []language.Tag{language.German, language.English}

// Frontend renders pages. Templates are parsed once per language, each set
// with its own translation function, so rendering does no look-up of the
// language at all.
type Frontend struct {
	Assets  *Assets
	bundle  *i18n.Bundle
	matcher language.Matcher
	pages   map[string]*template.Template // language → the layout, partials and pages
}

// Page is what every template receives: the layout reads the common fields,
// the page's own content reads Data.
type Page struct {
	Lang      string
	Title     string
	Path      string
	RequestID string
	Viewer    *Viewer
	CSRF      string
	Unread    int // the viewer's unread notifications, for the header
	Data      any
}

// Viewer is what the layout shows of the signed-in person.
type Viewer struct {
	Name, Handle            string
	Admin, KnowledgeManager bool
}

// New parses every template and catalogue; an error here is a bug that
// start-up reports before serving anything.
func New() (*Frontend, error) {
	f := &Frontend{
		bundle:  i18n.NewBundle(languages[0]),
		matcher: language.NewMatcher(languages),
		pages:   map[string]*template.Template{},
	}
	f.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	// Each language has a folder of catalogues, one file per area, so that
	// areas add their messages without touching each other's files.
	for _, tag := range languages {
		names, err := fs.Glob(files, "locales/"+tag.String()+"/*.json")
		if err != nil || len(names) == 0 {
			return nil, fmt.Errorf("no catalogue for %s", tag)
		}
		for _, name := range names {
			buf, err := files.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("catalogue %s: %w", name, err)
			}
			// go-i18n takes the language from the file name.
			if _, err := f.bundle.ParseMessageFileBytes(buf, tag.String()+".json"); err != nil {
				return nil, fmt.Errorf("catalogue %s: %w", name, err)
			}
		}
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	if f.Assets, err = NewAssets(static); err != nil {
		return nil, err
	}
	for _, tag := range languages {
		set, err := f.parse(tag.String())
		if err != nil {
			return nil, err
		}
		f.pages[tag.String()] = set
	}
	return f, nil
}

// parse builds the templates of one language: the layout, the partials
// and every page in one set. A page file's "content" is renamed after the
// page ("content:wiki/view"), so the pages share one parsed and escaped
// copy of the layout and partials instead of a copy each.
func (f *Frontend) parse(lang string) (*template.Template, error) {
	loc := i18n.NewLocalizer(f.bundle, lang)
	// A message without placeholders is looked up once: a page shows some
	// hundred of them, and the catalogue does not change while it runs.
	var plain, fixed sync.Map
	var set *template.Template
	set = template.New("layout").Funcs(template.FuncMap{
		"t": func(id string, args ...any) (string, error) {
			if len(args) > 0 {
				return translate(loc, id, args...)
			}
			if s, ok := plain.Load(id); ok {
				return s.(string), nil
			}
			s, err := translate(loc, id)
			if err == nil {
				plain.Store(id, s)
			}
			return s, err
		},
		"asset": f.Assets.URL,
		"date":  func(t any) string { return formatDate(lang, t) },
		"opt":   func(value, label string) Option { return Option{Value: value, Label: label} },
		"bytes": func(n int64) string { return formatBytes(lang, n) },
		"str":   func(v any) string { return fmt.Sprint(v) },
		// list gives a partial several message ids: a table's column heads.
		"list": func(items ...string) []string { return items },
		// dict builds the data of a partial that needs several values.
		"dict": func(pairs ...any) map[string]any {
			m := make(map[string]any, len(pairs)/2)
			for i := 0; i+1 < len(pairs); i += 2 {
				k, _ := pairs[i].(string)
				m[k] = pairs[i+1]
			}
			return m
		},
		"newForm": NewForm,
		"join":    strings.Join,
		"month":   func(t time.Time) string { return t.Format("01/2006") },
		"hopt":    func(value, label, hint string) Option { return Option{Value: value, Label: label, Hint: hint} },
		"lang":    func() string { return lang },
		// editorButtons are the Markdown editor's toolbar actions, in order.
		"editorButtons": func() []string { return editorButtons },
		// fixed is a partial that depends on nothing but the language,
		// rendered on first use and kept: a toolbar of a few hundred
		// template actions costs a page nothing after that.
		"fixed": func(name string) (template.HTML, error) {
			if html, ok := fixed.Load(name); ok {
				return html.(template.HTML), nil
			}
			var buf bytes.Buffer
			if err := set.ExecuteTemplate(&buf, name, nil); err != nil {
				return "", err
			}
			html := template.HTML(buf.String()) //nolint:gosec // written by html/template
			fixed.Store(name, html)
			return html, nil
		},
	})
	shared, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	if set, err = set.ParseFS(files, shared...); err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	err = fs.WalkDir(files, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Dir(p) == "templates" || path.Ext(p) != ".html" {
			return err
		}
		src, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		text, err := pageText(set, name, string(src))
		if err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		if _, err := set.New(p).Parse(text); err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		return nil
	})
	return set, err
}

var defineAction = regexp.MustCompile(`{{-?\s*define\s+"content"\s*-?}}`)

// pageText is a page file with its "content" named after the page. Any
// other template a page defines (define or block) must be new to the set:
// in one set, a second definition would silently replace the first.
func pageText(set *template.Template, name, src string) (string, error) {
	probe := parse.New(name)
	probe.Mode = parse.SkipFuncCheck
	defined := map[string]*parse.Tree{}
	if _, err := probe.Parse(src, "", "", defined); err != nil {
		return "", err
	}
	for n := range defined {
		if n != name && n != "content" && set.Lookup(n) != nil {
			return "", fmt.Errorf("template %q is defined twice; shared templates belong in templates/*.html", n)
		}
	}
	if defined["content"] == nil || len(defineAction.FindAllString(src, -1)) != 1 {
		return "", fmt.Errorf(`a page defines "content" once, with {{define "content"}}`)
	}
	return defineAction.ReplaceAllString(src, `{{define "`+contentOf(name)+`"}}`), nil
}

func contentOf(page string) string { return "content:" + page }

// Language picks the interface language from the user's explicit choice,
// else from the browser's Accept-Language header.
func (f *Frontend) Language(choice, acceptLanguage string) string {
	for _, tag := range languages {
		if choice == tag.String() {
			return choice
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, _ := f.matcher.Match(tags...)
	return languages[i].String()
}

// Translate returns a catalogue message in lang; args are pairs of
// placeholder name and value.
func (f *Frontend) Translate(lang, id string, args ...any) string {
	s, err := translate(i18n.NewLocalizer(f.bundle, lang), id, args...)
	if err != nil {
		return id
	}
	return s
}

// HasMessage reports whether the catalogue knows id.
func (f *Frontend) HasMessage(id string) bool {
	_, err := i18n.NewLocalizer(f.bundle, languages[0].String()).Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

func translate(loc *i18n.Localizer, id string, args ...any) (string, error) {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	return loc.Localize(cfg)
}

// Render writes the named page. It renders into a buffer first, so that a
// template error never sends half a page.
func (f *Frontend) Render(w io.Writer, name string, p *Page) error {
	set := f.setFor(p.Lang)
	content := contentOf(name)
	if set.Lookup(content) == nil {
		return fmt.Errorf("render: no template %q", name)
	}
	var buf bytes.Buffer
	for _, part := range []string{"layout", content, "layout-end"} {
		if err := set.ExecuteTemplate(&buf, part, p); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
	}
	_, err := buf.WriteTo(w)
	return err
}

// Partial renders one shared template (a partial such as "page-tree")
// on its own, for a caller that keeps the result: HTML that stays the
// same across many requests need not be rendered for each.
func (f *Frontend) Partial(lang, name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := f.setFor(lang).ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil //nolint:gosec // written by html/template
}

// setFor is the template set of a language, the default one for a
// language without.
func (f *Frontend) setFor(lang string) *template.Template {
	if set, ok := f.pages[lang]; ok {
		return set
	}
	return f.pages[languages[0].String()]
}

// PageNames lists every page template, for the check that all render.
func (f *Frontend) PageNames() []string {
	var names []string
	for _, t := range f.pages[languages[0].String()].Templates() {
		if name, ok := strings.CutPrefix(t.Name(), contentOf("")); ok {
			names = append(names, name)
		}
	}
	return names
}

// formatDate writes a date the way readers of lang expect it.
func formatDate(lang string, v any) string {
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		t = v
	case *time.Time:
		if v == nil {
			return ""
		}
		t = *v
	default:
		return ""
	}
	if lang == "de" {
		return t.Format("02.01.2006")
	}
	return t.Format("2 Jan 2006")
}

// formatBytes writes a file size the way readers of lang expect it.
func formatBytes(lang string, n int64) string {
	units := []string{"B", "KB", "MB", "GB"}
	v, i := float64(n), 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if i == 0 {
		s = strconv.FormatInt(n, 10)
	}
	if lang == "de" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "\u00a0" + units[i]
}
