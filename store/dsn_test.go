package store

import "testing"

func TestWithBinaryParameters(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u@db:5432/bot?sslmode=disable", "postgres://u@db:5432/bot?binary_parameters=yes&sslmode=disable"},
		{"postgresql://db/bot", "postgresql://db/bot?binary_parameters=yes"},
		{"host=/run/pg dbname=bot", "host=/run/pg dbname=bot binary_parameters=yes"},
		{"postgres://db/bot?binary_parameters=no", "postgres://db/bot?binary_parameters=no"},
	} {
		if got := withBinaryParameters(c.in); got != c.want {
			t.Errorf("withBinaryParameters(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
