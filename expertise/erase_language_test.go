package expertise

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

// The account deletion asks for the confirmation word of the interface
// language and accepts the word of the language the form was shown in:
// DELETE after the English form, LÖSCHEN after the German one.
func TestEraseWordFollowsLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{})
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(f.e.web.Language(), func(c *gin.Context) {
		id, _ := strconv.ParseInt(c.GetHeader("X-Test-Viewer"), 10, 64)
		if v := f.people[id]; v != nil {
			web.SetViewer(c, v)
		}
		web.SetCSRFToken(c, "token")
	})
	f.e.Routes(r)
	send := func(v *web.Viewer, lang, method string, form url.Values) *httptest.ResponseRecorder {
		var body *strings.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		req := httptest.NewRequest(method, "/profil/loeschen", body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Accept-Language", lang)
		req.Header.Set("X-Test-Viewer", strconv.FormatInt(v.ID, 10))
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}

	english, _ := personalData(t, f, 7_000_000_000+rand.Int64N(1_000_000_000))
	w := send(english, "en", http.MethodGet, nil)
	expect(t, w, http.StatusOK, "type DELETE", `name="confirm_lang" value="en"`)
	lacks(t, w, "LÖSCHEN")
	expect(t, send(english, "en", http.MethodPost, url.Values{"confirm": {"LÖSCHEN"}, "confirm_lang": {"en"}}), http.StatusUnprocessableEntity, "exactly the word DELETE")
	expect(t, send(english, "en", http.MethodPost, url.Values{"confirm": {"delete"}, "confirm_lang": {"en"}}), http.StatusOK)

	german, _ := personalData(t, f, 7_000_000_000+rand.Int64N(1_000_000_000))
	expect(t, send(german, "de", http.MethodGet, nil), http.StatusOK, "geben Sie LÖSCHEN ein", `name="confirm_lang" value="de"`)
	// Shown in German, sent after switching to English: the German word
	// still counts, because it was the one asked for.
	expect(t, send(german, "en", http.MethodPost, url.Values{"confirm": {"DELETE"}, "confirm_lang": {"de"}}), http.StatusUnprocessableEntity)
	expect(t, send(german, "en", http.MethodPost, url.Values{"confirm": {"Löschen"}, "confirm_lang": {"de"}}), http.StatusOK)
}
