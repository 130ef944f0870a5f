package mailthread

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"sort"
	"strings"

	"golang.org/x/net/html/charset"
)

// ParseMsg reads an Outlook .msg file into its thread with the default options.
func ParseMsg(raw []byte) (*Thread, error) {
	return ParseMsgWith(raw, Options{})
}

// ParseMsgWith reads an Outlook .msg file (as Outlook saves a mail dragged
// out of it) into the thread the same mail gives as .eml: the message's
// own properties make the newest message, its body holds the history.
func ParseMsgWith(raw []byte, opt Options) (*Thread, error) {
	opt, err := opt.admit(raw)
	if err != nil {
		return nil, err
	}
	root, err := readCompound(raw)
	if err != nil {
		return nil, fmt.Errorf("mailthread: %w", err)
	}
	r := &msgReader{}
	m, err := r.message(root, topHeaderLen, 0)
	if err != nil {
		return nil, fmt.Errorf("mailthread: %w", err)
	}
	return newThread(m, opt)
}

// ParseFile reads an uploaded mail, .msg or .eml, with the default options.
func ParseFile(name string, raw []byte) (*Thread, error) {
	return ParseFileWith(name, raw, Options{})
}

// ParseFileWith reads an uploaded mail by its content: a compound file is
// an Outlook message whatever its name, anything else is read as RFC 5322.
// The name only labels errors.
func ParseFileWith(name string, raw []byte, opt Options) (*Thread, error) {
	parse := ParseWith
	if IsMsg(raw) {
		parse = ParseMsgWith
	}
	t, err := parse(raw, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// Attachment methods ([MS-OXCMSG] PidTagAttachMethod) read apart from files.
const (
	attachEmbeddedMsg = 5
	attachOLE         = 6
	// attRenderedInBody marks attachments shown inside the HTML body.
	attRenderedInBody = 0x4
	attachPrefix      = "__attach_version1.0_#"
)

// msgReader counts the attachments of a message and the messages in it.
type msgReader struct{ parts int }

func (r *msgReader) message(st *storage, headerLen, level int) (*mailContent, error) {
	p, err := readProps(st, headerLen)
	if err != nil {
		return nil, err
	}
	c := &mailContent{subject: strings.TrimSpace(msgSubject(p.str(propSubject)))}
	c.fromName, c.fromAddr = msgSender(p)
	c.date = p.time(propClientSubmitTime)
	if c.date.IsZero() {
		c.date = p.time(propDeliveryTime)
	}
	c.text = strings.ReplaceAll(msgBody(p), "\r\n", "\n")
	var names []string
	for n := range st.children {
		if strings.HasPrefix(n, attachPrefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		r.parts++
		if r.parts > maxParts {
			return nil, fmt.Errorf("more than %d attachments: %w", maxParts, ErrMalformed)
		}
		if err := r.attachment(c, st.children[n], level); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (r *msgReader) attachment(c *mailContent, st *storage, level int) error {
	p, err := readProps(st, attachHeaderLen)
	if err != nil {
		return fmt.Errorf("attachment: %w", err)
	}
	method, _ := p.long(propAttachMethod)
	if obj, ok := st.children[streamName(propAttachData, typeObject)]; ok {
		_, isMsg := obj.streams[propStream]
		if !(method == attachEmbeddedMsg || method == 0 && isMsg) || level >= maxNestedMails {
			// OLE objects hold no file, and messages deeper than the bound
			// are not read; unlike an attached .eml they have no bytes
			// of their own to keep.
			return nil
		}
		inner, err := r.message(obj, embeddedHeaderLen, level+1)
		if err != nil {
			return fmt.Errorf("attached message: %w", err)
		}
		c.nested = append(c.nested, inner)
		return nil
	}
	flags, _ := p.long(propAttachFlags)
	if method == attachOLE || p.boolean(propAttachmentHidden) || flags&attRenderedInBody != 0 {
		// Pictures of the body, like inline parts of a MIME mail.
		return nil
	}
	data, ok := p.binary(propAttachData)
	if !ok {
		// Attached by reference: a path on the sender's disk, no file.
		return nil
	}
	name := p.str(propAttachLongFilename)
	for _, id := range []uint16{propAttachFilename, propDisplayName} {
		if name == "" {
			name = p.str(id)
		}
	}
	ctype := "application/octet-stream"
	if mt, _, err := mime.ParseMediaType(p.str(propAttachMimeTag)); err == nil {
		ctype = mt
	}
	c.attachments = append(c.attachments, Attachment{Name: strings.TrimSpace(name), ContentType: ctype, Data: data})
	return nil
}

// msgSubject drops the mark some stores put before a subject: 0x01 and a
// character that gives the length of the reply prefix.
func msgSubject(s string) string {
	if r := []rune(s); len(r) >= 2 && r[0] == 0x01 {
		return string(r[2:])
	}
	return s
}

// msgSender reads the sender's name and SMTP address. Senders inside an
// Exchange organisation have an X.500 address ("EX"), which names no
// mailbox; their SMTP address is looked for elsewhere or left empty.
func msgSender(p *props) (name, addr string) {
	name = p.str(propSenderName)
	if name == "" {
		name = p.str(propSentReprName)
	}
	smtp := func(id, typeID uint16) string {
		if typeID != 0 && !strings.EqualFold(strings.TrimSpace(p.str(typeID)), "SMTP") {
			return ""
		}
		if a := strings.TrimSpace(p.str(id)); strings.Contains(a, "@") {
			return a
		}
		return ""
	}
	for _, a := range []string{
		smtp(propSenderSMTPAddr, 0),
		smtp(propSenderEmailAddr, propSenderAddrType),
		smtp(propSentReprSMTPAddr, 0),
		smtp(propSentReprEmailAddr, propSentReprAddrType),
		headerSender(p.str(propTransportHeaders)),
	} {
		if a != "" {
			addr = strings.ToLower(a)
			break
		}
	}
	name = strings.Trim(strings.TrimSpace(name), `"'`+" ")
	if addr != "" && strings.EqualFold(name, addr) {
		name = ""
	}
	return name, addr
}

// headerSender reads the address of the From header a received message
// keeps from its transport.
func headerSender(h string) string {
	if strings.TrimSpace(h) == "" {
		return ""
	}
	m, err := mail.ReadMessage(strings.NewReader(h + "\r\n\r\n"))
	if err != nil {
		return ""
	}
	_, addr := fromHeader(m.Header.Get("From"), &mime.WordDecoder{CharsetReader: charset.NewReaderLabel})
	return addr
}

// msgBody reads the plain text body and, when the message has none, the
// HTML one as text.
func msgBody(p *props) string {
	if s := p.str(propBody); strings.TrimSpace(s) != "" {
		return s
	}
	if b, ok := p.binary(propHTML); ok {
		return htmlToText(toUTF8(bytes.TrimRight(b, "\x00"), p.labelOf(propInternetCPID, propMessageCodepage)))
	}
	if s := p.str(propHTML); s != "" {
		return htmlToText(s)
	}
	return ""
}
