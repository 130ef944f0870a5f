// Package formreturn keeps the page of a rejected form for the one GET
// that follows the redirect to the form's own address (post/redirect/get),
// in PostgreSQL, so that any server behind the load balancer can answer
// it and a reload never sends the form again.
package formreturn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/fachnetz/fachnetz/server/periodic"
)

// Defaults: a page is kept for the redirect that follows within a second;
// half an hour covers a slow network and a browser that stalls, and a
// page of the largest form (1 MiB of text) with its surroundings fits.
// A page past MaxAge is never shown; the purge that runs every PurgeEvery
// deletes it, so no page is held longer than MaxAge + PurgeEvery (the
// bound policies/DATENSCHUTZ.md states).
const (
	MaxAge     = 30 * time.Minute
	PurgeEvery = 5 * time.Minute
	MaxBytes   = 2 << 20
	PerOwner   = 10
)

// Returns keeps and hands out returned pages.
type Returns struct {
	store *Store
	log   *slog.Logger
}

// New keeps pages in store.
func New(store *Store, log *slog.Logger) *Returns { return &Returns{store: store, log: log} }

// Keep stores a page for an owner (the hash of a secret only the owner's
// browser holds) and the address it is to be shown at, and returns the
// id the browser is given. A page larger than MaxBytes is refused.
func (r *Returns) Keep(ctx context.Context, owner []byte, target string, page []byte) (string, error) {
	if len(page) > MaxBytes {
		return "", fmt.Errorf("keep form page: %d bytes, at most %d", len(page), MaxBytes)
	}
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	return id, r.store.Put(ctx, id, owner, target, string(page), PerOwner)
}

// Take returns the page kept under id for this owner and address, once:
// it is deleted as it is read.
func (r *Returns) Take(ctx context.Context, id string, owner []byte, target string) ([]byte, bool, error) {
	page, ok, err := r.store.Take(ctx, id, owner, target, MaxAge)
	return []byte(page), ok, err
}

// Forget deletes the pages kept for an owner, when the session they are
// bound to ends.
func (r *Returns) Forget(ctx context.Context, owner []byte) error {
	return r.store.DeleteOwner(ctx, owner)
}

// Run deletes expired pages every interval until ctx ends.
func (r *Returns) Run(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, r.log, "purge form pages", func(ctx context.Context) error {
		_, err := r.store.Purge(ctx, MaxAge)
		return err
	})
}
