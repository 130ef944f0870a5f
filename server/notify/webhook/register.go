package webhook

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Input is a new endpoint as a person typed it.
type Input struct {
	URL    string   `json:"url"`
	Events []string `json:"events"` // notify kinds, e.g. page_created
}

// Register checks the input and saves the endpoint; secret is its signing
// secret in Standard Webhooks form, returned this once only. The creator
// must read the space: an endpoint receives only while they may.
func (h *Webhooks) Register(ctx context.Context, v *web.Viewer, space policies.Space, in Input) (e Endpoint, secret string, problems []*errs.Error, err error) {
	in.URL = strings.TrimSpace(in.URL)
	if p := h.checkURL(ctx, in.URL); p != nil {
		problems = append(problems, p.OnField("url"))
	}
	kinds := kindsOf(in.Events)
	if len(kinds) == 0 || len(kinds) != len(in.Events) {
		problems = append(problems, errs.E(errs.Invalid, "webhooks.events_required").OnField("events"))
	}
	if !h.spaces.Enforcer.Can(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID}, policies.Read, space.ID) {
		problems = append(problems, errs.E(errs.Invalid, "webhooks.must_read").OnField("url"))
	}
	if len(problems) > 0 {
		return Endpoint{}, "", problems, nil
	}
	key, secret := newSecret()
	e, err = h.store.Create(ctx, space.ID, v.ID, in.URL, kinds, key)
	return e, secret, nil, err
}

// checkURL returns why raw cannot be an endpoint, or nil.
func (h *Webhooks) checkURL(ctx context.Context, raw string) *errs.Error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return errs.E(errs.Invalid, "form.required")
	case len(raw) > 2000:
		return errs.E(errs.Invalid, "form.too_long", "Max", 2000)
	case err != nil || u.Host == "" || u.Opaque != "":
		return errs.E(errs.Invalid, "webhooks.url_invalid")
	case u.Scheme != "https":
		return errs.E(errs.Invalid, "webhooks.url_https")
	case u.User != nil:
		return errs.E(errs.Invalid, "webhooks.url_userinfo")
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil || len(addrs) == 0 {
		return errs.E(errs.Invalid, "webhooks.url_unresolved", "Host", u.Hostname())
	}
	for _, a := range addrs {
		if !h.allowed(a) {
			return errs.E(errs.Invalid, "webhooks.url_private", "Host", u.Hostname())
		}
	}
	return nil
}

// sharedSpace is 100.64.0.0/10, carrier-grade NAT: no public endpoint.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// allowed reports whether an endpoint may be at addr: a public unicast
// address, or any address when private ones are allowed. The check runs
// at registration and again on every connection, so that a name that
// later resolves inward (DNS rebinding) still cannot reach the inside.
func (h *Webhooks) allowed(addr netip.Addr) bool {
	if h.cfg.AllowPrivate {
		return true
	}
	addr = addr.Unmap()
	return addr.IsGlobalUnicast() && !addr.IsPrivate() && !sharedSpace.Contains(addr)
}

// dialControl refuses connections to addresses an endpoint may not be at.
func (h *Webhooks) dialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: address %q: %w", address, err)
	}
	if !h.allowed(ap.Addr()) {
		return fmt.Errorf("webhook: %s is not a public address", ap.Addr())
	}
	return nil
}
