package search

import "unicode/utf8"

// typoBudget is how many typos Meilisearch allows in a word, by the
// index's minWordSizeForTypos.
func typoBudget(w string) int {
	switch n := utf8.RuneCountInString(w); {
	case n >= 9:
		return 2
	case n >= minTypoLen:
		return 1
	}
	return 0
}

// withinTypos reports whether b is a (the word of a query) with at most
// budget typos. Most words a snippet holds differ from a query's word in
// length by more than the budget, which answers without computing the
// distance: highlighting asks this for every word of every snippet.
func withinTypos(a, b string, budget int) bool {
	if budget == 0 || a == b {
		return a == b
	}
	if d := utf8.RuneCountInString(a) - utf8.RuneCountInString(b); d > budget || -d > budget {
		return false
	}
	var bufA, bufB [32]rune
	return Typos(appendRunes(bufA[:0], a), appendRunes(bufB[:0], b), budget) <= budget
}

// typos is the edit distance between a and b with transpositions counted
// as one edit. Words of up to 32 letters are read without allocating:
// highlighting measures many.
func typos(a, b string) int {
	var bufA, bufB [32]rune
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	return Typos(ra, rb, max(len(ra), len(rb)))
}

// Typos is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of neighbours
// each count one. It stops early once the distance must exceed limit, and
// then says limit+1. Words of up to 32 letters take no allocation.
func Typos(a, b []rune, limit int) int {
	if len(a)-len(b) > limit || len(b)-len(a) > limit {
		return limit + 1
	}
	var buf [3][33]int
	var prev2, prev, cur []int
	if len(b) < len(buf[0]) {
		prev2, prev, cur = buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	} else {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		lowest := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			lowest = min(lowest, cur[j])
		}
		if lowest > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}
