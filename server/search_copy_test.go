package main

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// randomWord is a word of letters no other test writes.
func randomWord(prefix string) string {
	return prefix + strings.Map(func(r rune) rune { return 'a' + r%26 }, rand.Text()[:8])
}

// The reindex rebuilds PostgreSQL's copy too, and the vocabulary for typo
// correction loses the words that no document holds any more: words of
// changed or deleted text, names among them, must not stay in the
// database for good.
func TestReindexRebuildsTheCopyAndPrunesWords(t *testing.T) {
	ctx := context.Background()
	p := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	index := testIndex(t)
	base := searchServer(t, map[string]string{"FACHNETZ_MEILI_INDEX": index})
	gone, kept := randomWord("kuendigung"), randomWord("registratur")
	status, out := putPage(t, base, p.Token, sp.Slug, "personalsache", "Die "+gone+" ist vorbereitet.", 0)
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("create page: %d %v", status, out)
	}
	changed := pageID(out)
	status, out = putPage(t, base, p.Token, sp.Slug, "aktenplan", "Der "+kept+" gilt.", 0)
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("create page: %d %v", status, out)
	}
	missing := pageID(out)
	has := func(table, column, value string) bool {
		var n int
		if err := testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE `+column+` = $1`, value).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	eventually(t, 15*time.Second, "both pages copied", func() bool { return has("search_words", "word", gone) && has("search_words", "word", kept) })
	// The word leaves the page; the copy follows, the vocabulary keeps it.
	if status, out := putPage(t, base, p.Token, sp.Slug, "personalsache", "Erledigt.", 1); status != http.StatusOK {
		t.Fatalf("change page: %d %v", status, out)
	}
	eventually(t, 15*time.Second, "the change copied", func() bool {
		var body string
		testDB.Pool.QueryRow(ctx, `SELECT body FROM search_documents WHERE id = $1`, changed).Scan(&body)
		return strings.Contains(body, "Erledigt")
	})
	// A copy that went astray: a document of nothing, one missing.
	if _, err := testDB.Pool.Exec(ctx, `INSERT INTO search_documents (id, type, space_id, space, title, body, url, updated_at, vector)
		VALUES ('page-987654321', 'page', $1, '', 'Verwaist', '', '/', 0, to_tsvector('german', 'Verwaist'))`, sp.ID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testDB.Pool.Exec(ctx, `DELETE FROM search_documents WHERE id = 'page-987654321'`) })
	if _, err := testDB.Pool.Exec(ctx, `DELETE FROM search_documents WHERE id = $1`, missing); err != nil {
		t.Fatal(err)
	}

	var stderr strings.Builder
	if code := run(ctx, []string{"reindex"}, testEnv(t, map[string]string{"FACHNETZ_MEILI_INDEX": index}), nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("reindex: %d %s", code, stderr.String())
	}
	if has("search_words", "word", gone) {
		t.Errorf("the vocabulary still holds %q, which no document contains", gone)
	}
	if !has("search_words", "word", kept) {
		t.Errorf("the vocabulary lost %q, which a page contains", kept)
	}
	if has("search_documents", "id", "page-987654321") {
		t.Error("the copy keeps a document of an item that does not exist")
	}
	if !has("search_documents", "id", missing) {
		t.Error("the reindex did not write a document missing from the copy")
	}
}

// A Meilisearch that lost its data, or a new one, has no live index to
// swap the rebuilt one with: the reindex creates one.
func TestReindexIntoAnEmptyMeilisearch(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	seed := searchServer(t, nil)
	word := randomWord("wiederaufbau")
	if status, out := putPage(t, seed, p.Token, sp.Slug, "wiederaufbau", "Der "+word+" gelingt.", 0); status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("create page: %d %v", status, out)
	}
	index := testIndex(t) // never created
	var stderr strings.Builder
	if code := run(context.Background(), []string{"reindex"}, testEnv(t, map[string]string{"FACHNETZ_MEILI_INDEX": index}), nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("reindex: %d %s", code, stderr.String())
	}
	base := searchServer(t, map[string]string{"FACHNETZ_MEILI_INDEX": index})
	if ids, degraded := searchIDs(t, base, p.Token, word); len(ids) != 1 || degraded {
		t.Fatalf("search after the reindex: %v, degraded %v", ids, degraded)
	}
}
