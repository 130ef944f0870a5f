package main

import (
	"context"
	"strings"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/notify/webhook"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/search/german"
	"github.com/fachnetz/fachnetz/wiki"
)

// wireSearchAndNotify builds the search index with the pages as its first
// source, notifications with their channels, and webhooks.
func (s *Server) wireSearchAndNotify(md *markdown.Renderer) {
	s.search = search.New(search.Config{Index: s.cfg.MeiliIndex, Synonyms: s.topics.SearchSynonyms, Terms: s.topics.SearchTerms, Compounds: german.LoadOrNone(s.cfg.WordList, s.log).Compounds}, s.meili, s.pool, s.web)
	s.search.Register(wiki.NewSearchSource(wiki.NewStore(s.pool), md, s.fileNumbers.Fresh))
	s.notify = notify.New(s.pool, s.web, func(ctx context.Context, accountID, spaceID int64) bool {
		// Granted: added to the space in the transaction at hand.
		return notify.Granted(ctx, accountID, spaceID) || s.enforcer.Can(ctx, policies.Subject{AccountID: accountID}, policies.Read, spaceID)
	})
	s.deliveries = s.notify.Deliver(notify.DeliveryConfig{
		Mail: notify.NewMailer(notify.MailConfig{Host: s.cfg.SMTPHost, Port: s.cfg.SMTPPort, TLS: s.cfg.SMTPTLS,
			User: s.cfg.SMTPUser, Password: s.cfg.SMTPPassword, From: s.cfg.SMTPFrom}),
		Matrix:       notify.NewMatrix(notify.MatrixConfig{Homeserver: s.cfg.MatrixHomeserver, Token: s.cfg.MatrixToken, User: s.cfg.MatrixUser}),
		BaseURL:      strings.TrimRight(s.cfg.BaseURL.String(), "/"),
		ReplyAddress: s.mailAddress(),
		DigestHour:   s.cfg.DigestHour,
		Log:          s.log,
	})
	s.webhooks = webhook.New(s.pool, s.web, s.spaces, s.notify, webhook.Config{BaseURL: s.cfg.BaseURL, AllowPrivate: s.cfg.WebhookAllowPrivate, OffAfter: s.cfg.WebhookOffAfter, Log: s.log})
	s.notify.Consume(s.webhooks.Consume)
	s.notify.WatchIn(notify.WatchPage, func(ctx context.Context, _ string, id int64) (int64, bool) {
		p, err := wiki.NewStore(s.pool).PageByID(ctx, id)
		return p.SpaceID, err == nil
	})
	s.notify.WatchIn(notify.WatchSpace, func(ctx context.Context, _ string, id int64) (int64, bool) {
		return id, id > 0 // the access check finds no space that does not exist
	})
	s.trash.OnTrashed(s.notify.Trashed)
	s.trash.OnGone(s.notify.Purged)
}
