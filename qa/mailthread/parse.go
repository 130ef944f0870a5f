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
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// mailContent is what the MIME layer yields: the top headers, the text the
// thread is read from, and the attachments.
type mailContent struct {
	fromName, fromAddr string
	date               time.Time
	subject            string
	text               string
	attachments        []Attachment
	// nested are mails forwarded as attachments ("Als Anlage weiterleiten"),
	// older than the text around them.
	nested []*mailContent
}

// walker collects the text parts and attachments of one MIME tree.
type walker struct {
	plain, html []string
	attachments []Attachment
	nested      []*mailContent
	parts       int
	// level counts mails inside mails.
	level int
}

func readMail(raw []byte, level int) (*mailContent, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("read headers: %v: %w", err, ErrMalformed)
	}
	dec := &mime.WordDecoder{CharsetReader: charset.NewReaderLabel}
	c := &mailContent{}
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		c.subject = strings.TrimSpace(subj)
	} else {
		c.subject = strings.TrimSpace(msg.Header.Get("Subject"))
	}
	c.fromName, c.fromAddr = fromHeader(msg.Header.Get("From"), dec)
	if d, err := msg.Header.Date(); err == nil {
		c.date = d
	}
	w := &walker{level: level}
	if err := w.walk(mailHeader(msg.Header), msg.Body, 0); err != nil {
		return nil, err
	}
	switch {
	case len(w.plain) > 0:
		c.text = strings.Join(w.plain, "\n")
	case len(w.html) > 0:
		c.text = strings.Join(w.html, "\n")
	}
	c.text = strings.ReplaceAll(c.text, "\r\n", "\n")
	c.attachments = w.attachments
	c.nested = w.nested
	return c, nil
}

func fromHeader(v string, dec *mime.WordDecoder) (name, addr string) {
	p := mail.AddressParser{WordDecoder: dec}
	if a, err := p.Parse(v); err == nil {
		return a.Name, strings.ToLower(a.Address)
	}
	if d, err := dec.DecodeHeader(v); err == nil {
		v = d
	}
	return parseSender(v)
}

// partHeader is the subset of a MIME header the walker reads.
type partHeader interface{ Get(string) string }

func mailHeader(h mail.Header) partHeader { return h }

func (w *walker) walk(h partHeader, body io.Reader, depth int) error {
	w.parts++
	if w.parts > maxParts || depth > maxDepth {
		return fmt.Errorf("more than %d parts or %d levels: %w", maxParts, maxDepth, ErrMalformed)
	}
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt, params = "text/plain", map[string]string{}
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read part of %s: %v: %w", mt, err, ErrMalformed)
			}
			if err := w.walk(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(decodeTransfer(h.Get("Content-Transfer-Encoding"), body))
	if err != nil {
		return fmt.Errorf("decode %s part: %v: %w", mt, err, ErrMalformed)
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if name != "" {
		if d, err := (&mime.WordDecoder{CharsetReader: charset.NewReaderLabel}).DecodeHeader(name); err == nil {
			name = d
		}
	}
	if (name != "" && disp != "inline" || disp == "attachment") && (mt != "message/rfc822" || w.level >= maxNestedMails) {
		w.attachments = append(w.attachments, Attachment{Name: name, ContentType: mt, Data: data})
		return nil
	}
	if mt == "message/rfc822" && w.level < maxNestedMails {
		inner, err := readMail(data, w.level+1)
		if err != nil {
			return fmt.Errorf("attached mail: %w", err)
		}
		w.nested = append(w.nested, inner)
		return nil
	}
	switch mt {
	case "text/plain":
		w.plain = append(w.plain, toUTF8(data, params["charset"]))
	case "text/html":
		w.html = append(w.html, htmlToText(toUTF8(data, params["charset"])))
	}
	return nil
}

func decodeTransfer(enc string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &lineJoiner{r: r})
	}
	return r
}

// lineJoiner drops the line breaks base64 bodies carry, which the standard
// decoder does not skip when they are CR LF split across reads.
type lineJoiner struct{ r io.Reader }

func (l *lineJoiner) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	k := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' && b != ' ' && b != '\t' {
			p[k] = b
			k++
		}
	}
	if k == 0 && n > 0 && err == nil {
		return l.Read(p)
	}
	return k, err
}

func toUTF8(data []byte, cs string) string {
	if cs == "" || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "us-ascii") {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	r, err := charset.NewReaderLabel(cs, bytes.NewReader(data))
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(out)
}
