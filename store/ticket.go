package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Ticket statuses.
const (
	TicketOpen   = "open"
	TicketClosed = "closed"
)

// Ticket is a citizen's conversation with moderators.
type Ticket struct {
	ID            int64  `db:"id"`
	UserID        int64  `db:"user_id"`
	Lang          string `db:"lang"`
	Status        string `db:"status"`
	ThreadID      int64  `db:"thread_id"`       // its topic in the staff forum; 0 until made
	CardMessageID int64  `db:"card_message_id"` // its card in the staff chat; 0 until posted
	Subject       string `db:"subject"`
	Source        string `db:"source"`
	SourceText    string `db:"source_text"`
	Assignee      int64  `db:"assignee"` // the moderator who took it; 0: nobody
	// FirstResponseAt and ClosedAt are nil until a moderator answers, or
	// closes it.
	CreatedAt       time.Time  `db:"created_at"`
	FirstResponseAt *time.Time `db:"first_response_at"`
	ClosedAt        *time.Time `db:"closed_at"`
	// WaitingSince is when the citizen's first message that moderators
	// have not answered came (nil: nobody waits).
	WaitingSince *time.Time `db:"waiting_since"`
	// Resolved is the citizen's verdict after closing: 1 solved, -1 not,
	// 0 not given.
	Resolved int `db:"resolved"`
}

// Forgotten tells a ticket whose citizen deleted their data (/forget): it
// is closed, blanked and no longer names them, and stays so.
func (t Ticket) Forgotten() bool { return t.UserID == 0 }

const ticketColumns = `id, user_id, lang, status, coalesce(thread_id, 0) AS thread_id, coalesce(card_message_id, 0) AS card_message_id,
	subject, source, source_text, coalesce(assignee, 0) AS assignee, created_at, first_response_at, closed_at,
	waiting_since, coalesce(resolved, 0) AS resolved`

// OpenTicket creates an open ticket for the user.
func OpenTicket(ctx context.Context, q sqlx.QueryerContext, userID int64, lang, subject, source, sourceText string) (Ticket, error) {
	var t Ticket
	err := sqlx.GetContext(ctx, q, &t, `
		INSERT INTO tickets (user_id, lang, subject, source, source_text) VALUES ($1, $2, $3, $4, $5)
		RETURNING `+ticketColumns, userID, lang, subject, source, sourceText)
	if err != nil {
		return Ticket{}, fmt.Errorf("store: unable to open a ticket for user %d: %w", userID, err)
	}
	return t, nil
}

// OpenTicketOf returns the user's open ticket, or ErrNotFound.
func OpenTicketOf(ctx context.Context, q sqlx.QueryerContext, userID int64) (Ticket, error) {
	return oneTicket(ctx, q, "the open ticket of user %d", `user_id = $1 AND status = 'open'`, userID)
}

// LatestTicketOf returns the user's newest ticket, open or closed, or
// ErrNotFound.
func LatestTicketOf(ctx context.Context, q sqlx.QueryerContext, userID int64) (Ticket, error) {
	return oneTicket(ctx, q, "the latest ticket of user %d", `user_id = $1 ORDER BY id DESC LIMIT 1`, userID)
}

// GetTicket returns a ticket by id, or ErrNotFound.
func GetTicket(ctx context.Context, q sqlx.QueryerContext, id int64) (Ticket, error) {
	return oneTicket(ctx, q, "ticket %d", `id = $1`, id)
}

// TicketByThread returns the newest ticket of a staff-chat topic, or ErrNotFound.
func TicketByThread(ctx context.Context, q sqlx.QueryerContext, thread int) (Ticket, error) {
	return oneTicket(ctx, q, "the ticket of topic %d", `thread_id = $1 ORDER BY id DESC LIMIT 1`, thread)
}

// oneTicket reads the ticket that where (and what follows it) selects
// with arg; what, formatted with arg, names it in the error.
func oneTicket(ctx context.Context, q sqlx.QueryerContext, what, where string, arg any) (Ticket, error) {
	var t Ticket
	if err := sqlx.GetContext(ctx, q, &t, `SELECT `+ticketColumns+` FROM tickets WHERE `+where, arg); err != nil {
		return Ticket{}, fmt.Errorf("store: unable to fetch "+what+": %w", arg, notFound(err))
	}
	return t, nil
}

// TicketByStaffMessage finds the ticket a staff-chat message belongs to
// (for reply-based relay, when the staff chat is not a forum).
func TicketByStaffMessage(ctx context.Context, q sqlx.QueryerContext, staffMessageID int) (Ticket, TicketMessage, error) {
	var m TicketMessage
	err := sqlx.GetContext(ctx, q, &m, `SELECT `+messageColumns+` FROM ticket_messages WHERE staff_message_id = $1 ORDER BY id DESC LIMIT 1`, staffMessageID)
	if err != nil {
		return Ticket{}, TicketMessage{}, fmt.Errorf("store: unable to find staff message %d: %w", staffMessageID, notFound(err))
	}
	t, err := GetTicket(ctx, q, m.TicketID)
	return t, m, err
}

// TakeTicket assigns a ticket to a moderator, and returns who had it
// before (0: nobody). Of two moderators taking it at once, the second
// learns that the first had it.
func TakeTicket(ctx context.Context, q sqlx.QueryerContext, id, moderator int64) (previous int64, err error) {
	err = sqlx.GetContext(ctx, q, &previous, `
		UPDATE tickets t SET assignee = $2
		FROM (SELECT id, coalesce(assignee, 0) AS assignee FROM tickets WHERE id = $1 FOR UPDATE) old
		WHERE t.id = old.id
		RETURNING old.assignee`, id, moderator)
	if err != nil {
		return 0, fmt.Errorf("store: unable to assign ticket %d: %w", id, notFound(err))
	}
	return previous, nil
}

// CloseTicket closes a ticket; closed is false if it was closed already.
func CloseTicket(ctx context.Context, q sqlx.ExecerContext, id int64) (closed bool, err error) {
	res, err := q.ExecContext(ctx, `UPDATE tickets SET status = 'closed', closed_at = now() WHERE id = $1 AND status = 'open'`, id)
	if err != nil {
		return false, fmt.Errorf("store: unable to close ticket %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ReopenTicket opens a closed ticket again, unless the user has another open
// one already or deleted their data; reopened reports whether it was done.
func ReopenTicket(ctx context.Context, q sqlx.ExecerContext, id int64) (reopened bool, err error) {
	res, err := q.ExecContext(ctx, `
		UPDATE tickets t SET status = 'open', closed_at = NULL, resolved = NULL, waiting_since = NULL, reminded_at = NULL
		WHERE id = $1 AND status = 'closed' AND user_id <> 0
		  AND NOT EXISTS (SELECT 1 FROM tickets o WHERE o.user_id = t.user_id AND o.status = 'open')`, id)
	if err != nil {
		return false, fmt.Errorf("store: unable to reopen ticket %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RecentlyUnsolved returns the person's latest ticket when it was closed
// within the given time and they answered that it did not solve their
// question (and they have no open one), or ErrNotFound.
func RecentlyUnsolved(ctx context.Context, q sqlx.QueryerContext, userID int64, within time.Duration) (Ticket, error) {
	var t Ticket
	err := sqlx.GetContext(ctx, q, &t, `SELECT `+ticketColumns+` FROM tickets t
		WHERE user_id = $1 AND status = 'closed' AND resolved = -1 AND closed_at > now() - make_interval(secs => $2)
		  AND NOT EXISTS (SELECT 1 FROM tickets o WHERE o.user_id = t.user_id AND o.status = 'open')
		ORDER BY closed_at DESC LIMIT 1`, userID, within.Seconds())
	if err != nil {
		return t, fmt.Errorf("store: unable to look for an unsolved ticket: %w", notFound(err))
	}
	return t, nil
}

// RecentlyClosedUnasked returns the citizen's latest ticket when it was
// closed within the given time, «was your question solved?» is not
// answered yet, and the citizen has sent nothing since but update; else
// ErrNotFound.
func RecentlyClosedUnasked(ctx context.Context, q sqlx.QueryerContext, userID int64, within time.Duration, update int64) (Ticket, error) {
	var t Ticket
	// Nothing the citizen sent since the close, before update (looked for
	// among the updates just before it): what they type now answers the
	// question, not a FAQ answer's they got meanwhile.
	err := sqlx.GetContext(ctx, q, &t, `SELECT `+ticketColumns+` FROM tickets t
		WHERE user_id = $1 AND status = 'closed' AND resolved IS NULL AND closed_at > now() - make_interval(secs => $2)
		  AND id = (SELECT max(id) FROM tickets o WHERE o.user_id = t.user_id)
		  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.update_id < $3 AND i.update_id > $3 - 20000 AND i.chat_key = $1
		                  AND i.received_at > t.closed_at AND i.kind <> 'edited_message')`, userID, within.Seconds(), update)
	if err != nil {
		return t, fmt.Errorf("store: unable to look for a ticket closed lately: %w", notFound(err))
	}
	return t, nil
}

// RateTicket stores the citizen's answer to "was your question solved?".
// It changes nothing when the answer is already given (a double tap).
func RateTicket(ctx context.Context, q sqlx.ExecerContext, id, userID int64, solved bool) (changed bool, err error) {
	v := -1
	if solved {
		v = 1
	}
	res, err := q.ExecContext(ctx, `UPDATE tickets SET resolved = $3 WHERE id = $1 AND user_id = $2 AND status = 'closed' AND resolved IS NULL`, id, userID, v)
	if err != nil {
		return false, fmt.Errorf("store: unable to rate ticket %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// MarkAnswered records a moderator's answer: the first one's time, and
// that the citizen no longer waits.
func MarkAnswered(ctx context.Context, q sqlx.ExecerContext, id int64) error {
	_, err := q.ExecContext(ctx, `UPDATE tickets SET first_response_at = coalesce(first_response_at, now()), waiting_since = NULL WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: unable to mark ticket %d answered: %w", id, err)
	}
	return nil
}

// MarkWaiting records that the citizen waits for moderators from now,
// unless they already did: a wait starts with the first message after an
// answer (or with the request), and a new wait may be reminded of again.
func MarkWaiting(ctx context.Context, q sqlx.ExecerContext, id int64) error {
	_, err := q.ExecContext(ctx, `UPDATE tickets SET waiting_since = now(), reminded_at = NULL WHERE id = $1 AND waiting_since IS NULL`, id)
	if err != nil {
		return fmt.Errorf("store: unable to mark ticket %d waiting: %w", id, err)
	}
	return nil
}

// ListedTicket is an open ticket as moderators' /tickets shows it: with
// who took it and who answered last, by the names staff go by.
type ListedTicket struct {
	Ticket
	AssigneeName     string `db:"assignee_name"`      // "" when the name is not known
	LastAnswerer     int64  `db:"last_answerer"`      // the moderator who answered last; 0: nobody yet
	LastAnswererName string `db:"last_answerer_name"` // "" when the name is not known
	Blocked          bool   `db:"blocked"`            // moderators have blocked its citizen
}

// OpenTickets lists open tickets, oldest first; of those opened at once
// (in one transaction: one created_at), the first opened first.
func OpenTickets(ctx context.Context, q sqlx.QueryerContext, limit int) ([]ListedTicket, error) {
	var out []ListedTicket
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT `+ticketColumns+`,
		       coalesce((SELECT name FROM staff s WHERE s.id = tickets.assignee), '') AS assignee_name,
		       coalesce(last.author, 0) AS last_answerer,
		       coalesce((SELECT name FROM staff s WHERE s.id = last.author), '') AS last_answerer_name,
		       EXISTS (SELECT 1 FROM blocked_users b WHERE b.user_id = tickets.user_id) AS blocked
		FROM tickets
		LEFT JOIN LATERAL (SELECT author FROM ticket_messages m
		                   WHERE m.ticket_id = tickets.id AND m.direction = 'out' AND m.author <> 0
		                   ORDER BY m.id DESC LIMIT 1) last ON true
		WHERE status = 'open' ORDER BY created_at, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list open tickets: %w", err)
	}
	return out, nil
}

// CountOpenTickets is how many tickets are open.
func CountOpenTickets(ctx context.Context, q sqlx.QueryerContext) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM tickets WHERE status = 'open'`); err != nil {
		return 0, fmt.Errorf("store: unable to count open tickets: %w", err)
	}
	return n, nil
}

// UnansweredTickets lists open tickets whose citizen waits for an answer
// and whose wait nobody has been reminded of yet, the longest wait first.
func UnansweredTickets(ctx context.Context, q sqlx.QueryerContext) ([]Ticket, error) {
	var out []Ticket
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+ticketColumns+` FROM tickets
		WHERE status = 'open' AND waiting_since IS NOT NULL AND reminded_at IS NULL ORDER BY waiting_since, id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list unanswered tickets: %w", err)
	}
	return out, nil
}

// MarkReminded records a reminder about a ticket's wait that began at
// since; false if another process did it first, or that wait is over.
func MarkReminded(ctx context.Context, q sqlx.ExecerContext, id int64, since time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE tickets SET reminded_at = now() WHERE id = $1 AND reminded_at IS NULL AND waiting_since = $2`, id, since)
	if err != nil {
		return false, fmt.Errorf("store: unable to mark ticket %d reminded: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// TicketMessage links a message on the citizen's side with its copy in
// the staff chat.
type TicketMessage struct {
	ID               int64     `db:"id"`
	TicketID         int64     `db:"ticket_id"`
	Direction        string    `db:"direction"`
	CitizenMessageID int64     `db:"citizen_message_id"` // 0: none (a moderator's message, or text the bot made)
	StaffMessageID   int64     `db:"staff_message_id"`   // 0: not (yet) copied to the staff chat
	Author           int64     `db:"author"`
	Relayed          bool      `db:"relayed"`
	Text             string    `db:"text"`
	At               time.Time `db:"at"`
	// MediaGroup is the album the message was a part of (tg.AlbumOf);
	// "": none.
	MediaGroup string `db:"media_group"`
}

const messageColumns = `id, ticket_id, direction, coalesce(citizen_message_id, 0) AS citizen_message_id,
	coalesce(staff_message_id, 0) AS staff_message_id, author, relayed, text, at, coalesce(media_group, '') AS media_group`

// AddTicketMessage records a relayed (or held back) message and returns
// its id. The id of a copy not yet made is kept by the outbox when it is
// (SlotStaffCopy, SlotCitizenCopy).
func AddTicketMessage(ctx context.Context, q sqlx.QueryerContext, m TicketMessage) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `
		INSERT INTO ticket_messages (ticket_id, direction, citizen_message_id, staff_message_id, author, relayed, text, media_group)
		VALUES ($1, $2, nullif($3::bigint, 0), nullif($4::bigint, 0), $5, $6, $7, nullif($8, '')) RETURNING id`,
		m.TicketID, m.Direction, m.CitizenMessageID, m.StaffMessageID, m.Author, m.Relayed, m.Text, m.MediaGroup)
	if err != nil {
		return 0, fmt.Errorf("store: unable to record a message of ticket %d: %w", m.TicketID, err)
	}
	return id, nil
}

// TicketMessageByCitizen finds the record of a citizen-side message.
func TicketMessageByCitizen(ctx context.Context, q sqlx.QueryerContext, ticketID int64, citizenMessageID int) (TicketMessage, error) {
	var m TicketMessage
	err := sqlx.GetContext(ctx, q, &m, `SELECT `+messageColumns+` FROM ticket_messages
		WHERE ticket_id = $1 AND citizen_message_id = $2 ORDER BY id DESC LIMIT 1`, ticketID, citizenMessageID)
	if err != nil {
		return TicketMessage{}, fmt.Errorf("store: unable to find citizen message %d: %w", citizenMessageID, notFound(err))
	}
	return m, nil
}

// TicketMessageByID returns a ticket's message by its id, or ErrNotFound.
func TicketMessageByID(ctx context.Context, q sqlx.QueryerContext, id int64) (TicketMessage, error) {
	var m TicketMessage
	if err := sqlx.GetContext(ctx, q, &m, `SELECT `+messageColumns+` FROM ticket_messages WHERE id = $1`, id); err != nil {
		return TicketMessage{}, fmt.Errorf("store: unable to find ticket message %d: %w", id, notFound(err))
	}
	return m, nil
}

// Unrelay turns a moderator's answer whose copy the citizen no longer has
// into a note; false when it is not (or no longer) an answer they got.
func Unrelay(ctx context.Context, q sqlx.ExecerContext, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE ticket_messages SET direction = 'note', relayed = false WHERE id = $1 AND direction = 'out' AND relayed`, id)
	if err != nil {
		return false, fmt.Errorf("store: unable to unrelay ticket message %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// AlbumAnswers lists the moderator's answers the citizen got as parts of
// the album group in the ticket, in order: the photos sent together with
// one of them.
func AlbumAnswers(ctx context.Context, q sqlx.QueryerContext, ticketID int64, group string) ([]TicketMessage, error) {
	var out []TicketMessage
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+messageColumns+` FROM ticket_messages
		WHERE ticket_id = $1 AND media_group = $2 AND direction = 'out' AND relayed ORDER BY id`, ticketID, group)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the album %s of ticket %d: %w", group, ticketID, err)
	}
	return out, nil
}

// TicketMessages lists a ticket's messages in order.
func TicketMessages(ctx context.Context, q sqlx.QueryerContext, ticketID int64) ([]TicketMessage, error) {
	var out []TicketMessage
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+messageColumns+` FROM ticket_messages WHERE ticket_id = $1 ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the messages of ticket %d: %w", ticketID, err)
	}
	return out, nil
}

// BlockUser stops relaying a citizen's messages.
func BlockUser(ctx context.Context, q sqlx.ExecerContext, userID, by int64) (blocked bool, err error) {
	res, err := q.ExecContext(ctx, `INSERT INTO blocked_users (user_id, blocked_by) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, userID, by)
	if err != nil {
		return false, fmt.Errorf("store: unable to block user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	// Their open requests wait for nobody now: no SLA reminder for them.
	if _, err := q.ExecContext(ctx, `UPDATE tickets SET waiting_since = NULL WHERE user_id = $1 AND status = 'open'`, userID); err != nil {
		return false, fmt.Errorf("store: unable to end the waits of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// UnblockUser relays a citizen's messages again; unblocked is false when
// they were not blocked.
func UnblockUser(ctx context.Context, q sqlx.ExecerContext, userID int64) (unblocked bool, err error) {
	res, err := q.ExecContext(ctx, `DELETE FROM blocked_users WHERE user_id = $1`, userID)
	if err != nil {
		return false, fmt.Errorf("store: unable to unblock user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// IsBlocked tells whether moderators have blocked the user.
func IsBlocked(ctx context.Context, q sqlx.QueryerContext, userID int64) (bool, error) {
	var blocked bool
	if err := sqlx.GetContext(ctx, q, &blocked, `SELECT EXISTS (SELECT 1 FROM blocked_users WHERE user_id = $1)`, userID); err != nil {
		return false, fmt.Errorf("store: unable to check whether user %d is blocked: %w", userID, err)
	}
	return blocked, nil
}

// BlockState tells whether a user is blocked, and marks the one notice as
// given: notify is true only the first time it is asked after a block.
func BlockState(ctx context.Context, q sqlx.QueryerContext, userID int64) (blocked, notify bool, err error) {
	err = q.QueryRowxContext(ctx, `
		WITH b AS (SELECT notified FROM blocked_users WHERE user_id = $1 FOR UPDATE),
		     u AS (UPDATE blocked_users SET notified = true WHERE user_id = $1 AND NOT notified RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM b), EXISTS (SELECT 1 FROM u)`, userID).Scan(&blocked, &notify)
	if err != nil {
		return false, false, fmt.Errorf("store: unable to check whether user %d is blocked: %w", userID, err)
	}
	return blocked, notify, nil
}

// TicketByCard finds the ticket whose card is the staff-chat message.
func TicketByCard(ctx context.Context, q sqlx.QueryerContext, cardMessageID int) (Ticket, error) {
	var t Ticket
	err := sqlx.GetContext(ctx, q, &t, `SELECT `+ticketColumns+` FROM tickets WHERE card_message_id = $1 AND thread_id IS NULL ORDER BY id DESC LIMIT 1`, cardMessageID)
	if err != nil {
		return Ticket{}, fmt.Errorf("store: unable to find the ticket of card %d: %w", cardMessageID, notFound(err))
	}
	return t, nil
}

// FirstCitizenText is the text of the first message of a ticket.
func FirstCitizenText(ctx context.Context, q sqlx.QueryerContext, ticketID int64) (string, error) {
	var s string
	err := sqlx.GetContext(ctx, q, &s, `SELECT coalesce((SELECT text FROM ticket_messages WHERE ticket_id = $1 AND direction = 'in' ORDER BY id LIMIT 1), '')`, ticketID)
	if err != nil {
		return "", fmt.Errorf("store: unable to read ticket %d: %w", ticketID, err)
	}
	return s, nil
}

// TicketStats is how the desk did over a period.
type TicketStats struct {
	Open          int           // open now
	Opened        int           // opened in the period
	FirstResponse time.Duration // median wait for moderators' first answer, of those answered
	Answered      int           // tickets of the period with a first answer
	Rated         int           // closed tickets whose citizen said whether it was solved
	Solved        int           // of those, solved
}

// CSAT is the share of rated tickets that were solved, 0–100.
func (s TicketStats) CSAT() float64 {
	if s.Rated == 0 {
		return 0
	}
	return 100 * float64(s.Solved) / float64(s.Rated)
}

// TicketStatsOf counts tickets opened in [since, until) (until zero: now).
func TicketStatsOf(ctx context.Context, q sqlx.QueryerContext, since, until time.Time) (TicketStats, error) {
	if until.IsZero() {
		until = time.Now().Add(time.Hour)
	}
	var row struct {
		Open     int             `db:"open"`
		Opened   int             `db:"opened"`
		Seconds  sql.NullFloat64 `db:"seconds"`
		Answered int             `db:"answered"`
		Rated    int             `db:"rated"`
		Solved   int             `db:"solved"`
	}
	err := sqlx.GetContext(ctx, q, &row, `
		SELECT (SELECT count(*) FROM tickets WHERE status = 'open') AS open,
		       count(*) AS opened,
		       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)) AS seconds,
		       count(first_response_at) AS answered,
		       count(resolved) AS rated,
		       count(*) FILTER (WHERE resolved > 0) AS solved
		FROM tickets WHERE created_at >= $1 AND created_at < $2`, since, until)
	if err != nil {
		return TicketStats{}, fmt.Errorf("store: unable to count tickets: %w", err)
	}
	return TicketStats{
		Open: row.Open, Opened: row.Opened, Answered: row.Answered, Rated: row.Rated, Solved: row.Solved,
		FirstResponse: time.Duration(row.Seconds.Float64 * float64(time.Second)),
	}, nil
}

// WithdrawAlbum takes back the parts of a moderator's album (group, as
// tg.AlbumOf names it) not yet delivered to the citizen, whose copies wait
// in the outbox (an album's parts are held a moment to go as one), and
// keeps them as notes: a later part turned out to be captioned «//», and
// the whole album is for staff. It reports how many were taken back.
func WithdrawAlbum(ctx context.Context, tx *sqlx.Tx, ticketID, citizen int64, group string) (int64, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE chat_id = $1 AND body->'album'->>'g' = $2`, citizen, group)
	if err != nil {
		return 0, fmt.Errorf("store: unable to withdraw album %s: %w", group, err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE ticket_messages SET direction = 'note', relayed = false
		WHERE ticket_id = $1 AND media_group = $2 AND direction = 'out'`, ticketID, group); err != nil {
		return 0, fmt.Errorf("store: unable to keep album %s as notes: %w", group, err)
	}
	return n, nil
}
