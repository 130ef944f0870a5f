package importer

import (
	"cmp"
	"errors"
	"slices"
	"strings"
)

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
