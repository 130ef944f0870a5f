package main

import "context"

// searchTerms lists the topic tree's names and synonyms and the glossary's
// terms and abbreviations, the words search proposes for a query that
// found nothing.
func (s *Server) searchTerms(ctx context.Context) ([]string, error) {
	topics, err := s.topics.Store.All(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range topics {
		out = append(out, t.Name)
		out = append(out, t.Synonyms...)
	}
	terms, err := s.topics.Terms(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		out = append(out, t.Term)
		out = append(out, t.Abbreviations...)
	}
	return out, nil
}
