package expertise

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

type orgPage struct {
	Agency   Agency
	Agencies []Agency // for admins' switch
	Units    []*ChartUnit
}

// PeopleURL is the directory filtered by the unit: its people and those of
// the units below it.
func (u *ChartUnit) PeopleURL() string {
	return "/personen?einheit=" + strconv.FormatInt(u.ID, 10)
}

// orgChart shows the viewer's agency's units with their heads and the
// number of their people; admins may look at any agency.
func (e *Expertise) orgChart(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	agencies, err := e.store.Agencies(ctx)
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	var page orgPage
	want := c.Query("behoerde")
	for _, a := range agencies {
		if a.ID == v.AgencyID && page.Agency.ID == 0 || v.Admin && want != "" && a.Slug == want {
			page.Agency = a
		}
	}
	if want != "" && page.Agency.Slug != want {
		e.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if v.Admin {
		page.Agencies = agencies
	}
	if page.Units, err = e.chart(ctx, page.Agency.ID); err != nil {
		e.web.Fail(c, err)
		return
	}
	e.web.Render(c, http.StatusOK, "expertise/orgchart", e.web.T(c, "expertise.org.title"), page)
}

// chart builds an agency's units as a tree: the top units, each with the
// units below it, and the people of every unit counted up its subtree.
func (e *Expertise) chart(ctx context.Context, agencyID int64) ([]*ChartUnit, error) {
	units, err := e.store.OrgChart(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	roots := treeOfUnits(units)
	// Units in a cycle of parents (which nothing makes) hang below no top
	// unit and are never reached, so the walk ends.
	var count func(u *ChartUnit) int
	count = func(u *ChartUnit) int {
		u.People = u.Members
		for _, ch := range u.Children {
			u.People += count(ch)
		}
		return u.People
	}
	for _, r := range roots {
		count(r)
	}
	return roots, nil
}
