// Package webhook sends a space's events to HTTPS endpoints that its
// owners register, signed per Standard Webhooks
// (https://www.standardwebhooks.com/). It is a notify consumer: each
// matching event becomes a delivery row in the event's transaction, and a
// sender worker posts the rows, retrying with backoff. Several servers
// share the rows with FOR UPDATE SKIP LOCKED.
//
// An endpoint learns no more than the space's readers see through the
// API, and only while the person who registered it may still read the
// space: that is checked again before every send.
package webhook

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

// KindOff is the in-app notification that tells an endpoint's creator it
// was switched off.
const KindOff = notify.KindWebhookOff

// types maps the notify kinds an endpoint may choose to the event types
// it receives, in the order the form lists them.
var types = []struct{ Kind, Type string }{
	{notify.KindPageCreated, "page.created"},
	{notify.KindPageChanged, "page.changed"},
	{notify.KindPageMoved, "page.moved"},
	{notify.KindPageDeleted, "page.deleted"},
	{notify.KindQuestion, "question.asked"},
	{notify.KindAccepted, "answer.accepted"},
}

func typeOf(kind string) (string, bool) {
	for _, t := range types {
		if t.Kind == kind {
			return t.Type, true
		}
	}
	return "", false
}

// Config is how the webhooks behave; zero durations take the defaults.
type Config struct {
	BaseURL      *url.URL        // absolute URLs in payloads
	AllowPrivate bool            // allow endpoints on loopback, private and link-local addresses
	Backoff      []time.Duration // waits after the 1st, 2nd, … failed attempt; the last repeats
	Lease        time.Duration   // how long a claimed delivery is kept from other senders
	OffAfter     time.Duration   // failing this long switches an endpoint off
	Tick         time.Duration   // how often the sender looks for due deliveries
	Timeout      time.Duration   // of one POST
	RootCAs      *x509.CertPool  // trusted CAs; nil: the system's (tests add their receiver's)
	Log          *slog.Logger
}

func (c *Config) defaults() {
	if len(c.Backoff) == 0 {
		c.Backoff = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}
	}
	if c.Lease <= 0 {
		c.Lease = 3 * time.Minute // well over one batch at the usual answer times
	}
	if c.OffAfter <= 0 {
		c.OffAfter = 72 * time.Hour
	}
	if c.Tick <= 0 {
		c.Tick = time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Lease < c.Timeout+2*time.Second {
		c.Lease = c.Timeout + 2*time.Second // room for one POST per claim at least
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
}

// Webhooks is the webhook channel: registration pages, the consumer and
// the sender.
type Webhooks struct {
	cfg    Config
	store  *Store
	pool   *pgxpool.Pool
	web    *web.Web
	spaces *policies.Spaces
	notify *notify.Notifier
}

// New wires the webhook channel. Register Consume with the notifier and
// run Run in the background.
func New(pool *pgxpool.Pool, w *web.Web, spaces *policies.Spaces, n *notify.Notifier, cfg Config) *Webhooks {
	cfg.defaults()
	return &Webhooks{cfg: cfg, store: NewStore(pool), pool: pool, web: w, spaces: spaces, notify: n}
}

// payload is the body of a delivery: what the space's readers see of the
// item through the API, and nothing about who did it.
type payload struct {
	Type      string      `json:"type"`
	Timestamp string      `json:"timestamp"`
	Data      payloadData `json:"data"`
}

type payloadData struct {
	Space string `json:"space"`
	ID    int64  `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Consume is the notify consumer: one delivery per active endpoint of the
// event's space that chose its kind, written in the event's transaction.
func (h *Webhooks) Consume(ctx context.Context, tx pgx.Tx, eventID int64, ev notify.Event, _ []int64) error {
	typ, ok := typeOf(ev.Kind)
	if !ok {
		return nil
	}
	slug, ok, err := h.store.SpaceSlugIfHooked(ctx, tx, ev.SpaceID, ev.Kind)
	if err != nil || !ok {
		return err
	}
	body, err := json.Marshal(payload{Type: typ, Timestamp: time.Now().UTC().Format(time.RFC3339),
		Data: payloadData{Space: slug, ID: ev.SubjectID, Title: ev.Title, URL: h.absolute(ev.URL)}})
	if err != nil {
		return fmt.Errorf("webhook payload: %w", err)
	}
	return h.store.Enqueue(ctx, tx, ev.SpaceID, ev.Kind, eventID, typ, string(body))
}

func (h *Webhooks) absolute(path string) string {
	if h.cfg.BaseURL == nil {
		return path
	}
	return strings.TrimRight(h.cfg.BaseURL.String(), "/") + path
}

// newSecret returns a signing key and its Standard Webhooks form.
func newSecret() ([]byte, string) {
	key := make([]byte, 32)
	rand.Read(key)
	return key, "whsec_" + base64.StdEncoding.EncodeToString(key)
}

// kindsOf keeps the known kinds of a choice, in the form's order.
func kindsOf(chosen []string) []string {
	var out []string
	for _, t := range types {
		if slices.Contains(chosen, t.Kind) {
			out = append(out, t.Kind)
		}
	}
	return out
}
