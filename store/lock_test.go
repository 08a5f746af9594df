package store_test

import (
	"context"
	"testing"

	"servicebot/store"
	"servicebot/store/pgtest"
)

// The deliverer's connection turns off synchronous commits and sequential
// scans for its records; once it lets its lease go, the connection goes
// back to the pool as any other, or not at all.
func TestReleasedLeaseLeavesNoSessionSettings(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, pgtest.URL(t), 1) // one connection: the lease's comes back
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, ok, err := s.Lead(ctx, store.LockDeliverer)
	if err != nil || !ok {
		t.Fatalf("lead: %v, %v", ok, err)
	}
	if _, err := l.Conn.ExecContext(ctx, `SET synchronous_commit = off; SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	l.Release()
	var commit, seqscan string
	if err := s.DB().QueryRowContext(ctx, `SELECT current_setting('synchronous_commit'), current_setting('enable_seqscan')`).Scan(&commit, &seqscan); err != nil {
		t.Fatal(err)
	}
	if commit != "on" || seqscan != "on" {
		t.Errorf("after the lease, a pool connection has synchronous_commit=%s, enable_seqscan=%s; want on, on", commit, seqscan)
	}
	// The lock is free again.
	l2, ok, err := s.Lead(ctx, store.LockDeliverer)
	if err != nil || !ok {
		t.Fatalf("the lock was not given back: %v, %v", ok, err)
	}
	l2.Release()
}
