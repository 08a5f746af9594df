package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// NoteStaff keeps the name a staff member goes by (their Telegram name as
// it is now), for the FAQ's history and for who took or answered a ticket
// in the desk's /tickets.
func NoteStaff(ctx context.Context, ex sqlx.ExecerContext, id int64, name string) error {
	if name == "" {
		return nil
	}
	_, err := ex.ExecContext(ctx, `
		INSERT INTO staff (id, name) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, seen_at = now()
		WHERE staff.name IS DISTINCT FROM excluded.name OR staff.seen_at < now() - interval '1 day'`, id, name)
	if err != nil {
		return fmt.Errorf("store: unable to keep a staff member's name: %w", err)
	}
	return nil
}

// StaffNames returns the names of those of ids that are known.
func StaffNames(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[int64]string, error) {
	rows, err := q.QueryxContext(ctx, `SELECT id, name FROM staff WHERE id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: unable to read staff names: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("store: unable to read staff names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}
