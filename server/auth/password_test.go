package auth

import (
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestPasswordHashVerifies(t *testing.T) {
	h, err := HashPassword("richtig-und-lang")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash format: %q", h)
	}
	if ok, err := VerifyPassword("richtig-und-lang", h); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, err := VerifyPassword("Richtig-und-lang", h); ok || err != nil {
		t.Errorf("wrong password: %v %v", ok, err)
	}
	// A fresh salt each time: equal passwords give different hashes.
	h2, _ := HashPassword("richtig-und-lang")
	if h2 == h {
		t.Error("two hashes of one password are equal")
	}
}

// Older hashes keep working after the parameters change: verifying takes
// them from the hash itself.
func TestVerifyUsesStoredParameters(t *testing.T) {
	salt := []byte("salzsalzsalzsalz")
	key := argon2.IDKey([]byte("passwort"), salt, 1, 8*1024, 1, 32)
	old := "$argon2id$v=19$m=8192,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if ok, err := VerifyPassword("passwort", old); !ok || err != nil {
		t.Errorf("hash with other parameters: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword("passwort", strings.Replace(old, "t=1", "t=2", 1)); ok {
		t.Error("a changed parameter still verified")
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	h, _ := HashPassword("x")
	parts := strings.Split(h, "$")
	for _, bad := range []string{
		"",
		"plain",
		strings.Replace(h, "argon2id", "argon2i", 1),
		strings.Replace(h, "v=19", "v=16", 1),
		strings.Replace(h, "m=19456,t=2,p=1", "m=x", 1),
		strings.Join(append(parts[:4:4], "!!", parts[5]), "$"),
		strings.Join(append(parts[:5:5], "!!"), "$"),
		h + "$extra",
	} {
		if ok, err := VerifyPassword("x", bad); ok || err != errMalformedHash {
			t.Errorf("%q: %v %v", bad, ok, err)
		}
	}
}

func TestHandleFromEmail(t *testing.T) {
	for in, want := range map[string]string{
		"Erika.Mustermann@bund.de":        "erika.mustermann",
		"a@x.de":                          "ax",
		"--ü+test@x.de":                   "test",
		strings.Repeat("k", 40) + "@x.de": strings.Repeat("k", 32),
	} {
		if got := HandleFromEmail(in); got != want {
			t.Errorf("HandleFromEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
