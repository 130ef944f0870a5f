package expertise

import "github.com/gin-gonic/gin"

// Routes mounts the pages; the caller requires a signed-in viewer.
func (e *Expertise) Routes(r gin.IRouter) {
	r.GET("/personen", e.limit, e.directory)
	r.GET("/personen/:handle", e.limit, e.person)
	r.GET("/personenvorschlaege", e.limit, e.suggestPeople)
	// Not rate-limited: a directory page shows up to 25 photos at once.
	r.GET("/personen/:handle/foto", e.photo)
	r.GET("/organisation", e.orgChart)
	r.GET("/profil", e.me)
	r.POST("/profil", e.saveProfile)
	r.POST("/profil/kenntnisse", e.addSkill)
	r.POST("/profil/kenntnisse/bestaetigen", e.confirmSkills)
	r.POST("/profil/kenntnisse/:topic", e.changeSkill) // level change or removal (action=remove)
	r.POST("/profil/foto", e.uploadPhoto)
	r.POST("/profil/foto/entfernen", e.removePhoto)
	r.POST("/profil/sichtbarkeit", e.setHidden)
	r.POST("/profil/einwilligung", e.setConsent)
	r.POST("/profil/abgeleitet/:topic", e.setDerivedHidden)
	r.GET("/profil/export.json", e.export)
	r.GET("/profil/loeschen", e.eraseForm)
	r.POST("/profil/loeschen", e.erase)
}

// APIRoutes mounts the JSON API under the signed-in API group (/api/v1).
func (e *Expertise) APIRoutes(r gin.IRouter) {
	r.GET("/people", e.limit, e.apiList)
	r.GET("/people/:handle", e.limit, e.apiPerson)
	r.PUT("/me/profile", e.apiUpdate)
}
