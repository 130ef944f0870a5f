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
