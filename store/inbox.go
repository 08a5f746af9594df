package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Inbox statuses.
const (
	InboxPending = 0
	InboxDone    = 1
	InboxFailed  = 2
	InboxSkipped = 3
)

// InboxChannel is the LISTEN/NOTIFY channel that tells every process new
// updates are waiting.
const InboxChannel = "servicebot_inbox"

// chatLockClass is the first key of the per-chat advisory lock, so that the
// lock space of chats cannot meet other advisory locks (goose, the poller).
const chatLockClass = 7301

// InboxUpdate is one update as received from Telegram.
type InboxUpdate struct {
	UpdateID int64
	ChatKey  int64  // updates with the same key are handled one at a time, in order
	Kind     string // message, callback_query, ... or the unknown kind's name
	Payload  []byte // the update's JSON exactly as received
	Skip     bool   // store it, but there is nothing to handle (unknown kinds)
}

// Added is what AddUpdates stored.
type Added struct {
	New  int       // updates not stored before
	Work []Pending // the new ones to be handled, in update_id order
}

// AddUpdates stores a batch in one statement. Updates already stored are left
// as they are, so Telegram redelivering a batch handles nothing twice. It
// returns what was new. Waiting workers everywhere are notified on commit;
// the caller tells its own (Listen leaves out this Store's notifications).
func (s *Store) AddUpdates(ctx context.Context, ups []InboxUpdate) (Added, error) {
	var out Added
	if len(ups) == 0 {
		return out, nil
	}
	ids := make([]int64, len(ups))
	keys := make([]int64, len(ups))
	kinds := make([]string, len(ups))
	payloads := make([]string, len(ups))
	statuses := make([]int64, len(ups))
	for i, u := range ups {
		ids[i], keys[i], kinds[i], payloads[i] = u.UpdateID, u.ChatKey, u.Kind, string(u.Payload)
		if u.Skip {
			statuses[i] = InboxSkipped
		}
	}
	var added []struct {
		Pending
		Status int `db:"status"`
	}
	err := s.db.SelectContext(ctx, &added, `
		WITH ins AS (
			INSERT INTO inbox (update_id, chat_key, kind, payload, status, handled_at)
			SELECT u.id, u.key, u.kind, u.payload::json, u.status,
			       CASE WHEN u.status = 0 THEN NULL ELSE now() END
			FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::smallint[])
			     AS u(id, key, kind, payload, status)
			ORDER BY u.id
			ON CONFLICT (update_id) DO NOTHING
			RETURNING update_id, chat_key, status
		), notified AS (
			SELECT pg_notify($6, $7) WHERE EXISTS (SELECT 1 FROM ins)
		)
		SELECT chat_key, update_id AS head, update_id AS last, status
		FROM ins, (SELECT count(*) FROM notified) n
		ORDER BY update_id`,
		pq.Array(ids), pq.Array(keys), pq.Array(kinds), pq.Array(payloads), pq.Array(statuses), InboxChannel, s.origin,
	)
	if err != nil {
		return Added{}, fmt.Errorf("store: unable to store updates: %w", err)
	}
	out.New = len(added)
	for _, a := range added {
		if a.Status == InboxPending {
			out.Work = append(out.Work, a.Pending)
		}
	}
	return out, nil
}

// SetAsideUpdate stores, in place of an update the database refused to
// store (invalid text, SQLSTATE class 22), a row that keeps only its id,
// chat and kind, marked failed with the reason: intake goes on with the
// updates after it, and the id is still recognised if Telegram sends it
// again. It reports whether the row is new.
func (s *Store) SetAsideUpdate(ctx context.Context, u InboxUpdate, reason string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO inbox (update_id, chat_key, kind, payload, status, handled_at, last_error)
		VALUES ($1, $2, $3, json_build_object('update_id', $1::bigint), $4, now(), $5)
		ON CONFLICT (update_id) DO NOTHING`,
		u.UpdateID, u.ChatKey, u.Kind, InboxFailed, reason)
	if err != nil {
		return false, fmt.Errorf("store: unable to set aside update %d: %w", u.UpdateID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ChangedRedeliveries returns the ids of ups that are stored already with
// other content than ups carries: an update id Telegram used again for
// something else, which the inbox keeps as it first came.
func (s *Store) ChangedRedeliveries(ctx context.Context, ups []InboxUpdate) ([]int64, error) {
	ids := make([]int64, len(ups))
	payloads := make([]string, len(ups))
	for i, u := range ups {
		ids[i], payloads[i] = u.UpdateID, string(u.Payload)
	}
	var out []int64
	err := s.db.SelectContext(ctx, &out, `
		SELECT i.update_id
		FROM inbox i
		JOIN unnest($1::bigint[], $2::text[]) AS u(id, payload) ON u.id = i.update_id
		WHERE i.payload::text <> u.payload
		ORDER BY i.update_id`, pq.Array(ids), pq.Array(payloads))
	if err != nil {
		return nil, fmt.Errorf("store: unable to compare redelivered updates: %w", err)
	}
	return out, nil
}

// Claimed is a pending update taken for handling, with its chat locked.
type Claimed struct {
	UpdateID int64  `db:"update_id"`
	ChatKey  int64  `db:"chat_key"`
	Kind     string `db:"kind"`
	Payload  []byte `db:"payload"`
	Attempts int    `db:"attempts"`
	// Seen is the user whose private chat this is, read with the claim,
	// when they are active and were recorded as seen within SeenWithin:
	// their turn need not record them again (see TouchUser). Nil
	// otherwise (a group, a new or inactive user, one not seen lately).
	Seen *User `db:"-"`
}

// SeenWithin is how often a user who keeps writing is recorded as seen:
// their row is written once in this time, not on every update.
const SeenWithin = time.Hour

// claimedRow is a claim as read, with its chat's user.
type claimedRow struct {
	Claimed
	UserID       *int64  `db:"user_id"`
	Language     *string `db:"language"`
	StartPayload *string `db:"start_payload"`
}

func (r claimedRow) claimed() Claimed {
	c := r.Claimed
	if r.UserID != nil {
		c.Seen = &User{ID: *r.UserID, Language: deref(r.Language), Active: true, StartPayload: deref(r.StartPayload)}
	}
	return c
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// seenUser joins a claimed update h to its private chat's user, when
// active and seen within SeenWithin.
var seenUser = fmt.Sprintf(`
		LEFT JOIN users u ON u.id = h.chat_key AND h.chat_key > 0 AND u.active
		                  AND u.seen_at > now() - interval '%d seconds'`, int(SeenWithin/time.Second))

// Pending is a chat with work: its oldest pending update is due.
type Pending struct {
	Chat int64 `db:"chat_key"`
	Head int64 `db:"head"` // the update to be taken next
	Last int64 `db:"last"` // the chat's latest pending update
}

// PendingChats lists up to limit chats whose oldest pending update is due,
// oldest first: the work there is to do. A chat whose oldest update waits
// for a retry is left out, since its later updates wait behind it.
func (s *Store) PendingChats(ctx context.Context, limit int) ([]Pending, error) {
	var out []Pending
	err := s.db.SelectContext(ctx, &out, `
		SELECT chat_key, head,
		       (SELECT max(update_id) FROM inbox i WHERE i.chat_key = h.chat_key AND status = 0) AS last
		FROM (
			SELECT DISTINCT ON (chat_key) chat_key, update_id AS head, not_before
			FROM inbox WHERE status = 0
			ORDER BY chat_key, update_id
		) h
		WHERE not_before <= now()
		ORDER BY head
		LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the chats with work: %w", err)
	}
	return out, nil
}

// ClaimChats takes, inside tx, the oldest pending update of each of the
// chats (which must be distinct), and locks those chats until tx ends, so
// one chat's updates are handled one at a time and in update_id order,
// whatever the number of workers and processes. A chat is left out when
// another transaction holds it, when it has nothing pending, or when its
// oldest pending update is not yet due. The updates come in the chats'
// order; idle lists the chats locked with nothing to take (they stay
// locked until tx ends too). Two statements, whatever the number of chats.
func (s *Store) ClaimChats(ctx context.Context, tx *sqlx.Tx, chats []int64) (claimed []Claimed, idle []int64, err error) {
	if len(chats) == 0 {
		return nil, nil, nil
	}
	if len(chats) == 1 {
		return s.claimChat(ctx, tx, chats[0])
	}
	lock, err := s.prepared(ctx, tx, `
		SELECT k FROM unnest($2::bigint[]) AS k WHERE pg_try_advisory_xact_lock($1, hashint8(k))`)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to lock chats: %w", err)
	}
	defer lock.Close()
	var locked []int64
	if err := lock.SelectContext(ctx, &locked, chatLockClass, pq.Array(chats)); err != nil {
		return nil, nil, fmt.Errorf("store: unable to lock chats: %w", err)
	}
	if len(locked) == 0 {
		return nil, nil, nil
	}
	// A new statement, so a snapshot taken under the locks: whatever each
	// chat's previous holder committed is seen. The arrays are read through
	// (SELECT $1) here and in FinishUpdates: PostgreSQL then cannot see how
	// long they are when planning, keeps one generic plan for every batch
	// instead of planning each call anew, and the plan does not change with
	// the batch's size (planned per call, the finish sometimes took 3 ms).
	head, err := s.prepared(ctx, tx, `
		SELECT h.update_id, h.chat_key, h.kind, h.payload::text AS payload, h.attempts,
		       u.id AS user_id, u.language, u.start_payload
		FROM unnest((SELECT $1::bigint[])) WITH ORDINALITY AS k(key, n)
		CROSS JOIN LATERAL (
			SELECT update_id, chat_key, kind, payload, attempts, not_before
			FROM inbox WHERE chat_key = k.key AND status = 0
			ORDER BY update_id LIMIT 1
		) h`+seenUser+`
		WHERE h.not_before <= now()
		ORDER BY k.n`)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to claim updates: %w", err)
	}
	defer head.Close()
	var rows []claimedRow
	if err := head.SelectContext(ctx, &rows, pq.Array(locked)); err != nil {
		return nil, nil, fmt.Errorf("store: unable to claim updates: %w", err)
	}
	for _, r := range rows {
		claimed = append(claimed, r.claimed())
	}
	for _, chat := range locked {
		if !slices.ContainsFunc(claimed, func(c Claimed) bool { return c.ChatKey == chat }) {
			idle = append(idle, chat)
		}
	}
	return claimed, idle, nil
}

// claimChat is ClaimChats for one chat, with statements of their own: the
// array statements' plans are made for many chats, and PostgreSQL plans
// them anew for each call with one (about twice the cost in all).
func (s *Store) claimChat(ctx context.Context, tx *sqlx.Tx, chat int64) (claimed []Claimed, idle []int64, err error) {
	lock, err := s.prepared(ctx, tx, `SELECT pg_try_advisory_xact_lock($1, hashint8($2))`)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to lock chat %d: %w", chat, err)
	}
	defer lock.Close()
	var locked bool
	if err := lock.QueryRowxContext(ctx, chatLockClass, chat).Scan(&locked); err != nil {
		return nil, nil, fmt.Errorf("store: unable to lock chat %d: %w", chat, err)
	}
	if !locked {
		return nil, nil, nil
	}
	// A new statement, so a snapshot taken under the lock.
	head, err := s.prepared(ctx, tx, `
		SELECT h.update_id, h.chat_key, h.kind, h.payload::text AS payload, h.attempts, h.not_before <= now() AS due,
		       u.id AS user_id, u.language, u.start_payload
		FROM (
			SELECT update_id, chat_key, kind, payload, attempts, not_before
			FROM inbox WHERE chat_key = $1 AND status = 0
			ORDER BY update_id LIMIT 1
		) h`+seenUser)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to claim an update of chat %d: %w", chat, err)
	}
	defer head.Close()
	var c struct {
		claimedRow
		Due bool `db:"due"`
	}
	err = head.GetContext(ctx, &c, chat)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !c.Due {
		return nil, []int64{chat}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to claim an update of chat %d: %w", chat, err)
	}
	return []Claimed{c.claimed()}, nil, nil
}

// Finished is an update handled, with the status to record
// (InboxDone or InboxSkipped).
type Finished struct {
	UpdateID int64
	ChatKey  int64
	Status   int
}

// FinishUpdates records, inside the handlers' transaction, that the updates
// were handled, and writes the effects their turns decided, so that both
// commit with what the handlers wrote (see AddEffects: no NOTIFY). by names
// the process, for operators running several. It returns the chats that
// have a later update pending, to be taken next. One statement, whatever
// the batch holds (two when an effect carries a file).
func (s *Store) FinishUpdates(ctx context.Context, tx *sqlx.Tx, done []Finished, effects []Effect, by string) (more []int64, err error) {
	if len(done) == 0 {
		return nil, AddEffects(ctx, tx, effects)
	}
	fx := effectArrays(effects)
	if fx.files {
		if err := AddEffects(ctx, tx, effects); err != nil {
			return nil, err
		}
		fx = effectArrays(nil)
	}
	if len(done) == 1 {
		return s.finishUpdate(ctx, tx, done[0], fx, by)
	}
	ids := make([]int64, len(done))
	statuses := make([]int64, len(done))
	chats := make([]int64, len(done))
	for i, f := range done {
		ids[i], statuses[i], chats[i] = f.UpdateID, int64(f.Status), f.ChatKey
	}
	// The chat each update was claimed for, not the row's: a turn of the
	// report flow has scrubbed its update of the chat.
	finish, err := s.prepared(ctx, tx, `
		WITH done AS (
			UPDATE inbox i SET status = u.status, attempts = i.attempts + 1, handled_at = now(),
			       handled_seq = nextval('inbox_handled_seq'), last_error = NULL, handled_by = $3
			FROM unnest((SELECT $1::bigint[]), (SELECT $2::smallint[]), (SELECT $9::bigint[])) AS u(id, status, chat)
			WHERE i.update_id = u.id
			RETURNING u.chat AS chat_key, i.update_id
		), fx AS (`+insertEffects(4)+`)
		SELECT d.chat_key FROM done d
		WHERE EXISTS (SELECT 1 FROM inbox
		              WHERE chat_key = d.chat_key AND status = 0 AND update_id > d.update_id)`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to finish updates %v: %w", ids, err)
	}
	defer finish.Close()
	if err := finish.SelectContext(ctx, &more, append(append([]any{pq.Array(ids), pq.Array(statuses), by}, fx.args()...), pq.Array(chats))...); err != nil {
		return nil, fmt.Errorf("store: unable to finish updates %v: %w", ids, err)
	}
	return more, nil
}

// finishUpdate is FinishUpdates for one update (see claimChat).
func (s *Store) finishUpdate(ctx context.Context, tx *sqlx.Tx, f Finished, fx effectRows, by string) (more []int64, err error) {
	finish, err := s.prepared(ctx, tx, `
		WITH done AS (
			UPDATE inbox SET status = $2, attempts = attempts + 1, handled_at = now(),
			       handled_seq = nextval('inbox_handled_seq'), last_error = NULL, handled_by = $3
			WHERE update_id = $1
			RETURNING update_id
		), fx AS (`+insertEffects(4)+`)
		SELECT EXISTS (SELECT 1 FROM inbox
		               WHERE chat_key = $9 AND status = 0 AND update_id > (SELECT update_id FROM done))`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to finish update %d: %w", f.UpdateID, err)
	}
	defer finish.Close()
	var next bool
	if err := finish.QueryRowxContext(ctx, append(append([]any{f.UpdateID, f.Status, by}, fx.args()...), f.ChatKey)...).Scan(&next); err != nil {
		return nil, fmt.Errorf("store: unable to finish update %d: %w", f.UpdateID, err)
	}
	if next {
		more = []int64{f.ChatKey}
	}
	return more, nil
}

// RetryUpdate records a failed attempt; the update is tried again after
// backoff. counted is false for outages (Telegram or the database away),
// which are waited out without limit. It runs in the handler's transaction,
// after a rollback to the savepoint before the handler, so the chat stays
// locked and no other worker takes the update meanwhile.
func RetryUpdate(ctx context.Context, q sqlx.ExecerContext, updateID int64, cause string, backoff time.Duration, counted bool) error {
	inc := 0
	if counted {
		inc = 1
	}
	_, err := q.ExecContext(ctx, `
		UPDATE inbox SET attempts = attempts + $4, last_error = $2,
		       not_before = now() + $3 * interval '1 millisecond'
		WHERE update_id = $1 AND status = 0`, updateID, cause, backoff.Milliseconds(), inc)
	if err != nil {
		return fmt.Errorf("store: unable to reschedule update %d: %w", updateID, err)
	}
	return nil
}

// FailUpdate marks an update failed for good (a handler panicked on it, or
// it kept failing). Like RetryUpdate it runs in the handler's transaction.
func FailUpdate(ctx context.Context, q sqlx.ExecerContext, updateID int64, cause string) error {
	_, err := q.ExecContext(ctx, `
		UPDATE inbox SET status = 2, attempts = attempts + 1, last_error = $2,
		       handled_at = now(), handled_seq = nextval('inbox_handled_seq')
		WHERE update_id = $1 AND status = 0`, updateID, cause)
	if err != nil {
		return fmt.Errorf("store: unable to mark update %d failed: %w", updateID, err)
	}
	return nil
}

// InboxCounts returns how many updates are in each status.
func (s *Store) InboxCounts(ctx context.Context) (map[int]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM inbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count the inbox: %w", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var st, n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: unable to count the inbox: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// InboxEntry is an update's handling record, for operators and tests.
type InboxEntry struct {
	UpdateID   int64  `db:"update_id"`
	ChatKey    int64  `db:"chat_key"`
	Kind       string `db:"kind"`
	Status     int    `db:"status"`
	Attempts   int    `db:"attempts"`
	HandledSeq int64  `db:"handled_seq"` // the order updates were handled in; 0 until handled
	LastError  string `db:"last_error"`
}

// InboxEntries lists every update in update_id order.
func (s *Store) InboxEntries(ctx context.Context) ([]InboxEntry, error) {
	var out []InboxEntry
	err := s.db.SelectContext(ctx, &out, `
		SELECT update_id, chat_key, kind, status, attempts, coalesce(handled_seq, 0) AS handled_seq,
		       coalesce(last_error, '') AS last_error
		FROM inbox ORDER BY update_id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the inbox: %w", err)
	}
	return out, nil
}

// albumLookBack bounds how many updates before a part of an album the
// others are looked for: an album's parts come within a second or so.
const albumLookBack = 5000

// earlierParts selects the inbox rows of the parts of album $2 (its
// media_group_id) in chat $1 that came before update $3, among the
// albumLookBack ($4) updates before it.
const earlierParts = `FROM inbox WHERE update_id < $3 AND update_id > $3 - $4 AND chat_key = $1
		  AND coalesce(payload->'message', payload->'edited_message')->>'media_group_id' = $2`

// AlbumCaptionedNote tells whether an earlier part of the album group (its
// media_group_id) in chat, received before update, carries a caption that
// starts with «//»: then the whole album is a note among staff, though
// only its first part says so.
func AlbumCaptionedNote(ctx context.Context, q sqlx.QueryerContext, chat int64, group string, before int64) (bool, error) {
	var noted bool
	err := sqlx.GetContext(ctx, q, &noted, `SELECT EXISTS (SELECT 1 `+earlierParts+`
		  AND ltrim(coalesce(payload->'message', payload->'edited_message')->>'caption') LIKE '//%')`, chat, group, before, albumLookBack)
	if err != nil {
		return false, fmt.Errorf("store: unable to read the album %s of chat %d: %w", group, chat, err)
	}
	return noted, nil
}

// AlbumEarlierPart tells whether an earlier part of the album group (its
// media_group_id) in chat came before update: the album is answered once,
// at its first part.
func AlbumEarlierPart(ctx context.Context, q sqlx.QueryerContext, chat int64, group string, before int64) (bool, error) {
	var earlier bool
	err := sqlx.GetContext(ctx, q, &earlier, `SELECT EXISTS (SELECT 1 `+earlierParts+`)`, chat, group, before, albumLookBack)
	if err != nil {
		return false, fmt.Errorf("store: unable to read the album %s of chat %d: %w", group, chat, err)
	}
	return earlier, nil
}

// WithdrawAlbumEffects deletes the effects not yet delivered that turns
// of the earlier parts of the album group in chat (before update) made:
// a later part turned out to be a note among staff («//»), and the whole
// album is. It reports how many were taken back.
func WithdrawAlbumEffects(ctx context.Context, tx *sqlx.Tx, chat int64, group string, before int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE update_id IN (SELECT update_id `+earlierParts+`)`, chat, group, before, albumLookBack)
	if err != nil {
		return 0, fmt.Errorf("store: unable to withdraw the album %s of chat %d: %w", group, chat, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
