package policies

import (
	"context"
	"fmt"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Chat returns a space's Matrix room, video-conference link and the kinds
// of events posted to the room.
func (st *Store) Chat(ctx context.Context, spaceID int64) (Chat, error) {
	var ch Chat
	err := st.pool.QueryRow(ctx, `SELECT coalesce(matrix_room, ''), coalesce(video_url, ''), matrix_kinds FROM spaces WHERE id = $1`, spaceID).
		Scan(&ch.Room, &ch.VideoURL, &ch.Kinds)
	if err != nil {
		return ch, postgres.Found(err, fmt.Sprintf("chat of space %d", spaceID))
	}
	return ch, nil
}

// SetChat stores a space's chat settings.
func (st *Store) SetChat(ctx context.Context, spaceID int64, ch Chat) error {
	_, err := st.pool.Exec(ctx, `UPDATE spaces SET matrix_room = NULLIF($2, ''), video_url = NULLIF($3, ''), matrix_kinds = $4 WHERE id = $1`,
		spaceID, ch.Room, ch.VideoURL, ch.Kinds)
	if err != nil {
		return fmt.Errorf("set chat of space %d: %w", spaceID, err)
	}
	return nil
}
