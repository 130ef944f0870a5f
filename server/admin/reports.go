package admin

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
)

type reportsPage struct {
	Reports []Report
	Pager   pager
	Saved   bool
}

// listReports also deletes resolved reports past their retention, so that
// the promise on the privacy page holds even without a periodic sweep.
func (a *Admin) listReports(c *gin.Context) {
	ctx := c.Request.Context()
	if err := a.PurgeReports(ctx); err != nil {
		a.web.Fail(c, err)
		return
	}
	page := pageOf(c)
	list, total, err := a.reports.Reports(ctx, (page-1)*pageSize, pageSize)
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	a.web.Render(c, http.StatusOK, "admin/reports", a.web.T(c, "admin.reports.title"), reportsPage{
		Reports: list, Pager: newPager(c, page, total), Saved: c.Query("gespeichert") == "1",
	})
}

func (a *Admin) resolveReport(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("report"), 10, 64)
	if err != nil {
		a.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if err := a.reports.Resolve(c.Request.Context(), id); err != nil {
		a.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/verwaltung/barrieren?gespeichert=1")
}
