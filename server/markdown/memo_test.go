package markdown

import (
	"strings"
	"testing"
)

// A kept rendering is reused only while every link and file it resolved
// resolves the same: a page created since, a link into a space the reader
// may no longer read, an attachment uploaded since all show on the next
// render of the same text.
func TestKeptRenderingFollowsTheResolvers(t *testing.T) {
	r := New()
	src := "Siehe [[Antrag]] und [[intern:Vermerk]].\n\n![Ablauf](ablauf.png)\n\n## Teil\n"
	exists, readable, file := false, true, ""
	opts := func() Options {
		return Options{CurrentSpace: "bau", IDPrefix: "p-",
			Resolve: func(space, title string) (string, bool) {
				if space == "intern" && !readable {
					return "", false
				}
				if title == "Antrag" && !exists {
					return "/neu/" + title, false
				}
				return "/" + space + "/" + title, true
			},
			ResolveURL: func(dest string) (string, bool) { return file, file != "" },
		}
	}
	render := func() Result {
		t.Helper()
		res, err := r.Render(src, opts())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := render()
	if !strings.Contains(string(first.HTML), "wikilink--missing") || !strings.Contains(string(first.HTML), `href="/intern/Vermerk"`) {
		t.Fatalf("first rendering: %s", first.HTML)
	}
	if again := render(); again.HTML != first.HTML {
		t.Fatalf("the same text rendered differently:\n%s\n%s", first.HTML, again.HTML)
	}
	first.Headings[0].Text = "geändert" // a caller may change what it got
	if again := render(); again.Headings[0].Text != "Teil" {
		t.Fatalf("a caller's change reached the next rendering: %+v", again.Headings)
	}
	exists = true
	if html := string(render().HTML); strings.Contains(html, "wikilink--missing") || !strings.Contains(html, `href="/bau/Antrag"`) {
		t.Fatalf("a page created since still shows as missing: %s", html)
	}
	readable = false
	if html := string(render().HTML); strings.Contains(html, "/intern/") {
		t.Fatalf("a link into a space no longer readable is still a link: %s", html)
	}
	file = "/anhaenge/7/ablauf.png"
	if html := string(render().HTML); !strings.Contains(html, `src="/anhaenge/7/ablauf.png"`) {
		t.Fatalf("an attachment uploaded since is not linked: %s", html)
	}
	plain, err := r.Render(src, Options{CurrentSpace: "bau", IDPrefix: "p-"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain.HTML), "<a ") {
		t.Fatalf("a rendering without resolvers took the links of one with them: %s", plain.HTML)
	}
}

// The memo stays within its bound however many texts are rendered.
func TestMemoStaysWithinItsBound(t *testing.T) {
	r := New()
	body := strings.Repeat("Ein Absatz über das Vergabeverfahren. ", 1000)
	for i := range 1000 {
		if _, err := r.Render(body+strings.Repeat("x", i), Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if r.memo.kept.Used() > memoBytes {
		t.Fatalf("memo holds %d bytes, more than its bound of %d", r.memo.kept.Used(), memoBytes)
	}
	if r.memo.kept.Len() == 0 {
		t.Fatal("memo keeps nothing")
	}
}

// The kept links of a text are those of the text, whatever a caller does
// with the list it got.
func TestKeptLinksAreTheTextsLinks(t *testing.T) {
	r := New()
	src := "[[A]], [[bau:B]] und `[[kein Link]]`"
	first := r.Links(src)
	if len(first) != 2 || first[0].Title != "A" || first[1].Space != "bau" {
		t.Fatalf("links %+v", first)
	}
	first[0].Title = "geändert"
	if again := r.Links(src); again[0].Title != "A" {
		t.Fatalf("a caller's change reached the kept links: %+v", again)
	}
	if other := r.Links("[[C]]"); len(other) != 1 || other[0].Title != "C" {
		t.Fatalf("links of another text: %+v", other)
	}
}

// A text rendered once, a preview being typed, is not kept.
func TestTextRenderedOnceIsNotKept(t *testing.T) {
	r := New()
	for i := range 3 {
		if _, err := r.Render(strings.Repeat("Entwurf ", i+1), Options{Once: true}); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.memo.kept.Len(); n != 0 {
		t.Fatalf("%d renderings kept of texts rendered once", n)
	}
}
