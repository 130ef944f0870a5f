// Package expertise is "find who knows": profiles (the digital phone
// book), the directory, the organisation chart, declared skills, and the
// person's control over what is held and shown about them: hiding the
// profile, consent to derived expertise, export and erasure.
//
// Who may see whom: a listed profile (not hidden, not left, not disabled)
// is visible to every signed-in member of the same agency, and to admins.
// The same rule holds for the directory, profile pages, the API and search
// (people documents belong to the agency's organisation space).
package expertise

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// DerivedTopic is a topic the person's own work suggests they know about,
// with the evidence; the template "evidence-line" renders each element of
// Evidence in the reader's language.
type DerivedTopic struct {
	TopicID  int64
	Name     string
	Evidence any
	Hidden   bool // the person hid it: it counts for nothing
}

// Deps are what the area needs from other parts, given by the wiring.
type Deps struct {
	// Topics resolves typed skill names (unknown ones become unsorted
	// proposals) and suggests names.
	Topics *topics.Topics
	// Evidence is the derived part of a profile, shown to viewer; the
	// template "profile-evidence" renders it (it receives the whole page,
	// with .Data.Evidence and .Data.Profile). Nil: nothing shown.
	Evidence func(ctx context.Context, viewer *web.Viewer, accountID int64) (any, error)
	// DerivedPeople lists the people of viewer's agency whose work, with
	// their consent and as far as viewer may read it, shows expertise in
	// the topics; the directory's skill filter lists them as the expert
	// search does. Nil: declared skills and units only.
	DerivedPeople func(ctx context.Context, viewer *web.Viewer, topicIDs []int64) ([]int64, error)
	// DerivedTopics previews the derived topics on the person's own
	// privacy section. Nil: no preview.
	DerivedTopics func(ctx context.Context, accountID int64) ([]DerivedTopic, error)
	// SignOut ends the browser session after erasure (clears the cookie).
	// Nil: erasing the account deletes its sessions anyway.
	SignOut func(c *gin.Context)
	// PeoplePerMinute limits directory and profile requests per viewer,
	// against scraping the phone book; 0 means 60.
	PeoplePerMinute int
}

// Expertise is the service and its handlers.
type Expertise struct {
	store   *Store
	web     *web.Web
	log     *slog.Logger
	deps    Deps
	limiter *limiter
	matcher *Matcher
}

// New wires the area.
func New(store *Store, w *web.Web, deps Deps) *Expertise {
	per := deps.PeoplePerMinute
	if per <= 0 {
		per = 60
	}
	e := &Expertise{store: store, web: w, log: w.Log, deps: deps, limiter: newLimiter(per, time.Minute)}
	if deps.Topics != nil {
		e.matcher = NewMatcher(store, deps.Topics)
	}
	return e
}

// Matcher is how typed skills become topics and units, for the expert
// search to find people the way the directory does.
func (e *Expertise) Matcher() *Matcher { return e.matcher }

// skillFilter matches a typed skill for viewer's directory; nil when
// nothing was typed.
func (e *Expertise) skillFilter(ctx context.Context, v *web.Viewer, text string) (*SkillMatch, error) {
	if strings.TrimSpace(text) == "" || e.matcher == nil {
		return nil, nil
	}
	m, err := e.matcher.Match(ctx, v.AgencyID, text)
	if err == nil && e.deps.DerivedPeople != nil {
		m.People, err = e.deps.DerivedPeople(ctx, v, m.TopicIDs)
	}
	return &m, err
}

// Store returns the area's store.
func (e *Expertise) Store() *Store { return e.store }

// PersonURL is the address of a profile.
func PersonURL(handle string) string { return "/personen/" + handle }

// visibleTo reports whether viewer may see p: a listed profile of their
// agency, any listed profile for admins, and always their own.
func visibleTo(v *web.Viewer, p Profile) bool {
	if v == nil {
		return false
	}
	if v.ID == p.AccountID {
		return true
	}
	return p.Listed() && (v.Admin || v.AgencyID == p.AgencyID)
}
