package main

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/expertise"
	"github.com/fachnetz/fachnetz/expertise/experts"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/stats"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// wireExpertise builds the expert finder, the profiles and the
// anonymised statistics.
func (s *Server) wireExpertise(readable func(*gin.Context) []int64) {
	s.experts = experts.NewFinder(experts.New(s.pool), s.topics, expertise.NewMatcher(expertise.NewStore(s.pool), s.topics), s.web, readable)
	s.expertise = expertise.New(expertise.NewStore(s.pool), s.web, expertise.Deps{
		Topics: s.topics,
		Evidence: func(ctx context.Context, v *web.Viewer, accountID int64) (any, error) {
			return s.experts.Ranker.Profile(ctx, accountID, s.enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID}))
		},
		DerivedTopics: s.derivedTopics,
		DerivedPeople: func(ctx context.Context, v *web.Viewer, topicIDs []int64) ([]int64, error) {
			return s.experts.Ranker.DerivedPeople(ctx, topicIDs, s.enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID}), v.AgencyID)
		},
		SignOut: s.auth.ForgetSessionCookie,
	})
	s.search.Register(expertise.NewSearchSource(s.expertise.Store()))
	s.topics.RegisterMergeHook(expertise.MergeTopic)
	s.stats = stats.New(s.pool, s.log, s.cfg.StatsK, s.cfg.DataDir)
	s.trends = s.stats.NewHandlers(s.web, readable)
	s.topics.RegisterSection(func(ctx context.Context, v *web.Viewer, ids []int64) (topics.Section, error) {
		figures, err := s.stats.TrendingInTopics(ctx, ids, s.enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID}), 5)
		sec := topics.Section{TitleKey: "stats.asked"}
		for _, f := range figures {
			sec.Items = append(sec.Items, topics.SectionItem{Title: f.Title, URL: f.URL, Meta: s.web.Frontend.Translate("de", "stats.band", "Band", f.Band)})
		}
		return sec, err
	})
}

// derivedTopics previews, for the person alone, which topics their own
// work suggests, with the evidence.
func (s *Server) derivedTopics(ctx context.Context, accountID int64) ([]expertise.DerivedTopic, error) {
	list, err := s.experts.Ranker.DerivedTopics(ctx, accountID)
	out := make([]expertise.DerivedTopic, 0, len(list))
	for _, d := range list {
		out = append(out, expertise.DerivedTopic{TopicID: d.TopicID, Name: d.Name, Evidence: d.Evidence, Hidden: d.Hidden})
	}
	return out, err
}
