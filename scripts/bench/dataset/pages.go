package dataset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/fachnetz/fachnetz/server/web"
)

var titleForms = []string{"%s beantragen", "Hinweise zum %s", "Leitfaden %s", "%s und %s", "Checkliste %s", "Häufige Fragen zu %s",
	"Zuständigkeiten für %s", "Ablauf %s", "%s im Überblick", "Vorlage %s", "%s bei %s", "Merkblatt %s", "%s %s"}

var revisionMessages = []string{"Abschnitt ergänzt", "Zuständigkeit aktualisiert", "Tippfehler korrigiert", "Frist angepasst",
	"Links ergänzt", "Nach Rückmeldung überarbeitet", ""}

// reviewIntervals are the editor's choices (wiki.ReviewIntervals) with
// how often each is taken.
var reviewIntervals = []int{365, 365, 365, 180, 730, 90, 0}

func (w *writer) title() string {
	form := titleForms[w.rng.IntN(len(titleForms))]
	args := make([]any, strings.Count(form, "%s"))
	for i := range args {
		args[i] = w.phrase(1)
	}
	return fmt.Sprintf(form, args...)
}

// spread is a time between from and to.
func spread(rng *rand.Rand, from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= 0 {
		return from
	}
	return from.Add(time.Duration(rng.Int64N(int64(d))))
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// pages is the rows of one space's pages as the wiki writes them: each
// page with its revisions (the page row a copy of the newest), its links
// resolved to the pages they name, its topics, and the watches of those
// who wrote or own it.
func (p *plan) pages(rng *rand.Rand, voc *vocabulary, si int, firstPage int64) *chunk {
	c := newChunk("pages", "page_revisions", "page_links", "page_topics", "watches")
	s := p.spaces[si]
	w := &writer{v: voc, rng: rng, theme: s.theme}
	n := p.opts.PagesPerSpace
	titles, slugs := make([]string, n), make([]string, n)
	byTitle, slugTaken := map[string]int64{}, map[string]bool{}
	for k := range n {
		titles[k] = w.title()
		base := web.Slugify(titles[k], 90)
		slug := base
		for i := 2; slugTaken[slug]; i++ {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		slugTaken[slug], slugs[k] = true, slug
		if _, ok := byTitle[strings.ToLower(titles[k])]; !ok {
			byTitle[strings.ToLower(titles[k])] = firstPage + int64(k)
		}
	}
	for k := range n {
		id := firstPage + int64(k)
		// The parts of the text; earlier revisions lack the later parts.
		parts := []string{}
		w.b.WriteString("# " + titles[k] + "\n\n")
		w.paragraph(35 + rng.IntN(20))
		parts = append(parts, w.take())
		w.b.WriteString("## " + w.phrase(2) + "\n\n")
		for range 3 + rng.IntN(3) {
			w.b.WriteString("- " + w.phrase(2+rng.IntN(3)) + "\n")
		}
		parts = append(parts, w.take())
		w.paragraph(25 + rng.IntN(20))
		text := strings.TrimSuffix(w.take(), "\n")
		var links []string
		if n > 1 && rng.IntN(10) < 4 {
			for range 1 + rng.IntN(2) {
				if t := titles[rng.IntN(n)]; t != titles[k] {
					links = append(links, t)
					text += " Siehe auch [[" + t + "]]."
				}
			}
		}
		parts = append(parts, text+"\n")
		w.paragraph(12 + rng.IntN(10))
		parts = append(parts, w.take())

		revs := 1
		if x := rng.IntN(10); x >= 9 {
			revs = 3
		} else if x >= 6 {
			revs = 2
		}
		created := spread(rng, s.created, p.now.Add(-time.Duration(revs*3)*24*time.Hour))
		at, owner := created, s.writers[rng.IntN(len(s.writers))]
		watchers := map[int64]bool{}
		body := ""
		for r := 1; r <= revs; r++ {
			body = strings.Join(parts[:len(parts)-(revs-r)], "\n")
			author, msg := owner, ""
			if r > 1 {
				author = s.writers[rng.IntN(len(s.writers))]
				msg = revisionMessages[rng.IntN(len(revisionMessages))]
				at = spread(rng, at, at.Add(time.Duration(1+rng.IntN(90))*24*time.Hour))
				if at.After(p.now) {
					at = p.now.Add(-time.Hour)
				}
			}
			c.add("page_revisions", id, r, titles[k], body, author, msg, at)
			if !watchers[author] {
				watchers[author] = true
				c.add("watches", author, "page", id, at)
			}
		}
		var parent *int64
		if k > 0 && rng.IntN(5) == 0 {
			parent = nullable(firstPage + int64(rng.IntN(k)))
		}
		interval := reviewIntervals[rng.IntN(len(reviewIntervals))]
		var reviewedAt, due, noticed *time.Time
		if interval > 0 {
			from := at
			if rng.IntN(10) < 3 {
				r := spread(rng, at, p.now)
				reviewedAt, from = &r, r
			}
			d := day(from.AddDate(0, 0, interval))
			due = &d
			if d.Before(day(p.now)) {
				noticed = &d // the review notice went out on the day it fell due
			}
		}
		c.add("pages", id, s.id, parent, slugs[k], titles[k], body, revs, owner, interval, reviewedAt, due, noticed, created, at)
		seen := map[string]bool{}
		for _, t := range links {
			key := strings.ToLower(t)
			if !seen[key] {
				seen[key] = true
				c.add("page_links", id, s.slug, key, byTitle[key])
			}
		}
		if len(s.topics) > 0 {
			for _, t := range rng.Perm(len(s.topics))[:min(len(s.topics), rng.IntN(4))] {
				c.add("page_topics", id, s.topics[t])
			}
		}
	}
	return c
}
