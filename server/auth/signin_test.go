package auth

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/errs"
)

func newTestAuth(t *testing.T, maxFailures, maxAddress int) *Auth {
	t.Helper()
	dummy, err := HashPassword("dummy")
	if err != nil {
		t.Fatal(err)
	}
	return &Auth{cfg: Config{MaxFailures: maxFailures, MaxAddressFailures: maxAddress, LockDuration: time.Minute},
		store: NewStore(db.Pool), log: slog.New(slog.NewTextHandler(io.Discard, nil)), dummyHash: dummy}
}

func addr() string { return fmt.Sprintf("192.0.2.%d", seq.Add(1)) }

// After MaxFailures wrong passwords in a row the account is locked, the
// right password too; the address of the mail counts whatever its case.
func TestCheckPasswordLocksAfterFailures(t *testing.T) {
	ctx := context.Background()
	a := newTestAuth(t, 3, 100)
	acc := person(t, a.store, "richtig-und-lang")
	if got, err := a.CheckPassword(ctx, " "+strings.ToUpper(acc.Email)+" ", "richtig-und-lang", addr(), ""); err != nil || got.ID != acc.ID {
		t.Fatalf("right password: %d %v", got.ID, err)
	}
	for i := range 3 {
		email := acc.Email
		if i == 1 {
			email = strings.ToLower(email)
		}
		if _, err := a.CheckPassword(ctx, email, "falsch", addr(), ""); !errs.Is(err, errs.Unauthenticated) {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
	_, err := a.CheckPassword(ctx, acc.Email, "richtig-und-lang", addr(), "")
	if e, ok := errs.As(err); !ok || e.Code != errs.TooManyRequests || e.Args["Minutes"] != 1 {
		t.Errorf("right password while locked: %v", err)
	}
}

// A right password forgets the wrong ones before it: the lock counts
// failures in a row.
func TestCheckPasswordSuccessResetsTheCount(t *testing.T) {
	ctx := context.Background()
	a := newTestAuth(t, 3, 100)
	acc := person(t, a.store, "richtig-und-lang")
	for round := range 3 {
		for range 2 {
			if _, err := a.CheckPassword(ctx, acc.Email, "falsch", addr(), ""); !errs.Is(err, errs.Unauthenticated) {
				t.Fatalf("round %d, wrong password: %v", round, err)
			}
		}
		if _, err := a.CheckPassword(ctx, acc.Email, "richtig-und-lang", addr(), ""); err != nil {
			t.Fatalf("round %d, right password: %v", round, err)
		}
	}
}

// Unknown addresses, accounts without password and disabled accounts all
// get the answer of a wrong password.
func TestCheckPasswordSameAnswerForUnusableAccounts(t *testing.T) {
	ctx := context.Background()
	a := newTestAuth(t, 3, 100)
	noPassword := person(t, a.store, "")
	disabled := person(t, a.store, "richtig-und-lang")
	if err := a.store.SetDisabled(ctx, disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	for name, email := range map[string]string{"unknown": "niemand@example.org", "no password": noPassword.Email, "disabled": disabled.Email} {
		_, err := a.CheckPassword(ctx, email, "richtig-und-lang", addr(), "")
		if e, ok := errs.As(err); !ok || e.Key != "auth.wrong_credentials" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckPasswordLocksTheClientAddress(t *testing.T) {
	ctx := context.Background()
	a := newTestAuth(t, 100, 2)
	acc := person(t, a.store, "richtig-und-lang")
	from := addr()
	for i := range 2 {
		a.CheckPassword(ctx, fmt.Sprintf("rate-%d-%d@example.org", i, seq.Add(1)), "x", from, "")
	}
	if _, err := a.CheckPassword(ctx, acc.Email, "richtig-und-lang", from, ""); !errs.Is(err, errs.TooManyRequests) {
		t.Errorf("from a locked address: %v", err)
	}
	if _, err := a.CheckPassword(ctx, acc.Email, "richtig-und-lang", addr(), ""); err != nil {
		t.Errorf("from another address: %v", err)
	}
}

// The person's own browser, known by its device cookie, signs in while
// someone else's guesses have locked the account.
func TestCheckPasswordKnownDevicePassesTheAccountLock(t *testing.T) {
	ctx := context.Background()
	a := newTestAuth(t, 2, 100)
	acc := person(t, a.store, "richtig-und-lang")
	payload := fmt.Sprintf("%d.%d.%s", acc.ID, time.Now().Unix(), randomToken(16))
	device := payload + "." + deviceMAC(acc, payload)
	for range 2 {
		a.CheckPassword(ctx, acc.Email, "geraten", addr(), "")
	}
	if _, err := a.CheckPassword(ctx, acc.Email, "richtig-und-lang", addr(), ""); !errs.Is(err, errs.TooManyRequests) {
		t.Fatalf("new browser on a locked account: %v", err)
	}
	if got, err := a.CheckPassword(ctx, acc.Email, "richtig-und-lang", addr(), device); err != nil || got.ID != acc.ID {
		t.Errorf("known browser on a locked account: %v", err)
	}
	// The device has a count of its own.
	for range 2 {
		a.CheckPassword(ctx, acc.Email, "geraten", addr(), device)
	}
	if _, err := a.CheckPassword(ctx, acc.Email, "richtig-und-lang", addr(), device); !errs.Is(err, errs.TooManyRequests) {
		t.Errorf("known browser after its own failures: %v", err)
	}
}
