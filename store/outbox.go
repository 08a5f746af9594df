package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Outbox statuses.
const (
	EffectPending  = 0
	EffectSent     = 1 // no longer kept: a delivered effect's row is deleted (see recordSent)
	EffectFailed   = 2 // failed for good; kept with its error for operators
	EffectReplaced = 3 // refused for good; its fallback was queued instead
)

// OutboxChannel is the LISTEN/NOTIFY channel that wakes the deliverer in
// another process after a transaction that added effects has committed
// (see NotifyEffects).
const OutboxChannel = "servicebot_outbox"

// Effect is something a turn (or a background job) decided should happen
// in Telegram. It is written in the caller's transaction, so it exists only
// if that transaction commits, and is delivered after, in id order per
// chat. The store does not read Body: it is the deliverer's to encode.
type Effect struct {
	ID        int64     `db:"id"`
	ChatID    int64     `db:"chat_id"`   // where it goes: effects to one chat keep their order
	Urgent    bool      `db:"urgent"`    // delivered ahead of the queue (callback answers)
	Body      []byte    `db:"body"`      // JSON
	File      []byte    `db:"file"`      // a document's content, if any
	UpdateID  int64     `db:"update_id"` // the update whose turn decided it; 0: a background job
	Attempts  int       `db:"attempts"`
	NotBefore time.Time `db:"not_before"`
	// Hold keeps a new effect from being delivered until that long after
	// its transaction began (not_before): an album's part waits for the
	// other parts to be decided. Only AddEffects reads it.
	Hold time.Duration `db:"-"`
}

// AddEffects writes effects in tx (one statement). It sends no NOTIFY: a
// NOTIFY in the turn's transaction would make every such commit wait for
// the others (PostgreSQL serializes the commits of notifying transactions);
// the caller wakes the deliverer once tx has committed.
func AddEffects(ctx context.Context, tx sqlx.ExecerContext, effects []Effect) error {
	if len(effects) == 0 {
		return nil
	}
	// Files are few and travel one by one; the rest goes as arrays.
	var err error
	if fx := effectArrays(effects); fx.files {
		for _, e := range effects {
			_, err = tx.ExecContext(ctx, `
				INSERT INTO outbox (chat_id, urgent, body, file, update_id, not_before)
				VALUES ($1, $2, $3::json, $4, $5, now() + $6 * interval '1 millisecond')`,
				e.ChatID, e.Urgent, string(e.Body), e.File, nullInt(e.UpdateID), e.Hold.Milliseconds())
			if err != nil {
				break
			}
		}
	} else {
		_, err = tx.ExecContext(ctx, insertEffects(1), fx.args()...)
	}
	if err != nil {
		return fmt.Errorf("store: unable to keep %d effects: %w", len(effects), err)
	}
	return nil
}

// insertEffects is the statement that writes effects without files, in
// their order, from the arrays of effectRows.args passed as parameters
// $first to $first+4. The arrays are read through (SELECT $n), as in
// FinishUpdates: one generic plan, whatever their length.
func insertEffects(first int) string {
	return fmt.Sprintf(`
	INSERT INTO outbox (chat_id, urgent, body, update_id, not_before)
	SELECT e.chat, e.urgent, e.body::json, nullif(e.update_id, 0), now() + e.hold * interval '1 millisecond'
	FROM unnest((SELECT $%d::bigint[]), (SELECT $%d::boolean[]), (SELECT $%d::text[]), (SELECT $%d::bigint[]), (SELECT $%d::bigint[]))
	     WITH ORDINALITY AS e(chat, urgent, body, update_id, hold, n)
	ORDER BY e.n`, first, first+1, first+2, first+3, first+4)
}

// effectRows are effects as the arrays insertEffects takes.
type effectRows struct {
	chats, updates, holds []int64
	urgent                []bool
	bodies                []string
	files                 bool // some effect carries a file: they go one by one
}

func effectArrays(effects []Effect) effectRows {
	fx := effectRows{
		chats: make([]int64, len(effects)), updates: make([]int64, len(effects)), holds: make([]int64, len(effects)),
		urgent: make([]bool, len(effects)), bodies: make([]string, len(effects)),
	}
	for i, e := range effects {
		fx.chats[i], fx.urgent[i], fx.bodies[i], fx.updates[i] = e.ChatID, e.Urgent, string(e.Body), e.UpdateID
		fx.holds[i] = e.Hold.Milliseconds()
		fx.files = fx.files || e.File != nil
	}
	return fx
}

func (fx effectRows) args() []any {
	return []any{pq.Array(fx.chats), pq.Array(fx.urgent), pq.Array(fx.bodies), pq.Array(fx.updates), pq.Array(fx.holds)}
}

// NotifyEffects tells the deliverer, in whichever process it runs, that
// effects for chats have committed. It is a transaction of its own, after
// the commit, so that it holds up no other.
func (s *Store) NotifyEffects(ctx context.Context, chats []int64) error {
	if _, err := s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, OutboxChannel, chatList(chats)); err != nil {
		return fmt.Errorf("store: unable to notify the deliverer: %w", err)
	}
	return nil
}

// chatList names the chats for the deliverer's notification: distinct
// ids joined by commas.
func chatList(chats []int64) string {
	var b strings.Builder
	seen := map[int64]bool{}
	for _, c := range chats {
		if seen[c] {
			continue
		}
		seen[c] = true
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(c, 10))
	}
	return b.String()
}

// ChatsToDeliver lists up to limit chats whose first pending effect is
// due, oldest first, leaving out the chats in busy (being delivered to).
func (s *Store) ChatsToDeliver(ctx context.Context, busy []int64, limit int) ([]int64, error) {
	var out []int64
	busy = append(make([]int64, 0, len(busy)), busy...) // never NULL: <> ALL(NULL) matches nothing
	err := s.db.SelectContext(ctx, &out, `
		SELECT chat_id FROM (
			SELECT DISTINCT ON (chat_id) chat_id, id, not_before
			FROM outbox WHERE status = 0
			ORDER BY chat_id, urgent DESC, id
		) head
		WHERE not_before <= now() AND chat_id <> ALL($1::bigint[])
		ORDER BY id
		LIMIT $2`, pq.Array(busy), limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the chats with effects: %w", err)
	}
	return out, nil
}

const effectColumns = `id, chat_id, urgent, body, file, coalesce(update_id, 0) AS update_id, attempts, not_before`

// EffectsOf returns up to perChat pending effects of each of chats, in one
// query: for each chat, urgent ones (callback answers) first, then in order.
func (s *Store) EffectsOf(ctx context.Context, chats []int64, perChat int) (map[int64][]Effect, error) {
	var out []Effect
	st, err := s.statement(ctx, `SELECT e.* FROM unnest((SELECT $1::bigint[])) AS c(chat_id)
		CROSS JOIN LATERAL (
			SELECT `+effectColumns+` FROM outbox
			WHERE status = 0 AND chat_id = c.chat_id ORDER BY urgent DESC, id LIMIT $2
		) e`)
	if err == nil {
		err = st.SelectContext(ctx, &out, pq.Array(chats), perChat)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the effects for %d chats: %w", len(chats), err)
	}
	byChat := make(map[int64][]Effect, len(chats))
	for _, e := range out {
		byChat[e.ChatID] = append(byChat[e.ChatID], e) // in the order read: the chat's
	}
	return byChat, nil
}

// Delivered is what Telegram answered to an effect: the message it made
// (or 0), and its topic (or 0).
type Delivered struct {
	MessageID int64
	ThreadID  int64
}

// Sent is an effect delivered, to be recorded: what Telegram made and the
// slot that keeps it (when the effect names one).
type Sent struct {
	ID   int64
	Got  Delivered
	Slot *Slot
}

// SentLog records delivered effects on a connection of its own (the
// deliverer's), with its statement prepared once on it. Its session
// settings are the caller's to choose.
type SentLog struct {
	conn  *sql.Conn
	stmt  *sql.Stmt // recordSent
	plain *sql.Stmt // deleteSent
}

// NewSentLog records on conn.
func NewSentLog(conn *sql.Conn) *SentLog { return &SentLog{conn: conn} }

// recordSent deletes the effects delivered and writes their results into
// their slots (see Record for which go together). A delivered effect keeps no row: what it said
// is in Telegram, what later turns need of it is in its slot, and its
// words (a citizen's question copied to the staff, a reply) are not kept
// in the database once sent, whoever it went to; deleting also costs
// PostgreSQL less than keeping a new version of the row. A slot that
// already keeps the id (an edit of the message it names) is not written:
// its row is not locked, so the record does not wait for a turn that is
// changing the same row. Rows are found by their primary keys (= ANY),
// never by a join the planner might make a scan of.
var recordSent = `
	WITH gone AS (
		DELETE FROM outbox WHERE id = ANY ($1::bigint[])
	), s AS (
		SELECT * FROM unnest((SELECT $2::text[]), (SELECT $3::bigint[]), (SELECT $4::bigint[])) AS s(kind, key, val)
	)` + slotWrites + `
	SELECT 1`

// deleteSent is recordSent for effects whose result goes to no slot.
const deleteSent = `DELETE FROM outbox WHERE id = ANY ($1::bigint[])`

// slotWrites are recordSent's writes into the slots, one per kind: each
// row by its primary key, whatever the planner knows of the table.
var slotWrites = func() string {
	var b strings.Builder
	for _, w := range []struct{ kind, table, column string }{
		{SlotTicketThread, "tickets", "thread_id"},
		{SlotTicketCard, "tickets", "card_message_id"},
		{SlotStaffCopy, "ticket_messages", "staff_message_id"},
		{SlotCitizenCopy, "ticket_messages", "citizen_message_id"},
		{SlotReportPost, "integrity_reports", "chat_message_id"},
		{SlotReportMessage, "integrity_messages", "chat_message_id"},
		{SlotDraftMessage, "responses", "message_id"},
		{SlotReportPrompt, "integrity_dialogs", "prompt_message_id"},
	} {
		fmt.Fprintf(&b, `, %[4]s AS (
		UPDATE %[2]s t SET %[3]s = v.val
		FROM (SELECT key, val FROM s WHERE kind = '%[1]s') v
		WHERE t.id = ANY (ARRAY(SELECT key FROM s WHERE kind = '%[1]s')) AND t.id = v.key
		  AND t.%[3]s IS DISTINCT FROM v.val
	)`, w.kind, w.table, w.column, "w_"+strings.NewReplacer(".", "_").Replace(w.kind))
	}
	b.WriteString(`, w_reviews AS (
		INSERT INTO bot_state (key, value) SELECT 'reviews_thread', val::text FROM s WHERE kind = '` + SlotReviewsThread + `'
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE bot_state.value IS DISTINCT FROM excluded.value
	)`)
	return b.String()
}()

// Record records effects as delivered (see recordSent): those whose result
// goes to no slot in one statement, the others one by one.
func (l *SentLog) Record(ctx context.Context, sent []Sent) error {
	if len(sent) == 0 {
		return nil
	}
	if l.stmt == nil {
		st, err := l.conn.PrepareContext(ctx, recordSent)
		if err != nil {
			return fmt.Errorf("store: unable to prepare the record of effects sent: %w", err)
		}
		plain, err := l.conn.PrepareContext(ctx, deleteSent)
		if err != nil {
			st.Close()
			return fmt.Errorf("store: unable to prepare the record of effects sent: %w", err)
		}
		l.stmt, l.plain = st, plain
	}
	// Effects whose result goes to no slot are recorded together: their
	// statement only deletes outbox rows, which no turn waits for. Each
	// one whose result goes to a slot is recorded alone, with its row's
	// deletion, in a transaction of its own: the slot's row may be
	// locked by a batch of turns (a questionnaire being answered), and a
	// statement that locked one such row while waiting for another could
	// deadlock with a batch that holds the second and wants the first.
	// Alone, it holds nothing a turn waits for, and only waits.
	var plain []int64
	type slotWrite struct {
		id       int64
		kind     string
		key, val int64
	}
	var slotted []slotWrite
	for _, r := range sent {
		if r.Slot == nil {
			plain = append(plain, r.ID)
			continue
		}
		q, ok := slots[r.Slot.Kind]
		if !ok {
			return fmt.Errorf("store: no slot %q", r.Slot.Kind)
		}
		v := r.Got.MessageID
		if q.thread {
			v = r.Got.ThreadID
		}
		if v == 0 {
			plain = append(plain, r.ID)
			continue
		}
		slotted = append(slotted, slotWrite{r.ID, r.Slot.Kind, r.Slot.Key, v})
	}
	if len(plain) > 0 {
		if _, err := l.plain.ExecContext(ctx, pq.Array(plain)); err != nil {
			return fmt.Errorf("store: unable to record %d effects as sent: %w", len(plain), err)
		}
	}
	for _, w := range slotted {
		_, err := l.stmt.ExecContext(ctx, pq.Array([]int64{w.id}), pq.Array([]string{w.kind}), pq.Array([]int64{w.key}), pq.Array([]int64{w.val}))
		if err != nil {
			return fmt.Errorf("store: unable to record effect %d as sent: %w", w.id, err)
		}
	}
	return nil
}

// RetryEffect records a failed attempt; the effect is tried again after
// backoff, and the chat's later effects wait behind it. counted is false
// when Telegram only asked to wait (429): that is no attempt used up.
func (s *Store) RetryEffect(ctx context.Context, id int64, cause string, backoff time.Duration, counted bool) error {
	inc := 0
	if counted {
		inc = 1
	}
	_, err := s.db.ExecContext(ctx, `
		UPDATE outbox SET attempts = attempts + $4, last_error = $2,
		       not_before = now() + $3 * interval '1 millisecond'
		WHERE id = $1 AND status = 0`, id, cause, backoff.Milliseconds(), inc)
	if err != nil {
		return fmt.Errorf("store: unable to reschedule effect %d: %w", id, err)
	}
	return nil
}

// Refusal is how an effect ended that Telegram will not accept.
type Refusal struct {
	Cause    string
	Fallback *Effect // queued in its place, when set (the effect is then "replaced")
	Inactive int64   // a citizen to mark inactive (they blocked the bot), when set
}

// EffectFailed sets an effect aside for good with its cause, and in the
// same transaction queues its fallback and marks the citizen inactive. It
// returns the fallback as stored (with its id), if there is one.
func (s *Store) EffectFailed(ctx context.Context, id int64, r Refusal) (*Effect, error) {
	var alt *Effect
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		status := EffectFailed
		if r.Fallback != nil {
			status = EffectReplaced
		}
		// As in EffectsSent, a "forget" effect leaves no row.
		_, err := tx.ExecContext(ctx, `
			WITH gone AS (DELETE FROM outbox WHERE id = $1 AND body->>'forget' = 'true')
			UPDATE outbox SET status = $2, attempts = attempts + 1, done_at = now(), last_error = $3
			WHERE id = $1 AND body->>'forget' IS NULL`, id, status, r.Cause)
		if err != nil {
			return fmt.Errorf("store: unable to set effect %d aside: %w", id, err)
		}
		if r.Inactive != 0 {
			if err := SetUserActive(ctx, tx, r.Inactive, false); err != nil {
				return err
			}
		}
		if r.Fallback != nil {
			f := *r.Fallback
			err := tx.GetContext(ctx, &f.ID, `
				INSERT INTO outbox (chat_id, urgent, body, file, update_id) VALUES ($1, $2, $3::json, $4, $5)
				RETURNING id`, f.ChatID, f.Urgent, string(f.Body), f.File, nullInt(f.UpdateID))
			if err != nil {
				return fmt.Errorf("store: unable to queue the fallback of effect %d: %w", id, err)
			}
			alt = &f
		}
		return nil
	})
	return alt, err
}

// OutboxEntry is an effect's delivery record, for operators and tests.
type OutboxEntry struct {
	ID        int64  `db:"id"`
	ChatID    int64  `db:"chat_id"`
	Body      string `db:"body"`
	UpdateID  int64  `db:"update_id"` // the update whose turn decided it; 0: a background job
	Status    int    `db:"status"`
	Attempts  int    `db:"attempts"`
	MessageID int64  `db:"message_id"` // what Telegram made; 0: nothing (yet)
	LastError string `db:"last_error"` // Telegram's last refusal or the last network error
}

// OutboxEntries lists the effects in the given statuses (all when none
// given), in id order.
func (s *Store) OutboxEntries(ctx context.Context, statuses ...int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	statuses = append(make([]int, 0, len(statuses)), statuses...) // never NULL
	err := s.db.SelectContext(ctx, &out, `
		SELECT id, chat_id, body::text AS body, coalesce(update_id, 0) AS update_id, status, attempts,
		       coalesce(message_id, 0) AS message_id, coalesce(last_error, '') AS last_error
		FROM outbox WHERE cardinality($1::smallint[]) = 0 OR status = ANY($1::smallint[])
		ORDER BY id`, pq.Array(statuses))
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the outbox: %w", err)
	}
	return out, nil
}

// OutboxPending counts the effects not yet delivered.
func (s *Store) OutboxPending(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM outbox WHERE status = 0`); err != nil {
		return 0, fmt.Errorf("store: unable to count the outbox: %w", err)
	}
	return n, nil
}

// RequeueEffect puts an effect that failed for good back in its chat's
// queue (an operator's decision, once the cause is mended): the
// deliverer sends it within a second or so. It reports whether there was
// such an effect.
func (s *Store) RequeueEffect(ctx context.Context, id int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE outbox SET status = 0, attempts = 0, not_before = now(), created_at = now(), done_at = NULL, last_error = NULL
		WHERE id = $1 AND status = 2`, id)
	if err != nil {
		return false, fmt.Errorf("store: unable to queue effect %d again: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RequeueEffects queues again, each in its chat's queue, every effect set
// aside for good, or only those of method (when not "") to chat (when not
// 0); it returns how many.
func (s *Store) RequeueEffects(ctx context.Context, method string, chat int64) (int64, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE outbox SET status = 0, attempts = 0, not_before = now(), created_at = now(), done_at = NULL, last_error = NULL
		WHERE status = 2 AND ($1 = '' OR body->>'m' = $1) AND ($2::bigint = 0 OR chat_id = $2::bigint)`, method, chat)
	if err != nil {
		return 0, fmt.Errorf("store: unable to queue effects again: %w", err)
	}
	return res.RowsAffected()
}

// A Slot is the place in the database that keeps the id Telegram gives to
// what an effect makes (a message, a topic), for later turns to find it. An
// effect names the slot its result goes to, and a later effect may name the
// slot it takes an id from: since effects to one chat are delivered in
// order, the slot is filled by then.
type Slot struct {
	Kind string `json:"k"`
	Key  int64  `json:"id,omitempty"`
}

// Slot kinds.
const (
	SlotTicketThread  = "ticket.thread"  // a ticket's topic in the staff chat
	SlotTicketCard    = "ticket.card"    // a ticket's card in the staff chat
	SlotStaffCopy     = "tmsg.staff"     // a ticket message's copy in the staff chat
	SlotCitizenCopy   = "tmsg.citizen"   // a moderator's message as the citizen got it
	SlotReportPost    = "report.post"    // an integrity report's post in the integrity chat
	SlotReportMessage = "report.msg"     // what followed a report there (answers, evidence)
	SlotDraftMessage  = "draft.message"  // the questionnaire message of a response
	SlotReportPrompt  = "report.prompt"  // a report dialog's message whose buttons wait (Key: the dialog's id)
	SlotReviewsThread = "reviews.thread" // the staff forum's «Reviews» topic (Key unused)
)

// slotSQL is how a slot is read; recordSent writes it.
type slotSQL struct {
	read   string
	table  string // where the slot lives (recordSent changes a row once)
	thread bool   // the slot keeps a topic's thread id, not a message id
}

var slots = map[string]slotSQL{
	SlotTicketThread:  {`SELECT thread_id FROM tickets WHERE id = $1`, "tickets", true},
	SlotTicketCard:    {`SELECT card_message_id FROM tickets WHERE id = $1`, "tickets", false},
	SlotStaffCopy:     {`SELECT staff_message_id FROM ticket_messages WHERE id = $1`, "ticket_messages", false},
	SlotCitizenCopy:   {`SELECT citizen_message_id FROM ticket_messages WHERE id = $1`, "ticket_messages", false},
	SlotReportPost:    {`SELECT chat_message_id FROM integrity_reports WHERE id = $1`, "integrity_reports", false},
	SlotReportMessage: {`SELECT chat_message_id FROM integrity_messages WHERE id = $1`, "integrity_messages", false},
	SlotDraftMessage:  {`SELECT nullif(message_id, 0) FROM responses WHERE id = $1`, "responses", false},
	SlotReportPrompt:  {`SELECT prompt_message_id FROM integrity_dialogs WHERE id = $1`, "integrity_dialogs", false},
	SlotReviewsThread: {`SELECT CASE WHEN value ~ '^[0-9]+$' THEN value::bigint END FROM bot_state WHERE key = 'reviews_thread' AND $1::bigint IS NOT NULL`, "bot_state", true},
}

// ReadSlot returns the id a slot keeps, or 0 when it keeps none (what
// should have filled it failed, or there is nothing there).
func (s *Store) ReadSlot(ctx context.Context, slot Slot) (int64, error) {
	q, ok := slots[slot.Kind]
	if !ok {
		return 0, fmt.Errorf("store: no slot %q", slot.Kind)
	}
	var v sql.NullInt64
	err := s.db.GetContext(ctx, &v, q.read, slot.Key)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("store: unable to read %s %d: %w", slot.Kind, slot.Key, err)
	}
	return v.Int64, nil
}
