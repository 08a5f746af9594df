package store_test

import (
	"context"
	"testing"

	"servicebot/store"
	"servicebot/store/pgtest"
)

// Statements with parameters are prepared once per connection. One that
// PostgreSQL can no longer run as prepared (its table changed shape) fails
// once, as any statement in flight during a migration would, and the next
// call prepares it again rather than failing for as long as the
// connection lives.
func TestPreparedStatementOutlivesATableChange(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, pgtest.URL(t), 1) // one connection: the statement's
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	db.MustExec(`CREATE TABLE shapes (a int)`)
	db.MustExec(`INSERT INTO shapes VALUES (1)`)
	count := func() (int, error) {
		var cols []any
		rows, err := db.QueryxContext(ctx, `SELECT * FROM shapes WHERE a = $1`, 1)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		for rows.Next() {
			if cols, err = rows.SliceScan(); err != nil {
				return 0, err
			}
		}
		return len(cols), rows.Err()
	}
	if n, err := count(); err != nil || n != 1 {
		t.Fatalf("first read: %d columns, %v", n, err)
	}
	db.MustExec(`ALTER TABLE shapes ADD COLUMN b int`)
	if _, err := count(); err == nil {
		t.Log("PostgreSQL ran the changed statement as prepared") // allowed: nothing to recover from
	}
	if n, err := count(); err != nil || n != 2 {
		t.Errorf("after the change: %d columns, %v; want 2, the statement prepared again", n, err)
	}
}
