package dispatch

import (
	"fmt"
	"testing"

	"servicebot/store"
)

// The feeder reads the inbox while workers commit: what it sees pending
// may have been handled since. Such a sight hands out no chat (it would
// cost a transaction that takes nothing), and a later update of the same
// chat always does.
func TestFeederTellsStaleSightsFromWork(t *testing.T) {
	d := New(Config{Workers: 4, Batch: 8})
	if got := d.take([]store.Pending{{Chat: 1, Head: 10, Last: 10}, {Chat: 2, Head: 20, Last: 20}}); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("handed out %v; want both chats", got)
	}
	// Chat 1's update 10 is being recorded as handled, chat 2 is idle.
	d.finishing([]int64{2}, []store.Finished{{UpdateID: 10, ChatKey: 1}})
	d.take([]store.Pending{{Chat: 1, Head: 10, Last: 10}})
	if d.inHand[1].again {
		t.Error("the update being finished, seen pending, made the worker look again")
	}
	d.take([]store.Pending{{Chat: 1, Head: 10, Last: 11}, {Chat: 2, Head: 21, Last: 21}})
	if !d.inHand[1].again || !d.inHand[2].again {
		t.Error("a later update of a chat in hand did not make its worker look again")
	}
	// Chat 1 committed update 11 and was let go.
	d.committed([]store.Finished{{UpdateID: 11, ChatKey: 1}})
	d.release([]int64{1})
	if got := d.take([]store.Pending{{Chat: 1, Head: 11, Last: 11}}); len(got) != 0 {
		t.Errorf("a sight of update 11, handled since, handed out %v", got)
	}
	if got := d.take([]store.Pending{{Chat: 1, Head: 11, Last: 12}}); fmt.Sprint(got) != "[1]" {
		t.Errorf("update 12 of a chat let go handed out %v; want [1]", got)
	}
}

// Updates the intake stored are handed out as they were offered, the
// chats in batches of up to Batch.
func TestOfferedUpdatesAreHandedOutInBatches(t *testing.T) {
	if got := batches([]int64{1, 2, 3, 4, 5}, 2); fmt.Sprint(got) != "[[1 2] [3 4] [5]]" {
		t.Errorf("batches of 2: %v", got)
	}
	d := New(Config{Workers: 4, Batch: 3})
	d.Offer([]store.Pending{{Chat: 7, Head: 1, Last: 1}, {Chat: 8, Head: 2, Last: 2}, {Chat: 7, Head: 3, Last: 3}})
	<-d.offers
	if got := d.take(d.offered); fmt.Sprint(got) != "[7 8]" {
		t.Errorf("offered chats handed out %v; want [7 8], chat 7 once", got)
	}
}
