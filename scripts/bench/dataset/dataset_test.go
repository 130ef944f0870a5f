package dataset

import (
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/expertise"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/wiki"
)

var small = Options{Spaces: 8, PagesPerSpace: 20, Questions: 30, AnswersPerQuestion: 3, People: 60, Seed: 7}

func newDB(t *testing.T) *postgres.TestDatabase {
	t.Helper()
	db, err := postgres.NewTestDatabase(context.Background(), "dataset")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func count(t *testing.T, db *postgres.TestDatabase, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestEnsureWritesTheSetAndReusesIt(t *testing.T) {
	ctx, db := context.Background(), newDB(t)
	set, err := Ensure(ctx, db.Pool, small, quiet())
	if err != nil {
		t.Fatal(err)
	}
	pages := small.Spaces * small.PagesPerSpace
	for sql, want := range map[string]int{
		`SELECT count(*) FROM pages`:                                      pages,
		`SELECT count(*) FROM questions`:                                  small.Questions,
		`SELECT count(*) FROM answers`:                                    small.Questions * small.AnswersPerQuestion,
		`SELECT count(*) FROM spaces`:                                     small.Spaces,
		`SELECT count(*) FROM accounts`:                                   small.People + 2,
		`SELECT count(*) FROM profiles`:                                   small.People + 2,
		`SELECT count(*) FROM post_revisions WHERE post_type = 'answer'`:  small.Questions * small.AnswersPerQuestion,
		`SELECT count(*) FROM search_outbox`:                              0,
		`SELECT count(*) FROM search_documents`:                           0,
		`SELECT count(*) FROM search_copy_queue`:                          0,
		`SELECT count(*) FROM (SELECT DISTINCT visibility FROM spaces) v`: 3,
	} {
		if got := count(t, db, sql); got != want {
			t.Errorf("%s = %d, want %d", sql, got, want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM page_revisions`); n < pages || n > 3*pages || n == pages {
		t.Errorf("%d revisions of %d pages: want some pages with more than one", n, pages)
	}
	if n := count(t, db, `SELECT count(*) FROM topics`); n < 100 {
		t.Errorf("%d topics, want a few hundred", n)
	}
	checkPages(t, db)
	checkQuestions(t, db)
	checkPeople(t, db)
	checkAccess(t, db, set)
	checkSignIn(t, db, set)

	if want := pages + small.Questions + count(t, db, `SELECT count(*) FROM profiles WHERE NOT hidden`); set.Documents != want {
		t.Errorf("Documents = %d, want %d", set.Documents, want)
	}
	if len(set.Queries) != 50 || set.Queries[0] == set.Queries[44] {
		t.Errorf("queries %q", set.Queries)
	}
	// Rare terms are on few pages, frequent ones on many.
	frequent := count(t, db, `SELECT count(*) FROM pages WHERE body LIKE '%' || $1 || '%'`, set.Queries[0])
	rare := count(t, db, `SELECT count(*) FROM pages WHERE body LIKE '%' || $1 || '%'`, set.Queries[40])
	if frequent <= rare || frequent < pages/10 {
		t.Errorf("%q on %d pages, %q on %d: want frequent terms first", set.Queries[0], frequent, set.Queries[40], rare)
	}

	again, err := Ensure(ctx, db.Pool, small, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM pages`); n != pages {
		t.Errorf("second Ensure: %d pages, want %d", n, pages)
	}
	if again.ReaderSessionCookie.Value == set.ReaderSessionCookie.Value || again.ReaderToken == set.ReaderToken {
		t.Error("second Ensure reused the session or the token")
	}
	if again.PagePath != set.PagePath || !slices.Equal(again.Queries, set.Queries) || again.EditSpace != set.EditSpace {
		t.Error("second Ensure describes another set")
	}
	checkSignIn(t, db, again)
	if _, err := Ensure(ctx, db.Pool, Options{Spaces: 8, PagesPerSpace: 21, People: 60, Seed: 7}, quiet()); err == nil {
		t.Error("Ensure with other options on a database with a set: no error")
	}

	// The sequences are past the set's ids: the application writes on.
	space, err := policies.NewStore(db.Pool).SpaceBySlug(ctx, set.EditSpace)
	if err != nil {
		t.Fatal(err)
	}
	writer, _, _ := account(ctx, db.Pool, WriterHandle)
	if _, err := wiki.NewStore(db.Pool).Create(ctx, space.ID, "neu-nach-dem-datensatz", wiki.Draft{Title: "Neu", Body: "Text", ReviewIntervalDays: 365}, writer); err != nil {
		t.Fatalf("create a page after the set: %v", err)
	}
}

// checkPages reads every page back through the wiki's store: the page
// row is its newest revision, and its stored links are those of its text,
// resolved to the pages of those titles.
func checkPages(t *testing.T, db *postgres.TestDatabase) {
	ctx, st := context.Background(), wiki.NewStore(db.Pool)
	rows, _ := db.Pool.Query(ctx, `SELECT id FROM pages ORDER BY id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, id := range ids {
		p, err := st.PageByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		revs, err := st.Revisions(ctx, id)
		if err != nil || len(revs) != p.Revision || revs[0].Number != p.Revision {
			t.Fatalf("page %d at revision %d has revisions %+v (%v)", id, p.Revision, revs, err)
		}
		newest, err := st.Revision(ctx, id, p.Revision)
		if err != nil || newest.Body != p.Body || newest.Title != p.Title || newest.AuthorName == nil || !newest.CreatedAt.Equal(p.UpdatedAt) {
			t.Fatalf("page %d is not its newest revision (%v)", id, err)
		}
		if first := revs[len(revs)-1]; !first.CreatedAt.Equal(p.CreatedAt) || p.OwnerID == nil || *first.AuthorName != *p.OwnerName {
			t.Fatalf("page %d: first revision %+v, page created %v by %v", id, first, p.CreatedAt, p.OwnerName)
		}
		if !strings.HasPrefix(p.Body, "# "+p.Title+"\n\n") || !strings.Contains(p.Body, "\n- ") {
			t.Fatalf("page %d body lacks its heading or list:\n%s", id, p.Body)
		}
		targets, err := st.LinkTargets(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		keys := wiki.LinkKeys(p.SpaceSlug, p.Body)
		for _, k := range keys {
			target, ok := targets[k]
			if !ok || strings.ToLower(target.Title) != k.Key || target.SpaceID != p.SpaceID {
				t.Fatalf("page %d: link %v resolves to %+v", id, k, target)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM page_links WHERE from_page_id = $1`, id); n != len(uniq(keys)) {
			t.Fatalf("page %d: %d stored links for %v", id, n, keys)
		}
		links += len(keys)
	}
	if links == 0 {
		t.Error("no page links to another")
	}
	if n := count(t, db, `SELECT count(*) FROM pages p WHERE NOT EXISTS (SELECT 1 FROM watches w WHERE w.kind = 'page' AND w.item_id = p.id AND w.account_id = p.owner_id)`); n != 0 {
		t.Errorf("%d pages not watched by their owner", n)
	}
}

func uniq(keys []wiki.LinkKey) map[wiki.LinkKey]bool {
	m := map[wiki.LinkKey]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func checkQuestions(t *testing.T, db *postgres.TestDatabase) {
	ctx, st := context.Background(), qa.NewStore(db.Pool)
	rows, _ := db.Pool.Query(ctx, `SELECT id FROM questions ORDER BY id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, id := range ids {
		q, err := st.QuestionByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		thread, err := st.Thread(ctx, q, 0)
		answers := thread.Answers
		if err != nil || len(answers) != small.AnswersPerQuestion || q.AnswerCount != len(answers) || !strings.HasSuffix(q.Title, "?") {
			t.Fatalf("question %d %q: %d answers, count %d (%v)", id, q.Title, len(answers), q.AnswerCount, err)
		}
		if q.AcceptedAnswerID != nil {
			accepted++
			if answers[0].ID != *q.AcceptedAnswerID {
				t.Errorf("question %d: accepted answer %d not listed first", id, *q.AcceptedAnswerID)
			}
		}
		votes := count(t, db, `SELECT coalesce(sum(value), 0) FROM votes WHERE post_type = 'question' AND post_id = $1`, id)
		if votes != q.Score || q.AuthorName == "" || q.ActiveAt.Before(q.CreatedAt) {
			t.Errorf("question %d: score %d, votes %d, author %q", id, q.Score, votes, q.AuthorName)
		}
		for _, a := range answers {
			votes := count(t, db, `SELECT coalesce(sum(value), 0) FROM votes WHERE post_type = 'answer' AND post_id = $1`, a.ID)
			if votes != a.Score || a.AuthorName == "" || a.CreatedAt.Before(q.CreatedAt) {
				t.Errorf("answer %d: score %d, votes %d", a.ID, a.Score, votes)
			}
		}
	}
	if accepted == 0 || accepted == len(ids) {
		t.Errorf("%d of %d questions have an accepted answer: want some", accepted, len(ids))
	}
	if n := count(t, db, `SELECT count(*) FROM votes v JOIN answers a ON a.id = v.post_id AND v.post_type = 'answer' WHERE a.author_id = v.account_id`); n != 0 {
		t.Errorf("%d votes on own answers", n)
	}
}

func checkPeople(t *testing.T, db *postgres.TestDatabase) {
	ctx, st := context.Background(), expertise.NewStore(db.Pool)
	rows, _ := db.Pool.Query(ctx, `SELECT handle::text FROM accounts WHERE handle NOT LIKE 'bench.%' ORDER BY id`)
	handles, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(handles) != small.People {
		t.Fatalf("%d people (%v)", len(handles), err)
	}
	for _, h := range handles {
		p, err := st.ProfileByHandle(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		skills, err := st.Skills(ctx, db.Pool, p.AccountID)
		if err != nil || len(skills) < 3 || len(skills) > 8 {
			t.Fatalf("%s has %d skills (%v)", h, len(skills), err)
		}
		if len(p.UnitPath) == 0 || p.Tasks == "" || p.Position == "" || p.AgencySlug == "" || !slices.Contains(p.Languages, "Deutsch") {
			t.Fatalf("profile of %s incomplete: %+v", h, p)
		}
	}
}

// checkAccess asks the enforcer: the reader may read exactly its spaces,
// the writer may write in the edit space, and every path is readable.
func checkAccess(t *testing.T, db *postgres.TestDatabase, set *Set) {
	ctx := context.Background()
	enf, err := policies.New(ctx, db.Pool, quiet())
	if err != nil {
		t.Fatal(err)
	}
	reader, agency, _ := account(ctx, db.Pool, ReaderHandle)
	spaces := policies.NewStore(db.Pool)
	var want []int64
	for _, slug := range set.ReaderSpaces {
		s, err := spaces.SpaceBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, s.ID)
	}
	slices.Sort(want)
	got := enf.ReadableSpaces(ctx, policies.Subject{AccountID: reader, AgencyID: agency})
	if !slices.Equal(got, want) || len(got) != (small.Spaces+3)/4 {
		t.Errorf("reader reads spaces %v, want %v (a quarter of %d)", got, want, small.Spaces)
	}
	writer, wagency, _ := account(ctx, db.Pool, WriterHandle)
	es, err := spaces.SpaceBySlug(ctx, set.EditSpace)
	if err != nil || !enf.Can(ctx, policies.Subject{AccountID: writer, AgencyID: wagency}, policies.Write, es.ID) || !slices.Contains(want, es.ID) {
		t.Errorf("writer may not write in %s, or the reader may not read it (%v)", set.EditSpace, err)
	}
	if len(set.EditPages) != small.PagesPerSpace {
		t.Errorf("%d edit pages", len(set.EditPages))
	}
	// An edit keeps the page's owner, whom the writer must know of.
	pages := wiki.NewStore(db.Pool)
	for _, slug := range set.EditPages {
		p, err := pages.PageBySlug(ctx, es.ID, slug)
		if err != nil {
			t.Fatal(err)
		}
		owner, err := pages.HandleOf(ctx, *p.OwnerID)
		if err == nil {
			_, err = spaces.KnownAccount(ctx, writer, owner)
		}
		if err != nil {
			t.Errorf("writer cannot keep the owner %s of %s: %v", owner, slug, err)
		}
	}
	readable := map[string]bool{}
	for _, s := range set.ReaderSpaces {
		readable[s] = true
	}
	for _, path := range append([]string{set.PagePath}, set.PagePaths...) {
		parts := strings.Split(path, "/")
		if len(parts) != 5 || parts[1] != "bereiche" || parts[3] != "seiten" || !readable[parts[2]] {
			t.Fatalf("page path %s is not one of the reader's", path)
		}
	}
	if len(set.PagePaths) != len(want)*small.PagesPerSpace || len(set.QuestionPaths) == 0 {
		t.Errorf("%d page paths, %d question paths", len(set.PagePaths), len(set.QuestionPaths))
	}
	st := qa.NewStore(db.Pool)
	for _, path := range append([]string{set.QuestionPath}, set.QuestionPaths...) {
		id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/fragen/"), 10, 64)
		q, err := st.QuestionByID(ctx, id)
		if err != nil || !slices.Contains(want, q.SpaceID) {
			t.Fatalf("question path %s is not one of the reader's (%v)", path, err)
		}
	}
}

func checkSignIn(t *testing.T, db *postgres.TestDatabase, set *Set) {
	ctx, st := context.Background(), auth.NewStore(db.Pool)
	sum := sha256.Sum256([]byte(set.ReaderSessionCookie.Value))
	s, err := st.SessionByHash(ctx, sum[:])
	if err != nil || s.Account.Handle != ReaderHandle || s.CSRFToken != set.ReaderCSRFToken || set.ReaderSessionCookie.Name != "fachnetz_session" {
		t.Fatalf("session cookie does not sign the reader in: %+v (%v)", s.Account, err)
	}
	for handle, token := range map[string]string{ReaderHandle: set.ReaderToken, WriterHandle: set.WriterToken} {
		sum := sha256.Sum256([]byte(token))
		a, err := st.AccountByToken(ctx, sum[:])
		if err != nil || a.Handle != handle {
			t.Fatalf("token of %s signs in %q (%v)", handle, a.Handle, err)
		}
	}
}

// A set that fails half-way leaves nothing behind, and is written whole
// once the obstacle is gone.
func TestFailedSetLeavesNothing(t *testing.T) {
	ctx, db := context.Background(), newDB(t)
	if _, err := Ensure(ctx, db.Pool, small, quiet()); err != nil {
		t.Fatal(err)
	}
	// A space slug of the set taken in a second database: the copy of
	// the spaces fails, after agencies, topics and people were copied.
	other := newDB(t)
	var space string
	if err := db.Pool.QueryRow(ctx, `SELECT slug FROM spaces ORDER BY id LIMIT 1`).Scan(&space); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Pool.Exec(ctx, `WITH a AS (INSERT INTO agencies (slug, name) VALUES ('vorher', 'Vorher') RETURNING id)
		INSERT INTO spaces (slug, name, agency_id, visibility) SELECT $1, 'Vorher', id, 'private' FROM a`, space); err != nil {
		t.Fatal(err)
	}
	if _, err := Ensure(ctx, other.Pool, small, quiet()); err == nil {
		t.Fatal("Ensure succeeded over a taken space slug")
	}
	for _, table := range []string{"pages", "questions", "profiles", "topics"} {
		if n := count(t, other, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("after a failed Ensure: %d rows in %s", n, table)
		}
	}
	if name, _ := marker(ctx, other.Pool); name != "" {
		t.Errorf("marker %q after a failed Ensure", name)
	}
	if _, err := other.Pool.Exec(ctx, `DELETE FROM spaces; DELETE FROM agencies`); err != nil {
		t.Fatal(err)
	}
	if _, err := Ensure(ctx, other.Pool, small, quiet()); err != nil {
		t.Fatalf("Ensure after clearing the obstacle: %v", err)
	}
	if n := count(t, other, `SELECT count(*) FROM pages`); n != small.Spaces*small.PagesPerSpace {
		t.Errorf("%d pages", n)
	}
}
