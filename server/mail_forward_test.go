package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// forwardedThread is an Outlook forward of a two-message thread: a
// citizen's question and a colleague's answer, with greetings, a
// signature, a disclaimer and an attachment.
func forwardedThread(forwarder, colleague person, to, messageID string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: <%s>\r\nSubject: WG: AW: Verpflegungspauschale bei mehrtägigen Dienstreisen\r\n", forwarder.DisplayName, forwarder.Email, to)
	fmt.Fprintf(&b, "Message-ID: <%s>\r\nDate: Wed, 04 Mar 2026 08:30:00 +0100\r\nMIME-Version: 1.0\r\n", messageID)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"grenze\"\r\n\r\n--grenze\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString("Bitte aufnehmen.\r\n\r\n")
	fmt.Fprintf(&b, "-----Ursprüngliche Nachricht-----\r\nVon: %s <%s>\r\nGesendet: Dienstag, 3. März 2026 10:15\r\nAn: Bürgerservice\r\nBetreff: AW: Verpflegungspauschale bei mehrtägigen Dienstreisen\r\n\r\n", colleague.DisplayName, colleague.Email)
	b.WriteString("Sehr geehrte Frau Beispiel,\r\n\r\nab 24 Stunden Abwesenheit beträgt die Verpflegungspauschale 28 Euro je Kalendertag.\r\n\r\nMit freundlichen Grüßen\r\n")
	b.WriteString(colleague.DisplayName + "\r\nReferat Z 3 – Reisekosten\r\nTel. 030 1234-567\r\n\r\n")
	b.WriteString("Diese E-Mail kann vertrauliche Informationen enthalten. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte sofort den Absender und vernichten Sie diese E-Mail.\r\n\r\n")
	b.WriteString("-----Ursprüngliche Nachricht-----\r\nVon: Erika Beispiel <erika.beispiel@buerger.example>\r\nGesendet: Montag, 2. März 2026 09:00\r\nAn: Bürgerservice\r\nBetreff: Verpflegungspauschale bei mehrtägigen Dienstreisen\r\n\r\n")
	b.WriteString("Guten Tag,\r\n\r\nwie hoch ist die Verpflegungspauschale bei einer mehrtägigen Dienstreise?\r\n\r\nViele Grüße\r\nErika Beispiel\r\n")
	b.WriteString("--grenze\r\nContent-Type: application/pdf; name=\"Reiseantrag.pdf\"\r\nContent-Disposition: attachment; filename=\"Reiseantrag.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString("JVBERi0xLjQKJcTl8uXrCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==\r\n--grenze--\r\n")
	return b.Bytes()
}

var draftLink = regexp.MustCompile(`href="/fragen/entwuerfe/(\d+)"`)

func mailDraftCount(t *testing.T, messageID string) int {
	t.Helper()
	var n int
	if err := testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_drafts WHERE message_id = $1`, "<"+messageID+">").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestForwardedThreadBecomesADraftForItsForwarder(t *testing.T) {
	agency := makeAgency(t)
	forwarder, colleague := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, forwarder, policies.Private, policies.RoleViewer)
	addMember(t, sp, colleague, policies.RoleMember)
	base, smtpAddr, mp := startMailInServer(t)
	seesSpace(t, base, forwarder, sp)
	to := "fachnetz+" + sp.Slug + "@fachnetz.test"
	msgID := unique("weiterleitung") + "@example.org"
	raw := forwardedThread(forwarder, colleague, to, msgID)

	if out, err := swaks(t, smtpAddr, forwarder.Email, to, string(raw)); err != nil {
		t.Fatalf("the forward was not taken:\n%s", out)
	}
	// A server retrying the same mail makes no second draft.
	if out, err := swaks(t, smtpAddr, forwarder.Email, to, string(raw)); err != nil {
		t.Fatalf("the second delivery was not taken:\n%s", out)
	}
	if n := mailDraftCount(t, msgID); n != 1 {
		t.Fatalf("%d drafts for one forwarded mail, want 1", n)
	}

	b := newBrowser(t, base)
	b.signIn(forwarder.Email, forwarder.Password)
	_, list := b.get("/fragen/entwuerfe")
	m := draftLink.FindStringSubmatch(list)
	if m == nil || !strings.Contains(list, "Verpflegungspauschale bei mehrtägigen Dienstreisen") {
		t.Fatalf("the draft is not listed for its forwarder:\n%s", list)
	}
	draft := "/fragen/entwuerfe/" + m[1]
	// The forwarder hears where the draft waits, once for the mail sent twice.
	waitFor(t, func() bool {
		n := 0
		for _, s := range mp.to(t, forwarder.Email) {
			if strings.Contains(mp.message(t, s.ID).Text, draft) {
				n++
			}
		}
		return n == 1
	}, "the notice of the draft")
	resp, page := b.get(draft)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("review page: %d", resp.StatusCode)
	}
	for _, want := range []string{"wie hoch ist die Verpflegungspauschale", "28 Euro je Kalendertag", "Bitte aufnehmen.", "Von extern am 02.03.2026",
		"Von " + colleague.DisplayName + " am 03.03.2026", "Reiseantrag.pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("the review page lacks %q", want)
		}
	}
	for _, gone := range []string{"erika.beispiel@buerger.example", "Mit freundlichen Grüßen", "vertrauliche Informationen", "Tel. 030", "Viele Grüße"} {
		if strings.Contains(page, gone) {
			t.Errorf("the review page still shows %q", gone)
		}
	}
	// Nothing is published before the forwarder says so, and nobody else
	// sees the draft.
	other := newBrowser(t, base)
	other.signIn(colleague.Email, colleague.Password)
	if resp, _ := other.get(draft); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a colleague opened the forwarder's draft: %d", resp.StatusCode)
	}
	if _, q := other.get("/fragen?bereich=" + sp.Slug); strings.Contains(q, "Verpflegungspauschale") {
		t.Error("the thread was published before its forwarder published it")
	}

	// Publishing without a title is refused with everything kept.
	form := url.Values{"title": {""}, "space": {fmt.Sprint(sp.ID)}, "include-0": {"on"}, "include-1": {"on"},
		"body-0": {"Wie hoch ist die Verpflegungspauschale bei einer mehrtägigen Dienstreise?"},
		"body-1": {"Ab 24 Stunden Abwesenheit beträgt sie 28 Euro je Kalendertag."}, "body-2": {"Bitte aufnehmen."}}
	for k := range form {
		if strings.HasPrefix(k, "file-") {
			delete(form, k)
		}
	}
	fileID := regexp.MustCompile(`name="(file-\d+)"`).FindStringSubmatch(page)
	if fileID == nil {
		t.Fatal("the attachment has no checkbox")
	}
	form.Set(fileID[1], "on")
	resp, refused := b.post(draft, draft, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refused, "28 Euro je Kalendertag") {
		t.Fatalf("publishing without a title: %d", resp.StatusCode)
	}
	form.Set("title", "Verpflegungspauschale bei mehrtägigen Dienstreisen")
	resp, _ = b.post(draft, draft, form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/fragen/") {
		t.Fatalf("publish: %d → %q", resp.StatusCode, loc)
	}
	_, q := other.get(loc)
	for _, want := range []string{"Verpflegungspauschale bei mehrtägigen Dienstreisen", "Gefragt von extern", colleague.DisplayName, "28 Euro je Kalendertag", "Reiseantrag.pdf"} {
		if !strings.Contains(q, want) {
			t.Errorf("the published question lacks %q", want)
		}
	}
	if strings.Contains(q, "Bitte aufnehmen.") {
		t.Error("a message left out was published")
	}
	file := regexp.MustCompile(`href="(/fragen/\d+/dateien/\d+/Reiseantrag.pdf)"`).FindStringSubmatch(q)
	if file == nil {
		t.Fatal("no link to the attachment")
	}
	if resp, body := other.get(file[1]); resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF-1.4") {
		t.Errorf("attachment: %d %.20q", resp.StatusCode, body)
	}
	if resp, _ := b.get(draft); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the draft is still there after publishing: %d", resp.StatusCode)
	}
}

func TestForwardsFromStrangersAndOutsidersPublishNothing(t *testing.T) {
	agency := makeAgency(t)
	owner, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleViewer)
	base, smtpAddr, _ := startMailInServer(t)
	seesSpace(t, base, owner, sp)
	to := "fachnetz+" + sp.Slug + "@fachnetz.test"

	cases := []struct {
		name, from string
		sender     person
	}{
		{"unknown sender", "unbekannt@anderswo.example", person{}},
		{"account outside the space", outsider.Email, outsider},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msgID := unique("fremd") + "@example.org"
			sender := tc.sender
			sender.Email, sender.DisplayName = tc.from, "Absender"
			raw := forwardedThread(sender, owner, to, msgID)
			out, err := swaks(t, smtpAddr, tc.from, to, string(raw))
			if err == nil || !strings.Contains(out, "550") {
				t.Errorf("the mail was taken:\n%s", out)
			}
			if n := mailDraftCount(t, msgID); n != 0 {
				t.Errorf("%d drafts made", n)
			}
		})
	}
	// An address that is not the mailbox's is refused at RCPT.
	out, err := swaks(t, smtpAddr, owner.Email, "jemand@fachnetz.test", string(forwardedThread(owner, owner, "jemand@fachnetz.test", unique("x")+"@example.org")))
	if err == nil || !strings.Contains(out, "550") {
		t.Errorf("mail for another address was taken:\n%s", out)
	}
}
