package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
)

// CleanInput refuses text that PostgreSQL cannot store or that would be
// changed on the way: a NUL character or bytes that are not UTF-8 in the
// query string, in a form or in a JSON body. It runs before any handler,
// so every area gets the same 400 with a message instead of a failure in
// the database. JSON is checked on the raw bytes, because the decoder
// turns invalid UTF-8 into U+FFFD without a word and \u0000 into a NUL.
// Multipart bodies are left to CleanMultipart, which runs once the sender
// is known, so that nobody anonymous makes the server read an upload; a
// form or JSON body is never larger than max, on upload addresses too.
func (w *Web) CleanInput(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !cleanValues(c.Request.URL.RawQuery) {
			w.refuseInput(c)
			return
		}
		if c.Request.Body == nil || c.Request.Body == http.NoBody || safeRead(c.Request.Method) {
			c.Next()
			return
		}
		media, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
		form := media == "application/x-www-form-urlencoded"
		// The API decodes a body as JSON whatever type it names; a client
		// that names none or plain text is taken at its word too.
		json := media == "application/json" || strings.HasSuffix(media, "+json") ||
			strings.HasPrefix(c.Request.URL.Path, "/api/") && (media == "" || media == "text/plain")
		if !form && !json {
			c.Next()
			return
		}
		raw, err := io.ReadAll(io.LimitReader(c.Request.Body, max+1))
		if err != nil || int64(len(raw)) > max {
			var mbe *http.MaxBytesError
			if err == nil || errors.As(err, &mbe) {
				w.FailStatus(c, http.StatusRequestEntityTooLarge, errs.TooLarge, w.T(c, "error.body_too_large"))
				return
			}
			w.Fail(c, errs.E(errs.Invalid, "error.invalid"))
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(raw))
		if form && !cleanValues(string(raw)) || json && !CleanJSON(raw) {
			w.refuseInput(c)
			return
		}
		c.Next()
	}
}

// CleanMultipart checks the text fields and file names of a multipart form
// like CleanInput checks other forms. It parses the form, which the
// handler would do next anyway; it belongs after the CSRF check.
func (w *Web) CleanMultipart() gin.HandlerFunc {
	return func(c *gin.Context) {
		media, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
		if media != "multipart/form-data" || safeRead(c.Request.Method) {
			c.Next()
			return
		}
		form, err := c.MultipartForm()
		if err != nil {
			// The handler reports a broken or oversized form in its own words.
			c.Next()
			return
		}
		for name, values := range form.Value {
			if !cleanText(name) || !cleanTexts(values) {
				w.refuseInput(c)
				return
			}
		}
		for name, files := range form.File {
			if !cleanText(name) || !cleanFileNames(files) {
				w.refuseInput(c)
				return
			}
		}
		c.Next()
	}
}

func (w *Web) refuseInput(c *gin.Context) {
	w.FailStatus(c, http.StatusBadRequest, errs.Invalid, w.T(c, "error.bad_text"))
}

func safeRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func cleanTexts(list []string) bool {
	for _, s := range list {
		if !cleanText(s) {
			return false
		}
	}
	return true
}

func cleanFileNames(files []*multipart.FileHeader) bool {
	for _, f := range files {
		if !cleanText(f.Filename) {
			return false
		}
	}
	return true
}

// cleanValues checks every name and value of a URL-encoded list. Pairs
// the parser cannot read are checked raw: the handlers never see them.
func cleanValues(raw string) bool {
	if raw == "" {
		return true
	}
	values, _ := url.ParseQuery(raw)
	for name, list := range values {
		if !cleanText(name) || !cleanTexts(list) {
			return false
		}
	}
	return true
}

// CleanJSON reports whether a JSON text is UTF-8 and holds no NUL, neither
// raw nor as \u0000, and no \u escape of half a surrogate pair (which the
// decoder would replace by U+FFFD).
func CleanJSON(raw []byte) bool {
	if !utf8.Valid(raw) || bytes.IndexByte(raw, 0) >= 0 {
		return false
	}
	inString, highPending := false, false
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if !inString {
			inString = b == '"'
			continue
		}
		switch b {
		case '"':
			if highPending {
				return false
			}
			inString = false
		case '\\':
			if i+1 >= len(raw) {
				return false
			}
			i++
			if raw[i] != 'u' {
				if highPending {
					return false
				}
				continue
			}
			if i+4 >= len(raw) {
				return false
			}
			r, ok := hex4(raw[i+1 : i+5])
			if !ok {
				return true // not JSON: the decoder refuses it
			}
			i += 4
			switch {
			case r == 0:
				return false
			case r >= 0xD800 && r < 0xDC00:
				if highPending {
					return false
				}
				highPending = true
			case r >= 0xDC00 && r < 0xE000:
				if !highPending {
					return false
				}
				highPending = false
			default:
				if highPending {
					return false
				}
			}
		default:
			if highPending {
				return false
			}
		}
	}
	return true
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// FormFile opens the uploaded file of field. A body over the route's limit
// answers tooLarge, a form without the file missing: the two things a
// person can mend by choosing another file.
func FormFile(c *gin.Context, field string, tooLarge, missing *errs.Error) (multipart.File, *multipart.FileHeader, error) {
	file, header, err := c.Request.FormFile(field)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, tooLarge
		}
		return nil, nil, missing
	}
	return file, header, nil
}
