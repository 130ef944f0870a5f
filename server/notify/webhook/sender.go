package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// batch is how many deliveries one claim takes.
const batch = 10

// Retention of finished deliveries in the log.
const Retention = 30 * 24 * time.Hour

// Run sends due deliveries at once and then on every tick until ctx ends.
func (h *Webhooks) Run(ctx context.Context) {
	client := h.client()
	ticker := time.NewTicker(h.cfg.Tick)
	defer ticker.Stop()
	var swept time.Time
	for {
		h.drain(ctx, client)
		if time.Since(swept) > time.Hour {
			swept = time.Now()
			if _, err := h.store.Sweep(ctx, swept.Add(-Retention)); err != nil && ctx.Err() == nil {
				h.cfg.Log.Warn("sweep webhook deliveries", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// drain sends claimed batches until none is due.
func (h *Webhooks) drain(ctx context.Context, client *http.Client) {
	for ctx.Err() == nil {
		claimedAt := time.Now()
		list, err := h.store.Claim(ctx, batch, h.cfg.Lease)
		if err != nil {
			if ctx.Err() == nil {
				h.cfg.Log.Warn("claim webhook deliveries", "err", err)
			}
			return
		}
		for i, d := range list {
			// Slow endpoints may eat the lease: what could not be sent
			// before it runs out is left to whoever claims it next, so
			// that no delivery is sent by two senders.
			if time.Since(claimedAt) > h.cfg.Lease-h.cfg.Timeout-time.Second {
				h.cfg.Log.Info("webhook lease running out; deliveries left for later", "left", len(list)-i)
				return
			}
			if err := h.deliver(ctx, client, d); err != nil && ctx.Err() == nil {
				h.cfg.Log.Warn("webhook delivery", "delivery", d.ID, "err", err)
			}
		}
		if len(list) < batch {
			return
		}
	}
}

// client posts to endpoints: through a dialer that refuses inward
// addresses, following no redirects, with no proxy.
func (h *Webhooks) client() *http.Client {
	dialer := &net.Dialer{Timeout: h.cfg.Timeout, Control: h.dialControl}
	return &http.Client{
		Timeout: h.cfg.Timeout,
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			TLSClientConfig:     &tls.Config{RootCAs: h.cfg.RootCAs, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: h.cfg.Timeout,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     time.Minute,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// deliver sends one claimed delivery, if it may still go, and records the
// attempt.
func (h *Webhooks) deliver(ctx context.Context, client *http.Client, d claimed) error {
	if !d.Active {
		return h.store.Skip(ctx, d.ID, "endpoint switched off")
	}
	if !h.spaces.Enforcer.Can(ctx, policies.Subject{AccountID: d.CreatedBy}, policies.Read, d.SpaceID) {
		return h.store.Skip(ctx, d.ID, "creator may no longer read the space")
	}
	status, errText := h.post(ctx, client, d)
	if ctx.Err() != nil {
		return nil // shutting down: the lease runs out and another sender retries
	}
	ok := status != nil && *status >= 200 && *status < 300
	retry := time.Now()
	if !ok {
		retry = retry.Add(h.backoff(d.Attempts + 1))
	}
	return postgres.WithTx(ctx, h.pool, func(tx pgx.Tx) error {
		if err := h.store.Record(ctx, tx, d, status, errText, ok, retry); err != nil || ok {
			return err
		}
		e, off, err := h.store.SwitchOffIfFailing(ctx, tx, d.WebhookID, time.Now().Add(-h.cfg.OffAfter))
		if err != nil || !off {
			return err
		}
		return h.toldOff(ctx, tx, e)
	})
}

// toldOff tells an endpoint's creator in the app that it was switched off.
func (h *Webhooks) toldOff(ctx context.Context, tx pgx.Tx, e Endpoint) error {
	slug, err := h.store.SpaceSlug(ctx, tx, e.SpaceID)
	if err != nil {
		return err
	}
	h.cfg.Log.Info("webhook switched off after failing", "webhook", e.ID, "since", e.FailingSince)
	return h.notify.Notify(ctx, tx, notify.Event{Kind: KindOff, SpaceID: e.SpaceID, SubjectType: "webhook", SubjectID: e.ID,
		Title: e.URL, URL: pagePath(slug) + "/" + strconv.FormatInt(e.ID, 10)}, []int64{e.CreatedBy})
}

// backoff is the wait after the nth failed attempt.
func (h *Webhooks) backoff(n int) time.Duration {
	if n > len(h.cfg.Backoff) {
		n = len(h.cfg.Backoff)
	}
	return h.cfg.Backoff[max(n, 1)-1]
}

// post sends the delivery and returns the HTTP status, or nil and why
// there was none.
func (h *Webhooks) post(ctx context.Context, client *http.Client, d claimed) (*int, string) {
	id := "msg_" + d.UID
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader([]byte(d.Body)))
	if err != nil {
		return nil, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Fachnetz-Webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", Sign(d.Secret, id, ts, []byte(d.Body)))
	resp, err := client.Do(req)
	if err != nil {
		return nil, truncate(err.Error(), 500)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	resp.Body.Close()
	return &resp.StatusCode, ""
}

// Sign is the Standard Webhooks signature: v1, and the base64 HMAC-SHA256
// under the secret's key bytes of id.timestamp.body.
func Sign(key []byte, id, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
