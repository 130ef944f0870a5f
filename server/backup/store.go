package backup

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// exportSnapshot starts the read-only transaction whose snapshot pg_dump
// shares, so that the list of contents and the dump see the same rows.
func exportSnapshot(ctx context.Context, tx pgx.Tx) (string, error) {
	var id string
	if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		return "", fmt.Errorf("export snapshot: %w", err)
	}
	return id, nil
}

func schemaVersion(ctx context.Context, q pgx.Tx) (int, error) {
	var v int
	if err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// referencedContents lists the SHA-256 of every attachment content a row
// refers to: current attachments, their earlier versions, files of
// drafts and mail drafts, and files of questions.
func referencedContents(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, _ := tx.Query(ctx, `SELECT sha256 FROM attachments
		UNION SELECT sha256 FROM attachment_versions
		UNION SELECT sha256 FROM draft_files
		UNION SELECT sha256 FROM mail_draft_files
		UNION SELECT sha256 FROM question_files`)
	sums, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("list attachment contents: %w", err)
	}
	out := make([]string, len(sums))
	for i, s := range sums {
		out[i] = hex.EncodeToString(s)
	}
	return out, nil
}

// relations counts the tables, sequences and views outside the system
// schemas: a database to restore into must have none.
func relations(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var n int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inspect database: %w", err)
	}
	return n, nil
}
