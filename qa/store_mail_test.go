package qa

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/errs"
)

// A mail draft belongs to the person who brought it in, is made once per
// mail, is published whole (question, answers, files) or not at all, and
// goes after its retention.
func TestMailDraftLifecycle(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	n := time.Now().UnixNano() % 1e9
	agency := db.Int(t, `INSERT INTO agencies (slug, name) VALUES ($1, 'Behörde') RETURNING id`, fmt.Sprintf("ag-m-%d", n))
	space := db.Int(t, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Offen', $2, 'organisation') RETURNING id`, fmt.Sprintf("sp-m-%d", n), agency)
	person := func(name string) int64 {
		h := fmt.Sprintf("%s-m-%d", name, n)
		return db.Int(t, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, $3, $4) RETURNING id`, agency, h+"@Example.org", name, h)
	}
	forwarder, colleague := person("weiterleitend"), person("kollegin")

	found, err := st.Mailers(ctx, []string{fmt.Sprintf("kollegin-m-%d@example.org", n), "niemand@example.org"})
	if err != nil || len(found) != 1 || found[fmt.Sprintf("kollegin-m-%d@example.org", n)] != colleague {
		t.Fatalf("Mailers: %v %v", found, err)
	}

	sum := make([]byte, 32)
	sum[0] = byte(n)
	draft := MailDraft{AccountID: forwarder, SpaceID: space, Subject: "Dienstreise", MessageID: fmt.Sprintf("<m-%d@example.org>", n),
		Messages: []MailMessage{{Position: 0, Body: "Frage?"}, {Position: 1, AuthorID: &colleague, Body: "Antwort."}},
		Files:    []MailFile{{Filename: "Antrag.pdf", ContentType: "application/pdf", Size: 10, SHA256: sum}}}
	id, created, err := st.SaveMailDraft(ctx, draft)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	again, created, err := st.SaveMailDraft(ctx, draft)
	if err != nil || again != id || created {
		t.Fatalf("the same mail again: draft %d (%v), want %d", again, err, id)
	}
	if _, err := st.MailDraftOf(ctx, id, colleague); !errs.Is(err, errs.NotFound) {
		t.Errorf("another person loaded the draft: %v", err)
	}
	d, err := st.MailDraftOf(ctx, id, forwarder)
	if err != nil || len(d.Messages) != 2 || d.Messages[1].AuthorName != "kollegin" || d.Messages[0].AuthorID != nil || len(d.Files) != 1 {
		t.Fatalf("draft: %+v %v", d, err)
	}

	pub := MailPublication{DraftID: id, AccountID: forwarder, SpaceID: space, Title: "Dienstreise ins Ausland",
		Question: PublishedPost{Body: "Frage?"}, Answers: []PublishedPost{{AuthorID: &colleague, Body: "Antwort."}}, FileIDs: []int64{d.Files[0].ID}}
	if _, err := st.PublishMailDraft(ctx, MailPublication{DraftID: id, AccountID: colleague, SpaceID: space, Title: "Fremd"}, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("another person published the draft: %v", err)
	}
	qid, err := st.PublishMailDraft(ctx, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := st.QuestionByID(ctx, qid)
	if err != nil || q.AuthorID != nil || !q.FromMail || q.AnswerCount != 1 {
		t.Errorf("question: %+v %v", q, err)
	}
	files, err := st.QuestionFiles(ctx, qid)
	if err != nil || len(files) != 1 || files[0].Filename != "Antrag.pdf" {
		t.Errorf("files: %+v %v", files, err)
	}
	if _, err := st.PublishMailDraft(ctx, pub, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("published twice: %v", err)
	}
	var orphans int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_draft_files WHERE draft_id IS NULL AND sha256 = $1`, sum).Scan(&orphans)
	if orphans != 1 {
		t.Errorf("%d file rows left for the sweep, want 1", orphans)
	}

	old, _, err := st.SaveMailDraft(ctx, MailDraft{AccountID: forwarder, SpaceID: space, Subject: "Alt", Messages: []MailMessage{{Body: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	db.Int(t, `UPDATE mail_drafts SET created_at = now() - interval '31 days' WHERE id = $1 RETURNING id`, old)
	if _, err := st.PurgeMailDrafts(ctx, time.Now().Add(-mailDraftRetention)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MailDraftOf(ctx, old, forwarder); !errs.Is(err, errs.NotFound) {
		t.Errorf("a draft past its retention is still there: %v", err)
	}
}
