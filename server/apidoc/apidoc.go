// Package apidoc serves the OpenAPI document of the JSON API and checks it
// against the routes the server really registers, so that the document
// cannot silently fall behind the code.
package apidoc

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
)

// Prefix is where the API is mounted. The document's paths are relative to
// it, as its servers entry says.
const Prefix = "/api/v1"

//go:embed openapi.json
var document []byte

// Document returns the OpenAPI document as served.
func Document() []byte { return bytes.Clone(document) }

// Routes mounts GET /openapi.json on r, which must be the /api/v1 group.
// The document is public: mount it outside any sign-in requirement.
func Routes(r gin.IRouter) { r.GET("/openapi.json", Handler) }

// Handler answers the document.
func Handler(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", document)
}

// methods are the keys of an OpenAPI path item that name operations.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Operations lists every documented operation as "METHOD /api/v1/path",
// sorted. It fails when the document is not valid JSON or not OpenAPI 3.1.
func Operations() ([]string, error) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(document, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		return nil, fmt.Errorf("openapi.json: version %q, want 3.1.x", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != Prefix {
		return nil, fmt.Errorf("openapi.json: servers must be exactly [{\"url\": %q}]", Prefix)
	}
	var ops []string
	for path, item := range doc.Paths {
		for _, m := range methods {
			if _, ok := item[m]; ok {
				ops = append(ops, strings.ToUpper(m)+" "+Prefix+path)
			}
		}
	}
	sort.Strings(ops)
	return ops, nil
}

// Missing compares the routes a gin engine registers with the document and
// returns one line per difference: "undocumented: GET /api/v1/…" for an
// API route the document lacks, "stale: GET /api/v1/…" for a documented
// operation no route serves. Routes outside /api/v1 are ignored; gin's
// :param and *param are compared as OpenAPI's {param}, so parameter names
// must match too. A document that does not parse is one line as well.
// Empty means the document covers the API exactly.
func Missing(routes []gin.RouteInfo) []string {
	ops, err := Operations()
	if err != nil {
		return []string{err.Error()}
	}
	documented := make(map[string]bool, len(ops))
	for _, op := range ops {
		documented[op] = true
	}
	registered := map[string]bool{}
	var out []string
	for _, r := range routes {
		if r.Path != Prefix && !strings.HasPrefix(r.Path, Prefix+"/") {
			continue
		}
		op := r.Method + " " + openAPIPath(r.Path)
		if registered[op] {
			continue
		}
		registered[op] = true
		if !documented[op] {
			out = append(out, "undocumented: "+op)
		}
	}
	for _, op := range ops {
		if !registered[op] {
			out = append(out, "stale: "+op)
		}
	}
	sort.Strings(out)
	return out
}

// openAPIPath turns gin's /spaces/:space/*rest into /spaces/{space}/{rest}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
