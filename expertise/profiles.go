package expertise

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// Levels of a skill, lowest first.
var Levels = []string{"basic", "advanced", "expert"}

func validLevel(l string) bool {
	for _, x := range Levels {
		if x == l {
			return true
		}
	}
	return false
}

// Limits of the fields, as in migration 0008.
const (
	maxPosition   = 200
	maxLocation   = 200
	maxPhone      = 50
	maxTasks      = 2000
	maxAskMeAbout = 1000
	maxLanguages  = 20
	maxLanguage   = 50
)

// Edit is what a person changes on their profile.
type Edit struct {
	Tasks      string
	AskMeAbout string
	Languages  []string
	// Directory holds the fields the directory import feeds; nil leaves
	// them as they are. Refused for profiles managed by LDAP when a value
	// differs from the directory's.
	Directory *DirectoryEdit
}

// DirectoryEdit are the directory fields of a profile.
type DirectoryEdit struct {
	Position, Location, Phone string
	UnitID                    *int64
}

// Problems are the field errors of a rejected edit.
type Problems []*errs.Error

func (p Problems) Error() string {
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = e.Field + ": " + e.Error()
	}
	return "invalid profile: " + strings.Join(msgs, "; ")
}

// ParseLanguages splits a comma-separated list, trimming and dropping
// empty and repeated entries.
func ParseLanguages(s string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.Join(strings.Fields(norm.NFC.String(part)), " ")
		if part == "" || seen[strings.ToLower(part)] {
			continue
		}
		seen[strings.ToLower(part)] = true
		out = append(out, part)
	}
	return out
}

func tooLong(s string, max int, field string) *errs.Error {
	if utf8.RuneCountInString(s) > max {
		return errs.E(errs.Invalid, "form.too_long", "Max", max).OnField(field)
	}
	return nil
}

func (ed *Edit) clean() Problems {
	var p Problems
	add := func(e *errs.Error) {
		if e != nil {
			p = append(p, e)
		}
	}
	ed.Tasks = strings.TrimSpace(ed.Tasks)
	ed.AskMeAbout = strings.TrimSpace(ed.AskMeAbout)
	add(tooLong(ed.Tasks, maxTasks, "tasks"))
	add(tooLong(ed.AskMeAbout, maxAskMeAbout, "ask_me_about"))
	ed.Languages = ParseLanguages(strings.Join(ed.Languages, ","))
	if len(ed.Languages) > maxLanguages {
		add(errs.E(errs.Invalid, "expertise.languages_too_many", "Max", maxLanguages).OnField("languages"))
	}
	for _, l := range ed.Languages {
		if utf8.RuneCountInString(l) > maxLanguage {
			add(errs.E(errs.Invalid, "form.too_long", "Max", maxLanguage).OnField("languages"))
		}
	}
	if d := ed.Directory; d != nil {
		d.Position, d.Location, d.Phone = strings.TrimSpace(d.Position), strings.TrimSpace(d.Location), strings.TrimSpace(d.Phone)
		add(tooLong(d.Position, maxPosition, "position"))
		add(tooLong(d.Location, maxLocation, "location"))
		add(tooLong(d.Phone, maxPhone, "phone"))
		for _, r := range d.Phone {
			if !(r >= '0' && r <= '9' || strings.ContainsRune(" +-/()", r)) {
				add(errs.E(errs.Invalid, "expertise.phone_invalid").OnField("phone"))
				break
			}
		}
	}
	return p
}

// UpdateProfile saves what a person maintains on their profile.
func (e *Expertise) UpdateProfile(ctx context.Context, accountID int64, ed Edit) error {
	if p := ed.clean(); len(p) > 0 {
		return p
	}
	return postgres.WithTx(ctx, e.store.pool, func(tx pgx.Tx) error {
		cur, err := e.store.ProfileByID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := e.store.UpdateProfileText(ctx, tx, accountID, ed); err != nil {
			return err
		}
		if d := ed.Directory; d != nil {
			same := d.Position == cur.Position && d.Location == cur.Location && d.Phone == cur.Phone &&
				(d.UnitID == nil && cur.UnitID == nil || d.UnitID != nil && cur.UnitID != nil && *d.UnitID == *cur.UnitID)
			switch {
			case same:
			case cur.LDAPManaged:
				return Problems{errs.E(errs.Invalid, "expertise.directory_managed").OnField("position")}
			default:
				if d.UnitID != nil {
					if ok, err := e.store.UnitInAgency(ctx, *d.UnitID, cur.AgencyID); err != nil {
						return err
					} else if !ok {
						return Problems{errs.E(errs.Invalid, "expertise.unit_invalid").OnField("unit")}
					}
				}
				if err := e.store.UpdateDirectory(ctx, tx, accountID, *d); err != nil {
					return err
				}
			}
		}
		return search.Enqueue(ctx, tx, "person", accountID)
	})
}

// resolveSkill maps a typed name to a topic, proposing unknown names.
func (e *Expertise) resolveSkill(ctx context.Context, name string, proposer int64) (int64, error) {
	if strings.TrimSpace(name) == "" {
		return 0, errs.E(errs.Invalid, "form.required").OnField("topic")
	}
	if e.deps.Topics == nil {
		return 0, errors.New("expertise: no topic service")
	}
	found, err := e.deps.Topics.Resolve(ctx, []string{name}, proposer)
	if err != nil {
		if ee, ok := errs.As(err); ok && ee.Code != errs.Internal {
			return 0, ee.OnField("topic")
		}
		return 0, err
	}
	if len(found) == 0 {
		return 0, errs.E(errs.Invalid, "form.required").OnField("topic")
	}
	return found[0].ID, nil
}

func levelError(level string) error {
	if !validLevel(level) {
		return errs.E(errs.Invalid, "expertise.level_invalid").OnField("level")
	}
	return nil
}

// change runs fn in a transaction that also puts the person into the
// search outbox.
func (e *Expertise) change(ctx context.Context, accountID int64, fn func(tx pgx.Tx) error) error {
	return postgres.WithTx(ctx, e.store.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return search.Enqueue(ctx, tx, "person", accountID)
	})
}

// AddSkill declares a skill by a typed topic name; declaring one again
// changes its level and confirms it.
func (e *Expertise) AddSkill(ctx context.Context, accountID int64, name, level string) error {
	if err := levelError(level); err != nil {
		return err
	}
	topicID, err := e.resolveSkill(ctx, name, accountID)
	if err != nil {
		return err
	}
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.UpsertSkill(ctx, tx, accountID, topicID, level)
	})
}

// SetSkillLevel changes the level of a declared skill, which confirms it.
func (e *Expertise) SetSkillLevel(ctx context.Context, accountID, topicID int64, level string) error {
	if err := levelError(level); err != nil {
		return err
	}
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.SetSkillLevel(ctx, tx, accountID, topicID, level)
	})
}

// RemoveSkill removes a declared skill.
func (e *Expertise) RemoveSkill(ctx context.Context, accountID, topicID int64) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.RemoveSkill(ctx, tx, accountID, topicID)
	})
}

// ConfirmSkills marks all of a person's skills as current.
func (e *Expertise) ConfirmSkills(ctx context.Context, accountID int64) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.ConfirmSkills(ctx, tx, accountID)
	})
}

// SkillInput is a declared skill by typed topic name.
type SkillInput struct {
	Topic string `json:"topic"`
	Level string `json:"level"`
}

// ReplaceSkills makes a person's skills exactly the given ones.
func (e *Expertise) ReplaceSkills(ctx context.Context, accountID int64, skills []SkillInput) error {
	ids := make([]int64, 0, len(skills))
	levels := make([]string, 0, len(skills))
	for _, s := range skills {
		if err := levelError(s.Level); err != nil {
			return err
		}
		id, err := e.resolveSkill(ctx, s.Topic, accountID)
		if err != nil {
			return err
		}
		ids, levels = append(ids, id), append(levels, s.Level)
	}
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.ReplaceSkills(ctx, tx, accountID, ids, levels)
	})
}

// SetHidden hides the profile from everyone else, or shows it again.
func (e *Expertise) SetHidden(ctx context.Context, accountID int64, hidden bool) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.SetHidden(ctx, tx, accountID, hidden)
	})
}

// SetConsent gives or withdraws consent to derived expertise.
func (e *Expertise) SetConsent(ctx context.Context, accountID int64, consent bool) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.SetConsent(ctx, tx, accountID, consent)
	})
}

// SetDerivedHidden hides a derived topic of the person, or shows it again.
func (e *Expertise) SetDerivedHidden(ctx context.Context, accountID, topicID int64, hidden bool) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		return e.store.SetDerivedHidden(ctx, tx, accountID, topicID, hidden)
	})
}
