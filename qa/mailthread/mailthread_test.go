package mailthread

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parseFile(t *testing.T, name string, opt Options) *Thread {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	th, err := ParseWith(raw, opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return th
}

func TestSenderForms(t *testing.T) {
	for in, want := range map[string][2]string{
		"Erika Muster <Erika.Muster@behoerde.example>":         {"Erika Muster", "erika.muster@behoerde.example"},
		"Muster, Erika [mailto:erika.muster@behoerde.example]": {"Muster, Erika", "erika.muster@behoerde.example"},
		`"Probe, Silvia" <silvia.probe@example.org>`:           {"Probe, Silvia", "silvia.probe@example.org"},
		"erika.muster@behoerde.example":                        {"", "erika.muster@behoerde.example"},
		"Muster, Erika (Referat 21)":                           {"Muster, Erika (Referat 21)", ""},
	} {
		name, addr := parseSender(in)
		if name != want[0] || addr != want[1] {
			t.Errorf("parseSender(%q) = %q, %q; want %q, %q", in, name, addr, want[0], want[1])
		}
	}
}

func TestCleanSubject(t *testing.T) {
	for in, want := range map[string]string{
		"Re: AW: WG: Frage zur Reisekostenabrechnung?": "Frage zur Reisekostenabrechnung?",
		"FW: Fwd: Antw: Vergabe":                       "Vergabe",
		"RE[2]: Tender":                                "Tender",
		"AW:AW: Urlaub":                                "Urlaub",
		"Rechnung: Werkvertrag":                        "Rechnung: Werkvertrag",
		"Reisekosten Silvia":                           "Reisekosten Silvia",
	} {
		if got := CleanSubject(in); got != want {
			t.Errorf("CleanSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncodedSubjectAndLatin1Body(t *testing.T) {
	th := parseFile(t, "15_qp_latin1.eml", Options{})
	if th.Subject != "Gebühren für Akteneinsicht" {
		t.Errorf("subject %q", th.Subject)
	}
	if got := th.Messages[1].Body; !strings.Contains(got, "keine Gebühren an; darüber hinaus") {
		t.Errorf("soft line break or umlauts lost: %q", got)
	}
}

func TestDates(t *testing.T) {
	berlin := time.FixedZone("MEZ", 3600)
	at := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, berlin) }
	for in, want := range map[string]time.Time{
		"Dienstag, 4. November 2026 16:40":         at(2026, 11, 4, 16, 40),
		"Wednesday, November 5, 2026 3:15 PM":      at(2026, 11, 5, 15, 15),
		"03.11.2026 um 14:02":                      at(2026, 11, 3, 14, 2),
		"13.11.26 14:02":                           at(2026, 11, 13, 14, 2),
		"Mi., 19. Nov. 2026 um 14:02 Uhr":          at(2026, 11, 19, 14, 2),
		"Fri, 21 Nov 2026 at 11:14":                at(2026, 11, 21, 11, 14),
		"17. Nov 2026, at 16:44":                   at(2026, 11, 17, 16, 44),
		"Montag, 2. März 2026 08:00":               at(2026, 3, 2, 8, 0),
		"Tuesday, November 25, 2026 12:10 AM":      at(2026, 11, 25, 0, 10),
		"Thu, 13 Nov 2026 15:22:10 +0100":          time.Date(2026, 11, 13, 15, 22, 10, 0, time.FixedZone("", 3600)),
		"2026-11-03 09:30":                         at(2026, 11, 3, 9, 30),
		"irgendwann nächste Woche":                 {},
		"31.02.2026 10:00":                         {},
		"Freitag, 7. Nowember 2026 13:20":          {},
		"11/3/2026 2:02 PM":                        at(2026, 11, 3, 14, 2),
		"Donnerstag, 6. November 2026 25:45":       {},
		"Sonntag, 1. Dezember 1899 10:00":          {},
		"Mittwoch, 31. Dezember 2025 23:59":        at(2025, 12, 31, 23, 59),
		"Monday, 1 December 2026 09:05":            at(2026, 12, 1, 9, 5),
		"am 3. Nov. 2026 um 9:05 Uhr (MEZ), sagte": at(2026, 11, 3, 9, 5),
	} {
		got := parseDate(in, berlin)
		if !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestDatesInThreads(t *testing.T) {
	berlin := time.FixedZone("MEZ", 3600)
	th := parseFile(t, "01_outlook_de_reply.eml", Options{Location: berlin})
	want := []time.Time{
		time.Date(2026, 11, 3, 11, 5, 0, 0, berlin),
		time.Date(2026, 11, 4, 16, 40, 0, 0, berlin),
		time.Date(2026, 11, 5, 9, 12, 0, 0, berlin),
	}
	for i, w := range want {
		if !th.Messages[i].Date.Equal(w) {
			t.Errorf("#%d date %v, want %v", i, th.Messages[i].Date, w)
		}
	}
	if th.Messages[0].Subject != "Frage zur Reisekostenabrechnung" {
		t.Errorf("subject %q", th.Messages[0].Subject)
	}
	g := parseFile(t, "12_gmail_de_wrapped.eml", Options{Location: berlin})
	if d := g.Messages[0].Date; !d.Equal(time.Date(2026, 11, 19, 14, 2, 0, 0, berlin)) {
		t.Errorf("Gmail attribution date %v", d)
	}
}

func TestAttachmentKept(t *testing.T) {
	th := parseFile(t, "16_attachment.eml", Options{})
	if len(th.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(th.Attachments))
	}
	a := th.Attachments[0]
	if a.Name != "Dienstreiseantrag_2026-11.pdf" || a.ContentType != "application/pdf" || !bytes.HasPrefix(a.Data, []byte("%PDF-1.4\n")) {
		t.Errorf("attachment %q %q %q", a.Name, a.ContentType, a.Data)
	}
	for _, m := range th.Messages {
		if strings.Contains(m.Body, "JVBER") {
			t.Errorf("attachment bytes in body %q", m.Body)
		}
	}
}

func TestAttachedMailIsRead(t *testing.T) {
	th := parseFile(t, "22_forward_as_attachment.eml", Options{})
	if len(th.Attachments) != 1 || th.Attachments[0].Name != "Vermerk_Direktauftrag.txt" ||
		string(th.Attachments[0].Data) != "Vermerk zur Vergabe (Muster)\n" {
		t.Errorf("attachments of the attached mail: %+v", th.Attachments)
	}
}

func TestHTMLDropsScriptAndStyle(t *testing.T) {
	th := parseFile(t, "14_html_only.eml", Options{})
	for _, m := range th.Messages {
		if strings.Contains(m.Body, "var x") || strings.Contains(m.Body, "margin") {
			t.Errorf("script or style kept: %q", m.Body)
		}
	}
}

func TestPlainPreferredOverHTML(t *testing.T) {
	th := parseFile(t, "19_multipart_alternative.eml", Options{})
	for _, m := range th.Messages {
		if strings.Contains(m.Body, "HTML-Fassung") {
			t.Errorf("HTML alternative read: %q", m.Body)
		}
	}
}

func TestCleanKeepsSubstance(t *testing.T) {
	for _, body := range []string{
		"Danke für die Unterlagen, ich prüfe sie bis Freitag.",
		"Die Unterlagen sind vertraulich zu behandeln und verschlossen abzulegen.",
		"Bitte schicken Sie den Antrag an\nreisekosten@behoerde.example",
		"Best practice is to file the request two weeks in advance.",
		"Erste Zeile\nZweite Zeile\n\nNeuer Absatz",
	} {
		if got := Clean(body); got != body {
			t.Errorf("Clean(%q) = %q", body, got)
		}
	}
}

func TestLimits(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "01_outlook_de_reply.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseWith(raw, Options{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("100-byte limit: %v, want ErrTooLarge", err)
	}
	if _, err := ParseWith(raw, Options{MaxMessages: 2}); !errors.Is(err, ErrTooManyMessages) {
		t.Errorf("2-message limit: %v, want ErrTooManyMessages", err)
	}
	if _, err := ParseWith(raw, Options{MaxMessages: 3}); err != nil {
		t.Errorf("3-message limit: %v", err)
	}

	var b strings.Builder
	b.WriteString("From: a@example.org\nSubject: lang\n\n")
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "Antwort %d\n\n-----Original Message-----\nFrom: p%d@example.org\nSent: 03.11.2026 10:00\nSubject: lang\n\n", i, i)
	}
	if _, err := Parse([]byte(b.String())); !errors.Is(err, ErrTooManyMessages) {
		t.Errorf("150 messages: %v, want ErrTooManyMessages", err)
	}

	if _, err := Parse([]byte("From: a@example.org\n\n" + strings.Repeat("x", maxTextBytes+1))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("long text: %v, want ErrTooLarge", err)
	}
	if _, err := Parse([]byte("kein Kopf, keine Leerzeile")); !errors.Is(err, ErrMalformed) {
		t.Errorf("no header: %v, want ErrMalformed", err)
	}
	nested := "From: a@example.org\nContent-Type: multipart/mixed; boundary=x\n\n"
	for i := 0; i < 20; i++ {
		nested += fmt.Sprintf("--x\nContent-Type: multipart/mixed; boundary=x%d\n\n", i)
	}
	if _, err := Parse([]byte(nested)); err == nil {
		t.Errorf("20 nested multiparts read without error")
	}
}

// TestAdversarialBodiesStayFast guards the splitter against input that
// would make it rescan the body from every line.
func TestAdversarialBodiesStayFast(t *testing.T) {
	for name, line := range map[string]string{
		"quotes then text":  "> zitiert\nText\nText\nText\nText\nText\n",
		"header lines":      "Von: a@example.org\nAn: b@example.org\n",
		"attributions":      "Am Montag schrieb\n",
		"attribution words": "Am Montag schrieb\nOn Monday wrote\n",
	} {
		body := strings.Repeat(line, adversarialBytes/len(line))
		start := time.Now()
		if _, err := Parse([]byte("From: a@example.org\nSubject: x\n\n" + body)); err != nil && !errors.Is(err, ErrTooManyMessages) {
			t.Errorf("%s: %v", name, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: %d bytes took %v", name, adversarialBytes, d)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		th, err := ParseWith(raw, Options{MaxBytes: 1 << 16})
		if err == nil && len(th.Messages) > DefaultMaxMessages {
			t.Errorf("%d messages", len(th.Messages))
		}
	})
}
