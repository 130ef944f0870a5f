package markdown

import (
	"testing"
)

func TestRefsFindsLinksOutsideCode(t *testing.T) {
	src := "Siehe [[raum:Seite|hier]] und [Plan](plan.pdf), ![](bild.png),\n" +
		"[**fett**](<mit leer.pdf> \"Titel\") `[code](x.pdf)`\n\n```\n[block](y.pdf)\n```\n[ref][r]\n\n[r]: z.pdf\n"
	refs := Refs(src)
	if len(refs) != 4 {
		t.Fatalf("got %d refs, want 4: %+v", len(refs), refs)
	}
	w := refs[0]
	if !w.Wiki || w.Space != "raum" || w.Title != "Seite" || w.Label != "hier" || src[w.Start:w.Stop] != "[[raum:Seite|hier]]" {
		t.Errorf("wiki link: %+v", w)
	}
	l := refs[1]
	if l.Wiki || l.Image || l.URL != "plan.pdf" || l.Label != "Plan" || src[l.Start:l.Stop] != "[Plan](plan.pdf)" || src[l.DestStart:l.DestStop] != "plan.pdf" {
		t.Errorf("link: %+v", l)
	}
	i := refs[2]
	if !i.Image || i.URL != "bild.png" || src[i.Start:i.Stop] != "![](bild.png)" {
		t.Errorf("image: %+v", i)
	}
	a := refs[3]
	if a.URL != "mit leer.pdf" || src[a.DestStart:a.DestStop] != "<mit leer.pdf>" || a.Start != -1 {
		t.Errorf("link with a title: %+v", a)
	}
	out := Replace(src, []Edit{{Start: l.DestStart, Stop: l.DestStop, Text: Destination("a/Plan B.pdf")}, {Start: w.Start, Stop: w.Stop, Text: "[hier](seite.md)"}})
	want := "Siehe [hier](seite.md) und [Plan](<a/Plan B.pdf>), ![](bild.png),\n"
	if out[:len(want)] != want {
		t.Errorf("replaced:\n%s", out)
	}
}
