package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

// engine mounts the routes as the server does, with the viewer given by
// the X-Test-Viewer header (an account id); the last request's unread
// count from the middleware is reported through *unread.
func (f *fixture) engine(unread *int) *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		id, _ := strconv.ParseInt(c.GetHeader("X-Test-Viewer"), 10, 64)
		web.SetViewer(c, &web.Viewer{ID: id, Name: "Testperson", Handle: "test"})
		web.SetCSRFToken(c, "token")
		c.Next()
	}, f.n.Middleware(), func(c *gin.Context) {
		c.Next()
		*unread = -1
		if v, ok := c.Get(web.UnreadKey); ok {
			*unread = v.(int)
		}
	})
	f.n.Routes(r)
	f.n.APIRoutes(r.Group("/api/v1"))
	return r
}

func do(r http.Handler, who int64, method, path string, form url.Values) *httptest.ResponseRecorder {
	body := strings.NewReader("")
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Test-Viewer", strconv.FormatInt(who, 10))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func expect(t *testing.T, w *httptest.ResponseRecorder, status int, contains ...string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body:\n%.2000s", w.Code, status, w.Body.String())
	}
	for _, c := range contains {
		if !strings.Contains(w.Body.String(), c) {
			t.Fatalf("body lacks %q:\n%.4000s", c, w.Body.String())
		}
	}
	if strings.Contains(w.Header().Get("Content-Type"), "text/html") {
		if n := strings.Count(w.Body.String(), "<h1"); n != 1 {
			t.Fatalf("%d h1 elements", n)
		}
	}
}

func TestNotificationPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	var unread int
	r := f.engine(&unread)
	ben, _ := f.person("ben")
	gone, _ := f.person("gone")
	anna, _ := f.person("anna")
	space, closed := f.space(), f.space()
	for _, id := range []int64{ben, gone, anna} {
		f.access.grant(id, space)
	}
	f.access.grant(ben, closed)
	f.notify(answerEvent(gone, space, 1), ben)
	ev := answerEvent(anna, space, 2)
	ev.Kind, ev.Title = KindMention, "Vergabe <script>"
	f.notify(ev, ben)
	secret := answerEvent(anna, closed, 3)
	secret.Title = "Geheimes Projekt"
	f.notify(secret, ben)
	f.access.revoke(ben, closed)
	if _, err := db.Pool.Exec(ctx, `DELETE FROM accounts WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}

	w := do(r, ben, "GET", "/benachrichtigungen", nil)
	expect(t, w, http.StatusOK, "<h1", "Neue Antwort auf „Wie beantrage ich Sonderurlaub?“", "ehemaliges Mitglied",
		"Sie wurden erwähnt in „Vergabe &lt;script&gt;“", "Person anna", `name="csrf_token" value="token"`,
		"Alle als gelesen markieren", ">Neu<", "<caption")
	if strings.Contains(w.Body.String(), "Geheimes Projekt") {
		t.Fatal("a notification of a space ben can no longer read is listed")
	}
	if unread != 2 {
		t.Fatalf("middleware counted %d unread, want 2", unread)
	}
	if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Fatalf("Cache-Control = %q", cc)
	}
	list := f.list(ben)

	// Opening marks read and goes to the notification's address.
	w = do(r, ben, "POST", "/benachrichtigungen/"+strconv.FormatInt(list[0].ID, 10)+"/gelesen", url.Values{})
	expect(t, w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/fragen/2#antwort-1" {
		t.Fatalf("Location = %q", loc)
	}
	expect(t, do(r, anna, "POST", "/benachrichtigungen/"+strconv.FormatInt(list[1].ID, 10)+"/gelesen", url.Values{}), http.StatusNotFound)
	expect(t, do(r, ben, "POST", "/benachrichtigungen/abc/gelesen", url.Values{}), http.StatusNotFound)
	do(r, ben, "GET", "/benachrichtigungen", nil)
	if unread != 1 {
		t.Fatalf("%d unread after opening one, want 1", unread)
	}
	// A read one is a plain link.
	expect(t, do(r, ben, "GET", "/benachrichtigungen", nil), http.StatusOK, `<a class="kern-link" href="/fragen/2#antwort-1">`, "Gelesen")

	expect(t, do(r, ben, "POST", "/benachrichtigungen/alle-gelesen", url.Values{}), http.StatusSeeOther)
	w = do(r, ben, "GET", "/benachrichtigungen", nil)
	if unread != 0 || strings.Contains(w.Body.String(), "Alle als gelesen markieren") {
		t.Fatalf("after marking all read: %d unread", unread)
	}

	// The middleware stays out of JSON and POST requests.
	do(r, ben, "GET", "/api/v1/notifications", nil)
	if unread != -1 {
		t.Fatalf("middleware ran for the API: %d", unread)
	}

	// Someone without notifications sees the empty state.
	expect(t, do(r, anna, "GET", "/benachrichtigungen", nil), http.StatusOK, "Sie haben keine Benachrichtigungen.")
}

func TestNotificationPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var unread int
	r := f.engine(&unread)
	ben, _ := f.person("ben")
	space := f.space()
	f.access.grant(ben, space)
	// Subjects of their own: other tests move and delete the notifications
	// of small subject ids, which are shared across fixtures.
	base := serial.Add(1) * 1000
	for i := range pageSize + 5 {
		f.notify(answerEvent(0, space, base+int64(i)), ben)
	}
	w := do(r, ben, "GET", "/benachrichtigungen", nil)
	expect(t, w, http.StatusOK, "Ältere Benachrichtigungen", `rel="next"`)
	list := f.list(ben)
	next := "/benachrichtigungen?cursor=" + strconv.FormatInt(list[pageSize-1].ID, 10)
	if !strings.Contains(w.Body.String(), `href="`+next+`"`) {
		t.Fatalf("no link to %s", next)
	}
	w = do(r, ben, "GET", next, nil)
	expect(t, w, http.StatusOK, "Zu den neuesten")
	if n := strings.Count(w.Body.String(), "/gelesen\""); n != 5 {
		t.Fatalf("second page has %d entries, want 5", n)
	}
	expect(t, do(r, ben, "GET", "/benachrichtigungen?cursor=x", nil), http.StatusUnprocessableEntity)

	// The API pages the same way, and filters unread.
	var page struct {
		Notifications []notificationJSON `json:"notifications"`
		Next          string             `json:"next_cursor"`
	}
	w = do(r, ben, "GET", "/api/v1/notifications?limit=20", nil)
	expect(t, w, http.StatusOK)
	json.Unmarshal(w.Body.Bytes(), &page)
	if len(page.Notifications) != 20 || page.Next == "" || page.Notifications[0].Actor != nil || page.Notifications[0].ReadAt != nil {
		t.Fatalf("first API page: %d, next %q", len(page.Notifications), page.Next)
	}
	w = do(r, ben, "GET", "/api/v1/notifications?limit=20&cursor="+page.Next, nil)
	json.Unmarshal(w.Body.Bytes(), &page)
	if len(page.Notifications) != 15 || page.Next != "" {
		t.Fatalf("second API page: %d, next %q", len(page.Notifications), page.Next)
	}
	first := page.Notifications[0]
	w = do(r, ben, "POST", "/api/v1/notifications/"+strconv.FormatInt(first.ID, 10)+"/read", nil)
	expect(t, w, http.StatusOK, `"read_at":"`, `"kind":"answer"`)
	w = do(r, ben, "GET", "/api/v1/notifications?unread=1&limit=200", nil)
	json.Unmarshal(w.Body.Bytes(), &page)
	if len(page.Notifications) != pageSize+4 {
		t.Fatalf("%d unread over the API, want %d", len(page.Notifications), pageSize+4)
	}
	expect(t, do(r, ben, "GET", "/api/v1/notifications?unread=ja", nil), http.StatusUnprocessableEntity, `"code":"invalid"`)
	expect(t, do(r, ben, "GET", "/api/v1/notifications?limit=500", nil), http.StatusUnprocessableEntity, `"code":"invalid"`)
	other, _ := f.person("other")
	expect(t, do(r, other, "POST", "/api/v1/notifications/"+strconv.FormatInt(first.ID, 10)+"/read", nil), http.StatusNotFound, `"code":"not_found"`)
}

func TestWatchForm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	var unread int
	r := f.engine(&unread)
	ben, _ := f.person("ben")
	space, closed := f.space(), f.space()
	f.access.grant(ben, space)
	questions := map[int64]int64{1: space, 2: closed}
	f.n.WatchIn(WatchQuestion, func(_ context.Context, kind string, id int64) (int64, bool) {
		s, ok := questions[id]
		return s, ok && kind == WatchQuestion
	})
	f.n.WatchOpen(WatchTopic, func(_ context.Context, _ *web.Viewer, _ string, id int64) bool { return id == 5 })

	watch := func(kind, item, on, next string) *httptest.ResponseRecorder {
		return do(r, ben, "POST", "/beobachten", url.Values{"kind": {kind}, "item": {item}, "watch": {on}, "next": {next}})
	}
	w := watch("question", "1", "1", "/fragen/1?tab=neu")
	expect(t, w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/fragen/1?tab=neu" {
		t.Fatalf("Location = %q", loc)
	}
	if ok, _ := f.n.IsWatching(ctx, ben, WatchQuestion, 1); !ok {
		t.Fatal("not watching question 1")
	}
	// An item in a space ben cannot read, a missing one, an unknown kind: not found.
	expect(t, watch("question", "2", "1", "/"), http.StatusNotFound)
	expect(t, watch("question", "3", "1", "/"), http.StatusNotFound)
	expect(t, watch("page", "1", "1", "/"), http.StatusNotFound)
	expect(t, watch("question", "x", "1", "/"), http.StatusNotFound)
	expect(t, watch("question", "1", "vielleicht", "/"), http.StatusUnprocessableEntity)
	if ok, _ := f.n.IsWatching(ctx, ben, WatchQuestion, 2); ok {
		t.Fatal("watching a question of a space ben cannot read")
	}
	// Topics need no space; a crafted next stays on this site.
	w = watch("topic", "5", "1", "//evil.example/")
	expect(t, w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/" {
		t.Fatalf("Location = %q", loc)
	}
	expect(t, watch("topic", "6", "1", "/"), http.StatusNotFound)
	// Leaving needs no access, and says nothing about the item.
	expect(t, watch("question", "1", "0", "/fragen/1"), http.StatusSeeOther)
	expect(t, watch("question", "2", "0", "/fragen/2"), http.StatusSeeOther)
	if ok, _ := f.n.IsWatching(ctx, ben, WatchQuestion, 1); ok {
		t.Fatal("still watching question 1")
	}
}

func TestWatchButton(t *testing.T) {
	f := newFixture(t)
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest("GET", "/fragen/4?sort=neu", nil)
	web.SetCSRFToken(c, "token")
	b := f.n.Button(c, WatchQuestion, 4, true)
	if b.Next != "/fragen/4?sort=neu" || b.CSRF != "token" || b.LabelKey() != "notify.unwatch.question" {
		t.Fatalf("Button = %+v", b)
	}
}
