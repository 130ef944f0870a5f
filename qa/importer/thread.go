package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fachnetz/fachnetz/server/errs"
)

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
