package dataset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/fachnetz/fachnetz/server/web"
)

// The plan is everything but the texts: agencies, units, people, spaces,
// memberships and topics, with their ids, decided before the first row is
// copied so that every row can name what it refers to.

type agency struct {
	id                 int64
	slug, name, domain string
}

type unit struct {
	id, agency, parent int64 // parent 0: top unit
	name               string
}

type person struct {
	id, agency, unit         int64
	name, handle, email      string
	created                  time.Time
	hidden                   bool
	agencyIdx                int
	position, location, tels string
}

type member struct {
	account int64
	role    string
}

type space struct {
	id         int64
	slug, name string
	agencyIdx  int
	visibility string
	members    []member
	writers    []int64 // who may write: members but viewers, and the agency for an organisation space
	theme      []int   // vocabulary indexes the space's texts use more often
	topics     []int64 // topics of the space's category
	created    time.Time
}

type topic struct {
	id, parent int64
	slug, name string
	category   int
}

type plan struct {
	opts      Options
	now       time.Time
	agencies  []agency
	units     []unit
	people    []person // the people, then the reader and the writer
	spaces    []space
	topics    []topic
	reader    *person
	writer    *person
	readable  []int // space indexes the reader may read
	editSpace int
}

var agencyNames = [][2]string{
	{"landesamt-digitalisierung", "Landesamt für Digitalisierung"}, {"stadt-musterstadt", "Stadtverwaltung Musterstadt"},
	{"ministerium-innern", "Ministerium des Innern"}, {"landratsamt-beispielkreis", "Landratsamt Beispielkreis"},
	{"finanzamt-nord", "Finanzamt Nord"}, {"bezirksregierung-sued", "Bezirksregierung Süd"},
	{"statistisches-landesamt", "Statistisches Landesamt"}, {"landesamt-umwelt", "Landesamt für Umwelt"},
}

var categories = strings.Split("Personal|Haushalt und Finanzen|Vergabe und Beschaffung|Datenschutz und Informationssicherheit|"+
	"Digitalisierung und IT|Bauen und Planen|Umwelt und Natur|Soziales und Familie|Ordnung und Sicherheit|Bürgerdienste|"+
	"Organisation und Steuerung|Recht und Verfahren", "|")

var (
	firstNames = strings.Fields(`Anna Bernd Clara Deniz Eva Felix Greta Hanna Ingo Jana Kai Lena Marco Nina Oliver Paula Quirin Rita
		Stefan Tanja Ulrich Vera Wolfgang Xenia Yusuf Zoe Andreas Birgit Christian Doris Elias Frieda Georg Heike Ismail Jonas Katrin
		Lukas Maria Niklas Olga Peter Ramona Sabine Thomas Ute Viktor Waltraud Ayşe Mehmet Sophie Jörg Jürgen Bärbel Günter Özlem Ralf`)
	lastNames = strings.Fields(`Schmidt Müller Weber Yılmaz Fischer Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter
		Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann
		Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert
		Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm
		Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf`)
	positions = strings.Split("Sachbearbeiterin|Sachbearbeiter|Referentin|Referent|Referatsleiterin|Referatsleiter|"+
		"Abteilungsleiterin|Abteilungsleiter|Teamleitung|Verwaltungsfachangestellte|Verwaltungsfachangestellter|"+
		"IT-Koordinatorin|Justiziar|Haushaltsbeauftragte|Datenschutzbeauftragter|Projektleitung|Assistenz der Amtsleitung", "|")
	languages = []string{"Englisch", "Französisch", "Türkisch", "Polnisch", "Russisch", "Arabisch", "Spanisch"}
)

// firstIDs are the first id of each table's rows, taken from its sequence.
type firstIDs struct{ agency, unit, account, space, topic, page, question, answer int64 }

func newPlan(opts Options, rng *rand.Rand, voc *vocabulary, ids firstIDs, now time.Time) (*plan, error) {
	p := &plan{opts: opts, now: now}
	nAgencies := min(len(agencyNames), max(2, opts.Spaces/4))
	for i := range nAgencies {
		p.agencies = append(p.agencies, agency{id: ids.agency + int64(i), slug: agencyNames[i][0], name: agencyNames[i][1],
			domain: agencyNames[i][0] + ".example"})
	}
	p.planTopics(voc, ids.topic)
	p.planUnits(ids.unit)
	p.planPeople(rng, ids.account)
	if err := p.planSpaces(rng, voc, ids.space); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *plan) planTopics(voc *vocabulary, first int64) {
	taken, slugs := map[string]bool{}, map[string]bool{}
	slug := func(name string) string {
		s := web.Slugify(name, 56)
		for n := 2; slugs[s]; n++ {
			s = fmt.Sprintf("%s-%d", web.Slugify(name, 56), n)
		}
		slugs[s] = true
		return s
	}
	for i, name := range categories {
		p.topics = append(p.topics, topic{id: first + int64(i), slug: slug(name), name: name, category: i})
		taken[strings.ToLower(name)] = true
	}
	// A few hundred topics below the categories, named by the more
	// frequent nouns; every fourth hangs below a sibling.
	for i := 0; len(p.topics) < 300 && i < len(voc.words); i++ {
		name := voc.words[i]
		if !voc.nouns[i] || taken[strings.ToLower(name)] {
			continue
		}
		taken[strings.ToLower(name)] = true
		n := len(p.topics)
		cat := n % len(categories)
		parent := p.topics[cat].id
		if n >= 4*len(categories) && n%4 == 0 {
			parent = p.topics[n-len(categories)].id // an earlier topic of the same category
		}
		p.topics = append(p.topics, topic{id: first + int64(n), parent: parent, slug: slug(name), name: name, category: cat})
	}
}

func (p *plan) planUnits(first int64) {
	for ai, a := range p.agencies {
		for d := range 5 {
			dept := unit{id: first + int64(len(p.units)), agency: a.id,
				name: fmt.Sprintf("Abteilung %d – %s", d+1, categories[(ai+d)%len(categories)])}
			p.units = append(p.units, dept)
			for r := range 4 {
				p.units = append(p.units, unit{id: first + int64(len(p.units)), agency: a.id, parent: dept.id,
					name: fmt.Sprintf("Referat %d%d – %s", d+1, r+1, categories[(ai+d+r+1)%len(categories)])})
			}
		}
	}
}

func (p *plan) planPeople(rng *rand.Rand, first int64) {
	handles := map[string]int{}
	add := func(name, handle string, ai int) *person {
		if n := handles[handle]; n > 0 {
			handles[handle] = n + 1
			handle = fmt.Sprintf("%s%d", handle, n+1)
		} else {
			handles[handle] = 1
		}
		a := p.agencies[ai]
		u := p.units[ai*25+1+rng.IntN(24)] // a Referat or Abteilung of the agency
		p.people = append(p.people, person{id: first + int64(len(p.people)), agency: a.id, agencyIdx: ai, unit: u.id,
			name: name, handle: handle, email: handle + "@" + a.domain, hidden: rng.IntN(50) == 0,
			created:  p.now.Add(-time.Duration(400+rng.IntN(1500)) * 24 * time.Hour),
			position: positions[rng.IntN(len(positions))], location: fmt.Sprintf("Dienstgebäude %c, Raum %d.%02d", 'A'+rune(rng.IntN(4)), rng.IntN(5), rng.IntN(40)),
			tels: fmt.Sprintf("+49 30 %04d-%04d", 1000+ai*100, rng.IntN(10000))})
		return &p.people[len(p.people)-1]
	}
	for range p.opts.People {
		f, l := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		// Agencies differ in size: the first is the largest.
		ai := min(len(p.agencies)-1, int(rng.ExpFloat64()*float64(len(p.agencies))/3))
		add(f+" "+l, web.Slugify(f, 18)+"."+web.Slugify(l, 18), ai)
	}
	add("Lea Leserin", "bench.leserin", 0)
	add("Sam Schreiber", "bench.schreiber", 0)
	p.reader, p.writer = &p.people[len(p.people)-2], &p.people[len(p.people)-1]
	p.reader.hidden, p.writer.hidden = false, false
}

// planSpaces makes the first spaces (at least one per agency, a tenth of
// all) organisation spaces, the others network and private spaces in
// turn, and chooses the reader's spaces: its agency's organisation spaces
// and enough others to make a quarter of all.
func (p *plan) planSpaces(rng *rand.Rand, voc *vocabulary, first int64) error {
	byAgency := make([][]*person, len(p.agencies))
	for i := range p.people[:p.opts.People] {
		byAgency[p.people[i].agencyIdx] = append(byAgency[p.people[i].agencyIdx], &p.people[i])
	}
	orgCount := max(len(p.agencies), p.opts.Spaces/10)
	slugs := map[string]bool{}
	for i := range p.opts.Spaces {
		ai := i % len(p.agencies)
		cat := rng.IntN(len(categories))
		s := space{id: first + int64(i), agencyIdx: ai, visibility: "private",
			created: p.now.Add(-time.Duration(1100+rng.IntN(300)) * 24 * time.Hour)}
		switch {
		case i < orgCount:
			s.visibility, s.name = "organisation", fmt.Sprintf("%s – %s", p.agencies[ai].name, categories[cat])
		case (i-orgCount)%5 == 0 || (i-orgCount)%5 == 2:
			s.visibility, s.name = "network", fmt.Sprintf("Netzwerk %s %d", categories[cat], i)
		default:
			s.name = fmt.Sprintf("Projektgruppe %s %d", voc.words[voc.noun(rng)], i)
		}
		s.slug = web.Slugify(s.name, 60)
		for n := 2; slugs[s.slug]; n++ {
			s.slug = fmt.Sprintf("%s-%d", web.Slugify(s.name, 58), n)
		}
		slugs[s.slug] = true
		for _, t := range p.topics {
			if t.category == cat {
				s.topics = append(s.topics, t.id)
			}
		}
		for range 30 {
			s.theme = append(s.theme, voc.word(rng))
		}
		pool := byAgency[ai]
		if s.visibility == "network" {
			pool = nil
			for _, k := range rng.Perm(len(p.agencies))[:min(3, len(p.agencies))] {
				pool = append(pool, byAgency[k]...)
			}
		}
		if len(pool) == 0 {
			pool = byAgency[0]
		}
		size := map[string]int{"organisation": 3, "network": 40, "private": 25}[s.visibility]
		seen := map[int64]bool{}
		for k := 0; k < size && len(pool) > 0; k++ {
			who := pool[rng.IntN(len(pool))]
			if seen[who.id] {
				continue
			}
			seen[who.id] = true
			role := "member"
			switch {
			case len(s.members) == 0:
				role = "owner"
			case len(s.members) < 3:
				role = "moderator"
			case rng.IntN(10) == 0:
				role = "viewer"
			}
			s.members = append(s.members, member{who.id, role})
			if role != "viewer" {
				s.writers = append(s.writers, who.id)
			}
		}
		// Everyone of the agency writes in its organisation space; without
		// people of its own, only its members do.
		if s.visibility == "organisation" && len(byAgency[ai]) > 0 {
			s.writers = s.writers[:0]
			for _, who := range pool {
				s.writers = append(s.writers, who.id)
			}
		}
		if len(s.writers) == 0 {
			return fmt.Errorf("space %s has nobody to write in it: give the data set more people", s.slug)
		}
		p.spaces = append(p.spaces, s)
	}
	return p.chooseReadable(rng, orgCount)
}

func (p *plan) chooseReadable(rng *rand.Rand, orgCount int) error {
	want := (p.opts.Spaces + 3) / 4
	var others []int
	for i, s := range p.spaces {
		switch {
		case s.visibility == "organisation" && s.agencyIdx == 0:
			p.readable = append(p.readable, i)
		case i >= orgCount:
			others = append(others, i)
		}
	}
	if len(p.readable) > want || len(p.readable)+len(others) < want {
		return fmt.Errorf("cannot give the reader exactly %d of %d spaces", want, p.opts.Spaces)
	}
	rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	p.readable = append(p.readable, others[:want-len(p.readable)]...)
	p.editSpace = p.readable[len(p.readable)-1]
	for _, i := range p.readable {
		p.spaces[i].members = append(p.spaces[i].members, member{p.reader.id, "member"})
	}
	es := &p.spaces[p.editSpace]
	es.members = append(es.members, member{p.writer.id, "member"})
	return nil
}
