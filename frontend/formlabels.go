package frontend

import (
	"html"
	"regexp"
	"strings"
)

var (
	labelElement = regexp.MustCompile(`(?s)<label\b[^>]*?\bfor="([^"]+)"[^>]*>(.*?)</label>`)
	optionalMark = regexp.MustCompile(`(?s)<span class="kern-label__optional">.*?</span>`)
	anyTag       = regexp.MustCompile(`(?s)<[^>]*>`)
)

// LabelsIn reads the labels of a rendered page, by the id of the input
// each belongs to, as plain text: the names the error summary gives the
// fields, whether a field was rendered by a partial or written out in
// its page's template.
func LabelsIn(page []byte) map[string]string {
	out := map[string]string{}
	for _, m := range labelElement.FindAllSubmatch(page, -1) {
		id := string(m[1])
		if _, seen := out[id]; seen {
			continue
		}
		text := anyTag.ReplaceAll(optionalMark.ReplaceAll(m[2], nil), nil)
		if name := strings.Join(strings.Fields(html.UnescapeString(string(text))), " "); name != "" {
			out[id] = name
		}
	}
	return out
}

// ShowLabels tells the form the labels its page showed (see LabelsIn),
// for the fields it did not render itself.
func (f *Form) ShowLabels(labels map[string]string) { f.shown = labels }
