package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// CentreRatings are the submitted quick ratings of one centre.
type CentreRatings struct {
	Centre   string
	Count    int                // submitted ratings
	Criteria map[string]float64 // question id → average score 1–5
	Scores   map[string]int     // question id → how many scores the average is of
}

// MonthRatings are one centre's ratings of one calendar month.
type MonthRatings struct {
	Centre  string    `db:"centre"`
	Month   time.Time `db:"month"` // the first day of the month, in the pack's zone
	Count   int       `db:"n"`
	Average float64   `db:"average"` // over every score of the month
}

// RatingsByCentre averages the scores of the given questions (the rating's
// 1–5 criteria) over every submitted rating of a pack, per centre. Skipped
// answers do not count.
func RatingsByCentre(ctx context.Context, q sqlx.QueryerContext, pack string, questions []string) ([]CentreRatings, error) {
	var counts []struct {
		Centre string `db:"centre"`
		N      int    `db:"n"`
	}
	err := sqlx.SelectContext(ctx, q, &counts, `
		SELECT centre, count(*) AS n FROM responses
		WHERE kind = 'rating' AND status = 'submitted' AND pack = $1 AND centre <> ''
		GROUP BY centre ORDER BY centre`, pack)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count ratings: %w", err)
	}
	var avgs []struct {
		Centre   string  `db:"centre"`
		Question string  `db:"question"`
		N        int     `db:"n"`
		Average  float64 `db:"average"`
	}
	// jsonb_each unpacks each rating's answers once; looking the five
	// criteria up by key (answers->c.id) was several times slower over
	// 200,000 ratings when tried.
	err = sqlx.SelectContext(ctx, q, &avgs, `
		SELECT r.centre, a.key AS question, count(*) AS n, avg((a.value->>'n')::float8) AS average
		FROM responses r CROSS JOIN LATERAL jsonb_each(r.answers) a
		WHERE r.kind = 'rating' AND r.status = 'submitted' AND r.pack = $1 AND r.centre <> ''
		  AND a.key = ANY($2) AND a.value ? 'n' AND NOT coalesce((a.value->>'s')::boolean, false)
		GROUP BY r.centre, a.key`, pack, pq.Array(questions))
	if err != nil {
		return nil, fmt.Errorf("store: unable to average ratings: %w", err)
	}
	out := make([]CentreRatings, 0, len(counts))
	at := map[string]int{}
	for _, c := range counts {
		at[c.Centre] = len(out)
		out = append(out, CentreRatings{Centre: c.Centre, Count: c.N, Criteria: map[string]float64{}, Scores: map[string]int{}})
	}
	for _, a := range avgs {
		if i, ok := at[a.Centre]; ok {
			out[i].Criteria[a.Question] = a.Average
			out[i].Scores[a.Question] = a.N
		}
	}
	return out, nil
}

// RatingsByMonth averages every score of the given questions per centre and
// calendar month (in zone, an IANA name) since a moment, oldest first.
func RatingsByMonth(ctx context.Context, q sqlx.QueryerContext, pack string, questions []string, zone string, since time.Time) ([]MonthRatings, error) {
	var out []MonthRatings
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT r.centre, date_trunc('month', r.submitted_at AT TIME ZONE $3) AS month,
		       count(DISTINCT r.id) AS n, avg((a.value->>'n')::float8) AS average
		FROM responses r CROSS JOIN LATERAL jsonb_each(r.answers) a
		WHERE r.kind = 'rating' AND r.status = 'submitted' AND r.pack = $1 AND r.centre <> ''
		  AND r.submitted_at >= $4
		  AND a.key = ANY($2) AND a.value ? 'n' AND NOT coalesce((a.value->>'s')::boolean, false)
		GROUP BY 1, 2 ORDER BY 1, 2`, pack, pq.Array(questions), zone, since)
	if err != nil {
		return nil, fmt.Errorf("store: unable to average ratings by month: %w", err)
	}
	return out, nil
}
