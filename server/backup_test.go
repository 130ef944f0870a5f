package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// send is a request of the write load; it runs outside the test's
// goroutine, so it reports failures instead of stopping the test.
func send(method, url, token, contentType string, body io.Reader) (int, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// writeLoad creates pages, answers and attachments until stop is closed,
// and counts the writes that succeeded.
func writeLoad(base, token, space, page, question string, stop <-chan struct{}, done *sync.WaitGroup, count *int64, mu *sync.Mutex, failures *[]string) {
	defer done.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		fail := func(what string, status int, err error) {
			mu.Lock()
			*failures = append(*failures, fmt.Sprintf("%s: %d %v", what, status, err))
			mu.Unlock()
		}
		status, err := send(http.MethodPut, fmt.Sprintf("%s/api/v1/spaces/%s/pages/last-%d", base, space, i), token, "application/json",
			strings.NewReader(fmt.Sprintf(`{"title":"Last %d","body":"Geschrieben während der Sicherung, Nummer %d."}`, i, i)))
		if err != nil || status != http.StatusCreated {
			fail("page", status, err)
		}
		status, err = send(http.MethodPost, base+"/api/v1/questions/"+question+"/answers", token, "application/json",
			strings.NewReader(fmt.Sprintf(`{"body":"Antwort Nummer %d während der Sicherung."}`, i)))
		if err != nil || status != http.StatusCreated {
			fail("answer", status, err)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", fmt.Sprintf("last-%d.txt", i))
		fmt.Fprintf(fw, "Anlage %d, %s", i, unique("inhalt"))
		mw.Close()
		status, err = send(http.MethodPost, base+"/api/v1/spaces/"+space+"/pages/"+page+"/attachments", token, mw.FormDataContentType(), &buf)
		if err != nil || status != http.StatusCreated {
			fail("attachment", status, err)
		}
		mu.Lock()
		*count++
		mu.Unlock()
	}
}

// A backup taken while people write restores into a fresh database and
// data directory: every row that existed before it began comes back equal,
// no row comes back that the source never had, every attachment content
// is there with its checksum, and search finds the restored pages.
func TestBackupUnderWriteLoadRestoresIntoAFreshInstance(t *testing.T) {
	ctx := context.Background()
	// An instance of its own: the package's shared database refers to
	// attachments in the data directories of other tests' servers.
	source, err := postgres.NewTestDatabase(ctx, "backup")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	agency := makeAgencyIn(t, source.Pool)
	author, answerer := makePersonIn(t, source.Pool, agency, false), makePersonIn(t, source.Pool, agency, false)
	sp := makeSpaceIn(t, source.Pool, author, policies.Organisation, policies.RoleMember)
	dataDir := t.TempDir()
	sourceEnv := map[string]string{"FACHNETZ_DATABASE_URL": source.URL, "FACHNETZ_DATA_DIR": dataDir, "FACHNETZ_MEILI_INDEX": testIndex(t)}
	base := startServerWith(t, sourceEnv)

	word := randomWord("aufbewahrung")
	for i := range 3 {
		slug := fmt.Sprintf("akte-%d", i)
		if status, out := putPage(t, base, author.Token, sp.Slug, slug, "Erste Fassung zur "+word+".", 0); status != http.StatusCreated {
			t.Fatalf("create page: %d %v", status, out)
		}
		if status, out := putPage(t, base, author.Token, sp.Slug, slug, "Zweite Fassung zur "+word+".", 1); status != http.StatusOK {
			t.Fatalf("change page: %d %v", status, out)
		}
		for v := range 2 { // the second upload makes an earlier version
			if status, out := upload(t, base, author.Token, sp.Slug, slug, "anlage.txt", []byte(unique(fmt.Sprintf("fassung-%d-", v)))); status != http.StatusCreated {
				t.Fatalf("upload: %d %v", status, out)
			}
		}
	}
	if status, out := upload(t, base, author.Token, sp.Slug, "akte-0", "pixel.png", pngPixel); status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, out)
	}
	q := ask(t, base, author.Token, sp.Slug, "Wie lange bewahren wir Akten auf?", "Gilt die "+word+" auch für E-Akten?")
	if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, `{"body":"Ja, zehn Jahre."}`); status != http.StatusCreated {
		t.Fatalf("answer: %d %v", status, out)
	}
	for _, p := range []person{author, answerer} {
		if _, err := source.Pool.Exec(ctx, `INSERT INTO profiles (account_id, position, tasks) VALUES ($1, 'Registratur', 'Aktenplan pflegen')
			ON CONFLICT (account_id) DO UPDATE SET position = 'Registratur'`, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	if status, out := putPage(t, base, author.Token, sp.Slug, "eingang", "Hier landen die Anlagen der Last.", 0); status != http.StatusCreated {
		t.Fatalf("create page: %d %v", status, out)
	}
	busy := ask(t, base, author.Token, sp.Slug, "Was schreiben wir während der Sicherung?", "Viele Antworten.")

	var (
		done     sync.WaitGroup
		mu       sync.Mutex
		writes   int64
		failures []string
	)
	stop := make(chan struct{})
	done.Add(1)
	go writeLoad(base, answerer.Token, sp.Slug, "eingang", id(busy), stop, &done, &writes, &mu, &failures)
	written := func() int64 { mu.Lock(); defer mu.Unlock(); return writes }
	for start := time.Now(); written() < 2 && time.Since(start) < 30*time.Second; {
		time.Sleep(10 * time.Millisecond)
	}
	before := snapshotKeys(t, source.Pool)
	dir := filepath.Join(t.TempDir(), "sicherung")
	var stderr strings.Builder
	atStart := written()
	code := run(ctx, []string{"backup", dir}, testEnv(t, sourceEnv), nil, io.Discard, &stderr)
	for start := time.Now(); written() < atStart+2 && time.Since(start) < 30*time.Second; {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	done.Wait()
	if code != 0 {
		t.Fatalf("backup: %d %s", code, stderr.String())
	}
	if len(failures) > 0 {
		t.Fatalf("the write load failed: %v", failures)
	}
	if written() < atStart+2 {
		t.Fatalf("only %d writes while the backup ran", written()-atStart)
	}
	if _, err := os.Stat(filepath.Join(dir, "stats.key")); !os.IsNotExist(err) {
		t.Errorf("the backup holds the trends key: %v", err)
	}

	fresh, err := postgres.NewEmptyTestDatabase(ctx, "restore")
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	restored := map[string]string{
		"FACHNETZ_DATABASE_URL": fresh.URL,
		"FACHNETZ_DATA_DIR":     filepath.Join(t.TempDir(), "daten"),
		"FACHNETZ_MEILI_INDEX":  testIndex(t),
	}
	stderr.Reset()
	if code := run(ctx, []string{"restore", dir}, testEnv(t, restored), nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("restore: %d %s", code, stderr.String())
	}

	moving := map[string]map[string]bool{
		"pages": {fmt.Sprint(pageIDOf(t, source.Pool, sp.ID, "eingang")): true}, "questions": {id(busy): true},
	}
	compareRestored(t, before, snapshotKeys(t, source.Pool), snapshotKeys(t, fresh.Pool), moving)
	if n := checkContents(t, fresh.Pool, restored["FACHNETZ_DATA_DIR"]); n < 7 {
		t.Errorf("only %d attachment contents restored, want at least 7", n)
	}
	var raw int
	if err := fresh.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM stats_raw) + (SELECT count(*) FROM stats_secrets)`).Scan(&raw); err != nil || raw != 0 {
		t.Errorf("the restored instance holds %d trend pseudonyms or day keys (%v)", raw, err)
	}

	restoredBase := startServerWith(t, restored)
	ids, _ := searchIDs(t, restoredBase, author.Token, word)
	if len(ids) < 3 {
		t.Errorf("search for %q on the restored instance found %v, want the three pages and the question", word, ids)
	}
}

func pageIDOf(t *testing.T, pool *pgxpool.Pool, space int64, slug string) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM pages WHERE space_id = $1 AND slug = $2`, space, slug).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBackupAndRestoreWantOneDirectory(t *testing.T) {
	for _, args := range [][]string{{"backup"}, {"restore", "a", "b"}} {
		var stderr strings.Builder
		code := run(context.Background(), args, testEnv(t, nil), nil, io.Discard, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "want one backup directory") {
			t.Errorf("%v: exit %d, %q", args, code, stderr.String())
		}
	}
}
