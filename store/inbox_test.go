package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"servicebot/store"
	"servicebot/store/pgtest"
)

// The chats with work come oldest first, one entry per chat; a chat's
// updates are claimed one at a time, in order, and finishing one tells
// whether the next is waiting.
func TestChatsAreClaimedOneUpdateAtATimeInOrder(t *testing.T) {
	ctx := context.Background()
	s := pgtest.New(t)
	// Chat 11: updates 1, 3, 5; chat 10: 2, 4.
	if _, err := s.AddUpdates(ctx, faultUpdates(5, 1, 2, 3, 4)); err != nil {
		t.Fatal(err)
	}
	if chats, err := s.PendingChats(ctx, 10); err != nil || fmt.Sprint(chats) != "[{11 1 5} {10 2 4}]" {
		t.Fatalf("chats with work: %v, %v; want chat 11 (updates 1 to 5) first, then chat 10 (2 to 4)", chats, err)
	}
	if chats, _ := s.PendingChats(ctx, 1); len(chats) != 1 {
		t.Errorf("limit 1 gave %v", chats)
	}

	var handled []int64
	for _, chat := range []int64{11, 11, 10, 11, 10} {
		tx, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c, err := claimOne(ctx, s, tx, chat)
		if err != nil || c == nil {
			t.Fatalf("chat %d: %+v, %v", chat, c, err)
		}
		// While it is held, nobody else takes the chat.
		other, _ := s.Begin(ctx)
		if c2, err := claimOne(ctx, s, other, chat); c2 != nil || err != nil {
			t.Errorf("chat %d held elsewhere: claimed %+v, %v", chat, c2, err)
		}
		other.Rollback()
		more, err := finishOne(ctx, s, tx, c)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		handled = append(handled, c.UpdateID)
		if wantMore := c.UpdateID <= 3; more != wantMore {
			t.Errorf("after update %d: more = %v, want %v", c.UpdateID, more, wantMore)
		}
	}
	if fmt.Sprint(handled) != "[1 3 2 5 4]" {
		t.Errorf("handled %v, want [1 3 2 5 4]", handled)
	}
	tx, _ := s.Begin(ctx)
	defer tx.Rollback()
	if c, err := claimOne(ctx, s, tx, 11); c != nil || err != nil {
		t.Errorf("an empty chat gave %+v, %v; want nothing", c, err)
	}
	if chats, err := s.PendingChats(ctx, 10); err != nil || len(chats) != 0 {
		t.Errorf("chats with work after all: %v, %v", chats, err)
	}
}

// An update waiting for a retry holds its chat's later updates back, and
// the chat is not listed as having work until it is due.
func TestRetryHoldsTheChatBack(t *testing.T) {
	ctx := context.Background()
	s := pgtest.New(t)
	if _, err := s.AddUpdates(ctx, faultUpdates(1, 3)); err != nil {
		t.Fatal(err)
	}
	tx, _ := s.Begin(ctx)
	c, err := claimOne(ctx, s, tx, 11)
	if err != nil || c == nil || c.UpdateID != 1 {
		t.Fatalf("claimed %+v, %v", c, err)
	}
	if err := store.RetryUpdate(ctx, tx, 1, "the Bot API is away", 300*time.Millisecond, true); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if chats, _ := s.PendingChats(ctx, 10); len(chats) != 0 {
		t.Errorf("chats with work during the backoff: %v", chats)
	}
	tx, _ = s.Begin(ctx)
	if c, err := claimOne(ctx, s, tx, 11); c != nil || err != nil {
		t.Errorf("during the backoff the chat gave %+v, %v; update 3 must wait", c, err)
	}
	tx.Rollback()
	time.Sleep(400 * time.Millisecond)
	if chats, _ := s.PendingChats(ctx, 10); fmt.Sprint(chats) != "[{11 1 3}]" {
		t.Errorf("chats with work after the backoff: %v", chats)
	}
	tx, _ = s.Begin(ctx)
	defer tx.Rollback()
	if c, err := claimOne(ctx, s, tx, 11); err != nil || c == nil || c.UpdateID != 1 || c.Attempts != 1 {
		t.Errorf("after the backoff: %+v, %v; want update 1 on its second attempt", c, err)
	}
}

// A worker takes several chats in one transaction: the oldest due update of
// each chat it can lock, in the order asked, and finishing them tells which
// chats have another update waiting.
func TestChatsAreClaimedAndFinishedInBatches(t *testing.T) {
	ctx := context.Background()
	s := pgtest.New(t)
	ups := []store.InboxUpdate{}
	for _, u := range [][2]int64{{1, 21}, {2, 22}, {3, 23}, {4, 21}, {5, 24}, {6, 25}, {7, 25}} {
		ups = append(ups, store.InboxUpdate{UpdateID: u[0], ChatKey: u[1], Kind: "message", Payload: []byte(`{}`)})
	}
	if _, err := s.AddUpdates(ctx, ups); err != nil {
		t.Fatal(err)
	}
	// Chat 23 is held by another worker; chat 24's update waits for a retry.
	other, _ := s.Begin(ctx)
	defer other.Rollback()
	if c, err := claimOne(ctx, s, other, 23); err != nil || c == nil {
		t.Fatalf("chat 23: %+v, %v", c, err)
	}
	if err := store.RetryUpdate(ctx, s.DB(), 5, "later", time.Hour, true); err != nil {
		t.Fatal(err)
	}
	tx, _ := s.Begin(ctx)
	defer tx.Rollback()
	claimed, idle, err := s.ClaimChats(ctx, tx, []int64{25, 21, 23, 24, 26, 22})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(idle) != "[24 26]" {
		t.Errorf("locked with nothing to take: %v; want [24 26]", idle)
	}
	var got []string
	for _, c := range claimed {
		got = append(got, fmt.Sprintf("%d:%d", c.ChatKey, c.UpdateID))
	}
	if fmt.Sprint(got) != "[25:6 21:1 22:2]" {
		t.Errorf("claimed %v; want [25:6 21:1 22:2]: busy 23, not yet due 24 and empty 26 left out", got)
	}
	if c, err := claimOne(ctx, s, other, 21); c != nil || err != nil {
		t.Errorf("chat 21 taken twice: %+v, %v", c, err)
	}
	// The turns' effects are written with the record of the updates.
	effects := []store.Effect{
		{ChatID: 25, Body: []byte(`{"n":1}`), UpdateID: 6},
		{ChatID: 22, Body: []byte(`{"n":2}`), UpdateID: 2},
		{ChatID: 25, Body: []byte(`{"n":3}`), UpdateID: 6, Urgent: true},
	}
	more, err := s.FinishUpdates(ctx, tx, []store.Finished{{UpdateID: 6, ChatKey: 25, Status: store.InboxDone}, {UpdateID: 1, ChatKey: 21, Status: store.InboxSkipped}, {UpdateID: 2, ChatKey: 22, Status: store.InboxDone}}, effects, "test")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(more)
	if fmt.Sprint(more) != "[21 25]" {
		t.Errorf("chats with more: %v; want [21 25]", more)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, _ := s.InboxEntries(ctx)
	var states []string
	for _, e := range entries {
		states = append(states, fmt.Sprintf("%d:%d/%d", e.UpdateID, e.Status, e.Attempts))
	}
	if want := "[1:3/1 2:1/1 3:0/0 4:0/0 5:0/1 6:1/1 7:0/0]"; fmt.Sprint(states) != want {
		t.Errorf("inbox (update:status/attempts) %v; want %s", states, want)
	}
	if got := outboxRows(t, s); got != `[25:6:{"n":1} 22:2:{"n":2} 25:6:{"n":3}!]` {
		t.Errorf("outbox (chat:update:body, ! urgent) %s; want the three effects in their order", got)
	}
}

// One update's finish writes its effects too; an effect with a file is
// written all the same, and a batch that rolls back leaves none.
func TestFinishingOneUpdateWritesItsEffects(t *testing.T) {
	ctx := context.Background()
	s := pgtest.New(t)
	if _, err := s.AddUpdates(ctx, faultUpdates(1, 2)); err != nil {
		t.Fatal(err)
	}
	finish := func(c *store.Claimed, tx *sqlx.Tx, effects ...store.Effect) {
		t.Helper()
		if _, err := s.FinishUpdates(ctx, tx, []store.Finished{{UpdateID: c.UpdateID, ChatKey: c.ChatKey, Status: store.InboxDone}}, effects, "test"); err != nil {
			t.Fatal(err)
		}
	}
	tx, _ := s.Begin(ctx)
	c, _ := claimOne(ctx, s, tx, 11)
	finish(c, tx, store.Effect{ChatID: 11, Body: []byte(`{"n":0}`), UpdateID: 1})
	tx.Rollback()
	if got := outboxRows(t, s); got != "[]" {
		t.Errorf("a rolled-back finish left effects: %s", got)
	}
	for _, chat := range []int64{11, 10} {
		tx, _ := s.Begin(ctx)
		c, err := claimOne(ctx, s, tx, chat)
		if err != nil || c == nil {
			t.Fatalf("chat %d: %+v, %v", chat, c, err)
		}
		e := store.Effect{ChatID: chat, Body: fmt.Appendf(nil, `{"n":%d}`, c.UpdateID), UpdateID: c.UpdateID}
		if chat == 10 {
			e.File = []byte("a,b")
		}
		finish(c, tx, e, store.Effect{ChatID: 99, Body: []byte(`{"n":9}`), UpdateID: c.UpdateID})
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if got := outboxRows(t, s); got != `[11:1:{"n":1} 99:1:{"n":9} 10:2:{"n":2} 99:2:{"n":9}]` {
		t.Errorf("outbox (chat:update:body) %s", got)
	}
	var files int
	s.DB().QueryRow(`SELECT count(*) FROM outbox WHERE file = 'a,b'`).Scan(&files)
	if files != 1 {
		t.Errorf("%d effects keep the file; want 1", files)
	}
}

// outboxRows lists the outbox in id order as chat:update:body, "!" marking
// the urgent.
func outboxRows(t *testing.T, s *store.Store) string {
	t.Helper()
	var rows []string
	r, err := s.DB().Query(`SELECT chat_id, coalesce(update_id, 0), body::text, urgent FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var chat, update int64
		var body string
		var urgent bool
		if err := r.Scan(&chat, &update, &body, &urgent); err != nil {
			t.Fatal(err)
		}
		mark := ""
		if urgent {
			mark = "!"
		}
		rows = append(rows, fmt.Sprintf("%d:%d:%s%s", chat, update, body, mark))
	}
	return fmt.Sprint(rows)
}

// claimOne takes chat's oldest update through ClaimChats: nil when it
// cannot be taken.
func claimOne(ctx context.Context, s *store.Store, tx *sqlx.Tx, chat int64) (*store.Claimed, error) {
	cs, _, err := s.ClaimChats(ctx, tx, []int64{chat})
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0], nil
}

// finishOne records an update done and tells whether its chat has more.
func finishOne(ctx context.Context, s *store.Store, tx *sqlx.Tx, c *store.Claimed) (bool, error) {
	more, err := s.FinishUpdates(ctx, tx, []store.Finished{{UpdateID: c.UpdateID, ChatKey: c.ChatKey, Status: store.InboxDone}}, nil, "test")
	return len(more) > 0, err
}

// What the intake stored comes back as work for its own workers, without
// the notification: that goes to the other processes on the database.
func TestStoredUpdatesAreOfferedHereAndNotifiedElsewhere(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	u := pgtest.URL(t)
	here, err := store.Open(ctx, u, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer here.Close()
	there, err := store.Open(ctx, u, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer there.Close()
	heard := func(s *store.Store) <-chan struct{} {
		ch, err := s.Listen(ctx, store.InboxChannel)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	hereHears, thereHears := heard(here), heard(there)

	ups := faultUpdates(1, 2, 3)
	ups = append(ups, store.InboxUpdate{UpdateID: 4, ChatKey: 10, Kind: "poll", Payload: []byte(`{"update_id":4}`), Skip: true})
	added, err := here.AddUpdates(ctx, ups)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(added.New, added.Work) != "4 [{11 1 1} {10 2 2} {11 3 3}]" {
		t.Errorf("stored %d, work %v; want 4 new, the three to handle (not the skipped poll)", added.New, added.Work)
	}
	select {
	case <-thereHears:
	case <-time.After(5 * time.Second):
		t.Fatal("another process was not told of the new updates")
	}
	select {
	case <-hereHears:
		t.Error("the process that stored the updates was notified of them too")
	case <-time.After(300 * time.Millisecond):
	}
	// Telegram delivers the batch again: nothing new, nobody notified.
	again, err := here.AddUpdates(ctx, ups[:2])
	if err != nil || again.New != 0 || len(again.Work) != 0 {
		t.Errorf("a redelivered batch gave %+v, %v; want nothing new", again, err)
	}
	select {
	case <-thereHears:
		t.Error("a redelivery with nothing new notified the others")
	case <-time.After(300 * time.Millisecond):
	}
}

// A citizen who keeps writing comes with the claim of their update, so
// their turn need not write their row again; a new, inactive or long
// unseen one does not, and their turn records them.
func TestClaimBringsTheUserSeenLately(t *testing.T) {
	ctx := context.Background()
	s := pgtest.New(t)
	// Chat 10: seen now; 11: inactive; 12: seen two hours ago; 13: new.
	for _, id := range []int64{10, 11, 12} {
		if _, err := store.TouchUser(ctx, s.DB(), id); err != nil {
			t.Fatal(err)
		}
	}
	s.DB().MustExec(`UPDATE users SET language = 'uk', start_payload = 'qr-8046' WHERE id = 10`)
	s.DB().MustExec(`UPDATE users SET active = false WHERE id = 11`)
	s.DB().MustExec(`UPDATE users SET seen_at = now() - interval '2 hours' WHERE id = 12`)
	var ups []store.InboxUpdate
	for i, chat := range []int64{10, 11, 12, 13} {
		ups = append(ups, store.InboxUpdate{UpdateID: int64(i + 1), ChatKey: chat, Kind: "message", Payload: []byte(`{}`)})
	}
	if _, err := s.AddUpdates(ctx, ups); err != nil {
		t.Fatal(err)
	}
	seen := func(cs []store.Claimed) string {
		var out []string
		for _, c := range cs {
			if c.Seen == nil {
				out = append(out, fmt.Sprintf("%d:-", c.ChatKey))
			} else {
				out = append(out, fmt.Sprintf("%d:%d/%s/%s", c.ChatKey, c.Seen.ID, c.Seen.Language, c.Seen.StartPayload))
			}
		}
		return fmt.Sprint(out)
	}
	tx, _ := s.Begin(ctx)
	defer tx.Rollback()
	claimed, _, err := s.ClaimChats(ctx, tx, []int64{10, 11, 12, 13})
	if err != nil {
		t.Fatal(err)
	}
	if got := seen(claimed); got != "[10:10/uk/qr-8046 11:- 12:- 13:-]" {
		t.Errorf("claimed with users %s; want only chat 10's, seen lately", got)
	}
	tx.Rollback()
	// One chat alone is claimed by a statement of its own: the same.
	tx, _ = s.Begin(ctx)
	claimed, _, err = s.ClaimChats(ctx, tx, []int64{10})
	if err != nil || seen(claimed) != "[10:10/uk/qr-8046]" {
		t.Errorf("chat 10 alone: %s, %v", seen(claimed), err)
	}
}

// A turn of the report flow scrubs its update of the chat; the chat's
// next update is still taken at once, in one batch or alone, not at the
// feeder's next look a second later (a reporter's album came a part a
// second).
func TestScrubbedUpdateStillHandsOnItsChat(t *testing.T) {
	ctx := context.Background()
	s := pgtest.New(t)
	if _, err := s.AddUpdates(ctx, faultUpdates(1, 2, 3, 4)); err != nil {
		t.Fatal(err)
	}
	tx, _ := s.Begin(ctx)
	defer tx.Rollback()
	cs, _, err := s.ClaimChats(ctx, tx, []int64{11, 10})
	if err != nil || len(cs) != 2 {
		t.Fatalf("claimed %+v, %v", cs, err)
	}
	var done []store.Finished
	for _, c := range cs {
		if err := store.ScrubInboxUpdate(ctx, tx, c.UpdateID); err != nil {
			t.Fatal(err)
		}
		done = append(done, store.Finished{UpdateID: c.UpdateID, ChatKey: c.ChatKey, Status: store.InboxDone})
	}
	more, err := s.FinishUpdates(ctx, tx, done, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(more)
	if fmt.Sprint(more) != "[10 11]" {
		t.Errorf("after a batch of scrubbed updates, chats with more: %v; want [10 11]", more)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddUpdates(ctx, faultUpdates(5)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []bool{true, false} { // updates 3 and 5 of chat 11
		tx, _ := s.Begin(ctx)
		c, err := claimOne(ctx, s, tx, 11)
		if err != nil || c == nil {
			t.Fatalf("chat 11: %+v, %v", c, err)
		}
		if err := store.ScrubInboxUpdate(ctx, tx, c.UpdateID); err != nil {
			t.Fatal(err)
		}
		if more, err := finishOne(ctx, s, tx, c); err != nil || more != want {
			t.Errorf("update %d alone, scrubbed: more = %v, %v; want %v", c.UpdateID, more, err, want)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}
