package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
)

// A notification e-mail about a question carries a signed reply address,
// fachnetz+r-<account>-<question>-<answer>-<mac>@…: a reply to it becomes
// the recipient's answer to the question, or their comment on the answer
// (answer 0: the question itself). The signature binds the three numbers,
// so that nobody can write an address that posts as someone else or
// elsewhere; the Q&A board checks the sender and their access again when
// the reply comes in.

// ReplyTarget is what a reply address stands for.
type ReplyTarget struct {
	AccountID  int64 // the person the notification went to
	QuestionID int64
	AnswerID   int64 // 0: a reply answers the question; else it comments on this answer
}

// replyMACBytes is the signature's length: 80 bits keep forging out of
// reach and the address's local part under the 64 characters of RFC 5321.
const replyMACBytes = 10

var replyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// maxLocalPart is the longest local part (before "@") mail servers must
// take (RFC 5321, 4.5.3.1.1).
const maxLocalPart = 64

func (t ReplyTarget) payload() string {
	return fmt.Sprintf("r-%d-%d-%d", t.AccountID, t.QuestionID, t.AnswerID)
}

func replyMAC(key []byte, payload string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(payload))
	return strings.ToLower(replyEncoding.EncodeToString(mac.Sum(nil)[:replyMACBytes]))
}

// ReplyTag signs a target as the tag of a reply address, lower case, as
// mail systems may lower the case of addresses.
func (n *Notifier) ReplyTag(ctx context.Context, t ReplyTarget) (string, error) {
	key, err := n.replyKeys.get(ctx)
	if err != nil {
		return "", err
	}
	p := t.payload()
	return p + "-" + replyMAC(key, p), nil
}

// IsReplyTag reports whether a tag has the shape of a reply tag, signed
// or not: a space's address whose slug merely starts with "r-" has not.
func IsReplyTag(tag string) bool {
	parts := strings.Split(tag, "-")
	if len(parts) != 5 || parts[0] != "r" || len(parts[4]) != replyEncoding.EncodedLen(replyMACBytes) {
		return false
	}
	for _, p := range parts[1:4] {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return strings.Trim(parts[4], "abcdefghijklmnopqrstuvwxyz234567") == ""
}

// ParseReplyTag checks a tag's signature and reads it; ok is false for
// any tag this instance did not sign, and for one written differently
// from how it signs (leading zeros, upper case), so that each target has
// one tag.
func (n *Notifier) ParseReplyTag(ctx context.Context, tag string) (ReplyTarget, bool) {
	parts := strings.Split(tag, "-")
	if len(parts) != 5 || parts[0] != "r" {
		return ReplyTarget{}, false
	}
	var nums [3]int64
	for i, s := range parts[1:4] {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return ReplyTarget{}, false
		}
		nums[i] = v
	}
	t := ReplyTarget{AccountID: nums[0], QuestionID: nums[1], AnswerID: nums[2]}
	if t.AccountID == 0 || t.QuestionID == 0 || t.payload() != strings.Join(parts[:4], "-") {
		return ReplyTarget{}, false
	}
	key, err := n.replyKeys.get(ctx)
	if err != nil || !hmac.Equal([]byte(replyMAC(key, t.payload())), []byte(parts[4])) {
		return ReplyTarget{}, false
	}
	return t, true
}

// replyTargetOf says what a reply to the message of one row is about: a
// comment on the answer that a comment, a mention or an acceptance is
// about (its link ends in #antwort-N), where the conversation is; for
// anything else about a question (a new answer, a new question, an
// invitation, a comment or mention on the question itself) an answer to
// the question, which is what a reply to it most likely is. ok is false
// for rows not about a question.
func replyTargetOf(c claimed) (ReplyTarget, bool) {
	if c.SubjectType != WatchQuestion || c.SubjectID <= 0 || c.AccountID <= 0 {
		return ReplyTarget{}, false
	}
	t := ReplyTarget{AccountID: c.AccountID, QuestionID: c.SubjectID}
	switch c.Kind {
	case KindComment, KindMention, KindAccepted:
		if _, frag, ok := strings.Cut(c.URL, "#antwort-"); ok {
			if id, err := strconv.ParseInt(frag, 10, 64); err == nil && id > 0 {
				t.AnswerID = id
			}
		}
	}
	return t, true
}

// replyAddress is the signed reply address of a single e-mail, with the
// catalogue message that tells the recipient of it; both "" for digests,
// for items other than questions and without mail-in.
func (d *Dispatcher) replyAddress(ctx context.Context, rows []claimed) (address, hint string, err error) {
	if d.cfg.ReplyAddress == nil || len(rows) != 1 || rows[0].Digest != "" {
		return "", "", nil
	}
	t, ok := replyTargetOf(rows[0])
	if !ok {
		return "", "", nil
	}
	tag, err := d.n.ReplyTag(ctx, t)
	if err != nil {
		return "", "", err
	}
	address = d.cfg.ReplyAddress(tag)
	if at := strings.LastIndexByte(address, '@'); at < 0 || at > maxLocalPart {
		// A long mailbox name and large ids: mail without a reply address
		// rather than one that servers refuse.
		return "", "", nil
	}
	hint = "notify.mail.reply_answer"
	if t.AnswerID != 0 {
		hint = "notify.mail.reply_comment"
	}
	return address, hint, nil
}
