package expertise

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

// personSuggestion is one person offered by the person picker and after
// "@" in the editor.
type personSuggestion struct {
	Handle string `json:"handle"`
	Label  string `json:"label"`
	Detail string `json:"detail"`
	Insert string `json:"insert"`
}

// suggestPeople offers the people whose name or handle starts with q, by
// the directory's rules: listed profiles of the viewer's agency, of every
// agency for admins, hidden ones never. It counts against the people
// search rate limit like the directory itself.
func (e *Expertise) suggestPeople(c *gin.Context) {
	v := web.ViewerOf(c)
	q := strings.TrimPrefix(strings.TrimSpace(c.Query("q")), "@")
	if r := []rune(q); len(r) > 100 {
		q = string(r[:100])
	}
	agency := v.AgencyID
	if v.Admin {
		agency = 0
	}
	people, err := e.store.Directory(c.Request.Context(), Filter{AgencyID: agency, Name: fold(q), Limit: 8})
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	if len(people) > 8 {
		people = people[:8]
	}
	out := make([]personSuggestion, len(people))
	for i, p := range people {
		detail := p.Unit()
		if p.Position != "" {
			detail = strings.TrimPrefix(detail+" · "+p.Position, " · ")
		}
		out[i] = personSuggestion{Handle: p.Handle, Label: p.DisplayName, Detail: detail, Insert: "@" + p.Handle}
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}
