package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
)

func uploadContext(t *testing.T, field string, content []byte, limit int64) *gin.Context {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, "Vermerk.pdf")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodPost, "/", &body)
	c.Request.Header.Set("Content-Type", mw.FormDataContentType())
	c.Request.Body = http.MaxBytesReader(rec, c.Request.Body, limit)
	return c
}

func TestFormFileTellsTooLargeFromMissing(t *testing.T) {
	tooLarge, missing := errs.E(errs.TooLarge, "x.too_large"), errs.E(errs.Invalid, "x.missing")

	file, header, err := FormFile(uploadContext(t, "file", []byte("Inhalt"), 1<<20), "file", tooLarge, missing)
	if err != nil {
		t.Fatalf("a file within the limit: %v", err)
	}
	got, _ := io.ReadAll(file)
	if string(got) != "Inhalt" || header.Filename != "Vermerk.pdf" {
		t.Errorf("read %q named %q", got, header.Filename)
	}

	if _, _, err := FormFile(uploadContext(t, "other", []byte("Inhalt"), 1<<20), "file", tooLarge, missing); err != missing {
		t.Errorf("no file in the field: %v, want the missing error", err)
	}
	if _, _, err := FormFile(uploadContext(t, "file", bytes.Repeat([]byte("x"), 64<<10), 1<<10), "file", tooLarge, missing); err != tooLarge {
		t.Errorf("over the body limit: %v, want the too-large error", err)
	}
}
