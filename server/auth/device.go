package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// A known-device cookie lets the browser a person signed in with before
// past the lock of their account (OWASP's "device cookies"): whoever
// guesses passwords for someone else's address locks out new browsers,
// not the person's own. Attempts from the browser still count under the
// client address, and under the device itself, so a stolen cookie buys
// no more guesses than a lock allows.
//
// The cookie is signed with the account's password hash, which only the
// server knows: it needs no key of its own, every server of an instance
// can check it, and a new password invalidates every cookie issued before.
const (
	deviceKeyPrefix = "device:"
	deviceLife      = 180 * 24 * time.Hour
)

func (a *Auth) deviceCookie() string {
	if a.cfg.SecureCookies {
		return "__Host-fachnetz_device"
	}
	return "fachnetz_device"
}

func deviceMAC(acc Account, payload string) string {
	m := hmac.New(sha256.New, []byte(*acc.PasswordHash))
	m.Write([]byte("fachnetz known device\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownDevice returns the limit key of the browser's device cookie when
// the cookie was issued to acc and is still valid.
func knownDevice(cookie string, acc Account, now time.Time) (string, bool) {
	if acc.PasswordHash == nil || cookie == "" {
		return "", false
	}
	parts := strings.Split(cookie, ".")
	if len(parts) != 4 {
		return "", false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	issued, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id != acc.ID || now.Sub(time.Unix(issued, 0)) > deviceLife || len(parts[2]) < 16 {
		return "", false
	}
	payload := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(parts[3]), []byte(deviceMAC(acc, payload))) {
		return "", false
	}
	return fmt.Sprintf("%s%d:%s", deviceKeyPrefix, acc.ID, parts[2]), true
}

// rememberDevice gives the browser a device cookie for acc unless it has
// a valid one already.
func (a *Auth) rememberDevice(c *gin.Context, acc Account) {
	if acc.PasswordHash == nil {
		return
	}
	have, _ := c.Cookie(a.deviceCookie())
	if _, ok := knownDevice(have, acc, time.Now()); ok {
		return
	}
	payload := fmt.Sprintf("%d.%d.%s", acc.ID, time.Now().Unix(), randomToken(16))
	a.setCookie(c, a.deviceCookie(), payload+"."+deviceMAC(acc, payload), int(deviceLife.Seconds()), http.SameSiteStrictMode)
}
