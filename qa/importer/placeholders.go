package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// createAccounts makes the placeholder accounts that threads need and that
// do not exist yet, in one transaction.
func (r *run) createAccounts(ctx context.Context, threads []*thread) error {
	type need struct {
		user userRef
		name string // the name on the post, for users missing from Users.xml
	}
	var needs []need
	seen := map[int64]bool{}
	add := func(u userRef, name string) {
		if u.Set && !seen[u.ID] {
			if _, ok := r.accounts[itoa(u.ID)]; !ok {
				seen[u.ID] = true
				needs = append(needs, need{u, name})
			}
		}
	}
	for _, th := range threads {
		for _, p := range append([]post{th.question}, th.answers...) {
			add(p.Owner, p.OwnerName)
			add(p.Editor, p.EditorName)
		}
		for _, list := range th.comments {
			for _, c := range list {
				add(c.User, c.UserName)
			}
		}
	}
	if len(needs) == 0 {
		return nil
	}
	created := map[string]int64{}
	err := postgres.WithTx(ctx, r.pool, func(tx pgx.Tx) error {
		var sources []sourceRow
		for _, n := range needs {
			id, err := r.createAccount(ctx, tx, n.user.ID, n.name)
			if err != nil {
				return err
			}
			created[itoa(n.user.ID)] = id
			sources = append(sources, sourceRow{kindAccount, itoa(n.user.ID), id})
		}
		return record(ctx, tx, r.source, sources)
	})
	if err != nil {
		return err
	}
	for ext, id := range created {
		r.accounts[ext] = id
	}
	r.sum.Accounts += len(created)
	return nil
}

// createAccount inserts the placeholder of dump user id, named as in
// Users.xml, else as on the post, else as Stack Exchange names users
// without a name.
func (r *run) createAccount(ctx context.Context, tx pgx.Tx, id int64, nameOnPost string) (int64, error) {
	name := r.names[id]
	if name == "" {
		name = cleanName(nameOnPost)
	}
	if name == "" {
		name = "user" + itoa(id)
	}
	for attempt := 1; attempt <= 20; attempt++ {
		handle := handleFor(r.site, id, attempt)
		local, err := insertPlaceholder(ctx, tx, placeholder{
			AgencyID: r.opts.AgencyID, DisplayName: name, Handle: handle, Email: handle + "@import.invalid",
		})
		if !errors.Is(err, errTaken) {
			return local, err
		}
	}
	return 0, fmt.Errorf("no free handle for user %d", id)
}

// siteName shortens a dump's name for handles: "german.stackexchange.com"
// becomes "german", "stackoverflow.com" "stackoverflow".
func siteName(name string) string {
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".7z")
	name = strings.TrimSuffix(name, ".stackexchange.com")
	name = strings.TrimSuffix(name, ".com")
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	site := strings.Trim(b.String(), "-")
	if site == "" {
		site = "site"
	}
	return site
}

// maxHandle is the longest handle migration 0002 allows.
const maxHandle = 40

// handleFor names the placeholder of dump user id: se-<site>-<id>, with
// -2, -3 … on later attempts (when another account has the handle), the
// site shortened to fit.
func handleFor(site string, id int64, attempt int) string {
	tail := "-" + itoa(id)
	if attempt > 1 {
		tail += "-" + strconv.Itoa(attempt)
	}
	if room := maxHandle - len("se-") - len(tail); len(site) > room {
		site = strings.TrimRight(site[:max(room, 1)], "-")
	}
	return "se-" + site + tail
}
