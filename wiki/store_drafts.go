package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// DraftFile is a file uploaded into the editor of a page not created yet.
type DraftFile struct {
	ID          int64  `db:"id"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	Size        int64  `db:"size"`
	SHA256      []byte `db:"sha256"`
}

// AddDraftFile holds a file with a draft; a file of the same name is
// replaced.
func (st *Store) AddDraftFile(ctx context.Context, draftID int64, f DraftFile) (DraftFile, error) {
	err := st.pool.QueryRow(ctx, `INSERT INTO draft_files (draft_id, filename, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (draft_id, lower(filename)) WHERE draft_id IS NOT NULL
		DO UPDATE SET filename = excluded.filename, content_type = excluded.content_type, size = excluded.size,
			sha256 = excluded.sha256, created_at = now()
		RETURNING id`, draftID, f.Filename, f.ContentType, f.Size, f.SHA256).Scan(&f.ID)
	if err != nil {
		return f, fmt.Errorf("hold draft file: %w", err)
	}
	return f, nil
}

// DraftFiles lists the files held with a draft.
func (st *Store) DraftFiles(ctx context.Context, draftID int64) ([]DraftFile, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, filename, content_type, size, sha256 FROM draft_files WHERE draft_id = $1 ORDER BY lower(filename)`, draftID)
	return postgres.All[DraftFile](rows, "list draft files")
}

// DraftFileOf loads a held file for the draft's author; anyone else gets
// not found.
func (st *Store) DraftFileOf(ctx context.Context, id, accountID int64) (DraftFile, error) {
	rows, _ := st.pool.Query(ctx, `SELECT f.id, f.filename, f.content_type, f.size, f.sha256
		FROM draft_files f JOIN drafts d ON d.id = f.draft_id WHERE f.id = $1 AND d.account_id = $2`, id, accountID)
	return postgres.One[DraftFile](rows, "load draft file")
}

// AttachDraftFiles makes the files held with a draft attachments of the
// page created from it.
func (st *Store) AttachDraftFiles(ctx context.Context, draftID, pageID, uploader int64) error {
	_, err := st.pool.Exec(ctx, `INSERT INTO attachments (page_id, filename, content_type, size, sha256, uploaded_by)
		SELECT $2, filename, content_type, size, sha256, $3 FROM draft_files WHERE draft_id = $1`, draftID, pageID, uploader)
	if err != nil {
		return fmt.Errorf("attach draft files: %w", err)
	}
	return nil
}

// DeleteOrphanDraftFiles removes the records of files whose draft (of an
// editor or of a mail) is gone and returns the contents nothing else uses
// any more: they all live in the attachment store.
func (st *Store) DeleteOrphanDraftFiles(ctx context.Context) ([][]byte, error) {
	rows, _ := st.pool.Query(ctx, `WITH editor AS (DELETE FROM draft_files WHERE draft_id IS NULL RETURNING sha256),
			mail AS (DELETE FROM mail_draft_files WHERE draft_id IS NULL RETURNING sha256)
		SELECT sha256 FROM editor UNION SELECT sha256 FROM mail`)
	sums, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("delete orphan draft files: %w", err)
	}
	if len(sums) == 0 {
		return nil, nil
	}
	return st.Unused(ctx, sums)
}
