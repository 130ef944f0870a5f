package dataset

import (
	"math/rand/v2"
	"time"
)

// chunk is the rows of some tables, copied together in the order of
// tables.
type chunk struct {
	tables []string
	rows   map[string][][]any
	// accepted pairs questions with their accepted answers, set after
	// the answers are copied.
	acceptedQ, acceptedA []int64
}

func newChunk(tables ...string) *chunk {
	return &chunk{tables: tables, rows: map[string][][]any{}}
}

func (c *chunk) add(table string, values ...any) {
	c.rows[table] = append(c.rows[table], values)
}

func nullable(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

var levels = []string{"basic", "advanced", "expert"}

// organisation is the rows of agencies, units, topics, people with their
// profiles and skills, spaces and memberships.
func (p *plan) organisation(rng *rand.Rand, voc *vocabulary) *chunk {
	c := newChunk("agencies", "org_units", "topics", "accounts", "profiles", "profile_skills", "spaces", "space_members")
	founded := p.now.AddDate(-4, 0, 0)
	for _, a := range p.agencies {
		c.add("agencies", a.id, a.slug, a.name, founded)
	}
	for _, u := range p.units {
		c.add("org_units", u.id, u.agency, nullable(u.parent), u.name, founded)
	}
	for _, t := range p.topics {
		desc := ""
		if t.parent == 0 {
			desc = "Alles zu " + t.name + ": Verfahren, Zuständigkeiten, Vorlagen."
		}
		c.add("topics", t.id, t.slug, t.name, desc, nullable(t.parent), founded, founded)
	}
	w := &writer{v: voc, rng: rng}
	for i, who := range p.people {
		// A few administrators and knowledge managers in every agency.
		admin, km := i == 0 && p.opts.People > 0, i%500 == 7 && i < p.opts.People
		c.add("accounts", who.id, who.agency, who.email, who.name, who.handle, admin, km, who.created)
		w.paragraph(15 + rng.IntN(20))
		tasks := w.take()
		ask := w.phrase(2 + rng.IntN(3))
		langs := []string{"Deutsch"}
		if rng.IntN(2) == 0 {
			langs = append(langs, languages[rng.IntN(len(languages))])
		}
		consent := rng.IntN(10) < 3
		var consentAt *time.Time
		if consent {
			t := who.created.Add(time.Duration(rng.IntN(300)) * 24 * time.Hour)
			consentAt = &t
		}
		updated := who.created.Add(time.Duration(rng.IntN(300)) * 24 * time.Hour)
		c.add("profiles", who.id, who.position, who.unit, who.location, who.tels, tasks, ask, langs, who.hidden, consent, consentAt, updated)
		if who.id == p.reader.id || who.id == p.writer.id {
			continue
		}
		for _, k := range rng.Perm(len(p.topics))[:3+rng.IntN(6)] {
			confirmed := p.now.Add(-time.Duration(rng.IntN(730)) * 24 * time.Hour)
			c.add("profile_skills", who.id, p.topics[k].id, levels[rng.IntN(len(levels))], confirmed)
		}
	}
	for _, s := range p.spaces {
		desc := "Austausch und Wissen zu " + s.name + "."
		c.add("spaces", s.id, s.slug, s.name, desc, p.agencies[s.agencyIdx].id, s.visibility, s.created)
		for _, m := range s.members {
			c.add("space_members", s.id, m.account, m.role)
		}
	}
	return c
}
