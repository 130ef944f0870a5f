package qa

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// MailDraft is a forwarded or uploaded mail thread waiting for the person
// who brought it in: nothing of it is published until they do.
type MailDraft struct {
	ID        int64         `db:"id"`
	AccountID int64         `db:"account_id"`
	SpaceID   int64         `db:"space_id"`
	SpaceName string        `db:"space_name"`
	Subject   string        `db:"subject"`
	MessageID string        `db:"message_id"`
	CreatedAt time.Time     `db:"created_at"`
	Messages  []MailMessage `db:"-"`
	Files     []MailFile    `db:"-"`
}

// MailMessage is one message of a mail draft. AuthorID is nil for a
// sender without an account (extern).
type MailMessage struct {
	Position   int        `db:"position"`
	AuthorID   *int64     `db:"author_id"`
	AuthorName string     `db:"author_name"`
	SentAt     *time.Time `db:"sent_at"`
	Body       string     `db:"body"`
}

// MailFile is an attachment of a mail draft or of a question.
type MailFile struct {
	ID          int64  `db:"id"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	Size        int64  `db:"size"`
	SHA256      []byte `db:"sha256"`
}

// MailDraftItem is a line of a person's list of mail drafts.
type MailDraftItem struct {
	ID        int64     `db:"id"`
	Subject   string    `db:"subject"`
	SpaceName string    `db:"space_name"`
	Messages  int       `db:"messages"`
	CreatedAt time.Time `db:"created_at"`
}

// Mailers maps sender addresses to the active accounts they belong to.
func (st *Store) Mailers(ctx context.Context, addrs []string) (map[string]int64, error) {
	rows, _ := st.pool.Query(ctx, `SELECT lower(email::text), id FROM accounts WHERE email = ANY($1::citext[]) AND disabled_at IS NULL`, addrs)
	return postgres.Map[string, int64](rows, "accounts of senders")
}

// SaveMailDraft stores a draft with its messages and files. A mail whose
// Message-ID the person brought in before returns that draft instead, and
// created is false.
func (st *Store) SaveMailDraft(ctx context.Context, d MailDraft) (id int64, created bool, err error) {
	err = postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO mail_drafts (account_id, space_id, subject, message_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_id, message_id) WHERE message_id <> '' DO NOTHING RETURNING id`,
			d.AccountID, d.SpaceID, d.Subject, d.MessageID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return tx.QueryRow(ctx, `SELECT id FROM mail_drafts WHERE account_id = $1 AND message_id = $2`, d.AccountID, d.MessageID).Scan(&id)
		}
		created = true
		if err != nil {
			return fmt.Errorf("insert mail draft: %w", err)
		}
		for _, m := range d.Messages {
			if _, err := tx.Exec(ctx, `INSERT INTO mail_draft_messages (draft_id, position, author_id, sent_at, body) VALUES ($1, $2, $3, $4, $5)`,
				id, m.Position, m.AuthorID, m.SentAt, m.Body); err != nil {
				return fmt.Errorf("insert mail draft message: %w", err)
			}
		}
		for _, f := range d.Files {
			if _, err := tx.Exec(ctx, `INSERT INTO mail_draft_files (draft_id, filename, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5)`,
				id, f.Filename, f.ContentType, f.Size, f.SHA256); err != nil {
				return fmt.Errorf("insert mail draft file: %w", err)
			}
		}
		return nil
	})
	return id, created, err
}

// MailDraftOf loads a draft with its messages and files for the person it
// belongs to; anyone else gets not found.
func (st *Store) MailDraftOf(ctx context.Context, id, accountID int64) (MailDraft, error) {
	rows, _ := st.pool.Query(ctx, `SELECT d.id, d.account_id, d.space_id, s.name AS space_name, d.subject, d.message_id, d.created_at
		FROM mail_drafts d JOIN spaces s ON s.id = d.space_id WHERE d.id = $1 AND d.account_id = $2`, id, accountID)
	d, err := postgres.One[MailDraft](rows, "load mail draft")
	if err != nil {
		return d, err
	}
	rows, _ = st.pool.Query(ctx, `SELECT m.position, m.author_id, coalesce(a.display_name, '') AS author_name, m.sent_at, m.body
		FROM mail_draft_messages m LEFT JOIN accounts a ON a.id = m.author_id WHERE m.draft_id = $1 ORDER BY m.position`, id)
	if d.Messages, err = pgx.CollectRows(rows, pgx.RowToStructByName[MailMessage]); err != nil {
		return d, fmt.Errorf("load mail draft messages: %w", err)
	}
	rows, _ = st.pool.Query(ctx, `SELECT id, filename, content_type, size, sha256 FROM mail_draft_files WHERE draft_id = $1 ORDER BY id`, id)
	if d.Files, err = pgx.CollectRows(rows, pgx.RowToStructByName[MailFile]); err != nil {
		return d, fmt.Errorf("load mail draft files: %w", err)
	}
	return d, nil
}

// MailDrafts lists a person's mail drafts, newest first.
func (st *Store) MailDrafts(ctx context.Context, accountID int64) ([]MailDraftItem, error) {
	rows, _ := st.pool.Query(ctx, `SELECT d.id, d.subject, s.name AS space_name, d.created_at,
			(SELECT count(*) FROM mail_draft_messages m WHERE m.draft_id = d.id) AS messages
		FROM mail_drafts d JOIN spaces s ON s.id = d.space_id WHERE d.account_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT 100`, accountID)
	return postgres.All[MailDraftItem](rows, "list mail drafts")
}

// CountMailDrafts is the number of drafts waiting for a person.
func (st *Store) CountMailDrafts(ctx context.Context, accountID int64) (int, error) {
	return postgres.Value[int](st.pool.QueryRow(ctx, `SELECT count(*) FROM mail_drafts WHERE account_id = $1`, accountID), "count mail drafts")
}

// DiscardMailDraft deletes a person's draft; its files are swept later.
func (st *Store) DiscardMailDraft(ctx context.Context, id, accountID int64) error {
	tag, err := st.pool.Exec(ctx, `DELETE FROM mail_drafts WHERE id = $1 AND account_id = $2`, id, accountID)
	if err != nil {
		return fmt.Errorf("discard mail draft: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// PurgeMailDrafts deletes drafts created before a time.
func (st *Store) PurgeMailDrafts(ctx context.Context, before time.Time) (int64, error) {
	tag, err := st.pool.Exec(ctx, `DELETE FROM mail_drafts WHERE created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("purge mail drafts: %w", err)
	}
	return tag.RowsAffected(), nil
}

// PublishedPost is a message of a mail draft as it is published.
type PublishedPost struct {
	AuthorID *int64
	Body     string
}

// MailPublication is what the person chose to publish of a draft.
type MailPublication struct {
	DraftID, AccountID, SpaceID int64
	Title                       string
	TopicIDs                    []int64
	Question                    PublishedPost
	Answers                     []PublishedPost
	FileIDs                     []int64 // the draft's files to keep
}

// PublishMailDraft turns a draft into a question with its answers and
// files and deletes the draft, in one transaction; a draft published or
// discarded meanwhile is not found. after runs in the same transaction.
func (st *Store) PublishMailDraft(ctx context.Context, p MailPublication, after func(tx pgx.Tx, id int64) error) (int64, error) {
	var id int64
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var found bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM mail_drafts WHERE id = $1 AND account_id = $2 FOR UPDATE)`,
			p.DraftID, p.AccountID).Scan(&found); err != nil {
			return fmt.Errorf("lock mail draft: %w", err)
		}
		if !found {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO questions (space_id, author_id, title, body, from_mail, answer_count) VALUES ($1, $2, $3, $4, true, $5) RETURNING id`,
			p.SpaceID, p.Question.AuthorID, p.Title, p.Question.Body, len(p.Answers)).Scan(&id); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_type, post_id, number, title, body, author_id) VALUES ('question', $1, 1, $2, $3, $4)`,
			id, p.Title, p.Question.Body, p.Question.AuthorID); err != nil {
			return fmt.Errorf("question revision: %w", err)
		}
		for _, a := range p.Answers {
			var answerID int64
			if err := tx.QueryRow(ctx, `INSERT INTO answers (question_id, author_id, body, from_mail) VALUES ($1, $2, $3, true) RETURNING id`,
				id, a.AuthorID, a.Body).Scan(&answerID); err != nil {
				return fmt.Errorf("insert answer: %w", err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_type, post_id, number, body, author_id) VALUES ('answer', $1, 1, $2, $3)`,
				answerID, a.Body, a.AuthorID); err != nil {
				return fmt.Errorf("answer revision: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO question_files (question_id, filename, content_type, size, sha256)
			SELECT DISTINCT ON (lower(filename)) $2, filename, content_type, size, sha256 FROM mail_draft_files
			WHERE draft_id = $1 AND id = ANY($3) ORDER BY lower(filename), id`, p.DraftID, id, p.FileIDs); err != nil {
			return fmt.Errorf("question files: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM mail_drafts WHERE id = $1`, p.DraftID); err != nil {
			return fmt.Errorf("delete mail draft: %w", err)
		}
		return settle(ctx, tx, id, p.TopicIDs, after)
	})
	return id, err
}

// QuestionFiles lists a question's files by name.
func (st *Store) QuestionFiles(ctx context.Context, questionID int64) ([]MailFile, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, filename, content_type, size, sha256 FROM question_files WHERE question_id = $1 ORDER BY lower(filename)`, questionID)
	return postgres.All[MailFile](rows, "list question files")
}

// QuestionFile loads one file of a question.
func (st *Store) QuestionFile(ctx context.Context, questionID, id int64) (MailFile, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, filename, content_type, size, sha256 FROM question_files WHERE question_id = $1 AND id = $2`, questionID, id)
	return postgres.One[MailFile](rows, "load question file")
}

// MailDraftFile loads a file of a person's draft; anyone else gets not found.
func (st *Store) MailDraftFile(ctx context.Context, draftID, id, accountID int64) (MailFile, error) {
	rows, _ := st.pool.Query(ctx, `SELECT f.id, f.filename, f.content_type, f.size, f.sha256
		FROM mail_draft_files f JOIN mail_drafts d ON d.id = f.draft_id WHERE f.id = $1 AND d.id = $2 AND d.account_id = $3`, id, draftID, accountID)
	return postgres.One[MailFile](rows, "load mail draft file")
}
