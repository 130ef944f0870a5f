package mailthread

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type wantMsg struct {
	name, addr, start string
}

// corpus lists every thread in testdata with its messages, oldest first.
var corpus = []struct {
	file string
	msgs []wantMsg
}{
	{"01_outlook_de_reply.eml", []wantMsg{
		{"Beispiel, Jonas", "jonas.beispiel@behoerde.example", "Ihre Reisekostenabrechnung für die Dienstreise"},
		{"Muster, Erika", "erika.muster@behoerde.example", "warum wurde mein Tagegeld"},
		{"Jonas Beispiel", "jonas.beispiel@behoerde.example", "die Tagegeldpauschale wird"},
	}},
	{"02_outlook_en_reply.eml", []wantMsg{
		{"Tom Example", "tom.example@example.org", "may we submit the reference list"},
		{"Schmidt-Lorenz, Petra", "petra.schmidt-lorenz@behoerde.example", "references may be submitted"},
		{"Tom Example", "tom.example@example.org", "thank you. We will submit"},
	}},
	{"03_outlook_de_underscore.eml", []wantMsg{
		{"Anna Probe", "anna.probe@behoerde.example", "ich habe noch acht Tage Resturlaub"},
		{"Personalstelle", "personal@behoerde.example", "Resturlaub aus 2026 kann"},
		{"Anna Probe", "anna.probe@behoerde.example", "dann beantrage ich die drei Tage"},
	}},
	{"04_outlook_de_forward.eml", []wantMsg{
		{"Erika Muster", "erika.muster@behoerde.example", "müssen wir Schreibtische"},
		{"Vergabestelle", "vergabe@behoerde.example", "nach § 97 Abs. 4 GWB"},
		{"Erika Muster", "erika.muster@behoerde.example", "Zur Info für alle"},
	}},
	{"05_thunderbird_de_nested.eml", []wantMsg{
		{"Dr. Petra Schmidt-Lorenz", "", "bitte prüfen Sie zuerst"},
		{"Jonas Beispiel", "", "der Bescheid ist vom 6. Oktober"},
		{"Dr. Petra Schmidt-Lorenz", "petra.schmidt-lorenz@behoerde.example", "ja, der Widerspruch ist fristgerecht"},
	}},
	{"06_thunderbird_de_short.eml", []wantMsg{
		{"IT-Service", "it-service@behoerde.example", "das Zertifikat für den VPN-Zugang"},
		{"Jonas Beispiel", "jonas.beispiel@behoerde.example", "Danke, mit dem neuen Zertifikat"},
	}},
	{"07_thunderbird_forward_de.eml", []wantMsg{
		{"Personalrat", "personalrat@behoerde.example", "Elternzeit muss spätestens"},
		{"Anna Probe", "anna.probe@behoerde.example", "Diese Auskunft fragen viele"},
	}},
	{"08_thunderbird_forward_en.eml", []wantMsg{
		{"Tom Example", "", "which password rules apply"},
		{"Lena Fiktiv", "lena.fiktiv@behoerde.example", "service accounts need a password"},
	}},
	{"09_apple_de.eml", []wantMsg{
		{"Erika Muster", "erika.muster@behoerde.example", "ist für den Termin beim Landesamt"},
		{"Lena Fiktiv", "lena.fiktiv@behoerde.example", "Der Dienstwagen ist für Mittwoch"},
	}},
	{"10_apple_en.eml", []wantMsg{
		{"Tom Example", "tom.example@example.org", "how many participants"},
		{"Erika Muster", "erika.muster@behoerde.example", "the workshop room holds 25 people"},
	}},
	{"11_gmail_en_nested.eml", []wantMsg{
		{"Max Platzhalter", "max.platzhalter@example.org", "could you ask the data protection officer"},
		{"Lena Fiktiv", "lena.fiktiv@behoerde.example", "the data protection officer has approved"},
		{"Max Platzhalter", "max.platzhalter@example.org", "Great, then we publish the notice"},
	}},
	{"12_gmail_de_wrapped.eml", []wantMsg{
		{"Bürgerbüro", "buergerbuero@behoerde.example", "für die Ummeldung benötigen Sie"},
		{"Max Platzhalter", "max.platzhalter@example.org", "Vielen Dank für die schnelle Rückmeldung"},
	}},
	{"13_gmail_forward.eml", []wantMsg{
		{"Sabine Haushalt", "sabine.haushalt@behoerde.example", "eine Verpflichtungsermächtigung brauchst du"},
		{"Lena Fiktiv", "lena.fiktiv@behoerde.example", "Kurze Erklärung der Haushaltsreferentin"},
	}},
	{"14_html_only.eml", []wantMsg{
		{"Jonas Beispiel", "jonas.beispiel@behoerde.example", "wird die zweitägige Fortbildung"},
		{"Erika Muster", "erika.muster@behoerde.example", "die Fortbildung wird als Dienstzeit angerechnet,\ndie Fahrtkosten"},
	}},
	{"15_qp_latin1.eml", []wantMsg{
		{"Muster, Erika", "erika.muster@behoerde.example", "ein Bürger möchte Einsicht"},
		{"Jürgen Müller", "juergen.mueller@behoerde.example", "für die Akteneinsicht nach dem IFG"},
	}},
	{"16_attachment.eml", []wantMsg{
		{"Travel Office", "travel@behoerde.example", "attached is the current form"},
		{"Jonas Beispiel", "jonas.beispiel@behoerde.example", "Das aktuelle Formular hängt an"},
	}},
	{"17_thunderbird_en_noaddr.eml", []wantMsg{
		{"Tom Example", "", "did the accessibility test"},
		{"Lena Fiktiv", "lena.fiktiv@behoerde.example", "the form passes BITV 2.0"},
	}},
	{"18_outlook_en_nodash.eml", []wantMsg{
		{"Erika Muster", "erika.muster@behoerde.example", "we have received invoice 2026-1187"},
		{"Max Platzhalter", "max.platzhalter@example.org", "the invoice was sent on 3 November"},
		{"Erika Muster", "erika.muster@behoerde.example", "the invoice has been approved today"},
	}},
	{"19_multipart_alternative.eml", []wantMsg{
		{"Probe, Anna", "anna.probe@behoerde.example", "unter welchem Aktenzeichen"},
		{"Klaus Vorlage", "klaus.vorlage@behoerde.example", "der Vorgang läuft unter Az. 61-204/2026"},
	}},
	{"20_mixed_de_en.eml", []wantMsg{
		{"Beispiel, Jonas", "jonas.beispiel@behoerde.example", "ich habe Ihnen eine Einladung"},
		{"Tom Example", "tom.example@example.org", "I have received the invitation"},
	}},
	{"22_forward_as_attachment.eml", []wantMsg{
		{"Vorlage, Klaus", "klaus.vorlage@behoerde.example", "bis zu welcher Wertgrenze"},
		{"Vergabestelle", "vergabe@behoerde.example", "Direktaufträge sind bis zu einem Auftragswert"},
		{"Klaus Vorlage", "klaus.vorlage@behoerde.example", "Die Mail der Vergabestelle hängt als Anlage an"},
	}},
	{"21_single_message.eml", []wantMsg{
		{"Sabine Haushalt", "sabine.haushalt@behoerde.example", "die Voranschläge für den Haushalt 2028"},
	}},
}

// leftovers are pieces of greetings, closings, signatures, disclaimers and
// quote headers; none may survive in a cleaned body of the corpus.
var leftovers = []string{
	"Hallo", "Hi ", "Hello", "Dear ", "Sehr geehrte", "Liebe ", "Guten Morgen", "Good morning",
	"Grüße", "Gruß", "regards", "Cheers", "Thanks", "LG ", "Danke!", "Best,",
	"Tel.", "Telefon", "Phone", "Fax", "Hotline", "Raum ", "Referat Z", "53111 Bonn", "Im Auftrag",
	"vertrauliche", "confidential", "Umwelt", "iPhone",
	"Ursprüngliche", "Original Message", "Forwarded", "Weitergeleitete", "schrieb", "wrote",
	"Von:", "From:", "Gesendet:", "Sent:", "Betreff:", "Subject:", "\n>", "-- ",
}

func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(corpus) {
		t.Errorf("testdata holds %d threads, the table %d", len(files), len(corpus))
	}
	right := 0
	for _, c := range corpus {
		raw, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		th, err := Parse(raw)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if problems := compare(th, c.msgs); len(problems) > 0 {
			t.Errorf("%s:\n  %s", c.file, strings.Join(problems, "\n  "))
			for i, m := range th.Messages {
				t.Logf("%s #%d %q <%s> %s:\n%s", c.file, i, m.FromName, m.FromAddr, m.Date, m.Body)
			}
			continue
		}
		right++
	}
	t.Logf("split exactly right: %d of %d", right, len(corpus))
}

func compare(th *Thread, want []wantMsg) []string {
	var p []string
	if len(th.Messages) != len(want) {
		p = append(p, fmt.Sprintf("messages: got %d, want %d", len(th.Messages), len(want)))
	}
	for i := 0; i < len(want) && i < len(th.Messages); i++ {
		m, w := th.Messages[i], want[i]
		if m.FromName != w.name || m.FromAddr != w.addr {
			p = append(p, fmt.Sprintf("#%d sender: got %q <%s>, want %q <%s>", i, m.FromName, m.FromAddr, w.name, w.addr))
		}
		if !strings.HasPrefix(m.Body, w.start) {
			p = append(p, fmt.Sprintf("#%d body starts %q, want %q", i, firstLine(m.Body), w.start))
		}
	}
	for i, m := range th.Messages {
		body := "\n" + m.Body
		for _, l := range leftovers {
			if strings.Contains(body, l) {
				p = append(p, fmt.Sprintf("#%d keeps %q", i, strings.TrimSpace(l)))
			}
		}
	}
	return p
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
