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

	OutboxPending  int           // effects decided and not yet delivered
	OutboxOldest   time.Duration // how long the oldest of them has waited; 0 when none
	OutboxSetAside int           // effects Telegram refused for good, kept for operators
}

// ReadStats reads the operator's numbers. Each is served by a partial index.
func (s *Store) ReadStats(ctx context.Context) (Stats, error) {
	var (
		st                   Stats
		oldest, outboxOldest float64
	)
	// clock_timestamp(), not now(): now() is when the statement began,
	// which can be before a row its snapshot sees was written.
	err := s.db.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM inbox WHERE status = 0),
		       coalesce((SELECT extract(epoch FROM clock_timestamp() - min(received_at)) FROM inbox WHERE status = 0), 0),
		       (SELECT count(*) FROM tickets WHERE status = 'open'),
		       (SELECT count(*) FROM outbox WHERE status = 0),
		       coalesce((SELECT extract(epoch FROM clock_timestamp() - min(created_at)) FROM outbox WHERE status = 0), 0),
		       (SELECT count(*) FROM outbox WHERE status = 2)`).
		Scan(&st.InboxPending, &oldest, &st.OpenTickets, &st.OutboxPending, &outboxOldest, &st.OutboxSetAside)
	if err != nil {
		return Stats{}, fmt.Errorf("store: unable to read the stats: %w", err)
	}
	st.OldestPending = time.Duration(oldest * float64(time.Second))
	st.OutboxOldest = time.Duration(max(outboxOldest, 0) * float64(time.Second))
	return st, nil
}
