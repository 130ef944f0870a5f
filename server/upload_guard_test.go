package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// sendStalled starts a 20 MB upload over a bare connection, sends only
// the head of its first part, and waits five seconds for an answer: a
// server that reads the file waits for bytes that never come. It returns
// the status, or 0 when no answer came.
func sendStalled(t *testing.T, jar http.CookieJar, target, firstPart, csrfHeader string) int {
	t.Helper()
	u, _ := url.Parse(target)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=grenze\r\nContent-Length: %d\r\n", u.RequestURI(), u.Host, 20<<20)
	if csrfHeader != "" {
		fmt.Fprintf(&head, "X-CSRF-Token: %s\r\n", csrfHeader)
	}
	if jar != nil {
		for _, c := range jar.Cookies(u) {
			fmt.Fprintf(&head, "Cookie: %s=%s\r\n", c.Name, c.Value)
		}
	}
	head.WriteString("\r\n--grenze\r\n" + firstPart + "\r\n\r\n" + strings.Repeat("x", 1000))
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A multipart request without a session, or with a session but no token
// ahead of the file, is answered before its file is read: a 20 MB body
// that never arrives gets its answer at once.
func TestUploadWithoutSessionOrTokenIsRefusedUnread(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	file := `Content-Disposition: form-data; name="file"; filename="gross.bin"` + "\r\nContent-Type: application/octet-stream"
	field := `Content-Disposition: form-data; name="draft_key"`
	for _, path := range []string{"/bereiche/irgendwo/seiten/seite/anhaenge", "/profil/foto", "/api/v1/spaces/irgendwo/pages/seite/attachments", "/bereiche/irgendwo/einstellungen/import"} {
		for _, first := range []string{file, field} {
			if got := sendStalled(t, nil, base+path, first, ""); got != http.StatusUnauthorized {
				t.Errorf("anonymous upload to %s: %d, want 401 at once", path, got)
			}
		}
	}
	b := newBrowser(t, base)
	b.signIn(p.Email, p.Password)
	b.get("/profil")
	if got := sendStalled(t, b.client.Jar, base+"/profil/foto", strings.Replace(file, `"file"`, `"photo"`, 1), ""); got != http.StatusForbidden {
		t.Errorf("signed-in upload without a token: %d, want 403 at once", got)
	}
	if got := sendStalled(t, b.client.Jar, base+"/profil/foto", field, "falsch"); got != http.StatusForbidden {
		t.Errorf("signed-in upload with a wrong token: %d, want 403 at once", got)
	}

	// With the token in the header, as the editor sends it, the file may
	// come first.
	var pic bytes.Buffer
	png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 40, 40)))
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, _ := mw.CreateFormFile("photo", "foto.png")
	part.Write(pic.Bytes())
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/profil/foto", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	if resp, body := b.do(req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed-in upload with the token in the header: %d\n%.300s", resp.StatusCode, body)
	}
}
