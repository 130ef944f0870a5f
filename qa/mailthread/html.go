package mailthread

import (
	"strings"

	"golang.org/x/net/html"
)

// htmlToText keeps paragraphs and line breaks and marks blockquotes with
// "> " so that quoted history stays recognisable to the splitter.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	var line strings.Builder
	skip, quote := 0, 0
	flush := func() {
		t := strings.TrimSpace(line.String())
		line.Reset()
		b.WriteString(strings.Repeat("> ", quote))
		b.WriteString(t)
		b.WriteByte('\n')
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			if line.Len() > 0 {
				flush()
			}
			return b.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := strings.Join(strings.Fields(string(z.Text())), " ")
			if t == "" {
				if line.Len() > 0 {
					line.WriteByte(' ')
				}
				continue
			}
			if line.Len() > 0 && !strings.HasSuffix(line.String(), " ") && startsWithSpace(string(z.Text())) {
				line.WriteByte(' ')
			}
			line.WriteString(t)
			if endsWithSpace(string(z.Text())) {
				line.WriteByte(' ')
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title":
				skip++
			case "br":
				flush()
			case "blockquote":
				if line.Len() > 0 {
					flush()
				}
				quote++
			case "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr":
				if line.Len() > 0 {
					flush()
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title":
				if skip > 0 {
					skip--
				}
			case "blockquote":
				if line.Len() > 0 {
					flush()
				}
				if quote > 0 {
					quote--
				}
			case "p":
				flush()
				if quote == 0 {
					b.WriteByte('\n')
				}
			case "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table":
				if line.Len() > 0 {
					flush()
				}
			}
		}
	}
}

func startsWithSpace(s string) bool { return s != "" && strings.TrimLeft(s, " \t\r\n") != s }
func endsWithSpace(s string) bool   { return s != "" && strings.TrimRight(s, " \t\r\n") != s }
