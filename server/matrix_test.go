package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// matrixUser is a test account on the test homeserver (Dendrite, started
// by the test scripts), used through the client-server API as a person's
// Matrix client would.
type matrixUser struct {
	t      *testing.T
	server string
	id     string
	token  string
}

// matrixServer returns the settings that connect a test server's bot to
// Dendrite, and the test accounts alice and bob.
func matrixServer(t *testing.T) (map[string]string, matrixUser, matrixUser) {
	t.Helper()
	vars := map[string]string{}
	for _, k := range []string{"FACHNETZ_MATRIX_HOMESERVER", "FACHNETZ_MATRIX_TOKEN", "FACHNETZ_MATRIX_USER",
		"FACHNETZ_TEST_MATRIX_ALICE", "FACHNETZ_TEST_MATRIX_ALICE_TOKEN", "FACHNETZ_TEST_MATRIX_BOB", "FACHNETZ_TEST_MATRIX_BOB_TOKEN"} {
		if vars[k] = os.Getenv(k); vars[k] == "" {
			t.Fatalf("%s is not set: run tests through scripts/with-services.sh or make test, which start Dendrite", k)
		}
	}
	hs := vars["FACHNETZ_MATRIX_HOMESERVER"]
	alice := matrixUser{t, hs, vars["FACHNETZ_TEST_MATRIX_ALICE"], vars["FACHNETZ_TEST_MATRIX_ALICE_TOKEN"]}
	bob := matrixUser{t, hs, vars["FACHNETZ_TEST_MATRIX_BOB"], vars["FACHNETZ_TEST_MATRIX_BOB_TOKEN"]}
	return map[string]string{
		"FACHNETZ_MATRIX_HOMESERVER": hs, "FACHNETZ_MATRIX_TOKEN": vars["FACHNETZ_MATRIX_TOKEN"], "FACHNETZ_MATRIX_USER": vars["FACHNETZ_MATRIX_USER"],
	}, alice, bob
}

func (u matrixUser) call(method, path string, body, out any) int {
	u.t.Helper()
	var rd *bytes.Reader
	if body == nil {
		rd = bytes.NewReader(nil)
	} else {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u.server+path, rd)
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		u.t.Fatalf("matrix %s: %v", path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// texts returns the bodies of the messages in a room, oldest first.
func (u matrixUser) texts(room string) []string {
	u.t.Helper()
	var out struct {
		Chunk []struct {
			Type    string `json:"type"`
			Content struct {
				Body          string `json:"body"`
				FormattedBody string `json:"formatted_body"`
			} `json:"content"`
		} `json:"chunk"`
	}
	u.call(http.MethodGet, "/_matrix/client/v3/rooms/"+url.PathEscape(room)+"/messages?dir=b&limit=100", nil, &out)
	var texts []string
	for i := len(out.Chunk) - 1; i >= 0; i-- {
		if c := out.Chunk[i]; c.Type == "m.room.message" {
			texts = append(texts, c.Content.Body+"\n"+c.Content.FormattedBody)
		}
	}
	return texts
}

// invites returns the rooms u is invited to.
func (u matrixUser) invites() []string {
	u.t.Helper()
	var out struct {
		Rooms struct {
			Invite map[string]any `json:"invite"`
		} `json:"rooms"`
	}
	u.call(http.MethodGet, "/_matrix/client/v3/sync?timeout=0", nil, &out)
	var rooms []string
	for r := range out.Rooms.Invite {
		rooms = append(rooms, r)
	}
	return rooms
}

func TestSpaceRoomReceivesNewPagesAndQuestions(t *testing.T) {
	vars, alice, _ := matrixServer(t)
	base := startServerWith(t, vars)
	agency := makeAgency(t)
	owner := makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	seesSpace(t, base, owner, sp)

	var room struct {
		RoomID string `json:"room_id"`
	}
	if status := alice.call(http.MethodPost, "/_matrix/client/v3/createRoom", map[string]any{"preset": "private_chat", "name": "Fachnetz-Test " + sp.Slug, "invite": []string{vars["FACHNETZ_MATRIX_USER"]}}, &room); status != http.StatusOK {
		t.Fatalf("createRoom: %d", status)
	}
	if status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/chat", owner.Token,
		fmt.Sprintf(`{"matrix_room":%q,"video_url":"https://jitsi.example.org/fachnetz","post":["page_created","question"]}`, room.RoomID)); status != http.StatusOK {
		t.Fatalf("link the room: %d %v", status, out)
	}
	// Bad input is refused with a message, and nothing changes.
	if status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/chat", owner.Token, `{"matrix_room":"kein raum","post":[]}`); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad room: %d %v", status, out)
	}
	question := unique("Wer kennt sich mit der E-Akte aus")
	ask(t, base, owner.Token, sp.Slug, question, "Frage an alle.")
	page := unique("Ablage im Bereich")
	if status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/pages/"+unique("ablage"), owner.Token,
		fmt.Sprintf(`{"title":%q,"body":"Text."}`, page)); status != http.StatusOK && status != http.StatusCreated {
		t.Fatalf("page: %d %v", status, out)
	}
	var texts []string
	waitFor(t, func() bool {
		texts = alice.texts(room.RoomID)
		joined := strings.Join(texts, "\n")
		return strings.Contains(joined, question) && strings.Contains(joined, page)
	}, "the question and the page in the room")
	joined := strings.Join(texts, "\n")
	if !strings.Contains(joined, `href="http://127.0.0.1:8080/fragen/`) {
		t.Errorf("no link back in %q", joined)
	}
	time.Sleep(200 * time.Millisecond)
	if n := strings.Count(strings.Join(alice.texts(room.RoomID), "\n"), question); n != 2 { // body and formatted body of one message
		t.Errorf("the question appears %d times, want one message", n)
	}
}

func TestMentionReachesALinkedMatrixID(t *testing.T) {
	vars, _, bob := matrixServer(t)
	base := startServerWith(t, vars)
	agency := makeAgency(t)
	asker, expert := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	seesSpace(t, base, asker, sp)
	if status, out := api(t, http.MethodPut, base+"/api/v1/me/notification-settings", expert.Token, fmt.Sprintf(`{"matrix_id":%q}`, bob.id)); status != http.StatusOK {
		t.Fatalf("matrix id: %d %v", status, out)
	}
	if status, _ := api(t, http.MethodPut, base+"/api/v1/me/notification-settings", expert.Token, `{"matrix_id":"bob"}`); status != http.StatusUnprocessableEntity {
		t.Fatalf("a malformed Matrix ID: %d", status)
	}
	title := unique("Bitte um Rat zur Vergabe")
	ask(t, base, asker.Token, sp.Slug, title, "@"+expert.Handle+" weiß das sicher.")
	// Bob's client accepts the invitations to direct chats, as Element
	// does when he opens them.
	var room string
	joined := map[string]bool{}
	waitFor(t, func() bool {
		for _, r := range bob.invites() {
			if bob.call(http.MethodPost, "/_matrix/client/v3/join/"+url.PathEscape(r), map[string]any{}, nil) == http.StatusOK {
				joined[r] = true
			}
		}
		for r := range joined {
			if strings.Contains(strings.Join(bob.texts(r), "\n"), title) {
				room = r
			}
		}
		return room != ""
	}, "the direct message")
	text := strings.Join(bob.texts(room), "\n")
	if !strings.Contains(text, "Sie wurden erwähnt in „"+title+"“") {
		t.Fatalf("direct message %q", text)
	}
}
