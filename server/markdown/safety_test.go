package markdown

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// activeContent reports the first thing in out that could run script or
// change how the page behaves, or "" if there is none. It tokenises the HTML
// the way a browser would instead of searching for strings.
func activeContent(out string) string {
	forbidden := map[string]bool{
		"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true,
		"embed": true, "svg": true, "math": true, "form": true, "base": true, "meta": true, "link": true,
		"applet": true, "template": true, "noscript": true, "textarea": true, "select": true, "button": true,
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return ""
			}
			return "tokenizer: " + z.Err().Error()
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			t := z.Token()
			if forbidden[t.Data] {
				return "element <" + t.Data + ">"
			}
			for _, a := range t.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") {
					return fmt.Sprintf("event attribute %s on <%s>", a.Key, t.Data)
				}
				if key == "style" || key == "formaction" || key == "srcdoc" || key == "xlink:href" {
					return fmt.Sprintf("attribute %s on <%s>", a.Key, t.Data)
				}
				if key == "href" || key == "src" || key == "action" || key == "poster" || key == "cite" || key == "background" {
					if s := scheme(a.Val); s == "javascript" || s == "vbscript" || s == "data" {
						return fmt.Sprintf("%s: URL in %s on <%s>: %q", s, a.Key, t.Data, a.Val)
					}
				}
				if t.Data == "input" && key == "type" && a.Val != "checkbox" {
					return "input of type " + a.Val
				}
			}
		}
	}
}

// scheme is the scheme of a URL as a browser reads it: control characters and
// white space are ignored, case does not matter.
func scheme(u string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(u) {
		if r <= 0x20 || r == 0x7f {
			continue
		}
		if r == ':' {
			return strings.ToLower(b.String())
		}
		if r == '/' || r == '?' || r == '#' {
			return ""
		}
		b.WriteRune(r)
	}
	return ""
}

func TestActiveContentCheckerCatchesThings(t *testing.T) {
	for _, bad := range []string{
		`<script>x</script>`, `<a href=" JaVa&#x09;Script:alert(1)">x</a>`, `<img src="data:text/html,x">`,
		`<p onclick="x">`, `<p style="x">`, `<svg></svg>`, `<a href="vbscript:x">`, `<input type="text">`,
	} {
		if activeContent(bad) == "" {
			t.Errorf("checker misses %q", bad)
		}
	}
	if got := activeContent(`<p><a href="https://x.de/a:b" class="wikilink">ok</a></p>`); got != "" {
		t.Errorf("checker flags harmless HTML: %s", got)
	}
}

var xssPayloads = []struct{ name, src string }{
	{"script tag", `<script>alert(1)</script>`},
	{"script upper case", `<SCRIPT>alert(1)</SCRIPT>`},
	{"script inline", `Text <script>alert(1)</script> Text`},
	{"script with src", `<script src="https://evil.example/x.js"></script>`},
	{"script split", "<scr<script>ipt>alert(1)</script>"},
	{"script in list", "- <script>alert(1)</script>"},
	{"script slash", `<script/x>alert(1)</script>`},
	{"style tag", `<style>body{display:none}</style>`},
	{"img onerror", `<img src=x onerror=alert(1)>`},
	{"img onerror inline", `Bild: <img src="x" onerror="alert(1)">`},
	{"javascript link", `[a](javascript:alert(1))`},
	{"mixed case javascript", `[a](JaVaScRiPt:alert(1))`},
	{"entity javascript", `[a](&#106;avascript:alert(1))`},
	{"hex entity javascript", `[a](&#x6A;&#x61;vascript:alert(1))`},
	{"tab in scheme", "[a](java\tscript:alert(1))"},
	{"escaped tab in scheme", `[a](java&#9;script:alert(1))`},
	{"newline entity in scheme", `[a](java&#10;script:alert(1))`},
	{"leading space", `[a]( javascript:alert(1))`},
	{"angle destination", `[a](<javascript:alert(1)>)`},
	{"reference link", "[a][x]\n\n[x]: javascript:alert(1)"},
	{"reference link entity", "[a][x]\n\n[x]: &#106;avascript:alert(1)"},
	{"autolink", `<javascript:alert(1)>`},
	{"autolink vbscript", `<vbscript:msgbox(1)>`},
	{"image javascript", `![x](javascript:alert(1))`},
	{"image data svg", `![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`},
	{"image data png", `![x](data:image/png;base64,iVBORw0KGgo=)`},
	{"data html link", `[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`},
	{"vbscript link", `[a](vbscript:msgbox(1))`},
	{"svg onload", `<svg onload=alert(1)>`},
	{"svg inline", `Text <svg><script>alert(1)</script></svg>`},
	{"math", `<math><mi xlink:href="javascript:alert(1)">x</mi></math>`},
	{"iframe", `<iframe src="javascript:alert(1)"></iframe>`},
	{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`},
	{"object", `<object data="javascript:alert(1)"></object>`},
	{"embed", `<embed src="javascript:alert(1)">`},
	{"anchor onclick", `<a href="x" onclick="alert(1)">x</a>`},
	{"title attribute injection", `[a](/x "\" onmouseover=\"alert(1))`},
	{"title attribute injection single", `[a](/x 'x" onmouseover="alert(1)')`},
	{"image title injection", `![a](/x.png "\" onerror=\"alert(1)")`},
	{"wiki link quotes", `[[a" onmouseover="alert(1)]]`},
	{"wiki link angle", `[[<script>alert(1)</script>]]`},
	{"wiki label", `[[Seite|<img src=x onerror=alert(1)>]]`},
	{"wiki label quote", `[[Seite|" onclick="alert(1)]]`},
	{"wiki space javascript", `[[javascript:alert(1)]]`},
	{"entities stay text", `&lt;script&gt;alert(1)&lt;/script&gt;`},
	{"double encoded", `&amp;lt;script&amp;gt;`},
	{"nested brackets", `[[[a](javascript:alert(1))]]`},
	{"nested link in link", `[x [y](javascript:alert(1))](javascript:alert(2))`},
	{"footnote label trick", "x[^\" onclick=\"alert(1)]\n\n[^\" onclick=\"alert(1)]: <script>alert(1)</script>"},
	{"footnote javascript", "x[^1]\n\n[^1]: [a](javascript:alert(1))"},
	{"base", `<base href="https://evil.example/">`},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
	{"form", `<form action="https://evil.example"><input name=a></form>`},
	{"html block", "<div>\n<script>alert(1)</script>\n</div>"},
	{"html comment", `<!--><script>alert(1)</script>-->`},
	{"cdata", `<![CDATA[<script>alert(1)</script>]]>`},
	{"code fence language", "```\" onclick=\"alert(1)\ncode\n```"},
	{"code fence script", "```html\n<script>alert(1)</script>\n```"},
	{"table cell", "| a |\n|---|\n| <script>alert(1)</script> |"},
	{"linkify javascript", `javascript:alert(1)`},
	{"linkify www", `www.example.com/<script>`},
	{"mailto", `<mailto:a@example.org?body=<script>>`},
	{"unicode escape", `[a](\u006Aavascript:alert(1))`},
	{"null byte", "[a](java\x00script:alert(1))"},
	{"percent encoded", `[a](%6Aavascript:alert(1))`},
}

// xssGlossary puts active content into every glossary field.
var xssGlossary = []Term{
	{Slug: `x" onclick="alert(1)`, Term: "Gefahr", Definition: `<script>alert(1)</script>`},
	{Slug: "ozg", Term: `Onlinezugangsgesetz"><script>`, Abbreviations: []string{"OZG"}, Definition: `" onmouseover="alert(1)`},
	{Slug: "text", Term: "Text", Definition: "<img src=x onerror=alert(1)>"},
}

func xssResolve(space, title string) (string, bool) {
	// A careless resolver that echoes its input must not open a hole.
	return "javascript:alert('" + space + title + "')", strings.Contains(title, "a")
}

func TestRenderBlocksActiveContent(t *testing.T) {
	r := New()
	for _, tc := range xssPayloads {
		t.Run(tc.name, func(t *testing.T) {
			for _, src := range []string{tc.src, "Gefahr und OZG und Text: " + tc.src} {
				res, err := r.Render(src, Options{Glossary: xssGlossary, IDPrefix: "p-"})
				if err != nil {
					t.Fatal(err)
				}
				if bad := activeContent(string(res.HTML)); bad != "" {
					t.Errorf("%s in output of %q:\n%s", bad, src, res.HTML)
				}
				res, err = r.Render(src, Options{Resolve: xssResolve, CurrentSpace: "wiki"})
				if err != nil {
					t.Fatal(err)
				}
				if bad := activeContent(string(res.HTML)); bad != "" {
					t.Errorf("%s in output of %q (resolver):\n%s", bad, src, res.HTML)
				}
			}
		})
	}
}

func TestEntitiesStayText(t *testing.T) {
	res := mustRender(t, `&lt;script&gt;alert(1)&lt;/script&gt;`, Options{})
	if !strings.Contains(string(res.HTML), "&lt;script&gt;") {
		t.Errorf("escaped tag not kept as text: %s", res.HTML)
	}
	if res.Text != "<script>alert(1)</script>" {
		t.Errorf("Text = %q", res.Text)
	}
}

func TestGlossaryDefinitionIsEscaped(t *testing.T) {
	res := mustRender(t, "Gefahr!", Options{Glossary: []Term{{Slug: "gefahr", Term: "Gefahr", Definition: `<script>alert(1)</script> & "x"`}}})
	want := `<span class="glossary-tip" role="tooltip" id="gl-gefahr">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;</span>`
	if !strings.Contains(string(res.HTML), want) {
		t.Errorf("definition not escaped:\n%s", res.HTML)
	}
}

func TestUnsafeResolverHrefIsDropped(t *testing.T) {
	res := mustRender(t, "[[Seite]]", Options{Resolve: func(_, _ string) (string, bool) { return "javascript:alert(1)", true }})
	if strings.Contains(string(res.HTML), "javascript") {
		t.Errorf("javascript href kept: %s", res.HTML)
	}
}
