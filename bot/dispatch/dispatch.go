// Package dispatch hands the inbox's updates to workers: one feeder, a
// bounded set of workers, updates of one chat one at a time and in order
// (across processes: the chat is locked in PostgreSQL), several chats' turns
// in one transaction, each in its own savepoint. What a turn means is not
// its business: it calls Handle.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"servicebot/bot/metrics"
	"servicebot/bot/outbox"
	"servicebot/store"
)

// Dispatcher hands pending updates to a bounded set of workers. Updates of
// one chat are handled one at a time, in update_id order; different chats run
// in parallel. This holds across processes: the chat is locked in PostgreSQL.
//
// One feeder hands chats with work to idle workers, up to Batch each: the
// chats of the updates this process stored (Offer), and those PostgreSQL
// names, a page at a time, when another process stored updates (or once a
// second, for retries that came due). A worker takes the oldest update of
// each of its chats in one transaction, handles them one after another,
// and records them all as handled when it commits: a few statements for
// the whole batch instead of a few for every update. Should a turn fail,
// the batch is rolled back and taken again with each turn in its own
// savepoint, the failure then set aside alone (see stepWith). Then it goes on with the chats
// that have another update, so a chat's backlog is drained without asking
// again, and takes another batch the feeder offers while it has room.
type Dispatcher struct {
	cfg Config // with its defaults filled in

	kick      chan struct{} // buffered (1): the feeder should look for work
	offers    chan struct{} // buffered (1): updates were offered
	chats     chan []int64  // chats handed to workers, a batch at a time
	listening chan struct{} // closed once Run hears other processes' notifications (or cannot)

	mu       sync.Mutex
	offered  []store.Pending      // updates stored by this process, not yet looked at
	inHand   map[int64]*chatHold  // chats handed out and not yet let go
	handled  map[int64]handedBack // chats let go lately, and what they had done
	prunedAt time.Time            // when handled was last rid of old entries
}

// chatHold is what the dispatcher knows of a chat handed to a worker.
type chatHold struct {
	finishing bool  // its update is being marked done: a newer one may have come
	again     bool  // the feeder saw work for it while finishing: look again
	upTo      int64 // the update being marked done (0: none)
	handled   int64 // the latest update of the chat committed as handled
}

// handedBack is a chat let go: the latest of its updates that committed
// as handled. The feeder's query may have read the inbox before that
// commit and still see the update pending; such a sight is not work.
type handedBack struct {
	handled int64
	at      time.Time
}

// handedBackFor is how long a chat let go is remembered: longer than any
// of the feeder's queries takes.
const handedBackFor = 10 * time.Second

// Outcome is what a turn came to: the status to record with its update
// (store.InboxDone or store.InboxSkipped) and the effects it decided. The
// effects of a batch's turns are written in one statement with the record
// of the updates, and delivered once the batch commits; a turn that fails
// leaves none.
type Outcome struct {
	Status  int
	Effects []store.Effect
	// OnCommit is called once the batch has committed (in order, after
	// Config.Committed); never for a turn that did not commit.
	OnCommit []func()
}

// ErrPermanent marks a handler failure that no retry can mend.
var ErrPermanent = errors.New("bot: cannot be handled")

// BatchBudget is how long a worker goes on starting the next update of its
// batch. After a turn that took long (one waiting for a chat's pace, or for
// a slow Telegram), the rest of the batch is not held up further: it goes
// back to the feeder, for whichever worker is free.
const BatchBudget = 100 * time.Millisecond

// Config is what a Dispatcher is built from.
type Config struct {
	Store *store.Store
	Log   *slog.Logger
	// Handle handles one claimed update inside tx and returns what came
	// of it: the status to record and the effects to write with it. An
	// error wrapping ErrPermanent is not retried.
	Handle func(ctx context.Context, c *store.Claimed, tx *sqlx.Tx) (Outcome, error)
	// OnFailed is called in the transaction that records an update as
	// failed for good (the citizen may be told); nil: nothing.
	OnFailed func(ctx context.Context, tx *sqlx.Tx, c *store.Claimed) error
	// Committed is told the chats whose effects a commit made deliverable;
	// nil: nobody.
	Committed   func(ctx context.Context, chats []int64)
	Workers     int           // updates handled at once (different chats)
	Batch       int           // most chats a worker takes in one transaction
	MaxAttempts int           // a failing update is tried this often (default 5)
	TurnTimeout time.Duration // default 3 minutes
	Instance    string        // recorded with each update handled; default host:pid
	Metrics     *metrics.Metrics
}

// New builds a dispatcher; Run starts it.
func New(cfg Config) *Dispatcher {
	if cfg.OnFailed == nil {
		cfg.OnFailed = func(context.Context, *sqlx.Tx, *store.Claimed) error { return nil }
	}
	if cfg.Committed == nil {
		cfg.Committed = func(context.Context, []int64) {}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.TurnTimeout <= 0 {
		cfg.TurnTimeout = 3 * time.Minute
	}
	if cfg.Instance == "" {
		cfg.Instance = InstanceName()
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 1
	}
	d := &Dispatcher{cfg: cfg}
	d.kick = make(chan struct{}, 1)
	d.offers = make(chan struct{}, 1)
	d.chats = make(chan []int64)
	d.listening = make(chan struct{})
	d.inHand = map[int64]*chatHold{}
	d.handled = map[int64]handedBack{}
	return d
}

// SetTurnTimeout changes how long a turn may take; tests shorten it.
func (d *Dispatcher) SetTurnTimeout(t time.Duration) { d.cfg.TurnTimeout = t }

// InstanceName tells this process from other replicas in the inbox.
func InstanceName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// Signal tells the dispatcher there is new work.
func (d *Dispatcher) Signal() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Offer tells the dispatcher of updates this process has just stored.
// Their chats are handed to workers without asking PostgreSQL which chats
// have work: that question, once for every batch Telegram delivers, cost
// more than a tenth of PostgreSQL's time per update. Other processes'
// updates come by notification, and the feeder asks then.
func (d *Dispatcher) Offer(work []store.Pending) {
	if len(work) == 0 {
		return
	}
	d.mu.Lock()
	d.offered = append(d.offered, work...)
	d.mu.Unlock()
	select {
	case d.offers <- struct{}{}:
	default:
	}
}

// Listening is closed once Run hears of updates that other processes
// store, so that a process reports ready only when it can share the work.
func (d *Dispatcher) Listening() <-chan struct{} { return d.listening }

// Run works until ctx ends, then lets the updates in hand finish.
func (d *Dispatcher) Run(ctx context.Context) {
	if notes, err := d.cfg.Store.Listen(ctx, store.InboxChannel); err != nil {
		d.cfg.Log.Warn("no LISTEN/NOTIFY; other processes' updates are noticed by polling", "err", err)
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
	for i := 0; i < d.cfg.Workers; i++ {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case chats := <-d.chats:
					d.serve(ctx, chats)
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
		case <-d.offers:
			d.mu.Lock()
			work := d.offered
			d.offered = nil
			d.mu.Unlock()
			fresh := d.take(work)
			d.cfg.Metrics.HandedOut(metrics.ViaOffer, len(fresh))
			if !d.handOut(ctx, fresh) {
				return
			}
			continue
		case <-d.kick:
		case <-poll.C:
		}
		for ctx.Err() == nil {
			page := feedPage * d.cfg.Workers
			chats, err := d.cfg.Store.PendingChats(ctx, page)
			if err != nil {
				if ctx.Err() == nil {
					d.cfg.Metrics.DBError(metrics.OpClaim)
					d.cfg.Log.Error("cannot take work from the inbox; looking again in a second", "err", err)
				}
				break
			}
			fresh := d.take(chats)
			d.cfg.Metrics.HandedOut(metrics.ViaInbox, len(fresh))
			if !d.handOut(ctx, fresh) {
				return
			}
			// A full page may hide more chats behind it.
			if len(chats) < page || len(fresh) == 0 {
				break
			}
		}
	}
}

// handOut gives fresh chats to the workers; false when ctx ended first
// (the chats not handed out are let go).
func (d *Dispatcher) handOut(ctx context.Context, fresh []int64) bool {
	handOut := batches(fresh, d.cfg.Batch)
	for i, batch := range handOut {
		select {
		case d.chats <- batch:
		case <-ctx.Done():
			for _, b := range handOut[i:] {
				d.release(b)
			}
			return false
		}
	}
	return true
}

// batches splits chats into batches of up to most, in order. Turns do not
// wait on Telegram, so what bounds the work is CPU (the bot's and
// PostgreSQL's), not the number of workers: the chats a batch of updates
// from Telegram names go to as few transactions as they fit, each sharing
// its begin, claim, record and commit among its turns, instead of one
// transaction per chat while workers are idle. The others in a batch wait
// for a turn's few statements (a millisecond or two); PostgreSQL's CPU per
// update fell by a fifth (1.4 to 1.1 ms), and updates a second rose as
// much, in the benchmark's closed loop. At light load, updates come one at
// a time and so do batches.
func batches(chats []int64, most int) [][]int64 {
	size := max(most, 1)
	var out [][]int64
	for len(chats) > 0 {
		n := min(size, len(chats))
		out = append(out, chats[:n:n])
		chats = chats[n:]
	}
	return out
}

// take marks the chats not yet in hand as handed out and returns them. A
// chat in hand whose update is being finished is looked at again after,
// when a later update is pending: it may have come after the worker last
// looked. Updates seen pending that have been handled since the feeder
// read the inbox are no work: handing their chat out would cost a
// transaction that takes nothing (a third of all of them, under load,
// before).
func (d *Dispatcher) take(pending []store.Pending) []int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if now.Sub(d.prunedAt) > time.Second {
		d.prunedAt = now
		for chat, b := range d.handled {
			if now.Sub(b.at) > handedBackFor {
				delete(d.handled, chat)
			}
		}
	}
	var fresh []int64
	for _, p := range pending {
		if h := d.inHand[p.Chat]; h != nil {
			if h.finishing && p.Last > h.upTo {
				h.again = true
			}
			continue
		}
		if b, ok := d.handled[p.Chat]; ok {
			if p.Last <= b.handled {
				continue
			}
			delete(d.handled, p.Chat)
		}
		d.inHand[p.Chat] = &chatHold{}
		fresh = append(fresh, p.Chat)
	}
	return fresh
}

// release lets chats go without looking at them again.
func (d *Dispatcher) release(chats []int64) {
	d.mu.Lock()
	for _, chat := range chats {
		d.letGo(chat)
	}
	d.mu.Unlock()
}

// letGo takes chat out of hand, remembering what it had done; d.mu held.
func (d *Dispatcher) letGo(chat int64) {
	if h := d.inHand[chat]; h != nil && h.handled > 0 {
		d.handled[chat] = handedBack{h.handled, time.Now()}
	}
	delete(d.inHand, chat)
}

// serve handles the chats' updates while they have some, then lets them go.
// While it has fewer than a batch of chats, it takes another batch the
// feeder is offering, if there is one: under load, batches stay full.
func (d *Dispatcher) serve(ctx context.Context, queue []int64) {
	for len(queue) > 0 {
		chats := queue[:min(len(queue), d.cfg.Batch)]
		var next, handBack map[int64]bool
		if ctx.Err() == nil {
			next, handBack = d.step(ctx, chats)
		}
		d.mu.Lock()
		var again []int64
		for _, chat := range chats {
			h := d.inHand[chat]
			if !handBack[chat] && ctx.Err() == nil && (next[chat] || h.again) {
				*h = chatHold{handled: h.handled}
				again = append(again, chat)
				continue
			}
			d.letGo(chat)
		}
		d.mu.Unlock()
		if len(handBack) > 0 {
			d.Signal()
		}
		queue = append(again, queue[len(chats):]...)
		if len(queue) > 0 && len(queue) < d.cfg.Batch && ctx.Err() == nil {
			select {
			case more := <-d.chats:
				queue = append(queue, more...)
			default:
			}
		}
	}
}

// finishing marks chats of the worker's whose work may end without a look
// at an update that comes meanwhile: those whose updates are being recorded
// as handled (done), and those locked with nothing to take (idle). When
// the feeder sees a later update of theirs, the worker looks again.
func (d *Dispatcher) finishing(idle []int64, done []store.Finished) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, chat := range idle {
		if h := d.inHand[chat]; h != nil {
			h.finishing = true
		}
	}
	for _, f := range done {
		if h := d.inHand[f.ChatKey]; h != nil {
			h.finishing, h.upTo = true, f.UpdateID
		}
	}
}

// committed notes the updates that were recorded as handled.
func (d *Dispatcher) committed(done []store.Finished) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range done {
		if h := d.inHand[f.ChatKey]; h != nil {
			h.handled = max(h.handled, f.UpdateID)
		}
	}
}

// handledUpdate is an update's outcome, counted once its transaction commits.
type handledUpdate struct {
	kind, outcome string
	began         time.Time
}

// step handles the oldest pending update of each chat it can take, in one
// transaction. It returns the chats to go on with (another update is
// pending, or a failed one was set aside), and the chats handed back
// unhandled when the batch ran out of time (see BatchBudget).
func (d *Dispatcher) step(ctx context.Context, chats []int64) (next, handBack map[int64]bool) {
	next, handBack, redo := d.stepWith(ctx, chats, false)
	if redo {
		next, handBack, _ = d.stepWith(ctx, chats, true)
	}
	return next, handBack
}

// stepWith is step, its turns guarded by savepoints or not. Unguarded, a
// batch costs two round trips fewer per turn (a quarter of the statements
// of an update), and a turn that fails rolls the whole batch back: redo
// then says to take it again, guarded, so that the failure is set aside
// alone. Turns only decide (they call no Telegram), so a turn run twice
// has done nothing twice.
func (d *Dispatcher) stepWith(ctx context.Context, chats []int64, guarded bool) (next, handBack map[int64]bool, redo bool) {
	// Handling is not cut short by shutdown: updates once taken are
	// finished (or rolled back by their own timeout). Each turn has its
	// own timeout, so one that runs out is rolled back alone; the
	// transaction outlives it.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*d.cfg.TurnTimeout)
	defer cancel()
	tx, err := d.cfg.Store.Begin(bctx)
	if err != nil {
		d.cfg.Metrics.DBError(metrics.OpClaim)
		d.cfg.Log.Error("cannot take work from the inbox", "chat_keys", chats, "err", err)
		return nil, nil, false
	}
	defer tx.Rollback() // after Commit, a no-op
	// Chats held by another process are left out: it goes on with them.
	claimed, idle, err := d.cfg.Store.ClaimChats(bctx, tx, chats)
	if err == nil && len(claimed) > 0 && guarded {
		// Each turn in its own savepoint: a failure is rolled back to
		// there and recorded in the same transaction, so the chat stays
		// locked and no other worker takes the update meanwhile.
		_, err = tx.ExecContext(bctx, "SAVEPOINT turn")
	}
	if err != nil {
		d.cfg.Metrics.DBError(metrics.OpClaim)
		d.cfg.Log.Error("cannot take work from the inbox", "chat_keys", chats, "err", err)
		return nil, nil, false
	}
	// A chat locked with nothing to take stays locked until the commit:
	// an update that comes meanwhile must not wait for the poll.
	d.finishing(idle, nil)
	next = map[int64]bool{}
	var done []store.Finished
	var effects []store.Effect
	var counts []handledUpdate
	var effectsFor []int64 // chats the committed turns left effects for
	var onCommit []func()
	began := time.Now()
	for i := range claimed {
		c := &claimed[i]
		if i > 0 && time.Since(began) > BatchBudget {
			handBack = map[int64]bool{}
			for _, c := range claimed[i:] {
				handBack[c.ChatKey] = true
			}
			break
		}
		start := time.Now()
		tctx, cancelTurn := context.WithTimeout(bctx, d.cfg.TurnTimeout)
		out, err := d.run(tctx, c, tx)
		cancelTurn()
		if err == nil && guarded {
			// The turn's work is kept, and the next turn's savepoint
			// set; this fails when the turn left the transaction
			// unusable, which then counts as the turn's failure.
			_, err = tx.ExecContext(bctx, "RELEASE SAVEPOINT turn; SAVEPOINT turn")
		}
		if err != nil && !guarded {
			return nil, nil, true
		}
		if err == nil {
			for _, e := range out.Effects {
				effectsFor = append(effectsFor, e.ChatID)
			}
			effects = append(effects, out.Effects...)
			onCommit = append(onCommit, out.OnCommit...)
			done = append(done, store.Finished{UpdateID: c.UpdateID, ChatKey: c.ChatKey, Status: out.Status})
			outcome := metrics.OutcomeDone
			if out.Status == store.InboxSkipped {
				outcome = metrics.OutcomeSkipped
			}
			counts = append(counts, handledUpdate{c.Kind, outcome, start})
			continue
		}
		outcome, goOn, ok := d.setAside(bctx, tx, c, err)
		if ok {
			_, err = tx.ExecContext(bctx, "RELEASE SAVEPOINT turn; SAVEPOINT turn")
			if err != nil {
				d.cfg.Metrics.DBError(metrics.OpRecordFailure)
				d.cfg.Log.Error("cannot record the failure; the update stays pending", "update_id", c.UpdateID, "err", err)
			}
		}
		if !ok || err != nil {
			d.lost(done, err)
			return nil, nil, false
		}
		next[c.ChatKey] = goOn
		effectsFor = append(effectsFor, c.ChatKey) // an apology, perhaps
		counts = append(counts, handledUpdate{c.Kind, outcome, start})
	}
	if len(done) > 0 {
		d.finishing(nil, done)
		more, err := d.cfg.Store.FinishUpdates(bctx, tx, done, effects, d.cfg.Instance)
		if err != nil && !guarded {
			// Perhaps a turn left the transaction unusable without
			// saying so: guarded, that turn is found.
			return nil, nil, true
		}
		if err != nil {
			d.cfg.Metrics.DBError(metrics.OpCommit)
			d.lost(done, err)
			return nil, nil, false
		}
		for _, chat := range more {
			next[chat] = true
		}
	}
	if err := tx.Commit(); err != nil {
		d.cfg.Metrics.DBError(metrics.OpCommit)
		d.lost(done, err)
		return nil, nil, false
	}
	d.committed(done)
	if d.cfg.Committed != nil {
		d.cfg.Committed(bctx, effectsFor)
	}
	for _, f := range onCommit {
		f()
	}
	for _, h := range counts {
		d.cfg.Metrics.Handled(h.kind, h.outcome, time.Since(h.began))
	}
	return next, handBack, false
}

// lost logs, one record each so that each can be found by its id, the
// updates handled in a transaction that could not commit: they stay
// pending and are handled again.
func (d *Dispatcher) lost(done []store.Finished, err error) {
	for _, f := range done {
		d.cfg.Log.Error("cannot commit a handled update; it will be handled again", "update_id", f.UpdateID, "err", err)
	}
}

// setAside rolls a failed turn back to its savepoint and records the
// failure in the transaction: the update is retried later or marked failed
// for good. It returns the outcome to count, whether the chat's next update
// may be taken now, and false when the transaction is lost (the batch then
// stays pending and is taken again).
func (d *Dispatcher) setAside(ctx context.Context, tx *sqlx.Tx, c *store.Claimed, err error) (outcome string, goOn, ok bool) {
	log := d.cfg.Log.With("update_id", c.UpdateID, "kind", c.Kind)
	if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT turn"); rerr != nil {
		// The connection is gone, and the transaction with it. The
		// updates stay pending and are taken again.
		d.cfg.Metrics.DBError(metrics.OpRollback)
		log.Error("handling failed and the database is unreachable; the update stays pending", "err", err, "db_err", rerr)
		return "", false, false
	}
	var p *panicError
	outage := errors.Is(err, outbox.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || store.IsUnavailable(err)
	outcome, goOn = metrics.OutcomeFailed, true // the chat's next update may be taken, unless this one is retried
	switch {
	case store.IsConflict(err):
		// A deadlock or serialization failure with another transaction:
		// nothing wrong with the update, it is tried again at once.
		outcome, goOn = metrics.OutcomeRetry, false
		d.cfg.Metrics.HandlerError("conflict")
		log.Warn("the update met another transaction's locks; will retry", "err", err)
		err = store.RetryUpdate(ctx, tx, c.UpdateID, err.Error(), time.Duration(50+rand.IntN(200))*time.Millisecond, false)
	case errors.As(err, &p):
		d.cfg.Metrics.HandlerError("panic")
		log.Error("handler panicked; the update is marked failed", "panic", p.value, "stack", p.stack)
		err = d.fail(ctx, tx, c, "panic: "+fmt.Sprint(p.value), true)
	case errors.Is(err, ErrPermanent):
		d.cfg.Metrics.HandlerError("permanent")
		log.Error("update cannot be handled; marked failed", "err", err)
		err = d.fail(ctx, tx, c, err.Error(), false)
	case !outage && c.Attempts+1 >= d.cfg.MaxAttempts:
		d.cfg.Metrics.HandlerError("last_attempt")
		log.Error("handling failed for the last time; marked failed", "err", err, "attempts", c.Attempts+1)
		err = d.fail(ctx, tx, c, err.Error(), true)
	default:
		outcome, goOn = metrics.OutcomeRetry, false
		if outage {
			d.cfg.Metrics.HandlerError("outage")
		} else {
			d.cfg.Metrics.HandlerError("error")
		}
		backoff := time.Duration(1<<min(c.Attempts, 6)) * time.Second
		log.Warn("handling failed; will retry", "err", err, "in", backoff.String(), "outage", outage)
		err = store.RetryUpdate(ctx, tx, c.UpdateID, err.Error(), backoff, !outage)
	}
	if err != nil {
		d.cfg.Metrics.DBError(metrics.OpRecordFailure)
		log.Error("cannot record the failure; the update stays pending", "err", err)
		return "", false, false
	}
	return outcome, goOn, true
}

// fail marks the update failed for good and, when tell is set, lets the
// person know, before the chat's next update is handled.
func (d *Dispatcher) fail(ctx context.Context, tx *sqlx.Tx, c *store.Claimed, cause string, tell bool) error {
	if err := store.FailUpdate(ctx, tx, c.UpdateID, cause); err != nil {
		return err
	}
	if tell {
		return d.cfg.OnFailed(ctx, tx, c)
	}
	return nil
}

// run calls the handler, turning a panic into an error.
func (d *Dispatcher) run(ctx context.Context, c *store.Claimed, tx *sqlx.Tx) (out Outcome, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: string(debug.Stack())}
		}
	}()
	return d.cfg.Handle(ctx, c, tx)
}

type panicError struct {
	value any
	stack string
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }
