package mailthread

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var berlin = time.FixedZone("MEZ", 3600)

// germanReply is an Outlook reply as staff drag it out of Outlook: the
// history below the answer in Outlook's German quote headers, one with
// dashes and one with a line of underscores, the sender inside Exchange.
func germanReply() *msgSpec {
	body := strings.Join([]string{
		"Hallo Frau Probe,",
		"",
		"der Antrag auf Sonderurlaub geht an die Personalstelle, Formular P-17.",
		"",
		"Mit freundlichen Grüßen",
		"Jonas Beispiel",
		"Referat Z 12",
		"Tel. +49 228 99 1234-567",
		"",
		"-----Ursprüngliche Nachricht-----",
		"Von: Probe, Anna <anna.probe@behoerde.example>",
		"Gesendet: Dienstag, 1. Dezember 2026 10:15",
		"An: Beispiel, Jonas <jonas.beispiel@behoerde.example>",
		"Betreff: AW: Sonderurlaub für Umzug",
		"",
		"Hallo Herr Beispiel,",
		"",
		"und an wen geht der Antrag?",
		"",
		"Viele Grüße",
		"Anna Probe",
		"",
		"________________________________",
		"Von: Beispiel, Jonas <jonas.beispiel@behoerde.example>",
		"Gesendet: Montag, 30. November 2026 16:02",
		"An: Probe, Anna <anna.probe@behoerde.example>",
		"Betreff: Sonderurlaub für Umzug",
		"",
		"Hallo Frau Probe,",
		"",
		"für einen dienstlich veranlassten Umzug gibt es einen Tag Sonderurlaub.",
		"",
		"Gruß",
		"Jonas Beispiel",
	}, "\r\n")
	return &msgSpec{
		Subject: "AW: AW: Sonderurlaub für Umzug", SenderName: "Beispiel, Jonas",
		AddrType: "EX", SenderAddr: "/O=BEHOERDE/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=JBEISPIEL",
		SMTPAddr: "Jonas.Beispiel@behoerde.example",
		Sent:     time.Date(2026, 12, 1, 11, 30, 0, 0, berlin), Delivered: time.Date(2026, 12, 1, 11, 31, 0, 0, berlin),
		Body: body,
	}
}

func TestMsgGermanOutlookHistory(t *testing.T) {
	th, err := ParseMsgWith(germanReply().file(), Options{Location: berlin})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, addr, start string
		date              time.Time
	}{
		{"Beispiel, Jonas", "jonas.beispiel@behoerde.example", "für einen dienstlich veranlassten Umzug gibt es einen Tag Sonderurlaub.", time.Date(2026, 11, 30, 16, 2, 0, 0, berlin)},
		{"Probe, Anna", "anna.probe@behoerde.example", "und an wen geht der Antrag?", time.Date(2026, 12, 1, 10, 15, 0, 0, berlin)},
		{"Beispiel, Jonas", "jonas.beispiel@behoerde.example", "der Antrag auf Sonderurlaub geht an die Personalstelle, Formular P-17.", time.Date(2026, 12, 1, 11, 30, 0, 0, berlin)},
	}
	if th.Subject != "Sonderurlaub für Umzug" || len(th.Messages) != len(want) {
		t.Fatalf("subject %q, %d messages: %+v", th.Subject, len(th.Messages), th.Messages)
	}
	for i, w := range want {
		m := th.Messages[i]
		if m.FromName != w.name || m.FromAddr != w.addr || m.Body != w.start || !m.Date.Equal(w.date) {
			t.Errorf("#%d %q <%s> %v %q, want %q <%s> %v %q", i, m.FromName, m.FromAddr, m.Date, m.Body, w.name, w.addr, w.date, w.start)
		}
	}
}

func TestMsgEnglishOutlookHistory(t *testing.T) {
	m := &msgSpec{
		Subject: "RE: Room booking for the audit", SenderName: "Tom Example", AddrType: "SMTP", SenderAddr: "tom.example@example.org",
		Delivered: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC),
		Body: "Hi Erika,\r\n\r\nRoom 2.14 is booked for both days.\r\n\r\nBest regards\r\nTom\r\n\r\n" +
			"-----Original Message-----\r\nFrom: Erika Muster <erika.muster@behoerde.example>\r\nSent: Tuesday, December 1, 2026 3:15 PM\r\n" +
			"To: Tom Example <tom.example@example.org>\r\nSubject: Room booking for the audit\r\n\r\nDear Tom,\r\n\r\ncould you book a room for the audit on 8 and 9 December?\r\n\r\nThanks\r\nErika\r\n",
	}
	th, err := ParseMsg(m.file())
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != 2 {
		t.Fatalf("%d messages: %+v", len(th.Messages), th.Messages)
	}
	first, second := th.Messages[0], th.Messages[1]
	if first.FromName != "Erika Muster" || first.FromAddr != "erika.muster@behoerde.example" || first.Body != "could you book a room for the audit on 8 and 9 December?" ||
		!first.Date.Equal(time.Date(2026, 12, 1, 15, 15, 0, 0, time.UTC)) {
		t.Errorf("quoted message %+v", first)
	}
	// Without a submit time, the delivery time dates the message.
	if second.FromName != "Tom Example" || second.FromAddr != "tom.example@example.org" || second.Body != "Room 2.14 is booked for both days." ||
		!second.Date.Equal(m.Delivered) || second.Subject != "Room booking for the audit" {
		t.Errorf("top message %+v", second)
	}
}

func TestMsgEightBitBody(t *testing.T) {
	// "Gebühren für Akteneinsicht" and a body with umlauts and ß in Windows-1252.
	subj := []byte("AW: Geb\xfchren f\xfcr Akteneinsicht")
	body := []byte("Hallo,\r\n\r\nf\xfcr die Akteneinsicht fallen keine Geb\xfchren an; Kopien kosten 0,50 \x80 je Seite (Stra\xdfe).\r\n")
	want := "für die Akteneinsicht fallen keine Gebühren an; Kopien kosten 0,50 € je Seite (Straße)."
	for _, cp := range []int32{1252, 0, 4711} {
		th, err := ParseMsg((&msgSpec{Subject8: subj, Body8: body, Codepage: cp}).file())
		if err != nil {
			t.Fatal(err)
		}
		if th.Subject != "Gebühren für Akteneinsicht" || len(th.Messages) != 1 || th.Messages[0].Body != want {
			t.Errorf("code page %d: %q %+v", cp, th.Subject, th.Messages)
		}
	}
	th, err := ParseMsg((&msgSpec{Body8: []byte("Stra\xdfe"), Codepage: 1250}).file())
	if err != nil || th.Messages[0].Body != "Straße" {
		t.Errorf("Windows-1250: %v %+v", err, th)
	}
	th, err = ParseMsg((&msgSpec{Body8: []byte("Gebühren\x00"), Codepage: 65001}).file())
	if err != nil || th.Messages[0].Body != "Gebühren" {
		t.Errorf("UTF-8: %v %+v", err, th)
	}
}

func TestMsgHTMLOnlyBody(t *testing.T) {
	html := []byte("<html><head><style>p{margin:0}</style></head><body><p>Guten Tag,</p>" +
		"<p>die Fortbildung wird als Dienstzeit angerechnet.</p><p>Mit freundlichen Grüßen<br>Erika Muster</p>" +
		"<div style=\"border-top:solid #E1E1E1 1pt\"><p><b>Von:</b> Jonas Beispiel &lt;jonas.beispiel@behoerde.example&gt;<br>" +
		"<b>Gesendet:</b> Montag, 23. November 2026 08:40<br><b>Betreff:</b> Fortbildung</p></div>" +
		"<p>Hallo,</p><p>zählt die Fortbildung als Dienstzeit?</p><p>Gruß<br>Jonas</p></body></html>")
	th, err := ParseMsg((&msgSpec{Subject: "AW: Fortbildung", SenderName: "Erika Muster", SMTPAddr: "erika.muster@behoerde.example", HTML: html, Codepage: 65001}).file())
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != 2 || th.Messages[0].FromName != "Jonas Beispiel" || th.Messages[0].Body != "zählt die Fortbildung als Dienstzeit?" ||
		th.Messages[1].Body != "die Fortbildung wird als Dienstzeit angerechnet." || th.Messages[1].FromAddr != "erika.muster@behoerde.example" {
		t.Errorf("%+v", th.Messages)
	}
	for _, m := range th.Messages {
		if strings.Contains(m.Body, "margin") {
			t.Errorf("style kept: %q", m.Body)
		}
	}
}

func TestMsgAttachmentsKept(t *testing.T) {
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("Dienstreiseantrag "), 400)...) // over 4096 bytes: regular sectors
	m := &msgSpec{Subject: "Formular", Body: "Das Formular hängt an.", Attach: []attachSpec{
		{Name: "Dienstreiseantrag_2026-12.pdf", ShortName: "DIENST~1.PDF", MimeTag: "application/pdf", Data: pdf},
		{ShortName: "VERMERK.TXT", Data: []byte("Vermerk\n")},
		{Name: "image001.png", MimeTag: "image/png", Data: []byte("\x89PNG"), Hidden: true},
	}}
	th, err := ParseMsg(m.file())
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Attachments) != 2 {
		t.Fatalf("%d attachments, want 2 (the inline picture left out)", len(th.Attachments))
	}
	if a := th.Attachments[0]; a.Name != "Dienstreiseantrag_2026-12.pdf" || a.ContentType != "application/pdf" || !bytes.Equal(a.Data, pdf) {
		t.Errorf("large attachment %q %q %d bytes", a.Name, a.ContentType, len(a.Data))
	}
	if a := th.Attachments[1]; a.Name != "VERMERK.TXT" || a.ContentType != "application/octet-stream" || string(a.Data) != "Vermerk\n" {
		t.Errorf("small attachment %q %q %q", a.Name, a.ContentType, a.Data)
	}
}

func TestMsgEmbeddedMessage(t *testing.T) {
	inner := &msgSpec{
		Subject: "AW: Direktauftrag", SenderName: "Vergabestelle", AddrType: "SMTP", SenderAddr: "vergabe@behoerde.example",
		Sent: time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC), Body: "Direktaufträge sind bis 3.000 Euro zulässig.",
		Attach: []attachSpec{{Name: "Vermerk.txt", Data: []byte("Vermerk zur Vergabe\n")}},
	}
	outer := &msgSpec{
		Subject: "WG: Direktauftrag", SenderName: "Klaus Vorlage", SMTPAddr: "klaus.vorlage@behoerde.example",
		Sent: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Body: "Die Antwort der Vergabestelle hängt an.",
		Attach: []attachSpec{{Name: "AW Direktauftrag.msg", Msg: inner}},
	}
	th, err := ParseMsg(outer.file())
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != 2 || th.Messages[0].FromAddr != "vergabe@behoerde.example" || th.Messages[0].Body != "Direktaufträge sind bis 3.000 Euro zulässig." ||
		!th.Messages[0].Date.Equal(inner.Sent) || th.Messages[1].FromName != "Klaus Vorlage" {
		t.Errorf("%+v", th.Messages)
	}
	if len(th.Attachments) != 1 || th.Attachments[0].Name != "Vermerk.txt" {
		t.Errorf("attachments %+v", th.Attachments)
	}

	// Messages attached to messages are read maxNestedMails deep.
	deep := &msgSpec{Body: "Ebene 0"}
	for i := 1; i <= maxNestedMails+2; i++ {
		deep = &msgSpec{Body: "Ebene " + string(rune('0'+i)), Attach: []attachSpec{{Msg: deep}}}
	}
	th, err = ParseMsg(deep.file())
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != maxNestedMails+1 || th.Messages[0].Body != "Ebene 2" {
		t.Errorf("deeply attached messages: %+v", th.Messages)
	}
}

func TestMsgExchangeSender(t *testing.T) {
	x500 := "/O=BEHOERDE/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=EMUSTER"
	for _, c := range []struct {
		name string
		spec msgSpec
		want string
	}{
		{"SMTP address", msgSpec{AddrType: "SMTP", SenderAddr: "Erika.Muster@behoerde.example"}, "erika.muster@behoerde.example"},
		{"EX with SMTP property", msgSpec{AddrType: "EX", SenderAddr: x500, SMTPAddr: "erika.muster@behoerde.example"}, "erika.muster@behoerde.example"},
		{"EX with transport headers", msgSpec{AddrType: "EX", SenderAddr: x500,
			Headers: "Received: from mail.behoerde.example\r\nFrom: Erika Muster <Erika.Muster@behoerde.example>\r\nSubject: x\r\n"}, "erika.muster@behoerde.example"},
		{"EX alone", msgSpec{AddrType: "EX", SenderAddr: x500}, ""},
		{"fax", msgSpec{AddrType: "FAX", SenderAddr: "Erika Muster@+49 228 99 1234-210"}, ""},
	} {
		c.spec.SenderName, c.spec.Body = "Erika Muster", "Text"
		th, err := ParseMsg(c.spec.file())
		if err != nil {
			t.Fatal(err)
		}
		if m := th.Messages[0]; m.FromAddr != c.want || m.FromName != "Erika Muster" {
			t.Errorf("%s: %q <%s>, want <%s>", c.name, m.FromName, m.FromAddr, c.want)
		}
	}
}
