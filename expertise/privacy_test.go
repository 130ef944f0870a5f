package expertise

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/web"
)

func TestHiddenProfileAppearsNowhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, Deps{})
	r := f.engine()
	var space int64
	db.Pool.QueryRow(ctx, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Alle', $2, 'organisation') RETURNING id`,
		"org-"+strconv.FormatInt(serial.Add(1), 10), f.agency).Scan(&space)
	unit := f.unit("Referat Geheim", nil)
	hanna := f.person(f.agency, "Hanna Hidden")
	f.exec(`UPDATE profiles SET org_unit_id = $2, position = 'Versteckt' WHERE account_id = $1`, hanna.ID, unit)
	ida := f.person(f.agency, "Ida")
	admin := f.person(f.agency, "Admin")
	admin.Admin = true
	src := NewSearchSource(f.e.store)

	docs, err := src.Documents(ctx, []int64{hanna.ID})
	if err != nil || len(docs) != 1 || docs[0].ID != "person-"+strconv.FormatInt(hanna.ID, 10) || docs[0].SpaceID != space ||
		docs[0].Type != "person" || docs[0].Title != hanna.Name || !strings.Contains(docs[0].Body, "Referat Geheim") {
		t.Fatalf("document before hiding: %+v %v", docs, err)
	}

	expect(t, do(r, hanna, "POST", "/profil/sichtbarkeit", url.Values{"hidden": {"true"}}), http.StatusSeeOther)

	for _, v := range []*web.Viewer{ida, admin} {
		w := do(r, v, "GET", "/personen", nil)
		expect(t, w, http.StatusOK)
		lacks(t, w, hanna.Name)
		lacks(t, do(r, v, "GET", "/personen?q=hanna", nil), hanna.Name)
		w = do(r, v, "GET", "/organisation", nil)
		expect(t, w, http.StatusOK, "Referat Geheim")
		lacks(t, w, hanna.Name)
		expect(t, do(r, v, "GET", "/personen/"+hanna.Handle, nil), http.StatusNotFound)
		lacks(t, do(r, v, "GET", "/api/v1/people?q=hanna", nil), hanna.Handle)
		expect(t, do(r, v, "GET", "/api/v1/people/"+hanna.Handle, nil), http.StatusNotFound, `"code":"not_found"`)
	}
	// The person still sees their own profile, with a note.
	expect(t, do(r, hanna, "GET", "/personen/"+hanna.Handle, nil), http.StatusOK, "Ihr Profil ist verborgen")
	// No search document (so the outbox deletes it from the index and
	// from PostgreSQL's copy), not counted.
	if docs, err := src.Documents(ctx, []int64{hanna.ID}); err != nil || len(docs) != 0 {
		t.Fatalf("hidden person has a document: %+v %v", docs, err)
	}
	var all []search.Document
	src.Each(ctx, 100, func(d []search.Document) error { all = append(all, d...); return nil })
	for _, d := range all {
		if d.Title == hanna.Name {
			t.Fatal("Each hands over the hidden person")
		}
	}
	var pending int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE kind = 'person' AND item_id = $1`, hanna.ID).Scan(&pending)
	if pending == 0 {
		t.Fatal("hiding wrote no outbox row")
	}
	// Shown again, found again.
	expect(t, doJSON(r, hanna, "PUT", "/api/v1/me/profile", `{"hidden": false}`), http.StatusOK, `"hidden":false`)
	expect(t, do(r, ida, "GET", "/personen/"+hanna.Handle, nil), http.StatusOK, hanna.Name)
}

func TestPeopleSearchIsRateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{PeoplePerMinute: 5})
	r := f.engine()
	jan, kim := f.person(f.agency, "Jan"), f.person(f.agency, "Kim")
	for i := 0; i < 3; i++ {
		expect(t, do(r, jan, "GET", "/personen?q=k", nil), http.StatusOK)
	}
	expect(t, do(r, jan, "GET", "/api/v1/people", nil), http.StatusOK)
	expect(t, do(r, jan, "GET", "/personen/"+kim.Handle, nil), http.StatusOK)
	w := do(r, jan, "GET", "/personen", nil)
	expect(t, w, http.StatusTooManyRequests, "Zum Schutz des Telefonbuchs")
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	expect(t, do(r, jan, "GET", "/api/v1/people", nil), http.StatusTooManyRequests, `"code":"too_many_requests"`)
	// Others are not affected; the own profile page is not limited.
	expect(t, do(r, kim, "GET", "/personen", nil), http.StatusOK)
	expect(t, do(r, jan, "GET", "/profil", nil), http.StatusOK)
}

// exportPhoto stands in for the bytes of a stored profile photo.
var exportPhoto = []byte("\xff\xd8\xff Exportfoto \xff\xd9")

// personalData creates a person with a row in every table that holds
// personal data, and returns the person and the marker texts that must
// show in their export.
func personalData(t *testing.T, f *fixture, id int64) (*web.Viewer, []string) {
	t.Helper()
	ctx := context.Background()
	n := serial.Add(1)
	v := &web.Viewer{AgencyID: f.agency, Name: fmt.Sprintf("Erika Löschbar %d", n), Handle: fmt.Sprintf("erika-%d", n)}
	v.Email = v.Handle + "@loeschbar.example"
	// A large, unusual id, so that a number equal to it elsewhere is no coincidence.
	if err := db.Pool.QueryRow(ctx, `INSERT INTO accounts (id, agency_id, email, display_name, handle, password_hash) OVERRIDING SYSTEM VALUE
		VALUES ($1, $2, $3, $4, $5, 'argon2id$x') RETURNING id`, id, f.agency, v.Email, v.Name, v.Handle).Scan(&v.ID); err != nil {
		t.Fatal(err)
	}
	f.people[v.ID] = v
	other := f.person(f.agency, "Andere")
	var space, group, page, q, a, topic, event int64
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Pool.QueryRow(ctx, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Exportraum', $2, 'private') RETURNING id`, fmt.Sprintf("exp-%d", n), f.agency).Scan(&space))
	must(db.Pool.QueryRow(ctx, `INSERT INTO groups (slug, name) VALUES ($1, 'Exportgruppe') RETURNING id`, fmt.Sprintf("grp-%d", n)).Scan(&group))
	must(db.Pool.QueryRow(ctx, `INSERT INTO topics (slug, name, unsorted, proposed_by) VALUES ($1, $2, true, $3) RETURNING id`, fmt.Sprintf("exportthema-%d", n), fmt.Sprintf("Exportthema %d", n), v.ID).Scan(&topic))
	must(db.Pool.QueryRow(ctx, `INSERT INTO pages (space_id, slug, title, body, owner_id) VALUES ($1, 'exportseite', 'Exportseite', 'Text', $2) RETURNING id`, space, v.ID).Scan(&page))
	must(db.Pool.QueryRow(ctx, `INSERT INTO questions (space_id, author_id, title, body, closed_by, closed_at) VALUES ($1, $2, 'Exportfrage lautet so', 'Text', $2, now()) RETURNING id`, space, v.ID).Scan(&q))
	must(db.Pool.QueryRow(ctx, `INSERT INTO answers (question_id, author_id, body) VALUES ($1, $2, 'Exportantwort') RETURNING id`, q, v.ID).Scan(&a))
	must(db.Pool.QueryRow(ctx, `INSERT INTO notification_events (kind, actor_id, space_id, subject_type, subject_id, title, url)
		VALUES ('answer', $1, $2, 'question', $3, 'Exportereignis', '/fragen/1') RETURNING id`, other.ID, space, q).Scan(&event))
	for _, s := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO account_identities (issuer, subject, account_id) VALUES ('https://idp.example', $2, $1)`, []any{v.ID, "subj-" + v.Handle}},
		{`UPDATE profiles SET position = 'Exportposition', phone = '030 999', tasks = 'Exportaufgaben', ask_me_about = 'Exportfragen', languages = '{Exportisch}', ldap_dn = $2 WHERE account_id = $1`, []any{v.ID, "uid=" + v.Handle}},
		{`INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, 'expert')`, []any{v.ID, topic}},
		{`INSERT INTO hidden_derived_topics (account_id, topic_id) VALUES ($1, $2)`, []any{v.ID, topic}},
		{`INSERT INTO group_members (group_id, account_id) VALUES ($2, $1)`, []any{v.ID, group}},
		{`INSERT INTO space_members (space_id, account_id, role) VALUES ($2, $1, 'owner')`, []any{v.ID, space}},
		{`INSERT INTO sessions (id_hash, account_id, csrf_token, idle_expires_at, expires_at) VALUES ($2, $1, 'csrf', now() + interval '1 hour', now() + interval '1 day')`, []any{v.ID, []byte(v.Handle)}},
		{`INSERT INTO api_tokens (account_id, name, token_hash) VALUES ($1, 'Exporttoken', $2)`, []any{v.ID, []byte("tok-" + v.Handle)}},
		{`INSERT INTO sign_in_failures (key) VALUES ($1), ($2)`, []any{"email:" + v.Email, fmt.Sprintf("device:%d:browser", v.ID)}}, // as sign-in writes them
		{`INSERT INTO page_revisions (page_id, number, title, body, author_id, message) VALUES ($2, 1, 'Exportseite', 'Text', $1, 'Exportnachricht')`, []any{v.ID, page}},
		{`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, []any{page, topic}}, // evidence of the page's owner and writer
		{`INSERT INTO attachments (page_id, filename, content_type, size, sha256, uploaded_by) VALUES ($2, 'exportdatei.pdf', 'application/pdf', 1, $3, $1)`, []any{v.ID, page, make([]byte, 32)}},
		{`INSERT INTO post_revisions (post_type, post_id, number, title, body, author_id) VALUES ('question', $2, 1, 'Exportrevision', 'Text', $1)`, []any{v.ID, q}},
		{`INSERT INTO comments (question_id, author_id, body) VALUES ($2, $1, 'Exportkommentar')`, []any{v.ID, q}},
		{`INSERT INTO votes (post_type, post_id, account_id, value) VALUES ('answer', $2, $1, 1)`, []any{v.ID, a}},
		{`INSERT INTO watches (account_id, kind, item_id) VALUES ($1, 'question', $2)`, []any{v.ID, q}},
		{`INSERT INTO notifications (event_id, account_id, space_id) VALUES ($2, $1, $3)`, []any{v.ID, event, space}},
		{`INSERT INTO notification_preferences (account_id, topic, channel, mode) VALUES ($1, 'watched', 'email', 'weekly')`, []any{v.ID}},
		{`INSERT INTO deliveries (channel, event_id, account_id, space_id) VALUES ('email', $2, $1, $3)`, []any{v.ID, event, space}},
		{`INSERT INTO matrix_direct_rooms (account_id, matrix_id, room_id) VALUES ($1, '@export:matrix.example.org', '!raum:matrix.example.org')`, []any{v.ID}},
		{`INSERT INTO notification_events (kind, actor_id, space_id, subject_type, subject_id, title, url) VALUES ('comment', $1, $2, 'question', $3, 'Eigenes Ereignis', '/fragen/1')`, []any{v.ID, space, q}},
		{`INSERT INTO import_sources (source, kind, external_id, local_id) VALUES ('stackexchange:test', 'account', $2, $1)`, []any{v.ID, "ext-" + v.Handle}},
		{`INSERT INTO profile_photos (account_id, content, content_type) VALUES ($1, $2, 'image/jpeg')`, []any{v.ID, exportPhoto}},
		{`INSERT INTO drafts (account_id, key, path, fields) VALUES ($1, 'wiki-new:1', '/bereiche/x/neu', '{"body": "Exportentwurf"}')`, []any{v.ID}},
		{`INSERT INTO draft_files (draft_id, filename, content_type, size, sha256)
			SELECT id, 'exportentwurf.png', 'image/png', 1, $2 FROM drafts WHERE account_id = $1`, []any{v.ID, make([]byte, 32)}},
	} {
		if _, err := db.Pool.Exec(ctx, s.sql, s.args...); err != nil {
			t.Fatalf("%s: %v", s.sql, err)
		}
	}
	return v, []string{v.Email, v.Name, "https://idp.example", "Exportposition", "Exportaufgaben", "Exportisch", fmt.Sprintf("Exportthema %d", n),
		"Exportgruppe", "Exportraum", "Exporttoken", "Exportseite", "Exportnachricht", "exportdatei.pdf", "Exportfrage lautet so", "Exportrevision",
		"Exportereignis", "Eigenes Ereignis", "ext-" + v.Handle, "Exportentwurf", "exportentwurf.png"}
}

func TestExportHoldsEverything(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{})
	r := f.engine()
	v, markers := personalData(t, f, 8_000_000_000+rand.Int64N(1_000_000_000))
	w := do(r, v, "GET", "/profil/export.json", nil)
	expect(t, w, http.StatusOK, markers...)
	if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Fatalf("Content-Disposition = %q", cd)
	}
	var data map[string][]map[string]any
	decode(t, w, &data)
	for _, sec := range exportSections {
		if len(data[sec.name]) == 0 {
			t.Errorf("export section %s is empty", sec.name)
		}
	}
	photo := data["profile_photo"]
	if len(photo) != 1 || photo[0]["content_type"] != "image/jpeg" ||
		photo[0]["content_base64"] != base64.StdEncoding.EncodeToString(exportPhoto) {
		t.Errorf("export lacks the photo: %v", photo)
	}
	for _, secret := range []string{"argon2id", "csrf"} {
		lacks(t, w, secret)
	}
}

// pseudonymised are the authorship columns that keep the content and lose
// the person: set NULL when the account is erased.
var pseudonymised = []string{"pages.owner_id", "page_revisions.author_id", "attachments.uploaded_by", "questions.author_id",
	"questions.closed_by", "answers.author_id", "post_revisions.author_id", "comments.author_id", "notification_events.actor_id", "topics.proposed_by"}

func TestEraseLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, Deps{})
	r := f.engine()
	v, _ := personalData(t, f, 7_000_000_000+rand.Int64N(1_000_000_000))
	var questionID int64
	db.Pool.QueryRow(ctx, `SELECT id FROM questions WHERE author_id = $1`, v.ID).Scan(&questionID)

	expect(t, do(r, v, "GET", "/profil/loeschen", nil), http.StatusOK, "LÖSCHEN", `name="csrf_token"`)
	expect(t, do(r, v, "POST", "/profil/loeschen", url.Values{"confirm": {"ja"}}), http.StatusUnprocessableEntity, "genau das Wort", `value="ja"`)
	w := do(r, v, "POST", "/profil/loeschen", url.Values{"confirm": {"löschen"}})
	expect(t, w, http.StatusOK, "Ihr Konto wurde gelöscht")
	lacks(t, w, v.Name)

	// Content stays, without its author.
	var title string
	var author *int64
	if err := db.Pool.QueryRow(ctx, `SELECT title, author_id FROM questions WHERE id = $1`, questionID).Scan(&title, &author); err != nil || author != nil {
		t.Fatalf("question after erasure: %q %v %v", title, author, err)
	}
	for _, col := range pseudonymised {
		table, column, _ := strings.Cut(col, ".")
		var n int
		db.Pool.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = $1`, table, column), v.ID).Scan(&n)
		if n != 0 {
			t.Errorf("%s still names the person", col)
		}
	}

	// Scan every text-like and bigint column of every table.
	rows, _ := db.Pool.Query(ctx, `SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns c
		WHERE table_schema = 'public' AND (data_type IN ('text', 'character varying', 'bigint', 'ARRAY', 'jsonb', 'json') OR udt_name = 'citext')
		AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = 'public' AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')`)
	type column struct{ table, name, typ string }
	cols, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (column, error) {
		var c column
		return c, row.Scan(&c.table, &c.name, &c.typ)
	})
	if err != nil || len(cols) < 50 {
		t.Fatalf("columns: %d %v", len(cols), err)
	}
	id := strconv.FormatInt(v.ID, 10)
	for _, c := range cols {
		ident := pgx.Identifier{c.table}.Sanitize() + "." + pgx.Identifier{c.name}.Sanitize()
		var sql string
		args := []any{}
		if c.typ == "bigint" {
			sql = fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = $1`, pgx.Identifier{c.table}.Sanitize(), ident)
			args = append(args, v.ID)
			// The outbox row that makes the search worker delete the
			// person's document; processed rows are purged after an hour.
			// The copy's queue row does the same for PostgreSQL's copy.
			if (c.table == "search_outbox" || c.table == "search_copy_queue") && c.name == "item_id" {
				sql += ` AND kind <> 'person'`
			}
		} else {
			sql = fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s::text ILIKE '%%' || $1 || '%%' OR %s::text ILIKE '%%' || $2 || '%%' OR %s::text ~ ('(^|[^0-9])' || $3 || '([^0-9]|$)')`,
				pgx.Identifier{c.table}.Sanitize(), ident, ident, ident)
			args = append(args, v.Email, v.Name, id)
		}
		var n int
		if err := db.Pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", ident, err)
		}
		if n != 0 {
			t.Errorf("%s still holds the person (%d rows)", ident, n)
		}
	}
	// The photo is bytea, which the scan above does not read.
	var photos int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM profile_photos WHERE account_id = $1`, v.ID).Scan(&photos); err != nil || photos != 0 {
		t.Errorf("profile photo after erasure: %d rows, %v", photos, err)
	}
	var outbox int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE kind = 'person' AND item_id = $1 AND processed_at IS NULL`, v.ID).Scan(&outbox)
	if outbox == 0 {
		t.Fatal("erasure queued no deletion of the search document")
	}
	// Admins erase through the same function; a second erasure is 404.
	if err := f.e.Erase(ctx, v.ID); err == nil {
		t.Fatal("erasing twice succeeded")
	}
}
