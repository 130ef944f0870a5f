package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// store holds every query of the trends.
type store struct{ pool *pgxpool.Pool }

// sealedKey returns the day's sealed key, storing fresh first if the day
// has none yet: of several servers the first one wins and all use its key.
func (st store) sealedKey(ctx context.Context, day string, fresh sealed) (sealed, error) {
	var out sealed
	err := st.pool.QueryRow(ctx, `INSERT INTO stats_secrets (day, nonce, sealed) VALUES ($1, $2, $3)
		ON CONFLICT (day) DO UPDATE SET day = excluded.day RETURNING nonce, sealed`, day, fresh.nonce, fresh.box).Scan(&out.nonce, &out.box)
	if err != nil {
		return sealed{}, fmt.Errorf("key of the day: %w", err)
	}
	return out, nil
}

// insertRaw records one person (by pseudonym) behind an item on a day.
func (st store) insertRaw(ctx context.Context, day string, ev Event, scope string, pseudonym []byte) error {
	var space *int64
	if ev.SpaceID != 0 {
		space = &ev.SpaceID
	}
	_, err := st.pool.Exec(ctx, `INSERT INTO stats_raw (day, kind, item, space_id, scope, pseudonym) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT DO NOTHING`, day, ev.Kind, ev.Item, space, scope, pseudonym)
	return err
}

// daysBefore lists the days before today that still have raw rows or a key.
func (st store) daysBefore(ctx context.Context, today string) ([]string, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT day::text FROM stats_raw WHERE day < $1
		UNION SELECT day::text FROM stats_secrets WHERE day < $1 ORDER BY 1`, today)
	return postgres.Values[string](rows, "days to aggregate")
}

// populations is the number of people in every scope: the readers of a
// space (the agency's staff in an organisation space, the members directly
// or by group in any) and the active accounts of an agency. They, not the
// active readers, are the crowd a figure hides in.
const populations = `SELECT 'space:' || space_id AS scope, count(*) AS population FROM (
		SELECT sp.id AS space_id, a.id AS account_id FROM spaces sp JOIN accounts a
			ON a.disabled_at IS NULL AND sp.visibility = 'organisation' AND a.agency_id = sp.agency_id
		UNION SELECT m.space_id, m.account_id FROM space_members m JOIN accounts a ON a.id = m.account_id AND a.disabled_at IS NULL
		UNION SELECT m.space_id, g.account_id FROM space_members m JOIN group_members g ON g.group_id = m.group_id
			JOIN accounts a ON a.id = g.account_id AND a.disabled_at IS NULL
	) readers GROUP BY space_id
	UNION ALL
	SELECT 'agency:' || agency_id, count(*) FROM accounts WHERE disabled_at IS NULL GROUP BY agency_id`

// aggregateDay turns a day's raw rows into weekly figures (the week starts
// on Monday; its figure is the largest daily one, with the smallest
// population of its days) and then forgets the day: raw rows and sealed
// key go in the same transaction. Scopes smaller than minPopulation get no
// row at all.
func (st store) aggregateDay(ctx context.Context, day string, minPopulation int, named []string) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO stats_weekly (week, scope, kind, item, space_id, people, population)
			SELECT date_trunc('week', r.day)::date, r.scope, r.kind, r.item, max(r.space_id), count(DISTINCT r.pseudonym), p.population
			FROM stats_raw r JOIN (`+populations+`) p ON p.scope = r.scope
			WHERE r.day = $1 AND p.population >= $2 AND NOT (r.kind IN ($4, $5) AND r.item = ANY($3))
			GROUP BY 1, 2, 3, 4, p.population
			ON CONFLICT (week, scope, kind, item) DO UPDATE SET people = greatest(stats_weekly.people, excluded.people),
				population = least(stats_weekly.population, excluded.population)`, day, minPopulation, named, Search, SearchEmpty)
		if err != nil {
			return fmt.Errorf("weekly figures: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM stats_raw WHERE day = $1`, day); err != nil {
			return fmt.Errorf("raw rows: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM stats_secrets WHERE day = $1`, day); err != nil {
			return fmt.Errorf("key of the day: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO stats_days (day) VALUES ($1) ON CONFLICT DO NOTHING`, day)
		return err
	})
}

// cleanup deletes raw rows and keys of the day limit and before, and
// figures older than 13 months before today.
func (st store) cleanup(ctx context.Context, limit, today string) error {
	if _, err := st.pool.Exec(ctx, `DELETE FROM stats_raw WHERE day <= $1`, limit); err != nil {
		return fmt.Errorf("old raw rows: %w", err)
	}
	if _, err := st.pool.Exec(ctx, `DELETE FROM stats_secrets WHERE day <= $1`, limit); err != nil {
		return fmt.Errorf("old keys: %w", err)
	}
	if _, err := st.pool.Exec(ctx, `DELETE FROM stats_weekly WHERE week < $1::date - interval '13 months'`, today); err != nil {
		return fmt.Errorf("old figures: %w", err)
	}
	return nil
}

// row is a stored weekly figure with its title and address as they are
// now ("title|url"), nil when the item is gone or not readable.
type row struct {
	Kind, Item string
	TitleURL   *string
	People     int
	Population int
	Due        *time.Time
}

// itemTitle is the title and address of a page, question or topic as
// they are now. A page or question is shown only under the space it lies
// in now and only when the viewer may read that space (the parameter named
// by readable): a page moved since it was read shows nowhere.
func itemTitle(readable string) string {
	return `CASE w.kind
		WHEN 'page' THEN (SELECT p.title || '|/bereiche/' || sp.slug || '/seiten/' || p.slug FROM pages p JOIN spaces sp ON sp.id = p.space_id
			WHERE p.id::text = w.item AND p.space_id = w.space_id AND p.space_id = ANY(` + readable + `))
		WHEN 'question' THEN (SELECT q.title || '|/fragen/' || q.id FROM questions q WHERE q.id::text = w.item AND q.space_id = w.space_id AND q.space_id = ANY(` + readable + `))
		WHEN 'topic' THEN (SELECT t.name || '|/themen/' || t.slug FROM topics t WHERE t.id::text = w.item) END`
}

func collect(rows pgx.Rows, err error) ([]row, error) {
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.Kind, &x.Item, &x.TitleURL, &x.People, &x.Population)
		return x, err
	})
}

// inSpaces lists the week's figures of a kind (page or question) in the
// scopes of the spaces given, people at least k.
func (st store) inSpaces(ctx context.Context, week, kind string, k int, spaces []int64) ([]row, error) {
	return collect(st.pool.Query(ctx, `SELECT w.kind, w.item, x.title, w.people, coalesce(w.population, 0)
		FROM stats_weekly w, LATERAL (SELECT `+itemTitle("$4")+` AS title) x
		WHERE w.week = $1 AND w.kind = $2 AND w.people >= $3 AND w.space_id = ANY($4) AND w.scope = 'space:' || w.space_id
		  AND x.title IS NOT NULL`, week, kind, k, spaces))
}

// inScope lists the week's figures of a kind in one scope, people at
// least k.
func (st store) inScope(ctx context.Context, week, scope, kind string, k int) ([]row, error) {
	return collect(st.pool.Query(ctx, `SELECT w.kind, w.item,
			CASE WHEN w.kind IN ('search', 'search_empty') THEN w.item || '|/suche?q=' || replace(w.item, ' ', '+') ELSE `+itemTitle("'{}'::bigint[]")+` END,
			w.people, coalesce(w.population, 0)
		FROM stats_weekly w WHERE w.week = $1 AND w.scope = $2 AND w.kind = $3 AND w.people >= $4`, week, scope, kind, k))
}

// inTopics lists the week's figures of pages and questions on the topics
// given, in the scopes of the spaces given.
func (st store) inTopics(ctx context.Context, week string, k int, spaces, topicIDs []int64) ([]row, error) {
	return collect(st.pool.Query(ctx, `SELECT w.kind, w.item, x.title, w.people, coalesce(w.population, 0)
		FROM stats_weekly w, LATERAL (SELECT `+itemTitle("$3")+` AS title) x
		WHERE w.week = $1 AND w.people >= $2 AND w.space_id = ANY($3) AND w.scope = 'space:' || w.space_id AND x.title IS NOT NULL
		  AND ((w.kind = 'page' AND EXISTS (SELECT 1 FROM page_topics t WHERE t.page_id::text = w.item AND t.topic_id = ANY($4)))
		    OR (w.kind = 'question' AND EXISTS (SELECT 1 FROM question_topics t WHERE t.question_id::text = w.item AND t.topic_id = ANY($4))))`,
		week, k, spaces, topicIDs))
}

// overdue lists the pages past their review date in the spaces given,
// each with the largest figure of its space's scope in the four weeks up
// to week and the smallest population of those weeks (0, 0 without one).
func (st store) overdue(ctx context.Context, week string, spaces []int64) ([]row, error) {
	rows, err := st.pool.Query(ctx, `SELECT p.title || '|/bereiche/' || sp.slug || '/seiten/' || p.slug, p.review_due::timestamptz,
			coalesce(max(w.people), 0), coalesce(min(w.population), 0)
		FROM pages p JOIN spaces sp ON sp.id = p.space_id
		LEFT JOIN stats_weekly w ON w.kind = 'page' AND w.item = p.id::text AND w.scope = 'space:' || p.space_id AND w.week >= $1::date - 28
		WHERE p.space_id = ANY($2) AND NOT p.is_template AND p.review_due < current_date
		GROUP BY p.id, sp.slug`, week, spaces)
	if err != nil {
		return nil, fmt.Errorf("overdue pages: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		x := row{Kind: Page}
		var due time.Time
		err := r.Scan(&x.TitleURL, &due, &x.People, &x.Population)
		x.Due = &due
		return x, err
	})
}

// searchesOn lists the distinct queries recorded on day.
func (st store) searchesOn(ctx context.Context, day string) ([]string, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT item FROM stats_raw WHERE day = $1 AND kind IN ($2, $3)`, day, Search, SearchEmpty)
	return postgres.Values[string](rows, "queries of the day")
}

// nameParts lists the words (split at white space) of every account's
// display name and handle, lower case.
func (st store) nameParts(ctx context.Context) ([]string, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT n FROM accounts a,
		regexp_split_to_table(lower(a.display_name || ' ' || a.handle::text), '\s+') n WHERE n <> ''`)
	return postgres.Values[string](rows, "names of people")
}

// spaceBySlug finds a space's id.
func (st store) spaceBySlug(ctx context.Context, slug string) (int64, error) {
	var id int64
	err := st.pool.QueryRow(ctx, `SELECT id FROM spaces WHERE slug = $1`, slug).Scan(&id)
	return id, err
}
