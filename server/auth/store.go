package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Agency is a tenant: an authority whose staff share an organisation space.
type Agency struct {
	ID        int64     `db:"id" json:"id"`
	Slug      string    `db:"slug" json:"slug"`
	Name      string    `db:"name" json:"name"`
	CreatedAt time.Time `db:"created_at" json:"-"`
}

// Account is a person who can sign in.
type Account struct {
	ID                 int64      `db:"id"`
	AgencyID           int64      `db:"agency_id"`
	AgencySlug         string     `db:"agency_slug"`
	AgencyName         string     `db:"agency_name"`
	Email              string     `db:"email"`
	DisplayName        string     `db:"display_name"`
	Handle             string     `db:"handle"`
	PasswordHash       *string    `db:"password_hash"`
	IsAdmin            bool       `db:"is_admin"`
	IsKnowledgeManager bool       `db:"is_knowledge_manager"`
	DisabledAt         *time.Time `db:"disabled_at"`
	CreatedAt          time.Time  `db:"created_at"`
}

// Store holds the SQL of accounts, agencies, sessions and tokens.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const accountColumns = `a.id, a.agency_id, g.slug AS agency_slug, g.name AS agency_name, a.email, a.display_name, a.handle,
	a.password_hash, a.is_admin, a.is_knowledge_manager, a.disabled_at, a.created_at`

func (s *Store) oneAccount(ctx context.Context, where string, arg any) (Account, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts a JOIN agencies g ON g.id = a.agency_id WHERE `+where, arg)
	return postgres.One[Account](rows, "load account")
}

// AccountByID loads an account.
func (s *Store) AccountByID(ctx context.Context, id int64) (Account, error) {
	return s.oneAccount(ctx, `a.id = $1`, id)
}

// AccountByEmail loads an account by e-mail address, ignoring case.
func (s *Store) AccountByEmail(ctx context.Context, email string) (Account, error) {
	return s.oneAccount(ctx, `a.email = $1`, email)
}

// AccountByHandle loads an account by handle.
func (s *Store) AccountByHandle(ctx context.Context, handle string) (Account, error) {
	return s.oneAccount(ctx, `a.handle = $1`, handle)
}

// Accounts lists accounts, optionally of one agency, by name.
func (s *Store) Accounts(ctx context.Context, agencyID int64) ([]Account, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts a JOIN agencies g ON g.id = a.agency_id
		WHERE $1 = 0 OR a.agency_id = $1 ORDER BY a.display_name, a.id`, agencyID)
	return postgres.All[Account](rows, "list accounts")
}

// NewAccount is what creating an account takes.
type NewAccount struct {
	AgencyID         int64
	Email            string
	DisplayName      string
	Handle           string
	PasswordHash     *string
	Admin            bool
	KnowledgeManager bool
}

// CreateAccount inserts an account; a taken e-mail address or handle is a
// conflict naming the field.
func (s *Store) CreateAccount(ctx context.Context, n NewAccount) (Account, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle, password_hash, is_admin, is_knowledge_manager)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		n.AgencyID, n.Email, n.DisplayName, n.Handle, n.PasswordHash, n.Admin, n.KnowledgeManager).Scan(&id)
	if err != nil {
		return Account{}, postgres.Constraint(err, "create account", map[string]*errs.Error{
			"accounts_email_key":  errs.E(errs.Conflict, "account.email_taken").OnField("email"),
			"accounts_handle_key": errs.E(errs.Conflict, "account.handle_taken").OnField("handle"),
		})
	}
	return s.AccountByID(ctx, id)
}

// SetPassword replaces an account's password hash and ends its other
// sessions, so that a changed password locks out whoever knew the old one.
func (s *Store) SetPassword(ctx context.Context, accountID int64, hash string, keepSession []byte) error {
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = $2 WHERE id = $1`, accountID, hash); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1 AND id_hash IS DISTINCT FROM $2`, accountID, keepSession); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// SetDisabled disables or re-enables an account; disabling ends its
// sessions and revokes nothing else, so re-enabling restores it whole.
func (s *Store) SetDisabled(ctx context.Context, accountID int64, disabled bool) error {
	tag, err := s.pool.Exec(ctx, `UPDATE accounts SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1`, accountID, disabled)
	if err != nil {
		return fmt.Errorf("disable account: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	if disabled {
		_, err = s.pool.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1`, accountID)
	}
	return err
}

// SetRoles sets the instance roles of an account.
func (s *Store) SetRoles(ctx context.Context, accountID int64, admin, knowledgeManager bool) error {
	_, err := s.pool.Exec(ctx, `UPDATE accounts SET is_admin = $2, is_knowledge_manager = $3 WHERE id = $1`, accountID, admin, knowledgeManager)
	return err
}

// CreateAgency inserts an agency.
func (s *Store) CreateAgency(ctx context.Context, slug, name string) (Agency, error) {
	rows, _ := s.pool.Query(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, $2) RETURNING id, slug, name, created_at`, slug, name)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Agency])
	if err != nil {
		return a, postgres.Constraint(err, "create agency", map[string]*errs.Error{
			"agencies_slug_key": errs.E(errs.Conflict, "agency.slug_taken").OnField("slug"),
		})
	}
	return a, nil
}

// Agencies lists all agencies by name.
func (s *Store) Agencies(ctx context.Context) ([]Agency, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, slug, name, created_at FROM agencies ORDER BY name`)
	return postgres.All[Agency](rows, "list agencies")
}

// AgencyBySlug loads an agency.
func (s *Store) AgencyBySlug(ctx context.Context, slug string) (Agency, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, slug, name, created_at FROM agencies WHERE slug = $1`, slug)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Agency])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, errs.E(errs.NotFound, "agency.unknown", "Slug", slug)
	}
	return a, err
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// AccountByIdentity loads the account linked to a provider's subject.
func (s *Store) AccountByIdentity(ctx context.Context, issuer, subject string) (Account, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT account_id FROM account_identities WHERE issuer = $1 AND subject = $2`, issuer, subject).Scan(&id)
	if err != nil {
		return Account{}, postgres.Found(err, "load identity")
	}
	return s.AccountByID(ctx, id)
}

// LinkIdentity links an account to a provider's subject.
func (s *Store) LinkIdentity(ctx context.Context, issuer, subject string, accountID int64) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO account_identities (issuer, subject, account_id) VALUES ($1, $2, $3)
		ON CONFLICT (issuer, subject) DO NOTHING`, issuer, subject, accountID)
	return err
}

// FreeHandle returns a handle derived from email that no account uses yet.
func (s *Store) FreeHandle(ctx context.Context, email string) (string, error) {
	return FreeHandleIn(ctx, s.pool, email)
}
