package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"servicebot/store"
)

// handleFunc handles one claimed update inside tx and returns the status to
// record with it (store.InboxDone or store.InboxSkipped).
type handleFunc func(ctx context.Context, c *store.Claimed, tx txHandle) (int, error)

// txHandle is the transaction an update is handled in.
type txHandle = *sqlx.Tx

// Dispatcher hands pending updates to a bounded set of workers. Updates of
// one chat are handled one at a time, in update_id order; different chats run
// in parallel. This holds across processes: the chat is locked in PostgreSQL.
type Dispatcher struct {
	st          *store.Store
	log         *slog.Logger
	handle      handleFunc
	onFailed    func(ctx context.Context, c *store.Claimed)
	workers     int
	maxAttempts int
	turnTimeout time.Duration
	instance    string // host:pid, recorded with each update handled
	metrics     *Metrics

	mu   sync.Mutex
	wake chan struct{} // closed and replaced to wake every idle worker
}

// errPermanent marks a handler failure that no retry can mend.
var errPermanent = errors.New("bot: cannot be handled")

// Signal wakes the idle workers: there is new work.
func (d *Dispatcher) Signal() {
	d.mu.Lock()
	close(d.wake)
	d.wake = make(chan struct{})
	d.mu.Unlock()
}

func (d *Dispatcher) woken() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.wake
}

// Run works until ctx ends, then lets the updates in hand finish.
func (d *Dispatcher) Run(ctx context.Context) {
	if notes, err := d.st.Listen(ctx, store.InboxChannel); err != nil {
		d.log.Warn("no LISTEN/NOTIFY; other processes' updates are noticed by polling", "err", err)
	} else {
		go func() {
			for range notes {
				d.Signal()
			}
		}()
	}
	var wg sync.WaitGroup
	for i := 0; i < d.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.work(ctx)
		}()
	}
	wg.Wait()
}

func (d *Dispatcher) work(ctx context.Context) {
	idle := time.NewTimer(0)
	defer idle.Stop()
	for ctx.Err() == nil {
		wake := d.woken()
		did, err := d.step(ctx)
		if did {
			continue
		}
		if err != nil {
			d.metrics.dbError(opClaim)
			d.log.Error("cannot take work from the inbox", "err", err)
		}
		// Nothing to take: sleep until told, or look again in a while for
		// retries that came due and for missed notifications.
		idle.Reset(time.Second)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-idle.C:
		}
	}
}

// step handles one update. It reports whether it took one.
func (d *Dispatcher) step(ctx context.Context) (bool, error) {
	// Handling is not cut short by shutdown: an update once taken is
	// finished (or rolled back by its own timeout).
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.turnTimeout)
	defer cancel()
	tx, err := d.st.Begin(hctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() // after Commit, a no-op
	c, err := store.ClaimUpdate(hctx, tx)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	claimed := time.Now()
	// The chat stays locked until this transaction ends, whatever the
	// handler does: a failure is rolled back to here and recorded in the
	// same transaction, so no other worker takes the update meanwhile.
	if _, err := tx.ExecContext(hctx, "SAVEPOINT turn"); err != nil {
		d.metrics.dbError(opClaim)
		d.log.Error("cannot start handling an update; it stays pending", "update_id", c.UpdateID, "err", err)
		return true, nil
	}
	status, err := d.run(hctx, c, tx)
	if err == nil {
		err = store.FinishUpdate(hctx, tx, c.UpdateID, status, d.instance)
	}
	if err == nil {
		if err := tx.Commit(); err != nil {
			d.metrics.dbError(opCommit)
			d.log.Error("cannot commit a handled update; it will be handled again", "update_id", c.UpdateID, "err", err)
			return true, nil
		}
		outcome := outcomeDone
		if status == store.InboxSkipped {
			outcome = outcomeSkipped
		}
		d.metrics.handled(c.Kind, outcome, time.Since(claimed))
		return true, nil
	}
	log := d.log.With("update_id", c.UpdateID, "kind", c.Kind)
	if _, rerr := tx.ExecContext(hctx, "ROLLBACK TO SAVEPOINT turn"); rerr != nil {
		// The connection is gone, and the transaction with it. The update
		// stays pending and is taken again.
		d.metrics.dbError(opRollback)
		log.Error("handling failed and the database is unreachable; the update stays pending", "err", err, "db_err", rerr)
		return true, nil
	}

	var p *panicError
	outage := errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || store.IsUnavailable(err)
	outcome := outcomeFailed
	switch {
	case errors.As(err, &p):
		d.metrics.handlerError("panic")
		log.Error("handler panicked; the update is marked failed", "panic", p.value, "stack", p.stack)
		err = d.fail(hctx, tx, c, "panic: "+fmt.Sprint(p.value), true)
	case errors.Is(err, errPermanent):
		d.metrics.handlerError("permanent")
		log.Error("update cannot be handled; marked failed", "err", err)
		err = d.fail(hctx, tx, c, err.Error(), false)
	case !outage && c.Attempts+1 >= d.maxAttempts:
		d.metrics.handlerError("last_attempt")
		log.Error("handling failed for the last time; marked failed", "err", err, "attempts", c.Attempts+1)
		err = d.fail(hctx, tx, c, err.Error(), true)
	default:
		outcome = outcomeRetry
		if outage {
			d.metrics.handlerError("outage")
		} else {
			d.metrics.handlerError("error")
		}
		backoff := time.Duration(1<<min(c.Attempts, 6)) * time.Second
		log.Warn("handling failed; will retry", "err", err, "in", backoff.String(), "outage", outage)
		err = store.RetryUpdate(hctx, tx, c.UpdateID, err.Error(), backoff, !outage)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		d.metrics.dbError(opRecordFailure)
		log.Error("cannot record the failure; the update stays pending", "err", err)
		return true, nil
	}
	d.metrics.handled(c.Kind, outcome, time.Since(claimed))
	return true, nil
}

// fail marks the update failed for good and, when tell is set, lets the
// person know, before the chat's next update is handled.
func (d *Dispatcher) fail(ctx context.Context, tx *sqlx.Tx, c *store.Claimed, cause string, tell bool) error {
	if err := store.FailUpdate(ctx, tx, c.UpdateID, cause); err != nil {
		return err
	}
	if tell {
		d.onFailed(ctx, c)
	}
	return nil
}

// run calls the handler, turning a panic into an error.
func (d *Dispatcher) run(ctx context.Context, c *store.Claimed, tx txHandle) (status int, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: string(debug.Stack())}
		}
	}()
	return d.handle(ctx, c, tx)
}

type panicError struct {
	value any
	stack string
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }
