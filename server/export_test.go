package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// putTreePage creates a page through the API.
func putTreePage(t *testing.T, base, token, space, slug string, page map[string]any) {
	t.Helper()
	body, _ := json.Marshal(page)
	if status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+space+"/pages/"+slug, token, string(body)); status != http.StatusCreated {
		t.Fatalf("page %s: %d %v", slug, status, out)
	}
}

// attachFile uploads a file to a page through the API.
func attachFile(t *testing.T, base, token, space, slug, name string, content []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/spaces/"+space+"/pages/"+slug+"/attachments", &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("attach %s to %s: %d", name, slug, resp.StatusCode)
	}
}

// unzipAll reads a zip into its files by name.
func unzipAll(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("export is no zip: %v\n%.300s", err, data)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	return files
}

// exportOf downloads a space's export as the browser's person.
func exportOf(t *testing.T, b *browser, space string) map[string]string {
	t.Helper()
	resp, body := b.get("/bereiche/" + space + "/export")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export of %s: %d %s\n%.300s", space, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	return unzipAll(t, []byte(body))
}

// uploadImport sends a zip through the import form of a space's settings.
func uploadImport(t *testing.T, b *browser, space string, zipData []byte) (*http.Response, string) {
	t.Helper()
	b.get("/bereiche/" + space + "/einstellungen/import")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf)
	fw, _ := mw.CreateFormFile("file", "export.zip")
	fw.Write(zipData)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/bereiche/"+space+"/einstellungen/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "de")
	return b.do(req)
}

// onePixelPNG is the smallest PNG there is: one pixel.
var onePixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")

// makeExportTree fills a space with three levels of pages, topics, an
// owner, review dates, links between folders and files.
func makeExportTree(t *testing.T, base string, owner, other person, space string) {
	t.Helper()
	putTreePage(t, base, owner.Token, space, "bauantrag", map[string]any{"title": "Bauantrag",
		"body":   "# Ablauf\n\nErst die [[Fristen]], dann das [[Archiv|Archiv der Akten]].\n\nDer [Plan](plan.pdf) liegt bei; ![Lageplan](./lageplan.png)\n\nMehr unter <https://example.org/bau> und [[andere-behoerde:Vorlage]].\n",
		"topics": []string{"Baurecht", "Fristen im Bauwesen"}, "owner": other.Handle, "review_interval_days": 180, "review_due": "2027-03-01"})
	putTreePage(t, base, owner.Token, space, "fristen", map[string]any{"title": "Fristen", "parent": "bauantrag",
		"body": "Siehe [[Formulare]] und zurück zum [[bauantrag|Antrag]].\n\n```\n[[Fristen]] im Code bleibt\n```\n"})
	putTreePage(t, base, owner.Token, space, "formulare", map[string]any{"title": "Formulare", "parent": "fristen",
		"body": "Dritte Ebene. Zurück ins [[Archiv]]; das [Formular (neu)](<Formular A.pdf>) und [[Gibt es nicht]].\n", "review_interval_days": 0})
	putTreePage(t, base, owner.Token, space, "archiv", map[string]any{"title": "Archiv", "body": "Das Archiv verweist auf [[Fristen]].\n"})
	putTreePage(t, base, owner.Token, space, "altakten", map[string]any{"title": "Altakten: vor 2000", "parent": "archiv", "body": "Leer.\n"})
	attachFile(t, base, owner.Token, space, "bauantrag", "plan.pdf", []byte("%PDF-1.4\n% Plan\n"))
	attachFile(t, base, owner.Token, space, "bauantrag", "lageplan.png", onePixelPNG)
	attachFile(t, base, owner.Token, space, "formulare", "Formular A.pdf", []byte("%PDF-1.4\n% Formular\n"))
}

// A space exported, imported into an empty space and exported again gives
// the same files: the page tree as folders, front matter, links as
// relative paths, the attachments.
func TestSpaceExportImportsBackToTheSameFiles(t *testing.T) {
	base := startServer(t)
	agency := makeAgency(t)
	owner, other := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, sp, other, policies.RoleMember)
	seesSpace(t, base, owner, sp)
	makeExportTree(t, base, owner, other, sp.Slug)

	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)
	first := exportOf(t, b, sp.Slug)
	names := slices.Sorted(maps.Keys(first))
	want := []string{"archiv.md", "archiv/altakten.md", "bauantrag.md", "bauantrag/_anhaenge/lageplan.png", "bauantrag/_anhaenge/plan.pdf",
		"bauantrag/fristen.md", "bauantrag/fristen/formulare.md", "bauantrag/fristen/formulare/_anhaenge/Formular A.pdf"}
	if !slices.Equal(names, want) {
		t.Fatalf("export files:\n%v\nwant\n%v", names, want)
	}
	checks := map[string][]string{
		"bauantrag.md": {"---\ntitle: Bauantrag\nslug: bauantrag\ntopics:\n- Baurecht\n- Fristen im Bauwesen\nowner: " + other.Handle + "\nreview_interval_days: 180\nreview_due: \"2027-03-01\"\n---\n# Ablauf",
			"[Fristen](bauantrag/fristen.md)", "[Archiv der Akten](archiv.md)", "[Plan](bauantrag/_anhaenge/plan.pdf)",
			"![Lageplan](bauantrag/_anhaenge/lageplan.png)", "<https://example.org/bau>", "[[andere-behoerde:Vorlage]]"},
		"bauantrag/fristen.md":           {"owner: " + owner.Handle, "[Formulare](fristen/formulare.md)", "[Antrag](../bauantrag.md)", "[[Fristen]] im Code bleibt"},
		"bauantrag/fristen/formulare.md": {"review_interval_days: 0\n---\n", "[Archiv](../../archiv.md)", "[Formular (neu)](<formulare/_anhaenge/Formular A.pdf>)", "[[Gibt es nicht]]"},
		"archiv/altakten.md":             {"title: \"Altakten: vor 2000\""},
		"bauantrag/_anhaenge/plan.pdf":   {"%PDF-1.4\n% Plan\n"},
	}
	for name, parts := range checks {
		for _, p := range parts {
			if !strings.Contains(first[name], p) {
				t.Errorf("%s lacks %q:\n%s", name, p, first[name])
			}
		}
	}
	if strings.Contains(first["bauantrag.md"], other.Email) || strings.Contains(first["bauantrag.md"], other.DisplayName) {
		t.Errorf("the export names the owner by more than the handle:\n%s", first["bauantrag.md"])
	}

	// The same zip into an empty space of the same owner, by the form.
	resp, body := b.get("/bereiche/" + sp.Slug + "/export")
	zipped := []byte(body)
	empty := makeSpace(t, owner, policies.Private, policies.RoleMember)
	seesSpace(t, base, owner, empty)
	resp, body = uploadImport(t, b, empty.Slug, zipped)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bereiche/"+empty.Slug+"?importiert=5" {
		t.Fatalf("import: %d %s\n%.800s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	second := exportOf(t, b, empty.Slug)
	if len(second) != len(first) {
		t.Errorf("second export has %d files, the first %d", len(second), len(first))
	}
	for name, content := range first {
		if second[name] != content {
			t.Errorf("%s differs after the round trip:\n--- first\n%s\n--- second\n%s", name, content, second[name])
		}
	}
	// The imported links are links of the wiki: the backlinks know them.
	if status, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+empty.Slug+"/pages/archiv/backlinks", owner.Token, ""); status != http.StatusOK || len(out["backlinks"].([]any)) != 2 {
		t.Errorf("backlinks of the imported archive: %d %v", status, out)
	}

	// Once filled, the space takes no second import.
	resp, body = uploadImport(t, b, empty.Slug, zipped)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "enthält schon Seiten") {
		t.Errorf("second import: %d\n%.500s", resp.StatusCode, body)
	}
}

// A private space's export is there for its members only; everyone else
// gets 404 as for any other path of the space.
func TestSpaceExportAnswers404ToNonMembers(t *testing.T) {
	base := startServer(t)
	agency := makeAgency(t)
	owner, reader, stranger := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, sp, reader, policies.RoleViewer)
	seesSpace(t, base, reader, sp)
	putTreePage(t, base, owner.Token, sp.Slug, "geheim", map[string]any{"title": "Geheim", "body": "Nur für Mitglieder.\n"})

	s := newBrowser(t, base)
	s.signIn(stranger.Email, stranger.Password)
	if resp, body := s.get("/bereiche/" + sp.Slug + "/export"); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Nur für Mitglieder") {
		t.Fatalf("a non-member's export: %d", resp.StatusCode)
	}
	if resp, _ := s.get("/bereiche/" + sp.Slug + "/einstellungen/import"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a non-member's import form: %d", resp.StatusCode)
	}
	anon := newBrowser(t, base)
	if resp, _ := anon.get("/bereiche/" + sp.Slug + "/export"); resp.StatusCode == http.StatusOK {
		t.Fatalf("an export without sign-in: %d", resp.StatusCode)
	}

	r := newBrowser(t, base)
	r.signIn(reader.Email, reader.Password)
	if files := exportOf(t, r, sp.Slug); !strings.Contains(files["geheim.md"], "Nur für Mitglieder.") {
		t.Fatalf("a reader's export: %v", files)
	}
	// Reading is not managing: the import form is the owners'.
	if resp, _ := r.get("/bereiche/" + sp.Slug + "/einstellungen/import"); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a reader's import form: %d", resp.StatusCode)
	}
}

// The operator's import takes the same zip: fachnetz import markdown ZIP
// --space S fills an empty space, and its export is the zip's files again.
func TestSpaceExportImportsBackFromTheCommandLine(t *testing.T) {
	env := map[string]string{"FACHNETZ_DATA_DIR": t.TempDir()}
	base := startServerWith(t, env)
	agency := makeAgency(t)
	owner, other := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, sp, other, policies.RoleMember)
	seesSpace(t, base, owner, sp)
	makeExportTree(t, base, owner, other, sp.Slug)
	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)
	first := exportOf(t, b, sp.Slug)
	_, body := b.get("/bereiche/" + sp.Slug + "/export")
	zipFile := filepath.Join(t.TempDir(), "export.zip")
	if err := os.WriteFile(zipFile, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	empty := makeSpace(t, owner, policies.Private, policies.RoleMember)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"import", "markdown", zipFile, "--space", empty.Slug}, testEnv(t, env), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("import markdown: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "5 pages, 3 files imported") {
		t.Errorf("summary: %q", stdout.String())
	}
	seesSpace(t, base, owner, empty)
	second := exportOf(t, b, empty.Slug)
	for name, content := range first {
		if second[name] != content {
			t.Errorf("%s differs after the command line's round trip:\n--- first\n%s\n--- second\n%s", name, content, second[name])
		}
	}
	if len(second) != len(first) {
		t.Errorf("second export has %d files, the first %d", len(second), len(first))
	}

	// A second run meets a space that is no longer empty.
	stderr.Reset()
	if code := run(context.Background(), []string{"import", "markdown", zipFile, "--space", empty.Slug}, testEnv(t, env), nil, &stdout, &stderr); code == 0 ||
		!strings.Contains(stderr.String(), "already has pages") {
		t.Errorf("second import: exit %d, %q", code, stderr.String())
	}
}
