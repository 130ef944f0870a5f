package policies

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
)

// Chat returns a space's Matrix room, video-conference link and the kinds
// of events posted to the room.
func (st *Store) Chat(ctx context.Context, spaceID int64) (Chat, error) {
	var ch Chat
	err := st.pool.QueryRow(ctx, `SELECT coalesce(matrix_room, ''), coalesce(video_url, ''), matrix_kinds FROM spaces WHERE id = $1`, spaceID).
		Scan(&ch.Room, &ch.VideoURL, &ch.Kinds)
	if errors.Is(err, pgx.ErrNoRows) {
		return ch, errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return ch, fmt.Errorf("chat of space %d: %w", spaceID, err)
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
