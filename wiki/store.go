package wiki

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// Page is a wiki page at its newest revision.
type Page struct {
	ID                 int64     `db:"id" json:"id"`
	SpaceID            int64     `db:"space_id" json:"-"`
	SpaceSlug          string    `db:"space_slug" json:"space"`
	SpaceName          string    `db:"space_name" json:"-"`
	ParentID           *int64    `db:"parent_id" json:"parent_id"`
	Slug               string    `db:"slug" json:"slug"`
	Title              string    `db:"title" json:"title"`
	Body               string    `db:"body" json:"body"`
	Revision           int       `db:"revision" json:"revision"`
	OwnerID            *int64    `db:"owner_id" json:"-"`
	OwnerName          *string   `db:"owner_name" json:"owner"`
	ReviewIntervalDays int       `db:"review_interval_days" json:"review_interval_days"`
	IsTemplate         bool      `db:"is_template" json:"is_template"`
	CreatedAt          time.Time `db:"created_at" json:"created_at"`
	UpdatedAt          time.Time `db:"updated_at" json:"updated_at"`
	ReviewState
}

// ReviewDue is the day by which the page needs a review; nil for pages
// that need none.
func (p Page) ReviewDue() *time.Time { return p.DueOn }

// NeedsReview reports whether the review date has passed.
func (p Page) NeedsReview(now time.Time) bool {
	return p.DueOn != nil && now.After(p.DueOn.AddDate(0, 0, 1))
}

// Revision is one saved state of a page.
type Revision struct {
	Number     int       `db:"number" json:"number"`
	Title      string    `db:"title" json:"title"`
	Body       string    `db:"body" json:"body,omitempty"`
	AuthorName *string   `db:"author_name" json:"author"`
	Message    string    `db:"message" json:"message"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	// PurgedAt and PurgedBy say when and by whom the content was removed.
	PurgedAt *time.Time `db:"purged_at" json:"purged_at,omitempty"`
	PurgedBy *string    `db:"purged_by" json:"purged_by,omitempty"`
}

// Node is a page in a space's tree.
type Node struct {
	ID         int64  `db:"id" json:"id"`
	ParentID   *int64 `db:"parent_id" json:"parent_id"`
	Slug       string `db:"slug" json:"slug"`
	Title      string `db:"title" json:"title"`
	IsTemplate bool   `db:"is_template" json:"is_template"`
}

// PageRef names a page somewhere, for backlinks, queues and lists.
type PageRef struct {
	ID        int64  `db:"id" json:"id"`
	SpaceID   int64  `db:"space_id" json:"-"`
	SpaceSlug string `db:"space_slug" json:"space"`
	Slug      string `db:"slug" json:"slug"`
	Title     string `db:"title" json:"title"`
}

// Attachment is a file on a page.
type Attachment struct {
	ID          int64     `db:"id" json:"id"`
	PageID      int64     `db:"page_id" json:"-"`
	Filename    string    `db:"filename" json:"filename"`
	ContentType string    `db:"content_type" json:"content_type"`
	Size        int64     `db:"size" json:"size"`
	SHA256      []byte    `db:"sha256" json:"-"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
	UploadedBy  *int64    `db:"uploaded_by" json:"-"`
	// Versions are the earlier contents, newest first.
	Versions []AttachmentVersion `db:"-" json:"versions"`
	// CanDelete: the reader uploaded it or moderates the space.
	CanDelete bool `db:"-" json:"-"`
}

// Topic is a topic as a page shows it.
type Topic struct {
	ID   int64  `db:"id" json:"-"`
	Slug string `db:"slug" json:"slug"`
	Name string `db:"name" json:"name"`
}

// Store holds the wiki's SQL.
type Store struct {
	pool  *pgxpool.Pool
	trees *treeCache
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, trees: &treeCache{}} }

const pageColumns = `p.id, p.space_id, s.slug AS space_slug, s.name AS space_name, p.parent_id, p.slug, p.title, p.body, p.revision,
	p.owner_id, o.display_name AS owner_name, p.review_interval_days, p.reviewed_at, p.review_due, p.is_template, p.created_at, p.updated_at`

const pageFrom = ` FROM pages p JOIN spaces s ON s.id = p.space_id LEFT JOIN accounts o ON o.id = p.owner_id `

func (st *Store) onePage(ctx context.Context, q pgxQuerier, where string, args ...any) (Page, error) {
	rows, _ := q.Query(ctx, `SELECT `+pageColumns+pageFrom+`WHERE `+where, args...)
	return postgres.One[Page](rows, "load page")
}

type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// PageBySlug loads a page of a space.
func (st *Store) PageBySlug(ctx context.Context, spaceID int64, slug string) (Page, error) {
	return st.onePage(ctx, st.pool, `p.space_id = $1 AND p.slug = $2`, spaceID, slug)
}

// PageByID loads a page.
func (st *Store) PageByID(ctx context.Context, id int64) (Page, error) {
	return st.onePage(ctx, st.pool, `p.id = $1`, id)
}

// Redirect finds the page that once lived at a space's slug.
func (st *Store) Redirect(ctx context.Context, spaceID int64, slug string) (Page, error) {
	var id int64
	err := st.pool.QueryRow(ctx, `SELECT page_id FROM page_redirects WHERE space_id = $1 AND slug = $2`, spaceID, slug).Scan(&id)
	if err != nil {
		return Page{}, postgres.Found(err, "load redirect")
	}
	return st.PageByID(ctx, id)
}

// Tree lists the pages of a space for its navigation tree.
func (st *Store) Tree(ctx context.Context, spaceID int64) ([]Node, error) {
	rows, _ := st.pool.Query(ctx, treeSQL, spaceID)
	nodes, err := scanNodes(rows)
	if err != nil {
		return nil, fmt.Errorf("page tree: %w", err)
	}
	return nodes, nil
}

// Revisions lists a page's revisions, newest first, without their bodies.
func (st *Store) Revisions(ctx context.Context, pageID int64) ([]Revision, error) {
	rows, _ := st.pool.Query(ctx, `SELECT r.number, r.title, '' AS body, a.display_name AS author_name, r.message, r.created_at,
			r.purged_at, pa.display_name AS purged_by
		FROM page_revisions r LEFT JOIN accounts a ON a.id = r.author_id LEFT JOIN accounts pa ON pa.id = r.purged_by
		WHERE r.page_id = $1 ORDER BY r.number DESC`, pageID)
	return postgres.All[Revision](rows, "list revisions")
}

// Revision loads one revision with its body.
func (st *Store) Revision(ctx context.Context, pageID int64, number int) (Revision, error) {
	rows, _ := st.pool.Query(ctx, `SELECT r.number, r.title, r.body, a.display_name AS author_name, r.message, r.created_at,
			r.purged_at, pa.display_name AS purged_by
		FROM page_revisions r LEFT JOIN accounts a ON a.id = r.author_id LEFT JOIN accounts pa ON pa.id = r.purged_by
		WHERE r.page_id = $1 AND r.number = $2`, pageID, number)
	return postgres.One[Revision](rows, "load revision")
}

// Draft is a page as its author submits it.
type Draft struct {
	Title              string
	Body               string
	Message            string
	ParentID           *int64
	TopicIDs           []int64
	OwnerID            *int64
	ReviewIntervalDays int
	ReviewDue          *time.Time // nil: no review needed
	IsTemplate         bool
	Links              []LinkKey
}

// LinkKey is a stored outgoing link.
type LinkKey struct{ Space, Key string }

// ErrConflict carries the page as someone else saved it in the meantime.
type ErrConflict struct{ Current Page }

func (e *ErrConflict) Error() string {
	return fmt.Sprintf("page saved meanwhile (revision %d)", e.Current.Revision)
}

// Create inserts a page with its first revision.
func (st *Store) Create(ctx context.Context, spaceID int64, slug string, d Draft, authorID int64) (Page, error) {
	return st.create(ctx, spaceID, slug, d, authorID, nil)
}

// afterWrite runs at the end of a page's write transaction with the page
// as written and the body it had before ("" for a new page): the
// notification event goes with the change.
type afterWrite func(ctx context.Context, tx pgx.Tx, p Page, before string) error

// then runs f, if any, on the page as the transaction now sees it.
func (st *Store) then(ctx context.Context, tx pgx.Tx, f afterWrite, id int64, before string) error {
	if f == nil {
		return nil
	}
	p, err := st.onePage(ctx, tx, `p.id = $1`, id)
	if err != nil {
		return err
	}
	return f(ctx, tx, p, before)
}

func (st *Store) create(ctx context.Context, spaceID int64, slug string, d Draft, authorID int64, after afterWrite) (Page, error) {
	var id int64
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) (err error) {
		id, err = st.insertPage(ctx, tx, spaceID, slug, d, authorID, after)
		return err
	})
	if err != nil {
		return Page{}, err
	}
	return st.PageByID(ctx, id)
}

// Save stores a new revision, unless someone else saved since base: then
// it returns *ErrConflict with the page as it is now and changes nothing.
func (st *Store) Save(ctx context.Context, pageID int64, base int, d Draft, authorID int64, after afterWrite) (Page, error) {
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var current int
		var before string
		if err := tx.QueryRow(ctx, `SELECT revision, body FROM pages WHERE id = $1 FOR UPDATE`, pageID).Scan(&current, &before); err != nil {
			return postgres.Found(err, "lock page")
		}
		if current != base {
			p, err := st.onePage(ctx, tx, `p.id = $1`, pageID)
			if err != nil {
				return err
			}
			return &ErrConflict{Current: p}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO page_revisions (page_id, number, title, body, author_id, message) VALUES ($1, $2, $3, $4, $5, $6)`,
			pageID, current+1, d.Title, d.Body, authorID, d.Message); err != nil {
			return fmt.Errorf("insert revision: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE pages SET title = $2, body = $3, revision = $4, parent_id = $5, owner_id = $6,
			review_interval_days = $7, is_template = $8, review_due = $9, updated_at = now() WHERE id = $1`,
			pageID, d.Title, d.Body, current+1, d.ParentID, d.OwnerID, d.ReviewIntervalDays, d.IsTemplate, d.ReviewDue); err != nil {
			return fmt.Errorf("update page: %w", err)
		}
		if err := writeRelations(ctx, tx, pageID, d); err != nil {
			return err
		}
		return st.then(ctx, tx, after, pageID, before)
	})
	if err != nil {
		return Page{}, err
	}
	return st.PageByID(ctx, pageID)
}

// writeRelations stores what goes with a revision: links, topics, and the
// search outbox row, all in the revision's transaction.
func writeRelations(ctx context.Context, tx pgx.Tx, pageID int64, d Draft) error {
	if err := search.Enqueue(ctx, tx, "page", pageID); err != nil {
		return err
	}
	if err := writeLinks(ctx, tx, pageID, d.Links); err != nil {
		return err
	}
	// A new page or a new title may be what links written earlier name.
	if err := ResolveIncoming(ctx, tx, []int64{pageID}); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM page_topics WHERE page_id = $1 AND topic_id <> ALL($2)`, pageID, d.TopicIDs); err != nil {
		return fmt.Errorf("clear topics: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO page_topics (page_id, topic_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, pageID, d.TopicIDs); err != nil {
		return fmt.Errorf("store topics: %w", err)
	}
	return nil
}

// Topics lists a page's topics by name.
func (st *Store) Topics(ctx context.Context, pageID int64) ([]Topic, error) {
	rows, _ := st.pool.Query(ctx, topicsSQL, pageID)
	return postgres.All[Topic](rows, "topics of page")
}

// SlugFree reports whether no page and no redirect of the space uses slug.
func (st *Store) SlugFree(ctx context.Context, spaceID int64, slug string) (bool, error) {
	var taken bool
	err := st.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pages WHERE space_id = $1 AND slug = $2)
		OR EXISTS (SELECT 1 FROM page_redirects WHERE space_id = $1 AND slug = $2)`, spaceID, slug).Scan(&taken)
	return !taken, err
}

// MarkReviewed records that the page is correct; the next review falls
// due after the page's repeat interval, or never.
func (st *Store) MarkReviewed(ctx context.Context, pageID int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE pages SET reviewed_at = now(),
			review_due = CASE WHEN review_interval_days > 0 THEN current_date + review_interval_days END WHERE id = $1`, pageID); err != nil {
			return fmt.Errorf("mark reviewed: %w", err)
		}
		return search.Enqueue(ctx, tx, "page", pageID)
	})
}

// DueForReview lists pages whose review date has passed, in the given
// spaces, owned by ownerID unless ownerID is 0, oldest due first. Pages of
// archived spaces are read-only, nobody can confirm them: they are left
// out, as from the review notices.
func (st *Store) DueForReview(ctx context.Context, spaces []int64, ownerID int64) ([]Page, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+pageColumns+pageFrom+`
		WHERE p.space_id = ANY($1) AND ($2 = 0 OR p.owner_id = $2) AND p.review_due < current_date AND NOT p.is_template
		AND s.archived_at IS NULL
		ORDER BY p.review_due, p.id LIMIT 500`, spaces, ownerID)
	return postgres.All[Page](rows, "review queue")
}

// Templates lists the pages a space offers as templates.
func (st *Store) Templates(ctx context.Context, spaceID int64) ([]Node, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, parent_id, slug, title, is_template FROM pages WHERE space_id = $1 AND is_template ORDER BY title`, spaceID)
	return postgres.All[Node](rows, "templates")
}

// IsBelow reports whether page id lies in the subtree of root (or is root).
func (st *Store) IsBelow(ctx context.Context, id, root int64) (bool, error) {
	var below bool
	err := st.pool.QueryRow(ctx, `WITH RECURSIVE sub AS (
			SELECT id FROM pages WHERE id = $2
			UNION SELECT c.id FROM pages c JOIN sub s ON c.parent_id = s.id)
		SELECT $1 IN (SELECT id FROM sub)`, id, root).Scan(&below)
	return below, err
}

// HandleOf returns an account's handle.
func (st *Store) HandleOf(ctx context.Context, id int64) (string, error) {
	var h string
	err := st.pool.QueryRow(ctx, `SELECT handle FROM accounts WHERE id = $1`, id).Scan(&h)
	return h, err
}
