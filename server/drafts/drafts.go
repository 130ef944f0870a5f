// Package drafts keeps what people type into an editor (wiki pages,
// questions, answers) on the server until they save it: private to the
// author, offered again when the editor is opened, purged after 30 days.
// A save that finds the session expired parks the text under a secret in
// a cookie, and the person's next signed-in request claims it.
package drafts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/periodic"
	"github.com/fachnetz/fachnetz/server/web"
)

const (
	// Retention of a draft after its last change.
	Retention = 30 * 24 * time.Hour
	// ParkedRetention is how long a text parked at an expired session
	// waits for its author to sign in again.
	ParkedRetention = 6 * time.Hour
)

// Limits on texts kept without a valid session, so that nobody can fill
// the database through it: a page's text is at most 500,000 bytes.
const (
	maxFieldBytes = 600_000
	maxParked     = 20 // per browser
)

// Query values of an editor's address that restore its draft.
const (
	RestoreQuery = "entwurf"
	restore      = "wiederherstellen"
	expired      = "sitzung"
	// offered is where a text parked without a known author leads after
	// sign-in: the editor offers it instead of filling the form with it.
	offered = "pruefen"
)

var validKey = regexp.MustCompile(`^[a-z-]+:[0-9]+$`)

// skipped are form fields that are not what the person typed.
var skipped = map[string]bool{"csrf_token": true, "action": true, "draft_key": true, "draft_path": true}

// Drafts is the drafts service and its handlers.
type Drafts struct {
	store *Store
	web   *web.Web
	log   *slog.Logger
	deps  Deps
}

// Deps are what the service takes from the server.
type Deps struct {
	// Secure: cookies need HTTPS.
	Secure bool
	// AfterPurge, when set, runs after each purge, for areas that hold
	// things with drafts (files) and clean them up.
	AfterPurge func(ctx context.Context) error
}

// New wires the service.
func New(store *Store, w *web.Web, deps Deps) *Drafts {
	return &Drafts{store: store, web: w, log: w.Log, deps: deps}
}

// Store returns the drafts store.
func (d *Drafts) Store() *Store { return d.store }

// Editor is what an editor's template needs to keep and offer a draft.
type Editor struct {
	Key, Path string
	Offer     *Draft // a draft to offer, when the editor is opened anew
	Restored  bool   // the form holds the draft's text
	Expired   bool   // restored after the session had expired
	Kept      bool   // the offer is of a text kept in this browser after its session ended
}

// RestoreURL is the editor's address that fills the form with the draft.
func (e Editor) RestoreURL() string { return e.Path + "?" + RestoreQuery + "=" + restore }

// Open prepares an editor opened with GET: when asked to restore (or
// returning after an expired session), it gives the fields to fill the
// form with; otherwise it offers the draft, if there is one.
func (d *Drafts) Open(c *gin.Context, key, path string) (Editor, map[string]string, error) {
	e := Editor{Key: key, Path: path}
	v := web.ViewerOf(c)
	if v == nil || c.Request.Method != http.MethodGet {
		return e, nil, nil
	}
	draft, err := d.store.Get(c.Request.Context(), v.ID, key)
	if errs.Is(err, errs.NotFound) || (err == nil && len(draft.Fields) == 0) {
		return e, nil, nil
	}
	if err != nil {
		return e, nil, err
	}
	switch c.Query(RestoreQuery) {
	case restore:
		e.Restored = true
	case expired:
		e.Restored, e.Expired = true, true
	case offered:
		e.Offer, e.Kept = &draft, true
		return e, nil, nil
	default:
		e.Offer = &draft
		return e, nil, nil
	}
	return e, draft.Fields, nil
}

// Remove deletes a person's draft once the item is saved.
func (d *Drafts) Remove(ctx context.Context, accountID int64, key string) error {
	return d.store.Delete(ctx, accountID, key)
}

// Hold returns the id of the person's draft for an editor, creating it
// when needed, so that an area can keep things (files) with it.
func (d *Drafts) Hold(ctx context.Context, accountID int64, key, path string) (int64, error) {
	return d.store.Ensure(ctx, accountID, key, path)
}

// Held returns the id of the person's draft for an editor.
func (d *Drafts) Held(ctx context.Context, accountID int64, key string) (int64, error) {
	draft, err := d.store.Get(ctx, accountID, key)
	return draft.ID, err
}

func (d *Drafts) save(c *gin.Context) {
	key, path, fields, err := read(c)
	if err != nil {
		d.web.Fail(c, err)
		return
	}
	draft, err := d.store.Save(c.Request.Context(), web.ViewerOf(c).ID, key, path, fields, time.Now())
	if err != nil {
		d.web.Fail(c, err)
		return
	}
	if web.WantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"saved_at": draft.UpdatedAt})
		return
	}
	c.Redirect(http.StatusSeeOther, path)
}

// discard deletes the draft and reopens the editor without it.
func (d *Drafts) discard(c *gin.Context) {
	key, path := c.PostForm("draft_key"), c.PostForm("draft_path")
	if !validKey.MatchString(key) {
		d.web.Fail(c, errs.E(errs.Invalid, "error.invalid"))
		return
	}
	if err := d.store.Delete(c.Request.Context(), web.ViewerOf(c).ID, key); err != nil {
		d.web.Fail(c, err)
		return
	}
	if web.WantsJSON(c) {
		c.Status(http.StatusNoContent)
		return
	}
	path, _, _ = strings.Cut(web.LocalPath(path), "?")
	c.Redirect(http.StatusSeeOther, path)
}

func (d *Drafts) cookie() string {
	if d.deps.Secure {
		return "__Host-fachnetz_draft"
	}
	return "fachnetz_draft"
}

func hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Park keeps the text of an editor's form that the CSRF check would
// refuse, so that it is not lost, and answers true when it took the
// request. Without a valid session it keeps the text and sends the person
// to sign in and back to the editor. When the browser's session has ended
// but still names its account (the idle time-out), the text becomes that
// account's draft, and the editor shows it after sign-in. When it names
// none (signed out, past its absolute end, or no session cookie at all),
// nothing tells whose text it is: it is parked for this browser and goes
// to whoever signs in here next within ParkedRetention, but only as an
// offer to restore or discard, so that nobody is shown another person's
// text without choosing to.
// A signed-in person whose form carries the CSRF token of an earlier
// session (signed in again in another tab) gets the text as their own
// draft and the editor with it again, now with the current token.
// Parking needs no CSRF token: it changes no content and nothing of any
// account but the sender's own draft, and it takes only forms sent from
// this site's own pages, so another site cannot make a browser do it.
func (d *Drafts) Park(c *gin.Context, p auth.Parking) bool {
	if c.Request.Method != http.MethodPost || c.PostForm("draft_key") == "" || !sameOrigin(c.Request) {
		return false
	}
	key, path, fields, err := read(c)
	if err != nil || len(fields) == 0 {
		return false
	}
	back := path + "?" + RestoreQuery + "=" + expired
	if v := web.ViewerOf(c); v != nil {
		if v.ViaToken {
			return false
		}
		draft, err := d.store.Save(c.Request.Context(), v.ID, key, path, fields, time.Now())
		switch {
		case err != nil:
			d.web.Fail(c, err)
		case web.WantsJSON(c):
			c.AbortWithStatusJSON(http.StatusOK, gin.H{"saved_at": draft.UpdatedAt})
		default:
			c.Redirect(http.StatusSeeOther, back)
			c.Abort()
		}
		return true
	}
	ctx := c.Request.Context()
	owner, err := p.Owner(ctx)
	if err != nil {
		d.web.Fail(c, err)
		return true
	}
	if owner != 0 {
		_, err := d.store.Get(ctx, owner, key)
		if errs.Is(err, errs.NotFound) {
			err = d.allow(ctx, p)
		}
		if err == nil {
			_, err = d.store.Save(ctx, owner, key, path, fields, time.Now())
		}
		if err != nil {
			d.web.Fail(c, err)
			return true
		}
		d.toSignIn(c, back)
		return true
	}
	back = path + "?" + RestoreQuery + "=" + offered
	// Several editors parked in one browser share the secret; a secret
	// with nothing parked under it is not taken from the cookie, so that
	// nobody can have a browser park under a secret they chose.
	secret, err := c.Cookie(d.cookie())
	parked, has := 0, false
	if err == nil && len(secret) >= 43 {
		parked, has, err = d.store.Parked(ctx, hash(secret), key)
	}
	if err != nil || parked == 0 {
		b := make([]byte, 32)
		rand.Read(b)
		secret, parked, has, err = base64.RawURLEncoding.EncodeToString(b), 0, false, nil
	}
	if !has && parked >= maxParked {
		err = errs.E(errs.TooManyRequests, "drafts.too_many")
	}
	if err == nil && !has {
		err = d.allow(ctx, p)
	}
	if err == nil {
		err = d.store.Park(ctx, hash(secret), key, path, fields, time.Now())
	}
	if err != nil {
		d.web.Fail(c, err)
		return true
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: d.cookie(), Value: secret, Path: "/", MaxAge: int(ParkedRetention.Seconds()),
		HttpOnly: true, Secure: d.deps.Secure, SameSite: http.SameSiteLaxMode})
	d.toSignIn(c, back)
	return true
}

// allow counts one more text kept for the client's address.
func (d *Drafts) allow(ctx context.Context, p auth.Parking) error {
	ok, err := p.Allow(ctx)
	if err == nil && !ok {
		err = errs.E(errs.TooManyRequests, "drafts.too_many")
	}
	return err
}

// toSignIn sends the person to sign in and then to back.
func (d *Drafts) toSignIn(c *gin.Context, back string) {
	signIn := "/anmelden?next=" + url.QueryEscape(back)
	if web.WantsJSON(c) {
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": gin.H{"code": errs.Unauthenticated,
			"message": d.web.T(c, "drafts.parked")}, "signin": signIn})
		return
	}
	c.Redirect(http.StatusSeeOther, signIn)
	c.Abort()
}

// sameOrigin tells a form sent from this site's pages: browsers say so in
// Sec-Fetch-Site, or at least in Origin.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin, err := url.Parse(r.Header.Get("Origin"))
	return err == nil && origin.Host != "" && origin.Host == r.Host
}

// Claim gives texts parked in this browser to the person once signed in.
func (d *Drafts) Claim() gin.HandlerFunc {
	return func(c *gin.Context) {
		secret, err := c.Cookie(d.cookie())
		v := web.ViewerOf(c)
		if err != nil || secret == "" || v == nil || v.ViaToken {
			c.Next()
			return
		}
		if _, err := d.store.Claim(c.Request.Context(), hash(secret), v.ID, time.Now().Add(-ParkedRetention)); err != nil {
			d.web.Fail(c, err)
			return
		}
		http.SetCookie(c.Writer, &http.Cookie{Name: d.cookie(), Value: "", Path: "/", MaxAge: -1,
			HttpOnly: true, Secure: d.deps.Secure, SameSite: http.SameSiteLaxMode})
		c.Next()
	}
}

// Purge deletes drafts past their retention as of now.
func (d *Drafts) Purge(ctx context.Context, now time.Time) (int64, error) {
	n, err := d.store.Purge(ctx, now.Add(-Retention), now.Add(-ParkedRetention))
	if err == nil && d.deps.AfterPurge != nil {
		err = d.deps.AfterPurge(ctx)
	}
	return n, err
}

// Run purges every interval until ctx ends.
func (d *Drafts) Run(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, d.log, "purge drafts", func(ctx context.Context) error {
		_, err := d.Purge(ctx, time.Now())
		return err
	})
}
