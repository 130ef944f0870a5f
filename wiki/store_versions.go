package wiki

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// AttachmentVersion is an earlier content of an attachment.
type AttachmentVersion struct {
	ID           int64     `db:"id" json:"id"`
	AttachmentID int64     `db:"attachment_id" json:"-"`
	ContentType  string    `db:"content_type" json:"content_type"`
	Size         int64     `db:"size" json:"size"`
	SHA256       []byte    `db:"sha256" json:"-"`
	UploaderName *string   `db:"uploader_name" json:"uploaded_by"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

const versionColumns = `v.id, v.attachment_id, v.content_type, v.size, v.sha256, a.display_name AS uploader_name, v.created_at
	FROM attachment_versions v LEFT JOIN accounts a ON a.id = v.uploaded_by`

// putAttachment records a file on a page. A file of the same name with
// another content becomes an earlier version of it.
func putAttachment(ctx context.Context, tx pgx.Tx, a Attachment, uploader int64) (Attachment, error) {
	_, err := tx.Exec(ctx, `INSERT INTO attachment_versions (attachment_id, content_type, size, sha256, uploaded_by, created_at)
		SELECT id, content_type, size, sha256, uploaded_by, created_at FROM attachments
		WHERE page_id = $1 AND filename = $2 AND sha256 <> $3`, a.PageID, a.Filename, a.SHA256)
	if err != nil {
		return a, fmt.Errorf("keep attachment version: %w", err)
	}
	err = tx.QueryRow(ctx, `INSERT INTO attachments (page_id, filename, content_type, size, sha256, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6::bigint, 0))
		ON CONFLICT (page_id, filename) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
			sha256 = excluded.sha256, uploaded_by = excluded.uploaded_by, created_at = now()
		RETURNING id, created_at`, a.PageID, a.Filename, a.ContentType, a.Size, a.SHA256, uploader).Scan(&a.ID, &a.CreatedAt)
	if err != nil {
		return a, fmt.Errorf("record attachment: %w", err)
	}
	return a, nil
}

// VersionsOf lists the earlier versions of attachments, newest first.
func (st *Store) VersionsOf(ctx context.Context, attachmentIDs []int64) ([]AttachmentVersion, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+versionColumns+` WHERE v.attachment_id = ANY($1)
		ORDER BY v.attachment_id, v.created_at DESC, v.id DESC`, attachmentIDs)
	return postgres.All[AttachmentVersion](rows, "attachment versions")
}

// AttachmentVersion loads one earlier version of an attachment.
func (st *Store) AttachmentVersion(ctx context.Context, attachmentID, id int64) (AttachmentVersion, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+versionColumns+` WHERE v.id = $1 AND v.attachment_id = $2`, id, attachmentID)
	return postgres.One[AttachmentVersion](rows, "load attachment version")
}

// RestoreVersion makes an earlier version of an attachment of the page
// current again; the current content becomes a version in its place.
func (st *Store) RestoreVersion(ctx context.Context, pageID, attachmentID, id int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `WITH v AS (DELETE FROM attachment_versions WHERE id = $1 AND attachment_id = $2 RETURNING *),
				cur AS (SELECT a.* FROM attachments a, v WHERE a.id = $2 AND a.page_id = $3 FOR UPDATE OF a),
				keep AS (INSERT INTO attachment_versions (attachment_id, content_type, size, sha256, uploaded_by, created_at)
					SELECT id, content_type, size, sha256, uploaded_by, created_at FROM cur)
			UPDATE attachments a SET content_type = v.content_type, size = v.size, sha256 = v.sha256,
				uploaded_by = v.uploaded_by, created_at = v.created_at
			FROM v, cur WHERE a.id = cur.id`, id, attachmentID, pageID)
		if err != nil {
			return fmt.Errorf("restore attachment version: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		return nil
	})
}

// AttachmentUploader is who uploaded the current content of an attachment
// of the page; 0 when unknown.
func (st *Store) AttachmentUploader(ctx context.Context, pageID, id int64) (int64, error) {
	var by *int64
	err := st.pool.QueryRow(ctx, `SELECT uploaded_by FROM attachments WHERE id = $1 AND page_id = $2`, id, pageID).Scan(&by)
	if err != nil {
		return 0, postgres.Found(err, "attachment uploader")
	}
	if by == nil {
		return 0, nil
	}
	return *by, nil
}
