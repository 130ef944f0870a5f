package main

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/expertise/experts"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
	"github.com/fachnetz/fachnetz/wiki"
)

// wireQA builds the Q&A board with its questions' hooks into the topic
// tree and the search.
func (s *Server) wireQA(md *markdown.Renderer, readable func(*gin.Context) []int64) {
	qaStore := qa.NewStore(s.pool)
	s.notify.WatchIn(notify.WatchQuestion, func(ctx context.Context, _ string, id int64) (int64, bool) {
		q, err := qaStore.QuestionByID(ctx, id)
		return q.SpaceID, err == nil
	})
	s.notify.WatchOpen(notify.WatchTopic, func(ctx context.Context, v *web.Viewer, _ string, id int64) bool {
		list, err := s.topics.Store.ByIDs(ctx, []int64{id})
		if err == nil {
			list, err = s.topics.Visible(ctx, v, list)
		}
		return err == nil && len(list) == 1
	})
	s.search.Register(qa.NewSearchSource(qaStore, md, s.fileNumbers.Fresh))
	s.qa = qa.New(qaStore, s.spaces, md, s.web, qa.Deps{
		ResolveTopics: s.topics.ResolveIDs,
		Glossary:      s.topics.MarkdownTerms,
		FileNumbers:   s.fileNumbersIn,
		MailAddress:   s.mailAddress(),
		Search:        s.search,
		Notifier:      s.notify,
		Merge: func(base, ours, theirs string) (string, bool) {
			m := wiki.Merge3(base, ours, theirs)
			return m.Text, len(m.Conflicts) == 0
		},
		Experts: func(c *gin.Context, topicIDs []int64, limit int) ([]qa.Expert, error) {
			list, err := s.experts.Ranker.Rank(c.Request.Context(), topicIDs, readable(c), experts.Directory(web.ViewerOf(c)), limit+2)
			out := make([]qa.Expert, 0, len(list))
			for _, e := range list {
				out = append(out, qa.Expert{Handle: e.Handle, Name: e.Name, Why: strings.TrimSpace(e.Position + " " + e.Unit)})
			}
			return out, err
		},
		TopicSubtree: func(ctx context.Context, slug string) ([]int64, error) {
			_, ids, err := s.topics.Store.Subtree(ctx, slug)
			return ids, err
		},
		LookupTopics: func(ctx context.Context, names []string) ([]int64, error) {
			found, err := s.topics.Store.ByLabels(ctx, s.pool, names)
			ids := make([]int64, 0, len(found))
			for _, t := range found { // a name and its synonym may both be typed
				if !slices.Contains(ids, t.ID) {
					ids = append(ids, t.ID)
				}
			}
			return ids, err
		},
		Trash:  s.trash,
		Drafts: s.drafts,
		Seen:   func(c *gin.Context, kind, item string, space int64) { s.stats.Seen(c, kind, item, space) },
		Watch: func(ctx context.Context, tx pgx.Tx, accountID, questionID int64) error {
			return s.notify.WatchWith(ctx, tx, accountID, notify.WatchQuestion, questionID)
		},
		WatchButton: s.notify.ButtonFor,
		StoreFile:   s.storeMailFile(),
		ServeFile: func(c *gin.Context, f qa.MailFile, cache string) {
			s.wiki.ServeFile(c, f.SHA256, f.Filename, f.ContentType, time.Time{}, cache)
		},
		BaseURL:  strings.TrimRight(s.cfg.BaseURL.String(), "/"),
		ReplyTag: s.notify.ParseReplyTag,
		Notice:   s.deliveries.SendNotice,
	})
	s.topics.RegisterSection(s.qa.TopicSection())
	s.topics.RegisterMergeHook(qa.MergeTopic)
	s.topics.RegisterCarriers(s.qa.TopicCarriers())
}
