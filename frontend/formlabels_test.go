package frontend

import "testing"

// The summary names a field by the text of its label as the page shows
// it, without the "optional" mark and markup, with entities decoded.
func TestLabelsIn(t *testing.T) {
	page := []byte(`<label class="kern-label" for="f-title">Ihre Frage in einem Satz</label>
<label class="kern-label" for="f-topics">Themen <span class="kern-label__optional">– optional</span></label>
<label for="f-owner"><strong>Verantwortlich</strong> &amp; Vertretung</label>
<label for="f-title">zweites Label</label><label>ohne Feld</label>
<fieldset class="kern-fieldset"><legend class="kern-label">Ereignisse</legend><div id="f-events"><input id="f-event-a"><label for="f-event-a">Neue Frage</label></div></fieldset>`)
	got := LabelsIn(page)
	want := map[string]string{"f-title": "Ihre Frage in einem Satz", "f-topics": "Themen", "f-owner": "Verantwortlich & Vertretung",
		"f-events": "Ereignisse", "f-event-a": "Neue Frage"}
	if len(got) != len(want) {
		t.Fatalf("labels %v, want %v", got, want)
	}
	for id, name := range want {
		if got[id] != name {
			t.Errorf("%s: %q, want %q", id, got[id], name)
		}
	}
}

// The summary lists the fields in the order they failed, each with the
// id of its input and the name it has on the page.
func TestSummaryNamesFields(t *testing.T) {
	f := NewForm()
	f.Fail("title", "Bitte füllen Sie dieses Feld aus.")
	f.Fail("visibility", "Bitte wählen Sie aus.")
	f.Fail("title", "zweiter Fehler")
	f.Choice("visibility", "spaces.visibility", Option{Value: "private"})
	f.ShowLabels(map[string]string{"f-title": "Titel"})
	got := f.Summary()
	if len(got) != 2 || got[0] != (FieldError{ID: "f-title", Name: "Titel", Message: "Bitte füllen Sie dieses Feld aus."}) ||
		got[1] != (FieldError{ID: "f-visibility", Label: "spaces.visibility", Message: "Bitte wählen Sie aus."}) {
		t.Errorf("summary %+v", got)
	}
}
