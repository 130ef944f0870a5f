package drafts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// posted is a gin context for a form POST to /seite/bearbeiten.
func posted(form url.Values, header map[string]string) (*gin.Context, *httptest.ResponseRecorder) {
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	r := httptest.NewRequest(http.MethodPost, "http://fachnetz.test/seite/bearbeiten", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		r.Header.Set(k, v)
	}
	c.Request = r
	return c, w
}

func TestReadValidatesKeyAndPath(t *testing.T) {
	for _, key := range []string{"", "page", "page:", "Page:1", "page:1a", "page:1\n", "seite 1:2", " page:1"} {
		c, _ := posted(url.Values{"draft_key": {key}, "draft_path": {"/x"}, "body": {"t"}}, nil)
		if _, _, _, err := read(c); !errs.Is(err, errs.Invalid) {
			t.Errorf("key %q: %v", key, err)
		}
	}
	c, _ := posted(url.Values{"draft_key": {"page:1"}, "draft_path": {"/" + strings.Repeat("a", 1000)}}, nil)
	if _, _, _, err := read(c); !errs.Is(err, errs.Invalid) {
		t.Errorf("path over 1000 bytes: %v", err)
	}
	for in, want := range map[string]string{
		"/wiki/seite?entwurf=x": "/wiki/seite",
		"https://evil.example/": "/",
		"//evil.example/x":      "/",
	} {
		c, _ := posted(url.Values{"draft_key": {"question-edit:12"}, "draft_path": {in}}, nil)
		key, path, _, err := read(c)
		if err != nil || key != "question-edit:12" || path != want {
			t.Errorf("path %q: %q %q %v, want %q", in, key, path, err, want)
		}
	}
}

func TestTypedFieldsAndLimits(t *testing.T) {
	c, _ := posted(url.Values{"csrf_token": {"t"}, "action": {"save"}, "draft_key": {"page:1"}, "draft_path": {"/x"},
		"title": {"Titel", "zweiter Wert"}, "body": {"a\r\nb"}, strings.Repeat("n", 51): {"zu langer Name"}}, nil)
	c.Request.ParseForm()
	fields, err := typed(c)
	if err != nil || len(fields) != 2 || fields["title"] != "Titel" || fields["body"] != "a\nb" {
		t.Errorf("fields: %q %v", fields, err)
	}

	many := url.Values{}
	for i := range 31 {
		many.Set("f"+strings.Repeat("x", i), "v")
	}
	c, _ = posted(many, nil)
	c.Request.ParseForm()
	if _, err := typed(c); !errs.Is(err, errs.Invalid) {
		t.Errorf("31 fields: %v", err)
	}
	c, _ = posted(url.Values{"body": {strings.Repeat("x", maxFieldBytes)}}, nil)
	c.Request.ParseForm()
	if _, err := typed(c); !errs.Is(err, errs.TooLarge) {
		t.Errorf("text over the limit: %v", err)
	}
}

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		header map[string]string
		want   bool
	}{
		{map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://fachnetz.test"}, false},
		{map[string]string{"Origin": "http://fachnetz.test"}, true},
		{map[string]string{"Origin": "http://evil.example"}, false},
		{nil, false},
	} {
		c, _ := posted(url.Values{}, tc.header)
		if got := sameOrigin(c.Request); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.header, got, tc.want)
		}
	}
}

// Without a session that names its author, a text is parked for the
// browser and claimed by whoever signs in there next.
func TestParkWithoutOwnerThenClaim(t *testing.T) {
	ctx := context.Background()
	d := &Drafts{store: NewStore(db.Pool)}
	allowed := 0
	p := auth.Parking{
		Owner: func(context.Context) (int64, error) { return 0, nil },
		Allow: func(context.Context) (bool, error) { allowed++; return true, nil },
	}
	form := url.Values{"draft_key": {"page:77"}, "draft_path": {"/wiki/seite"}, "body": {"Text"}}
	if c, _ := posted(form, map[string]string{"Origin": "http://evil.example"}); d.Park(c, p) {
		t.Fatal("parked a form sent from another site")
	}
	c, w := posted(form, map[string]string{"Sec-Fetch-Site": "same-origin"})
	if !d.Park(c, p) {
		t.Fatal("Park did not take the request")
	}
	c.Writer.WriteHeaderNow()
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/anmelden?next="+url.QueryEscape("/wiki/seite?entwurf=pruefen") {
		t.Errorf("answer %d to %q", w.Code, w.Header().Get("Location"))
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "fachnetz_draft" || len(cookies[0].Value) < 43 || !cookies[0].HttpOnly {
		t.Fatalf("cookie: %+v", cookies)
	}
	if n, has, _ := d.store.Parked(ctx, hash(cookies[0].Value), "page:77"); n != 1 || !has || allowed != 1 {
		t.Errorf("parked %d (page:77 %v), counted %d", n, has, allowed)
	}

	me := person(t)
	claim, cw := posted(url.Values{}, nil)
	claim.Request.AddCookie(cookies[0])
	web.SetViewer(claim, &web.Viewer{ID: me})
	d.Claim()(claim)
	if got, err := d.store.Get(ctx, me, "page:77"); err != nil || got.Fields["body"] != "Text" {
		t.Errorf("claimed draft: %+v %v", got, err)
	}
	if gone := cw.Result().Cookies(); len(gone) != 1 || gone[0].MaxAge >= 0 {
		t.Errorf("the claim did not clear the cookie: %+v", gone)
	}
}

// A session that ended by idling still names its author: the text
// becomes that person's draft, and a full address is refused.
func TestParkForTheEndedSessionsOwner(t *testing.T) {
	ctx := context.Background()
	d := &Drafts{store: NewStore(db.Pool)}
	me := person(t)
	p := auth.Parking{
		Owner: func(context.Context) (int64, error) { return me, nil },
		Allow: func(context.Context) (bool, error) { return true, nil },
	}
	c, w := posted(url.Values{"draft_key": {"page:5"}, "draft_path": {"/s"}, "body": {"Mein Text"}}, map[string]string{"Sec-Fetch-Site": "same-origin"})
	took := d.Park(c, p)
	c.Writer.WriteHeaderNow()
	if !took || w.Code != http.StatusSeeOther {
		t.Fatalf("Park: %d", w.Code)
	}
	if len(w.Result().Cookies()) != 0 {
		t.Error("a text with a known author needs no cookie")
	}
	if got, err := d.store.Get(ctx, me, "page:5"); err != nil || got.Fields["body"] != "Mein Text" || time.Since(got.UpdatedAt) > time.Minute {
		t.Errorf("owner's draft: %+v %v", got, err)
	}
}
