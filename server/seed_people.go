package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/web"
)

var demoTopics = []string{"Vergaberecht", "Reisekosten", "Datenschutz", "IT-Sicherheit", "Haushalt", "Personalrecht", "E-Akte", "Barrierefreiheit", "Öffentlichkeitsarbeit", "Beihilfe"}

type demoUnit struct{ name, parent string }

var demoUnits = map[string][]demoUnit{
	"lfd": {{"Landesamt für Digitalisierung", ""}, {"Abteilung Z – Zentrale Dienste", "Landesamt für Digitalisierung"},
		{"Referat Z1 – Personal", "Abteilung Z – Zentrale Dienste"}, {"Referat Z2 – Haushalt und Beschaffung", "Abteilung Z – Zentrale Dienste"},
		{"Abteilung 1 – Digitale Verwaltung", "Landesamt für Digitalisierung"}, {"Referat 11 – E-Akte", "Abteilung 1 – Digitale Verwaltung"},
		{"Referat 12 – Informationssicherheit", "Abteilung 1 – Digitale Verwaltung"}},
	"musterstadt": {{"Stadtverwaltung Musterstadt", ""}, {"Hauptamt", "Stadtverwaltung Musterstadt"}, {"Kämmerei", "Stadtverwaltung Musterstadt"},
		{"Ordnungsamt", "Stadtverwaltung Musterstadt"}, {"Vergabestelle", "Kämmerei"}},
}

var firstNames = []string{"Jonas", "Sophie", "Leon", "Marie", "Paul", "Hannah", "Felix", "Lena", "Lukas", "Emma", "Tim", "Mia", "David", "Lea", "Jan", "Laura", "Moritz", "Julia", "Niklas", "Sarah", "Tobias", "Katharina", "Florian", "Anna", "Sebastian", "Johanna", "Philipp", "Lisa", "Simon", "Clara"}
var lastNames = []string{"Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Meier", "Lehmann", "Köhler", "Huber"}
var positions = []string{"Sachbearbeitung", "Referent/in", "Sachbearbeitung", "Sachgebietsleitung", "Teamleitung", "Fachkraft"}

// seedPeople creates the demo topics, the org charts of both agencies and
// 60 people in them with skills; about a third agreed that their work
// shows their expertise.
func seedPeople(ctx context.Context, pool *pgxpool.Pool, agencies map[string]int64, accounts map[string]int64) error {
	topicIDs := make([]int64, len(demoTopics))
	for i, name := range demoTopics {
		if err := pool.QueryRow(ctx, `INSERT INTO topics (slug, name) VALUES ($1, $2) RETURNING id`, web.Slugify(name, 63), name).Scan(&topicIDs[i]); err != nil {
			return fmt.Errorf("seed topic %s: %w", name, err)
		}
	}
	units := map[string]int64{}
	parentOf := map[int64]int64{}
	var leaves []int64
	var leafAgency, leafName []string
	for _, agency := range []string{"lfd", "musterstadt"} {
		for _, u := range demoUnits[agency] {
			var parent *int64
			if u.parent != "" {
				p := units[u.parent]
				parent = &p
			}
			var id int64
			if err := pool.QueryRow(ctx, `INSERT INTO org_units (agency_id, parent_id, name) VALUES ($1, $2, $3) RETURNING id`,
				agencies[agency], parent, u.name).Scan(&id); err != nil {
				return fmt.Errorf("seed unit %s: %w", u.name, err)
			}
			units[u.name] = id
			if u.parent != "" {
				parentOf[id] = units[u.parent]
				leaves = append(leaves, id)
				leafAgency, leafName = append(leafAgency, agency), append(leafName, u.name)
			}
		}
	}
	levels := []string{"basic", "advanced", "expert"}
	// The people come as from the agency's directory: each with a DN and a
	// manager. The first person of each unit heads it and reports to the
	// head of the unit above; the others report to them. The organisation
	// chart derives the heads from that.
	headDN := map[int64]string{}
	for i := range 60 {
		first, last := firstNames[i%len(firstNames)], lastNames[(i*7)%len(lastNames)]
		unit := i % len(leaves)
		agency := leafAgency[unit]
		handle := web.Slugify(first+"."+last, 30) + fmt.Sprint(i)
		var id int64
		err := pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, $3, $4) RETURNING id`,
			agencies[agency], handle+"@"+agency+".example", first+" "+last, handle).Scan(&id)
		if err != nil {
			return fmt.Errorf("seed person: %w", err)
		}
		dn, position, manager := "uid="+handle+",ou=people,o="+agency+".example", positions[i%len(positions)], headDN[leaves[unit]]
		if i < len(leaves) {
			headDN[leaves[unit]], position, manager = dn, headTitle(leafName[unit]), headDN[parentOf[leaves[unit]]]
		}
		_, err = pool.Exec(ctx, `UPDATE profiles SET position = $2, org_unit_id = $3, location = $4, phone = $5, tasks = $6,
			derived_consent = $7, consent_changed_at = CASE WHEN $7 THEN now() END, ldap_dn = $8, manager_dn = nullif($9, '') WHERE account_id = $1`,
			id, position, leaves[unit], map[string]string{"lfd": "Hannover", "musterstadt": "Musterstadt"}[agency],
			fmt.Sprintf("+49 511 120-%04d", 1000+i), "Bearbeitung von Vorgängen im Bereich "+demoTopics[i%len(demoTopics)], i%3 == 0, dn, manager)
		if err != nil {
			return err
		}
		for k := range 1 + i%3 {
			t := topicIDs[(i+k*3)%len(topicIDs)]
			confirmed := time.Now().AddDate(0, -(i*2)%20, 0)
			if _, err := pool.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level, confirmed_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT DO NOTHING`, id, t, levels[(i+k)%3], confirmed); err != nil {
				return err
			}
		}
		accounts[handle] = id
	}
	// Tag the demo pages and questions, so that topic pages list them and
	// their authors' work counts as evidence.
	for slug, topic := range map[string]int64{"vergabe-unter-der-schwelle": topicIDs[0], "dienstreisen": topicIDs[1], "reisekostenabrechnung": topicIDs[1]} {
		if _, err := pool.Exec(ctx, `INSERT INTO page_topics (page_id, topic_id) SELECT id, $2 FROM pages WHERE slug = $1`, slug, topic); err != nil {
			return err
		}
	}
	for title, topic := range map[string]int64{"Wie lange vorher muss ich eine Dienstreise beantragen?": topicIDs[1], "Ab welchem Auftragswert brauche ich drei Angebote?": topicIDs[0]} {
		if _, err := pool.Exec(ctx, `INSERT INTO question_topics (question_id, topic_id) SELECT id, $2 FROM questions WHERE title = $1`, title, topic); err != nil {
			return err
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO search_outbox (kind, item_id) SELECT 'page', id FROM pages UNION ALL SELECT 'question', id FROM questions`); err != nil {
		return err
	}
	// The demo people of the first seed get a unit and a skill too.
	_, err := pool.Exec(ctx, `UPDATE profiles p SET org_unit_id = $2, position = 'Referent Vergaberecht', derived_consent = true
		WHERE account_id = $1`, accounts["bernd.mueller"], units["Referat Z2 – Haushalt und Beschaffung"])
	if err == nil {
		_, err = pool.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, 'expert')`, accounts["bernd.mueller"], topicIDs[0])
	}
	return err
}

// headTitle is the position of a demo unit's head, after the unit's kind.
func headTitle(unit string) string {
	for _, kind := range []string{"Abteilung", "Referat"} {
		if strings.HasPrefix(unit, kind) {
			return kind + "sleitung"
		}
	}
	return "Amtsleitung"
}
