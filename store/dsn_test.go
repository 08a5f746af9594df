package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

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

// Whatever goes wrong opening the database, the error names neither the
// password nor any piece of it: not when the URL does not parse, not when
// the server cannot be reached.
func TestOpenErrorsNeverShowThePassword(t *testing.T) {
	for _, c := range []struct{ dsn, password string }{
		{"postgres://servicebot:Ab3/Kx9+qZ=@127.0.0.1:1/servicebot?sslmode=disable", "Ab3/Kx9+qZ="},
		{"postgres://servicebot:Ab3%zzKx9@127.0.0.1:1/servicebot?sslmode=disable", "Ab3%zzKx9"},
		{"postgres://servicebot:Ab3#Kx9qZ@127.0.0.1:1/servicebot?sslmode=disable", "Ab3#Kx9qZ"},
		{"postgres://servicebot:Ab3 Kx9qZ@127.0.0.1:1/servicebot?sslmode=disable", "Ab3 Kx9qZ"},
		{"postgres://servicebot:123/456789@127.0.0.1:1/servicebot", "123/456789"},
		{"postgres://servicebot@127.0.0.1:1/servicebot?sslmode=disable&password=Ab3%zz", "Ab3%zz"},
		// These parse: the connection fails, and its error shows the URL
		// without the password.
		{"postgres://servicebot:Ab3Kx9qZ@127.0.0.1:1/servicebot?sslmode=disable", "Ab3Kx9qZ"},
		{"postgres://servicebot@127.0.0.1:1/servicebot?sslmode=disable&password=Ab3Kx9qZ", "Ab3Kx9qZ"},
		{"postgres://servicebot@127.0.0.1:1/servicebot?sslmode=disable&Password=Ab3Kx9qZ", "Ab3Kx9qZ"},
		{"host=127.0.0.1 port=1 password=Ab3 Kx9qZ dbname=servicebot", "Ab3 Kx9qZ"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s, err := Open(ctx, c.dsn, 1)
		cancel()
		if err == nil {
			s.Close()
			t.Errorf("%s: opened", c.dsn)
			continue
		}
		for i := 0; i+3 <= len(c.password); i++ {
			if piece := c.password[i : i+3]; strings.Contains(err.Error(), piece) {
				t.Errorf("%s: the error shows %q of the password: %v", c.dsn, piece, err)
			}
		}
	}
}
