package main

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/site"
	"github.com/fachnetz/fachnetz/server/web"
	"github.com/fachnetz/fachnetz/wiki"
)

// homeSources hands the start page the lists of the areas that own them,
// each bounded to the spaces the viewer may read.
func (s *Server) homeSources() site.Sources {
	pages, questions := wiki.NewStore(s.pool), qa.NewStore(s.pool)
	return site.Sources{
		Readable: func(c *gin.Context) []int64 {
			return s.enforcer.ReadableSpaces(c.Request.Context(), policies.SubjectOf(c))
		},
		Spaces: func(ctx context.Context, v *web.Viewer, readable []int64, limit int) ([]site.Space, error) {
			list, err := s.spaces.Store.MemberSpaces(ctx, v.ID, v.AgencyID, readable, limit)
			out := make([]site.Space, len(list))
			for i, sp := range list {
				out[i] = site.Space{ID: sp.ID, Name: sp.Name, URL: "/bereiche/" + sp.Slug, Archived: sp.Archived()}
			}
			return out, err
		},
		Recent: func(ctx context.Context, readable []int64, limit int) ([]site.Entry, error) {
			list, err := pages.RecentlyChanged(ctx, readable, limit)
			return pageEntries(list), err
		},
		Open: func(ctx context.Context, readable []int64, accountID int64, limit int) ([]site.Entry, error) {
			list, err := questions.OpenFor(ctx, readable, accountID, limit)
			out := make([]site.Entry, len(list))
			for i, q := range list {
				out[i] = site.Entry{Title: q.Title, URL: q.URL(), SpaceName: q.SpaceName, SpaceURL: "/bereiche/" + q.SpaceSlug, Date: q.CreatedAt, Answers: q.AnswerCount}
			}
			return out, err
		},
		Due: func(ctx context.Context, readable []int64, ownerID int64, limit int) ([]site.Entry, error) {
			list, err := pages.OwnDueForReview(ctx, readable, ownerID, limit)
			return pageEntries(list), err
		},
		Asked: func(c *gin.Context) (any, error) { return s.trends.Home(c) },
	}
}

func pageEntries(list []wiki.Listed) []site.Entry {
	out := make([]site.Entry, len(list))
	for i, p := range list {
		out[i] = site.Entry{Title: p.Title, URL: p.URL(), SpaceName: p.SpaceName, SpaceURL: "/bereiche/" + p.SpaceSlug, Date: p.Date}
	}
	return out
}
