package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// IntegrityReport is a report of corruption as staff see it: an anonymous
// one carries only its pseudonym.
type IntegrityReport struct {
	ID            int64  `db:"id"`
	Pseudonym     string `db:"pseudonym"`
	Anonymous     bool   `db:"anonymous"`
	Lang          string `db:"lang"`
	Text          string `db:"text"`
	Source        string `db:"source"`
	ChatMessageID *int   `db:"chat_message_id"`
	Closed        bool   `db:"closed"`
	Answering     bool   `db:"answering"` // a staff question waits for the reporter's answer
	// ReporterBox is the reporter's chat sealed with the bot's key (see
	// bot's integritykey.go); nil once the link is gone (closed, expired,
	// forgotten).
	ReporterBox []byte `db:"reporter_box"`
	ReporterTag []byte `db:"reporter_tag"`
}

// ReporterLink is how a report finds its reporter again, in forms only the
// holder of the key can use: the sealed chat, and a keyed hash of person
// and report.
type ReporterLink struct {
	Box []byte
	Tag []byte
	TTL time.Duration // the link is erased this long after the report
}

// LinkedReport is an open report whose reporter can still be reached: its
// tag, for the bot to tell whether it is a given person's.
type LinkedReport struct {
	ID        int64  `db:"id"`
	Tag       []byte `db:"reporter_tag"`
	Answering bool   `db:"answering"` // a staff question waits for the reporter's answer
}

// NewPseudonym returns a random reporter name such as "R-7F3K2Q".
func NewPseudonym() string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "R-" + string(b)
}

const reportColumns = `id, pseudonym, anonymous, lang, text, source, chat_message_id, closed_at IS NOT NULL AS closed,
	coalesce(answer_until > now(), false) AS answering, reporter_box, reporter_tag`

// NextIntegrityReportID reserves the id of the next report: the reporter's
// tag is computed over it before the report is written.
func NextIntegrityReportID(ctx context.Context, q sqlx.QueryerContext) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, q, &id, `SELECT nextval(pg_get_serial_sequence('integrity_reports', 'id'))`); err != nil {
		return 0, fmt.Errorf("store: unable to reserve an integrity report id: %w", err)
	}
	return id, nil
}

// AddIntegrityReport stores a report (r.ID reserved by
// NextIntegrityReportID) with the sealed link to its reporter. Its time is
// kept to the hour (see migration 00009).
func AddIntegrityReport(ctx context.Context, q sqlx.QueryerContext, r IntegrityReport, link ReporterLink) (IntegrityReport, error) {
	err := sqlx.GetContext(ctx, q, &r, `
		INSERT INTO integrity_reports (id, pseudonym, anonymous, lang, text, source, reporter_box, reporter_tag, link_expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, date_trunc('hour', now()) + make_interval(secs => $9), date_trunc('hour', now()))
		RETURNING `+reportColumns,
		r.ID, r.Pseudonym, r.Anonymous, r.Lang, r.Text, r.Source, link.Box, link.Tag, link.TTL.Seconds())
	if err != nil {
		return IntegrityReport{}, fmt.Errorf("store: unable to store an integrity report: %w", err)
	}
	return r, nil
}

// GetIntegrityReport returns the report, or ErrNotFound.
func GetIntegrityReport(ctx context.Context, q sqlx.QueryerContext, id int64) (IntegrityReport, error) {
	var r IntegrityReport
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+reportColumns+` FROM integrity_reports WHERE id = $1`, id)
	if err != nil {
		return IntegrityReport{}, fmt.Errorf("store: unable to fetch integrity report %d: %w", id, notFound(err))
	}
	return r, nil
}

// IntegrityReportOfPost finds the report a message in the integrity chat
// belongs to: its card, or a question, answer or piece of evidence that
// followed it.
func IntegrityReportOfPost(ctx context.Context, q sqlx.QueryerContext, chatMessageID int) (IntegrityReport, error) {
	var r IntegrityReport
	err := sqlx.GetContext(ctx, q, &r, `
		SELECT `+reportColumns+` FROM integrity_reports
		WHERE chat_message_id = $1
		   OR id = (SELECT report_id FROM integrity_messages WHERE chat_message_id = $1 ORDER BY id DESC LIMIT 1)
		ORDER BY id DESC LIMIT 1`, chatMessageID)
	if err != nil {
		return IntegrityReport{}, fmt.Errorf("store: unable to find the report of message %d: %w", chatMessageID, notFound(err))
	}
	return r, nil
}

// LinkedIntegrityReports lists the open reports whose reporter can still
// be reached, newest first, for the bot to pick a person's own by their tag.
// With answering, only those whose question waits for an answer (few: a
// private message checks them).
func LinkedIntegrityReports(ctx context.Context, q sqlx.QueryerContext, answering bool) ([]LinkedReport, error) {
	var out []LinkedReport
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT id, reporter_tag, coalesce(answer_until > now(), false) AS answering FROM integrity_reports
		WHERE closed_at IS NULL AND reporter_tag IS NOT NULL AND link_expires_at > now()
		  AND (NOT $1 OR answer_until > now())
		ORDER BY id DESC`, answering)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the integrity reports: %w", err)
	}
	return out, nil
}

// Integrity message kinds.
const (
	ReportQuestion = "question" // integrity staff asked the reporter
	ReportAnswer   = "answer"   // the reporter answered a question
	ReportAddition = "addition" // the reporter added to the report
	ReportEvidence = "evidence" // a photo, document, video or voice message
)

// AddIntegrityMessage records that something followed a report in the
// integrity chat; chatMessageID is its message there when known already
// (a question), else 0 and the outbox fills it (SlotReportMessage).
func AddIntegrityMessage(ctx context.Context, q sqlx.QueryerContext, reportID int64, kind string, chatMessageID int) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `
		INSERT INTO integrity_messages (report_id, kind, chat_message_id) VALUES ($1, $2, nullif($3, 0))
		RETURNING id`, reportID, kind, chatMessageID)
	if err != nil {
		return 0, fmt.Errorf("store: unable to record a message of integrity report %d: %w", reportID, err)
	}
	return id, nil
}

// SetAnswerWindow makes the reporter's messages for the next d their answer
// to a staff question (d zero: no more).
func SetAnswerWindow(ctx context.Context, q sqlx.ExecerContext, reportID int64, d time.Duration) error {
	_, err := q.ExecContext(ctx, `
		UPDATE integrity_reports SET answer_until = CASE WHEN $2 > 0 THEN now() + make_interval(secs => $2) END
		WHERE id = $1`, reportID, d.Seconds())
	if err != nil {
		return fmt.Errorf("store: unable to set the answer window of integrity report %d: %w", reportID, err)
	}
	return nil
}

// IntegrityDialog returns the sealed report dialog kept under tag, and
// its id (the key of its SlotReportPrompt), or ErrNotFound.
func IntegrityDialog(ctx context.Context, q sqlx.QueryerContext, tag []byte) (box []byte, id int64, err error) {
	var row struct {
		Box []byte `db:"box"`
		ID  int64  `db:"id"`
	}
	if err := sqlx.GetContext(ctx, q, &row, `SELECT box, id FROM integrity_dialogs WHERE tag = $1`, tag); err != nil {
		return nil, 0, fmt.Errorf("store: unable to read a report dialog: %w", notFound(err))
	}
	return row.Box, row.ID, nil
}

// SaveIntegrityDialog keeps a sealed report dialog under tag, and returns
// its id: a dialog kept again keeps its id and its prompt.
func SaveIntegrityDialog(ctx context.Context, q sqlx.QueryerContext, tag, box []byte) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `
		INSERT INTO integrity_dialogs (tag, box) VALUES ($1, $2)
		ON CONFLICT (tag) DO UPDATE SET box = excluded.box
		RETURNING id`, tag, box)
	if err != nil {
		return 0, fmt.Errorf("store: unable to keep a report dialog: %w", err)
	}
	return id, nil
}

// EndIntegrityDialog forgets the report dialog kept under tag; ended
// reports whether there was one.
func EndIntegrityDialog(ctx context.Context, q sqlx.ExecerContext, tag []byte) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM integrity_dialogs WHERE tag = $1`, tag)
	if err != nil {
		return false, fmt.Errorf("store: unable to end a report dialog: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// CloseIntegrityReport closes the report and erases the link to its
// reporter; closed is false when it was closed already.
func CloseIntegrityReport(ctx context.Context, q sqlx.ExecerContext, id int64) (closed bool, err error) {
	res, err := q.ExecContext(ctx, `
		UPDATE integrity_reports SET closed_at = date_trunc('hour', now()), reporter_box = NULL, reporter_tag = NULL, answer_until = NULL
		WHERE id = $1 AND closed_at IS NULL`, id)
	if err != nil {
		return false, fmt.Errorf("store: unable to close integrity report %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// UnlinkIntegrityReports erases the link from the reports to their
// reporter (who asked to be forgotten).
func UnlinkIntegrityReports(ctx context.Context, q sqlx.ExecerContext, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `
		UPDATE integrity_reports SET reporter_box = NULL, reporter_tag = NULL, link_expires_at = NULL, answer_until = NULL
		WHERE id = ANY($1::bigint[])`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("store: unable to unlink integrity reports: %w", err)
	}
	return nil
}

// ExpireReporterLinks erases the links whose time has passed.
func ExpireReporterLinks(ctx context.Context, q sqlx.ExecerContext) (int64, error) {
	res, err := q.ExecContext(ctx, `
		UPDATE integrity_reports SET reporter_box = NULL, reporter_tag = NULL, answer_until = NULL
		WHERE reporter_box IS NOT NULL AND link_expires_at <= now()`)
	if err != nil {
		return 0, fmt.Errorf("store: unable to expire reporter links: %w", err)
	}
	return res.RowsAffected()
}

// UnsealedReporter is a link kept, before migration 00009, as a plain user id.
type UnsealedReporter struct {
	ReportID int64 `db:"report_id"`
	UserID   int64 `db:"user_id"`
}

// SealReporters replaces the plain links of migration 00009's
// integrity_reporters_unsealed by what seal makes of each, and drops that
// table, in one transaction. Links older than ttl are dropped, not sealed.
func (s *Store) SealReporters(ctx context.Context, ttl time.Duration, seal func(UnsealedReporter) (ReporterLink, error)) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		// Replicas starting together take turns: the first seals and drops
		// the table, the others then find it gone.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockClass, lockSeal); err != nil {
			return fmt.Errorf("store: unable to take the lock for sealing reporters: %w", err)
		}
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT to_regclass('integrity_reporters_unsealed') IS NOT NULL`); err != nil {
			return fmt.Errorf("store: unable to look for unsealed reporters: %w", err)
		}
		if !exists {
			return nil
		}
		var old []UnsealedReporter
		err := tx.SelectContext(ctx, &old, `
			SELECT w.report_id, w.user_id FROM integrity_reporters_unsealed w
			JOIN integrity_reports r ON r.id = w.report_id
			WHERE r.created_at > now() - make_interval(secs => $1)`, ttl.Seconds())
		if err != nil {
			return fmt.Errorf("store: unable to read unsealed reporters: %w", err)
		}
		for _, o := range old {
			link, err := seal(o)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `
				UPDATE integrity_reports SET reporter_box = $2, reporter_tag = $3,
				       link_expires_at = created_at + make_interval(secs => $4)
				WHERE id = $1`, o.ReportID, link.Box, link.Tag, ttl.Seconds())
			if err != nil {
				return fmt.Errorf("store: unable to seal the reporter of report %d: %w", o.ReportID, err)
			}
			n++
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE integrity_reporters_unsealed`); err != nil {
			return fmt.Errorf("store: unable to drop the unsealed reporters: %w", err)
		}
		return nil
	})
	return n, err
}

// ScrubInboxUpdate keeps of an update only what intake needs to know it
// has it (its id): the payload and the chat go, in the turn's own
// transaction, so the report's words and its sender are never both kept.
func ScrubInboxUpdate(ctx context.Context, q sqlx.ExecerContext, updateID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE inbox SET payload = '{}', chat_key = 0 WHERE update_id = $1`, updateID)
	if err != nil {
		return fmt.Errorf("store: unable to scrub update %d: %w", updateID, err)
	}
	return nil
}

// IntegrityReportsSince counts integrity reports made in [since, until)
// (until zero: now).
func IntegrityReportsSince(ctx context.Context, q sqlx.QueryerContext, since, until time.Time) (int, error) {
	if until.IsZero() {
		until = time.Now().Add(time.Hour)
	}
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM integrity_reports WHERE created_at >= $1 AND created_at < $2`, since, until)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count integrity reports: %w", err)
	}
	return n, nil
}
