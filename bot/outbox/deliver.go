package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"servicebot/store"
)

// Doer makes HTTP requests (the bot's Bot API client, which counts them).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Deliverer makes the calls effects describe, after the transactions that
// decided them have committed. One process delivers at a time (it holds a
// PostgreSQL advisory lock), so Telegram's limits hold for the whole bot
// however many replicas run; the others wait to take over.
//
// Policies, one place for all of them:
//   - effects to one chat go in id order; a chat waiting (its pace, a 429,
//     a retry) holds back only its own later effects;
//   - callback answers (urgent) go first in their chat's queue, unpaced;
//   - an album's parts wait a moment for each other, then go as one album
//     in the place of the first (see Effect.InAlbum);
//   - 429: the chat pauses for retry_after and the effect waits, uncounted;
//   - 5xx and network errors: tried again with backoff (capped at a
//     minute), without limit: an outage of Telegram, however long, loses
//     nothing;
//   - "message is not modified" is success;
//   - what is delivered leaves no row: its result goes to its slot;
//   - a refusal (400, 403) makes the effect's fallback instead when it has
//     one (an edit becomes a new message), else sets it aside with its
//     error; 403 from a private chat marks the citizen inactive;
//   - what fails for good is kept with its error and update id, logged and
//     counted, never retried again and never dropped unseen.
type Deliverer struct {
	st     *store.Store
	log    *slog.Logger
	send   *Sender
	http   Doer
	apiURL string // with the /bot<token> part
	lanes  int    // chats delivered to at once: also how many calls a crash can repeat
	count  func(outcome string)

	backoff time.Duration

	kick    chan struct{}
	leading atomic.Bool // this process holds the deliverer's lock
	mu      sync.Mutex
	work    *sync.Cond     // on mu: the queue or ready changed, or delivering stops
	busy    map[int64]bool // chats read for a lane or being delivered to
	again   map[int64]bool // busy chats that got new effects meanwhile
	queue   []int64        // chats with effects, not read yet
	queued  map[int64]bool
	ready   []chatWork          // chats read, waiting for a lane
	reading bool                // a lane is reading the effects of queued chats
	stop    bool                // the lanes are to end
	scan    bool                // look at every chat in the outbox, not only those notified
	rec     *recorder           // while leading
	wakes   map[int64]time.Time // chats to look at again when their first effect comes due
}

// chatWork is a chat's due effects, read for a lane.
type chatWork struct {
	chat    int64
	effects []store.Effect
}

// Options configure a Deliverer.
type Options struct {
	APIURL string // Bot API server, without /bot<token>
	Token  string
	Lanes  int                  // chats delivered to at once (default 4)
	Count  func(outcome string) // counts each effect's outcome, for metrics
	// Backoff is the wait before the second attempt after a 5xx or a
	// network error (default 500 ms); it doubles, up to a minute.
	Backoff time.Duration
}

// NewDeliverer returns a deliverer sending through send's pacing with client.
func NewDeliverer(st *store.Store, send *Sender, client Doer, log *slog.Logger, o Options) *Deliverer {
	if o.Lanes <= 0 {
		o.Lanes = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.Count == nil {
		o.Count = func(string) {}
	}
	d := &Deliverer{
		st: st, log: log, send: send, http: client,
		apiURL: strings.TrimRight(o.APIURL, "/") + "/bot" + o.Token,
		lanes:  o.Lanes, count: o.Count,
		backoff: o.Backoff,
		kick:    make(chan struct{}, 1), busy: map[int64]bool{}, again: map[int64]bool{}, queued: map[int64]bool{},
		wakes: map[int64]time.Time{}, scan: true,
	}
	d.work = sync.NewCond(&d.mu)
	return d
}

// Outcomes counted per effect.
const (
	OutcomeSent      = "sent"
	OutcomeRetry     = "retry"     // 5xx or network: tried again later
	OutcomeThrottled = "throttled" // 429: tried again after retry_after
	OutcomeReplaced  = "replaced"  // refused; its fallback was queued
	OutcomeRefused   = "refused"   // refused, harmlessly (a late callback answer...)
	OutcomeBlocked   = "blocked"   // 403: the chat does not take the bot's messages
	OutcomeFailed    = "failed"    // failed for good: kept for operators
)

// Committed tells the deliverer that a transaction adding effects for
// chats has committed: this one at once when it delivers, else the one in
// another process, by NOTIFY (the outbox is also looked at every second).
func (d *Deliverer) Committed(ctx context.Context, chats []int64) {
	if len(chats) == 0 {
		return
	}
	if d.leading.Load() {
		d.notified(chats)
		d.Signal()
		return
	}
	if err := d.st.NotifyEffects(ctx, chats); err != nil && ctx.Err() == nil {
		d.log.Warn("cannot wake the deliverer; it finds the effects within a second", "err", err)
	}
}

// Signal tells the deliverer there may be new effects.
func (d *Deliverer) Signal() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, while this process holds the deliverer's
// lock; otherwise it waits to take over.
func (d *Deliverer) Run(ctx context.Context) {
	// A commit that added effects names their chats: those are looked at
	// at once, with no query. Every second, and whenever a notification
	// may have been missed, every chat is.
	notes, err := d.st.ListenChats(ctx, store.OutboxChannel)
	if err != nil {
		d.log.Warn("no LISTEN/NOTIFY; effects are noticed by polling", "err", err)
	} else {
		go func() {
			for chats := range notes {
				d.notified(chats)
				d.Signal()
			}
		}()
	}
	for ctx.Err() == nil {
		err := d.lead(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d.log.Warn("delivering stopped; will try again", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// lead becomes the deliverer if no other process is, and delivers while
// its lock's connection lives. That connection also records what was sent
// (see recorder).
func (d *Deliverer) lead(ctx context.Context) error {
	lease, leader, err := d.st.Lead(ctx, store.LockDeliverer)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if !leader {
		return nil
	}
	defer lease.Release()
	conn := lease.Conn
	rec := newRecorder(conn)
	recDone := make(chan error, 1)
	go func() { recDone <- rec.run() }()
	d.mu.Lock()
	d.rec, d.stop = rec, false
	d.scan = true // what is pending from before, or from another deliverer
	d.mu.Unlock()
	d.leading.Store(true)
	lanesCtx, stopLanes := context.WithCancel(ctx)
	var lanes sync.WaitGroup
	for range d.lanes {
		lanes.Go(func() { d.lane(lanesCtx) })
	}
	defer func() {
		d.leading.Store(false)
		stopLanes()
		d.mu.Lock()
		d.stop = true
		d.work.Broadcast()
		d.mu.Unlock()
		// Calls under way are seen through and recorded; then the
		// recorder writes what is left and ends.
		lanes.Wait()
		rec.close()
		<-recDone
		d.mu.Lock()
		d.rec = nil
		// Whatever was read and not delivered is read again by whoever
		// delivers next.
		clear(d.busy)
		clear(d.again)
		d.ready = nil
		d.mu.Unlock()
	}()
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	for {
		if err := d.round(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("cannot read the outbox; looking again shortly", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-recDone:
			recDone <- err // for the deferred wait
			return fmt.Errorf("outbox: the deliverer lost its database connection: %w", err)
		case <-d.kick:
		case <-poll.C:
			// Retries that came due, and what no notification named.
			d.mu.Lock()
			d.scan = true
			d.mu.Unlock()
		}
	}
}

// chatBatch is how many of a chat's effects are read at once; readBatch,
// how many chats' effects one query reads.
const chatBatch, readBatch = 32, 64

// notified queues the chats a commit named; nil means some may have been
// missed: every chat is looked at next round.
func (d *Deliverer) notified(chats []int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if chats == nil {
		d.scan = true
		return
	}
	d.enqueueLocked(chats)
}

// enqueueLocked queues chats for a lane; a chat being delivered to is
// looked at again when its lane is done with it.
func (d *Deliverer) enqueueLocked(chats []int64) {
	added := false
	for _, chat := range chats {
		switch {
		case d.busy[chat]:
			d.again[chat] = true
		case !d.queued[chat]:
			d.queue = append(d.queue, chat)
			d.queued[chat] = true
			added = true
		}
	}
	if added {
		d.work.Signal()
	}
}

// round looks for chats with due effects when it should (see scan), and
// queues them for the lanes.
func (d *Deliverer) round(ctx context.Context) error {
	d.mu.Lock()
	scan := d.scan
	d.scan = false
	d.mu.Unlock()
	if !scan {
		return nil
	}
	chats, err := d.st.ChatsToDeliver(ctx, nil, 10000)
	if err != nil {
		d.mu.Lock()
		d.scan = true
		d.mu.Unlock()
		return err
	}
	d.mu.Lock()
	d.enqueueLocked(chats)
	d.mu.Unlock()
	return nil
}

// lane delivers to one chat after another, as long as the deliverer
// leads. A lane with nothing read to deliver reads the effects of the
// chats queued, up to readBatch of them in one query, for itself and the
// other lanes. A chat is never in two lanes, nor read while a lane has it:
// nothing can be sent twice.
func (d *Deliverer) lane(ctx context.Context) {
	for {
		d.mu.Lock()
		for !d.stop && len(d.ready) == 0 && (len(d.queue) == 0 || d.reading) {
			d.work.Wait()
		}
		if d.stop {
			d.mu.Unlock()
			return
		}
		if len(d.ready) > 0 {
			w := d.ready[0]
			d.ready = d.ready[1:]
			d.mu.Unlock()
			more := d.deliverChat(ctx, w)
			d.release(w.chat, more)
			continue
		}
		n := min(len(d.queue), readBatch)
		chats := slices.Clone(d.queue[:n])
		d.queue = d.queue[n:]
		for _, chat := range chats {
			delete(d.queued, chat)
			d.busy[chat] = true
		}
		d.reading = true
		d.mu.Unlock()
		byChat, err := d.st.EffectsOf(ctx, chats, chatBatch)
		if err != nil && ctx.Err() == nil {
			d.log.Error("cannot read the outbox; looking again shortly", "err", err)
		}
		d.mu.Lock()
		d.reading = false
		if err != nil {
			d.scan = true // every chat is looked at again within a second
		}
		for _, chat := range chats {
			if list := byChat[chat]; len(list) > 0 {
				d.ready = append(d.ready, chatWork{chat, list})
			} else {
				d.releaseLocked(chat, false)
			}
		}
		d.work.Broadcast()
		d.mu.Unlock()
	}
}

// release ends a lane's turn at a chat; more says the chat may have more
// effects due than were read.
func (d *Deliverer) release(chat int64, more bool) {
	d.mu.Lock()
	d.releaseLocked(chat, more)
	d.mu.Unlock()
}

func (d *Deliverer) releaseLocked(chat int64, more bool) {
	delete(d.busy, chat)
	if d.again[chat] || more {
		delete(d.again, chat)
		if !d.stop {
			d.enqueueLocked([]int64{chat})
		}
	}
}

// deliverChat delivers a chat's effects read for it, in order, until one
// must wait. It reports whether the chat may have more due: all were sent
// and as many as chatBatch were read. Before it returns, what it recorded
// has committed: the chat's next lane reads it as sent. An album's parts
// go together, in the place of the first (see Effect.InAlbum).
func (d *Deliverer) deliverChat(ctx context.Context, w chatWork) (more bool) {
	var unconfirmed []<-chan error
	defer func() {
		for _, done := range unconfirmed {
			<-done
		}
	}()
	gone := map[int64]bool{} // parts that went with their album's first
	for i, e := range w.effects {
		if gone[e.ID] {
			continue
		}
		if ctx.Err() != nil {
			return false
		}
		if e.NotBefore.After(time.Now()) {
			d.wakeAt(w.chat, e.NotBefore)
			return false
		}
		var ok bool
		var done <-chan error
		if rows, parts := albumFrom(w.effects[i:], gone); len(rows) > 1 {
			ok, done = d.deliverAlbum(ctx, rows, parts)
		} else {
			ok, done = d.deliver(ctx, e)
		}
		if done != nil {
			unconfirmed = append(unconfirmed, done)
		}
		if !ok {
			return false
		}
	}
	return len(w.effects) == chatBatch
}

// wakeAt has chat looked at again when its first effect comes due (an
// album's part waiting for the others, a retry), not at the next poll.
func (d *Deliverer) wakeAt(chat int64, due time.Time) {
	d.mu.Lock()
	if at, ok := d.wakes[chat]; ok && !at.After(due) {
		d.mu.Unlock()
		return // an earlier look is coming, which sees to this one
	}
	d.wakes[chat] = due
	d.mu.Unlock()
	time.AfterFunc(max(time.Until(due), 10*time.Millisecond), func() {
		d.mu.Lock()
		if d.wakes[chat].Equal(due) {
			delete(d.wakes, chat)
		}
		d.mu.Unlock()
		d.notified([]int64{chat})
		d.Signal()
	})
}

// maxAlbum is how many items Telegram takes in one album.
const maxAlbum = 10

// albumFrom gathers the album whose part is effects[0], if it is one: the
// parts of the same album and topic among the effects read after it (not
// yet gone), up to maxAlbum, and marks those in gone. It returns them,
// rows and decoded, in order.
func albumFrom(effects []store.Effect, gone map[int64]bool) (rows []store.Effect, parts []Effect) {
	head, ok := albumPartOf(effects[0])
	if !ok {
		return nil, nil
	}
	rows, parts = []store.Effect{effects[0]}, []Effect{head}
	for _, r := range effects[1:] {
		if len(rows) == maxAlbum {
			break
		}
		if gone[r.ID] || r.Urgent {
			continue
		}
		if p, ok := albumPartOf(r); ok && p.Album.Group == head.Album.Group && sameSlot(p.Thread, head.Thread) {
			rows, parts = append(rows, r), append(parts, p)
			gone[r.ID] = true
		}
	}
	return rows, parts
}

// albumPartOf decodes row when it is an album's part.
func albumPartOf(row store.Effect) (Effect, bool) {
	var e Effect
	if !bytes.Contains(row.Body, []byte(`"album":`)) || json.Unmarshal(row.Body, &e) != nil || e.Album == nil {
		return Effect{}, false
	}
	return e, true
}

func sameSlot(a, b *store.Slot) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// APIAnswer is the Bot API's answer to any call (the intake reads
// getUpdates' with it too).
type APIAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// callTimeout bounds one Bot API call of the deliverer, which shutdown
// does not cut short.
const callTimeout = 30 * time.Second

// deliver makes one effect's call and records the outcome. It reports
// whether the chat's next effect may follow (false when this one waits).
func (d *Deliverer) deliver(ctx context.Context, row store.Effect) (ok bool, recorded <-chan error) {
	var e Effect
	if err := json.Unmarshal(row.Body, &e); err != nil {
		return d.setAside(ctx, row, e, "cannot decode the effect: "+err.Error()), nil
	}
	e.File = row.File
	params, missing, err := d.resolve(ctx, e)
	if errors.Is(err, errBadEffect) {
		return d.setAside(ctx, row, e, err.Error()), nil
	} else if err != nil {
		return d.retry(ctx, row, e, err.Error()), nil // the database, away for a moment
	}
	if missing != "" {
		// What the effect refers to was never made (its effect failed).
		return d.refused(ctx, row, e, 400, missing)
	}
	ans, sent, err := d.try(ctx, e, params, 1)
	switch {
	case sent && ans.OK:
		return d.sent(ctx, row, e, ans.Result)
	case sent:
		// "message is not modified": the message already shows what the
		// effect wanted.
		return d.sent(ctx, row, e, nil)
	}
	if handled, ok := d.setback(ctx, row, e, ans, err); handled {
		return ok, nil
	}
	return d.refused(ctx, row, e, ans.ErrorCode, fmt.Sprintf("%d %s", ans.ErrorCode, ans.Description))
}

// deliverAlbum sends an album's parts (rows, and parts decoded) as one
// album: one sendMediaGroup, in the first part's topic, replying where it
// replies. Each part's message goes to the part's slot. Should Telegram
// refuse the album, each part is made as itself, with its own fallbacks;
// a wait or a retry is the first part's, which the others follow.
func (d *Deliverer) deliverAlbum(ctx context.Context, rows []store.Effect, parts []Effect) (ok bool, recorded <-chan error) {
	head, row := parts[0], rows[0]
	media := make([]json.RawMessage, len(parts))
	for i, p := range parts {
		media[i] = p.Album.Lead
		if i > 0 && len(p.Album.Item) > 0 {
			media[i] = p.Album.Item
		}
	}
	album := Call(head.Chat, "sendMediaGroup", map[string]any{"chat_id": head.Chat, "media": media})
	album.Thread, album.ReplyTo = head.Thread, head.ReplyTo
	params, _, err := d.resolve(ctx, album)
	if errors.Is(err, errBadEffect) {
		return d.oneByOne(ctx, rows)
	} else if err != nil {
		return d.retry(ctx, row, album, err.Error()), nil
	}
	ans, sent, err := d.try(ctx, album, params, len(parts))
	if sent {
		var made []struct {
			MessageID int64 `json:"message_id"`
		}
		json.Unmarshal(ans.Result, &made) // an array of Message, in the album's order
		recs := make([]store.Sent, len(rows))
		for i, r := range rows {
			recs[i] = store.Sent{ID: r.ID, Slot: parts[i].Result}
			if i < len(made) {
				recs[i].Got.MessageID = made[i].MessageID
			}
		}
		return d.keep(row, false, recs...)
	}
	if handled, ok := d.setback(ctx, row, album, ans, err); handled {
		return ok, nil
	}
	d.log.Warn("telegram refused an album; its parts go one by one", "effect_id", row.ID, "chat_id", head.Chat,
		"parts", len(rows), "err", fmt.Sprintf("%d %s", ans.ErrorCode, ans.Description))
	return d.oneByOne(ctx, rows)
}

// oneByOne delivers an album's parts each as itself, in order.
func (d *Deliverer) oneByOne(ctx context.Context, rows []store.Effect) (ok bool, recorded <-chan error) {
	for _, r := range rows {
		if ok, _ := d.deliver(ctx, r); !ok {
			return false, nil
		}
	}
	return true, nil
}

// try makes e's call with params, once a call of n messages may go to
// its chat (callback answers do not wait). sent says Telegram took it
// (or found nothing to change); its record is then the caller's to hand
// over (see keep).
func (d *Deliverer) try(ctx context.Context, e Effect, params json.RawMessage, n int) (ans APIAnswer, sent bool, err error) {
	if e.Method != "answerCallbackQuery" {
		if err := d.send.wait(ctx, e.Chat, e.Quiet, n); err != nil {
			return APIAnswer{}, false, err // shutting down: the effect stays pending
		}
	}
	// A call once started is seen through, shutdown or not: given up
	// half way, Telegram may have acted on it, and whoever delivers next
	// would make it again (a graceful stop must send nothing twice).
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	d.rec.calling.Add(1)
	ans, err = d.call(cctx, e, params)
	cancel()
	// A call that is sent hands its record over before it stops counting
	// as in flight (see recorder.calling); any other outcome stops now.
	sent = err == nil && (ans.OK || strings.Contains(ans.Description, "message is not modified"))
	if !sent {
		d.rec.called()
	}
	return ans, sent, err
}

// setback applies the policies for a call that did not go through and
// was not refused: a shutdown, a network error or a 5xx, a 429. row is
// the effect that waits (an album's first part). handled is false for a
// refusal, which is the caller's to deal with.
func (d *Deliverer) setback(ctx context.Context, row store.Effect, e Effect, ans APIAnswer, err error) (handled, ok bool) {
	if err != nil {
		switch {
		case ctx.Err() != nil:
			// Failed while shutting down: it stays pending, for whoever
			// delivers next.
			return true, false
		case errors.Is(err, errBadEffect):
			return true, d.setAside(ctx, row, e, err.Error())
		}
		d.send.count(&d.send.serverErrors)
		return true, d.retry(ctx, row, e, err.Error())
	}
	switch {
	case ans.ErrorCode == http.StatusTooManyRequests:
		d.send.count(&d.send.tooMany)
		after := time.Duration(max(ans.Parameters.RetryAfter, 1)) * time.Second
		d.send.pause(e.Chat, after)
		d.log.Warn("telegram asked to slow down", "chat_id", e.Chat, "retry_after_s", ans.Parameters.RetryAfter)
		d.count(OutcomeThrottled)
		if err := d.st.RetryEffect(ctx, row.ID, ans.Description, after, false); err != nil {
			d.log.Error("cannot reschedule an effect", "effect_id", row.ID, "err", err)
		}
		d.wakeAt(row.ChatID, time.Now().Add(after))
		return true, false
	case ans.ErrorCode >= 500:
		d.send.count(&d.send.serverErrors)
		return true, d.retry(ctx, row, e, fmt.Sprintf("%d %s", ans.ErrorCode, ans.Description))
	}
	return false, false
}

// resolve fills in the ids the effect's slots keep: the parameters to
// send, as JSON. missing names what the effect needs and nothing keeps.
func (d *Deliverer) resolve(ctx context.Context, e Effect) (params json.RawMessage, missing string, err error) {
	if e.Thread == nil && e.ReplyTo == nil && e.Target == nil {
		return e.Params, "", nil // most effects: sent as they were decided
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(e.Params, &fields); err != nil {
		return nil, "", fmt.Errorf("%w: parameters of %s: %v", errBadEffect, e.Method, err)
	}
	read := func(s *store.Slot) (int64, error) {
		if s == nil {
			return 0, nil
		}
		return d.st.ReadSlot(ctx, *s)
	}
	thread, err := read(e.Thread)
	if err != nil {
		return nil, "", err
	}
	if thread != 0 {
		fields["message_thread_id"] = json.RawMessage(fmt.Sprint(thread))
	}
	reply, err := read(e.ReplyTo)
	if err != nil {
		return nil, "", err
	}
	if reply != 0 {
		fields["reply_parameters"] = json.RawMessage(fmt.Sprintf(`{"message_id":%d,"allow_sending_without_reply":true}`, reply))
	}
	if e.Target != nil {
		target, err := read(e.Target)
		if err != nil {
			return nil, "", err
		}
		if target == 0 {
			return nil, fmt.Sprintf("no message in %s %d to change", e.Target.Kind, e.Target.Key), nil
		}
		fields["message_id"] = json.RawMessage(fmt.Sprint(target))
	}
	params, err = json.Marshal(fields)
	if err != nil {
		return nil, "", fmt.Errorf("%w: parameters of %s: %v", errBadEffect, e.Method, err)
	}
	return params, "", nil
}

// call posts the call to the Bot API: JSON, or a form when it carries a file.
func (d *Deliverer) call(ctx context.Context, e Effect, params json.RawMessage) (APIAnswer, error) {
	var body bytes.Buffer
	contentType := "application/json"
	if e.FileKey != "" {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(params, &fields); err != nil {
			return APIAnswer{}, fmt.Errorf("%w: parameters of %s: %v", errBadEffect, e.Method, err)
		}
		form := multipart.NewWriter(&body)
		for k, v := range fields {
			var s string
			if json.Unmarshal(v, &s) != nil {
				s = string(v) // numbers and objects go as their JSON
			}
			form.WriteField(k, s)
		}
		w, _ := form.CreateFormFile(e.FileKey, e.FileName)
		w.Write(e.File)
		form.Close()
		contentType = form.FormDataContentType()
	} else {
		body.Write(params)
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodPost, d.apiURL+"/"+e.Method, &body)
	if err != nil {
		return APIAnswer{}, errors.New("outbox: bad Bot API URL")
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := d.http.Do(req)
	if err != nil {
		return APIAnswer{}, fmt.Errorf("outbox: %s: %s", e.Method, strings.ReplaceAll(err.Error(), d.apiURL, "<api>"))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return APIAnswer{}, fmt.Errorf("outbox: %s: %w", e.Method, err)
	}
	var ans APIAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return APIAnswer{}, fmt.Errorf("outbox: %s: HTTP %d and an answer that is not JSON", e.Method, resp.StatusCode)
	}
	if !ans.OK && ans.ErrorCode == 0 {
		ans.ErrorCode = resp.StatusCode
	}
	return ans, nil
}

// sent records a delivered effect and keeps what it made in its slot. The
// record is written with other lanes' (see recorder); the lane waits for it
// to commit before it makes another call, so that a crash leaves at most
// one call per lane unrecorded. A callback answer's record is not waited
// for (made again, it is refused, harmlessly, and shows nothing): recorded
// is closed once it has committed, and the chat is not let go before.
func (d *Deliverer) sent(ctx context.Context, row store.Effect, e Effect, result json.RawMessage) (ok bool, recorded <-chan error) {
	var made struct {
		MessageID       int64 `json:"message_id"`
		MessageThreadID int64 `json:"message_thread_id"`
	}
	json.Unmarshal(result, &made) // true, a Message, a MessageId or a ForumTopic
	s := store.Sent{ID: row.ID, Got: store.Delivered{MessageID: made.MessageID, ThreadID: made.MessageThreadID}, Slot: e.Result}
	return d.keep(row, e.Method == "answerCallbackQuery" && e.Result == nil, s)
}

// keep hands the records of a call that went through (row's, or those of
// an album's parts, row the first) to the recorder, and waits for them
// unless lazy (see sent).
func (d *Deliverer) keep(row store.Effect, lazy bool, sent ...store.Sent) (ok bool, recorded <-chan error) {
	done := d.rec.add(sent...)
	d.rec.called()
	for range sent {
		d.count(OutcomeSent)
	}
	if lazy {
		return true, done
	}
	if err := <-done; err != nil {
		d.log.Error("an effect was delivered but cannot be recorded; it may be made again", "effect_id", row.ID, "update_id", row.UpdateID, "err", err)
		return false, nil
	}
	return true, nil
}

// errBadEffect is an effect that cannot be sent as it is (its parameters
// do not decode): trying again cannot help, so it is set aside.
var errBadEffect = errors.New("outbox: a malformed effect")

// retry schedules another attempt after a 5xx, a network error or the
// database away: there is no last one, since what Telegram has not refused
// may well go through once it is back.
func (d *Deliverer) retry(ctx context.Context, row store.Effect, e Effect, cause string) bool {
	backoff := min(d.backoff<<min(row.Attempts, 7), time.Minute)
	d.log.Warn("telegram call failed; will retry", "effect_id", row.ID, "method", e.Method, "chat_id", e.Chat, "attempt", row.Attempts+1, "in", backoff.String(), "err", cause)
	d.count(OutcomeRetry)
	if err := d.record(ctx, func(ctx context.Context) error { return d.st.RetryEffect(ctx, row.ID, cause, backoff, true) }); err != nil {
		d.log.Error("cannot reschedule an effect", "effect_id", row.ID, "err", err)
	}
	d.wakeAt(row.ChatID, time.Now().Add(backoff))
	return false
}

// refused applies the policies for an effect Telegram will not take.
func (d *Deliverer) refused(ctx context.Context, row store.Effect, e Effect, code int, cause string) (ok bool, recorded <-chan error) {
	r := store.Refusal{Cause: cause}
	outcome := OutcomeFailed
	if code == http.StatusForbidden {
		d.send.count(&d.send.blockedChats)
		outcome = OutcomeBlocked
		if e.Chat > 0 {
			r.Inactive = e.Chat // private chats have the person's id
		}
	}
	alt := e.Else
	if code == http.StatusForbidden && e.Blocked != nil {
		alt = e.Blocked
	}
	switch {
	case alt != nil:
		alt, err := alt.row(row.UpdateID)
		if err != nil {
			return d.setAside(ctx, row, e, err.Error()), nil
		}
		r.Fallback = &alt
		outcome = OutcomeReplaced
	case e.Refusable && outcome == OutcomeFailed:
		outcome = OutcomeRefused
	}
	var queued *store.Effect
	if err := d.record(ctx, func(ctx context.Context) (err error) {
		queued, err = d.st.EffectFailed(ctx, row.ID, r)
		return err
	}); err != nil {
		d.log.Error("cannot record a refused effect", "effect_id", row.ID, "err", err)
		return false, nil
	}
	d.count(outcome)
	log := d.log.With("effect_id", row.ID, "update_id", row.UpdateID, "method", e.Method, "chat_id", e.Chat, "err", cause)
	switch outcome {
	case OutcomeFailed:
		log.Error("telegram refused an effect; set aside")
	case OutcomeBlocked:
		log.Info("the chat does not accept the bot's messages; set aside")
	default:
		log.Debug("telegram refused an effect", "outcome", outcome)
	}
	if queued != nil && queued.ChatID == row.ChatID && !queued.Urgent {
		// In its place in the chat's order: now, in this lane.
		return d.deliver(ctx, *queued)
	}
	if queued != nil {
		// To another chat: that chat's lane takes it.
		d.notified([]int64{queued.ChatID})
		d.Signal()
	}
	return true, nil
}

// setAside keeps an effect that failed for good, with its cause.
func (d *Deliverer) setAside(ctx context.Context, row store.Effect, e Effect, cause string) bool {
	if err := d.record(ctx, func(ctx context.Context) error {
		_, err := d.st.EffectFailed(ctx, row.ID, store.Refusal{Cause: cause})
		return err
	}); err != nil {
		d.log.Error("cannot set an effect aside", "effect_id", row.ID, "err", err)
		return false
	}
	d.count(OutcomeFailed)
	d.log.Error("an effect failed for good; set aside", "effect_id", row.ID, "update_id", row.UpdateID, "method", e.Method, "chat_id", e.Chat, "err", cause)
	return true
}

// record writes an outcome; at shutdown too, since the call was made.
func (d *Deliverer) record(ctx context.Context, write func(ctx context.Context) error) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return write(wctx)
}
