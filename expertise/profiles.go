package expertise

import (
	"context"
	"errors"
	"fmt"
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
		if _, err := tx.Exec(ctx, `UPDATE profiles SET tasks = $2, ask_me_about = $3, languages = $4, updated_at = now() WHERE account_id = $1`,
			accountID, ed.Tasks, ed.AskMeAbout, ed.Languages); err != nil {
			return fmt.Errorf("update profile: %w", err)
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
				if _, err := tx.Exec(ctx, `UPDATE profiles SET position = $2, location = $3, phone = $4, org_unit_id = $5 WHERE account_id = $1 AND ldap_dn IS NULL`,
					accountID, d.Position, d.Location, d.Phone, d.UnitID); err != nil {
					return fmt.Errorf("update directory fields: %w", err)
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

const upsertSkill = `INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, $3)
	ON CONFLICT (account_id, topic_id) DO UPDATE SET level = excluded.level, confirmed_at = now()`

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
		_, err := tx.Exec(ctx, upsertSkill, accountID, topicID, level)
		return err
	})
}

// SetSkillLevel changes the level of a declared skill, which confirms it.
func (e *Expertise) SetSkillLevel(ctx context.Context, accountID, topicID int64, level string) error {
	if err := levelError(level); err != nil {
		return err
	}
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE profile_skills SET level = $3, confirmed_at = now() WHERE account_id = $1 AND topic_id = $2`, accountID, topicID, level)
		if err == nil && tag.RowsAffected() == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		return err
	})
}

// RemoveSkill removes a declared skill.
func (e *Expertise) RemoveSkill(ctx context.Context, accountID, topicID int64) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM profile_skills WHERE account_id = $1 AND topic_id = $2`, accountID, topicID)
		return err
	})
}

// ConfirmSkills marks all of a person's skills as current.
func (e *Expertise) ConfirmSkills(ctx context.Context, accountID int64) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE profile_skills SET confirmed_at = now() WHERE account_id = $1`, accountID)
		return err
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
		if _, err := tx.Exec(ctx, `DELETE FROM profile_skills WHERE account_id = $1 AND NOT topic_id = ANY($2)`, accountID, ids); err != nil {
			return err
		}
		for i := range ids {
			// An unchanged level keeps its confirmation date.
			if _, err := tx.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, $3)
				ON CONFLICT (account_id, topic_id) DO UPDATE SET level = excluded.level,
				confirmed_at = CASE WHEN profile_skills.level = excluded.level THEN profile_skills.confirmed_at ELSE now() END`,
				accountID, ids[i], levels[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetHidden hides the profile from everyone else, or shows it again.
func (e *Expertise) SetHidden(ctx context.Context, accountID int64, hidden bool) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE profiles SET hidden = $2, updated_at = now() WHERE account_id = $1`, accountID, hidden)
		return err
	})
}

// SetConsent gives or withdraws consent to derived expertise.
func (e *Expertise) SetConsent(ctx context.Context, accountID int64, consent bool) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE profiles SET derived_consent = $2, consent_changed_at = now(), updated_at = now()
			WHERE account_id = $1 AND derived_consent IS DISTINCT FROM $2`, accountID, consent)
		return err
	})
}

// SetDerivedHidden hides a derived topic of the person, or shows it again.
func (e *Expertise) SetDerivedHidden(ctx context.Context, accountID, topicID int64, hidden bool) error {
	return e.change(ctx, accountID, func(tx pgx.Tx) error {
		var err error
		if hidden {
			_, err = tx.Exec(ctx, `INSERT INTO hidden_derived_topics (account_id, topic_id) SELECT $1, id FROM topics WHERE id = $2 ON CONFLICT DO NOTHING`, accountID, topicID)
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM hidden_derived_topics WHERE account_id = $1 AND topic_id = $2`, accountID, topicID)
		}
		return err
	})
}

// EnqueueTopicPeople puts the people with a skill in the topics, or in a
// topic below them, into the search outbox, in the transaction that
// renamed, re-labelled, moved or merged them: a person's document carries
// the labels of their skills and of the topics above them.
func EnqueueTopicPeople(ctx context.Context, tx pgx.Tx, topicIDs []int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO search_outbox (kind, item_id)
		SELECT DISTINCT 'person', ps.account_id FROM profile_skills ps WHERE ps.topic_id IN (
			WITH RECURSIVE d(id) AS (SELECT id FROM topics WHERE id = ANY($1) UNION SELECT t.id FROM topics t JOIN d ON t.parent_id = d.id)
			SELECT id FROM d)`, topicIDs)
	return err
}

// MergeTopic re-points skills and hidden derived topics from topic from to
// topic to, inside the merge's transaction; a person with both keeps the
// higher level.
func MergeTopic(ctx context.Context, tx pgx.Tx, from, to int64) error {
	if err := EnqueueTopicPeople(ctx, tx, []int64{from}); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level, confirmed_at)
		SELECT account_id, $2, level, confirmed_at FROM profile_skills WHERE topic_id = $1
		ON CONFLICT (account_id, topic_id) DO UPDATE SET
			level = CASE WHEN array_position(ARRAY['basic','advanced','expert'], excluded.level) > array_position(ARRAY['basic','advanced','expert'], profile_skills.level)
				THEN excluded.level ELSE profile_skills.level END,
			confirmed_at = greatest(profile_skills.confirmed_at, excluded.confirmed_at)`, from, to)
	if err != nil {
		return fmt.Errorf("merge skills: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM profile_skills WHERE topic_id = $1`, from); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO hidden_derived_topics (account_id, topic_id) SELECT account_id, $2 FROM hidden_derived_topics WHERE topic_id = $1
		ON CONFLICT DO NOTHING`, from, to); err != nil {
		return fmt.Errorf("merge hidden derived topics: %w", err)
	}
	_, err = tx.Exec(ctx, `DELETE FROM hidden_derived_topics WHERE topic_id = $1`, from)
	return err
}
