package frontend

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Assets serves the embedded static files under a URL that carries a hash of
// all of them, so browsers may cache them for a year and still never use a
// stale copy after an upgrade. One hash for the whole tree keeps relative
// url() references inside the vendored stylesheets working.
type Assets struct {
	prefix string
	files  map[string]asset
}

type asset struct {
	body, gzipped []byte
	contentType   string
}

// NewAssets reads every file of fsys and compresses the compressible ones
// once, at start-up.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{files: map[string]asset{}}
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(body)
		f := asset{body: body, contentType: contentType(p)}
		if compressible(f.contentType) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			f.gzipped = buf.Bytes()
		}
		a.files[p] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.prefix = "/static/" + hex.EncodeToString(h.Sum(nil))[:12] + "/"
	return a, nil
}

// URL returns the cache-busting address of a static file.
func (a *Assets) URL(name string) (string, error) {
	if _, ok := a.files[name]; !ok {
		return "", &fs.PathError{Op: "asset", Path: name, Err: fs.ErrNotExist}
	}
	return a.prefix + name, nil
}

// ServeHTTP answers /static/{hash}/{path}. A request with an older hash (a
// page rendered before an upgrade) still gets the current file, but one
// that must not be cached for long.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/static/")
	hash, name, found := strings.Cut(rest, "/")
	f, exists := a.files[path.Clean(name)]
	if !ok || !found || !exists {
		http.NotFound(w, r)
		return
	}
	if "/static/"+hash+"/" == a.prefix {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Vary", "Accept-Encoding")
	body := f.body
	if f.gzipped != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".woff2":
		return "font/woff2"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.HasPrefix(contentType, "image/svg")
}
