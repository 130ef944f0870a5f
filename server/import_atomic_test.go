package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// importZip is a zip of flat pages named prefix-1 … prefix-n; each page
// has one file, and the last file's checksum is wrong when badCRC.
func importZip(t *testing.T, prefix string, n int, badCRC bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 1; i <= n; i++ {
		slug := fmt.Sprintf("%s-%d", prefix, i)
		w, err := zw.Create(slug + ".md")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "---\ntitle: %s\n---\nSeite %d mit [Datei](%s/_anhaenge/d.pdf).\n", slug, i, slug)
		data := []byte(fmt.Sprintf("%%PDF-1.4\n%% %s\n", slug))
		h := &zip.FileHeader{Name: slug + "/_anhaenge/d.pdf", Method: zip.Store,
			CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data))}
		if badCRC && i == n {
			h.CRC32++
		}
		fw, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pageFiles are the page files of a space's export.
func pageFiles(t *testing.T, b *browser, space string) []string {
	t.Helper()
	var names []string
	for name := range exportOf(t, b, space) {
		if strings.HasSuffix(name, ".md") {
			names = append(names, name)
		}
	}
	return names
}

// An import that fails at its last file writes nothing: the space stays
// empty and takes the corrected zip.
func TestSpaceImportThatFailsLeavesTheSpaceEmpty(t *testing.T) {
	base := startServer(t)
	owner := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	seesSpace(t, base, owner, sp)
	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)

	resp, body := uploadImport(t, b, sp.Slug, importZip(t, "seite", 5, true))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "d.pdf") {
		t.Fatalf("a zip with a broken last file: %d\n%.800s", resp.StatusCode, body)
	}
	if names := pageFiles(t, b, sp.Slug); len(names) != 0 {
		t.Fatalf("a failed import left pages: %v", names)
	}
	resp, body = uploadImport(t, b, sp.Slug, importZip(t, "seite", 5, false))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bereiche/"+sp.Slug+"?importiert=5" {
		t.Fatalf("the corrected zip: %d %s\n%.800s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if files := exportOf(t, b, sp.Slug); len(files) != 10 || files["seite-5/_anhaenge/d.pdf"] != "%PDF-1.4\n% seite-5\n" {
		t.Fatalf("after the retry: %d files", len(files))
	}
}

// Two imports into one empty space at once: one fills it, the other is
// told the space is no longer empty, and no page of it is there.
func TestSpaceImportsAtOnceFillTheSpaceOnce(t *testing.T) {
	base := startServer(t)
	owner := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	seesSpace(t, base, owner, sp)
	zips := [][]byte{importZip(t, "a", 60, false), importZip(t, "b", 60, false)}
	browsers := []*browser{newBrowser(t, base), newBrowser(t, base)}
	for _, b := range browsers {
		b.signIn(owner.Email, owner.Password)
	}
	codes := make([]int, 2)
	bodies := make([]string, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, body := uploadImport(t, browsers[i], sp.Slug, zips[i])
			codes[i], bodies[i] = resp.StatusCode, body
		}()
	}
	close(start)
	wg.Wait()
	won := -1
	for i, code := range codes {
		switch {
		case code == http.StatusSeeOther && won < 0:
			won = i
		case code == http.StatusConflict && strings.Contains(bodies[i], "enthält schon Seiten"):
		default:
			t.Fatalf("imports at once: %v\n%.800s", codes, bodies[i])
		}
	}
	if won < 0 {
		t.Fatalf("no import filled the space: %v", codes)
	}
	names := pageFiles(t, browsers[0], sp.Slug)
	prefix := []string{"a-", "b-"}[won]
	if len(names) != 60 {
		t.Fatalf("the space holds %d pages, want the 60 of one import", len(names))
	}
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) {
			t.Fatalf("the space holds %s beside the pages of %s…", n, prefix)
		}
	}
}

// topicsZip is a zip of flat pages, each with new topics of its own:
// perPage[i] names for page i.
func topicsZip(t *testing.T, prefix string, perPage ...int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, n := range perPage {
		w, err := zw.Create(fmt.Sprintf("seite-%d.md", i))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "---\ntitle: Seite %d\ntopics:\n", i)
		for j := range n {
			fmt.Fprintf(w, "- %s %d-%d\n", prefix, i, j)
		}
		fmt.Fprint(w, "---\nText\n")
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The topics of a whole zip are checked before the first is proposed: an
// import that would propose too many new topics, or a page the editor
// would refuse for its topics, leaves no topic behind.
func TestSpaceImportChecksAllTopicsFirst(t *testing.T) {
	base := startServer(t)
	owner := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	seesSpace(t, base, owner, sp)
	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)
	prefix := unique("Importthema")
	proposed := func() int {
		var n int
		if err := testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM topics WHERE name LIKE $1 || '%'`, prefix).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	cases := []struct {
		name    string
		perPage []int
		says    string
	}{
		{"more than 50 new in all", []int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, "höchstens 50 neue Themen"},
		{"six new on the last page", []int{5, 5, 5, 6}, "Die Themen von „seite-3.md“"},
	}
	for _, tc := range cases {
		resp, body := uploadImport(t, b, sp.Slug, topicsZip(t, prefix, tc.perPage...))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.says) {
			t.Fatalf("%s: %d\n%.800s", tc.name, resp.StatusCode, body)
		}
		if n := proposed(); n != 0 {
			t.Fatalf("%s: the refused import proposed %d topics", tc.name, n)
		}
	}
	if names := pageFiles(t, b, sp.Slug); len(names) != 0 {
		t.Fatalf("a refused import left pages: %v", names)
	}
	// Within the limits the same topics are taken.
	if resp, body := uploadImport(t, b, sp.Slug, topicsZip(t, prefix, 5, 5)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ten new topics: %d\n%.800s", resp.StatusCode, body)
	}
	if n := proposed(); n != 10 {
		t.Fatalf("proposed %d topics, want 10", n)
	}
}
