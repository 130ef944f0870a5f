// Package mailthread turns one e-mail (RFC 5322 bytes, forwarded by a
// person or uploaded as .eml, or an Outlook .msg file) into the
// conversation it carries: the forwarder's own note, the forwarded message
// and the quoted history, each with its sender, date, subject and a body
// freed of greetings, closings, signatures and disclaimers. It reads
// nothing but the bytes it is given.
package mailthread

import (
	"errors"
	"fmt"
	"time"
)

// Message is one message of a thread.
type Message struct {
	FromName string
	FromAddr string
	// Date is zero when the mail gives none or none that could be read.
	Date    time.Time
	Subject string
	Body    string
}

// Attachment is a non-inline part with a file name, kept for the caller.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Thread is the content of one mail: Messages oldest first, so that the
// first is the question and the later ones its answers.
type Thread struct {
	Subject     string
	Messages    []Message
	Attachments []Attachment
}

// Options bound the work and say how to read dates written without a zone.
type Options struct {
	// MaxBytes refuses larger mails; 0 means DefaultMaxBytes.
	MaxBytes int
	// MaxMessages refuses threads with more messages; 0 means DefaultMaxMessages.
	MaxMessages int
	// Location is the zone of dates written without one (quote headers
	// rarely carry one); nil means UTC.
	Location *time.Location
}

const (
	DefaultMaxBytes    = 25 << 20
	DefaultMaxMessages = 100
	// maxParts and maxDepth bound MIME trees built to exhaust the parser.
	maxParts = 500
	// maxTextBytes bounds the text the splitter reads line by line; the
	// rest of MaxBytes is for attachments.
	maxTextBytes = 1 << 20
	maxDepth     = 8
	// maxNestedMails bounds mails attached to mails attached to mails.
	maxNestedMails = 3
)

var (
	// ErrTooLarge: the mail is larger than Options.MaxBytes.
	ErrTooLarge = errors.New("mail too large")
	// ErrTooManyMessages: the thread holds more than Options.MaxMessages messages.
	ErrTooManyMessages = errors.New("thread holds too many messages")
	// ErrMalformed: the bytes are not a mail that can be read.
	ErrMalformed = errors.New("mail cannot be read")
)

// Parse splits raw into its thread with the default options.
func Parse(raw []byte) (*Thread, error) {
	return ParseWith(raw, Options{})
}

// ParseWith splits raw into its thread.
func ParseWith(raw []byte, opt Options) (*Thread, error) {
	opt, err := opt.admit(raw)
	if err != nil {
		return nil, err
	}
	m, err := readMail(raw, 0)
	if err != nil {
		return nil, fmt.Errorf("mailthread: %w", err)
	}
	return newThread(m, opt)
}

// admit fills in the defaults and refuses mails over the size limit.
func (opt Options) admit(raw []byte) (Options, error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.MaxMessages <= 0 {
		opt.MaxMessages = DefaultMaxMessages
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if len(raw) > opt.MaxBytes {
		return opt, fmt.Errorf("mailthread: %d bytes, limit %d: %w", len(raw), opt.MaxBytes, ErrTooLarge)
	}
	return opt, nil
}

// newThread splits a mail read from either format into its messages, so
// that an Outlook file and the same mail as .eml give the same thread.
func newThread(m *mailContent, opt Options) (*Thread, error) {
	segs, err := mailSegments(m, opt)
	if err != nil {
		return nil, fmt.Errorf("mailthread: split %q: %w", m.subject, err)
	}
	if len(segs) > opt.MaxMessages {
		return nil, fmt.Errorf("mailthread: %d messages, limit %d: %w", len(segs), opt.MaxMessages, ErrTooManyMessages)
	}
	t := &Thread{Subject: CleanSubject(m.subject), Attachments: m.attachments}
	// segs are newest first, as the mail shows them.
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		body := Clean(s.body)
		if i == 0 && body == "" && len(segs) > 1 {
			// A forward without a note of its own.
			continue
		}
		subj := s.hdr.Subject
		if subj == "" {
			subj = m.subject
		}
		t.Messages = append(t.Messages, Message{
			FromName: s.hdr.Name,
			FromAddr: s.hdr.Addr,
			Date:     s.hdr.Date,
			Subject:  CleanSubject(subj),
			Body:     body,
		})
	}
	return t, nil
}

// mailSegments splits a mail and the mails attached to it, newest first:
// an attached mail is older than the note that forwards it.
func mailSegments(m *mailContent, opt Options) ([]segment, error) {
	if len(m.text) > maxTextBytes {
		return nil, fmt.Errorf("text of %d bytes, limit %d: %w", len(m.text), maxTextBytes, ErrTooLarge)
	}
	top := header{Name: m.fromName, Addr: m.fromAddr, Date: m.date, Subject: m.subject}
	segs, err := split(m.text, top, opt)
	if err != nil {
		return nil, err
	}
	for _, n := range m.nested {
		inner, err := mailSegments(n, opt)
		if err != nil {
			return nil, err
		}
		segs = append(segs, inner...)
		m.attachments = append(m.attachments, n.attachments...)
	}
	return segs, nil
}
