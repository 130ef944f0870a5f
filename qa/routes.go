package qa

import (
	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
)

// Routes mounts the board's pages; the caller requires a signed-in viewer.
func (b *Board) Routes(r gin.IRouter) {
	r.GET("/fragen", b.list)
	r.GET("/fragen/neu", b.askForm)
	r.GET("/fragen/aehnlich", b.similar)
	r.POST("/fragen/vorschau", b.preview)
	r.POST("/fragen", b.ask)
	r.GET("/fragen/:id", b.loadQuestion(policies.Read), b.view)
	// Changes that the author or asker may make without write permission
	// are still refused in an archived space.
	live := b.loadQuestion(policies.Read, b.notArchived)
	r.GET("/fragen/:id/bearbeiten", live, b.editForm)
	r.POST("/fragen/:id/bearbeiten", live, b.edit)
	r.POST("/fragen/:id/antworten", b.loadQuestion(policies.Write), b.answer)
	r.GET("/fragen/:id/antworten/:answer/bearbeiten", live, b.loadAnswer, b.editAnswerForm)
	r.POST("/fragen/:id/antworten/:answer/bearbeiten", live, b.loadAnswer, b.editAnswer)
	r.POST("/fragen/:id/kommentare", b.loadQuestion(policies.Write), b.comment)
	r.POST("/fragen/:id/stimme", b.loadQuestion(policies.Write), b.vote)
	r.POST("/fragen/:id/akzeptieren", live, b.accept)
	r.POST("/fragen/:id/schliessen", b.loadQuestion(policies.Moderate), b.close)
	r.POST("/fragen/:id/wiedereroeffnen", b.loadQuestion(policies.Moderate), b.reopen)
	r.POST("/fragen/:id/einladen", b.loadQuestion(policies.Write), b.invite)
	r.GET("/fragen/:id/ins-wiki", live, b.promoteForm)
	r.POST("/fragen/:id/ins-wiki", live, b.promote)
	b.deleteRoutes(r)
	b.mailRoutes(r)
}

// APIRoutes mounts the board's JSON API under /api/v1; the caller
// requires a signed-in viewer.
func (b *Board) APIRoutes(r gin.IRouter) {
	r.GET("/questions", b.apiList)
	r.POST("/questions", b.apiAsk)
	r.GET("/questions/:id", b.loadQuestion(policies.Read), b.apiGet)
	r.POST("/questions/:id/answers", b.loadQuestion(policies.Write), b.apiAnswer)
	r.POST("/questions/:id/vote", b.loadQuestion(policies.Write), b.apiVote("question"))
	r.POST("/questions/:id/invitations", b.loadQuestion(policies.Write), b.apiInvite)
	r.POST("/answers/:answer/accept", b.questionOfAnswer(policies.Read, b.notArchived), b.apiAccept)
	r.POST("/answers/:answer/vote", b.questionOfAnswer(policies.Write), b.apiVote("answer"))
	b.apiDeleteRoutes(r)
}

// Deleting moves a post into its space's trash. Authors delete their own
// question while it has no answer, and their own answers and comments;
// moderators delete any. Everyone else who may read gets 403, who may not
// read gets 404 (loadQuestion checks reading first).
func (b *Board) deleteRoutes(r gin.IRouter) {
	read := b.loadQuestion(policies.Read, b.notArchived)
	r.GET("/fragen/:id/loeschen", read, b.deleteForm("question"))
	r.POST("/fragen/:id/loeschen", read, b.deletePost("question"))
	r.GET("/fragen/:id/antworten/:answer/loeschen", read, b.loadAnswer, b.deleteForm("answer"))
	r.POST("/fragen/:id/antworten/:answer/loeschen", read, b.loadAnswer, b.deletePost("answer"))
	r.GET("/fragen/:id/kommentare/:comment/loeschen", read, b.loadComment, b.deleteForm("comment"))
	r.POST("/fragen/:id/kommentare/:comment/loeschen", read, b.loadComment, b.deletePost("comment"))
}

func (b *Board) apiDeleteRoutes(r gin.IRouter) {
	r.DELETE("/questions/:id", b.loadQuestion(policies.Read, b.notArchived), b.apiDelete("question"))
	r.DELETE("/answers/:answer", b.questionOfAnswer(policies.Read, b.notArchived), b.apiDelete("answer"))
	r.DELETE("/comments/:comment", b.questionOfComment, b.loadComment, b.apiDelete("comment"))
}

func (b *Board) mailRoutes(r gin.IRouter) {
	r.GET(mailDraftsPath, b.mailDrafts)
	r.POST("/fragen/neu/email", b.uploadMail)
	r.GET(mailDraftsPath+"/:draft", b.mailDraftForm)
	r.POST(mailDraftsPath+"/:draft", b.publishMailDraft)
	r.POST(mailDraftsPath+"/:draft/verwerfen", b.discardMailDraft)
	r.GET(mailDraftsPath+"/:draft/dateien/:file/:name", b.mailDraftFile)
	r.GET("/fragen/:id/dateien/:file/:name", b.loadQuestion(policies.Read), b.questionFile)
}
