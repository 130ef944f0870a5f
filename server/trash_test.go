package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// trashItemID is the id of the newest trash entry of the space with the
// label, from the moderators' API.
func trashItemID(t *testing.T, base, token, space, label string) int64 {
	t.Helper()
	status, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+space+"/trash", token, "")
	if status != http.StatusOK {
		t.Fatalf("trash list: %d %v", status, out)
	}
	items, _ := out["items"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if m["label"] == label {
			return int64(m["id"].(float64))
		}
	}
	t.Fatalf("%q is not in the trash: %v", label, items)
	return 0
}

// download fetches a file with the token and returns status and content.
func download(t *testing.T, base, token, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// A deleted page with a subpage, two revisions, topics, an attachment with
// an earlier version and a backlink vanishes from every read path, and
// comes back from the trash with all of it.
func TestTrashAndRestorePage(t *testing.T) {
	agency := makeAgency(t)
	owner, member, outsider := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, sp, member, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, owner.Token, sp.Slug)
	pages := base + "/api/v1/spaces/" + sp.Slug + "/pages/"

	putPage(t, base, owner.Token, sp.Slug, "akte", "Erste Fassung.", 0)
	if status, out := api(t, http.MethodPut, pages+"akte", owner.Token,
		`{"title":"akte","body":"Das Aktenplanverzeichnis regelt alles.","base_revision":1,"topics":["Schriftgut"]}`); status != http.StatusOK {
		t.Fatalf("second revision: %d %v", status, out)
	}
	if status, out := api(t, http.MethodPut, pages+"unterakte", owner.Token, `{"title":"unterakte","body":"Darunter.","parent":"akte"}`); status != http.StatusCreated {
		t.Fatalf("subpage: %d %v", status, out)
	}
	putPage(t, base, owner.Token, sp.Slug, "verweis", "Siehe [[akte]].", 0)
	upload(t, base, owner.Token, sp.Slug, "akte", "notiz.txt", []byte("alte Notiz"))
	_, att := upload(t, base, owner.Token, sp.Slug, "akte", "notiz.txt", []byte("neue Notiz"))
	attURL, apiAtt := att["url"].(string), att["api_url"].(string)
	testDB.Pool.Exec(t.Context(), `UPDATE pages SET reviewed_at = now() - interval '2 years', review_due = current_date - 30 WHERE slug = 'akte' AND space_id = $1`, sp.ID)
	// A question promoted to the page refers to it.
	promoted := ask(t, base, owner.Token, sp.Slug, "Wie führe ich eine Akte?", "")
	testDB.Pool.Exec(t.Context(), `UPDATE questions SET wiki_page_id = (SELECT id FROM pages WHERE space_id = $1 AND slug = 'akte') WHERE id = $2`, sp.ID, promoted["id"])
	found := func() bool { ids, _ := searchIDs(t, base, owner.Token, "Aktenplanverzeichnis"); return len(ids) == 1 }
	eventually(t, 30*time.Second, "the page is found", found)

	o := newBrowser(t, base)
	o.signIn(owner.Email, owner.Password)
	if _, body := o.get("/pruefung"); !strings.Contains(body, ">akte</a>") {
		t.Fatal("the overdue page is not in the review queue before deletion")
	}

	if status, _ := api(t, http.MethodDelete, pages+"akte", member.Token, ""); status != http.StatusForbidden {
		t.Errorf("a member (no moderator) deleted a page: %d", status)
	}
	if status, out := api(t, http.MethodDelete, pages+"akte", owner.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d %v", status, out)
	}

	for _, p := range []string{pages + "akte", pages + "akte/revisions", pages + "akte/revisions/1", pages + "unterakte", base + apiAtt} {
		if status, _ := api(t, http.MethodGet, p, owner.Token, ""); status != http.StatusNotFound {
			t.Errorf("GET %s after deletion: %d", p, status)
		}
	}
	if _, tree := api(t, http.MethodGet, pages[:len(pages)-1], owner.Token, ""); strings.Contains(fmt.Sprint(tree), "slug:akte ") || strings.Contains(fmt.Sprint(tree), "slug:unterakte ") {
		t.Errorf("the tree still lists the deleted pages: %v", tree)
	}
	for _, p := range []string{"/bereiche/" + sp.Slug + "/seiten/akte", "/bereiche/" + sp.Slug + "/seiten/akte/versionen", attURL} {
		if resp, _ := o.get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s after deletion: %d", p, resp.StatusCode)
		}
	}
	if _, body := o.get("/bereiche/" + sp.Slug); strings.Contains(body, "/seiten/akte\"") {
		t.Error("the space home still lists the deleted page")
	}
	if _, body := o.get("/pruefung"); strings.Contains(body, ">akte</a>") {
		t.Error("the review queue still lists the deleted page")
	}
	if _, body := o.get("/bereiche/" + sp.Slug + "/seiten/verweis"); strings.Contains(body, "/seiten/akte\"") {
		t.Error("a link to the deleted page still resolves")
	}
	eventually(t, 30*time.Second, "the deleted page leaves the search", func() bool { return !found() })

	// The trash is for moderators; a member may not see it.
	if resp, _ := o.get("/bereiche/" + sp.Slug); resp.StatusCode != http.StatusOK {
		t.Fatalf("space home: %d", resp.StatusCode)
	}
	if _, body := o.get("/bereiche/" + sp.Slug + "/papierkorb"); !strings.Contains(body, "akte") {
		t.Error("the trash page does not list the deleted page")
	}
	m := newBrowser(t, base)
	m.signIn(member.Email, member.Password)
	if resp, _ := m.get("/bereiche/" + sp.Slug + "/papierkorb"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a member opened the trash: %d", resp.StatusCode)
	}
	x := newBrowser(t, base)
	x.signIn(outsider.Email, outsider.Password)
	if resp, _ := x.get("/bereiche/" + sp.Slug + "/papierkorb"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an outsider opened the trash: %d", resp.StatusCode)
	}

	id := trashItemID(t, base, owner.Token, sp.Slug, "akte")
	resp, _ := o.post("/bereiche/"+sp.Slug+"/papierkorb", fmt.Sprintf("/bereiche/%s/papierkorb/%d/wiederherstellen", sp.Slug, id), url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bereiche/"+sp.Slug+"/seiten/akte" {
		t.Fatalf("restore: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	status, page := api(t, http.MethodGet, pages+"akte", owner.Token, "")
	if status != http.StatusOK || page["revision"] != float64(2) || !strings.Contains(fmt.Sprint(page["topics"]), "Schriftgut") {
		t.Fatalf("restored page: %d %v", status, page)
	}
	if _, revs := api(t, http.MethodGet, pages+"akte/revisions", owner.Token, ""); len(revs["revisions"].([]any)) != 2 {
		t.Errorf("restored revisions: %v", revs)
	}
	if status, sub := api(t, http.MethodGet, pages+"unterakte", owner.Token, ""); status != http.StatusOK || sub["parent_id"] != page["id"] {
		t.Errorf("restored subpage: %d %v", status, sub)
	}
	if status, content := download(t, base, owner.Token, apiAtt); status != http.StatusOK || content != "neue Notiz" {
		t.Errorf("restored attachment: %d %q", status, content)
	}
	if _, body := o.get("/bereiche/" + sp.Slug + "/seiten/akte"); !strings.Contains(body, "notiz.txt") || !strings.Contains(body, "Versionen (1)") {
		t.Error("the restored page lacks its attachment or its earlier version")
	}
	if _, out := api(t, http.MethodGet, pages+"akte/backlinks", owner.Token, ""); !strings.Contains(fmt.Sprint(out["backlinks"]), "verweis") {
		t.Errorf("restored backlinks: %v", out)
	}
	if _, body := o.get("/bereiche/" + sp.Slug + "/seiten/verweis"); !strings.Contains(body, "/seiten/akte\"") {
		t.Error("the link to the restored page does not resolve")
	}
	if _, body := o.get("/pruefung"); !strings.Contains(body, ">akte</a>") {
		t.Error("the restored page is missing from the review queue")
	}
	var promotedTo any
	testDB.Pool.QueryRow(t.Context(), `SELECT wiki_page_id FROM questions WHERE id = $1`, promoted["id"]).Scan(&promotedTo)
	if fmt.Sprint(promotedTo) != fmt.Sprint(int64(page["id"].(float64))) {
		t.Errorf("the promoted question refers to %v after the restore, want %v", promotedTo, page["id"])
	}
	eventually(t, 30*time.Second, "the restored page is found again", found)
}

// A page whose slug was taken meanwhile comes back under a free one; an
// author whose account is gone meanwhile comes back as a former member.
func TestRestoredPageGetsFreeSlug(t *testing.T) {
	agency := makeAgency(t)
	owner, author := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, sp, author, policies.RoleMember)
	base := startServer(t)
	pages := base + "/api/v1/spaces/" + sp.Slug + "/pages/"
	from, into := unique("Meldewesen"), unique("Einwohnerwesen")
	api(t, http.MethodPut, pages+"antrag", author.Token, fmt.Sprintf(`{"title":"antrag","body":"Alt.","topics":[%q]}`, from))
	api(t, http.MethodPut, pages+"andere", owner.Token, fmt.Sprintf(`{"title":"andere","body":"Andere.","topics":[%q]}`, into))
	api(t, http.MethodDelete, pages+"antrag", owner.Token, "")
	if _, err := testDB.Pool.Exec(t.Context(), `DELETE FROM accounts WHERE id = $1`, author.ID); err != nil {
		t.Fatal(err)
	}
	// While the page lies in the trash, its topic is merged into another.
	km := makePerson(t, agency, false)
	testDB.Pool.Exec(t.Context(), `UPDATE accounts SET is_knowledge_manager = true WHERE id = $1`, km.ID)
	// Proposals typed in a private space are seen by its readers only.
	addMember(t, sp, km, policies.RoleViewer)
	seesSpace(t, base, km, sp)
	var fromSlug string
	var intoID int64
	testDB.Pool.QueryRow(t.Context(), `SELECT (SELECT slug FROM topics WHERE name = $1), (SELECT id FROM topics WHERE name = $2)`, from, into).Scan(&fromSlug, &intoID)
	k := newBrowser(t, base)
	k.signIn(km.Email, km.Password)
	k.get("/themen/verwalten/" + fromSlug)
	if resp, _ := k.post("", "/themen/verwalten/"+fromSlug+"/zusammenfuehren", url.Values{"into": {fmt.Sprint(intoID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge topics: %d", resp.StatusCode)
	}
	putPage(t, base, owner.Token, sp.Slug, "antrag", "Neu.", 0)
	id := trashItemID(t, base, owner.Token, sp.Slug, "antrag")
	status, out := api(t, http.MethodPost, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, sp.Slug, id), owner.Token, "")
	if status != http.StatusOK || out["url"] != "/bereiche/"+sp.Slug+"/seiten/antrag-2" {
		t.Fatalf("restore: %d %v", status, out)
	}
	if _, p := api(t, http.MethodGet, pages+"antrag-2", owner.Token, ""); p["body"] != "Alt." || !strings.Contains(fmt.Sprint(p["topics"]), into) {
		t.Errorf("restored page (its topic merged into %s): %v", into, p)
	}
	if _, p := api(t, http.MethodGet, pages+"antrag", owner.Token, ""); p["body"] != "Neu." {
		t.Errorf("the new page changed: %v", p)
	}
}

// contentPath is where the server keeps a content under dataDir.
func contentPath(dataDir, content string) string {
	sum := sha256.Sum256([]byte(content))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(dataDir, "attachments", h[:2], h[2:])
}

// The retention job purges what lies in the trash longer than the set
// days, with the files nothing else uses, and logs it without content.
func TestTrashIsPurgedAfterRetention(t *testing.T) {
	owner := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	dataDir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cfg, err := loadConfig(newFlags("serve", env{stderr: io.Discard}), nil, testEnv(t, map[string]string{"FACHNETZ_DATA_DIR": dataDir, "FACHNETZ_TRASH_DAYS": "30"}))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, cfg, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done; s.Close() })
	base := "http://" + s.Addr()
	pages := base + "/api/v1/spaces/" + sp.Slug + "/pages/"

	putPage(t, base, owner.Token, sp.Slug, "weg", "Kommt weg.", 0)
	putPage(t, base, owner.Token, sp.Slug, "bleibt", "Bleibt.", 0)
	only, shared := "nur hier "+unique("inhalt"), "geteilt "+unique("inhalt")
	upload(t, base, owner.Token, sp.Slug, "weg", "a.txt", []byte(only))
	upload(t, base, owner.Token, sp.Slug, "weg", "b.txt", []byte(shared))
	upload(t, base, owner.Token, sp.Slug, "bleibt", "b.txt", []byte(shared))
	if status, _ := api(t, http.MethodDelete, pages+"weg", owner.Token, ""); status != http.StatusNoContent {
		t.Fatal("delete failed")
	}
	deletedAt := time.Now()
	// In the trash the files stay.
	if _, err := os.Stat(contentPath(dataDir, only)); err != nil {
		t.Fatalf("a trashed page's file is gone: %v", err)
	}
	// Twenty-nine days on, nothing is purged yet.
	if n, err := s.trash.Expire(ctx, deletedAt.AddDate(0, 0, 29-30)); err != nil || n != 0 {
		t.Fatalf("expire before the retention: %d %v", n, err)
	}
	trashItemID(t, base, owner.Token, sp.Slug, "weg")
	// Thirty-one days on it is; two servers running the job at once purge
	// it once.
	results := make(chan int, 2)
	for range 2 {
		go func() {
			n, err := s.trash.Expire(ctx, deletedAt.AddDate(0, 0, 31-30))
			if err != nil {
				t.Error(err)
			}
			results <- n
		}()
	}
	// Other tests' entries in this database may go too; this space's one
	// must be logged once (below).
	if n := <-results + <-results; n < 1 {
		t.Fatalf("purged %d entries", n)
	}
	if _, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/trash", owner.Token, ""); len(out["items"].([]any)) != 0 {
		t.Errorf("the trash still holds: %v", out["items"])
	}
	if _, err := os.Stat(contentPath(dataDir, only)); !os.IsNotExist(err) {
		t.Errorf("the file only the purged page used is still there: %v", err)
	}
	if _, err := os.Stat(contentPath(dataDir, shared)); err != nil {
		t.Errorf("a file another page uses was removed: %v", err)
	}
	var logged int
	testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM purge_log WHERE space_id = $1 AND kind = 'page' AND reason = 'retention' AND purged_by IS NULL`, sp.ID).Scan(&logged)
	if logged != 1 {
		t.Errorf("purge log rows: %d", logged)
	}
	var left int
	testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM page_revisions r WHERE r.body = 'Kommt weg.'`).Scan(&left)
	if left != 0 {
		t.Errorf("%d revisions of the purged page are left", left)
	}
}

// Uploading a file under an existing name keeps the old content as a
// version that can be downloaded and restored; non-readers get 404.
func TestAttachmentVersions(t *testing.T) {
	agency := makeAgency(t)
	owner, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, owner.Token, sp.Slug, "formulare", "Formulare.", 0)
	upload(t, base, owner.Token, sp.Slug, "formulare", "antrag.txt", []byte("Fassung 1"))
	_, att := upload(t, base, owner.Token, sp.Slug, "formulare", "antrag.txt", []byte("Fassung 2"))
	apiAtt := att["api_url"].(string)
	if _, content := download(t, base, owner.Token, apiAtt); content != "Fassung 2" {
		t.Fatalf("current content: %q", content)
	}
	var versionID int64
	testDB.Pool.QueryRow(t.Context(), `SELECT v.id FROM attachment_versions v JOIN attachments a ON a.id = v.attachment_id
		JOIN pages p ON p.id = a.page_id WHERE p.space_id = $1`, sp.ID).Scan(&versionID)
	if versionID == 0 {
		t.Fatal("the replaced content was not kept as a version")
	}
	versionURL := fmt.Sprintf("%s?version=%d", apiAtt, versionID)
	if status, content := download(t, base, owner.Token, versionURL); status != http.StatusOK || content != "Fassung 1" {
		t.Errorf("version download: %d %q", status, content)
	}
	if status, _ := download(t, base, outsider.Token, versionURL); status != http.StatusNotFound {
		t.Errorf("outsider version download: %d", status)
	}
	o := newBrowser(t, base)
	o.signIn(owner.Email, owner.Password)
	page := "/bereiche/" + sp.Slug + "/seiten/formulare"
	if _, body := o.get(page); !strings.Contains(body, "Versionen (1)") || !strings.Contains(body, fmt.Sprintf("?version=%d", versionID)) {
		t.Error("the page does not list the earlier version")
	}
	attID := strings.TrimPrefix(apiAtt, "/api/v1/attachments/")
	resp, _ := o.post(page, fmt.Sprintf("%s/anhaenge/%s/versionen/%d/wiederherstellen", page, attID, versionID), url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore version: %d", resp.StatusCode)
	}
	if _, content := download(t, base, owner.Token, apiAtt); content != "Fassung 1" {
		t.Errorf("after restoring the version: %q", content)
	}
	var versions int
	testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM attachment_versions v JOIN attachments a ON a.id = v.attachment_id
		JOIN pages p ON p.id = a.page_id WHERE p.space_id = $1`, sp.ID).Scan(&versions)
	if versions != 1 {
		t.Errorf("versions after restore: %d, want 1 (the replaced current content)", versions)
	}
}
