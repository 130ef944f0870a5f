package policies

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Spaces is the space service: the store, the enforcer that must learn of
// every change at once, and the HTTP handlers.
type Spaces struct {
	Store    *Store
	Enforcer *Enforcer
	web      *web.Web
	deps     SpacesDeps
}

// SpacesDeps are what the space service takes from the server.
type SpacesDeps struct {
	// MembersAdded, when set, is told in the membership's transaction of
	// the people who became members of a space (a group's members when a
	// group was added), and by whom, so that they hear of it.
	MembersAdded func(ctx context.Context, tx pgx.Tx, space Space, actor int64, accounts []int64) error
}

// NewSpaces wires the space service.
func NewSpaces(store *Store, enf *Enforcer, w *web.Web, deps SpacesDeps) *Spaces {
	return &Spaces{Store: store, Enforcer: enf, web: w, deps: deps}
}

// SubjectOf returns the access subject of the request's viewer.
func SubjectOf(c *gin.Context) Subject {
	if v := web.ViewerOf(c); v != nil {
		return Subject{AccountID: v.ID, AgencyID: v.AgencyID}
	}
	return Subject{}
}

const keySpace = "fachnetz.space"

// SpaceOf returns the space RequireSpace loaded.
func SpaceOf(c *gin.Context) Space { return web.Kept[Space](c, keySpace) }

// RequireSpace loads the space named by the :space parameter and checks
// that the viewer may do act there. A space the viewer may not read
// answers 404 whatever act is asked, so its existence does not leak; one
// they may read but not act in answers 403.
func (s *Spaces) RequireSpace(act Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		space, err := s.Store.SpaceBySlug(c.Request.Context(), c.Param("space"))
		if err != nil {
			s.web.Fail(c, err)
			return
		}
		if err := s.Check(c.Request.Context(), SubjectOf(c), act, space.ID); err != nil {
			s.web.Fail(c, err)
			return
		}
		c.Set(keySpace, space)
		c.Set(keyAction, act)
		c.Next()
	}
}

const keyAction = "fachnetz.space_action"

// ActionOf returns the action RequireSpace checked; Manage, the strictest,
// when it did not run.
func ActionOf(c *gin.Context) Action {
	v, _ := c.Get(keyAction)
	if act, ok := v.(Action); ok {
		return act
	}
	return Manage
}

// SetSpace makes space the request's space, for a thing found to live in
// another space than its address named (a page moved meanwhile). The
// caller has checked ActionOf in it.
func SetSpace(c *gin.Context, space Space) { c.Set(keySpace, space) }

// Check returns nil when sub may do act in the space, else the error to
// answer with: not found when sub may not even read it.
func (s *Spaces) Check(ctx context.Context, sub Subject, act Action, spaceID int64) error {
	if s.Enforcer.Can(ctx, sub, act, spaceID) {
		return nil
	}
	if act != Read && s.Enforcer.Can(ctx, sub, Read, spaceID) {
		if act != Manage && s.Enforcer.Archived(spaceID) {
			return ErrArchived()
		}
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	return errs.E(errs.NotFound, "error.not_found")
}

// ErrArchived refuses a change to the content of an archived space, to
// everyone who may read it: 403 with the reason, on pages and in the API.
func ErrArchived() *errs.Error { return errs.E(errs.Forbidden, "spaces.archived_notice") }

// IsArchived reports whether err is ErrArchived's refusal.
func IsArchived(err error) bool {
	e, ok := errs.As(err)
	return ok && e.Key == ErrArchived().Key
}

// CheckOpen returns ErrArchived when the space is archived. Changes that
// need no write permission (an asker accepting an answer, a page's owner
// confirming its review) ask it besides Check.
func (s *Spaces) CheckOpen(spaceID int64) error {
	if s.Enforcer.Archived(spaceID) {
		return ErrArchived()
	}
	return nil
}

// Permissions lists what sub may do in a space, for pages and the API to
// show only the actions that will work.
type Permissions struct {
	Read     bool `json:"read"`
	Write    bool `json:"write"`
	Moderate bool `json:"moderate"`
	Manage   bool `json:"manage"`
}

// PermissionsIn answers Can for every action.
func (s *Spaces) PermissionsIn(ctx context.Context, sub Subject, spaceID int64) Permissions {
	return Permissions{
		Read:     s.Enforcer.Can(ctx, sub, Read, spaceID),
		Write:    s.Enforcer.Can(ctx, sub, Write, spaceID),
		Moderate: s.Enforcer.Can(ctx, sub, Moderate, spaceID),
		Manage:   s.Enforcer.Can(ctx, sub, Manage, spaceID),
	}
}

// Readable lists the spaces sub may read.
func (s *Spaces) Readable(ctx context.Context, sub Subject) ([]Space, error) {
	return s.Store.SpacesByID(ctx, s.Enforcer.ReadableSpaces(ctx, sub))
}

// SpaceInput is a new space or new settings as a person typed them.
type SpaceInput struct {
	Slug        string     `json:"slug"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Visibility  Visibility `json:"visibility"`
	AgencyRole  Role       `json:"agency_role"`
	// Language of the content: "de" (the default) or "en".
	Language string `json:"language"`
}

// DefaultLanguage is the content language of a space that names none.
const DefaultLanguage = "de"

// ContentLanguages are the languages a space's content may be written in.
var ContentLanguages = []string{"de", "en"}

// validate checks a space's input; admin is needed for organisation spaces,
// which every member of an agency sees.
func (in *SpaceInput) validate(creating, admin bool) []*errs.Error {
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	in.Slug = strings.TrimSpace(strings.ToLower(in.Slug))
	var problems []*errs.Error
	if e := errs.Length("name", in.Name, 200); e != nil {
		problems = append(problems, e)
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", 2000).OnField("description"))
	}
	if creating {
		if in.Slug == "" {
			in.Slug = web.Slugify(in.Name, 63)
		}
		if !validSlug(in.Slug) {
			problems = append(problems, errs.E(errs.Invalid, "space.slug_invalid").OnField("slug"))
		}
	}
	if in.Visibility == "" {
		in.Visibility = Private
	}
	if !in.Visibility.Valid() {
		problems = append(problems, errs.E(errs.Invalid, "space.visibility_invalid").OnField("visibility"))
	} else if in.Visibility == Organisation && !admin {
		problems = append(problems, errs.E(errs.Forbidden, "space.organisation_admin_only").OnField("visibility"))
	}
	if in.AgencyRole == "" {
		in.AgencyRole = RoleMember
	}
	if in.AgencyRole != RoleViewer && in.AgencyRole != RoleMember {
		problems = append(problems, errs.E(errs.Invalid, "space.agency_role_invalid").OnField("agency_role"))
	}
	if in.Language == "" {
		in.Language = DefaultLanguage
	}
	if !slices.Contains(ContentLanguages, in.Language) {
		problems = append(problems, errs.E(errs.Invalid, "space.language_invalid").OnField("language"))
	}
	return problems
}

func validSlug(s string) bool {
	if len(s) < 2 || len(s) > 63 {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (r == '-' && i > 0)
		if !ok {
			return false
		}
	}
	return true
}

// Create makes a space owned by its creator.
func (s *Spaces) Create(ctx context.Context, v *web.Viewer, in SpaceInput) (Space, []*errs.Error, error) {
	if problems := in.validate(true, v.Admin); len(problems) > 0 {
		return Space{}, problems, nil
	}
	space, err := s.Store.CreateSpace(ctx, NewSpace{
		Slug: in.Slug, Name: in.Name, Description: in.Description,
		AgencyID: v.AgencyID, Visibility: in.Visibility, AgencyRole: in.AgencyRole, Language: in.Language,
	}, v.ID)
	if e, ok := errs.As(err); ok && e.Field != "" {
		return Space{}, []*errs.Error{e}, nil
	}
	if err != nil {
		return Space{}, nil, err
	}
	return space, nil, s.Enforcer.Reload(ctx)
}

// Update changes a space's settings. Only admins may turn a space into an
// organisation space or out of one.
func (s *Spaces) Update(ctx context.Context, v *web.Viewer, space Space, in SpaceInput) ([]*errs.Error, error) {
	admin := v.Admin || space.Visibility == Organisation && in.Visibility == Organisation
	if problems := in.validate(false, admin); len(problems) > 0 {
		return problems, nil
	}
	if space.Visibility == Organisation && in.Visibility != Organisation && !v.Admin {
		return []*errs.Error{errs.E(errs.Forbidden, "space.organisation_admin_only").OnField("visibility")}, nil
	}
	if err := s.Store.UpdateSpace(ctx, space.ID, SpaceSettings{Name: in.Name, Description: in.Description, Visibility: in.Visibility, AgencyRole: in.AgencyRole, Language: in.Language}); err != nil {
		return nil, err
	}
	return nil, s.Enforcer.Reload(ctx)
}

// SetArchived archives or restores a space.
func (s *Spaces) SetArchived(ctx context.Context, space Space, archived bool) error {
	if err := s.Store.SetArchived(ctx, space.ID, archived); err != nil {
		return err
	}
	return s.Enforcer.Reload(ctx)
}

// SetMember adds a member or changes a role, effective on the next request.
func (s *Spaces) SetMember(ctx context.Context, space Space, key string, role Role) error {
	return s.SetMemberBy(ctx, space, key, role, 0)
}

// SetMemberBy is SetMember done by actor, who is not told of it. A person
// the actor may not know of (Store.KnownAccount) is answered exactly like
// an unknown name: a person of another agency joins a cross-agency space
// first through an admin, who may add anyone; from then on the members
// of that space may add them to their other spaces too.
func (s *Spaces) SetMemberBy(ctx context.Context, space Space, key string, role Role, actor int64) error {
	if !role.Valid() {
		return errs.E(errs.Invalid, "space.role_invalid").OnField("role")
	}
	ref, err := s.resolveFor(ctx, actor, strings.TrimSpace(key))
	if err != nil {
		return err
	}
	var added func(ctx context.Context, tx pgx.Tx, accounts []int64) error
	if s.deps.MembersAdded != nil {
		added = func(ctx context.Context, tx pgx.Tx, accounts []int64) error {
			return s.deps.MembersAdded(ctx, tx, space, actor, accounts)
		}
	}
	if err := s.Store.SetMemberThen(ctx, space.ID, ref, role, added); err != nil {
		return err
	}
	return s.Enforcer.Reload(ctx)
}

// RemoveMember removes a member, effective on the next request. Someone
// who is no member is answered like a name nobody has: whether a person
// exists elsewhere is no business of the space's owners.
func (s *Spaces) RemoveMember(ctx context.Context, space Space, key string) error {
	key = strings.TrimSpace(key)
	ref, err := s.Store.ResolveMember(ctx, key)
	if err == nil {
		err = s.Store.RemoveMember(ctx, space.ID, ref)
	}
	if errs.Is(err, errs.NotFound) {
		return memberUnknown(key)
	}
	if err != nil {
		return err
	}
	return s.Enforcer.Reload(ctx)
}

// resolveFor finds the member a key names for actor: a group by its slug,
// a person only when actor may know of them; actor 0 (operators' commands,
// the demo seed) finds anyone.
func (s *Spaces) resolveFor(ctx context.Context, actor int64, key string) (MemberRef, error) {
	if actor == 0 || len(key) > 1 && key[0] == '@' {
		return s.Store.ResolveMember(ctx, key)
	}
	id, err := s.Store.KnownAccount(ctx, actor, key)
	if errs.Is(err, errs.NotFound) {
		return MemberRef{}, memberUnknown(key)
	}
	return MemberRef{AccountID: id}, err
}

func memberUnknown(key string) error {
	return errs.E(errs.NotFound, "space.member_unknown", "Member", key).OnField("member")
}
