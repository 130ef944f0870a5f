package search

import (
	"context"
	"strings"
	"unicode/utf8"
)

// didYouMean proposes another spelling of a query that found nothing:
// each word that is not a word of the topic tree's or the glossary's
// labels is replaced by the nearest one, if one is close enough
// ("Pergabe" → "Vergabe"), or left out: a word nobody wrote would find
// nothing again. Meilisearch already forgives the typos its
// budget allows; this reaches further (a wrong first letter, a third
// edit), and the topic tree's words are the ones worth searching for.
// It returns "" when it has nothing to propose.
func (s *Service) didYouMean(ctx context.Context, text string) string {
	if s.cfg.Terms == nil || strings.TrimSpace(text) == "" {
		return ""
	}
	labels, err := s.cfg.Terms(ctx)
	if err != nil {
		s.log.Warn("search: no terms for a suggestion", "err", err)
		return ""
	}
	vocab := map[string]string{} // lower case → as written
	for _, l := range labels {
		for _, w := range strings.FieldsFunc(l, notWordRune) {
			lw := strings.ToLower(w)
			if _, ok := vocab[lw]; !ok && utf8.RuneCountInString(w) >= 3 {
				vocab[lw] = w
			}
		}
	}
	var words []string
	changed := false
	for _, w := range strings.Fields(text) {
		core := strings.ToLower(strings.TrimFunc(w, notWordRune))
		if written, known := vocab[core]; known {
			words = append(words, written)
		} else if best := nearest(core, vocab); best != "" && !isStopWord[core] {
			words = append(words, best)
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(words, " ")
}

// nearest finds the word of vocab closest to w, within a budget that
// grows with the length of w, or "". A word that w is close to the
// beginning of counts too ("Pergabe" → "Vergaberecht"), after the words
// w is as close to as a whole.
func nearest(w string, vocab map[string]string) string {
	n := utf8.RuneCountInString(w)
	budget := 0
	switch {
	case n >= 9:
		budget = 3
	case n >= 6:
		budget = 2
	case n >= 4:
		budget = 1
	}
	best, bestScore := "", 2*budget+2
	tw, _ := transliterate(w)
	for lw, written := range vocab {
		tl, _ := transliterate(lw)
		score := 2 * min(typos(w, lw), typos(tw, tl))
		if r := []rune(tl); len(r) > n+budget {
			score = min(score, 2*typos(tw, string(r[:n]))+1)
		}
		if score < bestScore || score == bestScore && written < best {
			best, bestScore = written, score
		}
	}
	return best
}
