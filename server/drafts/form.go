package drafts

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// read takes the editor's key, address and typed fields from a form.
func read(c *gin.Context) (key, path string, fields map[string]string, err error) {
	key, path = c.PostForm("draft_key"), c.PostForm("draft_path")
	if !validKey.MatchString(key) || len(path) > 1000 {
		return "", "", nil, errs.E(errs.Invalid, "error.invalid")
	}
	path, _, _ = strings.Cut(web.LocalPath(path), "?")
	fields, err = typed(c)
	if err != nil {
		return "", "", nil, err
	}
	return key, path, fields, nil
}

// typed takes the fields a person typed into a form, within the limits.
func typed(c *gin.Context) (map[string]string, error) {
	fields := map[string]string{}
	size := 0
	for name, values := range c.Request.PostForm {
		if skipped[name] || len(values) == 0 || len(name) > 50 {
			continue
		}
		if len(fields) == 30 {
			return nil, errs.E(errs.Invalid, "error.invalid")
		}
		fields[name] = strings.ReplaceAll(values[0], "\r\n", "\n")
		if size += len(name) + len(fields[name]); size > maxFieldBytes {
			return nil, errs.E(errs.TooLarge, "drafts.too_large")
		}
	}
	return fields, nil
}

// Keep saves what a refused save of an editor held as the person's draft
// of that editor. The page that shows the refusal is shown once (see
// web.FormReturn); a reload, or coming back later, offers the text as a
// draft, with JavaScript or without.
func (d *Drafts) Keep(c *gin.Context, key, path string) error {
	v := web.ViewerOf(c)
	if v == nil || v.ViaToken || c.Request.Method != http.MethodPost {
		return nil
	}
	fields, err := typed(c)
	if err != nil || len(fields) == 0 {
		return err
	}
	if _, err := d.store.Save(c.Request.Context(), v.ID, key, path, fields, time.Now()); err != nil {
		return fmt.Errorf("keep refused text as draft: %w", err)
	}
	return nil
}
