package qa

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa/mailthread"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/mailin"
	"github.com/fachnetz/fachnetz/server/notify"
)

// maxMailDrafts bounds the drafts waiting for one person: a forged sender
// address cannot fill their list, or the database.
const maxMailDrafts = 100

// MailForward takes a thread forwarded to a space's address (the tag is
// the space's slug) as a draft for the person who forwarded it. Only
// people who may ask in the space may forward into it; anything else is
// refused with one text, so that the refusal does not tell which spaces
// exist.
func (b *Board) MailForward(ctx context.Context, m mailin.Message) error {
	refused := mailin.Refuse("Weiterleiten nicht moeglich: Absender ohne Schreibrecht in diesem Bereich / " +
		"cannot forward: the sender may not write in this space")
	accounts, err := b.store.Mailers(ctx, []string{m.From})
	if err != nil {
		return err
	}
	accountID, ok := accounts[m.From]
	if !ok || m.From == "" {
		return refused
	}
	sp, err := b.spaces.Store.SpaceBySlug(ctx, m.Tag)
	if errs.Is(err, errs.NotFound) {
		return refused
	}
	if err != nil {
		return err
	}
	if !b.spaces.Enforcer.Can(ctx, policies.Subject{AccountID: accountID}, policies.Write, sp.ID) {
		return refused
	}
	draftID, created, err := b.ImportMail(ctx, accountID, sp.ID, "", m.Raw)
	if err == nil {
		if created {
			b.confirmDraft(ctx, accountID, m, draftID)
		}
		return nil
	}
	if e, ok := errs.As(err); ok && e.Code != errs.Internal {
		return mailin.Refuse(b.web.Frontend.Translate("de", e.Key, e.Pairs()...) + " / " + b.web.Frontend.Translate("en", e.Key, e.Pairs()...))
	}
	return err
}

// confirmDraft tells the forwarder, in their language, where the draft
// waits: they forwarded from their mail program and look there first. A
// notice that cannot be sent leaves the draft as it is.
func (b *Board) confirmDraft(ctx context.Context, accountID int64, m mailin.Message, draftID int64) {
	if b.deps.Notice == nil {
		return
	}
	r, err := b.store.Replier(ctx, accountID)
	if err != nil {
		b.log.Warn("mail draft notice", "err", err)
		return
	}
	tr := func(id string, args ...any) string { return b.web.Frontend.Translate(r.Locale, id, args...) }
	link := b.deps.BaseURL + mailDraftURL(draftID)
	sum := sha256.Sum256([]byte("draft\n" + strconv.FormatInt(draftID, 10)))
	err = b.deps.Notice(ctx, notify.Notice{To: r.Email, Subject: tr("qa.mail.notice_subject"),
		Text: tr("qa.mail.notice_text", "URL", link) + "\n\n-- \n" + tr("qa.mail_reply.closing") + "\n",
		ID:   "entwurf-" + hex.EncodeToString(sum[:16]), InReplyTo: messageID(m.Raw)})
	if err != nil && !errors.Is(err, notify.ErrNoMail) {
		b.log.Warn("mail draft notice", "err", err)
	}
}

// ImportMail splits a mail (.eml, or .msg when name or content says so)
// into a draft for accountID in a space: the thread's messages with their
// senders mapped to accounts, and its attachments. created is false when
// the person brought in the same mail before: its draft is returned.
func (b *Board) ImportMail(ctx context.Context, accountID, spaceID int64, name string, raw []byte) (id int64, created bool, err error) {
	waiting, err := b.store.CountMailDrafts(ctx, accountID)
	if err != nil {
		return 0, false, err
	}
	if waiting >= maxMailDrafts {
		return 0, false, errs.E(errs.Conflict, "qa.mail.too_many_drafts", "Max", maxMailDrafts)
	}
	th, err := mailthread.ParseFile(name, raw)
	switch {
	case errors.Is(err, mailthread.ErrTooLarge), errors.Is(err, mailthread.ErrTooManyMessages):
		return 0, false, errs.E(errs.TooLarge, "qa.mail.too_large").OnField("mail")
	case errors.Is(err, mailthread.ErrMalformed):
		return 0, false, errs.E(errs.Invalid, "qa.mail.unreadable").OnField("mail")
	case err != nil:
		return 0, false, fmt.Errorf("read mail: %w", err)
	}
	if len(th.Messages) == 0 {
		return 0, false, errs.E(errs.Invalid, "qa.mail.empty").OnField("mail")
	}
	d := MailDraft{AccountID: accountID, SpaceID: spaceID, Subject: truncate(th.Subject, 1000), MessageID: messageID(raw)}
	addrs := make([]string, 0, len(th.Messages))
	for _, m := range th.Messages {
		addrs = append(addrs, strings.ToLower(m.FromAddr))
	}
	accounts, err := b.store.Mailers(ctx, addrs)
	if err != nil {
		return 0, false, err
	}
	for i, m := range th.Messages {
		msg := MailMessage{Position: i, Body: truncate(m.Body, 100000)}
		if id, ok := accounts[strings.ToLower(m.FromAddr)]; ok && m.FromAddr != "" {
			msg.AuthorID = &id
		}
		if !m.Date.IsZero() {
			t := m.Date.UTC()
			msg.SentAt = &t
		}
		d.Messages = append(d.Messages, msg)
	}
	for _, a := range th.Attachments {
		if b.deps.StoreFile == nil {
			break
		}
		f, err := b.deps.StoreFile(a.Name, bytes.NewReader(a.Data))
		if e, ok := errs.As(err); ok && e.Code != errs.Internal {
			b.log.Info("mail attachment left out", "reason", e.Key)
			continue
		}
		if err != nil {
			return 0, false, err
		}
		d.Files = append(d.Files, f)
	}
	return b.store.SaveMailDraft(ctx, d)
}

// messageID is the mail's Message-ID, "" when it has none.
func messageID(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	return truncate(strings.TrimSpace(m.Header.Get("Message-Id")), 1000)
}

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8Start(s[max]) {
		max--
	}
	return s[:max]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// mailDraftRetention is how long a mail draft waits, as editor drafts do.
const mailDraftRetention = 30 * 24 * time.Hour

// PurgeMailDrafts deletes mail drafts nobody published or discarded in
// time; their files go with the next sweep of draft files.
func (b *Board) PurgeMailDrafts(ctx context.Context) error {
	_, err := b.store.PurgeMailDrafts(ctx, time.Now().Add(-mailDraftRetention))
	return err
}
