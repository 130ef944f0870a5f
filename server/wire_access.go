package main

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/formreturn"
	"github.com/fachnetz/fachnetz/server/web"
)

// wireAccess builds what every area stands on: rendering, access rules,
// spaces, drafts and sign-in.
func (s *Server) wireAccess(ctx context.Context) error {
	s.formReturns = formreturn.New(formreturn.NewStore(s.pool), s.log)
	s.web = &web.Web{Frontend: s.frontend, Log: s.log, Returns: s.formReturns, SecureCookies: s.cfg.BaseURL.Scheme == "https",
		PublicHost: s.cfg.BaseURL.Host}
	enf, err := policies.New(ctx, s.pool, s.log)
	if err != nil {
		return err
	}
	s.enforcer = enf
	s.spaces = policies.NewSpaces(policies.NewStore(s.pool), enf, s.web, policies.SpacesDeps{
		// s.notify is made later: this runs only once serving.
		MembersAdded: func(ctx context.Context, tx pgx.Tx, space policies.Space, actor int64, added []int64) error {
			return s.notify.MembersAdded(ctx, tx, space.ID, space.Name, space.Slug, actor, added)
		},
	})
	authCfg := auth.Config{
		SecureCookies:      s.cfg.BaseURL.Scheme == "https",
		SessionIdle:        s.cfg.SessionIdle,
		SessionMax:         s.cfg.SessionMax,
		MaxFailures:        s.cfg.MaxFailures,
		MaxAddressFailures: s.cfg.MaxAddressFailures,
		LockDuration:       s.cfg.LockDuration,
	}
	s.drafts = drafts.New(drafts.NewStore(s.pool), s.web, drafts.Deps{
		Secure: s.cfg.BaseURL.Scheme == "https",
		// Mail drafts and the files held with editor drafts go with
		// the drafts. s.qa and s.wiki are made later: this runs only
		// once serving.
		AfterPurge: func(ctx context.Context) error {
			if err := s.qa.PurgeMailDrafts(ctx); err != nil {
				return err
			}
			return s.wiki.SweepDraftFiles(ctx)
		},
	})
	authCfg.Park = s.drafts.Park
	if s.cfg.OIDCIssuer != "" {
		authCfg.OIDC = &auth.OIDCConfig{
			Issuer: s.cfg.OIDCIssuer, ClientID: s.cfg.OIDCClientID, ClientSecret: s.cfg.OIDCClientSecret,
			RedirectURL:   strings.TrimRight(s.cfg.BaseURL.String(), "/") + "/anmelden/dienstkonto/zurueck",
			AgencyClaim:   s.cfg.OIDCAgencyClaim,
			GroupsClaim:   s.cfg.OIDCGroupsClaim,
			DefaultAgency: s.cfg.OIDCDefaultAgency,
			OnGroups: func(ctx context.Context, accountID int64, groups []string) error {
				if err := s.spaces.Store.SyncAccountGroups(ctx, accountID, groups); err != nil {
					return err
				}
				return enf.Reload(ctx)
			},
		}
	}
	if s.auth, err = auth.New(ctx, authCfg, auth.NewStore(s.pool), s.web, s.log); err != nil {
		return err
	}
	return nil
}
