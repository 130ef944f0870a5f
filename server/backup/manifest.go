// Package backup writes and restores a consistent copy of an instance: a
// PostgreSQL dump, the attachment contents it refers to, and a manifest
// with a checksum of every file.
package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Format is the layout version of a backup directory.
const Format = 1

const (
	manifestName = "manifest.json"
	dumpName     = "database.dump"
	filesDir     = "attachments"
)

// Manifest describes a backup; it is written last, so a directory without
// one is an unfinished backup.
type Manifest struct {
	Format        int       `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	SchemaVersion int       `json:"schema_version"`
	Version       string    `json:"fachnetz_version"`
	// ExcludedData names the tables whose rows the dump leaves out: they
	// are rebuilt (search) or must not outlive their day (trends).
	ExcludedData []string `json:"excluded_table_data"`
	Files        []File   `json:"files"`
}

// File is one file of the backup, by its path inside the directory.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// contentPath matches the attachment contents a backup may hold: named by
// their SHA-256 as the file store names them.
var contentPath = regexp.MustCompile(`^attachments/([0-9a-f]{2})/([0-9a-f]{62})$`)

func readManifest(dir string) (*Manifest, error) {
	raw, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: not a backup, or one that did not finish", dir, manifestName)
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("backup format %d is not supported (this version reads format %d)", m.Format, Format)
	}
	return &m, nil
}

// write stores the manifest under a temporary name first, so that a
// crash never leaves a manifest that looks complete.
func (m *Manifest) write(dir string) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, manifestName+".tmp")
	if err := writeSynced(tmp, raw); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return os.Rename(tmp, filepath.Join(dir, manifestName))
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// verify checks that every listed file is there with its size and
// checksum, that attachment contents are named by their checksum, and
// that the dump is among them.
func (m *Manifest) verify(dir string) error {
	hasDump := false
	for _, f := range m.Files {
		if f.Path == dumpName {
			hasDump = true
		} else if c := contentPath.FindStringSubmatch(f.Path); c == nil {
			return fmt.Errorf("manifest lists %q, which a backup cannot hold", f.Path)
		} else if c[1]+c[2] != f.SHA256 {
			return fmt.Errorf("manifest lists %s with checksum %s, which is not its name", f.Path, f.SHA256)
		}
		sum, size, err := checksum(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			return fmt.Errorf("check %s: %w", f.Path, err)
		}
		if size != f.Size || sum != f.SHA256 {
			return fmt.Errorf("%s is damaged: checksum %s, size %d; the manifest says %s, size %d", f.Path, sum, size, f.SHA256, f.Size)
		}
	}
	if !hasDump {
		return fmt.Errorf("manifest lists no %s", dumpName)
	}
	return nil
}

func checksum(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// copyFile copies src to dst through a temporary file and returns the
// checksum and size of what it wrote.
func copyFile(src, dst string) (string, int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", 0, err
	}
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp)
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, os.Rename(tmp, dst)
}

// emptyDir is nil for a directory that is missing or holds nothing.
func emptyDir(dir, what string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s %s is not empty (it holds %s); use an empty or new directory", what, dir, entries[0].Name())
	}
	return nil
}
