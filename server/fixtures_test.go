package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
)

var fixtureSeq atomic.Int64

// unique returns a name no other test of this run uses.
func unique(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, fixtureSeq.Add(1))
}

type person struct {
	auth.Account
	Token    string
	Password string
}

func makeAgency(t *testing.T) auth.Agency {
	t.Helper()
	return makeAgencyIn(t, testDB.Pool)
}

// makeAgencyIn, makePersonIn and makeSpaceIn make them in a database of
// the test's own, for a test whose instance must hold nothing else.
func makeAgencyIn(t *testing.T, pool *pgxpool.Pool) auth.Agency {
	t.Helper()
	a, err := auth.NewStore(pool).CreateAgency(context.Background(), unique("behoerde"), "Behörde für Tests")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// makePerson creates an account with a password and an API token.
func makePerson(t *testing.T, agency auth.Agency, admin bool) person {
	t.Helper()
	return makePersonIn(t, testDB.Pool, agency, admin)
}

func makePersonIn(t *testing.T, pool *pgxpool.Pool, agency auth.Agency, admin bool) person {
	t.Helper()
	ctx := context.Background()
	store := auth.NewStore(pool)
	handle := unique("person")
	password := "richtig-langes-passwort-" + handle
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := store.CreateAccount(ctx, auth.NewAccount{
		AgencyID: agency.ID, Email: handle + "@example.org", DisplayName: "Person " + handle, Handle: handle,
		PasswordHash: &hash, Admin: admin,
	})
	if err != nil {
		t.Fatal(err)
	}
	token, tokenHash := auth.NewTokenSecret()
	if _, err := store.CreateToken(ctx, acc.ID, "test", tokenHash); err != nil {
		t.Fatal(err)
	}
	return person{Account: acc, Token: token, Password: password}
}

func makeSpace(t *testing.T, owner person, vis policies.Visibility, agencyRole policies.Role) policies.Space {
	t.Helper()
	return makeSpaceIn(t, testDB.Pool, owner, vis, agencyRole)
}

func makeSpaceIn(t *testing.T, pool *pgxpool.Pool, owner person, vis policies.Visibility, agencyRole policies.Role) policies.Space {
	t.Helper()
	sp, err := policies.NewStore(pool).CreateSpace(context.Background(), policies.NewSpace{
		Slug: unique("bereich"), Name: "Bereich", AgencyID: owner.AgencyID, Visibility: vis, AgencyRole: agencyRole,
	}, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func addMember(t *testing.T, sp policies.Space, p person, role policies.Role) {
	t.Helper()
	if err := policies.NewStore(testDB.Pool).SetMember(context.Background(), sp.ID, policies.MemberRef{AccountID: p.ID}, role); err != nil {
		t.Fatal(err)
	}
}

// api sends a JSON request with a bearer token (none when token is "").
func api(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// seesSpace waits until the server at base lets p read sp: a space or
// membership made directly in the database reaches the server's rules
// through NOTIFY, a moment later.
func seesSpace(t *testing.T, base string, p person, sp policies.Space) {
	t.Helper()
	waitFor(t, func() bool {
		status, _ := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug, p.Token, "")
		return status == http.StatusOK
	}, p.Handle+" to see space "+sp.Slug)
}
