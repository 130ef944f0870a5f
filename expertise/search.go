package expertise

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/search"
)

// SearchSource makes people findable in the site search. A person's
// document belongs to their agency's organisation space, and search finds
// people documents only in the organisation spaces of the searcher's own
// agency (every agency's for admins), not in every space the searcher may
// read: a guest of another agency in that space finds none of its people,
// as their profiles answer them 404. Without such a space a document gets
// space 0, which no one's filter contains. Hidden, disabled
// and departed people have no document, so the outbox deletes theirs.
type SearchSource struct {
	*search.QuerySource
}

// NewSearchSource returns the people's search source.
func NewSearchSource(store *Store) *SearchSource {
	src := &SearchSource{}
	src.QuerySource = search.NewQuerySource(store.pool, search.DocumentQuery{
		Kind: "person", Select: personDocQuery, Filter: listedSQL, ID: "a.id",
		Count: `SELECT count(*) FROM accounts a JOIN profiles p ON p.account_id = a.id WHERE ` + listedSQL, Read: src.documents,
		Topics: store.TopicPeople,
	})
	return src
}

type personDoc struct {
	ID          int64    `db:"id"`
	DisplayName string   `db:"display_name"`
	Handle      string   `db:"handle"`
	Position    string   `db:"position"`
	UnitPath    []string `db:"unit_path"`
	Tasks       string   `db:"tasks"`
	AskMeAbout  string   `db:"ask_me_about"`
	Skills      []string `db:"skills"`
	SkillTerms  []string `db:"skill_terms"`
	SpaceID     *int64   `db:"space_id"`
	SpaceSlug   *string  `db:"space_slug"`
	UpdatedAt   int64    `db:"updated_at"`
}

// orgSpaceSQL picks the organisation space of the person's agency, as
// Store.OrganisationSpace does.
const orgSpaceSQL = `LEFT JOIN LATERAL (SELECT s.id, s.slug::text AS slug FROM spaces s
	WHERE s.agency_id = a.agency_id AND s.visibility = 'organisation' AND s.archived_at IS NULL ORDER BY s.id LIMIT 1) os ON true `

// skillTermsSQL is every label (name and synonyms) of the person's skills
// and of the topics above them: someone who knows "Unterschwellenvergabe"
// is found by "Vergaberecht" above it and by a synonym such as "UVgO".
const skillTermsSQL = `array(SELECT DISTINCT l.label::text FROM profile_skills ps
	CROSS JOIN LATERAL (WITH RECURSIVE up(id, depth) AS (
		SELECT ps.topic_id, 0
		UNION ALL SELECT t.parent_id, up.depth + 1 FROM topics t JOIN up ON t.id = up.id WHERE t.parent_id IS NOT NULL AND up.depth < 50)
		SELECT id FROM up) anc
	JOIN topic_labels l ON l.topic_id = anc.id
	WHERE ps.account_id = a.id ORDER BY 1)`

const personDocQuery = `SELECT a.id, a.display_name, a.handle::text AS handle, p.position, ` + unitPathSQL + ` AS unit_path,
	p.tasks, p.ask_me_about,
	array(SELECT t.name FROM profile_skills ps JOIN topics t ON t.id = ps.topic_id WHERE ps.account_id = a.id ORDER BY t.name) AS skills,
	` + skillTermsSQL + ` AS skill_terms,
	os.id AS space_id, os.slug AS space_slug, extract(epoch FROM p.updated_at)::bigint AS updated_at
	FROM accounts a JOIN profiles p ON p.account_id = a.id ` + orgSpaceSQL

func (src *SearchSource) documents(_ context.Context, rows pgx.Rows) ([]search.Document, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[personDoc])
	if err != nil {
		return nil, fmt.Errorf("load people for search: %w", err)
	}
	docs := make([]search.Document, 0, len(list))
	for _, p := range list {
		var space int64
		var slug string
		if p.SpaceID != nil {
			space, slug = *p.SpaceID, *p.SpaceSlug
		}
		body := strings.Join(nonEmpty(p.Position, strings.Join(p.UnitPath, " / "), p.Tasks, p.AskMeAbout, strings.Join(p.Skills, ", "),
			strings.Join(extraTerms(p.SkillTerms, p.Skills), ", ")), "\n")
		docs = append(docs, search.Document{
			ID: search.DocumentID("person", p.ID), Type: "person", SpaceID: space, Space: slug,
			Title: p.DisplayName, Body: body, Topics: p.Skills, URL: PersonURL(p.Handle), UpdatedAt: p.UpdatedAt,
		})
	}
	return docs, nil
}

// extraTerms is terms without those already named in skills.
func extraTerms(terms, skills []string) []string {
	named := make(map[string]bool, len(skills))
	for _, s := range skills {
		named[strings.ToLower(s)] = true
	}
	var out []string
	for _, t := range terms {
		if !named[strings.ToLower(t)] {
			out = append(out, t)
		}
	}
	return out
}

func nonEmpty(parts ...string) []string {
	out := parts[:0]
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}
