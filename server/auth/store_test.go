package auth

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "auth", &db)) }

var seq atomic.Int64

// person creates an agency and an account with password in it, each named
// uniquely so that tests do not see each other's rows.
func person(t *testing.T, st *Store, password string) Account {
	t.Helper()
	ctx := context.Background()
	n := seq.Add(1)
	ag, err := st.CreateAgency(ctx, fmt.Sprintf("ag-%d-%d", os.Getpid(), n), "Behörde")
	if err != nil {
		t.Fatal(err)
	}
	var hash *string
	if password != "" {
		h, err := HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		hash = &h
	}
	acc, err := st.CreateAccount(ctx, NewAccount{AgencyID: ag.ID, Email: fmt.Sprintf("Person.%d@Example.org", n),
		DisplayName: "Person", Handle: fmt.Sprintf("person-%d", n), PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

func TestAccountByEmailIgnoresCase(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	acc := person(t, st, "")
	for _, e := range []string{acc.Email, "person." + acc.Email[len("Person."):], "PERSON." + acc.Email[len("Person."):]} {
		got, err := st.AccountByEmail(ctx, e)
		if err != nil || got.ID != acc.ID {
			t.Errorf("AccountByEmail(%q) = %d, %v", e, got.ID, err)
		}
	}
	if _, err := st.AccountByEmail(ctx, "niemand@example.org"); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown address: %v", err)
	}
}

func TestCreateAccountConflictsNameTheField(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	acc := person(t, st, "")
	_, err := st.CreateAccount(ctx, NewAccount{AgencyID: acc.AgencyID, Email: acc.Email, DisplayName: "X", Handle: "frei-" + acc.Handle})
	if e, ok := errs.As(err); !ok || e.Code != errs.Conflict || e.Field != "email" {
		t.Errorf("taken address: %v", err)
	}
	_, err = st.CreateAccount(ctx, NewAccount{AgencyID: acc.AgencyID, Email: "frei-" + acc.Email, DisplayName: "X", Handle: acc.Handle})
	if e, ok := errs.As(err); !ok || e.Code != errs.Conflict || e.Field != "handle" {
		t.Errorf("taken handle: %v", err)
	}
	_, err = st.CreateAccount(ctx, NewAccount{AgencyID: acc.AgencyID, Email: "x-" + acc.Email, DisplayName: "X", Handle: "Kein Handle!"})
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("handle against the check: %v", err)
	}
}

func TestFreeHandleCountsOnPastTakenOnes(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	acc := person(t, st, "")
	base := fmt.Sprintf("frei-%d", seq.Add(1))
	if h, err := st.FreeHandle(ctx, base+"@x.de"); h != base || err != nil {
		t.Fatalf("free base: %q %v", h, err)
	}
	for _, h := range []string{base, base + "2"} {
		if _, err := st.CreateAccount(ctx, NewAccount{AgencyID: acc.AgencyID, Email: h + "@y.de", DisplayName: "X", Handle: h}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := st.FreeHandle(ctx, base+"@x.de")
	if h != base+"3" || err != nil {
		t.Errorf("after base and base2 are taken: %q %v", h, err)
	}
}

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	acc := person(t, st, "")
	create := func(name string, idle, max time.Duration) []byte {
		t.Helper()
		h := hashToken(name + acc.Handle)
		if err := st.CreateSession(ctx, acc.ID, h, "csrf-"+name, idle, max, nil); err != nil {
			t.Fatal(err)
		}
		return h
	}
	live := create("live", time.Hour, 24*time.Hour)
	idle := create("idle", -time.Second, 24*time.Hour)
	over := create("over", time.Hour, -time.Second)

	s, err := st.SessionByHash(ctx, live)
	if err != nil || s.Account.ID != acc.ID || s.CSRFToken != "csrf-live" {
		t.Fatalf("live session: %+v %v", s, err)
	}
	for name, h := range map[string][]byte{"idle": idle, "past its end": over, "unknown": hashToken("nie")} {
		if _, err := st.SessionByHash(ctx, h); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("%s session: %v", name, err)
		}
	}
	// An idle session names its owner until its absolute end, so that a
	// text saved from it can be kept for them.
	if id, err := st.EndedSessionAccount(ctx, idle); id != acc.ID || err != nil {
		t.Errorf("ended session's account: %d %v", id, err)
	}
	if err := st.DeleteExpired(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if id, _ := st.EndedSessionAccount(ctx, idle); id != acc.ID {
		t.Error("the sweep removed a session before its absolute end")
	}
	if id, _ := st.EndedSessionAccount(ctx, over); id != 0 {
		t.Error("the sweep kept a session past its absolute end")
	}

	if err := st.SetDisabled(ctx, acc.ID, true); err != nil {
		t.Fatal(err)
	}
	if id, _ := st.EndedSessionAccount(ctx, live); id != 0 {
		t.Error("disabling kept the account's sessions")
	}
}

func TestExtendSessionStopsAtTheAbsoluteEnd(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	acc := person(t, st, "")
	h := hashToken("extend" + acc.Handle)
	if err := st.CreateSession(ctx, acc.ID, h, "c", time.Minute, 10*time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.ExtendSession(ctx, h, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	s, _ := st.SessionByHash(ctx, h)
	if d := time.Until(s.IdleExpiresAt); d < 4*time.Minute || d > 6*time.Minute {
		t.Errorf("extended idle end in %v, want about 5m", d)
	}
	if err := st.ExtendSession(ctx, h, time.Hour); err != nil {
		t.Fatal(err)
	}
	s, _ = st.SessionByHash(ctx, h)
	if !s.IdleExpiresAt.Equal(s.ExpiresAt) {
		t.Errorf("idle end %v past the absolute end %v", s.IdleExpiresAt, s.ExpiresAt)
	}
}

// A new session replaces the one the browser had, and a new password ends
// every session but the one that set it.
func TestSessionReplacedAndEndedByNewPassword(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	acc := person(t, st, "")
	planted, mine, other := hashToken("p"+acc.Handle), hashToken("m"+acc.Handle), hashToken("o"+acc.Handle)
	for _, h := range [][]byte{planted, other} {
		if err := st.CreateSession(ctx, acc.ID, h, "c", time.Hour, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateSession(ctx, acc.ID, mine, "c", time.Hour, time.Hour, planted); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByHash(ctx, planted); err == nil {
		t.Error("the replaced session still works")
	}
	if err := st.SetPassword(ctx, acc.ID, "neu", mine); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByHash(ctx, mine); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, err := st.SessionByHash(ctx, other); err == nil {
		t.Error("another session survived the new password")
	}
}

func TestTokensByHashRevokedAndDisabled(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	acc, stranger := person(t, st, ""), person(t, st, "")
	secret, hash := NewTokenSecret()
	if len(secret) < 40 || secret[:3] != "fn_" {
		t.Errorf("token secret %q", secret)
	}
	tok, err := st.CreateToken(ctx, acc.ID, "Skript", hash)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.AccountByToken(ctx, hashToken(secret))
	if err != nil || got.ID != acc.ID {
		t.Fatalf("token lookup: %d %v", got.ID, err)
	}
	if _, err := st.AccountByToken(ctx, hashToken(secret+"x")); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("wrong token: %v", err)
	}
	list, _ := st.Tokens(ctx, acc.ID)
	if len(list) != 1 || list[0].LastUsedOn == nil {
		t.Errorf("tokens after use: %+v", list)
	}
	if err := st.RevokeToken(ctx, stranger.ID, tok.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("revoking someone else's token: %v", err)
	}
	if err := st.SetDisabled(ctx, acc.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AccountByToken(ctx, hash); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("token of a disabled account: %v", err)
	}
	st.SetDisabled(ctx, acc.ID, false)
	if _, err := st.AccountByToken(ctx, hash); err != nil {
		t.Errorf("token after re-enabling: %v", err)
	}
	if err := st.RevokeToken(ctx, acc.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AccountByToken(ctx, hash); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("revoked token: %v", err)
	}
}
