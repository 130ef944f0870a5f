package search

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// DocumentQuery is how a source reads its documents with one SQL query.
type DocumentQuery struct {
	Kind string // the outbox kind and document type
	// Select is the query without a WHERE clause, ending in a space.
	Select string
	// Filter is a condition every document meets ("": none).
	Filter string
	// ID is the column of the item's id, e.g. "p.id".
	ID string
	// Count counts the documents Each hands over.
	Count string
	// Read turns the query's rows into documents.
	Read func(ctx context.Context, rows pgx.Rows) ([]Document, error)
	// Topics, when set, names the items whose documents show one of
	// topicIDs (TopicItems).
	Topics func(ctx context.Context, topicIDs []int64) ([]int64, error)
	// Table, when set, is the items' table, with id and space_id: the
	// items lie in the spaces of an agency (AgencyItems).
	Table string
}

// QuerySource is a Source read with a DocumentQuery.
type QuerySource struct {
	db postgres.Querier
	q  DocumentQuery
}

// NewQuerySource returns the source of q on db.
func NewQuerySource(db postgres.Querier, q DocumentQuery) *QuerySource {
	return &QuerySource{db: db, q: q}
}

// Kind is the query's kind.
func (s *QuerySource) Kind() string { return s.q.Kind }

// where is the query with the condition cond added to its filter.
func (s *QuerySource) where(cond string) string {
	if s.q.Filter == "" {
		return s.q.Select + "WHERE " + cond
	}
	return s.q.Select + "WHERE " + s.q.Filter + " AND " + cond
}

// Documents loads the documents of ids.
func (s *QuerySource) Documents(ctx context.Context, ids []int64) ([]Document, error) {
	rows, _ := s.db.Query(ctx, s.where(s.q.ID+" = ANY($1)"), ids)
	return s.q.Read(ctx, rows)
}

// Each hands over all documents in batches, by id.
func (s *QuerySource) Each(ctx context.Context, size int, fn func([]Document) error) error {
	return eachAfter(ctx, s.q.Kind, size, func(ctx context.Context, after int64, size int) ([]Document, error) {
		rows, _ := s.db.Query(ctx, s.where(s.q.ID+" > $1 ORDER BY "+s.q.ID+" LIMIT $2"), after, size)
		return s.q.Read(ctx, rows)
	}, fn)
}

// Count is the number of documents Each hands over.
func (s *QuerySource) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, s.q.Count).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s documents: %w", s.q.Kind, err)
	}
	return n, nil
}

// TopicItems are the items whose documents show one of topicIDs; none
// without the query's Topics.
func (s *QuerySource) TopicItems(ctx context.Context, topicIDs []int64) ([]int64, error) {
	if s.q.Topics == nil {
		return nil, nil
	}
	return s.q.Topics(ctx, topicIDs)
}

// AgencyItems are the items in the spaces of agencyIDs; none without the
// query's Table.
func (s *QuerySource) AgencyItems(ctx context.Context, agencyIDs []int64) ([]int64, error) {
	if s.q.Table == "" {
		return nil, nil
	}
	rows, _ := s.db.Query(ctx, `SELECT x.id FROM `+pgx.Identifier{s.q.Table}.Sanitize()+` x JOIN spaces s ON s.id = x.space_id
		WHERE s.agency_id = ANY($1)`, agencyIDs)
	return postgres.Values[int64](rows, s.q.Table+" of agencies")
}
