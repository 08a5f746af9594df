package store_test

import (
	"context"
	"testing"

	"servicebot/store/pgtest"
)

// The reader pool is its own: bounded, and every statement on it is cut
// off after store.ReadTimeout, whatever the page or command that runs it.
func TestReaderPoolHasItsOwnLimits(t *testing.T) {
	st := pgtest.New(t)
	var timeout string
	if err := st.Reader().QueryRowContext(context.Background(), `SHOW statement_timeout`).Scan(&timeout); err != nil {
		t.Fatal(err)
	}
	if timeout != "30s" {
		t.Errorf("the reader pool's statement_timeout is %q, want 30s", timeout)
	}
	if err := st.DB().QueryRowContext(context.Background(), `SHOW statement_timeout`).Scan(&timeout); err != nil {
		t.Fatal(err)
	}
	if timeout != "0" {
		t.Errorf("the workers' pool has statement_timeout %q; a turn's statements are not cut off", timeout)
	}
	if n := st.Reader().Stats().MaxOpenConnections; n != 4 {
		t.Errorf("the reader pool opens up to %d connections, want 4", n)
	}
}
