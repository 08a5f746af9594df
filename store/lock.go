package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// The advisory locks servicebot takes, all here so that no two uses share
// a key: class 7300 for the jobs one process at a time does, 7301 for
// chats (see the inbox).
const lockClass = 7300

// The jobs a Lease is for.
const (
	LockPoller    = 1 // long polling: Telegram answers 409 to a second poller
	LockRetention = 2 // the retention pass
	LockDeliverer = 3 // the deliverer: Telegram's limits are the whole bot's
	lockSeal      = 4 // sealing reporters' links (a transaction lock)
)

// A Lease is a session-level advisory lock held on a connection of its
// own: its holder leads the job (polls Telegram, delivers, applies
// retention) for as long as that connection lives. Conn is the
// connection, for the leader's own statements.
type Lease struct {
	Conn *sql.Conn
	job  int
}

// Lead takes the lock of job on a connection of its own, unless another
// session holds it (then ok is false and there is no lease). The holder
// gives it back with Release.
func (s *Store) Lead(ctx context.Context, job int) (l *Lease, ok bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("store: lock %d: %w", job, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockClass, job).Scan(&ok); err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("store: lock %d: %w", job, err)
	}
	if !ok {
		conn.Close()
		return nil, false, nil
	}
	return &Lease{Conn: conn, job: job}, true, nil
}

// Alive reports whether the lease's connection, and so the lock, is still
// there: leadership lasts as long as it does.
func (l *Lease) Alive(ctx context.Context) error {
	if err := l.Conn.PingContext(ctx); err != nil {
		return fmt.Errorf("store: the connection holding lock %d is gone: %w", l.job, err)
	}
	return nil
}

// Release gives the lock back and the connection to the pool, with the
// session settings its holder made undone (the deliverer's recorder turns
// off synchronous commits and sequential scans on it, which no turn must
// inherit). A connection that may still hold the lock, or keep those
// settings, is closed instead: the lock goes with it.
func (l *Lease) Release() {
	ctx := context.Background()
	if _, err := l.Conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2)`, lockClass, l.job); err != nil {
		l.Conn.Raw(func(any) error { return driver.ErrBadConn })
	} else if _, err := l.Conn.ExecContext(ctx, `RESET ALL`); err != nil {
		l.Conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.Conn.Close()
}
