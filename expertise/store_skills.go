package expertise

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// UpdateProfileText saves what a person writes on their profile, in tx.
func (st *Store) UpdateProfileText(ctx context.Context, tx pgx.Tx, accountID int64, ed Edit) error {
	if _, err := tx.Exec(ctx, `UPDATE profiles SET tasks = $2, ask_me_about = $3, languages = $4, updated_at = now() WHERE account_id = $1`,
		accountID, ed.Tasks, ed.AskMeAbout, ed.Languages); err != nil {
		return fmt.Errorf("update profile: %w", err)
	}
	return nil
}

// UpdateDirectory saves the directory fields of a profile the directory
// import does not manage, in tx.
func (st *Store) UpdateDirectory(ctx context.Context, tx pgx.Tx, accountID int64, d DirectoryEdit) error {
	if _, err := tx.Exec(ctx, `UPDATE profiles SET position = $2, location = $3, phone = $4, org_unit_id = $5 WHERE account_id = $1 AND ldap_dn IS NULL`,
		accountID, d.Position, d.Location, d.Phone, d.UnitID); err != nil {
		return fmt.Errorf("update directory fields: %w", err)
	}
	return nil
}

// UpsertSkill declares a skill, or changes its level and confirms it.
func (st *Store) UpsertSkill(ctx context.Context, tx pgx.Tx, accountID, topicID int64, level string) error {
	_, err := tx.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, $3)
		ON CONFLICT (account_id, topic_id) DO UPDATE SET level = excluded.level, confirmed_at = now()`, accountID, topicID, level)
	if err != nil {
		return fmt.Errorf("declare skill: %w", err)
	}
	return nil
}

// SetSkillLevel changes the level of a declared skill and confirms it.
func (st *Store) SetSkillLevel(ctx context.Context, tx pgx.Tx, accountID, topicID int64, level string) error {
	tag, err := tx.Exec(ctx, `UPDATE profile_skills SET level = $3, confirmed_at = now() WHERE account_id = $1 AND topic_id = $2`, accountID, topicID, level)
	if err != nil {
		return fmt.Errorf("set skill level: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// RemoveSkill removes a declared skill.
func (st *Store) RemoveSkill(ctx context.Context, tx pgx.Tx, accountID, topicID int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM profile_skills WHERE account_id = $1 AND topic_id = $2`, accountID, topicID); err != nil {
		return fmt.Errorf("remove skill: %w", err)
	}
	return nil
}

// ConfirmSkills marks all of a person's skills as current.
func (st *Store) ConfirmSkills(ctx context.Context, tx pgx.Tx, accountID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE profile_skills SET confirmed_at = now() WHERE account_id = $1`, accountID); err != nil {
		return fmt.Errorf("confirm skills: %w", err)
	}
	return nil
}

// ReplaceSkills makes a person's skills exactly the topics given, with
// their levels; an unchanged level keeps its confirmation date.
func (st *Store) ReplaceSkills(ctx context.Context, tx pgx.Tx, accountID int64, topicIDs []int64, levels []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM profile_skills WHERE account_id = $1 AND NOT topic_id = ANY($2)`, accountID, topicIDs); err != nil {
		return fmt.Errorf("replace skills: %w", err)
	}
	for i := range topicIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, $3)
			ON CONFLICT (account_id, topic_id) DO UPDATE SET level = excluded.level,
			confirmed_at = CASE WHEN profile_skills.level = excluded.level THEN profile_skills.confirmed_at ELSE now() END`,
			accountID, topicIDs[i], levels[i]); err != nil {
			return fmt.Errorf("replace skills: %w", err)
		}
	}
	return nil
}

// SetHidden hides a profile from everyone else, or shows it again.
func (st *Store) SetHidden(ctx context.Context, tx pgx.Tx, accountID int64, hidden bool) error {
	if _, err := tx.Exec(ctx, `UPDATE profiles SET hidden = $2, updated_at = now() WHERE account_id = $1`, accountID, hidden); err != nil {
		return fmt.Errorf("hide profile: %w", err)
	}
	return nil
}

// SetConsent records consent to derived expertise, or its withdrawal.
func (st *Store) SetConsent(ctx context.Context, tx pgx.Tx, accountID int64, consent bool) error {
	if _, err := tx.Exec(ctx, `UPDATE profiles SET derived_consent = $2, consent_changed_at = now(), updated_at = now()
		WHERE account_id = $1 AND derived_consent IS DISTINCT FROM $2`, accountID, consent); err != nil {
		return fmt.Errorf("set consent: %w", err)
	}
	return nil
}

// SetDerivedHidden hides a derived topic of a person, or shows it again.
func (st *Store) SetDerivedHidden(ctx context.Context, tx pgx.Tx, accountID, topicID int64, hidden bool) error {
	var err error
	if hidden {
		_, err = tx.Exec(ctx, `INSERT INTO hidden_derived_topics (account_id, topic_id) SELECT $1, id FROM topics WHERE id = $2 ON CONFLICT DO NOTHING`, accountID, topicID)
	} else {
		_, err = tx.Exec(ctx, `DELETE FROM hidden_derived_topics WHERE account_id = $1 AND topic_id = $2`, accountID, topicID)
	}
	if err != nil {
		return fmt.Errorf("hide derived topic: %w", err)
	}
	return nil
}

// TopicPeople are the people with a skill in the topics, or in a topic
// below them: a person's document carries the labels of their skills and
// of the topics above them.
func (st *Store) TopicPeople(ctx context.Context, topicIDs []int64) ([]int64, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT ps.account_id FROM profile_skills ps WHERE ps.topic_id IN (
			WITH RECURSIVE d(id) AS (SELECT id FROM topics WHERE id = ANY($1) UNION SELECT t.id FROM topics t JOIN d ON t.parent_id = d.id)
			SELECT id FROM d)`, topicIDs)
	return postgres.Values[int64](rows, "people of topics")
}

// MergeTopic re-points skills and hidden derived topics from topic from to
// topic to, inside the merge's transaction; a person with both keeps the
// higher level.
func MergeTopic(ctx context.Context, tx pgx.Tx, from, to int64) error {
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
