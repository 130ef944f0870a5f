package apidoc_test

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/expertise"
	"github.com/fachnetz/fachnetz/expertise/experts"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/apidoc"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/notify/webhook"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/stats"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
	"github.com/fachnetz/fachnetz/wiki"
)

// TestAreasAreDocumented mounts every area's API routes on a throwaway
// engine, as server/routes.go does, and compares them with the document.
// Registering routes only builds handler closures, so areas wired with no
// database serve for this. An area mounted in routes.go but not here is
// caught by TestOpenAPIDocumentsEveryRoute in package server, which checks
// the real engine (and needs the test services).
func TestAreasAreDocumented(t *testing.T) {
	gin.SetMode(gin.TestMode)
	w := &web.Web{}
	spaces := policies.NewSpaces(nil, nil, w, policies.SpacesDeps{})

	r := gin.New()
	api := r.Group(apidoc.Prefix)
	apidoc.Routes(api)
	new(auth.Auth).APIRoutes(api)
	spaces.APIRoutes(api)
	wiki.New(nil, spaces, nil, w, nil, wiki.Deps{}).APIRoutes(api)
	topics.New(w, nil, topics.Deps{}).APIRoutes(api)
	new(search.Service).APIRoutes(api, search.Access{})
	qa.New(nil, spaces, nil, w, qa.Deps{}).APIRoutes(api)
	notify.New(nil, w, nil).APIRoutes(api)
	webhook.New(nil, w, spaces, nil, webhook.Config{}).APIRoutes(api)
	experts.NewFinder(nil, nil, nil, w, nil).APIRoutes(api)
	expertise.New(nil, w, expertise.Deps{}).APIRoutes(api)
	stats.New(nil, nil, 5, "").NewHandlers(w, nil).APIRoutes(api)

	for _, m := range apidoc.Missing(r.Routes()) {
		t.Error(m)
	}
}
