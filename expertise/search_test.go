package expertise

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// topic makes a topic, below parent when not 0, with synonyms.
func (f *fixture) topic(name string, parent int64, synonyms ...string) int64 {
	f.t.Helper()
	ctx := context.Background()
	var p *int64
	if parent != 0 {
		p = &parent
	}
	var id int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO topics (slug, name, parent_id) VALUES ($1, $2, $3) RETURNING id`,
		"t-"+strings.ToLower(strings.ReplaceAll(name, " ", "-")), name, p).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	for _, s := range synonyms {
		f.exec(`INSERT INTO topic_labels (label, topic_id) VALUES ($1, $2)`, s, id)
	}
	return id
}

// A person's document names their skills' synonyms and the topics above
// them, so that the site search finds them by those words.
func TestPersonDocumentCarriesSkillTerms(t *testing.T) {
	f := newFixture(t, Deps{})
	tag := strings.ReplaceAll(t.Name(), "Test", "")
	parent := f.topic("Vergaberecht "+tag, 0, "Beschaffungsrecht "+tag)
	sub := f.topic("Unterschwellenvergabe "+tag, parent, "UVgO "+tag)
	p, hidden := f.person(f.agency, "Kundige"), f.person(f.agency, "Versteckte")
	for _, who := range []int64{p.ID, hidden.ID} {
		f.exec(`INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, 'expert')`, who, sub)
	}
	f.exec(`UPDATE profiles SET hidden = true WHERE account_id = $1`, hidden.ID)

	docs, err := NewSearchSource(f.e.store).Documents(context.Background(), []int64{p.ID, hidden.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Title != p.Name {
		t.Fatalf("documents %+v, want only %s's", docs, p.Name)
	}
	for _, term := range []string{"Unterschwellenvergabe " + tag, "UVgO " + tag, "Vergaberecht " + tag, "Beschaffungsrecht " + tag} {
		if !strings.Contains(docs[0].Body, term) {
			t.Errorf("the document lacks %q:\n%s", term, docs[0].Body)
		}
	}
	if strings.Count(docs[0].Body, "Unterschwellenvergabe "+tag) != 1 {
		t.Errorf("the skill is named twice:\n%s", docs[0].Body)
	}

	// A new synonym of the parent topic reindexes the holders of the
	// topics below it.
	queued, err := NewSearchSource(f.e.store).TopicItems(context.Background(), []int64{parent})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(queued, p.ID) || !slices.Contains(queued, hidden.ID) {
		t.Errorf("queued %v, want both holders of the subtopic", queued)
	}
}
