package markdown

import "testing"

// A task's checkbox is named by its text: the label holds both, so axe's
// "label" rule finds a name on the page and in the editor preview.
func TestTaskListLabelled(t *testing.T) {
	res := mustRender(t, "- [x] Antrag **geprüft**\n- [ ] Bescheid versandt\n", Options{})
	assertContains(t, string(res.HTML),
		`<li><label class="task"><input checked="" disabled="" type="checkbox"> Antrag <strong>geprüft</strong></label></li>`,
		`<li><label class="task"><input disabled="" type="checkbox"> Bescheid versandt</label></li>`)
	if res.Text != "Antrag geprüft Bescheid versandt" {
		t.Errorf("Text = %q", res.Text)
	}
	loose := mustRender(t, "- [ ] Erstens\n\n  Mehr dazu.\n\n- [x] Zweitens\n", Options{})
	assertContains(t, string(loose.HTML), `<p><label class="task"><input disabled="" type="checkbox"> Erstens</label></p>`)
}

// Each table sits in a named, focusable region that scrolls sideways on
// its own, so that a wide table never widens the page at 360 px.
func TestTableInScrollRegion(t *testing.T) {
	res := mustRender(t, "| Frist | Tage |\n|---|---:|\n| Widerspruch | 30 |\n\nText\n\n| | |\n|-|-|\n| a | b |\n", Options{})
	assertContains(t, string(res.HTML),
		`<div class="table-scroll" role="region" tabindex="0" aria-label="Tabelle: Frist, Tage">`+"\n<table>",
		`<div class="table-scroll" role="region" tabindex="0" aria-label="Tabelle 2">`+"\n<table>",
		"</table>\n</div>")
	quoted := mustRender(t, "| \"><script>x</script> |\n|---|\n| 1 |\n", Options{})
	assertNotContains(t, string(quoted.HTML), "<script", `"><`)
}
