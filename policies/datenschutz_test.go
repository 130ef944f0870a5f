package policies

import (
	"context"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// personalColumnSQL finds, in the live schema after every migration, the
// columns that hold data about a person: every column with a foreign key
// to accounts, and every column whose name says it names or reaches a
// person (…_by, …_id of an account, author, actor, owner, e-mail, name,
// handle, pseudonym, IP or other address, user agent, Matrix ID, phone,
// directory entry, password). A new table with such a column is found
// without anyone listing it here.
const personalColumnSQL = `
	SELECT DISTINCT c.table_name::text, c.column_name::text
	FROM information_schema.columns c
	JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
	WHERE c.table_schema = 'public' AND (
		EXISTS (
			SELECT 1 FROM pg_constraint k
			JOIN pg_class src ON src.oid = k.conrelid
			JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)
			WHERE k.contype = 'f' AND k.confrelid = 'accounts'::regclass
			  AND src.relname = c.table_name AND a.attname = c.column_name)
		OR c.column_name ~ $1)`

// personalName is the rule for column names (anchored, lower case).
const personalName = `^(.*_by|account_id|.*_account_id|author_id|actor_id|owner_id|.*email.*|display_name|handle|.*pseudonym.*|ip|.*_ip|ip_.*|.*address.*|user_agent|.*matrix_id.*|phone|contact|ldap_dn|password_hash|subject)$`

// personalAlso are columns the rules cannot see: a person named inside a
// generic column.
var personalAlso = []string{
	"sign_in_failures.key",      // "email:<address>" or "address:<IP address>"
	"import_sources.local_id",   // the account of kind "account"
	"search_outbox.item_id",     // the account of kind "person"
	"search_copy_queue.item_id", // the same
	"search_documents.title",    // a person's name in their document
	"search_documents.body",     // their position, unit, tasks, skills
}

// notPersonal are columns the rules flag that name no person.
var notPersonal = map[string]bool{
	"org_units.ldap_dn": true, // the directory entry of a unit
}

// Every column that holds data about a person is named in DATENSCHUTZ.md:
// as `table.column` anywhere, or in a row of its tables whose first cell
// names the table and whose second names the column. A migration that
// adds such a column without saying so there fails here.
func TestDatenschutzNamesEveryPersonalColumn(t *testing.T) {
	ctx := context.Background()
	rows, _ := db.Pool.Query(ctx, personalColumnSQL, personalName)
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var table, col string
		err := r.Scan(&table, &col)
		return table + "." + col, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 30 {
		t.Fatalf("only %d personal columns found: the rule reads the wrong schema", len(found))
	}
	found = slices.DeleteFunc(append(found, personalAlso...), func(c string) bool { return notPersonal[c] })
	sort.Strings(found)
	raw, err := os.ReadFile("DATENSCHUTZ.md")
	if err != nil {
		t.Fatal(err)
	}
	named := documented(string(raw))
	var missing []string
	for _, tc := range found {
		if !named[tc] {
			missing = append(missing, tc)
		}
	}
	if len(missing) > 0 {
		t.Errorf("DATENSCHUTZ.md does not name %d columns with personal data:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}

var backticked = regexp.MustCompile("`([a-z0-9_.]+)`")

// documented reads the table.column pairs the document names.
func documented(doc string) map[string]bool {
	named := map[string]bool{}
	for _, m := range backticked.FindAllStringSubmatch(doc, -1) {
		if strings.Contains(m[1], ".") {
			named[m[1]] = true
		}
	}
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) < 2 {
			continue
		}
		for _, tbl := range backticked.FindAllStringSubmatch(cells[0], -1) {
			for _, col := range backticked.FindAllStringSubmatch(cells[1], -1) {
				named[tbl[1]+"."+col[1]] = true
			}
		}
	}
	return named
}
