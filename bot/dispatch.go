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
//
// One feeder asks PostgreSQL which chats have work, a page at a time, when
// told there are new updates (or once a second, for retries that came due),
// and hands the chats to idle workers. A worker claims its chat's oldest
// update, handles it, and goes on with the chat's next update while there is
// one, so a chat's backlog is drained without asking again.
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

	kick      chan struct{} // buffered (1): the feeder should look for work
	chats     chan int64    // chats handed to workers
	listening chan struct{} // closed once Run hears other processes' notifications (or cannot)

	mu     sync.Mutex
	inHand map[int64]*chatHold // chats handed out and not yet let go
}

// chatHold is what the dispatcher knows of a chat handed to a worker.
type chatHold struct {
	finishing bool // its update is being marked done: a newer one may have come
	again     bool // the feeder saw work for it while finishing: look again
}

// errPermanent marks a handler failure that no retry can mend.
var errPermanent = errors.New("bot: cannot be handled")

// newDispatcher completes d's channels and map.
func newDispatcher(d *Dispatcher) *Dispatcher {
	d.kick = make(chan struct{}, 1)
	d.chats = make(chan int64)
	d.listening = make(chan struct{})
	d.inHand = map[int64]*chatHold{}
	return d
}

// Signal tells the dispatcher there is new work.
func (d *Dispatcher) Signal() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Listening is closed once Run hears of updates that other processes
// store, so that a process reports ready only when it can share the work.
func (d *Dispatcher) Listening() <-chan struct{} { return d.listening }

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
	close(d.listening)
	var wg sync.WaitGroup
	wg.Go(func() { d.feed(ctx) })
	for i := 0; i < d.workers; i++ {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case chat := <-d.chats:
					d.serve(ctx, chat)
				}
			}
		})
	}
	wg.Wait()
}

// feedPage is how many chats the feeder asks for at once, per worker.
const feedPage = 8

// feed hands chats with work to the workers until ctx ends.
func (d *Dispatcher) feed(ctx context.Context) {
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		case <-poll.C:
		}
		for ctx.Err() == nil {
			page := feedPage * d.workers
			chats, err := d.st.PendingChats(ctx, page)
			if err != nil {
				if ctx.Err() == nil {
					d.metrics.dbError(opClaim)
					d.log.Error("cannot take work from the inbox; looking again in a second", "err", err)
				}
				break
			}
			fresh := d.take(chats)
			for _, chat := range fresh {
				select {
				case d.chats <- chat:
				case <-ctx.Done():
					return
				}
			}
			// A full page may hide more chats behind it.
			if len(chats) < page || len(fresh) == 0 {
				break
			}
		}
	}
}

// take marks the chats not yet in hand as handed out and returns them. A
// chat in hand whose update is being finished is looked at again after:
// the work seen may be an update that came after the worker last looked.
func (d *Dispatcher) take(chats []int64) []int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	var fresh []int64
	for _, chat := range chats {
		if h := d.inHand[chat]; h != nil {
			if h.finishing {
				h.again = true
			}
			continue
		}
		d.inHand[chat] = &chatHold{}
		fresh = append(fresh, chat)
	}
	return fresh
}

// serve handles the chat's updates while it has some, then lets it go.
func (d *Dispatcher) serve(ctx context.Context, chat int64) {
	for {
		more := ctx.Err() == nil && d.step(ctx, chat)
		d.mu.Lock()
		h := d.inHand[chat]
		if more || h.again && ctx.Err() == nil {
			*h = chatHold{}
			d.mu.Unlock()
			continue
		}
		delete(d.inHand, chat)
		d.mu.Unlock()
		return
	}
}

func (d *Dispatcher) finishing(chat int64) {
	d.mu.Lock()
	d.inHand[chat].finishing = true
	d.mu.Unlock()
}

// step handles the chat's oldest pending update, if it can take it. It
// reports whether the chat has another update to take now.
func (d *Dispatcher) step(ctx context.Context, chat int64) bool {
	// Handling is not cut short by shutdown: an update once taken is
	// finished (or rolled back by its own timeout).
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.turnTimeout)
	defer cancel()
	tx, err := d.st.Begin(hctx)
	if err != nil {
		d.metrics.dbError(opClaim)
		d.log.Error("cannot take work from the inbox", "chat_key", chat, "err", err)
		return false
	}
	defer tx.Rollback() // after Commit, a no-op
	c, err := d.st.ClaimChat(hctx, tx, chat)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBusy) {
		// Nothing due, or another process has the chat and goes on with it.
		return false
	}
	if err != nil {
		d.metrics.dbError(opClaim)
		d.log.Error("cannot take work from the inbox", "chat_key", chat, "err", err)
		return false
	}
	claimed := time.Now()
	// The chat stays locked until this transaction ends, whatever the
	// handler does: a failure is rolled back to here and recorded in the
	// same transaction, so no other worker takes the update meanwhile.
	if _, err := tx.ExecContext(hctx, "SAVEPOINT turn"); err != nil {
		d.metrics.dbError(opClaim)
		d.log.Error("cannot start handling an update; it stays pending", "update_id", c.UpdateID, "err", err)
		return false
	}
	status, err := d.run(hctx, c, tx)
	var more bool
	if err == nil {
		d.finishing(chat)
		more, err = d.st.FinishUpdate(hctx, tx, c.UpdateID, status, d.instance)
	}
	if err == nil {
		if err := tx.Commit(); err != nil {
			d.metrics.dbError(opCommit)
			d.log.Error("cannot commit a handled update; it will be handled again", "update_id", c.UpdateID, "err", err)
			return false
		}
		outcome := outcomeDone
		if status == store.InboxSkipped {
			outcome = outcomeSkipped
		}
		d.metrics.handled(c.Kind, outcome, time.Since(claimed))
		return more
	}
	log := d.log.With("update_id", c.UpdateID, "kind", c.Kind)
	if _, rerr := tx.ExecContext(hctx, "ROLLBACK TO SAVEPOINT turn"); rerr != nil {
		// The connection is gone, and the transaction with it. The update
		// stays pending and is taken again.
		d.metrics.dbError(opRollback)
		log.Error("handling failed and the database is unreachable; the update stays pending", "err", err, "db_err", rerr)
		return false
	}

	var p *panicError
	var deferred *DeferredError
	outage := errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || store.IsUnavailable(err)
	outcome := outcomeFailed
	next := true // the chat's next update may be taken, unless this one is retried
	switch {
	case errors.As(err, &deferred):
		// Not a failure: a group's pace. Nothing of the turn was sent.
		outcome, next = outcomeRetry, false
		d.metrics.handlerError("deferred")
		log.Info("the update waits for room in a group chat", "chat_id", deferred.Chat, "in", deferred.After.String())
		err = store.RetryUpdate(hctx, tx, c.UpdateID, err.Error(), deferred.After, false)
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
		outcome, next = outcomeRetry, false
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
		return false
	}
	d.metrics.handled(c.Kind, outcome, time.Since(claimed))
	return next
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
