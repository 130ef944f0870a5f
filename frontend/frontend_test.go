package frontend

import (
	"encoding/json"
	"html/template"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// catalogue merges a language's catalogue files; a message defined in two
// files of one language is an error, since one would silently win.
func catalogue(t *testing.T, lang string) map[string]any {
	t.Helper()
	names, _ := fs.Glob(files, "locales/"+lang+"/*.json")
	all := map[string]any{}
	for _, name := range names {
		buf, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(buf, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range m {
			if _, dup := all[k]; dup {
				t.Errorf("%s: message %q is defined twice", name, k)
			}
			all[k] = v
		}
	}
	return all
}

func TestCataloguesHaveTheSameMessages(t *testing.T) {
	de, en := catalogue(t, "de"), catalogue(t, "en")
	var missing []string
	for k := range de {
		if _, ok := en[k]; !ok {
			missing = append(missing, "en lacks "+k)
		}
	}
	for k := range en {
		if _, ok := de[k]; !ok {
			missing = append(missing, "de lacks "+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatal(strings.Join(missing, "\n"))
	}
}

// Every literal message id in the templates must exist, so that a typo is
// a failing test rather than an id shown to a user.
func TestTemplatesUseKnownMessages(t *testing.T) {
	de := catalogue(t, "de")
	uses := regexp.MustCompile(`\{\{-?\s*t "([^"]+)"`)
	err := fs.WalkDir(files, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, _ := fs.ReadFile(files, p)
		for _, m := range uses.FindAllStringSubmatch(string(body), -1) {
			if _, ok := de[m[1]]; !ok {
				t.Errorf("%s uses unknown message %q", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNewParsesEverything(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.PageNames()) == 0 {
		t.Fatal("no page templates")
	}
	for _, p := range []string{"vendor/kern/kern.min.css", "vendor/kern/fonts/fira-sans.css", "vendor/htmx/htmx.min.js", "css/app.css", "css/site.css"} {
		if _, err := f.Assets.URL(p); err != nil {
			t.Errorf("asset %s: %v", p, err)
		}
	}
}

// Pages share one set: a page that defined a partial of the set again, or
// no "content" or two, would change what other pages show.
func TestPagesCannotRedefineSharedTemplates(t *testing.T) {
	set := template.Must(template.New("layout").Parse(`{{define "footer"}}F{{end}}`))
	for _, src := range []string{
		`{{define "content"}}x{{end}}{{define "footer"}}other{{end}}`,
		`{{define "other"}}x{{end}}`,
		`{{define "content"}}x{{end}}{{- define "content" -}}y{{end}}`,
		`{{define "content"}}{{block "footer" .}}x{{end}}{{end}}`,
	} {
		if _, err := pageText(set, "wiki/view", src); err == nil {
			t.Errorf("accepted %s", src)
		}
	}
	text, err := pageText(set, "wiki/view", `{{define "content"}}x{{template "part" .}}{{end}}{{define "part"}}p{{end}}`)
	if err != nil || !strings.Contains(text, `{{define "content:wiki/view"}}`) || !strings.Contains(text, `{{define "part"}}`) {
		t.Fatalf("page text %q, %v", text, err)
	}
}

func TestLanguage(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ choice, accept, want string }{
		{"", "", "de"},
		{"", "en-US,en;q=0.8", "en"},
		{"", "de-AT", "de"},
		{"", "pl", "de"},
		{"en", "de", "en"},
		{"xx", "en", "en"},
	}
	for _, tc := range cases {
		if got := f.Language(tc.choice, tc.accept); got != tc.want {
			t.Errorf("Language(%q, %q) = %q, want %q", tc.choice, tc.accept, got, tc.want)
		}
	}
	if got := f.Translate("en", "form.too_long", "Max", 10); got != "Please shorten your entry to at most 10 characters." {
		t.Errorf("Translate = %q", got)
	}
}

// A message that shows a count is asked for with that count, which picks
// a plural form: it must have one for a single thing as well as for
// several, or a page showing "1" fails.
func TestCountedMessagesHaveTheirPluralForms(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"de", "en"} {
		loc := i18n.NewLocalizer(f.bundle, lang)
		for id, v := range catalogue(t, lang) {
			if text, flat := v.(string); flat && !strings.Contains(text, "{{.Count}}") {
				continue
			}
			for _, n := range []int{0, 1, 2, 21} {
				if _, err := translate(loc, id, "Count", n, "Max", 1); err != nil {
					t.Errorf("%s %s with %d: %v", lang, id, n, err)
				}
			}
		}
	}
}
