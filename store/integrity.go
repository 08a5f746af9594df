package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
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

// AddIntegrityReport stores a report, and apart from it the reporter, so
// that replies reach them.
func AddIntegrityReport(ctx context.Context, q sqlx.QueryerContext, r IntegrityReport, userID int64) (IntegrityReport, error) {
	err := sqlx.GetContext(ctx, q, &r, `
		WITH rep AS (
			INSERT INTO integrity_reports (pseudonym, anonymous, lang, text, source) VALUES ($1, $2, $3, $4, $5)
			RETURNING id, pseudonym, anonymous, lang, text, source, chat_message_id
		), who AS (
			INSERT INTO integrity_reporters (report_id, user_id) SELECT id, $6 FROM rep
		)
		SELECT * FROM rep`, r.Pseudonym, r.Anonymous, r.Lang, r.Text, r.Source, userID)
	if err != nil {
		return IntegrityReport{}, fmt.Errorf("store: unable to store an integrity report: %w", err)
	}
	return r, nil
}

// IntegrityReporter finds, for a reply in the integrity chat, the report it
// answers and whom to send the reply to.
func IntegrityReporter(ctx context.Context, q sqlx.QueryerContext, chatMessageID int) (IntegrityReport, int64, error) {
	var out struct {
		IntegrityReport
		UserID int64 `db:"user_id"`
	}
	err := sqlx.GetContext(ctx, q, &out, `
		SELECT r.id, r.pseudonym, r.anonymous, r.lang, r.text, r.source, r.chat_message_id, w.user_id
		FROM integrity_reports r JOIN integrity_reporters w ON w.report_id = r.id
		WHERE r.chat_message_id = $1`, chatMessageID)
	if err != nil {
		return IntegrityReport{}, 0, fmt.Errorf("store: unable to find the report of message %d: %w", chatMessageID, notFound(err))
	}
	return out.IntegrityReport, out.UserID, nil
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
