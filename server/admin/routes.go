package admin

import "github.com/gin-gonic/gin"

// Routes mounts the pages on r, which the caller has restricted to admins.
func (a *Admin) Routes(r gin.IRouter) {
	r.GET("", a.overview)
	r.GET("/konten", a.listAccounts)
	r.GET("/konten/neu", a.newAccount)
	r.POST("/konten", a.createAccount)
	r.GET("/konten/:account", a.showAccount)
	r.POST("/konten/:account/rollen", a.setRoles)
	r.POST("/konten/:account/status", a.setDisabled)
	r.GET("/behoerden", a.listAgencies)
	r.POST("/behoerden", a.createAgency)
	r.GET("/behoerden/:agency/aktenzeichen", a.listFileNumbers)
	r.POST("/behoerden/:agency/aktenzeichen", a.createFileNumber)
	r.GET("/behoerden/:agency/aktenzeichen/:pattern", a.showFileNumber)
	r.POST("/behoerden/:agency/aktenzeichen/:pattern", a.updateFileNumber)
	r.POST("/behoerden/:agency/aktenzeichen/:pattern/loeschen", a.deleteFileNumber)
	r.GET("/gruppen", a.listGroups)
	r.POST("/gruppen", a.createGroup)
	r.GET("/gruppen/:group", a.showGroup)
	r.POST("/gruppen/:group/mitglieder", a.addMember)
	r.POST("/gruppen/:group/mitglieder/entfernen", a.removeMember)
	r.GET("/barrieren", a.listReports)
	r.POST("/barrieren/:report/erledigt", a.resolveReport)
}
