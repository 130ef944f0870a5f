package apidoc

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func parse(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(Document(), &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

func TestDocumentIsOpenAPI31(t *testing.T) {
	doc := parse(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Errorf("info needs title and version: %v", info)
	}
	if paths, _ := doc["paths"].(map[string]any); len(paths) == 0 {
		t.Error("no paths")
	}
	if _, err := Operations(); err != nil {
		t.Error(err)
	}
}

// resolve follows a local $ref such as #/components/parameters/Space.
func resolve(doc map[string]any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var node any = doc
	for _, key := range strings.Split(ref[2:], "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, false
		}
		if node, ok = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(key)]; !ok {
			return nil, false
		}
	}
	return node, true
}

func TestEveryRefResolves(t *testing.T) {
	doc := parse(t)
	var walk func(path string, node any)
	walk = func(path string, node any) {
		switch n := node.(type) {
		case map[string]any:
			if ref, ok := n["$ref"].(string); ok {
				if _, ok := resolve(doc, ref); !ok {
					t.Errorf("%s: $ref %q does not resolve", path, ref)
				}
			}
			for k, v := range n {
				walk(path+"/"+k, v)
			}
		case []any:
			for _, v := range n {
				walk(path+"[]", v)
			}
		}
	}
	walk("#", doc)
}

// TestOperationsAreComplete checks what a reader relies on in every
// operation: a unique operationId, a success response, every path
// parameter declared, 401 wherever sign-in is needed, and the CSRF
// requirement (inherited from the top-level security) on every
// state-changing operation.
func TestOperationsAreComplete(t *testing.T) {
	doc := parse(t)
	paths := doc["paths"].(map[string]any)
	ids := map[string]string{}
	placeholder := regexp.MustCompile(`\{([^}]+)\}`)
	for path, raw := range paths {
		item := raw.(map[string]any)
		for _, m := range methods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			op := raw.(map[string]any)
			name := strings.ToUpper(m) + " " + path
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s: no operationId", name)
			} else if other, dup := ids[id]; dup {
				t.Errorf("%s: operationId %q also used by %s", name, id, other)
			}
			ids[id] = name

			responses, _ := op["responses"].(map[string]any)
			success := false
			for code := range responses {
				success = success || strings.HasPrefix(code, "2")
			}
			if !success {
				t.Errorf("%s: no 2xx response", name)
			}
			public := reflect.DeepEqual(op["security"], []any{map[string]any{}})
			if _, ok := responses["401"]; !ok && !public {
				t.Errorf("%s: needs sign-in but documents no 401", name)
			}
			if m != "get" && op["security"] != nil {
				t.Errorf("%s: state-changing operations must inherit the top-level security (which asks for the CSRF token)", name)
			}

			declared := map[string]bool{}
			params, _ := item["parameters"].([]any)
			opParams, _ := op["parameters"].([]any)
			for _, p := range append(params, opParams...) {
				pm := p.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					r, _ := resolve(doc, ref)
					pm, _ = r.(map[string]any)
				}
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v must be required", name, pm["name"])
					}
				}
			}
			for _, sub := range placeholder.FindAllStringSubmatch(path, -1) {
				if !declared[sub[1]] {
					t.Errorf("%s: path parameter {%s} not declared", name, sub[1])
				}
				delete(declared, sub[1])
			}
			for p := range declared {
				t.Errorf("%s: declares path parameter %q that the path lacks", name, p)
			}
		}
	}
}

func TestHandlerServesTheDocument(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	Routes(r.Group(Prefix))
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if rec.Body.String() != string(document) {
		t.Error("body is not the document")
	}
}

func TestMissing(t *testing.T) {
	ops, err := Operations()
	if err != nil {
		t.Fatal(err)
	}
	var routes []gin.RouteInfo
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		path = regexp.MustCompile(`\{([^}]+)\}`).ReplaceAllString(path, ":$1")
		routes = append(routes, gin.RouteInfo{Method: method, Path: path})
	}
	if got := Missing(routes); len(got) != 0 {
		t.Fatalf("routes built from the document: %v", got)
	}

	extra := append(routes[1:],
		gin.RouteInfo{Method: "GET", Path: "/api/v1/spaces/:space/secrets"},
		gin.RouteInfo{Method: "DELETE", Path: "/api/v1/spaces/:space"},
		gin.RouteInfo{Method: "GET", Path: "/bereiche/:space"}, // not the API: ignored
		gin.RouteInfo{Method: "GET", Path: "/api/v1x/other"},   // not under the prefix
	)
	want := []string{
		"stale: " + ops[0],
		"undocumented: DELETE /api/v1/spaces/{space}",
		"undocumented: GET /api/v1/spaces/{space}/secrets",
	}
	if got := Missing(extra); !reflect.DeepEqual(got, want) {
		t.Errorf("Missing = %q\nwant %q", got, want)
	}

	// A parameter of another name is another path.
	renamed := []gin.RouteInfo{{Method: "GET", Path: "/api/v1/spaces/:slug"}}
	if got := Missing(renamed); !contains(got, "undocumented: GET /api/v1/spaces/{slug}") || !contains(got, "stale: GET /api/v1/spaces/{space}") {
		t.Errorf("renamed parameter not reported: %q", got)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestOpenAPIPath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/me":                            "/api/v1/me",
		"/api/v1/spaces/:space/members/:member": "/api/v1/spaces/{space}/members/{member}",
		"/api/v1/files/*path":                   "/api/v1/files/{path}",
	} {
		if got := openAPIPath(in); got != want {
			t.Errorf("openAPIPath(%q) = %q, want %q", in, got, want)
		}
	}
}
