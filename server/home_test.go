package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// TestHomeShowsOnlyWhatTheViewerMayRead: the start page of a signed-in
// person lists their spaces, pages changed in them, open questions of
// their spaces and topics and their own pages due for review; nothing of
// a private space they are not in, and no names of who wrote what.
func TestHomeShowsOnlyWhatTheViewerMayRead(t *testing.T) {
	ctx := context.Background()
	agency := makeAgency(t)
	viewer, other := makePerson(t, agency, false), makePerson(t, agency, false)
	named := func(owner person, name string, vis policies.Visibility) policies.Space {
		sp, err := policies.NewStore(testDB.Pool).CreateSpace(ctx, policies.NewSpace{
			Slug: unique("bereich"), Name: name, AgencyID: agency.ID, Visibility: vis, AgencyRole: policies.RoleMember,
		}, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		return sp
	}
	own := named(other, "Projekt Startseite", policies.Private)
	addMember(t, own, viewer, policies.RoleMember)
	secret := named(other, "Geheimprojekt Tresor", policies.Private)
	house := named(other, "Ganzes Haus Startseite", policies.Organisation)
	base := startServer(t)
	seesSpace(t, base, viewer, own)
	seesSpace(t, base, other, secret)

	for _, p := range []struct{ space, slug string }{{own.Slug, "sichtbare-seite"}, {secret.Slug, "geheime-seite"}, {own.Slug, "faellige-seite"}} {
		if status, out := putPage(t, base, other.Token, p.space, p.slug, "Text.", 0); status != http.StatusOK && status != http.StatusCreated {
			t.Fatalf("page %s: %d %v", p.slug, status, out)
		}
	}
	if _, err := testDB.Pool.Exec(ctx, `UPDATE pages SET owner_id = $1, review_due = current_date - 3 WHERE space_id = $2 AND slug = 'faellige-seite'`, viewer.ID, own.ID); err != nil {
		t.Fatal(err)
	}
	ask(t, base, other.Token, own.Slug, "Offene Frage im eigenen Bereich?", "Text.")
	ask(t, base, other.Token, secret.Slug, "Geheime offene Frage im Tresor?", "Text.")
	ask(t, base, other.Token, house.Slug, "Frage des Hauses ohne Bezug?", "Text.")
	topic := unique("Startseitenthema")
	status, q := api(t, http.MethodPost, base+"/api/v1/questions", other.Token,
		fmt.Sprintf(`{"title":"Frage des Hauses zu meinem Fach?","body":"Text.","space":%q,"topics":[%q]}`, house.Slug, topic))
	if status != http.StatusCreated {
		t.Fatalf("ask with topic: %d %v", status, q)
	}
	if _, err := testDB.Pool.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level)
		SELECT $1, topic_id, 'expert' FROM question_topics WHERE question_id = $2`, viewer.ID, q["id"]); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, base)
	b.signIn(viewer.Email, viewer.Password)
	resp, body := b.get("/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`action="/suche"`, "Meine Bereiche", "Projekt Startseite", "Ganzes Haus Startseite",
		"sichtbare seite", "Offene Frage im eigenen Bereich?", "Frage des Hauses zu meinem Fach?",
		"Meine Seiten zur Prüfung", "faellige seite",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the start page does not show %q", want)
		}
	}
	for _, not := range []string{"Geheimprojekt", "geheime seite", "Geheime offene Frage", secret.Slug, "Frage des Hauses ohne Bezug", other.DisplayName, "Gefragt diese Woche"} {
		if strings.Contains(body, not) {
			t.Errorf("the start page shows %q", not)
		}
	}

	_, anon := newBrowser(t, base).get("/")
	if !strings.Contains(anon, `href="/anmelden?next=/"`) || strings.Contains(anon, "Meine Bereiche") || strings.Contains(anon, "Projekt Startseite") {
		t.Error("an anonymous visitor gets the welcome with the way to sign in, and nothing else")
	}
}

// TestHomeOpenQuestionsOfEverySpaceJoined: the start page lists only the
// first twenty of a person's spaces, by name, but the open questions of
// all of them.
func TestHomeOpenQuestionsOfEverySpaceJoined(t *testing.T) {
	ctx := context.Background()
	agency := makeAgency(t)
	viewer, other := makePerson(t, agency, false), makePerson(t, agency, false)
	base := startServer(t)
	var last policies.Space
	for i := range 22 {
		sp, err := policies.NewStore(testDB.Pool).CreateSpace(ctx, policies.NewSpace{
			Slug: unique("viele"), Name: fmt.Sprintf("Bereich %02d von vielen", i), AgencyID: agency.ID,
			Visibility: policies.Private, AgencyRole: policies.RoleMember,
		}, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		addMember(t, sp, viewer, policies.RoleMember)
		last = sp
	}
	seesSpace(t, base, viewer, last)
	ask(t, base, other.Token, last.Slug, "Offene Frage im zweiundzwanzigsten Bereich?", "Text.")

	b := newBrowser(t, base)
	b.signIn(viewer.Email, viewer.Password)
	_, body := b.get("/")
	// The question names space 21 as its space; space 20 has none.
	if strings.Contains(body, "Bereich 20 von vielen") {
		t.Error("the start page lists more than twenty spaces")
	}
	if !strings.Contains(body, "Offene Frage im zweiundzwanzigsten Bereich?") {
		t.Error("the open question of a space joined but not listed is missing")
	}
}

// TestNamesInsteadOfShortCodes: where people read which agency or space a
// thing belongs to (Konto, Prüfungen), they read its name, not its slug.
func TestNamesInsteadOfShortCodes(t *testing.T) {
	ctx := context.Background()
	agency := makeAgency(t)
	owner := makePerson(t, agency, false)
	sp, err := policies.NewStore(testDB.Pool).CreateSpace(ctx, policies.NewSpace{
		Slug: unique("kuerzel"), Name: "Referat Haushalt und Rechnung", AgencyID: agency.ID, Visibility: policies.Private, AgencyRole: policies.RoleMember,
	}, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	base := startServer(t)
	seesSpace(t, base, owner, sp)
	if status, out := putPage(t, base, owner.Token, sp.Slug, "haushaltsplan", "Text.", 0); status != http.StatusOK && status != http.StatusCreated {
		t.Fatalf("page: %d %v", status, out)
	}
	if _, err := testDB.Pool.Exec(ctx, `UPDATE pages SET owner_id = $1, review_due = current_date - 1 WHERE space_id = $2`, owner.ID, sp.ID); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)
	_, konto := b.get("/konto")
	if !strings.Contains(konto, ">"+agency.Name+"</dd>") || strings.Contains(konto, ">"+agency.Slug+"</dd>") {
		t.Errorf("/konto does not name the agency %q (slug %q)", agency.Name, agency.Slug)
	}
	_, review := b.get("/pruefung")
	if !strings.Contains(review, ">Referat Haushalt und Rechnung</td>") || strings.Contains(review, ">"+sp.Slug+"</td>") {
		t.Errorf("/pruefung does not name the space %q (slug %q)", sp.Name, sp.Slug)
	}
}
