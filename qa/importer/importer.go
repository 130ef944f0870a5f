// Package importer brings a Stack Exchange data dump into the Q&A board of
// one space.
//
// The dump's files are streamed twice: a first pass notes where every
// question, answer and comment row is (file offsets, not contents), a
// second pass reads one thread at a time and writes it in one transaction
// (question, answers, comments, topics, revisions, accepted answer and the
// search outbox row), so that a thread is imported whole or not at all.
// Every imported row is recorded in import_sources, and a thread recorded
// there is skipped, so that a second run changes nothing.
//
// Only Posts.xml, Comments.xml and Users.xml are read. Scores are taken
// from Posts.xml; Votes.xml is not read: public dumps carry no voter ids,
// so no vote could be given to a person, and the scores already sum the
// votes. Tags.xml is not needed either: each question carries its tag
// names.
package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/topics"
)

// Options say what to import where.
type Options struct {
	Dir string // the unpacked dump of one site
	// Name names the dump, e.g. "german.stackexchange.com"; rows are
	// recorded under "stackexchange:<Name>" and placeholder accounts are
	// called se-<site>-<id> after it.
	Name     string
	SpaceID  int64
	AgencyID int64 // the space's agency, which placeholder accounts join
	Topics   *topics.Topics
}

// Summary counts what an import did.
type Summary struct {
	Questions, Answers, Comments, Accounts int
	Skipped                                int // threads left out because of a problem
	Existing                               int // threads imported by an earlier run
	Problems                               []*Problem
}

func (s Summary) String() string {
	out := fmt.Sprintf("imported %d questions, %d answers, %d comments, %d accounts; skipped %d threads",
		s.Questions, s.Answers, s.Comments, s.Accounts, s.Skipped)
	if s.Existing > 0 {
		out += fmt.Sprintf("; %d threads were imported before", s.Existing)
	}
	return out
}

// IncompleteError is returned when rows or threads had to be left out;
// everything else was imported.
type IncompleteError struct{ Problems []*Problem }

func (e *IncompleteError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Import reads the dump in opts.Dir into the space. progress, when not
// nil, learns after every thread how many of all threads are done. The
// error is an *IncompleteError when something was skipped, and anything
// else when the import could not go on (the summary then says how far it
// got).
func Import(ctx context.Context, pool *pgxpool.Pool, opts Options, progress func(done, total int)) (Summary, error) {
	if opts.Name == "" {
		opts.Name = filepath.Base(filepath.Clean(opts.Dir))
	}
	if opts.Topics == nil || opts.SpaceID == 0 || opts.AgencyID == 0 {
		return Summary{}, errors.New("import: space, agency and topics are required")
	}
	r := &run{pool: pool, opts: opts, source: "stackexchange:" + opts.Name, site: siteName(opts.Name),
		md: newMarkdownConverter(), topicIDs: map[string]int64{}}
	defer r.close()
	if err := r.index(); err != nil {
		return r.sum, err
	}
	if len(r.sum.Problems) > 0 && r.broken {
		r.sum.Skipped = len(r.posts.questions)
		return r.sum, &IncompleteError{r.sum.Problems}
	}
	var err error
	if r.done, err = recorded(ctx, pool, r.source, kindQuestion); err != nil {
		return r.sum, err
	}
	if r.accounts, err = recorded(ctx, pool, r.source, kindAccount); err != nil {
		return r.sum, err
	}
	total := len(r.posts.questions)
	if progress == nil {
		progress = func(int, int) {}
	}
	progress(0, total)
	settled := 0
	for start := 0; start < total; start += chunk {
		if err := ctx.Err(); err != nil {
			return r.sum, err
		}
		var ready []*thread
		for _, q := range r.posts.questions[start:min(start+chunk, total)] {
			th, err := r.prepare(ctx, q)
			if err != nil {
				return r.sum, err
			}
			if th != nil {
				ready = append(ready, th)
			} else {
				settled++
				progress(settled, total)
			}
		}
		if err := r.createAccounts(ctx, ready); err != nil {
			return r.sum, err
		}
		for _, th := range ready {
			if err := r.write(ctx, th); err != nil {
				return r.sum, err
			}
			settled++
			progress(settled, total)
		}
	}
	if len(r.sum.Problems) > 0 {
		return r.sum, &IncompleteError{r.sum.Problems}
	}
	return r.sum, nil
}

// chunk is how many threads are read ahead, so that the placeholder
// accounts they need are created in one transaction: every change to
// accounts makes each running server reload its access rules, once per
// transaction.
const chunk = 250

// run is one import.
type run struct {
	pool   *pgxpool.Pool
	opts   Options
	source string // import_sources.source
	site   string // for handles and e-mail addresses
	md     *markdownConverter

	postFile, commentFile *rowFile
	posts                 *postIndex
	comments              *commentIndex
	names                 map[int64]string // display names from Users.xml
	broken                bool             // a file is not well-formed

	done     map[string]int64 // questions imported before, by dump id
	accounts map[string]int64 // placeholder accounts, by dump user id
	topicIDs map[string]int64 // by lower-cased tag

	sum Summary
}

func (r *run) close() {
	r.postFile.Close()    //nolint:errcheck // read only
	r.commentFile.Close() //nolint:errcheck // read only
}

// index makes the first pass over the files. A file that is not
// well-formed stops its reading at that line; since any thread may have
// rows after that line, nothing is imported then (r.broken).
func (r *run) index() error {
	var err error
	if r.postFile, err = openRows(r.opts.Dir, "Posts.xml", "posts", true); err != nil {
		return err
	}
	if r.commentFile, err = openRows(r.opts.Dir, "Comments.xml", "comments", false); err != nil {
		return err
	}
	userFile, err := openRows(r.opts.Dir, "Users.xml", "users", false)
	if err != nil {
		return err
	}
	defer userFile.Close() //nolint:errcheck // read only

	var broken []*Problem
	syntax := func(err error) error {
		var p *Problem
		if errors.As(err, &p) {
			p.Msg += " (nothing was imported: any thread may have rows after this line)"
			broken = append(broken, p)
			return nil
		}
		return err
	}
	r.posts, err = indexPosts(r.postFile)
	if err = syntax(err); err != nil {
		return err
	}
	r.comments, err = indexComments(r.commentFile)
	if err = syntax(err); err != nil {
		return err
	}
	want := r.posts.users
	for id := range r.comments.users {
		want[id] = true
	}
	var userProblems []*Problem
	r.names, userProblems, err = readUsers(userFile, want)
	if err = syntax(err); err != nil {
		return err
	}

	// Malformed comments count against the thread of their post; those
	// of posts that are not imported anyway are of no concern.
	for postID, list := range r.comments.problems {
		if q, ok := r.posts.threadOf(postID); ok {
			r.posts.problems[q] = append(r.posts.problems[q], list...)
		}
	}
	loose := slices.Concat(r.posts.loose, r.comments.loose, userProblems)
	slices.SortFunc(loose, func(a, b *Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	r.sum.Problems = append(broken, loose...)
	r.broken = len(broken) > 0
	return nil
}

// prepare reads and checks a thread and finds its topics; nil when the
// thread was imported before or has a problem, which is then reported.
// The error is for what stops the whole import.
func (r *run) prepare(ctx context.Context, ref postRef) (*thread, error) {
	if _, ok := r.done[itoa(ref.id)]; ok {
		r.sum.Existing++
		return nil, nil
	}
	th, problems, err := r.read(ref)
	if err != nil {
		return nil, err
	}
	if len(problems) == 0 {
		var problem *Problem
		if th.topicIDs, problem, err = r.resolveTags(ctx, th.question); err != nil {
			return nil, err
		}
		if problem != nil {
			problems = append(problems, problem)
		}
	}
	if len(problems) > 0 {
		r.skip(ref.id, problems...)
		return nil, nil
	}
	return th, nil
}

// skip reports the problems of a thread that is not imported.
func (r *run) skip(questionID int64, problems ...*Problem) {
	r.sum.Skipped++
	for _, p := range problems {
		p.Msg += fmt.Sprintf(" (question %d skipped with its answers and comments)", questionID)
		r.sum.Problems = append(r.sum.Problems, p)
	}
}

// thread is one question with everything that belongs to it, converted.
type thread struct {
	question post
	answers  []post
	comments map[int64][]comment // by post id
	topicIDs []int64
}

// read loads a thread from the files and checks every row of it.
func (r *run) read(ref postRef) (*thread, []*Problem, error) {
	problems := slices.Clone(r.posts.problems[ref.id])
	th := &thread{comments: map[int64][]comment{}}
	load := func(ref rowRef, question bool) (post, bool, error) {
		a, err := r.postFile.row(ref)
		if err != nil {
			return post{}, false, err
		}
		p, problem := parsePost(a, question)
		if problem == nil {
			problem = r.convert(&p, question)
		}
		if problem != nil {
			problems = append(problems, problem)
			return p, false, nil
		}
		return p, true, nil
	}
	q, ok, err := load(ref.rowRef, true)
	if err != nil {
		return nil, nil, err
	}
	if ok {
		th.question = q
	}
	postIDs := []int64{ref.id}
	for _, aref := range r.posts.answers[ref.id] {
		a, ok, err := load(aref.rowRef, false)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			th.answers = append(th.answers, a)
		}
		postIDs = append(postIDs, aref.id)
	}
	for _, id := range postIDs {
		for _, cref := range r.comments.byPost[id] {
			a, err := r.commentFile.row(cref)
			if err != nil {
				return nil, nil, err
			}
			c, problem := parseComment(a)
			if problem != nil {
				problems = append(problems, problem)
				continue
			}
			th.comments[id] = append(th.comments[id], c)
		}
	}
	return th, problems, nil
}

// convert turns a post's HTML into Markdown and checks its length.
func (r *run) convert(p *post, question bool) *Problem {
	md, err := r.md.convert(p.HTML)
	if err != nil {
		return &Problem{File: "Posts.xml", Line: p.line, Msg: err.Error()}
	}
	switch n := utf8.RuneCountInString(md); {
	case n == 0 && !question:
		return &Problem{File: "Posts.xml", Line: p.line, Msg: "attribute Body is empty"}
	case n > maxBody:
		return &Problem{File: "Posts.xml", Line: p.line, Msg: fmt.Sprintf("the body has %d characters in Markdown, at most %d fit", n, maxBody)}
	}
	p.HTML = md
	return nil
}

// resolveTags maps a question's tags to topics: a tag matches a topic's
// name or synonym, case-insensitively, also with its hyphens read as
// spaces ("öffentliche-verwaltung" finds "Öffentliche Verwaltung"); other
// tags become unsorted topic proposals, recorded in import_sources. A
// proposal is made outside the thread's transaction (topics has its own)
// and stays even if the thread fails later: it is only a proposal.
func (r *run) resolveTags(ctx context.Context, q post) ([]int64, *Problem, error) {
	var ids []int64
	for _, tag := range q.Tags {
		key := strings.ToLower(tag)
		id, ok := r.topicIDs[key]
		if !ok {
			labels := []string{tag}
			if spaced := strings.ReplaceAll(tag, "-", " "); spaced != tag {
				labels = append(labels, spaced)
			}
			found, err := r.opts.Topics.Store.ByLabels(ctx, r.pool, labels)
			if err != nil {
				return nil, nil, err
			}
			for _, l := range labels {
				if t, hit := found[strings.ToLower(l)]; hit && !ok {
					id, ok = t.ID, true
				}
			}
		}
		if !ok {
			list, err := r.opts.Topics.Resolve(ctx, []string{tag}, 0)
			if e, invalid := errs.As(err); invalid && e.Code == errs.Invalid {
				return nil, &Problem{File: "Posts.xml", Line: q.line, Msg: fmt.Sprintf("tag %q cannot be a topic: %s", tag, e.Key)}, nil
			}
			if err != nil {
				return nil, nil, err
			}
			if len(list) == 0 {
				continue
			}
			id = list[0].ID
			if err := record(ctx, r.pool, r.source, []sourceRow{{kindTopic, tag, id}}); err != nil {
				return nil, nil, err
			}
		}
		r.topicIDs[key] = id
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil, nil
}

// write stores a thread in one transaction. A row the checks let through
// and the schema refuses costs that thread only.
func (r *run) write(ctx context.Context, th *thread) error {
	w := &writer{run: r}
	err := postgres.WithTx(ctx, r.pool, func(tx pgx.Tx) error {
		// One commit per thread need not wait for the disk: should the
		// server crash, the threads it loses are not recorded either, and
		// the next run imports them.
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		w.tx = tx
		return w.thread(ctx, th)
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "23") {
		r.skip(th.question.ID, &Problem{File: "Posts.xml", Line: th.question.line, Msg: pgErr.Message})
		return nil
	}
	if err != nil {
		return err
	}
	r.done[itoa(th.question.ID)] = 0
	r.sum.Questions++
	r.sum.Answers += len(th.answers)
	r.sum.Comments += w.comments
	return nil
}

// createAccounts makes the placeholder accounts that threads need and that
// do not exist yet, in one transaction.
func (r *run) createAccounts(ctx context.Context, threads []*thread) error {
	type need struct {
		user userRef
		name string // the name on the post, for users missing from Users.xml
	}
	var needs []need
	seen := map[int64]bool{}
	add := func(u userRef, name string) {
		if u.Set && !seen[u.ID] {
			if _, ok := r.accounts[itoa(u.ID)]; !ok {
				seen[u.ID] = true
				needs = append(needs, need{u, name})
			}
		}
	}
	for _, th := range threads {
		for _, p := range append([]post{th.question}, th.answers...) {
			add(p.Owner, p.OwnerName)
			add(p.Editor, p.EditorName)
		}
		for _, list := range th.comments {
			for _, c := range list {
				add(c.User, c.UserName)
			}
		}
	}
	if len(needs) == 0 {
		return nil
	}
	created := map[string]int64{}
	err := postgres.WithTx(ctx, r.pool, func(tx pgx.Tx) error {
		var sources []sourceRow
		for _, n := range needs {
			id, err := r.createAccount(ctx, tx, n.user.ID, n.name)
			if err != nil {
				return err
			}
			created[itoa(n.user.ID)] = id
			sources = append(sources, sourceRow{kindAccount, itoa(n.user.ID), id})
		}
		return record(ctx, tx, r.source, sources)
	})
	if err != nil {
		return err
	}
	for ext, id := range created {
		r.accounts[ext] = id
	}
	r.sum.Accounts += len(created)
	return nil
}

// createAccount inserts the placeholder of dump user id, named as in
// Users.xml, else as on the post, else as Stack Exchange names users
// without a name.
func (r *run) createAccount(ctx context.Context, tx pgx.Tx, id int64, nameOnPost string) (int64, error) {
	name := r.names[id]
	if name == "" {
		name = cleanName(nameOnPost)
	}
	if name == "" {
		name = "user" + itoa(id)
	}
	for attempt := 1; attempt <= 20; attempt++ {
		handle := handleFor(r.site, id, attempt)
		local, err := insertPlaceholder(ctx, tx, placeholder{
			AgencyID: r.opts.AgencyID, DisplayName: name, Handle: handle, Email: handle + "@import.invalid",
		})
		if !errors.Is(err, errTaken) {
			return local, err
		}
	}
	return 0, fmt.Errorf("no free handle for user %d", id)
}

// writer writes one thread inside its transaction.
type writer struct {
	*run
	tx       pgx.Tx
	comments int
	sources  []sourceRow
}

func (w *writer) thread(ctx context.Context, th *thread) error {
	q := th.question
	author, err := w.account(q.Owner)
	if err != nil {
		return err
	}
	editor, err := w.editor(q, author)
	if err != nil {
		return err
	}
	nq := newQuestion{
		SpaceID: w.opts.SpaceID, AuthorID: author, Title: q.Title, Body: q.HTML, Score: q.Score,
		AnswerCount: len(th.answers), CreatedAt: q.Created, UpdatedAt: updated(q), ActiveAt: activeAt(th),
	}
	if !q.Closed.IsZero() {
		nq.ClosedAt = &q.Closed
	}
	qid, err := insertQuestion(ctx, w.tx, nq)
	if err != nil {
		return err
	}
	w.sources = append(w.sources, sourceRow{kindQuestion, itoa(q.ID), qid})
	if err := insertRevision(ctx, w.tx, "question", qid, &q.Title, q.HTML, editor, updated(q)); err != nil {
		return err
	}
	if err := w.comment(ctx, qid, nil, th.comments[q.ID]); err != nil {
		return err
	}
	for _, a := range th.answers {
		author, err := w.account(a.Owner)
		if err != nil {
			return err
		}
		editor, err := w.editor(a, author)
		if err != nil {
			return err
		}
		aid, err := insertAnswer(ctx, w.tx, newAnswer{QuestionID: qid, AuthorID: author, Body: a.HTML, Score: a.Score, CreatedAt: a.Created, UpdatedAt: updated(a)})
		if err != nil {
			return err
		}
		w.sources = append(w.sources, sourceRow{kindAnswer, itoa(a.ID), aid})
		if err := insertRevision(ctx, w.tx, "answer", aid, nil, a.HTML, editor, updated(a)); err != nil {
			return err
		}
		if err := w.comment(ctx, qid, &aid, th.comments[a.ID]); err != nil {
			return err
		}
		if a.ID == q.AcceptedAnswerID {
			if err := setAccepted(ctx, w.tx, qid, aid); err != nil {
				return err
			}
		}
	}
	if err := tagQuestion(ctx, w.tx, qid, th.topicIDs); err != nil {
		return err
	}
	if err := record(ctx, w.tx, w.source, w.sources); err != nil {
		return err
	}
	return search.Enqueue(ctx, w.tx, "question", qid)
}

func (w *writer) comment(ctx context.Context, qid int64, aid *int64, list []comment) error {
	for _, c := range list {
		author, err := w.account(c.User)
		if err != nil {
			return err
		}
		id, err := insertComment(ctx, w.tx, qid, aid, author, c.Text, c.Created)
		if err != nil {
			return err
		}
		w.sources = append(w.sources, sourceRow{kindComment, itoa(c.ID), id})
		w.comments++
	}
	return nil
}

// editor is the account of whoever wrote the text as it is now: the last
// editor, else the author.
func (w *writer) editor(p post, author *int64) (*int64, error) {
	if !p.Editor.Set || p.Editor == p.Owner {
		return author, nil
	}
	return w.account(p.Editor)
}

// account returns the placeholder account of a dump user (made by
// createAccounts); nil for a post without an owner.
func (w *writer) account(u userRef) (*int64, error) {
	if !u.Set {
		return nil, nil
	}
	id, ok := w.accounts[itoa(u.ID)]
	if !ok {
		return nil, fmt.Errorf("no account for user %d", u.ID)
	}
	return &id, nil
}

func updated(p post) time.Time {
	if p.Edited.After(p.Created) {
		return p.Edited
	}
	return p.Created
}

// activeAt is the latest activity in a thread.
func activeAt(th *thread) time.Time {
	latest := th.question.Created
	later := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
	}
	later(th.question.Edited)
	later(th.question.Activity)
	for _, a := range th.answers {
		later(a.Created)
		later(a.Edited)
		later(a.Activity)
	}
	for _, list := range th.comments {
		for _, c := range list {
			later(c.Created)
		}
	}
	return latest
}

// siteName shortens a dump's name for handles: "german.stackexchange.com"
// becomes "german", "stackoverflow.com" "stackoverflow".
func siteName(name string) string {
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".7z")
	name = strings.TrimSuffix(name, ".stackexchange.com")
	name = strings.TrimSuffix(name, ".com")
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	site := strings.Trim(b.String(), "-")
	if site == "" {
		site = "site"
	}
	return site
}

// maxHandle is the longest handle migration 0002 allows.
const maxHandle = 40

// handleFor names the placeholder of dump user id: se-<site>-<id>, with
// -2, -3 … on later attempts (when another account has the handle), the
// site shortened to fit.
func handleFor(site string, id int64, attempt int) string {
	tail := "-" + itoa(id)
	if attempt > 1 {
		tail += "-" + strconv.Itoa(attempt)
	}
	if room := maxHandle - len("se-") - len(tail); len(site) > room {
		site = strings.TrimRight(site[:max(room, 1)], "-")
	}
	return "se-" + site + tail
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
