package search

import (
	"slices"
	"testing"
)

func TestFileNumberKeysOfTextAndQueryAgree(t *testing.T) {
	for _, c := range []struct{ written, key string }{
		{"Az. 12-345/2026", "az12x345x2026"},
		{"AZ 12-345/2026", "az12x345x2026"},
		{"Gz.: 12 - 345 / 2026", "az12x345x2026"},
		{"12-345/2026", "az12x345x2026"},
		{"VIS-AB-2026", "azvisxabx2026"},
		{"III/4.2-17", "aziiix4x2x17"},
		{"", ""},
	} {
		if got := FileNumberKey(c.written); got != c.key {
			t.Errorf("FileNumberKey(%q) = %q, want %q", c.written, got, c.key)
		}
	}
	for _, c := range []struct {
		query string
		keys  []string
	}{
		{"12-345/2026", []string{"az12x345x2026"}},
		{"Az. 12-345/2026", []string{"az12x345x2026"}},
		{"Bauantrag Az. 12-345/2026 Statik", []string{"az12x345x2026"}},
		{"az 12 - 345 / 2026", []string{"az12x345x2026"}},
		{"VIS-AB-2026 und 7-77/2025", []string{"azvisxabx2026", "az7x77x2025"}},
		{"E-Akte Dienstreise", nil},
		{"Frist 2026", nil},
	} {
		if got := queryFileNumbers(c.query); !slices.Equal(got, c.keys) {
			t.Errorf("queryFileNumbers(%q) = %q, want %q", c.query, got, c.keys)
		}
	}
}
