package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/wiki"
)

// BenchmarkPageView is a reader's view of a small page over HTTP, as HTML
// and as JSON, in an instance with 10 and with 200 spaces. The reader is a
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
			if _, err := wiki.NewStore(testDB.Pool).Create(ctx, home.ID, "start", wiki.Draft{Title: "Start", Body: body}, reader.ID); err != nil {
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
						req.Header.Set("Authorization", "Bearer "+token)
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
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						get()
					}
					b.ReportMetric(float64(total), "spaces")
				})
			}
		})
	}
}
