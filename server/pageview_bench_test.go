package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/wiki"
)

// BenchmarkPageView is a reader's view of a small page in a space of 500
// pages over HTTP, as HTML (signed in with a session) and as JSON (with a
// token), in an instance with 10 and with 200 spaces. The reader is a
// member of the page's space and of the agency that owns a third of the
// others (organisation spaces). Each sub-benchmark removes the spaces it
// made, so the instance holds as many spaces as its name says only when
// the benchmark runs alone (-run '^$'); the spaces metric tells.
func BenchmarkPageView(b *testing.B) {
	ctx := context.Background()
	accounts, spaces := auth.NewStore(testDB.Pool), policies.NewStore(testDB.Pool)
	for _, n := range []int{10, 200} {
		b.Run(fmt.Sprintf("spaces=%d", n), func(b *testing.B) {
			agency, err := accounts.CreateAgency(ctx, unique("bench"), "Behörde")
			if err != nil {
				b.Fatal(err)
			}
			handle := unique("leser")
			reader, err := accounts.CreateAccount(ctx, auth.NewAccount{AgencyID: agency.ID, Email: handle + "@example.org",
				DisplayName: "Leserin", Handle: handle})
			if err != nil {
				b.Fatal(err)
			}
			token, tokenHash := auth.NewTokenSecret()
			if _, err := accounts.CreateToken(ctx, reader.ID, "bench", tokenHash); err != nil {
				b.Fatal(err)
			}
			var have int
			if err := testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM spaces`).Scan(&have); err != nil {
				b.Fatal(err)
			}
			var made []int64
			b.Cleanup(func() {
				if _, err := testDB.Pool.Exec(ctx, `DELETE FROM spaces WHERE id = ANY($1)`, made); err != nil {
					b.Error(err)
				}
			})
			var home policies.Space
			for i := have; i < n; i++ {
				vis := []policies.Visibility{policies.Private, policies.Organisation, policies.Network}[i%3]
				sp, err := spaces.CreateSpace(ctx, policies.NewSpace{Slug: unique("raum"), Name: "Raum", AgencyID: agency.ID, Visibility: vis}, reader.ID)
				if err != nil {
					b.Fatal(err)
				}
				made = append(made, sp.ID)
				if i == have {
					home = sp
				}
			}
			if home.ID == 0 {
				b.Fatalf("the test database already holds %d spaces: run the benchmark alone", have)
			}
			var total int
			if err := testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM spaces`).Scan(&total); err != nil {
				b.Fatal(err)
			}
			body := strings.Repeat("Ein kurzer Absatz über das Verfahren, mit **Betonung** und einer Liste:\n\n- eins\n- zwei\n\n", 5)
			pages := wiki.NewStore(testDB.Pool)
			if _, err := pages.Create(ctx, home.ID, "start", wiki.Draft{Title: "Start", Body: body}, reader.ID); err != nil {
				b.Fatal(err)
			}
			// A space of the data set of DESIGN.md section 9 holds 500 pages.
			for i := range 499 {
				if _, err := pages.Create(ctx, home.ID, fmt.Sprintf("seite-%d", i), wiki.Draft{Title: fmt.Sprintf("Seite %d", i), Body: body}, reader.ID); err != nil {
					b.Fatal(err)
				}
			}
			session, sessionHash := auth.NewTokenSecret()
			if err := accounts.CreateSession(ctx, reader.ID, sessionHash, "csrf", time.Hour, time.Hour, nil); err != nil {
				b.Fatal(err)
			}
			base := startServerWith(b, nil)
			for _, c := range []struct{ name, path string }{
				{"html", "/bereiche/" + home.Slug + "/seiten/start"},
				{"json", "/api/v1/spaces/" + home.Slug + "/pages/start"},
			} {
				b.Run(c.name, func(b *testing.B) {
					get := func() {
						req, _ := http.NewRequest(http.MethodGet, base+c.path, nil)
						if c.name == "json" {
							req.Header.Set("Authorization", "Bearer "+token)
						} else {
							req.AddCookie(&http.Cookie{Name: "fachnetz_session", Value: session})
						}
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							b.Fatal(err)
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							b.Fatalf("GET %s: %d", c.path, resp.StatusCode)
						}
					}
					get()
					before := transactions(b)
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						get()
					}
					b.StopTimer()
					b.ReportMetric(float64(transactions(b)-before)/float64(b.N), "statements/op")
					b.ReportMetric(float64(total), "spaces")
				})
			}
		})
	}
}

// transactions counts the database's committed transactions: a statement
// outside a transaction is one, so the difference counts statements.
// PostgreSQL publishes other sessions' counts within a second or so.
func transactions(b *testing.B) int64 {
	time.Sleep(1500 * time.Millisecond)
	var n int64
	if err := testDB.Pool.QueryRow(context.Background(), `SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}
