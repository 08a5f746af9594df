package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

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
	if chats, err := s.PendingChats(ctx, 10); err != nil || fmt.Sprint(chats) != "[11 10]" {
		t.Fatalf("chats with work: %v, %v; want [11 10], the chat of update 1 first", chats, err)
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
		c, err := s.ClaimChat(ctx, tx, chat)
		if err != nil {
			t.Fatalf("chat %d: %v", chat, err)
		}
		// While it is held, nobody else takes the chat.
		other, _ := s.Begin(ctx)
		if _, err := s.ClaimChat(ctx, other, chat); !errors.Is(err, store.ErrBusy) {
			t.Errorf("chat %d held elsewhere: %v, want ErrBusy", chat, err)
		}
		other.Rollback()
		more, err := s.FinishUpdate(ctx, tx, c.UpdateID, store.InboxDone, "test")
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
	if c, err := s.ClaimChat(ctx, tx, 11); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an empty chat gave %+v, %v; want ErrNotFound", c, err)
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
	c, err := s.ClaimChat(ctx, tx, 11)
	if err != nil || c.UpdateID != 1 {
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
	if c, err := s.ClaimChat(ctx, tx, 11); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("during the backoff the chat gave %+v, %v; update 3 must wait", c, err)
	}
	tx.Rollback()
	time.Sleep(400 * time.Millisecond)
	if chats, _ := s.PendingChats(ctx, 10); fmt.Sprint(chats) != "[11]" {
		t.Errorf("chats with work after the backoff: %v", chats)
	}
	tx, _ = s.Begin(ctx)
	defer tx.Rollback()
	if c, err := s.ClaimChat(ctx, tx, 11); err != nil || c.UpdateID != 1 || c.Attempts != 1 {
		t.Errorf("after the backoff: %+v, %v; want update 1 on its second attempt", c, err)
	}
}
