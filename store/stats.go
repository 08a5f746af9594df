package store

import (
	"context"
	"fmt"
	"time"
)

// Stats are the numbers an operator watches, read in one statement.
type Stats struct {
	InboxPending  int           // updates stored and not yet handled
	OldestPending time.Duration // how long the oldest of them has waited; 0 when none
	OpenTickets   int           // tickets open in the moderators' desk
}

// ReadStats reads the operator's numbers. Each is served by a partial index.
func (s *Store) ReadStats(ctx context.Context) (Stats, error) {
	var (
		st     Stats
		oldest float64
	)
	err := s.db.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM inbox WHERE status = 0),
		       coalesce((SELECT extract(epoch FROM now() - min(received_at)) FROM inbox WHERE status = 0), 0),
		       (SELECT count(*) FROM tickets WHERE status = 'open')`).Scan(&st.InboxPending, &oldest, &st.OpenTickets)
	if err != nil {
		return Stats{}, fmt.Errorf("store: unable to read the stats: %w", err)
	}
	st.OldestPending = time.Duration(oldest * float64(time.Second))
	return st, nil
}
