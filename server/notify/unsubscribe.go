package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// UnsubscribePath is where the links in e-mails lead: a signed token names
// the person, the channel and the topics, so that no sign-in is needed,
// and the link works for one-click unsubscribing (RFC 8058).
const UnsubscribePath = "/benachrichtigungen/abbestellen"

// keyring holds one of the instance's signing keys, loaded once: one for
// unsubscribe links, one for reply addresses, so that neither signature
// can stand in for the other.
type keyring struct {
	store *Store
	name  string
	mu    sync.Mutex
	key   []byte
}

func (k *keyring) get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	key, err := k.store.InstanceKey(ctx, k.name, fresh)
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}

// unsubscription is what a token stands for.
type unsubscription struct {
	AccountID int64
	Channel   string
	Topics    []string
}

func (u unsubscription) payload() string {
	return fmt.Sprintf("%d.%s.%s", u.AccountID, u.Channel, strings.Join(u.Topics, ","))
}

func sign(key []byte, payload string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}

// token signs an unsubscription.
func (n *Notifier) token(ctx context.Context, u unsubscription) (string, error) {
	key, err := n.keys.get(ctx)
	if err != nil {
		return "", err
	}
	p := u.payload()
	return base64.RawURLEncoding.EncodeToString([]byte(p)) + "." + sign(key, p), nil
}

// parseToken checks a token's signature and reads it; ok is false for
// anything not signed by this instance.
func (n *Notifier) parseToken(ctx context.Context, token string) (unsubscription, bool) {
	enc, sig, found := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !found || err != nil {
		return unsubscription{}, false
	}
	key, err := n.keys.get(ctx)
	if err != nil || !hmac.Equal([]byte(sign(key, string(raw))), []byte(sig)) {
		return unsubscription{}, false
	}
	parts := strings.SplitN(string(raw), ".", 3)
	if len(parts) != 3 {
		return unsubscription{}, false
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	u := unsubscription{AccountID: id, Channel: parts[1], Topics: strings.Split(parts[2], ",")}
	if err != nil || !slices.Contains(Channels, u.Channel) {
		return unsubscription{}, false
	}
	for _, t := range u.Topics {
		if !slices.Contains(Topics, t) {
			return unsubscription{}, false
		}
	}
	return u, true
}

// unsubscribeURL is the absolute one-click link for a message.
func (d *Dispatcher) unsubscribeURL(ctx context.Context, accountID int64, channel string, topics []string) (string, error) {
	t, err := d.n.token(ctx, unsubscription{AccountID: accountID, Channel: channel, Topics: topics})
	if err != nil {
		return "", err
	}
	return d.cfg.BaseURL + UnsubscribePath + "?t=" + t, nil
}

type unsubscribePage struct {
	Token  string
	Topics []string
	Done   bool
}

// unsubscribeForm asks before it changes anything: mail scanners follow
// links with GET.
func (n *Notifier) unsubscribeForm(c *gin.Context) {
	u, ok := n.parseToken(c.Request.Context(), c.Query("t"))
	if !ok {
		n.web.Fail(c, errNotFound)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	n.web.Render(c, http.StatusOK, "notifications/unsubscribe", n.web.T(c, "notify.unsubscribe.title"), unsubscribePage{Token: c.Query("t"), Topics: u.Topics})
}

func (n *Notifier) unsubscribe(c *gin.Context) {
	ctx := c.Request.Context()
	u, ok := n.parseToken(ctx, c.Query("t"))
	if !ok {
		n.web.Fail(c, errNotFound)
		return
	}
	for _, t := range u.Topics {
		if err := n.store.SetMode(ctx, u.AccountID, t, u.Channel, ModeOff); err != nil {
			n.web.Fail(c, err)
			return
		}
	}
	if c.PostForm("List-Unsubscribe") == "One-Click" {
		c.String(http.StatusOK, "ok")
		return
	}
	n.web.Render(c, http.StatusOK, "notifications/unsubscribe", n.web.T(c, "notify.unsubscribe.title"), unsubscribePage{Topics: u.Topics, Done: true})
}
