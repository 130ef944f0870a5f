package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MatrixConfig is the bot account Fachnetz posts and sends direct messages
// with: an ordinary account on the agency's homeserver.
type MatrixConfig struct {
	Homeserver string // base URL, "" turns Matrix off
	Token      string // the bot's access token
	User       string // the bot's user id, e.g. @fachnetz:example.org
}

// Matrix talks to a homeserver through the client-server API.
type Matrix struct {
	cfg  MatrixConfig
	http *http.Client
}

// NewMatrix returns a client, or nil when no homeserver is configured.
func NewMatrix(cfg MatrixConfig) *Matrix {
	if cfg.Homeserver == "" || cfg.Token == "" {
		return nil
	}
	cfg.Homeserver = strings.TrimRight(cfg.Homeserver, "/")
	return &Matrix{cfg: cfg, http: &http.Client{Timeout: 30 * time.Second}}
}

// MatrixMessage is a formatted message with its plain fallback.
type MatrixMessage struct {
	Text string
	HTML string
}

// Send posts a message to a room (id or alias) with a transaction id: the
// homeserver takes a repeated transaction id as the same message, so a
// retry does not post twice. The bot joins the room first; joining a room
// it is in is no error.
func (m *Matrix) Send(ctx context.Context, room, txnID string, msg MatrixMessage) error {
	roomID, err := m.join(ctx, room)
	if err != nil {
		return err
	}
	body := map[string]string{"msgtype": "m.notice", "body": msg.Text, "format": "org.matrix.custom.html", "formatted_body": msg.HTML}
	path := "/_matrix/client/v3/rooms/" + url.PathEscape(roomID) + "/send/m.room.message/" + url.PathEscape(txnID)
	return m.call(ctx, http.MethodPut, path, body, nil)
}

// join joins a room by id or alias and returns its id.
func (m *Matrix) join(ctx context.Context, room string) (string, error) {
	var out struct {
		RoomID string `json:"room_id"`
	}
	if err := m.call(ctx, http.MethodPost, "/_matrix/client/v3/join/"+url.PathEscape(room), map[string]any{}, &out); err != nil {
		return "", fmt.Errorf("join %s: %w", room, err)
	}
	return out.RoomID, nil
}

// OpenDirect opens a private room with one person for direct messages and
// returns its id; the person is invited and sees it as a direct chat.
func (m *Matrix) OpenDirect(ctx context.Context, userID string) (string, error) {
	var out struct {
		RoomID string `json:"room_id"`
	}
	body := map[string]any{"invite": []string{userID}, "is_direct": true, "preset": "trusted_private_chat", "name": "Fachnetz"}
	if err := m.call(ctx, http.MethodPost, "/_matrix/client/v3/createRoom", body, &out); err != nil {
		return "", fmt.Errorf("open a direct room with %s: %w", userID, err)
	}
	return out.RoomID, nil
}

// WhoAmI checks the token, for /readyz.
func (m *Matrix) WhoAmI(ctx context.Context) (string, error) {
	var out struct {
		UserID string `json:"user_id"`
	}
	err := m.call(ctx, http.MethodGet, "/_matrix/client/v3/account/whoami", nil, &out)
	return out.UserID, err
}

// matrixError is an error answer of the homeserver.
type matrixError struct {
	Status  int
	Code    string `json:"errcode"`
	Message string `json:"error"`
}

func (e *matrixError) Error() string {
	return fmt.Sprintf("matrix: %d %s %s", e.Status, e.Code, e.Message)
}

func (m *Matrix) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.cfg.Homeserver+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+m.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.http.Do(req)
	if err != nil {
		return fmt.Errorf("matrix %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("matrix %s: %w", path, err)
	}
	if resp.StatusCode/100 != 2 {
		e := &matrixError{Status: resp.StatusCode}
		_ = json.Unmarshal(data, e)
		return e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("matrix %s: %w", path, err)
		}
	}
	return nil
}
