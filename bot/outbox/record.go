package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"servicebot/store"
)

// recorder writes what the lanes sent, several lanes' records in one
// statement and one commit (a group commit): a lane hands its record over
// and waits, and whatever came in while the last write was committing goes
// in the next. It writes on the deliverer's own connection, the one holding
// its lock, with synchronous_commit off for that session only: a commit
// returns before its WAL reaches the disk. That is safe for these records
// alone (turns commit synchronously, and an effect exists only if its turn
// did): a record is lost only if PostgreSQL itself or its machine crashes
// within the WAL writer's delay (3 × wal_writer_delay, 0.6 s by default),
// and then the effect is sent again, as any call in flight at a crash is.
// A crash of the bot loses nothing committed.
//
// Lanes wait for their record before their chat's next call, so a record
// written alone costs a statement per message. When other lanes' calls
// are in flight, the recorder waits for their records too, up to
// gatherFor: under load several lanes' records share a statement, and a
// lone lane at light load is never kept waiting.
type recorder struct {
	conn *sql.Conn
	log  *store.SentLog

	// calling counts the Bot API calls under way whose record may follow:
	// a lane adds one before its call, and takes it off after add (or,
	// when nothing was sent, as soon as the call returns).
	calling atomic.Int32

	mu      sync.Mutex
	pending []pendingSent
	closed  bool
	wake    chan struct{}
}

type pendingSent struct {
	sent []store.Sent // one call's records (an album's parts), written in one batch
	done chan error
}

func newRecorder(conn *sql.Conn) *recorder {
	return &recorder{conn: conn, log: store.NewSentLog(conn), wake: make(chan struct{}, 1)}
}

// add queues the records of one call; the channel gets the outcome of
// their commit.
func (r *recorder) add(s ...store.Sent) <-chan error {
	done := make(chan error, 1)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		done <- errors.New("outbox: the deliverer stopped before recording")
		return done
	}
	r.pending = append(r.pending, pendingSent{s, done})
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return done
}

// close makes run write what is queued and return.
func (r *recorder) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// run writes the records as they come, until close; it returns early with
// the error when its connection fails (the lock is then lost too), and
// otherwise keeps the connection alive while idle.
func (r *recorder) run() error {
	ctx := context.Background()
	// Its statement is planned once, perhaps while the outbox is nearly
	// empty: no plan of it may read a whole table.
	if _, err := r.conn.ExecContext(ctx, `SET synchronous_commit = off; SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan`); err != nil {
		r.fail(err)
		return fmt.Errorf("outbox: %w", err)
	}
	idle := time.NewTicker(time.Second)
	defer idle.Stop()
	used := time.Now()
	for {
		select {
		case <-r.wake:
		case <-idle.C:
			if time.Since(used) >= time.Second {
				// The lock lasts as long as its connection.
				pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := r.conn.PingContext(pctx)
				cancel()
				if err != nil {
					r.fail(err)
					return err
				}
				used = time.Now()
			}
		}
		r.gather()
		for {
			r.mu.Lock()
			batch, closed := r.pending, r.closed
			r.pending = nil
			r.mu.Unlock()
			if len(batch) == 0 {
				if closed {
					return nil
				}
				break
			}
			var sent []store.Sent
			for _, p := range batch {
				sent = append(sent, p.sent...)
			}
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := r.log.Record(wctx, sent)
			cancel()
			used = time.Now()
			for _, p := range batch {
				p.done <- err
			}
			if err != nil {
				r.fail(err)
				return err
			}
		}
	}
}

// called ends a call's count in calling (after its record, if any, was
// added), and lets a gathering recorder look again.
func (r *recorder) called() {
	r.calling.Add(-1)
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// gatherFor bounds how long a record waits for other lanes' records.
const gatherFor = time.Millisecond

// gather waits, up to gatherFor, while calls are in flight whose records
// could share the next statement.
func (r *recorder) gather() {
	if r.calling.Load() == 0 {
		return
	}
	deadline := time.NewTimer(gatherFor)
	defer deadline.Stop()
	for r.calling.Load() > 0 {
		select {
		case <-deadline.C:
			return
		case <-r.wake:
		}
	}
}

// fail answers every record waiting, and every later one, with err.
func (r *recorder) fail(err error) {
	r.mu.Lock()
	batch := r.pending
	r.pending, r.closed = nil, true
	r.mu.Unlock()
	for _, p := range batch {
		p.done <- err
	}
}
