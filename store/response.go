package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"servicebot/dialogs"
)

// Response is one person's answers to a questionnaire.
type Response struct {
	ID            int64
	Kind          string // mystery, rating
	Questionnaire string
	Version       int
	Pack          string
	UserID        int64 // 0 once the person asked to be forgotten
	Centre        string
	// CentreNote is what the person wrote when their centre was not in
	// the list (Centre is then "").
	CentreNote  string
	Desk        int
	Lang        string
	Answers     dialogs.Answers
	Status      string // draft, submitted
	MessageID   int    // the bot's message being edited in place
	StartedAt   time.Time
	SubmittedAt time.Time
	// TicketID is the request opened or joined for a visitor who asked to
	// be contacted (0: none).
	TicketID int64
	// Paused is a draft put off in words: its typed dialog has ended
	// until a button of its step takes it up again (SetDraftPaused).
	Paused bool
}

type responseRow struct {
	ID            int64         `db:"id"`
	Kind          string        `db:"kind"`
	Questionnaire string        `db:"questionnaire"`
	Version       int           `db:"version"`
	Pack          string        `db:"pack"`
	UserID        sql.NullInt64 `db:"user_id"`
	Centre        string        `db:"centre"`
	CentreNote    string        `db:"centre_note"`
	Desk          sql.NullInt64 `db:"desk"`
	Lang          string        `db:"lang"`
	Answers       []byte        `db:"answers"`
	Status        string        `db:"status"`
	MessageID     int           `db:"message_id"`
	StartedAt     time.Time     `db:"started_at"`
	SubmittedAt   sql.NullTime  `db:"submitted_at"`
	TicketID      sql.NullInt64 `db:"ticket_id"`
	Paused        bool          `db:"paused"`
}

const responseColumns = `id, kind, questionnaire, version, pack, user_id, centre, centre_note, desk, lang, answers::text AS answers,
	status, message_id, started_at, submitted_at, ticket_id, paused`

func (r responseRow) response() (Response, error) {
	out := Response{
		ID: r.ID, Kind: r.Kind, Questionnaire: r.Questionnaire, Version: r.Version, Pack: r.Pack,
		UserID: r.UserID.Int64, Centre: r.Centre, CentreNote: r.CentreNote, Desk: int(r.Desk.Int64), Lang: r.Lang, Status: r.Status,
		MessageID: r.MessageID, StartedAt: r.StartedAt, SubmittedAt: r.SubmittedAt.Time, Answers: dialogs.Answers{},
		TicketID: r.TicketID.Int64, Paused: r.Paused,
	}
	if err := json.Unmarshal(r.Answers, &out.Answers); err != nil {
		return Response{}, fmt.Errorf("store: response %d: answers do not decode: %w", r.ID, err)
	}
	return out, nil
}

// SetResponseTicket links a submitted response to the request opened or
// joined for its visitor.
func SetResponseTicket(ctx context.Context, q sqlx.ExecerContext, responseID, ticketID int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE responses SET ticket_id = $2 WHERE id = $1`, responseID, ticketID); err != nil {
		return fmt.Errorf("store: unable to link response %d to its request: %w", responseID, err)
	}
	return nil
}

func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }

// StartResponse creates a draft, replacing the user's earlier draft of the
// same kind.
func StartResponse(ctx context.Context, q sqlx.ExtContext, r Response) (Response, error) {
	if _, err := q.ExecContext(ctx, `DELETE FROM responses WHERE user_id = $1 AND kind = $2 AND status = 'draft'`, r.UserID, r.Kind); err != nil {
		return Response{}, fmt.Errorf("store: unable to replace a draft: %w", err)
	}
	raw, _ := json.Marshal(r.Answers)
	if r.Answers == nil {
		raw = []byte("{}")
	}
	var row responseRow
	err := sqlx.GetContext(ctx, q, &row, `
		INSERT INTO responses (kind, questionnaire, version, pack, user_id, centre, desk, lang, answers)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING `+responseColumns, r.Kind, r.Questionnaire, r.Version, r.Pack, nullInt(r.UserID), r.Centre, nullInt(int64(r.Desk)), r.Lang, string(raw))
	if err != nil {
		return Response{}, fmt.Errorf("store: unable to start a response: %w", err)
	}
	return row.response()
}

// DraftOf returns the user's draft of a kind, or ErrNotFound.
func DraftOf(ctx context.Context, q sqlx.QueryerContext, userID int64, kind string) (Response, error) {
	var row responseRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+responseColumns+` FROM responses
		WHERE user_id = $1 AND kind = $2 AND status = 'draft'`, userID, kind)
	if err != nil {
		return Response{}, fmt.Errorf("store: unable to fetch the %s draft of user %d: %w", kind, userID, notFound(err))
	}
	return row.response()
}

// GetResponse returns a response by id, or ErrNotFound.
func GetResponse(ctx context.Context, q sqlx.QueryerContext, id int64) (Response, error) {
	var row responseRow
	if err := sqlx.GetContext(ctx, q, &row, `SELECT `+responseColumns+` FROM responses WHERE id = $1`, id); err != nil {
		return Response{}, fmt.Errorf("store: unable to fetch response %d: %w", id, notFound(err))
	}
	return row.response()
}

// SaveDraft stores a draft's answers and centre (or the note in its place)
// after a step. Its message is kept by the outbox when the message is
// delivered (SlotDraftMessage).
func SaveDraft(ctx context.Context, q sqlx.ExecerContext, r Response) error {
	raw, err := json.Marshal(r.Answers)
	if err != nil {
		return fmt.Errorf("store: unable to encode the answers of response %d: %w", r.ID, err)
	}
	_, err = q.ExecContext(ctx, `UPDATE responses SET answers = $2, centre = $3, desk = $4, centre_note = $5 WHERE id = $1 AND status = 'draft'`,
		r.ID, string(raw), r.Centre, nullInt(int64(r.Desk)), r.CentreNote)
	if err != nil {
		return fmt.Errorf("store: unable to save response %d: %w", r.ID, err)
	}
	return nil
}

// SetDraftPaused marks the user's draft of a kind as put off, or taken
// up again.
func SetDraftPaused(ctx context.Context, q sqlx.ExecerContext, userID int64, kind string, paused bool) error {
	if _, err := q.ExecContext(ctx, `UPDATE responses SET paused = $3 WHERE user_id = $1 AND kind = $2 AND status = 'draft'`, userID, kind, paused); err != nil {
		return fmt.Errorf("store: unable to put off the %s draft of user %d: %w", kind, userID, err)
	}
	return nil
}

// DeleteDraft drops the user's draft of a kind.
func DeleteDraft(ctx context.Context, q sqlx.ExecerContext, userID int64, kind string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM responses WHERE user_id = $1 AND kind = $2 AND status = 'draft'`, userID, kind)
	if err != nil {
		return false, fmt.Errorf("store: unable to drop a draft: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SubmitResponse turns a draft into a submitted response; false when it was
// submitted already (a double tap).
func SubmitResponse(ctx context.Context, q sqlx.ExecerContext, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE responses SET status = 'submitted', submitted_at = now() WHERE id = $1 AND status = 'draft'`, id)
	if err != nil {
		return false, fmt.Errorf("store: unable to submit response %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SubmitUnlinkedResponse submits a draft that carried an integrity report:
// its integrity answers taken out (answers), no longer tied to its author,
// its time kept to the hour like the report's, so that neither the
// response nor its time leads from the report to the person.
func SubmitUnlinkedResponse(ctx context.Context, q sqlx.ExecerContext, id int64, answers dialogs.Answers) (bool, error) {
	raw, err := json.Marshal(answers)
	if err != nil {
		return false, fmt.Errorf("store: unable to encode the answers of response %d: %w", id, err)
	}
	res, err := q.ExecContext(ctx, `
		UPDATE responses SET status = 'submitted', submitted_at = date_trunc('hour', now()), answers = $2, user_id = NULL
		WHERE id = $1 AND status = 'draft'`, id, string(raw))
	if err != nil {
		return false, fmt.Errorf("store: unable to submit response %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SubmittedSince counts a user's submitted responses of a kind for a centre
// since a moment (the start of their day).
func SubmittedSince(ctx context.Context, q sqlx.QueryerContext, userID int64, kind, centre string, since time.Time) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM responses
		WHERE user_id = $1 AND kind = $2 AND centre = $3 AND status = 'submitted' AND submitted_at >= $4`, userID, kind, centre, since)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count responses: %w", err)
	}
	return n, nil
}

// ResponseFilter selects submitted responses.
type ResponseFilter struct {
	Kind   string // "" for all
	Centre string // "" for all
	// Centres, when not empty, keeps responses for any of them (a town's).
	Centres []string
	Since   time.Time
	Until   time.Time // zero for now
}

// where is the condition on responses (as alias, "" or "r.") that f sets,
// with its arguments, $1 to $5; a query's own arguments follow from $6.
func (f ResponseFilter) where(alias string) (string, []any) {
	until := f.Until
	if until.IsZero() {
		until = time.Now().Add(time.Hour)
	}
	cond := strings.NewReplacer("r.", alias).Replace(`r.status = 'submitted' AND ($1 = '' OR r.kind = $1) AND ($2 = '' OR r.centre = $2)
		  AND r.submitted_at >= $3 AND r.submitted_at < $4
		  AND (coalesce(cardinality($5::text[]), 0) = 0 OR r.centre = ANY($5))`)
	return cond, []any{f.Kind, f.Centre, f.Since, until, pq.Array(f.Centres)}
}

// SubmittedResponses lists submitted responses in submission order.
func SubmittedResponses(ctx context.Context, q sqlx.QueryerContext, f ResponseFilter) ([]Response, error) {
	where, args := f.where("")
	var rows []responseRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+responseColumns+` FROM responses
		WHERE `+where+`
		ORDER BY submitted_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list responses: %w", err)
	}
	return decodeResponses(rows)
}

// ToReview takes submitted responses not yet shown to staff, marking them
// shown, so that one process posts each.
func ToReview(ctx context.Context, q sqlx.QueryerContext, limit int) ([]Response, error) {
	var rows []responseRow
	err := sqlx.SelectContext(ctx, q, &rows, `
		UPDATE responses SET reviewed = true WHERE id IN (
			SELECT id FROM responses WHERE status = 'submitted' AND NOT reviewed ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
		RETURNING `+responseColumns, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to take responses to review: %w", err)
	}
	return decodeResponses(rows)
}

// BotState reads a value the bot keeps about itself ("" when unset).
func BotState(ctx context.Context, q sqlx.QueryerContext, key string) (string, error) {
	var v string
	err := sqlx.GetContext(ctx, q, &v, `SELECT value FROM bot_state WHERE key = $1`, key)
	if err != nil && err != sql.ErrNoRows {
		return "", fmt.Errorf("store: unable to read %s: %w", key, err)
	}
	return v, nil
}

// SetBotState stores a value the bot keeps about itself.
func SetBotState(ctx context.Context, q sqlx.ExecerContext, key, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO bot_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2`, key, value)
	if err != nil {
		return fmt.Errorf("store: unable to keep %s: %w", key, err)
	}
	return nil
}

// Forget removes, in the caller's transaction, everything that names a
// person: their drafts, conversation and FAQ votes; their id on responses,
// tickets and ticket messages (the answers and counts stay, anonymous, for
// statistics; open tickets are closed and every text of their tickets is
// blanked); the updates they sent, up to and including upTo, which keep
// only their ids in the inbox; what the outbox delivered to or about them;
// their dashboard logins; and the user row itself. Updates of theirs after
// upTo are not handled yet and are left for their turns. (The links from
// their integrity reports are sealed: the bot, which holds the key, erases
// them with UnlinkIntegrityReports.)
func Forget(ctx context.Context, tx *sqlx.Tx, userID, upTo int64) error {
	for _, stmt := range []string{
		// What was sent to them or for them, or about their tickets, while
		// their updates and tickets still say which rows those are. What is
		// still queued is dropped once it is sent (EffectsSent).
		`DELETE FROM outbox WHERE status <> 0 AND (
			chat_id = $1
			OR update_id IN (SELECT update_id FROM inbox WHERE chat_key = $1)
			OR strpos(body::text, $1::text) > 0
			OR EXISTS (SELECT 1 FROM json_each(body) s
			           WHERE s.key IN ('thread', 'target', 'reply', 'result') AND json_typeof(s.value) = 'object'
			             AND s.value->>'k' IN ('ticket.thread', 'ticket.card')
			             AND (s.value->>'id')::bigint IN (SELECT id FROM tickets WHERE user_id = $1)))`,
		`DELETE FROM responses WHERE user_id = $1 AND status = 'draft'`,
		`UPDATE responses SET user_id = NULL WHERE user_id = $1`,
		`DELETE FROM conversations WHERE chat_id = $1`,
		`DELETE FROM faq_offers WHERE chat_id = $1`,
		`UPDATE tickets SET status = 'closed', closed_at = coalesce(closed_at, now()) WHERE user_id = $1 AND status = 'open'`,
		`UPDATE ticket_messages SET text = '', author = 0 WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = $1)`,
		`UPDATE ticket_messages SET author = 0 WHERE author = $1`,
		`UPDATE tickets SET user_id = 0, subject = '', source_text = '' WHERE user_id = $1`,
		`DELETE FROM blocked_users WHERE user_id = $1`,
		`DELETE FROM faq_votes WHERE user_id = $1`,
		`DELETE FROM web_sessions WHERE user_id = $1`,
		`DELETE FROM web_logins WHERE user_id = $1`,
		`DELETE FROM staff WHERE id = $1`,
		`DELETE FROM users WHERE id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, stmt, userID); err != nil {
			return fmt.Errorf("store: unable to forget user %d: %w", userID, err)
		}
	}
	// Their private chat's updates (a citizen writes nowhere else) keep only
	// their ids. The one being handled (upTo) loses its chat too: the
	// dispatcher then does not see at once that the chat has another update
	// waiting, and the feeder finds it within a second.
	_, err := tx.ExecContext(ctx, `
		UPDATE inbox SET payload = json_build_object('update_id', update_id), last_error = NULL, chat_key = 0
		WHERE chat_key = $1 AND update_id <= $2`, userID, upTo)
	if err != nil {
		return fmt.Errorf("store: unable to forget user %d's updates: %w", userID, err)
	}
	return nil
}

func decodeResponses(rows []responseRow) ([]Response, error) {
	out := make([]Response, 0, len(rows))
	for _, r := range rows {
		resp, err := r.response()
		if err != nil {
			return nil, err
		}
		out = append(out, resp)
	}
	return out, nil
}

// Submission is the response as staff read and export it.
func (r Response) Submission() dialogs.Submission {
	return dialogs.Submission{
		ID: r.ID, Ref: dialogs.Ref(r.Kind, r.ID), Kind: r.Kind, Questionnaire: r.Questionnaire, Version: r.Version,
		Centre: r.Centre, CentreNote: r.CentreNote, Desk: r.Desk, Lang: r.Lang, Started: r.StartedAt, Submitted: r.SubmittedAt, Answers: r.Answers,
	}
}

// ResponseCount is how many responses of a kind a centre has.
type ResponseCount struct {
	Kind   string `db:"kind"`
	Centre string `db:"centre"`
	N      int    `db:"n"`
}

// ResponseTallies counts the submitted responses of the filter, by kind and
// centre, and tallies their numeric answers by kind, centre and question,
// in PostgreSQL: what /stats and the dashboard show, in memory that grows
// with the questions, not the responses.
func ResponseTallies(ctx context.Context, q sqlx.QueryerContext, f ResponseFilter) ([]ResponseCount, []dialogs.Tally, error) {
	where, args := f.where("")
	var counts []ResponseCount
	err := sqlx.SelectContext(ctx, q, &counts, `
		SELECT kind, centre, count(*) AS n FROM responses
		WHERE `+where+`
		GROUP BY kind, centre ORDER BY kind, centre`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to count responses: %w", err)
	}
	where, args = f.where("r.")
	var tallies []dialogs.Tally
	err = sqlx.SelectContext(ctx, q, &tallies, `
		SELECT r.kind, r.centre, a.key AS question, count(*) AS n, sum(v.n) AS sum,
		       count(*) FILTER (WHERE v.n >= 4) AS good,
		       count(*) FILTER (WHERE v.n >= 9) AS promoters,
		       count(*) FILTER (WHERE v.n <= 6) AS detractors
		FROM responses r CROSS JOIN LATERAL jsonb_each(r.answers) a
		CROSS JOIN LATERAL (SELECT (a.value->>'n')::int AS n) v
		WHERE `+where+`
		  AND jsonb_typeof(a.value) = 'object' AND a.value ? 'n'
		  AND NOT coalesce((a.value->>'s')::boolean, false)
		GROUP BY r.kind, r.centre, a.key ORDER BY r.kind, r.centre, a.key`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to tally responses: %w", err)
	}
	return counts, tallies, nil
}

// LowRatings returns the newest submitted ratings of the filter in which
// any of the criteria scored atMost or less, up to limit, and how many such
// ratings there are in all.
func LowRatings(ctx context.Context, q sqlx.QueryerContext, f ResponseFilter, criteria []string, atMost, limit int) ([]Response, int, error) {
	f.Kind = dialogs.KindRating
	where, args := f.where("")
	var rows []struct {
		responseRow
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+responseColumns+`, count(*) OVER () AS total FROM responses
		WHERE `+where+`
		  AND EXISTS (SELECT 1 FROM jsonb_each(answers) a
		              WHERE a.key = ANY($6) AND jsonb_typeof(a.value) = 'object' AND a.value ? 'n'
		                AND NOT coalesce((a.value->>'s')::boolean, false) AND (a.value->>'n')::int <= $7)
		ORDER BY submitted_at DESC, id DESC
		LIMIT $8`, append(args, pq.Array(criteria), atMost, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to list low ratings: %w", err)
	}
	total := 0
	plain := make([]responseRow, 0, len(rows))
	for _, r := range rows {
		total = r.Total
		plain = append(plain, r.responseRow)
	}
	list, err := decodeResponses(plain)
	return list, total, err
}

// SubmittedAnswerKeys lists every answer id that the submitted responses of
// the filter carry, sorted: the columns an export needs before its rows.
func SubmittedAnswerKeys(ctx context.Context, q sqlx.QueryerContext, f ResponseFilter) ([]string, error) {
	where, args := f.where("")
	var keys []string
	err := sqlx.SelectContext(ctx, q, &keys, `
		SELECT DISTINCT k FROM responses, jsonb_object_keys(answers) AS k
		WHERE `+where+`
		ORDER BY k`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list answer ids: %w", err)
	}
	return keys, nil
}

// EachSubmitted calls fn with each submitted response of the filter, in
// submission order, as it is read: an export of any size holds one row at
// a time. fn's error stops the reading and is returned.
func EachSubmitted(ctx context.Context, q sqlx.QueryerContext, f ResponseFilter, fn func(Response) error) error {
	where, args := f.where("")
	rows, err := q.QueryxContext(ctx, `SELECT `+responseColumns+` FROM responses
		WHERE `+where+`
		ORDER BY submitted_at, id`, args...)
	if err != nil {
		return fmt.Errorf("store: unable to read responses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row responseRow
		if err := rows.StructScan(&row); err != nil {
			return fmt.Errorf("store: unable to read a response: %w", err)
		}
		r, err := row.response()
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to read responses: %w", err)
	}
	return nil
}
