package qa

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa/mailthread"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/mailin"
	"github.com/fachnetz/fachnetz/server/notify"
)

// mailReplyMemory is how long a reply that became a post is remembered,
// so that the same mail delivered again makes no second post: sending
// servers give up after a few days.
const mailReplyMemory = 30 * 24 * time.Hour

// maxComment is the longest comment, as the comment form allows it.
const maxComment = 2000

// errTakenBefore ends the transaction of a reply that became a post
// before.
var errTakenBefore = errors.New("reply by mail taken before")

// reason is why a reply was not published: a catalogue message and its
// arguments.
type reason struct {
	key  string
	args []any
}

// MailReply takes a reply to a notification e-mail, sent to the signed
// reply address it carried (see notify.ReplyTarget): the text above the
// quote becomes the recipient's answer to the question, or their comment
// on the answer, as if written on the page, watchers told and the index
// updated. The sender must write from the address of the account the
// notification went to, and that account must still be allowed to
// answer. A tag not signed here is refused in the SMTP dialogue, so that
// nothing is sent to a sender who may be forged; any other mail not taken
// is answered with a short explanation and accepted. A tag that only
// starts like a reply tag is a space's slug, handed to MailForward.
func (b *Board) MailReply(ctx context.Context, m mailin.Message) error {
	if !notify.IsReplyTag(m.Tag) {
		// A space whose slug starts with "r-" keeps its address.
		return b.MailForward(ctx, m)
	}
	if b.deps.ReplyTag == nil {
		return mailin.Refuse("Unbekannte Antwortadresse / unknown reply address")
	}
	t, ok := b.deps.ReplyTag(ctx, m.Tag)
	if !ok {
		return mailin.Refuse("Unbekannte Antwortadresse / unknown reply address")
	}
	key := replyKey(m)
	if taken, err := b.store.MailReplyTaken(ctx, key); err != nil || taken {
		return err
	}
	r, err := b.store.Replier(ctx, t.AccountID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	if err != nil || m.From == "" || m.From != r.Email {
		// The notification may have been forwarded, or the reply sent from
		// another mailbox: the sender's language is not known.
		return b.explain(ctx, m, "", key, reason{key: "qa.mail_reply.not_sender"})
	}
	q, answerID, why, err := b.replyTarget(ctx, t, r.Active)
	if err != nil {
		return err
	}
	body := ""
	if why == nil {
		body, why = b.replyText(m, answerID != nil)
	}
	if why != nil {
		return b.explain(ctx, m, r.Locale, key, *why)
	}
	take := func(tx pgx.Tx) error {
		ok, err := b.store.TakeMailReply(ctx, tx, key)
		if err == nil && !ok {
			err = errTakenBefore
		}
		return err
	}
	if answerID == nil {
		_, err = b.addAnswer(ctx, q, t.AccountID, body, take)
	} else {
		err = b.addComment(ctx, q, answerID, t.AccountID, body, take)
	}
	switch {
	case errors.Is(err, errTakenBefore):
		return nil
	case errs.Is(err, errs.Conflict): // closed meanwhile
		return b.explain(ctx, m, r.Locale, key, reason{key: "qa.mail_reply.closed"})
	case err != nil:
		return err
	}
	if err := b.store.SweepMailReplies(ctx, time.Now().Add(-mailReplyMemory)); err != nil {
		b.log.Warn("mail replies", "err", err)
	}
	return nil
}

// replyTarget loads the question of a reply, and the answer a comment is
// for (nil: the reply answers the question), and says why the account
// may not post there, if it may not.
func (b *Board) replyTarget(ctx context.Context, t notify.ReplyTarget, active bool) (Question, *int64, *reason, error) {
	noAccess := &reason{key: "qa.mail_reply.no_access"}
	q, err := b.store.QuestionByID(ctx, t.QuestionID)
	if errs.Is(err, errs.NotFound) {
		return q, nil, noAccess, nil
	}
	if err != nil {
		return q, nil, nil, err
	}
	// Write is refused in an archived space too.
	if !active || !b.spaces.Enforcer.Can(ctx, policies.Subject{AccountID: t.AccountID}, policies.Write, q.SpaceID) {
		return q, nil, noAccess, nil
	}
	if q.Closed() {
		return q, nil, &reason{key: "qa.mail_reply.closed"}, nil
	}
	if t.AnswerID == 0 {
		return q, nil, nil, nil
	}
	a, err := b.store.AnswerByID(ctx, t.AnswerID)
	if errs.Is(err, errs.NotFound) || err == nil && a.QuestionID != q.ID {
		return q, nil, noAccess, nil
	}
	if err != nil {
		return q, nil, nil, err
	}
	return q, &a.ID, nil, nil
}

// replyText is the sender's own text of a reply: the newest message of
// the mail's thread, which mailthread frees of the quoted notification,
// greetings, signatures and disclaimers. When the sender wrote nothing
// above the quote, mailthread leaves their empty message out and the
// newest one is the quoted notification: its sender is not the sender of
// the reply.
func (b *Board) replyText(m mailin.Message, comment bool) (string, *reason) {
	empty := &reason{key: "qa.mail_reply.empty"}
	th, err := mailthread.Parse(m.Raw)
	if err != nil || len(th.Messages) == 0 {
		return "", empty
	}
	newest := th.Messages[len(th.Messages)-1]
	body := strings.TrimSpace(newest.Body)
	if !strings.EqualFold(newest.FromAddr, m.From) || body == "" {
		return "", empty
	}
	if b.quotesNotification(body) {
		return "", &reason{key: "qa.mail_reply.unclear"}
	}
	switch {
	case comment && utf8.RuneCountInString(body) > maxComment:
		return "", &reason{key: "qa.mail_reply.too_long", args: []any{"Max", maxComment}}
	case !comment && len(body) > 100000: // as validatePost
		return "", &reason{key: "qa.mail_reply.too_long", args: []any{"Max", 100000}}
	}
	return body, nil
}

// quotesNotification reports whether text holds the notification it
// replies to, quoted in a way mailthread did not see: publishing it would
// show the recipient's unsubscribe link. Mail programs wrap quoted lines,
// so runs of white space count as one space.
func (b *Board) quotesNotification(text string) bool {
	flat := strings.Join(strings.Fields(text), " ")
	if strings.Contains(flat, notify.UnsubscribePath) {
		return true
	}
	for _, lang := range []string{"de", "en"} {
		for _, key := range []string{"notify.mail.reply_answer", "notify.mail.reply_comment"} {
			if strings.Contains(flat, strings.Join(strings.Fields(b.web.Frontend.Translate(lang, key)), " ")) {
				return true
			}
		}
	}
	return false
}

// replyKey identifies a reply to one address: its tag and the mail's
// Message-ID, or the whole mail when it has none (a server retrying sends
// the same bytes).
func replyKey(m mailin.Message) []byte {
	h := sha256.New()
	h.Write([]byte("reply\n" + m.Tag + "\n"))
	if id := messageID(m.Raw); id != "" {
		h.Write([]byte(id))
	} else {
		h.Write(m.Raw)
	}
	return h.Sum(nil)
}

// explain tells the sender why their reply was not published, in lang,
// or in German and English when the sender is not known, and accepts the
// mail. Without a mail server, or without a sender address, the mail is
// refused with the reason instead, which the sender's own mail system
// reports.
func (b *Board) explain(ctx context.Context, m mailin.Message, lang string, key []byte, why reason) error {
	b.log.Info("reply by mail not published", "reason", why.key)
	langs := []string{"de", "en"}
	if lang != "" {
		langs = []string{lang}
	}
	tr := b.web.Frontend.Translate
	var subject []string
	var text strings.Builder
	for i, l := range langs {
		if i > 0 {
			text.WriteString("\n\n* * *\n\n")
		}
		subject = append(subject, tr(l, "qa.mail_reply.subject"))
		text.WriteString(tr(l, "qa.mail_reply.intro") + "\n\n" + tr(l, why.key, why.args...) + "\n\n-- \n" + tr(l, "qa.mail_reply.closing") + "\n")
	}
	refused := mailin.Refuse(tr("de", "qa.mail_reply.refused") + ": " + tr("de", why.key, why.args...) + " / " +
		tr("en", "qa.mail_reply.refused") + ": " + tr("en", why.key, why.args...))
	if m.From == "" || b.deps.Notice == nil {
		return refused
	}
	sum := sha256.Sum256(append([]byte("notice\n"), key...))
	err := b.deps.Notice(ctx, notify.Notice{To: m.From, Subject: strings.Join(subject, " / "), Text: text.String(),
		ID: "antwort-" + hex.EncodeToString(sum[:16]), InReplyTo: messageID(m.Raw)})
	if errors.Is(err, notify.ErrNoMail) {
		return refused
	}
	return err
}
