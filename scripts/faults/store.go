package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// store reads what PostgreSQL, the store of record, says the search
// index should hold.
type store struct{ pool *pgxpool.Pool }

func openStore(ctx context.Context, url string) (*store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return &store{pool: pool}, nil
}

func (s *store) close() { s.pool.Close() }

// pending counts the changes not yet sent to Meilisearch and those not
// yet copied into PostgreSQL's own search documents.
func (s *store) pending(ctx context.Context) (outbox, copyQueue int64, err error) {
	err = s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM search_outbox WHERE processed_at IS NULL),
		(SELECT count(*) FROM search_copy_queue)`).Scan(&outbox, &copyQueue)
	if err != nil {
		return 0, 0, fmt.Errorf("count pending search changes: %w", err)
	}
	return outbox, copyQueue, nil
}

// copyIDs lists the ids of PostgreSQL's copy of the search documents,
// which the same sources fill as they fill Meilisearch.
func (s *store) copyIDs(ctx context.Context) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id FROM search_documents`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list search documents: %w", err)
	}
	return ids, nil
}

// sourceIDs lists the document ids of every page and question: each has
// a document whatever its state (the wiki and Q&A sources index all rows).
func (s *store) sourceIDs(ctx context.Context) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT 'page-' || id FROM pages UNION ALL SELECT 'question-' || id FROM questions`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list pages and questions: %w", err)
	}
	return ids, nil
}
