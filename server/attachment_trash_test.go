package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// An attachment is deleted by its uploader or a moderator into the trash,
// and comes back from there with its earlier versions.
func TestDeletingAttachmentNeedsUploaderOrModerator(t *testing.T) {
	agency := makeAgency(t)
	owner, uploader, other := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, sp, uploader, policies.RoleMember)
	addMember(t, sp, other, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, owner.Token, sp.Slug, "vorlagen", "Vorlagen.", 0)
	upload(t, base, uploader.Token, sp.Slug, "vorlagen", "brief.txt", []byte("Brief 1"))
	_, att := upload(t, base, uploader.Token, sp.Slug, "vorlagen", "brief.txt", []byte("Brief 2"))
	apiAtt := att["api_url"].(string)
	attID := strings.TrimPrefix(apiAtt, "/api/v1/attachments/")
	page := "/bereiche/" + sp.Slug + "/seiten/vorlagen"
	remove := page + "/anhaenge/" + attID + "/loeschen"

	o := newBrowser(t, base)
	o.signIn(other.Email, other.Password)
	if _, body := o.get(page); strings.Contains(body, remove) {
		t.Error("a member who did not upload the file is offered to delete it")
	}
	if resp, body := o.post(page, remove, url.Values{}); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "hochgeladen hat") {
		t.Errorf("another member deleting an attachment: %d", resp.StatusCode)
	}
	u := newBrowser(t, base)
	u.signIn(uploader.Email, uploader.Password)
	if _, body := u.get(page); !strings.Contains(body, remove) {
		t.Error("the uploader is not offered to delete the file")
	}
	if resp, _ := u.post(page, remove, url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("uploader deleting an attachment: %d", resp.StatusCode)
	}
	if status, _ := download(t, base, owner.Token, apiAtt); status != http.StatusNotFound {
		t.Errorf("a trashed attachment is still served: %d", status)
	}
	id := trashItemID(t, base, owner.Token, sp.Slug, "brief.txt")
	restore := fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, sp.Slug, id)
	// A new file of the same name meanwhile: the restore says why it cannot.
	_, newer := upload(t, base, owner.Token, sp.Slug, "vorlagen", "brief.txt", []byte("Neuer Brief"))
	if status, out := api(t, http.MethodPost, restore, owner.Token, ""); status != http.StatusConflict || !strings.Contains(errMessage(out), "brief.txt") {
		t.Errorf("restore over a file of the same name: %d %v", status, out)
	}
	newerID := strings.TrimPrefix(newer["api_url"].(string), "/api/v1/attachments/")
	ob := newBrowser(t, base)
	ob.signIn(owner.Email, owner.Password)
	ob.get(page)
	if resp, _ := ob.post(page, page+"/anhaenge/"+newerID+"/loeschen", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("moderator deleting the newer file: %d", resp.StatusCode)
	}
	if status, out := api(t, http.MethodPost, restore, owner.Token, ""); status != http.StatusOK {
		t.Fatalf("restore: %d %v", status, out)
	}
	if status, content := download(t, base, owner.Token, apiAtt); status != http.StatusOK || content != "Brief 2" {
		t.Errorf("restored attachment: %d %q", status, content)
	}
	if _, body := u.get(page); !strings.Contains(body, "Versionen (1)") {
		t.Error("the restored attachment lost its earlier version")
	}
}

// A trashed attachment moves with its page to another space: that space's
// moderators restore it, the old space's no longer can.
func TestTrashedAttachmentMovesWithItsPage(t *testing.T) {
	agency := makeAgency(t)
	p := makePerson(t, agency, false)
	from, to := makeSpace(t, p, policies.Private, policies.RoleMember), makeSpace(t, p, policies.Private, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, p.Token, from.Slug, "akte", "Akte.", 0)
	if status, _ := api(t, http.MethodPut, base+"/api/v1/spaces/"+from.Slug+"/pages/anlage", p.Token, `{"title":"Anlage","body":"Anlage.","parent":"akte"}`); status != http.StatusCreated {
		t.Fatalf("child: %d", status)
	}
	_, att := upload(t, base, p.Token, from.Slug, "anlage", "plan.txt", []byte("Plan"))
	apiAtt := att["api_url"].(string)
	b := newBrowser(t, base)
	b.signIn(p.Email, p.Password)
	page := "/bereiche/" + from.Slug + "/seiten/anlage"
	b.get(page)
	if resp, _ := b.post(page, page+"/anhaenge/"+strings.TrimPrefix(apiAtt, "/api/v1/attachments/")+"/loeschen", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete attachment: %d", resp.StatusCode)
	}
	entry := trashItemID(t, base, p.Token, from.Slug, "plan.txt")
	b.get("/bereiche/" + from.Slug + "/seiten/akte/verschieben")
	if resp, _ := b.post("", "/bereiche/"+from.Slug+"/seiten/akte/verschieben", url.Values{"space": {to.Slug}, "parent": {""}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", resp.StatusCode)
	}
	if status, _ := api(t, http.MethodPost, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, from.Slug, entry), p.Token, ""); status != http.StatusNotFound {
		t.Errorf("restore through the old space: %d", status)
	}
	if got := trashItemID(t, base, p.Token, to.Slug, "plan.txt"); got != entry {
		t.Fatalf("the entry in the new space's trash is %d, want %d", got, entry)
	}
	// An entry left in the old space (from before this rule) cannot put the
	// file into a space it does not belong to.
	testDB.Pool.Exec(t.Context(), `UPDATE trash SET space_id = $1 WHERE id = $2`, from.ID, entry)
	if status, out := api(t, http.MethodPost, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, from.Slug, entry), p.Token, ""); status != http.StatusConflict || !strings.Contains(errMessage(out), "anderen Bereich") {
		t.Errorf("restore into a page of another space: %d %v", status, out)
	}
	testDB.Pool.Exec(t.Context(), `UPDATE trash SET space_id = $1 WHERE id = $2`, to.ID, entry)
	if status, out := api(t, http.MethodPost, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, to.Slug, entry), p.Token, ""); status != http.StatusOK {
		t.Fatalf("restore through the new space: %d %v", status, out)
	}
	if status, content := download(t, base, p.Token, apiAtt); status != http.StatusOK || content != "Plan" {
		t.Errorf("restored attachment: %d %q", status, content)
	}
}
