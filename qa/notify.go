package qa

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// notify turns a board event into notifications: people mentioned in the
// new text, watchers of the question (or, for a new question, of its
// topics), and the answer's author when it is accepted. Each person hears
// once; the notifier drops the actor and everyone who may not read it.
func (b *Board) notify(ctx context.Context, tx pgx.Tx, ev Event) error {
	if b.deps.Notifier == nil {
		return nil
	}
	a := notify.Audience{Text: ev.Text, People: ev.Also, Watched: map[string][]int64{notify.WatchQuestion: {ev.QuestionID}}}
	if ev.Kind == notify.KindQuestion { // a new question: its topics' watchers hear of it
		a.Watched = map[string][]int64{notify.WatchTopic: ev.TopicIDs}
	}
	return b.deps.Notifier.Tell(ctx, tx, notify.Event{Kind: ev.Kind, ActorID: ev.ActorID, SpaceID: ev.SpaceID, SubjectType: "question",
		SubjectID: ev.QuestionID, Title: ev.Title, URL: ev.URL}, a)
}

// invitePerson asks a person (by handle) to answer a question, as a
// notification; a person who may not read the question is refused.
func (b *Board) invitePerson(ctx context.Context, q Question, inviter int64, handle string) error {
	return postgres.WithTx(ctx, b.store.pool, func(tx pgx.Tx) error {
		id, err := b.spaces.Store.KnownAccount(ctx, inviter, handle) // not found unless the inviter may know of them
		if err != nil {
			return err
		}
		if !b.spaces.Enforcer.Can(ctx, policies.Subject{AccountID: id}, policies.Read, q.SpaceID) {
			// Refused, not dropped: the inviter must not believe it sent.
			return errs.E(errs.Invalid, "qa.invite.cannot_read", "Handle", handle).OnField("handle")
		}
		return b.deps.Notifier.Notify(ctx, tx, notify.Event{Kind: notify.KindInvite, ActorID: inviter, SpaceID: q.SpaceID,
			SubjectType: "question", SubjectID: q.ID, Title: q.Title, URL: QuestionURL(q.ID)}, []int64{id})
	})
}
