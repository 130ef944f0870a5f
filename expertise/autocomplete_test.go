package expertise

import (
	"net/http"
	"testing"
)

// The personal fields of one's own profile carry autocomplete tokens, so
// that browsers fill them and assistive technology knows their purpose
// (WCAG 1.3.5).
func TestProfileFieldsAutocomplete(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{})
	v := f.person(f.agency, "Ada Ausfüllerin")
	expect(t, do(f.engine(), v, "GET", "/profil", nil), http.StatusOK,
		`name="phone" type="tel" value="" autocomplete="work tel"`,
		`name="position" type="text" value="" autocomplete="organization-title"`)
}
