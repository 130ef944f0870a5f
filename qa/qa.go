// Package qa is the question-and-answer board: staff ask in the open,
// colleagues answer, the asker accepts, and good answers become wiki
// pages. Scores belong to posts, never to people.
package qa

import (
	"context"
	"io"
	"log/slog"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/trash"
	"github.com/fachnetz/fachnetz/server/web"
)

// Event is something people may want to hear about.
type Event struct {
	Kind       string // "question" (a new one), "answer", "accepted", "comment"
	ActorID    int64
	SpaceID    int64
	QuestionID int64
	TopicIDs   []int64
	Title, URL string
	Text       string  // the new text, for @handle mentions
	Also       []int64 // people to tell besides the watchers (the answer's author on acceptance)
}

// Deps are what the board needs from other parts, given by the wiring.
type Deps struct {
	ResolveTopics func(ctx context.Context, names []string, proposer int64) ([]int64, error)
	Glossary      func(ctx context.Context) ([]markdown.Term, error)
	// FileNumbers returns the file-number patterns that apply in a space
	// (its agency's), linked in rendered posts. Nil: none.
	FileNumbers func(ctx context.Context, spaceID int64) (*markdown.FileNumbers, error)
	// Notifier records the board's events as notifications, in the
	// transaction of the change; nil: nobody hears of anything.
	Notifier *notify.Notifier
	// Watch makes a person watch a question (askers and answerers do).
	Watch func(ctx context.Context, tx pgx.Tx, accountID, questionID int64) error
	// WatchButton is an item's watch button for the request, which the
	// "watch-button" partial renders.
	WatchButton func(c *gin.Context, kind string, itemID int64) any
	// Search finds similar questions and pages while a question is typed.
	Search *search.Service
	// Experts suggests people who know about the topics, for the reader.
	Experts func(c *gin.Context, topicIDs []int64, limit int) ([]Expert, error)
	// TopicSubtree is a topic by slug with every topic below it, for the
	// list filtered by topic.
	TopicSubtree func(ctx context.Context, slug string) ([]int64, error)
	// LookupTopics finds the topics named (names or synonyms), proposing
	// nothing: the ask form suggests experts while the topics are typed.
	LookupTopics func(ctx context.Context, names []string) ([]int64, error)
	// Seen is told of every question view, for the anonymised trends.
	Seen func(c *gin.Context, kind, item string, spaceID int64)
	// Trash keeps deleted questions, answers and comments for a while.
	Trash *trash.Trash
	// Drafts keeps what is typed in the editors until it is saved. Nil:
	// no drafts.
	Drafts *drafts.Drafts
	// Merge merges two edits of a text made from base (three-way); clean
	// is false when they overlap, and merged then holds both versions.
	Merge func(base, ours, theirs string) (merged string, clean bool)
	// StoreFile checks a file of a mail and keeps its content in the
	// attachment store; ServeFile answers such a content.
	StoreFile func(filename string, r io.Reader) (MailFile, error)
	ServeFile func(c *gin.Context, f MailFile, cache string)
	// BaseURL is the instance's public address, for links in mails.
	BaseURL string
	// MailAddress is the address forwarding into a space; nil without
	// mail-in.
	MailAddress func(spaceSlug string) string
	// ReplyTag reads the tag of a signed reply address; ok is false for a
	// tag this instance did not sign. Nil: replies by mail are refused.
	ReplyTag func(ctx context.Context, tag string) (notify.ReplyTarget, bool)
	// Notice mails a short answer to a mail that came in; it returns
	// notify.ErrNoMail on an instance without a mail server.
	Notice func(ctx context.Context, n notify.Notice) error
}

// Expert is a person suggested for a question.
type Expert struct {
	Handle, Name, Why string
}

// Board is the Q&A service and its handlers.
type Board struct {
	store  *Store
	spaces *policies.Spaces
	md     *markdown.Renderer
	web    *web.Web
	log    *slog.Logger
	deps   Deps
}

// New wires the board.
func New(store *Store, spaces *policies.Spaces, md *markdown.Renderer, w *web.Web, deps Deps) *Board {
	b := &Board{store: store, spaces: spaces, md: md, web: w, log: w.Log, deps: deps}
	if deps.Trash != nil {
		deps.Trash.Register(trash.Question, restoreQuestion)
		deps.Trash.Register(trash.Answer, restoreAnswer)
		deps.Trash.Register(trash.Comment, restoreComment)
	}
	return b
}

const keyQuestion = "fachnetz.question"

// loadQuestion loads the question named by :id and checks that the viewer
// may do act in its space; one they may not read answers 404. then, when
// given, checks more before the handler runs.
func (b *Board) loadQuestion(act policies.Action, then ...func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			b.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
			return
		}
		q, err := b.store.QuestionByID(c.Request.Context(), id)
		if err == nil {
			err = b.spaces.Check(c.Request.Context(), policies.SubjectOf(c), act, q.SpaceID)
		}
		if err != nil {
			b.web.Fail(c, err)
			return
		}
		b.showWiki(c.Request.Context(), policies.SubjectOf(c), &q)
		c.Set(keyQuestion, q)
		for _, check := range then {
			if err := check(c); err != nil {
				b.web.Fail(c, err)
				return
			}
		}
		c.Next()
	}
}

// notArchived refuses a change to a question of an archived space, which
// is read-only for everyone.
func (b *Board) notArchived(c *gin.Context) error {
	return b.spaces.CheckOpen(questionOf(c).SpaceID)
}

// showWiki keeps the link to the wiki page a question's answer became
// only for readers of the page's space, asked now: a page promoted into a
// private space, or moved there later, must not show its address (its
// title, in effect) to everyone who reads the question. Others learn
// nothing of the page, not even that it exists.
func (b *Board) showWiki(ctx context.Context, sub policies.Subject, q *Question) {
	if q.WikiURL == nil {
		return
	}
	if q.WikiSpaceID == nil || !b.spaces.Enforcer.Can(ctx, sub, policies.Read, *q.WikiSpaceID) {
		q.WikiURL = nil
	}
}

func questionOf(c *gin.Context) Question { return web.Kept[Question](c, keyQuestion) }

// QuestionURL is the address of a question.
func QuestionURL(id int64) string { return "/fragen/" + strconv.FormatInt(id, 10) }
