package stats

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// KeyFile is the name of the instance key in the data directory. All
// servers of an instance share the directory (as they share the
// attachments), so they share the key and count a person once.
const KeyFile = "stats.key"

// sealed is a day key encrypted under the instance key.
type sealed struct{ nonce, box []byte }

// keyring keeps the instance key: 32 random bytes in a file outside
// PostgreSQL, created on first use. The day keys are stored only sealed
// under it, so a copy of the database alone cannot recompute a pseudonym.
type keyring struct {
	dir  string
	mu   sync.Mutex
	aead cipher.AEAD
	// The day key in use, kept so that a view costs no write to
	// PostgreSQL: only the first of a day offers one.
	day    string
	dayKey []byte
}

func (kr *keyring) cached(day string) []byte {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if kr.day == day {
		return kr.dayKey
	}
	return nil
}

func (kr *keyring) keep(day string, key []byte) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	kr.day, kr.dayKey = day, key
}

// load reads the instance key, creating it if there is none. Two servers
// starting at once agree: the key is written to a temporary file and
// linked into place, and whoever loses the race reads the winner's.
func (kr *keyring) load() (cipher.AEAD, error) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if kr.aead != nil {
		return kr.aead, nil
	}
	path := filepath.Join(kr.dir, KeyFile)
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = kr.create(path)
	}
	if err != nil {
		return nil, fmt.Errorf("instance key: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("instance key %s: want 32 bytes, have %d", path, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("instance key: %w", err)
	}
	if kr.aead, err = cipher.NewGCM(block); err != nil {
		return nil, fmt.Errorf("instance key: %w", err)
	}
	return kr.aead, nil
}

func (kr *keyring) create(path string) ([]byte, error) {
	if err := os.MkdirAll(kr.dir, 0o750); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(kr.dir, ".stats-key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	key := make([]byte, 32)
	rand.Read(key)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	if _, err := tmp.Write(key); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return os.ReadFile(path)
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

// dayKey returns the day's key: a fresh random one sealed and offered to
// PostgreSQL, or the one another server stored first, opened. The day is
// the additional data, so a sealed key moved to another day does not open.
func (s *Stats) dayKey(ctx context.Context, day string) ([]byte, error) {
	if key := s.keys.cached(day); key != nil {
		return key, nil
	}
	aead, err := s.keys.load()
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	fresh := sealed{nonce: make([]byte, aead.NonceSize())}
	rand.Read(fresh.nonce)
	fresh.box = aead.Seal(nil, fresh.nonce, key, []byte(day))
	stored, err := s.store.sealedKey(ctx, day, fresh)
	if err != nil {
		return nil, err
	}
	key, err = aead.Open(nil, stored.nonce, stored.box, []byte(day))
	if err != nil {
		return nil, fmt.Errorf("key of the day %s does not open with the instance key: %w", day, err)
	}
	s.keys.keep(day, key)
	return key, nil
}

// pseudonym is HMAC(day key, kind, item, account): the same person counts
// once per item and day, and the pseudonyms of one person's reads of two
// items differ, so raw rows do not add up to anyone's day.
func pseudonym(key []byte, kind, item string, accountID int64) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(kind + "\x00" + item + "\x00" + strconv.FormatInt(accountID, 10)))
	return mac.Sum(nil)
}
