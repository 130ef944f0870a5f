package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

func ask(t *testing.T, base, token, space, title, body string) map[string]any {
	t.Helper()
	status, q := api(t, http.MethodPost, base+"/api/v1/questions", token, fmt.Sprintf(`{"title":%q,"body":%q,"space":%q}`, title, body, space))
	if status != http.StatusCreated {
		t.Fatalf("ask: %d %v", status, q)
	}
	return q
}

func id(m map[string]any) string { return fmt.Sprint(int64(m["id"].(float64))) }

func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// The board refuses what it must, each time with a message a person
// understands.
func TestBoardRules(t *testing.T) {
	agency := makeAgency(t)
	asker, answerer, other, outsider := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	readOnly := makeSpace(t, asker, policies.Organisation, policies.RoleViewer)
	base := startServer(t)

	q := ask(t, base, asker.Token, sp.Slug, "Wie beantrage ich Sonderurlaub?", "Für eine Fortbildung.")
	status, a := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, `{"body":"Über das Personalportal."}`)
	if status != http.StatusCreated {
		t.Fatalf("answer: %d %v", status, a)
	}
	cases := []struct {
		name, method, path, token, body string
		status                          int
		message                         string
	}{
		{"vote on one's own question", "POST", "/api/v1/questions/" + id(q) + "/vote", asker.Token, `{"value":1}`, 403, "eigene Beiträge"},
		{"vote on one's own answer", "POST", "/api/v1/answers/" + id(a) + "/vote", answerer.Token, `{"value":1}`, 403, "eigene Beiträge"},
		{"first vote", "POST", "/api/v1/answers/" + id(a) + "/vote", other.Token, `{"value":1}`, 200, ""},
		{"second vote", "POST", "/api/v1/answers/" + id(a) + "/vote", other.Token, `{"value":1}`, 409, "bereits so abgestimmt"},
		{"changed vote", "POST", "/api/v1/answers/" + id(a) + "/vote", other.Token, `{"value":-1}`, 200, ""},
		{"acceptance by someone else", "POST", "/api/v1/answers/" + id(a) + "/accept", other.Token, "", 403, "Nur wer gefragt hat"},
		{"acceptance by the answerer", "POST", "/api/v1/answers/" + id(a) + "/accept", answerer.Token, "", 403, "Nur wer gefragt hat"},
		{"answer in a space one cannot read", "POST", "/api/v1/questions/" + id(q) + "/answers", outsider.Token, `{"body":"Ich weiß es."}`, 404, "keinen Zugriff"},
		{"acceptance by the asker", "POST", "/api/v1/answers/" + id(a) + "/accept", asker.Token, "", 200, ""},
	}
	for _, tc := range cases {
		status, out := api(t, tc.method, base+tc.path, tc.token, tc.body)
		if status != tc.status || !strings.Contains(errMessage(out), tc.message) {
			t.Errorf("%s: %d %q, want %d with %q", tc.name, status, errMessage(out), tc.status, tc.message)
		}
	}
	_, got := api(t, http.MethodGet, base+"/api/v1/questions/"+id(q), asker.Token, "")
	question := got["question"].(map[string]any)
	answers := got["answers"].([]any)
	if question["accepted_answer_id"] != a["id"] || answers[0].(map[string]any)["score"] != float64(-1) {
		t.Errorf("after the rules: %v", got)
	}

	// Someone who may read but not write (an agency colleague in a space
	// where staff may only read) cannot answer either.
	q2 := ask(t, base, asker.Token, readOnly.Slug, "Wer pflegt die Telefonliste?", "")
	if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q2)+"/answers", other.Token, `{"body":"Ich."}`); status != http.StatusForbidden {
		t.Errorf("answer without write access: %d %v", status, out)
	}
}

// Questions of a private space are invisible to non-members in lists, on
// the question page, in search, in notifications and in the API.
func TestPrivateQuestionsStayPrivate(t *testing.T) {
	agency := makeAgency(t)
	member, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	private := makeSpace(t, member, policies.Private, policies.RoleMember)
	base := searchServer(t, nil)
	// The outsider watches a topic and is mentioned: still nothing reaches them.
	q := ask(t, base, member.Token, private.Slug, "Vertrauliche Frage zur Umorganisation", "Was wissen wir, @"+outsider.Handle+"?")
	qid := id(q)

	mb, ob := newBrowser(t, base), newBrowser(t, base)
	mb.signIn(member.Email, member.Password)
	ob.signIn(outsider.Email, outsider.Password)
	if _, body := mb.get("/fragen"); !strings.Contains(body, "Vertrauliche Frage") {
		t.Error("the member does not see the question in the list")
	}
	for _, path := range []string{"/fragen", "/fragen?sicht=unbeantwortet", "/fragen?bereich=" + private.Slug} {
		if _, body := ob.get(path); strings.Contains(body, "Vertrauliche Frage") {
			t.Errorf("the outsider sees the question on %s", path)
		}
	}
	if resp, body := ob.get("/fragen/" + qid); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Vertrauliche") {
		t.Errorf("question page for the outsider: %d", resp.StatusCode)
	}
	if status, _ := api(t, http.MethodGet, base+"/api/v1/questions/"+qid, outsider.Token, ""); status != http.StatusNotFound {
		t.Errorf("API question for the outsider: %d", status)
	}
	if _, out := api(t, http.MethodGet, base+"/api/v1/questions", outsider.Token, ""); strings.Contains(fmt.Sprint(out), "Vertrauliche") {
		t.Error("API list shows the question to the outsider")
	}
	eventually(t, 10*time.Second, "the member finds the question", func() bool {
		ids, _ := searchIDs(t, base, member.Token, "Umorganisation")
		return len(ids) == 1
	})
	if ids, _ := searchIDs(t, base, outsider.Token, "Umorganisation"); len(ids) != 0 {
		t.Errorf("search shows the question to the outsider: %v", ids)
	}
	if _, out := api(t, http.MethodGet, base+"/api/v1/notifications", outsider.Token, ""); len(out["notifications"].([]any)) != 0 {
		t.Errorf("the outsider was notified: %v", out)
	}
	if _, body := ob.get("/benachrichtigungen"); strings.Contains(body, "Vertrauliche") {
		t.Error("the notification page shows the private question")
	}

	// A member who is mentioned does hear of it.
	colleague := makePerson(t, agency, false)
	addMember(t, private, colleague, policies.RoleMember)
	seesSpace(t, base, colleague, private)
	q2 := ask(t, base, member.Token, private.Slug, "Noch eine vertrauliche Frage", "@"+colleague.Handle+" weißt du es?")
	_, out := api(t, http.MethodGet, base+"/api/v1/notifications", colleague.Token, "")
	list := out["notifications"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["kind"] != "mention" || !strings.HasSuffix(list[0].(map[string]any)["url"].(string), "/fragen/"+id(q2)) {
		t.Errorf("the mentioned member's notifications: %v", out)
	}
}

// Answers, acceptances and comments reach the people watching a question.
func TestWatchersAreNotified(t *testing.T) {
	agency := makeAgency(t)
	asker, answerer := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Gilt die neue Reisekostenrichtlinie schon?", "")
	_, a := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, `{"body":"Ja, seit dem 1. Oktober."}`)
	api(t, http.MethodPost, base+"/api/v1/answers/"+id(a)+"/accept", asker.Token, "")
	kinds := func(token string) []string {
		_, out := api(t, http.MethodGet, base+"/api/v1/notifications", token, "")
		var ks []string
		for _, n := range out["notifications"].([]any) {
			ks = append(ks, n.(map[string]any)["kind"].(string))
		}
		return ks
	}
	if got := fmt.Sprint(kinds(asker.Token)); got != "[answer]" {
		t.Errorf("the asker heard %s, want [answer]", got)
	}
	if got := fmt.Sprint(kinds(answerer.Token)); got != "[accepted]" {
		t.Errorf("the answerer heard %s, want [accepted]", got)
	}
}

// The question page suggests people who know the question's topics, and
// inviting one sends them a notification.
func TestInviteAnExpertToAnswer(t *testing.T) {
	agency := makeAgency(t)
	asker, expert := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	status, q := api(t, http.MethodPost, base+"/api/v1/questions", asker.Token,
		fmt.Sprintf(`{"title":"Wie rechne ich Beihilfe ab?","space":%q,"topics":["Beihilfe %s"]}`, sp.Slug, asker.Handle))
	if status != http.StatusCreated {
		t.Fatalf("ask: %d %v", status, q)
	}
	if _, err := testDB.Pool.Exec(t.Context(), `INSERT INTO profile_skills (account_id, topic_id, level)
		SELECT $1, topic_id, 'expert' FROM question_topics WHERE question_id = $2`, expert.ID, q["id"]); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, base)
	b.signIn(asker.Email, asker.Password)
	_, body := b.get("/fragen/" + id(q))
	if !strings.Contains(body, "Wer kennt sich aus?") || !strings.Contains(body, `href="/personen/`+expert.Handle+`"`) {
		t.Fatal("the question page does not suggest the expert")
	}
	resp, _ := b.post("", "/fragen/"+id(q)+"/einladen", urlValues("handle", expert.Handle))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	_, out := api(t, http.MethodGet, base+"/api/v1/notifications", expert.Token, "")
	list := out["notifications"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["kind"] != "invite" {
		t.Fatalf("the expert's notifications: %v", out)
	}
	if status, out := api(t, http.MethodGet, base+"/api/v1/experts?q=Beihilfe", asker.Token, ""); status != http.StatusOK || !strings.Contains(fmt.Sprint(out), expert.Handle) {
		t.Fatalf("expert search: %d %v", status, out)
	}
}

func urlValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// A question the form refuses comes back with everything typed and the
// reason in words; nothing is saved.
func TestAskFormKeepsWhatWasTyped(t *testing.T) {
	asker := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	b := newBrowser(t, startServer(t))
	b.signIn(asker.Email, asker.Password)
	b.get("/fragen/neu")
	body := "Die Details, die niemand zweimal tippen möchte."
	resp, _ := b.submit("/fragen/neu", "/fragen", url.Values{
		"title": {"Kurz"}, "body": {body}, "topics": {"Reisekosten"}, "space": {strconv.FormatInt(sp.ID, 10)}, "action": {"ask"},
	})
	wantBackTo(t, "a four-letter title", resp, "/fragen/neu")
	_, page := b.get("/fragen/neu")
	for _, want := range []string{body, `value="Kurz"`, `value="Reisekosten"`, `aria-invalid="true"`, "Bitte korrigieren Sie"} {
		if !strings.Contains(page, want) {
			t.Errorf("the refilled form lacks %q", want)
		}
	}
	var n int
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM questions WHERE author_id = $1`, asker.ID).Scan(&n)
	if n != 0 {
		t.Fatalf("%d questions saved from a refused form", n)
	}
}

// A topic's old address, from before it was merged into another, still
// filters the board to that topic; an unknown one lists nothing.
func TestQuestionsByMergedTopic(t *testing.T) {
	asker := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	slug := unique("beihilfe")
	var topic int64
	ctx := context.Background()
	if err := testDB.Pool.QueryRow(ctx, `INSERT INTO topics (slug, name) VALUES ($1, $2) RETURNING id`, slug, slug).Scan(&topic); err != nil {
		t.Fatal(err)
	}
	if _, err := testDB.Pool.Exec(ctx, `INSERT INTO topic_redirects (slug, topic_id) VALUES ($1, $2)`, slug+"-alt", topic); err != nil {
		t.Fatal(err)
	}
	status, q := api(t, http.MethodPost, base+"/api/v1/questions", asker.Token,
		fmt.Sprintf(`{"title":"Wer zahlt die Beihilfe?","body":"","space":%q,"topics":[%q]}`, sp.Slug, slug))
	if status != http.StatusCreated {
		t.Fatalf("ask: %d %v", status, q)
	}
	for topic, want := range map[string]int{slug: 1, slug + "-alt": 1, "gibt-es-nicht": 0} {
		status, out := api(t, http.MethodGet, base+"/api/v1/questions?topic="+topic, asker.Token, "")
		if list, _ := out["questions"].([]any); status != http.StatusOK || len(list) != want {
			t.Errorf("?topic=%s: %d, %d questions, want %d (%v)", topic, status, len(list), want, out)
		}
	}
}

// A question edited in two places at once (two browsers): changes to the
// same paragraph show what the first saved, with both versions in the
// form; changes to different paragraphs are merged.
func TestQuestionEditConflictCanBeResolved(t *testing.T) {
	asker := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Wie beantrage ich Bildungsurlaub?", "Erste Fassung.")
	path := "/fragen/" + id(q) + "/bearbeiten"
	first, second := newBrowser(t, base), newBrowser(t, base)
	first.signIn(asker.Email, asker.Password)
	second.signIn(asker.Email, asker.Password)
	first.get(path)
	second.get(path)
	edit := func(b *browser, body, revision string) (*http.Response, string) {
		return b.post("", path, url.Values{"title": {"Wie beantrage ich Bildungsurlaub?"}, "body": {body}, "base_revision": {revision}})
	}
	if resp, _ := edit(first, "Fassung der Fragenden.", "1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", resp.StatusCode)
	}
	resp, page := edit(second, "Fassung aus dem zweiten Fenster.", "1")
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("second edit: %d", resp.StatusCode)
	}
	for _, want := range []string{"Fassung der Fragenden.", "Fassung aus dem zweiten Fenster.", `name="base_revision" value="2"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the conflict page lacks %q", want)
		}
	}
	if !strings.Contains(page, "Fassung aus dem zweiten Fenster.\n\nFassung der Fragenden.\n</textarea>") {
		t.Error("the conflict form does not hold both versions")
	}
	if resp, _ := edit(second, "Beide Fassungen zusammen.", "2"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after merging: %d", resp.StatusCode)
	}
	// Edits of different paragraphs are merged without a conflict.
	third := newBrowser(t, base)
	third.signIn(asker.Email, asker.Password)
	third.get(path)
	edit(first, "Erster Absatz.\n\nZweiter Absatz.", "3")
	if resp, _ := edit(first, "Erster Absatz, ergänzt.\n\nZweiter Absatz.", "4"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit of the first paragraph: %d", resp.StatusCode)
	}
	if resp, page := edit(third, "Erster Absatz.\n\nZweiter Absatz, ergänzt.", "4"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit of the second paragraph: %d %.300s", resp.StatusCode, page)
	}
	_, out := api(t, http.MethodGet, base+"/api/v1/questions/"+id(q), asker.Token, "")
	question, _ := out["question"].(map[string]any)
	if body, _ := question["body"].(string); !strings.Contains(body, "Erster Absatz, ergänzt.") || !strings.Contains(body, "Zweiter Absatz, ergänzt.") {
		t.Fatalf("merged question body: %q", body)
	}
}
