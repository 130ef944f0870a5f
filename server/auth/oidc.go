package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// OIDCConfig configures sign-in through the agency's identity provider
// ("Mit Dienstkonto anmelden").
type OIDCConfig struct {
	Issuer        string
	ClientID      string
	ClientSecret  string
	RedirectURL   string // BaseURL + /anmelden/dienstkonto/zurueck
	AgencyClaim   string // claim holding the agency's slug
	GroupsClaim   string // claim holding the slugs of the person's groups
	DefaultAgency string // agency for people whose token names none
	// OnGroups replaces the person's group memberships with the named
	// groups; set by the wiring, since groups belong to policies.
	OnGroups func(ctx context.Context, accountID int64, groupSlugs []string) error
}

type oidcProvider struct {
	cfg      OIDCConfig
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
}

func newOIDCProvider(ctx context.Context, cfg OIDCConfig) (*oidcProvider, error) {
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OpenID provider %s: %w", cfg.Issuer, err)
	}
	return &oidcProvider{
		cfg:      cfg,
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"},
		},
	}, nil
}

// oidcFlow is what the browser carries from the redirect to the callback,
// in an HttpOnly cookie that lives ten minutes.
type oidcFlow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
}

const oidcFlowCookie = "fachnetz_oidc"

func (a *Auth) oidcStart(c *gin.Context) {
	flow := oidcFlow{State: randomToken(24), Nonce: randomToken(24), Verifier: oauth2.GenerateVerifier(), Next: web.LocalPath(c.Query("next"))}
	buf, _ := json.Marshal(flow)
	a.setCookie(c, oidcFlowCookie, base64.RawURLEncoding.EncodeToString(buf), 600, http.SameSiteLaxMode)
	c.Redirect(http.StatusFound, a.oidc.oauth.AuthCodeURL(flow.State, oidc.Nonce(flow.Nonce), oauth2.S256ChallengeOption(flow.Verifier)))
}

// oidcClaims are the claims Fachnetz reads from the ID token.
type oidcClaims struct {
	Subject       string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
	raw           map[string]any
}

func (a *Auth) oidcCallback(c *gin.Context) {
	fail := func(key string, err error) {
		if err != nil {
			a.log.Warn("OIDC sign-in refused", "reason", key, "err", err)
		}
		a.setCookie(c, oidcFlowCookie, "", -1, http.SameSiteLaxMode)
		c.Redirect(http.StatusSeeOther, "/anmelden?fehler="+key)
	}
	raw, err := c.Cookie(oidcFlowCookie)
	var flow oidcFlow
	if err == nil {
		var buf []byte
		if buf, err = base64.RawURLEncoding.DecodeString(raw); err == nil {
			err = json.Unmarshal(buf, &flow)
		}
	}
	if err != nil || flow.State == "" || c.Query("state") != flow.State {
		fail("auth.oidc.failed", errors.New("state mismatch"))
		return
	}
	if e := c.Query("error"); e != "" {
		fail("auth.oidc.failed", errors.New(e))
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 15*time.Second)
	defer cancel()
	tok, err := a.oidc.oauth.Exchange(ctx, c.Query("code"), oauth2.VerifierOption(flow.Verifier))
	if err != nil {
		fail("auth.oidc.failed", err)
		return
	}
	rawID, _ := tok.Extra("id_token").(string)
	idToken, err := a.oidc.verifier.Verify(ctx, rawID)
	if err != nil || idToken.Nonce != flow.Nonce {
		fail("auth.oidc.failed", fmt.Errorf("id token: %v", err))
		return
	}
	var claims oidcClaims
	if err := idToken.Claims(&claims); err != nil || idToken.Claims(&claims.raw) != nil {
		fail("auth.oidc.failed", err)
		return
	}
	if claims.Email == "" || !claims.EmailVerified {
		fail("auth.oidc.email_unverified", nil)
		return
	}
	acc, err := a.oidcAccount(ctx, idToken.Issuer, claims)
	if err != nil {
		if e, ok := errs.As(err); ok {
			key := e.Key
			if !strings.HasPrefix(key, "auth.oidc.") {
				key = "auth.oidc.failed" // the sign-in page shows only its own messages
			}
			fail(key, err)
			return
		}
		a.web.Fail(c, err)
		return
	}
	if err := a.startSession(c, acc); err != nil {
		a.web.Fail(c, err)
		return
	}
	a.setCookie(c, oidcFlowCookie, "", -1, http.SameSiteLaxMode)
	c.Redirect(http.StatusSeeOther, flow.Next)
}

// oidcAccount finds the account linked to the provider's subject, else
// links the account with the verified e-mail address, else creates one in
// the agency the token names. Group memberships follow the token.
func (a *Auth) oidcAccount(ctx context.Context, issuer string, claims oidcClaims) (Account, error) {
	cfg := a.oidc.cfg
	acc, err := a.store.AccountByIdentity(ctx, issuer, claims.Subject)
	if errs.Is(err, errs.NotFound) {
		acc, err = a.store.AccountByEmail(ctx, claims.Email)
		if errs.Is(err, errs.NotFound) {
			acc, err = a.createOIDCAccount(ctx, claims)
		}
		if err == nil {
			err = a.store.LinkIdentity(ctx, issuer, claims.Subject, acc.ID)
		}
	}
	if err != nil {
		return Account{}, err
	}
	if acc.DisabledAt != nil {
		return Account{}, errs.E(errs.Unauthenticated, "auth.oidc.disabled")
	}
	// Groups follow the token only when it carries the claim at all, so that
	// a provider without groups does not wipe memberships set by hand.
	if v, ok := claims.raw[cfg.GroupsClaim]; ok && cfg.GroupsClaim != "" && cfg.OnGroups != nil {
		if err := cfg.OnGroups(ctx, acc.ID, stringList(v)); err != nil {
			return Account{}, fmt.Errorf("sync groups: %w", err)
		}
	}
	return acc, nil
}

func (a *Auth) createOIDCAccount(ctx context.Context, claims oidcClaims) (Account, error) {
	cfg := a.oidc.cfg
	slug, _ := claims.raw[cfg.AgencyClaim].(string)
	if slug == "" {
		slug = cfg.DefaultAgency
	}
	if slug == "" {
		return Account{}, errs.E(errs.Unauthenticated, "auth.oidc.no_agency")
	}
	agency, err := a.store.AgencyBySlug(ctx, slug)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return Account{}, errs.E(errs.Unauthenticated, "auth.oidc.no_agency")
		}
		return Account{}, err
	}
	name := strings.TrimSpace(claims.Name)
	if name == "" {
		name, _, _ = strings.Cut(claims.Email, "@")
	}
	handle, err := a.store.FreeHandle(ctx, claims.Email)
	if err != nil {
		return Account{}, err
	}
	return a.store.CreateAccount(ctx, NewAccount{AgencyID: agency.ID, Email: claims.Email, DisplayName: name, Handle: handle})
}

func stringList(v any) []string {
	var out []string
	switch v := v.(type) {
	case []any:
		for _, s := range v {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = strings.Fields(v)
	}
	return out
}

var handleChars = regexp.MustCompile(`[^a-z0-9._-]+`)

// HandleFromEmail derives a handle from the local part of an address.
func HandleFromEmail(email string) string {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	h := strings.Trim(handleChars.ReplaceAllString(local, "-"), "-._")
	if len(h) > 32 {
		h = h[:32]
	}
	for len(h) < 2 {
		h += "x"
	}
	return h
}
