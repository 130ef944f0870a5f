package expertise

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// UnitOption is a unit in a select, indented by its depth.
type UnitOption struct {
	ID    int64
	Label string
}

// unitOptions flattens an agency's unit tree for a select.
func (e *Expertise) unitOptions(c *gin.Context, agencyID int64) ([]UnitOption, error) {
	roots, err := e.unitTree(c, agencyID)
	if err != nil {
		return nil, err
	}
	var out []UnitOption
	var walk func(list []*OrgUnit, depth int)
	walk = func(list []*OrgUnit, depth int) {
		for _, u := range list {
			out = append(out, UnitOption{ID: u.ID, Label: strings.Repeat("– ", depth) + u.Name})
			walk(u.Children, depth+1)
		}
	}
	walk(roots, 0)
	return out, nil
}

// unitTree builds an agency's units as a tree.
func (e *Expertise) unitTree(c *gin.Context, agencyID int64) ([]*OrgUnit, error) {
	units, err := e.store.Units(c.Request.Context(), agencyID)
	if err != nil {
		return nil, err
	}
	return treeOfUnits(units), nil
}

type directoryPage struct {
	Query, Location, Skill string
	Unit                   int64
	Units                  []UnitOption
	Locations              []string
	People                 []Person
	Next, First            string
	Match                  *SkillMatch // what the typed skill was taken to mean
}

// NearestURL filters by the topic offered instead ("Meinten Sie …?").
func (p directoryPage) NearestURL() string {
	if p.Match == nil {
		return ""
	}
	return "/personen?kenntnis=" + url.QueryEscape(p.Match.Nearest)
}

// directory is the phone book: people of the viewer's agency by name.
func (e *Expertise) directory(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	page := directoryPage{Query: strings.TrimSpace(c.Query("q")), Location: strings.TrimSpace(c.Query("ort")), Skill: strings.TrimSpace(c.Query("kenntnis"))}
	page.Unit, _ = strconv.ParseInt(c.Query("einheit"), 10, 64)
	after, _ := strconv.ParseInt(c.Query("nach"), 10, 64)
	var people []Person
	agency, err := e.directoryAgency(ctx, v, page.Unit)
	if err == nil {
		page.Match, err = e.skillFilter(ctx, v, page.Skill)
	}
	if err == nil {
		people, err = e.store.Directory(ctx, Filter{AgencyID: agency, Name: fold(page.Query), UnitID: page.Unit,
			Location: page.Location, Skill: page.Match, After: after, Limit: pageSize})
	}
	if err == nil {
		page.Units, err = e.unitOptions(c, agency)
	}
	if err == nil {
		page.Locations, err = e.store.Locations(ctx, agency)
	}
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	q := url.Values{}
	for k, val := range map[string]string{"q": page.Query, "ort": page.Location, "kenntnis": page.Skill} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if page.Unit != 0 {
		q.Set("einheit", strconv.FormatInt(page.Unit, 10))
	}
	if after != 0 {
		page.First = "/personen?" + q.Encode()
	}
	if len(people) > pageSize {
		people = people[:pageSize]
		q.Set("nach", strconv.FormatInt(people[len(people)-1].AccountID, 10))
		page.Next = "/personen?" + q.Encode()
	}
	page.People = people
	e.web.Render(c, http.StatusOK, "expertise/directory", e.web.T(c, "expertise.directory.title"), page)
}

// directoryAgency is the agency whose people the directory lists: the
// viewer's, or for admins the agency of the unit asked for, so that the
// people link of another agency's organisation chart lists that unit.
func (e *Expertise) directoryAgency(ctx context.Context, v *web.Viewer, unit int64) (int64, error) {
	if !v.Admin || unit == 0 {
		return v.AgencyID, nil
	}
	agency, err := e.store.UnitAgency(ctx, unit)
	if errs.Is(err, errs.NotFound) {
		return v.AgencyID, nil
	}
	return agency, err
}
