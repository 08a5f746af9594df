package pgtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// Search looks for each needle in every row of every table of the public
// schema, as the row's JSON text, case-insensitively, and returns the
// places found as "table: row". It is how the tests prove that something is
// gone (a forgotten person, an anonymous reporter): by searching the
// database as an operator with full access would, not by trusting the code
// that deletes. Empty needles are ignored.
func Search(tb testing.TB, db *sqlx.DB, needles ...string) []string {
	tb.Helper()
	ctx := context.Background()
	var tables []string
	if err := db.SelectContext(ctx, &tables, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`); err != nil {
		tb.Fatalf("pgtest: list tables: %v", err)
	}
	var found []string
	for _, table := range tables {
		var rows []string
		q := fmt.Sprintf(`SELECT row_to_json(t)::text FROM %q t`, table)
		if err := db.SelectContext(ctx, &rows, q); err != nil {
			tb.Fatalf("pgtest: read %s: %v", table, err)
		}
		for _, row := range rows {
			low := strings.ToLower(row)
			for _, n := range needles {
				if n != "" && strings.Contains(low, strings.ToLower(n)) {
					found = append(found, fmt.Sprintf("%s (%q): %s", table, n, row))
					break
				}
			}
		}
	}
	return found
}
