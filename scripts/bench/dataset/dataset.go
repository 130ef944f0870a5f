// Package dataset fills a Fachnetz database with the benchmark data set
// of DESIGN.md section 9 (spaces with pages and their history, questions
// with answers, people with profiles and skills, a topic tree), written
// with COPY in one transaction, and finds it again on the next run.
//
// The rows are those the application writes itself: pages with their
// revisions, resolved links, topics and the watches of their authors;
// questions with revisions, answers, votes and scores, accepted answers;
// accounts with profiles, units and skills; spaces with members. The
// derived search tables are left empty: `fachnetz reindex` builds them.
package dataset

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/expertise"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/wiki"
)

// Options are the sizes of the data set.
type Options struct {
	Spaces, PagesPerSpace, Questions, AnswersPerQuestion, People int
	Seed                                                         int64
}

// Full is the data set of DESIGN.md section 9.
func Full() Options {
	return Options{Spaces: 200, PagesPerSpace: 500, Questions: 50000, AnswersPerQuestion: 3, People: 10000, Seed: 1}
}

func (o Options) validate() error {
	if o.Spaces < 1 || o.PagesPerSpace < 1 || o.People < 1 || o.Questions < 0 || o.AnswersPerQuestion < 0 {
		return fmt.Errorf("data set options %+v: spaces, pages per space and people must be at least 1", o)
	}
	return nil
}

// marker is the name of the marker agency for these options.
func (o Options) marker() string {
	return fmt.Sprintf("Benchmark-Datensatz: %d Bereiche × %d Seiten, %d Fragen × %d Antworten, %d Personen, Seed %d",
		o.Spaces, o.PagesPerSpace, o.Questions, o.AnswersPerQuestion, o.People, o.Seed)
}

// Reader and writer are accounts of the set that author nothing: the
// reader is a member of a quarter of the spaces (50 of 200) and may read
// no other, the writer is a member of EditSpace.
const (
	ReaderHandle = "bench.leserin"
	WriterHandle = "bench.schreiber"
)

// SessionCookie is the name of the session cookie when the base URL is
// plain http; behind https it is "__Host-" followed by this name.
const SessionCookie = "fachnetz_session"

// Set is what a benchmark needs to know of the data set.
type Set struct {
	// ReaderSessionCookie is a fresh signed-in session of the reader, as
	// the browser sends it (8 hours idle, 7 days at most).
	ReaderSessionCookie *http.Cookie
	// ReaderCSRFToken goes with the session, for state-changing requests.
	ReaderCSRFToken string
	ReaderToken     string // API bearer token of the reader
	WriterToken     string // API bearer token of the writer
	// ReaderSpaces are the slugs of the spaces the reader may read.
	ReaderSpaces []string
	PagePath     string // /bereiche/<space>/seiten/<page>, in a space of PagesPerSpace pages the reader may read
	QuestionPath string // /fragen/<id>, a question with all its answers the reader may read
	// PagePaths and QuestionPaths are up to 1,000 each the reader may read.
	PagePaths, QuestionPaths []string
	// EditSpace and EditPages are where the writer may change pages
	// (PUT /api/v1/spaces/<space>/pages/<page> with base_revision); the
	// reader may read them too.
	EditSpace string
	EditPages []string
	// Queries are search terms from frequent to rare.
	Queries []string
	// Documents is how many documents a reindex indexes: pages,
	// questions and the people listed in the directory.
	Documents int
}

// Ensure migrates the database, writes the data set unless a set with
// the same options is there already, and returns what a benchmark needs,
// with a fresh session and fresh tokens. A database holding a set of
// other options is an error: the sets do not mix.
func Ensure(ctx context.Context, pool *pgxpool.Pool, opts Options, log *slog.Logger) (*Set, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if _, err := postgres.Migrate(ctx, pool, log); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	found, err := marker(ctx, pool)
	if err != nil {
		return nil, err
	}
	switch {
	case found == opts.marker():
		log.Info("benchmark data set is there already", "set", found)
	case found != "":
		return nil, fmt.Errorf("the database holds another benchmark data set (%s); use an empty database for %s", found, opts.marker())
	default:
		if err := generate(ctx, pool, opts, log); err != nil {
			return nil, fmt.Errorf("benchmark data set: %w", err)
		}
	}
	return describe(ctx, pool, opts)
}

// describe reads the paths of the set and signs the reader and the writer
// in.
func describe(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Set, error) {
	readerID, _, err := account(ctx, pool, ReaderHandle)
	if err != nil {
		return nil, err
	}
	writerID, _, err := account(ctx, pool, WriterHandle)
	if err != nil {
		return nil, err
	}
	set := &Set{}
	accounts := auth.NewStore(pool)
	id, csrf := randomToken(), randomToken()
	sum := sha256.Sum256([]byte(id))
	if err := accounts.CreateSession(ctx, readerID, sum[:], csrf, 8*time.Hour, 7*24*time.Hour, nil); err != nil {
		return nil, err
	}
	set.ReaderSessionCookie = &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	set.ReaderCSRFToken = csrf
	for who, token := range map[int64]*string{readerID: &set.ReaderToken, writerID: &set.WriterToken} {
		secret, hash := auth.NewTokenSecret()
		if _, err := accounts.CreateToken(ctx, who, "Benchmark "+time.Now().UTC().Format(time.DateTime), hash); err != nil {
			return nil, err
		}
		*token = secret
	}

	readable, err := memberSpaces(ctx, pool, readerID)
	if err != nil {
		return nil, fmt.Errorf("reader's spaces: %w", err)
	}
	edit, err := memberSpaces(ctx, pool, writerID)
	if err != nil || len(edit) != 1 || len(readable) == 0 {
		return nil, fmt.Errorf("the data set's reader and writer have lost their spaces (%v)", err)
	}
	ids := make([]int64, len(readable))
	for i, s := range readable {
		ids[i] = s.ID
		set.ReaderSpaces = append(set.ReaderSpaces, s.Slug)
	}
	set.EditSpace = edit[0].Slug
	if set.EditPages, err = spacePages(ctx, pool, edit[0].ID, 100); err != nil {
		return nil, fmt.Errorf("edit pages: %w", err)
	}
	paths, err := pagePaths(ctx, pool, ids, 1000)
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("page paths: %w", err)
	}
	for _, p := range paths {
		set.PagePaths = append(set.PagePaths, wiki.PageURL(p[0], p[1]))
	}
	set.PagePath = set.PagePaths[0]
	questions, err := questionIDs(ctx, pool, ids, opts.AnswersPerQuestion, 1000)
	if err != nil {
		return nil, fmt.Errorf("question paths: %w", err)
	}
	for _, q := range questions {
		set.QuestionPaths = append(set.QuestionPaths, qa.QuestionURL(q))
	}
	if len(questions) > 0 {
		set.QuestionPath = set.QuestionPaths[0]
	}
	set.Queries = queries(newVocabulary(source(opts.Seed, streamVocabulary, 0)))
	if set.Documents, err = documents(ctx, pool); err != nil {
		return nil, err
	}
	return set, nil
}

// documents asks the search sources how many documents a reindex sends.
func documents(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	md := markdown.New()
	total := 0
	for _, src := range []interface {
		Count(context.Context) (int, error)
	}{wiki.NewSearchSource(wiki.NewStore(pool), md, nil), qa.NewSearchSource(qa.NewStore(pool), md, nil), expertise.NewSearchSource(expertise.NewStore(pool))} {
		n, err := src.Count(ctx)
		if err != nil {
			return 0, fmt.Errorf("count documents: %w", err)
		}
		total += n
	}
	return total, nil
}

// queries are 40 nouns at ranks spread evenly on a logarithmic scale
// over the vocabulary, most frequent first, then five rare compounds (on
// a handful of pages each) and five pairs of a frequent and a rarer noun.
func queries(v *vocabulary) []string {
	var out []string
	used := map[int]bool{}
	n := float64(len(v.words))
	for k := 0; k < 40; k++ {
		r := int(math.Pow(n, float64(k)/39)) - 1
		for r < len(v.words)-1 && (!v.nouns[r] || used[r]) {
			r++
		}
		used[r] = true
		out = append(out, v.words[r])
	}
	for k := 0; k < 5; k++ {
		out = append(out, v.rare[k*len(v.rare)/5])
	}
	for k := 0; k < 5; k++ {
		out = append(out, out[k*2]+" "+out[20+k*4])
	}
	return out
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// String describes the set in one line, for logs.
func (s *Set) String() string {
	return "pages " + strconv.Itoa(len(s.PagePaths)) + ", questions " + strconv.Itoa(len(s.QuestionPaths)) +
		", documents " + strconv.Itoa(s.Documents) + ", reader spaces " + strconv.Itoa(len(s.ReaderSpaces))
}
