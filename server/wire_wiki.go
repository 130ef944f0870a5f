package main

import (
	"context"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/filenumbers"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/stats"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/trash"
	"github.com/fachnetz/fachnetz/wiki"
)

// wireWiki builds the topic tree, the trash, the file numbers and the
// wiki with its pages' hooks into the topic tree.
func (s *Server) wireWiki(md *markdown.Renderer) error {
	files, err := wiki.NewFileStore(s.cfg.DataDir)
	if err != nil {
		return err
	}
	// s.stats and s.notify are made below: these are called only once
	// serving.
	s.topics = topics.New(s.web, s.pool, topics.Deps{
		OnView:      func(c *gin.Context, id int64) { s.stats.Seen(c, stats.Topic, strconv.FormatInt(id, 10), 0) },
		WatchButton: func(c *gin.Context, id int64) any { return s.notify.ButtonFor(c, notify.WatchTopic, id) },
	})
	s.trash = trash.New(s.pool, s.log, s.cfg.TrashDays)
	s.fileNumbers = filenumbers.New(s.pool, s.log)
	s.wiki = wiki.New(wiki.NewStore(s.pool), s.spaces, md, s.web, files, wiki.Deps{
		Promotion: s.promotion,
		Promoted: func(c *gin.Context, questionID int64, create func() (int64, error)) error {
			return s.qa.Promoted(c, questionID, create)
		},
		MaxUpload:     s.cfg.MaxUploadBytes,
		ResolveTopics: s.topics.ResolveIDs,
		UnknownTopics: s.topics.Unknown,
		Glossary:      s.topics.MarkdownTerms,
		FileNumbers:   s.fileNumbersIn,
		Seen:          func(c *gin.Context, kind, item string, space int64) { s.stats.Seen(c, kind, item, space) },
		Asked:         func(c *gin.Context, space int64) (any, error) { return s.trends.Space(c, space) },
		Trash:         s.trash,
		Drafts:        s.drafts,
		// s.notify is made below: these are called only once serving.
		Notify: func(ctx context.Context, tx pgx.Tx, ev notify.Event, a notify.Audience) error {
			return s.notify.Tell(ctx, tx, ev, a)
		},
		Watch: func(ctx context.Context, tx pgx.Tx, accountID int64, kind string, id int64) error {
			return s.notify.WatchWith(ctx, tx, accountID, kind, id)
		},
		Moved: func(ctx context.Context, tx pgx.Tx, subjectType string, id, spaceID int64) error {
			return s.notify.Moved(ctx, tx, subjectType, id, spaceID)
		},
		WatchButton: func(c *gin.Context, kind string, id int64) any { return s.notify.ButtonFor(c, kind, id) },
	})
	s.topics.RegisterSection(s.wiki.TopicSection())
	s.topics.RegisterMergeHook(wiki.MergeTopic)
	s.topics.RegisterCarriers(s.wiki.TopicCarriers())
	return nil
}

// promotion hands the wiki editor a question being taken into the wiki.
func (s *Server) promotion(c *gin.Context, questionID int64) (wiki.Promotion, error) {
	d, err := s.qa.Promotion(c, questionID)
	return wiki.Promotion(d), err
}
