package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The PostgreSQL copy of the search documents, read while Meilisearch is
// away. One table rather than a UNION over the areas' own tables: the
// documents are the areas' rendered text (Markdown as text, questions with
// their answers, people with skills and unit), which SQL over the source
// tables cannot produce, and with them the compound parts from the German
// splitter; filters and facets then mean exactly what they mean in
// Meilisearch, one GIN index serves a single ranked query across types,
// and the platform package keeps knowing no area.

// pendingMirror locks up to limit rows of the copy's queue.
func pendingMirror(ctx context.Context, tx pgx.Tx, limit int) ([]outboxRow, error) {
	rows, err := tx.Query(ctx, `SELECT id, kind, item_id FROM search_copy_queue
		ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox for the copy: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (outboxRow, error) {
		var o outboxRow
		return o, r.Scan(&o.id, &o.kind, &o.itemID)
	})
}

// markMirrored takes copied rows out of the copy's queue.
func markMirrored(ctx context.Context, tx pgx.Tx, ids []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM search_copy_queue WHERE id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("take copied rows from the queue: %w", err)
	}
	return nil
}

// saveDocuments writes documents into the copy. The vector weighs the
// title most, then headings and topics, then the text, then the compound
// parts and other spellings, as the index's searchable attributes do.
// Rows are written in the order of their ids, so that a reindex and the
// mirror writing the same documents at once take their locks in the same
// order.
func saveDocuments(ctx context.Context, tx pgx.Tx, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	n := len(docs)
	ids, types, spaces, titles, keys, bodies, topics, statuses, urls, compounds := make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n)
	spaceIDs, due, updated := make([]int64, n), make([]int64, n), make([]int64, n)
	for i, d := range docs {
		ids[i], types[i], spaces[i], titles[i], bodies[i], statuses[i], urls[i], compounds[i] = d.ID, d.Type, d.Space, d.Title, d.Body, d.Status, d.URL, d.Compounds
		keys[i] = strings.Join(append(append([]string{}, d.Headings...), d.Topics...), "\n")
		// topics travel as one string per document: pgx cannot send an
		// array of arrays of different lengths.
		topics[i] = strings.Join(d.Topics, "\x1f")
		spaceIDs[i], due[i], updated[i] = d.SpaceID, d.ReviewDue, d.UpdatedAt
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO search_documents (id, type, space_id, space, title, body, topics, status, review_due, url, updated_at, vector)
		SELECT id, type, space_id, space, title, body, CASE WHEN topics = '' THEN '{}' ELSE string_to_array(topics, E'\x1f') END,
		       status, review_due, url, updated_at,
		       setweight(to_tsvector('german', title), 'A') || setweight(to_tsvector('german', keys), 'B') ||
		       setweight(to_tsvector('german', body), 'C') || setweight(to_tsvector('german', compounds), 'D')
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
		            $9::bigint[], $10::text[], $11::bigint[], $12::text[], $13::text[])
		     AS d(id, type, space_id, space, title, body, topics, status, review_due, url, updated_at, keys, compounds)
		ORDER BY id
		ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, space_id = EXCLUDED.space_id, space = EXCLUDED.space,
		       title = EXCLUDED.title, body = EXCLUDED.body, topics = EXCLUDED.topics, status = EXCLUDED.status,
		       review_due = EXCLUDED.review_due, url = EXCLUDED.url, updated_at = EXCLUDED.updated_at, vector = EXCLUDED.vector`,
		ids, types, spaceIDs, spaces, titles, bodies, topics, statuses, due, urls, updated, keys, compounds)
	if err != nil {
		return fmt.Errorf("copy search documents: %w", err)
	}
	return nil
}

// deleteDocuments removes documents from the copy.
func deleteDocuments(ctx context.Context, tx pgx.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM search_documents WHERE id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("delete copied search documents: %w", err)
	}
	return nil
}

// saveWords adds words to the vocabulary for typo correction. Sorted, so
// that concurrent batches take the rows' locks in the same order.
func saveWords(ctx context.Context, tx pgx.Tx, words []string) error {
	if len(words) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO search_words (word) SELECT w FROM unnest($1::text[]) w ORDER BY w ON CONFLICT DO NOTHING`, words); err != nil {
		return fmt.Errorf("save search words: %w", err)
	}
	return nil
}

// similarWords finds for each word the vocabulary's words written most
// alike (pg_trgm), the word itself first when it is known.
func (s *Service) similarWords(ctx context.Context, words []string) (map[string][]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT q.w, c.word FROM unnest($1::text[]) q(w)
		CROSS JOIN LATERAL (SELECT word FROM search_words WHERE word % q.w ORDER BY word <-> q.w, word LIMIT 10) c`, words)
	if err != nil {
		return nil, fmt.Errorf("similar words: %w", err)
	}
	out := map[string][]string{}
	var w, c string
	_, err = pgx.ForEachRow(rows, []any{&w, &c}, func() error {
		out[w] = append(out[w], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("similar words: %w", err)
	}
	return out, nil
}

// where is the filter of a query in SQL, with the same meaning as the
// Meilisearch filter of Service.filter; args holds its parameters, the
// first being the tsquery's text.
func (q Query) where(args *[]any) string {
	arg := func(v any) string { *args = append(*args, v); return "$" + strconv.Itoa(len(*args)) }
	conds := []string{"d.vector @@ x.q", "(d.type <> 'person' AND d.space_id = ANY(" + arg(q.Spaces) + ") OR d.type = 'person' AND d.space_id = ANY(" + arg(q.PeopleSpaces) + "))"}
	if q.Space != 0 {
		conds = append(conds, "d.space_id = "+arg(q.Space))
	}
	if q.Type != "" {
		conds = append(conds, "d.type = "+arg(q.Type))
	}
	if q.Topic != "" {
		conds = append(conds, arg(q.Topic)+" = ANY(d.topics)")
	}
	now := time.Now().Unix()
	switch q.Status {
	case "":
	case "needs_review":
		conds = append(conds, "d.review_due > 0 AND d.review_due < "+arg(now))
	case "verified":
		conds = append(conds, "d.type = 'page' AND (d.review_due = 0 OR d.review_due >= "+arg(now)+")")
	default:
		conds = append(conds, "d.status = "+arg(q.Status))
	}
	return strings.Join(conds, " AND ")
}

// rankSQL orders hits: a title holding every word first, then ts_rank
// over the weighted vector (normalised by length, so that long pages do
// not win by size alone).
const rankSQL = `(ts_filter(d.vector, '{a}') @@ x.q)::int + ts_rank(d.vector, x.q, 1)`

// queryCopy runs one search over the copy: a page of hits with
// ts_headline snippets, and the facets, in one round trip.
func (s *Service) queryCopy(ctx context.Context, q Query, tsquery string) (Results, error) {
	args := []any{tsquery}
	where := q.where(&args)
	open, closeMark := Markers()
	hitArgs := append(append([]any{}, args...), q.PerPage, (q.Page-1)*q.PerPage,
		"StartSel="+open+", StopSel="+closeMark+", MaxWords=30, MinWords=12, MaxFragments=1")
	n := len(args)
	from := `FROM search_documents d, (SELECT to_tsquery('german', $1) AS q) x WHERE ` + where
	batch := &pgx.Batch{}
	res := Results{Page: q.Page, Degraded: true, Facets: map[string][]Facet{}}
	batch.Queue(`SELECT h.type, h.id, h.title, h.url, h.space, h.space_id, h.topics,
		ts_headline('german', h.body, to_tsquery('german', $1), $`+strconv.Itoa(n+3)+`)
		FROM (SELECT d.*, `+rankSQL+` AS rank `+from+`
		      ORDER BY rank DESC, d.updated_at DESC, d.id LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2)+`) h
		ORDER BY h.rank DESC, h.updated_at DESC, h.id`, hitArgs...).Query(func(rows pgx.Rows) error {
		var h Hit
		var headline string
		_, err := pgx.ForEachRow(rows, []any{&h.Type, &h.ID, &h.Title, &h.URL, &h.Space, &h.SpaceID, &h.Topics, &headline}, func() error {
			h.Snippet = Highlight(headline)
			res.Hits = append(res.Hits, h)
			h.Topics = nil
			return nil
		})
		return err
	})
	batch.Queue(`WITH m AS MATERIALIZED (SELECT d.type, d.space_id, d.topics `+from+`)
		SELECT 'type', type, count(*) FROM m GROUP BY type
		UNION ALL SELECT 'space_id', space_id::text, count(*) FROM m GROUP BY space_id
		UNION ALL SELECT 'topics', t, count(*) FROM m, unnest(m.topics) t GROUP BY t`, args...).Query(func(rows pgx.Rows) error {
		var name, value string
		var count int
		_, err := pgx.ForEachRow(rows, []any{&name, &value, &count}, func() error {
			res.Facets[name] = append(res.Facets[name], Facet{Value: value, Count: count})
			if name == "type" {
				res.Total += count
			}
			return nil
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return Results{}, fmt.Errorf("search PostgreSQL: %w", err)
	}
	return res, nil
}

// copyIDs lists the ids of every document of the copy.
func (s *Service) copyIDs(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM search_documents`)
	if err != nil {
		return nil, fmt.Errorf("list copied search documents: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list copied search documents: %w", err)
	}
	return ids, nil
}

// pruneWords deletes, of the next limit words of the vocabulary after
// after, those that no document of the copy contains any more, and
// returns the last word it looked at ("" when there were none) and how
// many it deleted. A word is looked up as the copy's vectors hold it,
// stemmed, so a word is kept while any of its forms occurs.
func (s *Service) pruneWords(ctx context.Context, after string, limit int) (string, int64, error) {
	var last *string
	var deleted int64
	err := s.pool.QueryRow(ctx, `
		WITH batch AS (SELECT word FROM search_words WHERE word > $1 ORDER BY word LIMIT $2),
		gone AS (
			DELETE FROM search_words w USING batch b
			WHERE w.word = b.word AND NOT EXISTS (
				SELECT 1 FROM search_documents d WHERE d.vector @@ plainto_tsquery('german', b.word))
			RETURNING 1)
		SELECT (SELECT max(word) FROM batch), (SELECT count(*) FROM gone)`, after, limit).Scan(&last, &deleted)
	if err != nil {
		return "", 0, fmt.Errorf("prune search words: %w", err)
	}
	if last == nil {
		return "", deleted, nil
	}
	return *last, deleted, nil
}

// eachWord hands every word of the vocabulary to fn.
func (s *Service) eachWord(ctx context.Context, fn func(string)) error {
	rows, err := s.pool.Query(ctx, `SELECT word FROM search_words`)
	if err != nil {
		return fmt.Errorf("list search words: %w", err)
	}
	var w string
	if _, err := pgx.ForEachRow(rows, []any{&w}, func() error { fn(w); return nil }); err != nil {
		return fmt.Errorf("list search words: %w", err)
	}
	return nil
}

// pruneListedWords deletes those of words that no document of the copy
// contains any more, looked up as pruneWords does, and returns how many.
func (s *Service) pruneListedWords(ctx context.Context, words []string) (int64, error) {
	tag, err := s.pool.Exec(ctx, `
		DELETE FROM search_words w USING unnest($1::text[]) b(word)
		WHERE w.word = b.word AND NOT EXISTS (
			SELECT 1 FROM search_documents d WHERE d.vector @@ plainto_tsquery('german', b.word))`, words)
	if err != nil {
		return 0, fmt.Errorf("prune search words: %w", err)
	}
	return tag.RowsAffected(), nil
}
