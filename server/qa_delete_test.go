package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/trash"
)

// Authors delete their own question while it is unanswered and their own
// answers and comments; moderators delete any; other readers get 403 with
// a reason, non-readers 404. A deleted question leaves every read path and
// comes back from the trash with its answers and acceptance.
func TestDeletingQAPostsFollowsTheRules(t *testing.T) {
	agency := makeAgency(t)
	moderator, asker, answerer, other := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	outsider := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, moderator, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	del := func(path, token string) (int, string) {
		status, out := api(t, http.MethodDelete, base+"/api/v1/"+path, token, "")
		return status, errMessage(out)
	}

	// An unanswered question: the asker may delete it, others may not.
	q1 := ask(t, base, asker.Token, sp.Slug, "Wo liegt das Formular für Dienstreisen?", "Ich finde es nicht.")
	if status, msg := del("questions/"+id(q1), other.Token); status != http.StatusForbidden || !strings.Contains(msg, "solange sie unbeantwortet ist") {
		t.Errorf("another member deleting a question: %d %q", status, msg)
	}
	if status, _ := del("questions/"+id(q1), outsider.Token); status != http.StatusNotFound {
		t.Errorf("a non-reader deleting a question: %d", status)
	}
	a1 := newBrowser(t, base)
	a1.signIn(asker.Email, asker.Password)
	if _, body := a1.get("/fragen/" + id(q1)); !strings.Contains(body, "/fragen/"+id(q1)+"/loeschen") {
		t.Error("the asker sees no delete link on an unanswered question")
	}
	if resp, body := a1.get("/fragen/" + id(q1) + "/loeschen"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Papierkorb") {
		t.Errorf("confirmation page: %d", resp.StatusCode)
	}
	resp, _ := a1.post("/fragen/"+id(q1)+"/loeschen", "/fragen/"+id(q1)+"/loeschen", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("asker deleting an unanswered question: %d", resp.StatusCode)
	}
	if status, _ := api(t, http.MethodGet, base+"/api/v1/questions/"+id(q1), asker.Token, ""); status != http.StatusNotFound {
		t.Errorf("a deleted question is still served: %d", status)
	}
	if resp, _ := a1.get("/fragen/" + id(q1)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted question page: %d", resp.StatusCode)
	}
	if _, out := api(t, http.MethodGet, base+"/api/v1/questions?space="+sp.Slug, asker.Token, ""); strings.Contains(fmt.Sprint(out), "Dienstreisen") {
		t.Errorf("the list still shows the deleted question: %v", out)
	}

	// An answered question: the asker may no longer delete it.
	q2 := ask(t, base, asker.Token, sp.Slug, "Wer genehmigt Fortbildungen?", "Im Referat.")
	_, ans := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q2)+"/answers", answerer.Token, `{"body":"Die Referatsleitung."}`)
	api(t, http.MethodPost, base+"/api/v1/answers/"+id(ans)+"/accept", asker.Token, "")
	if status, _ := del("questions/"+id(q2), asker.Token); status != http.StatusForbidden {
		t.Errorf("asker deleting an answered question: %d", status)
	}
	if resp, _ := a1.get("/fragen/" + id(q2) + "/loeschen"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("asker's confirmation page of an answered question: %d", resp.StatusCode)
	}
	if status, msg := del("answers/"+id(ans), other.Token); status != http.StatusForbidden || msg == "" {
		t.Errorf("another member deleting an answer: %d %q", status, msg)
	}
	if status, _ := del("answers/"+id(ans), outsider.Token); status != http.StatusNotFound {
		t.Errorf("a non-reader deleting an answer: %d", status)
	}

	// Comments: the author may delete theirs, others may not.
	c := newBrowser(t, base)
	c.signIn(other.Email, other.Password)
	c.get("/fragen/" + id(q2))
	if resp, body := c.post("/fragen/"+id(q2), "/fragen/"+id(q2)+"/kommentare", url.Values{"on": {"question"}, "body": {"Gute Frage, betrifft mich auch."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d %s", resp.StatusCode, body)
	}
	var commentID int64
	testDB.Pool.QueryRow(t.Context(), `SELECT id FROM comments WHERE question_id = $1`, q2["id"]).Scan(&commentID)
	if commentID == 0 {
		t.Fatal("no comment was saved")
	}
	comment := fmt.Sprint("comments/", commentID)
	if status, _ := del(comment, answerer.Token); status != http.StatusForbidden {
		t.Errorf("someone else deleting a comment: %d", status)
	}
	if status, _ := del(comment, outsider.Token); status != http.StatusNotFound {
		t.Errorf("a non-reader deleting a comment: %d", status)
	}
	if status, _ := del(comment, other.Token); status != http.StatusNoContent {
		t.Errorf("the author deleting a comment: %d", status)
	}

	// The answer's author deletes it; the question is unanswered again.
	if status, _ := del("answers/"+id(ans), answerer.Token); status != http.StatusNoContent {
		t.Fatalf("the author deleting an answer: %d", status)
	}
	_, got := api(t, http.MethodGet, base+"/api/v1/questions/"+id(q2), asker.Token, "")
	if qq := got["question"].(map[string]any); qq["answer_count"] != float64(0) || qq["accepted_answer_id"] != nil || len(got["answers"].([]any)) != 0 {
		t.Errorf("question after its answer was deleted: %v", got)
	}
	// The moderator restores the answer: it is accepted again.
	answerTrash := trashItemID(t, base, moderator.Token, sp.Slug, "Die Referatsleitung.")
	if status, out := api(t, http.MethodPost, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, sp.Slug, answerTrash), moderator.Token, ""); status != http.StatusOK {
		t.Fatalf("restore answer: %d %v", status, out)
	}
	_, got = api(t, http.MethodGet, base+"/api/v1/questions/"+id(q2), asker.Token, "")
	if qq := got["question"].(map[string]any); qq["answer_count"] != float64(1) || qq["accepted_answer_id"] != ans["id"] {
		t.Errorf("question after its answer came back: %v", got)
	}

	q3 := ask(t, base, other.Token, sp.Slug, "Wer genehmigt eigentlich Fortbildungen?", "")
	testDB.Pool.Exec(t.Context(), `UPDATE questions SET duplicate_of = $1, closed_at = now() WHERE id = $2`, q2["id"], q3["id"])
	// The moderator deletes the answered question, then restores it. The
	// asker's notification about the answer goes with it.
	notified := func() bool {
		_, out := api(t, http.MethodGet, base+"/api/v1/notifications", asker.Token, "")
		return strings.Contains(fmt.Sprint(out), "Wer genehmigt Fortbildungen?")
	}
	if !notified() {
		t.Fatal("the asker was not notified of the answer")
	}
	if status, _ := del("questions/"+id(q2), moderator.Token); status != http.StatusNoContent {
		t.Fatalf("moderator deleting a question: %d", status)
	}
	if notified() {
		t.Error("a notification still shows the deleted question")
	}
	if status, _ := api(t, http.MethodGet, base+"/api/v1/answers/"+id(ans)+"/accept", asker.Token, ""); status == http.StatusOK {
		t.Error("the deleted question's answer is still reachable")
	}
	qTrash := trashItemID(t, base, moderator.Token, sp.Slug, "Wer genehmigt Fortbildungen?")
	// A question closed as a duplicate of it meanwhile lost the reference.
	var dupOf *int64
	testDB.Pool.QueryRow(t.Context(), `SELECT duplicate_of FROM questions WHERE id = $1`, q3["id"]).Scan(&dupOf)
	if dupOf != nil {
		t.Fatalf("the duplicate still refers to the deleted question: %d", *dupOf)
	}
	if status, out := api(t, http.MethodPost, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, sp.Slug, qTrash), moderator.Token, ""); status != http.StatusOK {
		t.Fatalf("restore question: %d %v", status, out)
	}
	_, got = api(t, http.MethodGet, base+"/api/v1/questions/"+id(q2), asker.Token, "")
	if qq := got["question"].(map[string]any); qq["accepted_answer_id"] != ans["id"] || len(got["answers"].([]any)) != 1 {
		t.Errorf("restored question: %v", got)
	}
	testDB.Pool.QueryRow(t.Context(), `SELECT duplicate_of FROM questions WHERE id = $1`, q3["id"]).Scan(&dupOf)
	if dupOf == nil || fmt.Sprint(*dupOf) != id(q2) {
		t.Errorf("the duplicate does not refer to the restored question again: %v", dupOf)
	}
}

// An author who loaded their question while it was unanswered cannot
// delete it once an answer came meanwhile: the count is checked under the
// question's lock, not taken from the page the author saw.
func TestDeletingQuestionAnsweredMeanwhile(t *testing.T) {
	agency := makeAgency(t)
	moderator, asker, answerer := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, moderator, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Gilt die Gleitzeit auch im Homeoffice?", "")
	store := qa.NewStore(testDB.Pool)
	seen, err := store.QuestionByID(t.Context(), int64(q["id"].(float64)))
	if err != nil || seen.AnswerCount != 0 {
		t.Fatalf("load question: %v %d", err, seen.AnswerCount)
	}
	if status, _ := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, `{"body":"Ja, mit Zeiterfassung."}`); status != http.StatusCreated {
		t.Fatalf("answer: %d", status)
	}
	tr := trash.New(testDB.Pool, slog.Default(), 30)
	err = store.TrashQuestion(t.Context(), tr, seen, asker.ID, true)
	if e, ok := errs.As(err); !ok || e.Code != errs.Forbidden {
		t.Errorf("the author deleted a question answered meanwhile: %v", err)
	}
	if status, got := api(t, http.MethodGet, base+"/api/v1/questions/"+id(q), asker.Token, ""); status != http.StatusOK || len(got["answers"].([]any)) != 1 {
		t.Errorf("question after the refused deletion: %d %v", status, got)
	}
	if err := store.TrashQuestion(t.Context(), tr, seen, moderator.ID, false); err != nil {
		t.Errorf("a moderator deleting the answered question: %v", err)
	}
}
