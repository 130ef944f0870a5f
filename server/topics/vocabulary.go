package topics

import (
	"context"
	"strings"

	"github.com/fachnetz/fachnetz/server/markdown"
)

// SearchSynonyms joins the topic tree's synonyms and the glossary's
// abbreviations ("OZG" ↔ "Onlinezugangsgesetz") for the search index.
func (s *Topics) SearchSynonyms(ctx context.Context) (map[string][]string, error) {
	syn, err := s.Synonyms(ctx)
	if err != nil {
		return nil, err
	}
	terms, err := s.Terms(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		for _, abbr := range t.Abbreviations {
			a, term := strings.ToLower(abbr), strings.ToLower(t.Term)
			syn[a] = append(syn[a], term)
			syn[term] = append(syn[term], a)
		}
	}
	return syn, nil
}

// SearchTerms lists the topic tree's names and synonyms and the glossary's
// terms and abbreviations, the words search proposes for a query that
// found nothing. Unsorted proposals are left out: their names are shown
// only to those who may read what carries them (visibility.go), and a
// proposal to everyone would tell what was typed on hidden content.
func (s *Topics) SearchTerms(ctx context.Context) ([]string, error) {
	topics, err := s.Store.All(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range topics {
		if t.Unsorted {
			continue
		}
		out = append(out, t.Name)
		out = append(out, t.Synonyms...)
	}
	terms, err := s.Terms(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		out = append(out, t.Term)
		out = append(out, t.Abbreviations...)
	}
	return out, nil
}

// MarkdownTerms hands the cached glossary to the renderer.
func (s *Topics) MarkdownTerms(ctx context.Context) ([]markdown.Term, error) {
	terms, err := s.Terms(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]markdown.Term, len(terms))
	for i, t := range terms {
		out[i] = markdown.Term{Slug: t.Slug, Term: t.Term, Abbreviations: t.Abbreviations, Definition: t.Definition}
	}
	return out, nil
}
