package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/meilisearch/meilisearch-go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fachnetz/fachnetz/server/web"
)

// Source is an area whose things can be found: the wiki's pages, later
// questions and people. The search service asks it for documents by id and
// for everything when it rebuilds the index.
type Source interface {
	// Kind is the outbox kind and the document type, e.g. "page".
	Kind() string
	// Documents loads the documents of ids; an id that no longer has one
	// (deleted) is simply absent from the answer.
	Documents(ctx context.Context, ids []int64) ([]Document, error)
	// Each hands all documents to fn in batches of about size.
	Each(ctx context.Context, size int, fn func([]Document) error) error
	// Count is how many documents Each would hand over.
	Count(ctx context.Context) (int, error)
}

// Config tunes the service.
type Config struct {
	Index      string        // uid of the live index
	StaleAfter time.Duration // outbox rows older than this make search answer from PostgreSQL
	Poll       time.Duration // how often the worker looks for work without a notification
	// Compounds returns the split compound parts of a text (may be nil).
	Compounds func(text string) string
	// Synonyms returns the synonym groups for the index settings.
	Synonyms func(ctx context.Context) (map[string][]string, error)
	// Terms returns the names and synonyms of the topic tree and the
	// glossary's terms, the words "Meinten Sie …?" proposes (may be nil).
	Terms func(ctx context.Context) ([]string, error)
}

// Service is the search service: worker, queries, reindex and handlers.
type Service struct {
	cfg     Config
	client  meilisearch.ServiceManager
	pool    *pgxpool.Pool
	log     *slog.Logger
	web     *web.Web
	sources map[string]Source
	order   []string

	mu    sync.Mutex
	ready bool // index exists with current settings
	// settingsDue: a topic changed since the settings (synonyms) were
	// last applied.
	settingsDue atomic.Bool
	oldest      atomic.Int64 // Unix ms of the oldest pending outbox row, 0 when none; refreshed by the worker
	wake        chan struct{}
	// mirrorWake wakes the copy into PostgreSQL (mirror.go).
	mirrorWake chan struct{}
	// wordParts remembers the compound parts of the words of snippets,
	// which every search splits again to mark them (highlight.go).
	wordParts *memo
}

// New creates the service; register sources before Run.
func New(cfg Config, client meilisearch.ServiceManager, pool *pgxpool.Pool, w *web.Web) *Service {
	if cfg.Poll == 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.StaleAfter == 0 {
		cfg.StaleAfter = time.Minute
	}
	return &Service{cfg: cfg, client: client, pool: pool, log: w.Log, web: w, sources: map[string]Source{}, wake: make(chan struct{}, 1), mirrorWake: make(chan struct{}, 1),
		wordParts: newMemo(cfg.Compounds, memoWords)}
}

// Register adds a source.
func (s *Service) Register(src Source) {
	s.sources[src.Kind()] = src
	s.order = append(s.order, src.Kind())
}

// RegisterMetrics exports the outbox's length and the age of its oldest
// row, the two numbers that tell whether search is keeping up.
func (s *Service) RegisterMetrics(reg prometheus.Registerer) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "fachnetz_search_outbox_length", Help: "Changes waiting to be sent to Meilisearch.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var n int64
		s.pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE processed_at IS NULL`).Scan(&n)
		return float64(n)
	}), prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "fachnetz_search_outbox_oldest_seconds", Help: "Age of the oldest change waiting for Meilisearch.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var age float64
		s.pool.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM search_outbox WHERE processed_at IS NULL`).Scan(&age)
		return age
	}))
}

func (s *Service) index(uid string) meilisearch.IndexManager { return s.client.Index(uid) }

// ensureIndex creates the live index if needed and applies the settings.
func (s *Service) ensureIndex(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready {
		return nil
	}
	if err := s.prepare(ctx, s.cfg.Index); err != nil {
		return err
	}
	s.ready = true
	return nil
}

// prepare creates an index (if missing) and applies the current settings.
func (s *Service) prepare(ctx context.Context, uid string) error {
	if _, err := s.client.GetIndexWithContext(ctx, uid); err != nil {
		var me *meilisearch.Error
		if !errors.As(err, &me) || me.StatusCode != http.StatusNotFound {
			return fmt.Errorf("look up index %s: %w", uid, err)
		}
		task, err := s.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
		if err != nil {
			return fmt.Errorf("create index %s: %w", uid, err)
		}
		if err := s.wait(ctx, task.TaskUID); err != nil {
			return fmt.Errorf("create index %s: %w", uid, err)
		}
	}
	var synonyms map[string][]string
	if s.cfg.Synonyms != nil {
		var err error
		if synonyms, err = s.cfg.Synonyms(ctx); err != nil {
			return fmt.Errorf("synonyms: %w", err)
		}
	}
	task, err := s.index(uid).UpdateSettingsWithContext(ctx, Settings(synonyms))
	if err != nil {
		return fmt.Errorf("settings of %s: %w", uid, err)
	}
	return s.wait(ctx, task.TaskUID)
}

// RefreshSettings applies the settings again, after the topic tree or the
// glossary changed the synonyms (a topic row in the outbox).
func (s *Service) RefreshSettings(ctx context.Context) error {
	s.mu.Lock()
	s.ready = false
	s.mu.Unlock()
	return s.ensureIndex(ctx)
}

// wait blocks until Meilisearch has processed a task and reports its
// failure as an error.
func (s *Service) wait(ctx context.Context, taskUID int64) error {
	task, err := s.client.WaitForTaskWithContext(ctx, taskUID, 10*time.Millisecond)
	if err != nil {
		return err
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("meilisearch task %d %s: %s", taskUID, task.Status, task.Error.Message)
	}
	return nil
}
