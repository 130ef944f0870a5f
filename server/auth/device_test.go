package auth

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestKnownDevice(t *testing.T) {
	hash := "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$a2V5"
	acc := Account{ID: 7, PasswordHash: &hash}
	now := time.Unix(1_800_000_000, 0)
	cookie := func(id int64, issued time.Time, acc Account) string {
		payload := strings.Join([]string{itoa(id), itoa(issued.Unix()), "0123456789abcdef"}, ".")
		return payload + "." + deviceMAC(acc, payload)
	}
	good := cookie(7, now.Add(-time.Hour), acc)
	if key, ok := knownDevice(good, acc, now); !ok || key != "device:7:0123456789abcdef" {
		t.Errorf("valid cookie: %q %v", key, ok)
	}
	other := "$argon2id$new"
	for name, c := range map[string]string{
		"other account": cookie(8, now, Account{ID: 8, PasswordHash: &hash}),
		"too old":       cookie(7, now.Add(-deviceLife-time.Second), acc),
		"new password":  cookie(7, now, Account{ID: 7, PasswordHash: &other}),
		"tampered":      good[:len(good)-1] + "x",
		"short random":  strings.Replace(good, "0123456789abcdef", "0123", 1),
		"three parts":   "7.1.x",
		"empty":         "",
	} {
		if _, ok := knownDevice(c, acc, now); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, ok := knownDevice(good, Account{ID: 7}, now); ok {
		t.Error("an account without password has no devices")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
