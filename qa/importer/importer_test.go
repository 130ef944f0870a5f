package importer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "importer", &db)) }

const dump = "testdata/german.stackexchange.com"

// newSpace makes an agency with an owner and a space to import into.
func newSpace(t *testing.T, slug string) policies.Space {
	t.Helper()
	ctx := context.Background()
	accounts := auth.NewStore(db.Pool)
	agency, err := accounts.CreateAgency(ctx, slug, "Amt "+slug)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := accounts.CreateAccount(ctx, auth.NewAccount{AgencyID: agency.ID, Email: slug + "@example.org", DisplayName: "Eigner", Handle: slug + "-owner"})
	if err != nil {
		t.Fatal(err)
	}
	space, err := policies.NewStore(db.Pool).CreateSpace(ctx, policies.NewSpace{Slug: slug, Name: "Fragen " + slug, AgencyID: agency.ID, Visibility: policies.Organisation}, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	return space
}

func options(space policies.Space, dir string) Options {
	return Options{
		Dir: dir, SpaceID: space.ID, AgencyID: space.AgencyID,
		Topics: topics.New(&web.Web{Log: slog.New(slog.DiscardHandler)}, db.Pool, topics.Deps{}),
	}
}

// counts returns the number of rows of every table an import writes to.
func counts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"accounts", "questions", "answers", "comments", "post_revisions", "votes", "question_topics", "topics", "topic_labels", "import_sources", "search_outbox"} {
		var n int
		if err := db.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func queryInt(t *testing.T, sql string, args ...any) int { return int(db.Int(t, sql, args...)) }

// local returns the id a dump row was imported as.
func local(t *testing.T, kind, external string) int64 {
	t.Helper()
	var id int64
	err := db.Pool.QueryRow(context.Background(), `SELECT local_id FROM import_sources WHERE source = 'stackexchange:german.stackexchange.com' AND kind = $1 AND external_id = $2`, kind, external).Scan(&id)
	if err != nil {
		t.Fatalf("%s %s: %v", kind, external, err)
	}
	return id
}

// lineOf finds the line of a file that contains s.
func lineOf(t *testing.T, path, s string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), s) {
			return n
		}
	}
	t.Fatalf("%s does not contain %q", path, s)
	return 0
}

const wantQuestion1 = "Wir prüfen Anträge mit einem kleinen Skript. Die Funktion `pruefe()` liefert *immer* `false`:\n" +
	"\n" +
	"```\n" +
	"func pruefe(a Antrag) bool {\n" +
	"    return a.Seiten < 3 && a.Unterschrift\n" +
	"}\n" +
	"```\n" +
	"\n" +
	"Siehe [IT-Grundschutz](https://www.bsi.bund.de/grundschutz) und den Screenshot:\n" +
	"\n" +
	"[![Fehlermeldung](https://i.sstatic.net/abc12.png)](https://i.sstatic.net/abc12.png)\n" +
	"\n" +
	"- Anlage A fehlt\n" +
	"- Anlage **B** ist unvollständig"

var (
	fencedCode = regexp.MustCompile("(?s)```.*?```")
	inlineCode = regexp.MustCompile("`[^`]*`")
	htmlTag    = regexp.MustCompile(`<[a-zA-Z/!?]`)
)

func TestImport(t *testing.T) {
	ctx := context.Background()
	space := newSpace(t, "bauamt")
	// Two sorted topics exist; "e-akte" and "formulare" do not.
	for _, name := range []string{"Datenschutz", "Öffentliche Verwaltung"} {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO topics (slug, name) VALUES ($1, $2)`, web.Slugify(name, 60), name); err != nil {
			t.Fatal(err)
		}
	}
	before := counts(t)

	sum, err := Import(ctx, db.Pool, options(space, dump), nil)

	// Exactly the thread of question 7 is skipped, naming file and line.
	var inc *IncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("err = %v, want an *IncompleteError", err)
	}
	line := lineOf(t, dump+"/Posts.xml", `Id="x1"`)
	want := fmt.Sprintf(`Posts.xml:%d: attribute Id is not a number: "x1" (question 7 skipped with its answers and comments)`, line)
	if err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	wantSum := Summary{Questions: 3, Answers: 3, Comments: 4, Accounts: 5, Skipped: 1, Problems: inc.Problems}
	if fmt.Sprint(sum) != fmt.Sprint(wantSum) {
		t.Errorf("summary %v, want %v", sum, wantSum)
	}
	if got := sum.String(); got != "imported 3 questions, 3 answers, 4 comments, 5 accounts; skipped 1 threads" {
		t.Errorf("summary line %q", got)
	}
	after := counts(t)
	for table, n := range map[string]int{"questions": 3, "answers": 3, "comments": 4, "accounts": 5, "post_revisions": 6,
		"votes": 0, "question_topics": 5, "topics": 2, "search_outbox": 3} {
		if d := after[table] - before[table]; d != n {
			t.Errorf("%s: %d new rows, want %d", table, d, n)
		}
	}
	// 3 questions, 3 answers, 4 comments, 5 accounts, 2 proposed topics.
	if d := after["import_sources"] - before["import_sources"]; d != 17 {
		t.Errorf("import_sources: %d new rows, want 17", d)
	}

	t.Run("malformed thread absent", func(t *testing.T) {
		if n := queryInt(t, `SELECT count(*) FROM questions WHERE title = 'E-Akte anlegen: wie geht das?'`); n != 0 {
			t.Errorf("question 7 imported")
		}
		if n := queryInt(t, `SELECT count(*) FROM answers WHERE body IN ('Über das DMS.', 'Diese Zeile ist kaputt.')`); n != 0 {
			t.Errorf("answers of question 7 imported")
		}
		if n := queryInt(t, `SELECT count(*) FROM comments WHERE body IN ('Welches DMS?', 'Das reicht nicht.')`); n != 0 {
			t.Errorf("comments of question 7 imported")
		}
		if n := queryInt(t, `SELECT count(*) FROM import_sources WHERE kind IN ('question', 'answer') AND external_id IN ('7', '8')`); n != 0 {
			t.Errorf("question 7 recorded")
		}
	})

	q1, a2, a3 := local(t, "question", "1"), local(t, "answer", "2"), local(t, "answer", "3")

	t.Run("markdown", func(t *testing.T) {
		var body string
		if err := db.Pool.QueryRow(ctx, `SELECT body FROM questions WHERE id = $1`, q1).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if testing.Verbose() {
			dumpBodies(t, space.ID)
		}
		if body != wantQuestion1 {
			t.Errorf("body of question 1:\n%s\n--- want ---\n%s", body, wantQuestion1)
		}
		rows, _ := db.Pool.Query(ctx, `SELECT body FROM questions WHERE space_id = $1 UNION ALL
			SELECT a.body FROM answers a JOIN questions q ON q.id = a.question_id WHERE q.space_id = $1 UNION ALL
			SELECT body FROM post_revisions`, space.ID)
		bodies, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bodies {
			outside := inlineCode.ReplaceAllString(fencedCode.ReplaceAllString(b, ""), "")
			if htmlTag.MatchString(outside) {
				t.Errorf("HTML left outside code in:\n%s", b)
			}
			if raw := rawHTML(b); len(raw) > 0 {
				t.Errorf("raw HTML %q in:\n%s", raw, b)
			}
		}
		// Fachnetz's renderer shows what the HTML showed.
		res, err := markdown.New().Render(wantQuestion1, markdown.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<pre><code>func pruefe", "&lt; 3 &amp;&amp;", "<code>pruefe()</code>", `<a href="https://www.bsi.bund.de/grundschutz"`, `<img src="https://i.sstatic.net/abc12.png" alt="Fehlermeldung"`, "<li>Anlage <strong>B</strong>", "<em>immer</em>"} {
			if !strings.Contains(string(res.HTML), want) {
				t.Errorf("rendered question 1 lacks %s:\n%s", want, res.HTML)
			}
		}
		for id, want := range map[int64]string{
			a2: "Drücke `Strg`+`F5` und prüfe, ob x2 &lt; 10 ist. Wichtig: Die Größe der Datei zählt.\n\n```js\nif (a < b) { alert(\"<b>fett</b>\"); }\n```",
			a3: "Die Vollständigkeit ergibt sich aus [§ 24 VwVfG](https://www.gesetze-im-internet.de/vwvfg/__24.html). Schritte:\n\n1. Eingang bestätigen\n2. Fehlende Unterlagen *schriftlich* nachfordern\n\n> Die Behörde ermittelt den Sachverhalt von Amts wegen.",
		} {
			var body string
			if err := db.Pool.QueryRow(ctx, `SELECT body FROM answers WHERE id = $1`, id).Scan(&body); err != nil {
				t.Fatal(err)
			}
			if body != want {
				t.Errorf("answer %d:\n%s\n--- want ---\n%s", id, body, want)
			}
		}
	})

	t.Run("question fields", func(t *testing.T) {
		var accepted *int64
		var score, answers int
		var created, active, updated string
		err := db.Pool.QueryRow(ctx, `SELECT accepted_answer_id, score, answer_count,
			to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'),
			to_char(active_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
			FROM questions WHERE id = $1`, q1).Scan(&accepted, &score, &answers, &created, &active, &updated)
		if err != nil {
			t.Fatal(err)
		}
		if accepted == nil || *accepted != a3 {
			t.Errorf("accepted answer %v, want %d", accepted, a3)
		}
		if score != 5 || answers != 2 || created != "2023-03-01 09:15:02.117" || active != "2023-03-04 08:00" || updated != "2023-03-01 09:15" {
			t.Errorf("score %d, answer_count %d, created %s, active %s, updated %s", score, answers, created, active, updated)
		}
		if n := queryInt(t, `SELECT score FROM answers WHERE id = $1`, a3); n != 7 {
			t.Errorf("score of answer 3 = %d, want 7", n)
		}
		if n := queryInt(t, `SELECT score FROM questions WHERE id = $1`, local(t, "question", "5")); n != -1 {
			t.Errorf("score of question 5 = %d, want -1", n)
		}
		if n := queryInt(t, `SELECT count(*) FROM questions WHERE id = $1 AND closed_at IS NOT NULL`, local(t, "question", "4")); n != 1 {
			t.Errorf("question 4 not closed")
		}
		if n := queryInt(t, `SELECT count(*) FROM questions WHERE space_id <> $1 AND id = ANY($2)`, space.ID, []int64{q1}); n != 0 {
			t.Errorf("question outside the space")
		}
	})

	t.Run("tags to topics", func(t *testing.T) {
		rows, _ := db.Pool.Query(ctx, `SELECT t.name || CASE WHEN t.unsorted THEN ' (unsorted)' ELSE '' END
			FROM question_topics qt JOIN topics t ON t.id = qt.topic_id WHERE qt.question_id = $1 ORDER BY t.name`, q1)
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Datenschutz", "e-akte (unsorted)"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("topics of question 1: %q, want %q", got, want)
		}
		rows, _ = db.Pool.Query(ctx, `SELECT t.name FROM question_topics qt JOIN topics t ON t.id = qt.topic_id WHERE qt.question_id = $1 ORDER BY t.name`, local(t, "question", "4"))
		got, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"formulare", "Öffentliche Verwaltung"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("topics of question 4: %q, want %q", got, want)
		}
	})

	t.Run("placeholder accounts", func(t *testing.T) {
		rows, _ := db.Pool.Query(ctx, `SELECT a.handle::text || ' ' || a.email::text || ' ' || a.display_name
			|| CASE WHEN a.disabled_at IS NULL THEN ' ENABLED' ELSE '' END
			|| CASE WHEN a.password_hash IS NOT NULL THEN ' PASSWORD' ELSE '' END
			|| CASE WHEN a.agency_id <> $1 THEN ' OTHER AGENCY' ELSE '' END
			FROM import_sources s JOIN accounts a ON a.id = s.local_id
			WHERE s.kind = 'account' AND s.source = 'stackexchange:german.stackexchange.com' ORDER BY a.handle`, space.AgencyID)
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"se-german-10 se-german-10@import.invalid Jürgen Müller",
			"se-german-11 se-german-11@import.invalid Anna Schäfer",
			"se-german-12 se-german-12@import.invalid Özlem Yılmaz",
			"se-german-13 se-german-13@import.invalid Bernd Groß",
			"se-german-14 se-german-14@import.invalid Karl Kühn",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("accounts:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if n := queryInt(t, `SELECT count(*) FROM questions WHERE id = $1 AND author_id IS NULL`, local(t, "question", "5")); n != 1 {
			t.Errorf("question 5 has an author; its dump row has none")
		}
		if n := queryInt(t, `SELECT count(*) FROM answers WHERE id = $1 AND author_id = $2`, a3, local(t, "account", "12")); n != 1 {
			t.Errorf("answer 3 is not by user 12")
		}
		// The text of answer 3 was last edited by user 13.
		if n := queryInt(t, `SELECT count(*) FROM post_revisions WHERE post_type = 'answer' AND post_id = $1 AND number = 1 AND author_id = $2`, a3, local(t, "account", "13")); n != 1 {
			t.Errorf("revision 1 of answer 3 is not by its last editor")
		}
		if n := queryInt(t, `SELECT count(*) FROM accounts WHERE display_name IN ('Niemand Schreibt', 'Community')`); n != 0 {
			t.Errorf("accounts for users who wrote nothing")
		}
	})

	t.Run("outbox", func(t *testing.T) {
		n := queryInt(t, `SELECT count(*) FROM search_outbox o JOIN questions q ON q.id = o.item_id WHERE o.kind = 'question' AND q.space_id = $1`, space.ID)
		if n != 3 {
			t.Errorf("%d outbox rows for the space's questions, want 3", n)
		}
	})

	t.Run("second run changes nothing", func(t *testing.T) {
		sum, err := Import(ctx, db.Pool, options(space, dump), nil)
		if !errors.As(err, &inc) || err.Error() != want {
			t.Errorf("second run: err = %v", err)
		}
		if got := sum.String(); got != "imported 0 questions, 0 answers, 0 comments, 0 accounts; skipped 1 threads; 3 threads were imported before" {
			t.Errorf("second run: %s", got)
		}
		if again := counts(t); fmt.Sprint(again) != fmt.Sprint(after) {
			t.Errorf("second run changed row counts:\n%v\n%v", after, again)
		}
	})
}

func TestImportBrokenXML(t *testing.T) {
	ctx := context.Background()
	space := newSpace(t, "kaputt")
	before := counts(t)
	var calls []string
	sum, err := Import(ctx, db.Pool, options(space, "testdata/broken"), func(done, total int) { calls = append(calls, fmt.Sprint(done, "/", total)) })
	var inc *IncompleteError
	if !errors.As(err, &inc) || !strings.HasPrefix(err.Error(), "Posts.xml:5: not well-formed XML: ") {
		t.Fatalf("err = %v", err)
	}
	if sum.Questions != 0 || sum.Skipped != 1 {
		t.Errorf("summary: %s", sum)
	}
	if after := counts(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a broken file changed rows:\n%v\n%v", before, after)
	}
	if len(calls) != 0 {
		t.Errorf("progress %v for an import that did not start", calls)
	}
}

func TestImportWithoutPosts(t *testing.T) {
	space := newSpace(t, "leer")
	_, err := Import(context.Background(), db.Pool, options(space, t.TempDir()), nil)
	if err == nil || !strings.Contains(err.Error(), "Posts.xml") {
		t.Errorf("err = %v", err)
	}
}

func TestProgress(t *testing.T) {
	space := newSpace(t, "fortschritt")
	opts := options(space, dump)
	opts.Name = "fortschritt"
	var calls []string
	Import(context.Background(), db.Pool, opts, func(done, total int) { calls = append(calls, fmt.Sprint(done, "/", total)) }) //nolint:errcheck // counted elsewhere
	if got := strings.Join(calls, " "); got != "0/4 1/4 2/4 3/4 4/4" {
		t.Errorf("progress %s", got)
	}
}

func TestParseTags(t *testing.T) {
	for in, want := range map[string]string{
		"<a><b-c>":  "[a b-c]",
		"|a|b-c|":   "[a b-c]",
		"":          "[]",
		"<ä>":       "[ä]",
		"a b":       "[a b]",
		"|c#|.net|": "[c# .net]",
	} {
		if got := fmt.Sprint(parseTags(in)); got != want {
			t.Errorf("parseTags(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestHandles(t *testing.T) {
	for _, c := range []struct {
		name    string
		id      int64
		attempt int
		want    string
	}{
		{"german.stackexchange.com", 10, 1, "se-german-10"},
		{"stackoverflow.com", 22656, 1, "se-stackoverflow-22656"},
		{"Beta Site!", -1, 1, "se-beta-site--1"},
		{"german.stackexchange.com", 10, 2, "se-german-10-2"},
		{"a-very-long-community-name-indeed.stackexchange.com", 123456789, 1, "se-a-very-long-community-name-123456789"},
	} {
		got := handleFor(siteName(c.name), c.id, c.attempt)
		if got != c.want {
			t.Errorf("handle for %s %d = %s, want %s", c.name, c.id, got, c.want)
		}
		if !regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`).MatchString(got) {
			t.Errorf("handle %s does not fit migration 0002", got)
		}
	}
}

// rawHTML returns the raw HTML a Markdown parser finds in src.
func rawHTML(src string) []string {
	source := []byte(src)
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(source))
	var found []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) { //nolint:errcheck // the walker returns no error
		switch n := n.(type) {
		case *ast.RawHTML:
			if entering {
				found = append(found, string(n.Segments.Value(source)))
			}
		case *ast.HTMLBlock:
			if entering {
				found = append(found, string(n.Lines().Value(source)))
			}
		}
		return ast.WalkContinue, nil
	})
	return found
}

// dumpBodies logs every imported text, for reading with go test -v.
func dumpBodies(t *testing.T, spaceID int64) {
	rows, _ := db.Pool.Query(context.Background(), `SELECT 'question ' || id || ': ' || title || E'\n' || body FROM questions WHERE space_id = $1 UNION ALL
		SELECT 'answer ' || a.id || E':\n' || a.body FROM answers a JOIN questions q ON q.id = a.question_id WHERE q.space_id = $1 UNION ALL
		SELECT 'comment ' || c.id || ': ' || c.body FROM comments c JOIN questions q ON q.id = c.question_id WHERE q.space_id = $1`, spaceID)
	texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + strings.Join(texts, "\n\n"))
}
