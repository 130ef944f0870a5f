package search

import (
	"context"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxQueryWords bounds the words of a query searched in PostgreSQL.
const maxQueryWords = 12

// searchPostgres answers from PostgreSQL's copy of the search documents
// (store_documents.go) with one ranked list across types, the same filters
// and facets as Meilisearch, and reports itself as degraded. Tolerance
// comes from what PostgreSQL gives cheaply: the German stemmer for
// inflection, the documents' compound parts and spellings without umlauts,
// the query's own compound parts, synonyms from the topic tree and the
// glossary, a prefix match on the last word, and typos corrected against
// the documents' vocabulary by trigram similarity (pg_trgm). As in
// Meilisearch, every word must match first; only when that finds nothing
// does any word do.
func (s *Service) searchPostgres(ctx context.Context, q Query) (Results, error) {
	terms, whole, err := s.queryTerms(ctx, q.Text)
	if err != nil {
		return Results{}, err
	}
	if len(terms) == 0 {
		return Results{Page: q.Page, Degraded: true}, nil
	}
	strict, loose := tsQueries(terms, whole)
	query := strict
	if q.Loose {
		query = loose
	}
	res, err := s.queryCopy(ctx, q, query)
	if err == nil && res.Total == 0 && query != loose {
		res, err = s.queryCopy(ctx, q, loose)
	}
	if err != nil {
		return Results{}, err
	}
	res.Pages = (res.Total + q.PerPage - 1) / q.PerPage
	for name := range res.Facets {
		sort.Slice(res.Facets[name], func(i, j int) bool {
			a, b := res.Facets[name][i], res.Facets[name][j]
			return a.Count > b.Count || a.Count == b.Count && a.Value < b.Value
		})
	}
	return res, nil
}

// term is one word of a query with the ways it may match: each
// alternative is a group of words that must all occur (a compound's
// parts, a synonym of several words) or a prefix.
type term struct {
	alts [][]string
}

func (t *term) add(alt ...string) {
	if len(alt) == 0 {
		return
	}
	for _, a := range t.alts {
		if slices.Equal(a, alt) {
			return
		}
	}
	t.alts = append(t.alts, alt)
}

// queryTerms reads a query into terms, and whole into the synonyms of the
// whole query ("elektronische Akte" → "E-Akte"), each a group of words.
// Words are letters and digits only, so that nothing of the text can act
// as tsquery syntax.
func (s *Service) queryTerms(ctx context.Context, text string) (terms []term, whole [][]string, err error) {
	all := words(text)
	var kept []string
	for _, w := range all {
		if !isStopWord[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = all
	}
	if len(kept) > maxQueryWords {
		kept = kept[:maxQueryWords]
	}
	if len(kept) == 0 {
		return nil, nil, nil
	}
	var long []string
	for _, w := range kept {
		if utf8.RuneCountInString(w) >= minTypoLen {
			long = append(long, w)
		}
	}
	similar := map[string][]string{}
	if len(long) > 0 {
		if similar, err = s.similarWords(ctx, long); err != nil {
			return nil, nil, err
		}
	}
	var synonyms map[string][]string
	if s.cfg.Synonyms != nil {
		// Without synonyms the search still answers, only finds less.
		if syn, err := s.cfg.Synonyms(ctx); err == nil {
			synonyms = syn
		} else {
			s.log.Warn("search: synonyms not available", "err", err)
		}
	}
	if len(all) > 1 {
		for _, syn := range synonyms[strings.Join(all, " ")] {
			if w := words(syn); len(w) > 0 {
				whole = append(whole, w)
			}
		}
	}
	prefix := !strings.HasSuffix(text, " ")
	terms = make([]term, len(kept))
	for i, w := range kept {
		t := &terms[i]
		t.add(w)
		if s.cfg.Compounds != nil {
			t.add(words(s.cfg.Compounds(w))...)
		}
		// A word typed without umlauts may be a compound that only splits
		// with them ("Strassenverkehrsbehoerde"); the wrong guesses
		// ("Fraün" for "Frauen") match nothing and cost nothing.
		if u := withUmlauts.Replace(w); u != w {
			t.add(u)
			if s.cfg.Compounds != nil {
				t.add(words(s.cfg.Compounds(u))...)
			}
		}
		for _, syn := range synonyms[w] {
			t.add(words(syn)...)
		}
		if candidates := similar[w]; !slices.Contains(candidates, w) {
			for _, c := range candidates {
				if withinTypos(w, c, typoBudget(w)) {
					t.add(c)
				}
			}
		}
		if prefix && i == len(kept)-1 && utf8.RuneCountInString(w) >= 3 {
			t.add(w + ":*")
		}
	}
	return terms, whole, nil
}

// tsQueries writes the terms as tsquery text for to_tsquery: strict
// needs every term (or all words of a synonym of the whole query), loose
// any word of any alternative.
func tsQueries(terms []term, whole [][]string) (strict, loose string) {
	var all, any []string
	for _, t := range terms {
		var alts []string
		for _, a := range t.alts {
			if len(a) == 1 {
				alts = append(alts, a[0])
			} else {
				alts = append(alts, "("+strings.Join(a, " & ")+")")
			}
			for _, w := range a {
				if !slices.Contains(any, w) {
					any = append(any, w)
				}
			}
		}
		all = append(all, "("+strings.Join(alts, " | ")+")")
	}
	strict = strings.Join(all, " & ")
	for _, w := range whole {
		strict = "(" + strict + ") | (" + strings.Join(w, " & ") + ")"
		for _, x := range w {
			if !slices.Contains(any, x) {
				any = append(any, x)
			}
		}
	}
	return strict, strings.Join(any, " | ")
}

var withUmlauts = strings.NewReplacer("ae", "ä", "oe", "ö", "ue", "ü", "ss", "ß")
