package store_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/jmoiron/sqlx"
	"strings"
	"testing"
	"time"

	"servicebot/store"
	"servicebot/store/pgtest"
)

// What the dispatcher and the intake rely on when PostgreSQL fails under
// them: a connection cut mid-transaction is reported as an outage and leaves
// the update pending; a statement PostgreSQL refuses is not an outage and is
// undone to the savepoint without losing the chat's lock; a batch stored again
// after its connections were cut stores nothing twice.

func faultUpdates(ids ...int64) []store.InboxUpdate {
	out := make([]store.InboxUpdate, len(ids))
	for i, id := range ids {
		chat := 10 + id%2 // odd ids in chat 11, even in chat 10
		out[i] = store.InboxUpdate{UpdateID: id, ChatKey: chat, Kind: "message",
			Payload: fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"text":"x"}}`, id, id, chat)}
	}
	return out
}

// terminate ends every other session on the test's database, as an operator
// (or a failover) would.
func terminate(t *testing.T, s *store.Store) int {
	t.Helper()
	admin := pgtest.New(t) // a pool on another database of the same server
	var name string
	if err := s.DB().QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	var n int
	err := admin.DB().QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1`, name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// claimFirst stores updates 1, 2 and 3 (chats 11, 10, 11) in a fresh
// database and claims update 1 in a transaction.
func claimFirst(t *testing.T) (context.Context, *store.Store, *sqlx.Tx, *store.Claimed) {
	t.Helper()
	if testing.Short() {
		t.Skip("fault test")
	}
	t.Parallel()
	ctx := context.Background()
	s := pgtest.New(t)
	if _, err := s.AddUpdates(ctx, faultUpdates(1, 2, 3)); err != nil {
		t.Fatal(err)
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := claimOne(ctx, s, tx, 11)
	if err != nil || c == nil || c.UpdateID != 1 {
		t.Fatalf("claimed %+v, %v; want update 1", c, err)
	}
	return ctx, s, tx, c
}

func TestCutConnectionLeavesTheUpdatePending(t *testing.T) {
	ctx, s, tx, c := claimFirst(t)
	if _, err := store.TouchUser(ctx, tx, 11); err != nil {
		t.Fatal(err)
	}
	if n := terminate(t, s); n == 0 {
		t.Fatal("no session was cut")
	}
	_, err := finishOne(ctx, s, tx, c)
	if err == nil {
		err = tx.Commit()
	}
	if err == nil {
		t.Fatal("finishing the update on a cut connection succeeded")
	}
	if !store.IsUnavailable(err) {
		t.Errorf("a cut connection is not reported as an outage: %v", err)
	}
	tx.Rollback()

	// The pool recovers; the update is still pending, untried, and its chat
	// no longer locked.
	var got []int64
	for _, chat := range []int64{11, 10, 11} {
		// Pooled connections cut with the rest fail once each when next
		// used (the dispatcher just tries again); so does this loop.
		var tx *sqlx.Tx
		var c *store.Claimed
		for try := 0; ; try++ {
			tx, err = s.Begin(ctx)
			if err == nil {
				c, err = claimOne(ctx, s, tx, chat)
				if err == nil && c == nil {
					err = fmt.Errorf("chat %d: nothing to claim", chat)
				}
				if err != nil {
					tx.Rollback()
				}
			}
			if err == nil {
				break
			}
			if !store.IsUnavailable(err) || try == 20 {
				t.Fatalf("after the cut: %v", err)
			}
		}
		if c.UpdateID == 1 && c.Attempts != 0 {
			t.Errorf("update 1 has %d attempts after a cut connection", c.Attempts)
		}
		got = append(got, c.UpdateID)
		if _, err := finishOne(ctx, s, tx, c); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("handled %v after the cut, want [1 2 3]", got)
	}
	var u int
	s.DB().QueryRow(`SELECT count(*) FROM users WHERE id = 11`).Scan(&u)
	if u != 0 {
		t.Error("the cut transaction's write was kept")
	}
}

func TestRefusedStatementRollsBackToTheSavepoint(t *testing.T) {
	ctx, s, tx, c := claimFirst(t)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT turn"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.TouchUser(ctx, tx, 11); err != nil {
		t.Fatal(err)
	}
	// A vote of 2 breaks faq_votes' CHECK (vote IN (-1, 1)); text with a NUL
	// byte is refused by PostgreSQL whatever the column.
	_, checkErr := store.VoteFAQ(ctx, tx, "hsc", "booking_online", 11, 2)
	if checkErr == nil || store.IsUnavailable(checkErr) || !strings.Contains(checkErr.Error(), "check") {
		t.Fatalf("a CHECK violation: %v (outage: %v)", checkErr, store.IsUnavailable(checkErr))
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT turn"); err != nil {
		t.Fatal(err)
	}
	_, nulErr := store.RecordUnanswered(ctx, tx, "hsc", "x", "a\x00b", "uk", "nomatch", "")
	if nulErr == nil || store.IsUnavailable(nulErr) {
		t.Fatalf("text with a NUL byte: %v (outage: %v)", nulErr, store.IsUnavailable(nulErr))
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT turn"); err != nil {
		t.Fatal(err)
	}
	if err := store.RetryUpdate(ctx, tx, c.UpdateID, nulErr.Error(), time.Hour, true); err != nil {
		t.Fatal(err)
	}
	// Until the transaction ends nobody else takes the chat.
	other, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c2, err := claimOne(ctx, s, other, 11); c2 != nil || err != nil {
		t.Errorf("while update 1 is held, another worker claimed %+v, %v", c2, err)
	}
	other.Rollback()
	if err := tx.Commit(); err != nil {
		t.Fatalf("the transaction is unusable after rolling back to the savepoint: %v", err)
	}

	entries, err := s.InboxEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := entries[0]
	if e.UpdateID != 1 || e.Status != store.InboxPending || e.Attempts != 1 || !strings.Contains(e.LastError, "0x00") {
		t.Errorf("update 1 after a refused statement: %+v; want pending, one attempt, the cause kept", e)
	}
	var users int
	s.DB().QueryRow(`SELECT count(*) FROM users`).Scan(&users)
	if users != 0 {
		t.Error("the failed turn's writes were kept")
	}
	// Update 3 waits behind update 1 of its chat, now due in an hour: only
	// chat 10 has work.
	if chats, err := s.PendingChats(ctx, 10); err != nil || fmt.Sprint(chats) != "[{10 2 2}]" {
		t.Errorf("chats with work: %v, %v; want chat 10 (head: update 2)", chats, err)
	}
	tx, _ = s.Begin(ctx)
	defer tx.Rollback()
	if c, err := claimOne(ctx, s, tx, 11); c != nil || err != nil {
		t.Errorf("claimed %+v, %v from chat 11; update 3 must wait for update 1", c, err)
	}
}

func TestBatchStoredAgainAfterCutConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	t.Parallel()
	ctx := context.Background()
	s := pgtest.New(t)
	var first, second []int64
	for id := int64(1); id <= 100; id++ {
		if id <= 50 {
			first = append(first, id)
		}
		second = append(second, id)
	}
	if n, err := s.AddUpdates(ctx, faultUpdates(first...)); err != nil || n.New != 50 || len(n.Work) != 50 {
		t.Fatalf("stored %+v, %v; want 50 new, all to handle", n, err)
	}
	terminate(t, s)
	// Telegram redelivers the first batch with more: the intake retries
	// until it is stored; nothing is stored twice.
	var added int
	for attempt := 1; ; attempt++ {
		n, err := s.AddUpdates(ctx, faultUpdates(second...))
		if err == nil {
			added = n.New
			break
		}
		if !store.IsUnavailable(err) || attempt == 3 {
			t.Fatalf("attempt %d: %v (outage: %v)", attempt, err, store.IsUnavailable(err))
		}
	}
	if added != 50 {
		t.Errorf("the redelivered batch added %d, want 50", added)
	}
	var n, distinct int
	s.DB().QueryRow(`SELECT count(*), count(DISTINCT update_id) FROM inbox`).Scan(&n, &distinct)
	if n != 100 || distinct != 100 {
		t.Errorf("inbox holds %d rows (%d distinct), want 100", n, distinct)
	}
}

// Two transactions taking the same two rows in opposite orders deadlock;
// PostgreSQL rolls one back, and the error says to try again.
func TestDeadlockIsAConflictToRetry(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	t.Parallel()
	ctx := context.Background()
	s := pgtest.New(t)
	for _, id := range []int64{1, 2} {
		if _, err := store.TouchUser(ctx, s.DB(), id); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := s.Begin(ctx)
	defer a.Rollback()
	b, _ := s.Begin(ctx)
	defer b.Rollback()
	lock := func(tx *sqlx.Tx, id int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET active = true WHERE id = $1`, id)
		return err
	}
	if err := lock(a, 1); err != nil {
		t.Fatal(err)
	}
	if err := lock(b, 2); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	cross := func(tx *sqlx.Tx, id int64) {
		err := lock(tx, id)
		if err != nil {
			tx.Rollback() // the victim's rollback lets the other through
		}
		errs <- err
	}
	go cross(a, 2)
	go cross(b, 1)
	var conflicts int
	for range 2 {
		err := <-errs
		if err == nil {
			continue
		}
		if !store.IsConflict(err) || store.IsUnavailable(err) {
			t.Errorf("a deadlock: %v (conflict %v, outage %v)", err, store.IsConflict(err), store.IsUnavailable(err))
		}
		conflicts++
	}
	if conflicts != 1 {
		t.Errorf("%d of the two transactions failed, want 1", conflicts)
	}
	if store.IsConflict(errors.New("deadline")) {
		t.Error("any error taken for a conflict")
	}
}
