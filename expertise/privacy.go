package expertise

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// exportSections are the queries of the personal data export, one per
// table (or group of tables) that holds data about the person; $1 is the
// account id. Each names the columns it hands out: never hashes of
// secrets (password, session ids, token hashes).
var exportSections = []struct{ name, sql string }{
	{"account", `SELECT a.id, a.email::text, a.display_name, a.handle::text, ag.slug::text AS agency, ag.name AS agency_name,
		a.is_admin, a.is_knowledge_manager, a.password_hash IS NOT NULL AS has_password, a.disabled_at, a.created_at
		FROM accounts a JOIN agencies ag ON ag.id = a.agency_id WHERE a.id = $1`},
	{"identities", `SELECT issuer, subject FROM account_identities WHERE account_id = $1 ORDER BY issuer, subject`},
	{"profile", `SELECT p.position, u.name AS unit, p.location, p.phone, p.tasks, p.ask_me_about, p.languages, p.hidden,
		p.derived_consent, p.consent_changed_at, p.ldap_dn, p.manager_dn, p.left_at, p.updated_at
		FROM profiles p LEFT JOIN org_units u ON u.id = p.org_unit_id WHERE p.account_id = $1`},
	// The photo itself, as stored (JSON encodes the bytes as base64).
	{"profile_photo", `SELECT content_type, content AS content_base64, updated_at FROM profile_photos WHERE account_id = $1`},
	{"skills", `SELECT t.name AS topic, ps.level, ps.confirmed_at FROM profile_skills ps JOIN topics t ON t.id = ps.topic_id
		WHERE ps.account_id = $1 ORDER BY t.name`},
	// What the expert ranking derives from the person's posts and pages,
	// with consent or not: the items of each topic.
	{"evidence_items", `SELECT t.name AS topic, e.kind, e.question_id, e.answer_id, e.page_id, e.at FROM evidence_items e
		JOIN topics t ON t.id = e.topic_id WHERE e.account_id = $1 ORDER BY t.name, e.kind, e.at`},
	{"hidden_derived_topics", `SELECT t.name AS topic FROM hidden_derived_topics h JOIN topics t ON t.id = h.topic_id WHERE h.account_id = $1 ORDER BY t.name`},
	{"group_memberships", `SELECT g.slug::text AS group, g.name FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.account_id = $1 ORDER BY g.slug`},
	{"space_memberships", `SELECT s.slug::text AS space, s.name, m.role FROM space_members m JOIN spaces s ON s.id = m.space_id WHERE m.account_id = $1 ORDER BY s.slug`},
	{"sessions", `SELECT created_at, idle_expires_at, expires_at FROM sessions WHERE account_id = $1 ORDER BY created_at`},
	{"api_tokens", `SELECT name, created_at, last_used_on, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY created_at`},
	{"sign_in_failures", `SELECT f.failed_at FROM sign_in_failures f, accounts a WHERE a.id = $1 AND ` + auth.SignInKeysOf + ` ORDER BY f.failed_at`},
	{"questions", `SELECT id, title, created_at, updated_at FROM questions WHERE author_id = $1 ORDER BY id`},
	{"questions_closed", `SELECT id, title, closed_at FROM questions WHERE closed_by = $1 ORDER BY id`},
	{"answers", `SELECT a.id, a.question_id, q.title AS question_title, a.created_at, a.updated_at FROM answers a JOIN questions q ON q.id = a.question_id
		WHERE a.author_id = $1 ORDER BY a.id`},
	{"post_revisions", `SELECT post_type, post_id, number, title, created_at FROM post_revisions WHERE author_id = $1 ORDER BY post_type, post_id, number`},
	{"comments", `SELECT id, question_id, answer_id, created_at FROM comments WHERE author_id = $1 ORDER BY id`},
	{"votes", `SELECT post_type, post_id, value, created_at FROM votes WHERE account_id = $1 ORDER BY created_at`},
	{"pages_owned", `SELECT p.id, s.slug::text AS space, p.slug::text AS slug, p.title, p.created_at, p.updated_at
		FROM pages p JOIN spaces s ON s.id = p.space_id WHERE p.owner_id = $1 ORDER BY p.id`},
	{"page_revisions", `SELECT r.page_id, r.number, r.title, r.message, r.created_at FROM page_revisions r WHERE r.author_id = $1 ORDER BY r.page_id, r.number`},
	{"attachments", `SELECT id, page_id, filename, size, created_at FROM attachments WHERE uploaded_by = $1 ORDER BY id`},
	{"topics_proposed", `SELECT id, name, created_at FROM topics WHERE proposed_by = $1 ORDER BY id`},
	{"watches", `SELECT kind, item_id, created_at FROM watches WHERE account_id = $1 ORDER BY created_at`},
	{"notifications", `SELECT n.id, e.kind, e.title, e.url, n.created_at, n.read_at FROM notifications n JOIN notification_events e ON e.id = n.event_id
		WHERE n.account_id = $1 ORDER BY n.id`},
	{"notification_settings", `SELECT locale, matrix_id FROM accounts WHERE id = $1`},
	{"notification_preferences", `SELECT topic, channel, mode FROM notification_preferences WHERE account_id = $1 ORDER BY topic, channel`},
	{"deliveries", `SELECT d.channel, e.kind, e.title, d.digest, d.due_at, d.attempts, d.sent_at, d.created_at
		FROM deliveries d JOIN notification_events e ON e.id = d.event_id WHERE d.account_id = $1 ORDER BY d.id`},
	{"matrix_direct_rooms", `SELECT matrix_id, room_id FROM matrix_direct_rooms WHERE account_id = $1`},
	{"notification_events_caused", `SELECT id, kind, title, created_at FROM notification_events WHERE actor_id = $1 ORDER BY id`},
	{"drafts", `SELECT key AS editor, path AS address, fields, updated_at FROM drafts WHERE account_id = $1 ORDER BY updated_at`},
	{"draft_files", `SELECT f.filename, f.content_type, f.size, f.created_at, d.key AS editor FROM draft_files f JOIN drafts d ON d.id = f.draft_id
		WHERE d.account_id = $1 ORDER BY f.id`},
	{"import_sources", `SELECT source, external_id FROM import_sources WHERE kind = 'account' AND local_id = $1 ORDER BY source, external_id`},
}

// Export gathers everything held about a person, for the download of
// their own data: one list of rows per section.
func (s *Store) Export(ctx context.Context, accountID int64) (map[string]any, error) {
	out := map[string]any{}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		// One snapshot, so that the sections agree with each other.
		if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`); err != nil {
			return err
		}
		for _, sec := range exportSections {
			rows, _ := tx.Query(ctx, sec.sql, accountID)
			list, err := pgx.CollectRows(rows, pgx.RowToMap)
			if err != nil {
				return fmt.Errorf("export %s: %w", sec.name, err)
			}
			if list == nil {
				list = []map[string]any{}
			}
			out[sec.name] = list
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if acc, _ := out["account"].([]map[string]any); len(acc) == 0 {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	return out, nil
}

// Erase deletes an account and what is held about the person. Content
// they wrote stays, its authorship columns set to NULL by the foreign keys
// (shown as "ehemaliges Mitglied"). Admins erase others through the same
// function.
func (e *Expertise) Erase(ctx context.Context, accountID int64) error {
	return postgres.WithTx(ctx, e.store.pool, func(tx pgx.Tx) error {
		var email string
		err := tx.QueryRow(ctx, `SELECT email::text FROM accounts WHERE id = $1 FOR UPDATE`, accountID).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if err != nil {
			return fmt.Errorf("erase: %w", err)
		}
		// Rows that name the person but hold no foreign key to the account.
		if _, err := tx.Exec(ctx, `DELETE FROM import_sources WHERE kind = 'account' AND local_id = $1`, accountID); err != nil {
			return fmt.Errorf("erase import sources: %w", err)
		}
		if err := auth.ForgetSignIns(ctx, tx, accountID); err != nil {
			return err
		}
		// Files held with the person's drafts lose their names now; the
		// drafts purge removes them and their content within the hour.
		if _, err := tx.Exec(ctx, `UPDATE draft_files SET draft_id = NULL, filename = '-'
			WHERE draft_id IN (SELECT id FROM drafts WHERE account_id = $1)`, accountID); err != nil {
			return fmt.Errorf("erase draft files: %w", err)
		}
		// Everything else referring to the account cascades (profile,
		// photo, skills, identities, sessions, tokens, memberships, votes,
		// watches, notifications, drafts) or is set NULL (authorship).
		if _, err := tx.Exec(ctx, `DELETE FROM accounts WHERE id = $1`, accountID); err != nil {
			return fmt.Errorf("erase account: %w", err)
		}
		// The outbox row makes the search worker delete the person's
		// document: the source has none for them any more.
		return search.Enqueue(ctx, tx, "person", accountID)
	})
}
