package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// The tree beside a page is kept in memory per server and read again when
// the space's pages changed, whichever server changed them; an edit of a
// text leaves it be.
func TestPageTreeFollowsChangesMadeByAnotherServer(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, p, policies.Private, policies.RoleViewer)
	writer, reader := startServer(t), startServer(t)
	for _, slug := range []string{"alpha", "beta"} {
		if status, _ := putPage(t, writer, p.Token, sp.Slug, slug, "Text.", 0); status != http.StatusCreated {
			t.Fatalf("create %s: %d", slug, status)
		}
	}
	b := newBrowser(t, reader)
	b.signIn(p.Email, p.Password)
	tree := func() string {
		t.Helper()
		resp, body := b.get("/bereiche/" + sp.Slug + "/seiten/alpha")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("view: %d", resp.StatusCode)
		}
		_, tree, _ := strings.Cut(body, `class="wiki-tree"`)
		return tree
	}
	if got := tree(); !strings.Contains(got, ">beta<") {
		t.Fatalf("the tree lacks beta: %s", got)
	}
	version := func() (v int64) {
		t.Helper()
		if err := testDB.Pool.QueryRow(context.Background(), `SELECT pages_version FROM spaces WHERE id = $1`, sp.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := version()
	if status, _ := putPage(t, writer, p.Token, sp.Slug, "alpha", "Neuer Text.", 1); status != http.StatusOK {
		t.Fatalf("edit alpha: %d", status)
	}
	if after := version(); after != before {
		t.Errorf("an edit of the text changed the tree's version from %d to %d", before, after)
	}
	if status, _ := putPage(t, writer, p.Token, sp.Slug, "gamma", "Text.", 0); status != http.StatusCreated {
		t.Fatalf("create gamma: %d", status)
	}
	if status, _ := api(t, http.MethodPut, writer+"/api/v1/spaces/"+sp.Slug+"/pages/beta", p.Token, `{"title":"Betaneu","base_revision":1}`); status != http.StatusOK {
		t.Fatalf("rename beta: %d", status)
	}
	got := tree()
	if !strings.Contains(got, ">gamma<") || !strings.Contains(got, ">Betaneu<") || strings.Contains(got, ">beta<") {
		t.Fatalf("the other server's tree missed a new page or a new title: %s", got)
	}
	if status, _ := api(t, http.MethodDelete, writer+"/api/v1/spaces/"+sp.Slug+"/pages/gamma", p.Token, ""); status != http.StatusNoContent && status != http.StatusOK {
		t.Fatalf("delete gamma: %d", status)
	}
	if got := tree(); strings.Contains(got, ">gamma<") {
		t.Fatalf("the other server's tree keeps a deleted page: %s", got)
	}
}
