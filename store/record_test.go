package store_test

import (
	"context"
	"testing"
	"time"

	"servicebot/store"
	"servicebot/store/pgtest"
)

// The deliverer records two questionnaire messages while a batch of turns
// has one of the two drafts and then wants the other: the record must not
// deadlock with the batch (PostgreSQL would abort one of them after a
// second, and the deliverer would stall), and both ids reach their slots.
func TestRecordingSlotsNeverDeadlocksWithTurns(t *testing.T) {
	ctx := context.Background()
	s := pgtest.New(t)
	var a, b int64
	for _, p := range []*int64{&a, &b} {
		if err := s.DB().Get(p, `INSERT INTO responses (kind, questionnaire, version, pack, user_id, lang, answers)
			VALUES ('rating', 'visit', 1, 'hsc', NULL, 'uk', '{}') RETURNING id`); err != nil {
			t.Fatal(err)
		}
	}
	var e1, e2 int64
	for _, p := range []*int64{&e1, &e2} {
		if err := s.DB().Get(p, `INSERT INTO outbox (chat_id, body) VALUES (1, '{}') RETURNING id`); err != nil {
			t.Fatal(err)
		}
	}
	// The batch holds draft b.
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	tx.MustExec(`UPDATE responses SET answers = '{"q1": {"number": 5}}' WHERE id = $1`, b)

	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	recorded := make(chan error, 1)
	go func() {
		recorded <- store.NewSentLog(conn).Record(ctx, []store.Sent{
			{ID: e1, Got: store.Delivered{MessageID: 10}, Slot: &store.Slot{Kind: store.SlotDraftMessage, Key: a}},
			{ID: e2, Got: store.Delivered{MessageID: 20}, Slot: &store.Slot{Kind: store.SlotDraftMessage, Key: b}},
		})
	}()
	time.Sleep(200 * time.Millisecond) // the record waits for b now
	// The batch now wants draft a.
	if _, err := tx.ExecContext(ctx, `UPDATE responses SET answers = '{"q1": {"number": 4}}' WHERE id = $1`, a); err != nil {
		t.Fatalf("the batch's turn failed: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("the batch could not commit: %v", err)
	}
	select {
	case err := <-recorded:
		if err != nil {
			t.Fatalf("the record failed: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the record never finished")
	}
	for _, want := range []struct{ id, msg int64 }{{a, 10}, {b, 20}} {
		got, err := s.ReadSlot(ctx, store.Slot{Kind: store.SlotDraftMessage, Key: want.id})
		if err != nil || got != want.msg {
			t.Errorf("draft %d keeps message %d, %v; want %d", want.id, got, err, want.msg)
		}
	}
	var left int
	s.DB().Get(&left, `SELECT count(*) FROM outbox`)
	if left != 0 {
		t.Errorf("%d delivered effects are still kept", left)
	}
}
