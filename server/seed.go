package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/wiki"
)

// demoPassword is the password of every demo account. Demo content is for
// trying Fachnetz out on one's own machine, never for production.
const demoPassword = "fachnetz-demo-2026"

type demoPerson struct {
	email, name, handle, agency string
	admin, knowledgeManager     bool
}

var demoPeople = []demoPerson{
	{"anna.schmidt@lfd.example", "Anna Schmidt", "anna.schmidt", "lfd", true, false},
	{"bernd.mueller@lfd.example", "Bernd Müller", "bernd.mueller", "lfd", false, true},
	{"clara.weber@lfd.example", "Clara Weber", "clara.weber", "lfd", false, false},
	{"deniz.yilmaz@musterstadt.example", "Deniz Yılmaz", "deniz.yilmaz", "musterstadt", false, false},
	{"eva.fischer@musterstadt.example", "Eva Fischer", "eva.fischer", "musterstadt", false, false},
}

type demoSpace struct {
	slug, name, description, agency, owner string
	visibility                             policies.Visibility
	members                                map[string]policies.Role
}

var demoSpaces = []demoSpace{
	{"lfd", "Landesamt für Digitalisierung", "Das Wissen des ganzen Hauses: Verfahren, Zuständigkeiten, Vorlagen.", "lfd", "anna.schmidt",
		policies.Organisation, nil},
	{"musterstadt", "Stadtverwaltung Musterstadt", "Wissen der Stadtverwaltung für alle Beschäftigten.", "musterstadt", "deniz.yilmaz",
		policies.Organisation, nil},
	{"netzwerk-vergabe", "Netzwerk Vergabe", "Behördenübergreifender Austausch zu Vergabeverfahren und Beschaffung.", "lfd", "bernd.mueller",
		policies.Network, map[string]policies.Role{"eva.fischer": policies.RoleMember, "clara.weber": policies.RoleModerator}},
	{"projekt-e-akte", "Projekt E-Akte", "Projektgruppe zur Einführung der elektronischen Akte (vertraulich).", "lfd", "clara.weber",
		policies.Private, map[string]policies.Role{"anna.schmidt": policies.RoleMember}},
}

// seedCommand puts demo content into an empty instance. Run again, it
// changes nothing and prints the demo accounts once more.
func seedCommand(ctx context.Context, e env, args []string) error {
	pool, _, err := openMigrated(ctx, e, "seed", args)
	if err != nil {
		return err
	}
	defer pool.Close()
	accounts, spaces := auth.NewStore(pool), policies.NewStore(pool)

	if _, err := accounts.AgencyBySlug(ctx, "lfd"); err == nil {
		fmt.Fprintln(e.stdout, "demo content is already there")
		printDemoAccounts(e)
		return nil
	} else if !errs.Is(err, errs.NotFound) {
		return err
	}
	agencies := map[string]int64{}
	for slug, name := range map[string]string{"lfd": "Landesamt für Digitalisierung", "musterstadt": "Stadtverwaltung Musterstadt"} {
		a, err := accounts.CreateAgency(ctx, slug, name)
		if err != nil {
			return fmt.Errorf("seed agency %s: %w", slug, err)
		}
		agencies[slug] = a.ID
	}
	hash, err := auth.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, p := range demoPeople {
		acc, err := accounts.CreateAccount(ctx, auth.NewAccount{
			AgencyID: agencies[p.agency], Email: p.email, DisplayName: p.name, Handle: p.handle,
			PasswordHash: &hash, Admin: p.admin, KnowledgeManager: p.knowledgeManager,
		})
		if err != nil {
			return fmt.Errorf("seed account %s: %w", p.email, err)
		}
		ids[p.handle] = acc.ID
	}
	for _, s := range demoSpaces {
		sp, err := spaces.CreateSpace(ctx, policies.NewSpace{
			Slug: s.slug, Name: s.name, Description: s.description, AgencyID: agencies[s.agency],
			Visibility: s.visibility, AgencyRole: policies.RoleMember,
		}, ids[s.owner])
		if err != nil {
			return fmt.Errorf("seed space %s: %w", s.slug, err)
		}
		for handle, role := range s.members {
			if err := spaces.SetMember(ctx, sp.ID, policies.MemberRef{AccountID: ids[handle]}, role); err != nil {
				return fmt.Errorf("seed member %s: %w", handle, err)
			}
		}
	}
	if err := seedPages(ctx, pool, ids); err != nil {
		return err
	}
	if err := seedQuestions(ctx, pool, ids); err != nil {
		return err
	}
	if err := seedPeople(ctx, pool, agencies, ids); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "demo content created")
	printDemoAccounts(e)
	return nil
}

func printDemoAccounts(e env) {
	fmt.Fprintf(e.stdout, "demo accounts (password %q):\n", demoPassword)
	for _, p := range demoPeople {
		role := ""
		switch {
		case p.admin:
			role = " (admin)"
		case p.knowledgeManager:
			role = " (knowledge manager)"
		}
		fmt.Fprintf(e.stdout, "  %-34s %s%s\n", p.email, p.name, role)
	}
}

type demoPage struct {
	space, slug, title, author, parent string
	body                               string
	template                           bool
	overdue                            bool
}

var demoPages = []demoPage{
	{space: "lfd", slug: "dienstreisen", title: "Dienstreisen", author: "clara.weber", body: `Alles rund um Dienstreisen im Landesamt.

## Ablauf in Kürze

1. Reise im Portal beantragen (mindestens fünf Arbeitstage vorher).
2. Genehmigung durch die Referatsleitung abwarten.
3. Nach der Reise die Abrechnung einreichen, siehe [[Reisekostenabrechnung]].

| Verkehrsmittel | Erstattung |
| --- | --- |
| Bahn, 2. Klasse | vollständig |
| Privat-Pkw | 0,20 € je km, höchstens 130 € |
| Flug | nur mit Begründung |

Fragen zur Vergabe von Reisebüro-Leistungen beantwortet das [[netzwerk-vergabe:Vergabe unter der Schwelle|Netzwerk Vergabe]].`},
	{space: "lfd", slug: "reisekostenabrechnung", title: "Reisekostenabrechnung", author: "anna.schmidt", parent: "dienstreisen", body: `Die Abrechnung ist binnen **sechs Monaten** nach Reiseende einzureichen (§ 3 BRKG).

- [x] Belege einscannen
- [x] Formular ausfüllen
- [ ] Bei der Reisekostenstelle einreichen

Zurück zur Übersicht: [[Dienstreisen]].`},
	{space: "lfd", slug: "homeoffice", title: "Mobiles Arbeiten", author: "bernd.mueller", overdue: true, body: `Mobiles Arbeiten ist nach Dienstvereinbarung an bis zu drei Tagen je Woche möglich.

Die Dienstvereinbarung wird derzeit überarbeitet; diese Seite ist deshalb zur Prüfung fällig.`},
	{space: "lfd", slug: "vorlage-protokoll", title: "Vorlage: Besprechungsprotokoll", author: "anna.schmidt", template: true, body: `**Datum:** 
**Teilnehmende:** 

## Tagesordnung

1. 

## Beschlüsse

| Nr. | Beschluss | Verantwortlich | Termin |
| --- | --- | --- | --- |
| 1 | | | |`},
	{space: "netzwerk-vergabe", slug: "vergabe-unter-der-schwelle", title: "Vergabe unter der Schwelle", author: "bernd.mueller", body: `Unterhalb der EU-Schwellenwerte gilt die Unterschwellenvergabeordnung (UVgO).

## Wertgrenzen (Beispiel Landesrecht)

| Verfahren | bis Auftragswert (netto) |
| --- | --- |
| Direktauftrag | 1.000 € |
| Verhandlungsvergabe | 100.000 € |
| Beschränkte Ausschreibung | 1.000.000 € |

Die Werte unterscheiden sich je Land. Bitte prüfen Sie die Verwaltungsvorschrift Ihres Landes.`},
	{space: "projekt-e-akte", slug: "zeitplan", title: "Zeitplan Einführung E-Akte", author: "clara.weber", body: `Vertraulich: nur für die Projektgruppe.

| Phase | Zeitraum |
| --- | --- |
| Pilot im Referat 2 | Q1 |
| Rollout Abteilung Z | Q2 |`},
}

// seedPages writes the demo wiki pages straight into the store.
func seedPages(ctx context.Context, pool *pgxpool.Pool, accounts map[string]int64) error {
	store, spaces := wiki.NewStore(pool), policies.NewStore(pool)
	created := map[string]int64{}
	for _, p := range demoPages {
		sp, err := spaces.SpaceBySlug(ctx, p.space)
		if err != nil {
			return err
		}
		owner := accounts[p.author]
		d := wiki.Draft{Title: p.title, Body: p.body, OwnerID: &owner, ReviewIntervalDays: 365, IsTemplate: p.template,
			Links: wiki.LinkKeys(p.space, p.body)}
		if p.parent != "" {
			parent := created[p.parent]
			d.ParentID = &parent
		}
		page, err := store.Create(ctx, sp.ID, p.slug, d, owner)
		if err != nil {
			return fmt.Errorf("seed page %s: %w", p.slug, err)
		}
		created[p.slug] = page.ID
		// The demo pages count as reviewed (a year ago for the overdue ones),
		// as in an instance that has been in use for a while.
		reviewed := `UPDATE pages SET reviewed_at = now(), review_due = current_date + 365 WHERE id = $1`
		if p.overdue {
			reviewed = `UPDATE pages SET reviewed_at = now() - interval '400 days', review_due = current_date - 35 WHERE id = $1`
		}
		if _, err := pool.Exec(ctx, reviewed, page.ID); err != nil {
			return err
		}
	}
	return nil
}

type demoAnswer struct {
	author, body string
	accepted     bool
}

type demoQuestion struct {
	space, author, title, body string
	answers                    []demoAnswer
}

var demoQuestions = []demoQuestion{
	{"lfd", "clara.weber", "Wie lange vorher muss ich eine Dienstreise beantragen?",
		"Ich plane im März eine Fortbildung in Berlin. Reicht es, den Antrag eine Woche vorher zu stellen?",
		[]demoAnswer{
			{"anna.schmidt", "Mindestens **fünf Arbeitstage** vorher, so steht es in der Dienstanweisung. Details: [[Dienstreisen]].", true},
			{"bernd.mueller", "Bei Auslandsreisen besser drei Wochen vorher, weil die Genehmigung durch die Abteilungsleitung geht.", false},
		}},
	{"lfd", "bernd.mueller", "Wer ist für die Pflege der Telefonliste zuständig?",
		"Die Durchwahlen im Intranet stimmen teilweise nicht mehr. An wen wende ich mich?", nil},
	{"netzwerk-vergabe", "eva.fischer", "Ab welchem Auftragswert brauche ich drei Angebote?",
		"Bei uns in der Stadt gibt es unterschiedliche Auskünfte. Gilt die Grenze netto oder brutto?",
		[]demoAnswer{{"bernd.mueller", "Die Wertgrenzen gelten **netto**. Drei Angebote sind ab der Verhandlungsvergabe üblich; siehe [[Vergabe unter der Schwelle]].", false}}},
}

// seedQuestions writes the demo questions and answers straight into the store.
func seedQuestions(ctx context.Context, pool *pgxpool.Pool, accounts map[string]int64) error {
	store, spaces := qa.NewStore(pool), policies.NewStore(pool)
	for _, q := range demoQuestions {
		sp, err := spaces.SpaceBySlug(ctx, q.space)
		if err != nil {
			return err
		}
		id, err := store.Ask(ctx, qa.NewQuestion{SpaceID: sp.ID, Title: q.title, Body: q.body, AuthorID: accounts[q.author]}, nil)
		if err != nil {
			return fmt.Errorf("seed question %q: %w", q.title, err)
		}
		for _, a := range q.answers {
			aid, err := store.AddAnswer(ctx, id, accounts[a.author], a.body, nil)
			if err != nil {
				return fmt.Errorf("seed answer: %w", err)
			}
			if a.accepted {
				if err := store.Accept(ctx, id, aid, nil); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
