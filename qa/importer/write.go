package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// write stores a thread in one transaction. A row the checks let through
// and the schema refuses costs that thread only.
func (r *run) write(ctx context.Context, th *thread) error {
	w := &writer{run: r}
	err := postgres.WithTx(ctx, r.pool, func(tx pgx.Tx) error {
		// One commit per thread need not wait for the disk: should the
		// server crash, the threads it loses are not recorded either, and
		// the next run imports them.
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		w.tx = tx
		return w.thread(ctx, th)
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "23") {
		r.skip(th.question.ID, &Problem{File: "Posts.xml", Line: th.question.line, Msg: pgErr.Message})
		return nil
	}
	if err != nil {
		return err
	}
	r.done[itoa(th.question.ID)] = 0
	r.sum.Questions++
	r.sum.Answers += len(th.answers)
	r.sum.Comments += w.comments
	return nil
}

// writer writes one thread inside its transaction.
type writer struct {
	*run
	tx       pgx.Tx
	comments int
	sources  []sourceRow
}

func (w *writer) thread(ctx context.Context, th *thread) error {
	q := th.question
	author, editor, err := w.people(q)
	if err != nil {
		return err
	}
	nq := newQuestion{
		SpaceID: w.opts.SpaceID, AuthorID: author, Title: q.Title, Body: q.HTML, Score: q.Score,
		AnswerCount: len(th.answers), CreatedAt: q.Created, UpdatedAt: updated(q), ActiveAt: activeAt(th),
	}
	if !q.Closed.IsZero() {
		nq.ClosedAt = &q.Closed
	}
	qid, err := insertQuestion(ctx, w.tx, nq)
	if err != nil {
		return err
	}
	w.sources = append(w.sources, sourceRow{kindQuestion, itoa(q.ID), qid})
	if err := insertRevision(ctx, w.tx, "question", qid, &q.Title, q.HTML, editor, updated(q)); err != nil {
		return err
	}
	if err := w.comment(ctx, qid, nil, th.comments[q.ID]); err != nil {
		return err
	}
	for _, a := range th.answers {
		author, editor, err := w.people(a)
		if err != nil {
			return err
		}
		aid, err := insertAnswer(ctx, w.tx, newAnswer{QuestionID: qid, AuthorID: author, Body: a.HTML, Score: a.Score, CreatedAt: a.Created, UpdatedAt: updated(a)})
		if err != nil {
			return err
		}
		w.sources = append(w.sources, sourceRow{kindAnswer, itoa(a.ID), aid})
		if err := insertRevision(ctx, w.tx, "answer", aid, nil, a.HTML, editor, updated(a)); err != nil {
			return err
		}
		if err := w.comment(ctx, qid, &aid, th.comments[a.ID]); err != nil {
			return err
		}
		if a.ID == q.AcceptedAnswerID {
			if err := setAccepted(ctx, w.tx, qid, aid); err != nil {
				return err
			}
		}
	}
	if err := tagQuestion(ctx, w.tx, qid, th.topicIDs); err != nil {
		return err
	}
	if err := record(ctx, w.tx, w.source, w.sources); err != nil {
		return err
	}
	return search.Enqueue(ctx, w.tx, "question", qid)
}

func (w *writer) comment(ctx context.Context, qid int64, aid *int64, list []comment) error {
	for _, c := range list {
		author, err := w.account(c.User)
		if err != nil {
			return err
		}
		id, err := insertComment(ctx, w.tx, qid, aid, author, c.Text, c.Created)
		if err != nil {
			return err
		}
		w.sources = append(w.sources, sourceRow{kindComment, itoa(c.ID), id})
		w.comments++
	}
	return nil
}

// people are the accounts of a post's author and of whoever wrote its
// text as it is now.
func (w *writer) people(p post) (author, editor *int64, err error) {
	if author, err = w.account(p.Owner); err == nil {
		editor, err = w.editor(p, author)
	}
	return author, editor, err
}

// editor is the account of whoever wrote the text as it is now: the last
// editor, else the author.
func (w *writer) editor(p post, author *int64) (*int64, error) {
	if !p.Editor.Set || p.Editor == p.Owner {
		return author, nil
	}
	return w.account(p.Editor)
}

// account returns the placeholder account of a dump user (made by
// createAccounts); nil for a post without an owner.
func (w *writer) account(u userRef) (*int64, error) {
	if !u.Set {
		return nil, nil
	}
	id, ok := w.accounts[itoa(u.ID)]
	if !ok {
		return nil, fmt.Errorf("no account for user %d", u.ID)
	}
	return &id, nil
}

func updated(p post) time.Time {
	if p.Edited.After(p.Created) {
		return p.Edited
	}
	return p.Created
}

// activeAt is the latest activity in a thread.
func activeAt(th *thread) time.Time {
	latest := th.question.Created
	later := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
	}
	later(th.question.Edited)
	later(th.question.Activity)
	for _, a := range th.answers {
		later(a.Created)
		later(a.Edited)
		later(a.Activity)
	}
	for _, list := range th.comments {
		for _, c := range list {
			later(c.Created)
		}
	}
	return latest
}
