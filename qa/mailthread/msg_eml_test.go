package mailthread

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// specFromEML stores a MIME mail as Outlook does: headers as properties,
// the plain and HTML parts as the two bodies with CR LF line ends, named
// parts as attachments and attached mails as embedded messages. exchange
// gives the sender an X.500 address beside the SMTP one, as inside an
// Exchange organisation.
func specFromEML(t testing.TB, raw []byte, exchange bool) *msgSpec {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	m := &msgSpec{}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	if a, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		m.SenderName, m.AddrType, m.SenderAddr = a.Name, "SMTP", a.Address
		if exchange {
			m.AddrType, m.SenderAddr, m.SMTPAddr = "EX", "/O=BEHOERDE/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN="+a.Name, a.Address
		}
	}
	m.Sent, _ = msg.Header.Date()
	specPart(t, m, msg.Header, msg.Body, exchange)
	return m
}

func specPart(t testing.TB, m *msgSpec, h interface{ Get(string) string }, body io.Reader, exchange bool) {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt, params = "text/plain", nil
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			specPart(t, m, p.Header, p, exchange)
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		b, _ := io.ReadAll(body)
		body = base64.NewDecoder(base64.StdEncoding, strings.NewReader(strings.Join(strings.Fields(string(b)), "")))
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	cs := strings.ToLower(params["charset"])
	switch {
	case mt == "message/rfc822":
		m.Attach = append(m.Attach, attachSpec{Msg: specFromEML(t, data, !exchange)})
	case name != "" && disp != "inline":
		m.Attach = append(m.Attach, attachSpec{Name: name, MimeTag: mt, Data: data})
	case mt == "text/plain" && (cs == "" || cs == "utf-8" || cs == "us-ascii"):
		m.Body = strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n", "\r\n")
	case mt == "text/plain" && cs == "iso-8859-1":
		m.Body8, m.Codepage = data, 28591
	case mt == "text/html" && cs == "utf-8":
		m.HTML, m.Codepage = data, 65001
	default:
		t.Fatalf("no Outlook form for a %s part in %s", mt, cs)
	}
}

// TestMsgCorpusMatchesEML stores every mail of the corpus as .msg and
// expects the thread its .eml gives.
func TestMsgCorpusMatchesEML(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	for i, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseMsg(specFromEML(t, raw, i%2 == 1).file())
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d := threadDiff(got, want); len(d) > 0 {
			t.Errorf("%s as .msg:\n  %s", filepath.Base(name), strings.Join(d, "\n  "))
		}
	}
}

// threadDiff lists where got differs from want.
func threadDiff(got, want *Thread) []string {
	var d []string
	if got.Subject != want.Subject {
		d = append(d, fmt.Sprintf("subject %q, want %q", got.Subject, want.Subject))
	}
	if len(got.Messages) != len(want.Messages) {
		d = append(d, fmt.Sprintf("%d messages, want %d", len(got.Messages), len(want.Messages)))
	}
	for i := 0; i < len(got.Messages) && i < len(want.Messages); i++ {
		g, w := got.Messages[i], want.Messages[i]
		if g.FromName != w.FromName || g.FromAddr != w.FromAddr || !g.Date.Equal(w.Date) || g.Subject != w.Subject {
			d = append(d, fmt.Sprintf("#%d %q <%s> %v %q, want %q <%s> %v %q", i, g.FromName, g.FromAddr, g.Date, g.Subject, w.FromName, w.FromAddr, w.Date, w.Subject))
		}
		if g.Body != w.Body {
			d = append(d, fmt.Sprintf("#%d body %q, want %q", i, g.Body, w.Body))
		}
	}
	if len(got.Attachments) != len(want.Attachments) {
		d = append(d, fmt.Sprintf("%d attachments, want %d", len(got.Attachments), len(want.Attachments)))
	}
	for i := 0; i < len(got.Attachments) && i < len(want.Attachments); i++ {
		g, w := got.Attachments[i], want.Attachments[i]
		if g.Name != w.Name || g.ContentType != w.ContentType || !bytes.Equal(g.Data, w.Data) {
			d = append(d, fmt.Sprintf("attachment %q %s %d bytes, want %q %s %d bytes", g.Name, g.ContentType, len(g.Data), w.Name, w.ContentType, len(w.Data)))
		}
	}
	return d
}
