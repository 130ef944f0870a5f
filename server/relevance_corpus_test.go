package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// The relevance test set lives in testdata/relevance: a German corpus of
// administrative pages, questions with answers and people, the topic tree
// and glossary that give the synonyms, and the queries with the corpus
// keys of the documents a searcher expects to find.
const relevanceDir = "testdata/relevance"

type relevanceTaxonomy struct {
	Spaces []string `json:"spaces"`
	Topics []struct {
		Name     string   `json:"name"`
		Parent   string   `json:"parent"`
		Synonyms []string `json:"synonyms"`
	} `json:"topics"`
	Glossary []topics.GlossaryInput `json:"glossary"`
	Units    []struct {
		Name   string `json:"name"`
		Parent string `json:"parent"`
	} `json:"units"`
}

type relevancePage struct {
	Slug   string   `json:"slug"`
	Space  int      `json:"space"`
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Topics []string `json:"topics"`
}

type relevanceQuestion struct {
	Key     string   `json:"key"`
	Space   int      `json:"space"`
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Answers []string `json:"answers"`
}

type relevancePerson struct {
	Handle   string   `json:"handle"`
	Name     string   `json:"name"`
	Position string   `json:"position"`
	Unit     string   `json:"unit"`
	Tasks    string   `json:"tasks"`
	Skills   []string `json:"skills"`
}

// relevanceQuery is one query of the set: Relevant are corpus keys (page
// slugs, question keys, people's handles), Type an optional type filter.
type relevanceQuery struct {
	Group    string   `json:"group"`
	Q        string   `json:"q"`
	Type     string   `json:"type"`
	Relevant []string `json:"relevant"`
}

// relevanceSet is the corpus loaded into a fresh agency and indexed: base
// answers from Meilisearch, degraded is a second server on the same
// database whose Meilisearch cannot be reached.
type relevanceSet struct {
	base, degraded string
	token          string
	keyOf          map[string]string // document id ("page-42") → corpus key
	queries        []relevanceQuery
}

func readRelevance(tb testing.TB, name string, into any) {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(relevanceDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

// relevanceCall sends a JSON request as token and decodes the answer into
// out (when not nil); it fails on any status but want.
func relevanceCall(tb testing.TB, method, url, token string, body any, want int, out any) {
	tb.Helper()
	var payload io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		payload = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, payload)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		tb.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.Fatalf("%s %s: %v", method, url, err)
		}
	}
}

// relevanceAccount creates an account with an API token, as makePerson
// does, but under a given name: people are searched by their names.
func relevanceAccount(tb testing.TB, db *postgres.TestDatabase, agency int64, handle, name string, km bool) (auth.Account, string) {
	tb.Helper()
	ctx := context.Background()
	store := auth.NewStore(db.Pool)
	handle = unique(handle)
	acc, err := store.CreateAccount(ctx, auth.NewAccount{AgencyID: agency, Email: handle + "@musterstadt.example", DisplayName: name, Handle: handle, KnowledgeManager: km})
	if err != nil {
		tb.Fatal(err)
	}
	token, hash := auth.NewTokenSecret()
	if _, err := store.CreateToken(ctx, acc.ID, "relevance", hash); err != nil {
		tb.Fatal(err)
	}
	return acc, token
}

// loadRelevance loads the corpus through the product's own paths (topic
// and glossary service, the pages, questions and profile API) into a new
// agency, waits until the outbox has drained into a Meilisearch index of
// its own and starts a second server that answers from PostgreSQL, all on
// a database of its own.
func loadRelevance(tb testing.TB) *relevanceSet {
	tb.Helper()
	ctx := context.Background()
	// A database of its own: topics, synonyms and glossary terms are the
	// whole instance's, and other tests of this package make their own.
	db, err := postgres.NewTestDatabase(ctx, "relevance")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(db.Close)
	var tax relevanceTaxonomy
	var pages []relevancePage
	var questions []relevanceQuestion
	var people []relevancePerson
	set := &relevanceSet{keyOf: map[string]string{}}
	readRelevance(tb, "taxonomy.json", &tax)
	readRelevance(tb, "pages.json", &pages)
	readRelevance(tb, "questions.json", &questions)
	readRelevance(tb, "people.json", &people)
	readRelevance(tb, "queries.json", &set.queries)
	// A misspelt key would silently count as a miss.
	keys := map[string]bool{}
	for _, p := range pages {
		keys[p.Slug] = true
	}
	for _, q := range questions {
		keys[q.Key] = true
	}
	for _, p := range people {
		keys[p.Handle] = true
	}
	if len(keys) != len(pages)+len(questions)+len(people) {
		tb.Fatal("the corpus keys are not unique")
	}
	for _, q := range set.queries {
		for _, k := range q.Relevant {
			if !keys[k] {
				tb.Fatalf("query %q expects %q, which is not in the corpus", q.Q, k)
			}
		}
	}

	agency, err := auth.NewStore(db.Pool).CreateAgency(ctx, unique("musterstadt"), "Stadtverwaltung Musterstadt")
	if err != nil {
		tb.Fatal(err)
	}
	km, _ := relevanceAccount(tb, db, agency.ID, "wissen", "Wiebke Wissensmanagerin", true)
	reader, token := relevanceAccount(tb, db, agency.ID, "leserin", "Lea Leserin", false)
	_, author := relevanceAccount(tb, db, agency.ID, "autorin", "Anna Autorin", false)
	set.token = token

	// Topics and glossary come first, so that the index is created with
	// their synonyms.
	tp := topics.New(&web.Web{Log: slog.New(slog.DiscardHandler)}, db.Pool, topics.Deps{})
	viewer := &web.Viewer{ID: km.ID, AgencyID: agency.ID, KnowledgeManager: true}
	topicIDs := map[string]int64{}
	for _, t := range tax.Topics {
		in := topics.TopicInput{Name: t.Name, Synonyms: t.Synonyms}
		if t.Parent != "" {
			parent := topicIDs[t.Parent]
			in.ParentID = &parent
		}
		created, problems, err := tp.Create(ctx, viewer, in)
		if err != nil || len(problems) > 0 {
			tb.Fatalf("topic %s: %v %v", t.Name, err, problems)
		}
		topicIDs[t.Name] = created.ID
	}
	for _, g := range tax.Glossary {
		if _, problems, err := tp.CreateTerm(ctx, viewer, g); err != nil || len(problems) > 0 {
			tb.Fatalf("glossary %s: %v %v", g.Term, err, problems)
		}
	}
	// Org units have no API: the directory import and the demo seed write
	// them like this.
	units := map[string]int64{}
	for _, u := range tax.Units {
		var parent *int64
		if u.Parent != "" {
			p := units[u.Parent]
			parent = &p
		}
		var id int64
		if err := db.Pool.QueryRow(ctx, `INSERT INTO org_units (agency_id, parent_id, name) VALUES ($1, $2, $3) RETURNING id`,
			agency.ID, parent, u.Name).Scan(&id); err != nil {
			tb.Fatal(err)
		}
		units[u.Name] = id
	}
	var spaces []string
	for _, name := range tax.Spaces {
		sp, err := policies.NewStore(db.Pool).CreateSpace(ctx, policies.NewSpace{
			Slug: unique("bereich"), Name: name, AgencyID: agency.ID, Visibility: policies.Organisation, AgencyRole: policies.RoleMember,
		}, reader.ID)
		if err != nil {
			tb.Fatal(err)
		}
		spaces = append(spaces, sp.Slug)
	}

	index := relevanceIndex(tb)
	// The word list is the production default: compound splitting is part
	// of what the set measures, and without it the figures are others.
	const wordList = "/usr/share/dict/ngerman"
	if _, err := os.Stat(wordList); err != nil {
		tb.Fatalf("the relevance set needs the German word list (Debian package wngerman): %v", err)
	}
	env := map[string]string{"FACHNETZ_DATABASE_URL": db.URL, "FACHNETZ_MEILI_INDEX": index, "FACHNETZ_WORDLIST": wordList}
	set.base = startServerWith(tb, env)

	for _, p := range pages {
		var out struct{ ID int64 }
		relevanceCall(tb, http.MethodPut, set.base+"/api/v1/spaces/"+spaces[p.Space]+"/pages/"+p.Slug, author,
			map[string]any{"title": p.Title, "body": p.Body, "topics": p.Topics}, http.StatusCreated, &out)
		set.keyOf[fmt.Sprintf("page-%d", out.ID)] = p.Slug
	}
	for _, q := range questions {
		var out struct{ ID int64 }
		relevanceCall(tb, http.MethodPost, set.base+"/api/v1/questions", author,
			map[string]any{"title": q.Title, "body": q.Body, "space": spaces[q.Space]}, http.StatusCreated, &out)
		for _, a := range q.Answers {
			relevanceCall(tb, http.MethodPost, fmt.Sprintf("%s/api/v1/questions/%d/answers", set.base, out.ID), token,
				map[string]any{"body": a}, http.StatusCreated, nil)
		}
		set.keyOf[fmt.Sprintf("question-%d", out.ID)] = q.Key
	}
	for _, p := range people {
		acc, ptoken := relevanceAccount(tb, db, agency.ID, p.Handle, p.Name, false)
		skills := []map[string]string{}
		for _, s := range p.Skills {
			skills = append(skills, map[string]string{"topic": s, "level": "advanced"})
		}
		relevanceCall(tb, http.MethodPut, set.base+"/api/v1/me/profile", ptoken, map[string]any{
			"position": p.Position, "unit_id": units[p.Unit], "tasks": p.Tasks, "skills": skills,
		}, http.StatusOK, nil)
		set.keyOf[fmt.Sprintf("person-%d", acc.ID)] = p.Handle
	}

	start := time.Now()
	for {
		var pending int
		// Into Meilisearch, and into PostgreSQL's copy for the degraded figures.
		if err := db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM search_outbox WHERE processed_at IS NULL)
			+ (SELECT count(*) FROM search_copy_queue)`).Scan(&pending); err != nil {
			tb.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Since(start) > 2*time.Minute {
			tb.Fatalf("the outbox and the copy queue have not drained: %d rows pending", pending)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Logf("corpus: %d pages, %d questions, %d people, %d queries; indexed %s after the last write",
		len(pages), len(questions), len(people), len(set.queries), time.Since(start).Round(time.Millisecond))

	// The synonym queries measure the product's synonyms only if the
	// topic tree and the glossary reached the index settings.
	var synonyms map[string][]string
	relevanceCall(tb, http.MethodGet, os.Getenv("FACHNETZ_TEST_MEILI_URL")+"/indexes/"+url.PathEscape(index)+"/settings/synonyms",
		os.Getenv("FACHNETZ_TEST_MEILI_KEY"), nil, http.StatusOK, &synonyms)
	if len(synonyms["dsgvo"]) == 0 || len(synonyms["e-akte"]) == 0 {
		tb.Fatalf("the index lacks the synonyms of the topic tree and the glossary: %v", synonyms)
	}
	tb.Logf("synonyms in the index: %d labels; dsgvo → %v, e-akte → %v", len(synonyms), synonyms["dsgvo"], synonyms["e-akte"])

	// Port 1 refuses at once: Meilisearch is away, as when it is stopped.
	env["FACHNETZ_MEILI_URL"] = "http://127.0.0.1:1"
	set.degraded = startServerWith(tb, env)
	return set
}

// relevanceIndex names a Meilisearch index for one load of the set and
// deletes it afterwards (the test Meilisearch may outlive the run).
func relevanceIndex(tb testing.TB) string {
	uid := unique(strings.ReplaceAll(testDB.Name(), "test_server_", "rel_"))
	tb.Cleanup(func() {
		req, _ := http.NewRequest(http.MethodDelete, os.Getenv("FACHNETZ_TEST_MEILI_URL")+"/indexes/"+url.PathEscape(uid), nil)
		req.Header.Set("Authorization", "Bearer "+os.Getenv("FACHNETZ_TEST_MEILI_KEY"))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	})
	return uid
}
