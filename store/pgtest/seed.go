package pgtest

import (
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// SeedRatings stores n submitted quick ratings of the hsc pack in one
// statement, spread over centres (in turn) and the last 360 days, already
// shown to staff (no review cards), and analyzes the table: the load for
// tests of what a large history costs.
func SeedRatings(tb testing.TB, db *sqlx.DB, n int, centres ...string) {
	tb.Helper()
	_, err := db.Exec(`
		INSERT INTO responses (kind, questionnaire, version, pack, user_id, centre, lang, answers, status, started_at, submitted_at, reviewed)
		SELECT 'rating', 'rating', 1, 'hsc', 900000000 + i, ($2::text[])[1 + i % cardinality($2::text[])], 'uk',
		       jsonb_build_object('time', jsonb_build_object('n', 1 + i % 5), 'queue', jsonb_build_object('n', 1 + i % 4),
		                          'staff', jsonb_build_object('n', 5), 'comfort', jsonb_build_object('n', 4), 'info', jsonb_build_object('n', 3),
		                          'what_wrong', jsonb_build_object('t', 'довга черга біля входу')),
		       'submitted', now() - make_interval(days => i % 360), now() - make_interval(days => i % 360), true
		FROM generate_series(1, $1) AS i`, n, pq.Array(centres))
	if err != nil {
		tb.Fatalf("pgtest: seed ratings: %v", err)
	}
	if _, err := db.Exec(`ANALYZE responses`); err != nil {
		tb.Fatalf("pgtest: analyze: %v", err)
	}
}
