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
	fieldsetElem = regexp.MustCompile(`(?s)<fieldset\b[^>]*>\s*<legend\b[^>]*>(.*?)</legend>(.*?)</fieldset>`)
	fieldID      = regexp.MustCompile(`\bid="(f-[^"]+)"`)
)

// LabelsIn reads the labels of a rendered page, by the id of the input
// each belongs to, as plain text: the names the error summary gives the
// fields, whether a field was rendered by a partial or written out in
// its page's template. An element inside a fieldset that no label names
// (the box around a group of checkboxes) is named by the legend.
func LabelsIn(page []byte) map[string]string {
	out := map[string]string{}
	for _, m := range labelElement.FindAllSubmatch(page, -1) {
		id := string(m[1])
		if _, seen := out[id]; !seen {
			if name := plainText(m[2]); name != "" {
				out[id] = name
			}
		}
	}
	for _, m := range fieldsetElem.FindAllSubmatch(page, -1) {
		legend := plainText(m[1])
		for _, id := range fieldID.FindAllSubmatch(m[2], -1) {
			if _, seen := out[string(id[1])]; !seen && legend != "" {
				out[string(id[1])] = legend
			}
		}
	}
	return out
}

func plainText(markup []byte) string {
	text := anyTag.ReplaceAll(optionalMark.ReplaceAll(markup, nil), nil)
	return strings.Join(strings.Fields(html.UnescapeString(string(text))), " ")
}

// ShowLabels tells the form the labels its page showed (see LabelsIn),
// for the fields it did not render itself.
func (f *Form) ShowLabels(labels map[string]string) { f.shown = labels }
