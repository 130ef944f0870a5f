package webhook

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/web"
)

// logSize is how many deliveries an endpoint's log shows.
const logSize = 50

// Routes mounts the webhook pages of a space; the caller has already
// required a signed-in viewer.
func (h *Webhooks) Routes(r gin.IRouter) {
	r.GET("/bereiche/:space/webhooks", h.requireManager, h.list)
	r.POST("/bereiche/:space/webhooks", h.requireManager, h.create)
	r.GET("/bereiche/:space/webhooks/:id", h.requireManager, h.requireEndpoint, h.show)
	r.POST("/bereiche/:space/webhooks/:id/einschalten", h.requireManager, h.requireEndpoint, h.enable)
	r.POST("/bereiche/:space/webhooks/:id/loeschen", h.requireManager, h.requireEndpoint, h.remove)
}

// APIRoutes mounts the webhook API under /api/v1; the caller has already
// required a signed-in viewer.
func (h *Webhooks) APIRoutes(r gin.IRouter) {
	r.GET("/spaces/:space/webhooks", h.requireManager, h.apiList)
	r.POST("/spaces/:space/webhooks", h.requireManager, h.apiCreate)
	r.GET("/spaces/:space/webhooks/:id", h.requireManager, h.requireEndpoint, h.apiGet)
	r.POST("/spaces/:space/webhooks/:id/enable", h.requireManager, h.requireEndpoint, h.apiEnable)
	r.DELETE("/spaces/:space/webhooks/:id", h.requireManager, h.requireEndpoint, h.apiDelete)
}

func pagePath(slug string) string { return "/bereiche/" + slug + "/webhooks" }

// requireManager loads the space and lets only those pass who manage it:
// its owners and instance admins. Everyone else is told it is not found,
// readers too, since endpoints and their secrets are the owners' business.
func (h *Webhooks) requireManager(c *gin.Context) {
	space, err := h.spaces.Store.SpaceBySlug(c.Request.Context(), c.Param("space"))
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	if !h.spaces.Enforcer.Can(c.Request.Context(), policies.SubjectOf(c), policies.Manage, space.ID) {
		h.web.Fail(c, errNotFound)
		return
	}
	policies.SetSpace(c, space)
	c.Next()
}

const keyEndpoint = "fachnetz.webhook"

// requireEndpoint loads the :id endpoint of the request's space.
func (h *Webhooks) requireEndpoint(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.web.Fail(c, errNotFound)
		return
	}
	e, err := h.store.Endpoint(c.Request.Context(), policies.SpaceOf(c).ID, id)
	h.web.Keep(c, keyEndpoint, e, err)
}

func endpointOf(c *gin.Context) Endpoint { return web.Kept[Endpoint](c, keyEndpoint) }

// EventChoice is one event type of the form.
type EventChoice struct {
	Kind, Type string
	Checked    bool
}

type listPage struct {
	Space     policies.Space
	Endpoints []Endpoint
	Form      *frontend.Form
	Events    []EventChoice
	NewSecret string
	New       *Endpoint
}

func (h *Webhooks) render(c *gin.Context, status int, page listPage, chosen []string) {
	list, err := h.store.Endpoints(c.Request.Context(), policies.SpaceOf(c).ID)
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	page.Space, page.Endpoints = policies.SpaceOf(c), list
	if page.Form == nil {
		page.Form = frontend.NewForm()
	}
	for _, t := range types {
		checked := false
		for _, k := range chosen {
			checked = checked || k == t.Kind
		}
		page.Events = append(page.Events, EventChoice{Kind: t.Kind, Type: t.Type, Checked: checked})
	}
	c.Header("Cache-Control", "private, no-store") // the secret may be on it
	h.web.Render(c, status, "webhooks/list", h.web.T(c, "webhooks.title", "Name", page.Space.Name), page)
}

func (h *Webhooks) list(c *gin.Context) {
	h.render(c, http.StatusOK, listPage{}, []string{"page_created", "question"})
}

func (h *Webhooks) create(c *gin.Context) {
	in := Input{URL: c.PostForm("url"), Events: c.PostFormArray("events")}
	e, secret, problems, err := h.Register(c.Request.Context(), web.ViewerOf(c), policies.SpaceOf(c), in)
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		form := frontend.NewForm()
		form.Set("url", in.URL)
		for _, p := range problems {
			form.Fail(p.Field, h.web.Message(c, p))
		}
		h.render(c, web.Status(problems[0].Code), listPage{Form: form}, in.Events)
		return
	}
	h.render(c, http.StatusCreated, listPage{NewSecret: secret, New: &e}, []string{"page_created", "question"})
}

type endpointPage struct {
	Space      policies.Space
	Endpoint   Endpoint
	Deliveries []Delivery
}

func (h *Webhooks) show(c *gin.Context) {
	e := endpointOf(c)
	list, err := h.store.Deliveries(c.Request.Context(), e.ID, logSize)
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	h.web.Render(c, http.StatusOK, "webhooks/endpoint", h.web.T(c, "webhooks.endpoint.title"),
		endpointPage{Space: policies.SpaceOf(c), Endpoint: e, Deliveries: list})
}

func (h *Webhooks) enable(c *gin.Context) {
	e := endpointOf(c)
	if err := h.store.Enable(c.Request.Context(), e.SpaceID, e.ID); err != nil {
		h.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, pagePath(policies.SpaceOf(c).Slug)+"/"+strconv.FormatInt(e.ID, 10))
}

func (h *Webhooks) remove(c *gin.Context) {
	e := endpointOf(c)
	if err := h.store.Delete(c.Request.Context(), e.SpaceID, e.ID); err != nil {
		h.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, pagePath(policies.SpaceOf(c).Slug))
}

// apiList lists the space's endpoints.
func (h *Webhooks) apiList(c *gin.Context) {
	list, err := h.store.Endpoints(c.Request.Context(), policies.SpaceOf(c).ID)
	web.JSONList(h.web, c, "webhooks", list, err)
}

// apiCreate registers an endpoint and answers its secret, this once.
func (h *Webhooks) apiCreate(c *gin.Context) {
	var in Input
	if err := web.Bind(c, &in); err != nil {
		h.web.Fail(c, err)
		return
	}
	e, secret, problems, err := h.Register(c.Request.Context(), web.ViewerOf(c), policies.SpaceOf(c), in)
	if err == nil && len(problems) > 0 {
		err = problems[0]
	}
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"webhook": e, "secret": secret})
}

// apiGet answers an endpoint with its latest deliveries.
func (h *Webhooks) apiGet(c *gin.Context) {
	e := endpointOf(c)
	list, err := h.store.Deliveries(c.Request.Context(), e.ID, logSize)
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	if list == nil {
		list = []Delivery{}
	}
	c.JSON(http.StatusOK, gin.H{"webhook": e, "deliveries": list})
}

func (h *Webhooks) apiEnable(c *gin.Context) {
	e := endpointOf(c)
	if err := h.store.Enable(c.Request.Context(), e.SpaceID, e.ID); err != nil {
		h.web.Fail(c, err)
		return
	}
	e, err := h.store.Endpoint(c.Request.Context(), e.SpaceID, e.ID)
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"webhook": e})
}

func (h *Webhooks) apiDelete(c *gin.Context) {
	e := endpointOf(c)
	if err := h.store.Delete(c.Request.Context(), e.SpaceID, e.ID); err != nil {
		h.web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
