package auth

import (
	"bytes"
	"crypto/subtle"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// tokenPeekLimit is how much of a multipart body is read, at most, to find
// a CSRF token sent as a form field ahead of the files.
const tokenPeekLimit = 64 << 10

func multipartBody(r *http.Request) bool {
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return media == "multipart/form-data"
}

// checkUpload guards a multipart request, which may carry a large file,
// without reading the file: nobody without a session gets further than
// the headers, and a session's token must come in the X-CSRF-Token
// header (as the editor's uploads send it) or as a form field before the
// first file (as forms without JavaScript send it, fields in page order).
// Drafts are never multipart, so the Park hook does not see these.
func (a *Auth) checkUpload(c *gin.Context, csrf string) {
	refuse := func(err error) {
		// Without it the HTTP server would drain up to 256 KiB of the
		// refused file to keep the connection for another request.
		c.Header("Connection", "close")
		a.web.Fail(c, err)
	}
	if web.ViewerOf(c) == nil {
		refuse(errs.E(errs.Unauthenticated, "error.unauthenticated"))
		return
	}
	sent := c.GetHeader("X-CSRF-Token")
	if sent == "" {
		sent = peekFormToken(c.Request)
	}
	if subtle.ConstantTimeCompare([]byte(sent), []byte(csrf)) != 1 {
		refuse(errs.E(errs.Forbidden, "auth.csrf_failed"))
		return
	}
	c.Next()
}

// peekFormToken reads the multipart body up to the first file or
// tokenPeekLimit bytes looking for the csrf_token field, and puts what it
// read back in front of the rest, so that the handler reads the whole
// body as sent.
func peekFormToken(r *http.Request) string {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" || r.Body == nil {
		return ""
	}
	body := r.Body
	var seen bytes.Buffer
	mr := multipart.NewReader(io.LimitReader(io.TeeReader(body, &seen), tokenPeekLimit), params["boundary"])
	token := ""
	for {
		part, err := mr.NextPart()
		if err != nil || part.FileName() != "" {
			break
		}
		if part.FormName() == "csrf_token" {
			value, _ := io.ReadAll(io.LimitReader(part, 256))
			token = string(value)
			break
		}
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(seen.Bytes()), body), body}
	return token
}
