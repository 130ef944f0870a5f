package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/meilisearch/meilisearch-go"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// BenchmarkReindex measures a full `fachnetz reindex` of synthetic
// content against Meilisearch's own bulk indexing of the very documents
// the reindex wrote, with the same settings (DESIGN.md section 9: at most
// 1.25 times as long). FACHNETZ_BENCH_REINDEX_DOCS sets the number of
// documents (20,000 by default): 85 % pages of about 120 words, 12 %
// questions with two answers, 3 % people. The database is one of its own,
// filled once before the timings.
func BenchmarkReindex(b *testing.B) {
	n := 20000
	if v := os.Getenv("FACHNETZ_BENCH_REINDEX_DOCS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("FACHNETZ_BENCH_REINDEX_DOCS: %v", err)
		}
	}
	ctx := context.Background()
	db, err := postgres.NewTestDatabase(ctx, "reindexbench")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := fillReindexBench(ctx, db.Pool, n); err != nil {
		b.Fatal(err)
	}
	index := strings.ReplaceAll(db.Name(), "test_reindexbench_", "idx_bench_")
	client := meilisearch.New(os.Getenv("FACHNETZ_TEST_MEILI_URL"), meilisearch.WithAPIKey(os.Getenv("FACHNETZ_TEST_MEILI_KEY")),
		meilisearch.WithCustomClient(&http.Client{Transport: search.NewTransport()}))
	defer func() {
		for _, uid := range []string{index, index + "_bulk"} {
			client.DeleteIndex(uid) //nolint:errcheck // only space
		}
	}()
	wordList := "/usr/share/dict/ngerman"
	if v := os.Getenv("FACHNETZ_WORDLIST"); v != "" {
		wordList = v
	}
	env := testEnv(b, map[string]string{"FACHNETZ_DATABASE_URL": db.URL, "FACHNETZ_MEILI_INDEX": index, "FACHNETZ_WORDLIST": wordList})
	var reindex, bulk, reindexMeili, bulkMeili, reindexPG, reindexGo time.Duration
	var docs int
	b.ResetTimer()
	for b.Loop() {
		var stderr strings.Builder
		start, cpu, pg, own := time.Now(), meiliCPU(), postgresCPU(), ownCPU()
		if code := run(ctx, []string{"reindex"}, env, nil, io.Discard, &stderr); code != 0 {
			b.Fatalf("reindex: %d %s", code, stderr.String())
		}
		reindex, reindexMeili, reindexPG, reindexGo = time.Since(start), meiliCPU()-cpu, postgresCPU()-pg, ownCPU()-own
		b.StopTimer()
		cpu = meiliCPU()
		if bulk, docs, err = search.BulkIndexBaseline(ctx, client, index, index+"_bulk"); err != nil {
			b.Fatal(err)
		}
		bulkMeili = meiliCPU() - cpu
		b.StartTimer()
	}
	b.ReportMetric(float64(docs), "docs")
	b.ReportMetric(reindex.Seconds(), "reindex-s")
	b.ReportMetric(bulk.Seconds(), "meili-bulk-s")
	b.ReportMetric(reindex.Seconds()/bulk.Seconds(), "ratio")
	if reindexMeili > 0 {
		b.ReportMetric(reindexMeili.Seconds(), "meili-cpu-reindex-s")
		b.ReportMetric(bulkMeili.Seconds(), "meili-cpu-bulk-s")
		b.ReportMetric(reindexPG.Seconds(), "pg-cpu-reindex-s")
	}
	b.ReportMetric(reindexGo.Seconds(), "go-cpu-reindex-s")
}

// meiliCPU is the processor time the test Meilisearch has used so far, when
// scripts/with-services.sh tells where its pid is (0 otherwise): it shows
// how much of both cores the indexing took.
func meiliCPU() time.Duration {
	pid, err := os.ReadFile(os.Getenv("FACHNETZ_SERVICES_DIR") + "/meili/pid")
	if err != nil {
		return 0
	}
	own, _, _ := procCPU(strings.TrimSpace(string(pid)))
	return own
}

// ownCPU is the processor time this process has used so far.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postgresCPU is the processor time the test PostgreSQL has used so far:
// the postmaster's, its ended backends' and its running ones'.
func postgresCPU() time.Duration {
	pidFile, err := os.ReadFile(os.Getenv("FACHNETZ_SERVICES_DIR") + "/pg/postmaster.pid")
	if err != nil {
		return 0
	}
	postmaster, _, _ := strings.Cut(string(pidFile), "\n")
	own, ended, _ := procCPU(postmaster)
	total := own + ended
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		if d.Name()[0] < '0' || d.Name()[0] > '9' {
			continue
		}
		if c, _, parent := procCPU(d.Name()); parent == postmaster {
			total += c
		}
	}
	return total
}

// procCPU reads /proc/pid/stat: the process's processor time, that of its
// ended children, and its parent's pid.
func procCPU(pid string) (own, children time.Duration, parent string) {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, 0, ""
	}
	// After the command in brackets: state, ppid, … utime, stime, cutime,
	// cstime are fields 14 to 17 of the line.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(f) < 15 {
		return 0, 0, ""
	}
	ticks := func(s ...string) time.Duration {
		var n int64
		for _, v := range s {
			t, _ := strconv.ParseInt(v, 10, 64)
			n += t
		}
		return time.Duration(n) * time.Second / 100 // USER_HZ
	}
	return ticks(f[11], f[12]), ticks(f[13], f[14]), f[1]
}

// benchWords is a vocabulary drawn from the German word list, or from a
// small built-in one without it, with Zipf-distributed frequencies as in
// real text: a few words very often, most rarely.
type benchWords struct {
	words []string
	zipf  *rand.Zipf
	rng   *rand.Rand
}

func newBenchWords(seed uint64) (*benchWords, error) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	common := strings.Fields(`der die das und ist im in den von zu mit für auf werden wird nicht ein eine als auch bei nach
		Antrag Verwaltung Bescheid Verfahren Frist Behörde Zuständigkeit Dienstreise Personal Haushalt Vergabe Datenschutz
		Bauantrag Verwaltungsverfahren Straßenverkehrsbehörde Beschaffung Rechnung Formular Genehmigung Unterlagen Abteilung`)
	words := append([]string{}, common...)
	f, err := os.Open("/usr/share/dict/ngerman")
	if err == nil {
		defer f.Close()
		var list []string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if w := sc.Text(); len(w) >= 3 && !strings.ContainsAny(w, "'-") {
				list = append(list, w)
			}
		}
		rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		words = append(words, list[:min(len(list), 150000)]...)
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	return &benchWords{words: words, rng: rng, zipf: rand.NewZipf(rng, 1.1, 2, uint64(len(words)-1))}, nil
}

func (w *benchWords) text(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.words[w.zipf.Uint64()])
		if w.rng.IntN(12) == 0 {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// markdown is a page body of about n words: paragraphs, a heading, a list.
func (w *benchWords) markdown(n int) string {
	var b strings.Builder
	b.WriteString(w.text(n / 3))
	b.WriteString("\n\n## " + w.text(3) + "\n\n")
	for range 3 {
		b.WriteString("- " + w.text(n/12) + "\n")
	}
	b.WriteString("\n" + w.text(n/3) + " **" + w.text(2) + "**.\n")
	return b.String()
}

// fillReindexBench writes n documents' worth of content through COPY.
func fillReindexBench(ctx context.Context, pool *pgxpool.Pool, n int) error {
	w, err := newBenchWords(42)
	if err != nil {
		return err
	}
	pages, questions := n*85/100, n*12/100
	people := n - pages - questions
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var agency, owner int64
		if err := tx.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ('bench', 'Bench') RETURNING id`).Scan(&agency); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, 'owner@bench.example', 'Owner', 'owner') RETURNING id`, agency).Scan(&owner); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO spaces (slug, name, agency_id, visibility)
			SELECT 'space-' || i, 'Bereich ' || i, $1, CASE WHEN i = 1 THEN 'organisation' ELSE 'network' END FROM generate_series(1, 20) i`, agency); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO topics (slug, name) SELECT 'topic-' || i, 'Thema ' || i FROM generate_series(1, 200) i`); err != nil {
			return err
		}
		var firstSpace, firstTopic int64
		if err := tx.QueryRow(ctx, `SELECT min(id) FROM spaces`).Scan(&firstSpace); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT min(id) FROM topics`).Scan(&firstTopic); err != nil {
			return err
		}
		rows := make([][]any, pages)
		for i := range rows {
			rows[i] = []any{firstSpace + int64(i%20), fmt.Sprintf("seite-%d", i), w.text(3 + w.rng.IntN(4)), w.markdown(110 + w.rng.IntN(30)), owner}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"pages"}, []string{"space_id", "slug", "title", "body", "owner_id"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("pages: %w", err)
		}
		rows = make([][]any, questions)
		for i := range rows {
			rows[i] = []any{firstSpace + int64(i%20), owner, "Frage: " + w.text(5), w.text(60), 2}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"questions"}, []string{"space_id", "author_id", "title", "body", "answer_count"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("questions: %w", err)
		}
		var firstQuestion int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(min(id), 0) FROM questions`).Scan(&firstQuestion); err != nil {
			return err
		}
		rows = make([][]any, 2*questions)
		for i := range rows {
			rows[i] = []any{firstQuestion + int64(i/2), owner, w.text(40)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"answers"}, []string{"question_id", "author_id", "body"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("answers: %w", err)
		}
		rows = make([][]any, people)
		for i := range rows {
			rows[i] = []any{agency, fmt.Sprintf("p%d@bench.example", i), w.text(2), fmt.Sprintf("p%d", i)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"accounts"}, []string{"agency_id", "email", "display_name", "handle"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("accounts: %w", err)
		}
		for _, q := range []string{
			`INSERT INTO page_topics (page_id, topic_id) SELECT id, $1 + id % 200 FROM pages UNION SELECT id, $1 + (id * 7 + 3) % 200 FROM pages`,
			`INSERT INTO question_topics (question_id, topic_id) SELECT id, $1 + id % 200 FROM questions`,
			`INSERT INTO profile_skills (account_id, topic_id, level) SELECT account_id, $1 + account_id % 200, 'expert' FROM profiles`,
		} {
			if _, err := tx.Exec(ctx, q, firstTopic); err != nil {
				return err
			}
		}
		tasks := make([]string, people+1)
		for i := range tasks {
			tasks[i] = w.text(30)
		}
		_, err := tx.Exec(ctx, `UPDATE profiles SET position = 'Sachbearbeitung', tasks = ($1::text[])[1 + account_id % array_length($1::text[], 1)]`, tasks)
		return err
	})
}
