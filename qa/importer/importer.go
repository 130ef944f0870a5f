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
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
