// Package search keeps a Meilisearch index of everything people search
// for, fed from PostgreSQL through a transactional outbox, queried with
// the reader's spaces as a filter, and falling back to PostgreSQL's own
// full-text search while Meilisearch is away. The index is derived: it can
// always be rebuilt from PostgreSQL.
package search

import (
	"strings"

	"github.com/meilisearch/meilisearch-go"
)

// Document is one searchable thing. Every area that wants to be found
// builds its documents in this shape; Type tells them apart.
type Document struct {
	ID        string   `json:"id"`   // type and id, e.g. "page-42": unique across types
	Type      string   `json:"type"` // "page", "question", "person"
	SpaceID   int64    `json:"space_id"`
	Space     string   `json:"space"` // the space's slug, for display
	Title     string   `json:"title"`
	Headings  []string `json:"headings,omitempty"`
	Body      string   `json:"body"`
	Topics    []string `json:"topics,omitempty"`
	Status    string   `json:"status,omitempty"` // questions: "answered" or "unanswered"
	URL       string   `json:"url"`
	UpdatedAt int64    `json:"updated_at"` // Unix seconds, for sorting
	// ReviewDue is when a page needs its next review (Unix seconds, 0 for
	// never); stored as a date rather than a status because pages become
	// due by time passing, without any write that would reindex them.
	ReviewDue int64 `json:"review_due"`
	// Compounds holds the parts of German compound words of the title and
	// body ("Bauantrag" → "Bau Antrag"), so that a search for a part finds
	// the whole word, which Meilisearch does not do by itself.
	Compounds string `json:"compounds,omitempty"`
	// FileNumbers are the keys of the file numbers the text links
	// (FileNumberKey), searched on their own by a query that holds a
	// file number.
	FileNumbers []string `json:"file_numbers,omitempty"`
}

// stopWords are German function words. Without them, a question typed as
// a sentence ("Wie beantrage ich eine Dienstreise?") matches nothing: words
// that occur in no document are never dropped from a query, and "ich" is
// rarely written in a wiki page. The words of questions ("tun", "viele",
// "lange", "wenn") and most prepositions are here too; compounds are split
// into parts of at least three letters in the compounds field, so "zu" or
// "ein" costs no compound a match. "vor" and "von" stay: "vor" is a part
// ("Vor|schrift") and "von" carries phrases of the glossary ("Verzeichnis
// von Verarbeitungstätigkeiten" for "VVT").
var stopWords = strings.Fields(`
	der die das den dem des eine einer eines einem einen und oder aber wie was wer wen wem wo wann warum welche welcher welches
	ich du er sie wir ihr mich mir dich dir uns euch man sich mein meine
	ist sind bin bist war waren wird werden wurde werde kann können muss müssen soll sollen darf dürfen habe hat haben
	es ein im in an am auf bei mit zu zum zur für nach aus ab wenn dann noch schon auch
	meinen meinem meiner ihre ihren tun gibt viel viele lange`)

var isStopWord = func() map[string]bool {
	m := make(map[string]bool, len(stopWords))
	for _, w := range stopWords {
		m[w] = true
	}
	return m
}()

// searchable lists the fields searched, in the order they weigh: a hit in
// the title counts most.
var searchable = []string{"title", "headings", "body", "topics", "compounds", fileNumbersField}

// fileNumbersField holds the keys of file numbers; they match as typed
// or not at all: a typo allowed there would find the neighbouring file.
const fileNumbersField = "file_numbers"

// Settings are the index settings of the content index. synonyms come from
// the topic tree and the glossary's abbreviations.
func Settings(synonyms map[string][]string) *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: searchable,
		FilterableAttributes: []string{"space_id", "type", "topics", "status", "review_due"},
		SortableAttributes:   []string{"updated_at"},
		DisplayedAttributes:  []string{"id", "type", "space_id", "space", "title", "body", "url", "topics", "status", "updated_at"},
		Synonyms:             synonyms,
		StopWords:            stopWords,
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnAttributes: []string{fileNumbersField},
		},
		// No German locale: with it, Meilisearch cuts every word with its
		// own compound dictionary, query words too, and a misspelt word
		// falls into pieces that no longer match with a typo ("Dinstreise"
		// found nothing); English words were cut as well ("st|ore"). Words
		// stay whole, so that typo tolerance works on them, and the
		// compounds field carries the parts of German compounds.
		Pagination: &meilisearch.Pagination{MaxTotalHits: 1000},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: 100},
	}
}
