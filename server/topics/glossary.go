package topics

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

// GlossaryTerm is one entry of the glossary. Slug is its anchor on
// /glossar and never changes.
type GlossaryTerm struct {
	ID            int64     `db:"id" json:"-"`
	Slug          string    `db:"slug" json:"slug"`
	Term          string    `db:"term" json:"term"`
	Abbreviations []string  `db:"abbreviations" json:"abbreviations"`
	Definition    string    `db:"definition" json:"definition"`
	UpdatedAt     time.Time `db:"updated_at" json:"updated_at"`
}

// Paragraphs splits the definition into plain-text paragraphs.
func (g GlossaryTerm) Paragraphs() []string { return paragraphs(g.Definition) }

// Limits of glossary entries, as in migration 0003.
const (
	maxTerm          = 200
	maxDefinition    = 2000
	maxAbbreviation  = 30
	maxAbbreviations = 20
)

// glossaryTTL bounds how long a process serves a glossary another process
// has changed, should the NOTIFY listener not run or have lost its
// connection.
const glossaryTTL = 30 * time.Second

// glossaryChannel is the NOTIFY channel migration 0003's trigger uses.
const glossaryChannel = "fachnetz_glossary"

const termSelect = `SELECT id, slug::text AS slug, term, abbreviations, definition, updated_at FROM glossary_terms `

func (st *Store) terms(ctx context.Context, where string, args ...any) ([]GlossaryTerm, error) {
	rows, _ := st.pool.Query(ctx, termSelect+where, args...)
	return postgres.All[GlossaryTerm](rows, "load glossary")
}

// TermBySlug loads one glossary entry.
func (st *Store) TermBySlug(ctx context.Context, slug string) (GlossaryTerm, error) {
	list, err := st.terms(ctx, `WHERE slug = $1`, slug)
	if err != nil {
		return GlossaryTerm{}, err
	}
	if len(list) == 0 {
		return GlossaryTerm{}, errs.E(errs.NotFound, "error.not_found")
	}
	return list[0], nil
}

func termSlugFree(ctx context.Context, q postgres.Querier, slug string) (bool, error) {
	var taken bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM glossary_terms WHERE slug = $1)`, slug).Scan(&taken)
	return !taken, err
}

var termConstraints = map[string]*errs.Error{
	"glossary_terms_term":     errs.E(errs.Conflict, "glossary.term_taken").OnField("term"),
	"glossary_terms_slug_key": errs.E(errs.Conflict, "glossary.term_taken").OnField("term"),
}

func (st *Store) createTerm(ctx context.Context, in GlossaryInput) (string, error) {
	var slug string
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var err error
		if slug, err = uniqueSlug(ctx, tx, in.Term, termSlugFree); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO glossary_terms (slug, term, definition, abbreviations) VALUES ($1, $2, $3, $4)`,
			slug, in.Term, in.Definition, in.Abbreviations)
		return err
	})
	return slug, postgres.Constraint(err, "create glossary term", termConstraints)
}

func (st *Store) updateTerm(ctx context.Context, id int64, in GlossaryInput) error {
	_, err := st.pool.Exec(ctx, `UPDATE glossary_terms SET term = $2, definition = $3, abbreviations = $4, updated_at = now() WHERE id = $1`,
		id, in.Term, in.Definition, in.Abbreviations)
	return postgres.Constraint(err, "update glossary term", termConstraints)
}

func (st *Store) deleteTerm(ctx context.Context, id int64) error {
	_, err := st.pool.Exec(ctx, `DELETE FROM glossary_terms WHERE id = $1`, id)
	return err
}

// glossaryCache holds the glossary in memory: the wiki renders every page
// with it, and it changes seldom.
type glossaryCache struct {
	mu       sync.Mutex
	terms    []GlossaryTerm
	loadedAt time.Time
}

func newGlossaryCache() *glossaryCache { return &glossaryCache{} }

func (c *glossaryCache) invalidate() {
	c.mu.Lock()
	c.terms = nil
	c.mu.Unlock()
}

// Terms returns the whole glossary in German alphabetical order, from
// memory. It is reloaded after a change made by this process at once,
// after one made by another process when the NOTIFY arrives (see
// ListenGlossary), and in any case after 30 seconds. Callers must not
// modify the slice.
func (s *Topics) Terms(ctx context.Context) ([]GlossaryTerm, error) {
	c := s.glossary
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.terms != nil && time.Since(c.loadedAt) < glossaryTTL {
		return c.terms, nil
	}
	loadedAt := time.Now()
	list, err := s.Store.terms(ctx, ``)
	if err != nil {
		return nil, err
	}
	sortTerms(list)
	if list == nil {
		list = []GlossaryTerm{}
	}
	c.terms, c.loadedAt = list, loadedAt
	return list, nil
}

// sortTerms orders terms as a German dictionary does (DIN 5007-1): Ä with
// A, Ö with O, Ü with U, ß as ss, case ignored.
func sortTerms(list []GlossaryTerm) {
	col := collate.New(language.German, collate.IgnoreCase)
	sort.SliceStable(list, func(i, j int) bool { return col.CompareString(list[i].Term, list[j].Term) < 0 })
}

// ListenGlossary drops the cached glossary whenever any process changes it,
// until ctx ends. Run it in its own goroutine; it holds one connection and
// reconnects after losing it.
func (s *Topics) ListenGlossary(ctx context.Context) {
	postgres.Listen(ctx, s.pool, glossaryChannel, s.log, "glossary listener", func(context.Context) error {
		s.glossary.invalidate()
		return nil
	})
}

// GlossaryInput is a glossary entry as typed.
type GlossaryInput struct {
	Term          string   `json:"term"`
	Definition    string   `json:"definition"`
	Abbreviations []string `json:"abbreviations"`
}

func (in *GlossaryInput) validate() []*errs.Error {
	var problems []*errs.Error
	in.Term = strings.Join(strings.Fields(norm.NFC.String(in.Term)), " ")
	switch n := utf8.RuneCountInString(in.Term); {
	case n == 0:
		problems = append(problems, errs.E(errs.Invalid, "form.required").OnField("term"))
	case n > maxTerm:
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", maxTerm).OnField("term"))
	}
	in.Definition = strings.TrimSpace(strings.ReplaceAll(norm.NFC.String(in.Definition), "\r\n", "\n"))
	switch n := utf8.RuneCountInString(in.Definition); {
	case n == 0:
		problems = append(problems, errs.E(errs.Invalid, "form.required").OnField("definition"))
	case n > maxDefinition:
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", maxDefinition).OnField("definition"))
	}
	abbrs := []string{}
	seen := map[string]bool{}
	for _, a := range in.Abbreviations {
		a = strings.Join(strings.Fields(a), " ")
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		if utf8.RuneCountInString(a) > maxAbbreviation {
			problems = append(problems, errs.E(errs.Invalid, "glossary.abbreviation_too_long", "Max", maxAbbreviation).OnField("abbreviations"))
			break
		}
		abbrs = append(abbrs, a)
	}
	if len(abbrs) > maxAbbreviations {
		problems = append(problems, errs.E(errs.Invalid, "glossary.too_many_abbreviations", "Max", maxAbbreviations).OnField("abbreviations"))
	}
	in.Abbreviations = abbrs
	return problems
}

// CreateTerm adds a glossary entry; its slug comes from the term.
func (s *Topics) CreateTerm(ctx context.Context, v *web.Viewer, in GlossaryInput) (GlossaryTerm, []*errs.Error, error) {
	if problems, err := allowed(v, in.validate()); err != nil || len(problems) > 0 {
		return GlossaryTerm{}, problems, err
	}
	slug, err := s.Store.createTerm(ctx, in)
	s.glossary.invalidate()
	return created(err, func() (GlossaryTerm, error) { return s.Store.TermBySlug(ctx, slug) })
}

// UpdateTerm changes a glossary entry; its slug stays, so links to it keep
// working.
func (s *Topics) UpdateTerm(ctx context.Context, v *web.Viewer, g GlossaryTerm, in GlossaryInput) ([]*errs.Error, error) {
	if problems, err := allowed(v, in.validate()); err != nil || len(problems) > 0 {
		return problems, err
	}
	err := s.Store.updateTerm(ctx, g.ID, in)
	s.glossary.invalidate()
	return asProblems(err)
}

// DeleteTerm removes a glossary entry.
func (s *Topics) DeleteTerm(ctx context.Context, v *web.Viewer, g GlossaryTerm) error {
	if err := requireKM(v); err != nil {
		return err
	}
	err := s.Store.deleteTerm(ctx, g.ID)
	s.glossary.invalidate()
	return err
}

// letterGroup is one letter of the A–Z page.
type letterGroup struct {
	Letter string // "A" … "Z", or "#" for digits and other signs
	ID     string // anchor; underscores cannot clash with term slugs
	Terms  []GlossaryTerm
}

// letterOf files a term under its first letter, Ä under A, ß under S.
func letterOf(term string) string {
	s := web.Slugify(term, 8)
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return strings.ToUpper(s[:1])
	}
	return "#"
}

// byLetter groups sorted terms by letter; "#" comes first.
func byLetter(terms []GlossaryTerm) []letterGroup {
	var groups []letterGroup
	index := map[string]int{}
	for _, t := range terms {
		l := letterOf(t.Term)
		i, ok := index[l]
		if !ok {
			id := "buchstabe_" + strings.ToLower(l)
			if l == "#" {
				id = "buchstabe_sonstige"
			}
			groups = append(groups, letterGroup{Letter: l, ID: id})
			i = len(groups) - 1
			index[l] = i
		}
		groups[i].Terms = append(groups[i].Terms, t)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i].Letter, groups[j].Letter
		if a == "#" || b == "#" {
			return a == "#" && b != "#"
		}
		return a < b
	})
	return groups
}
