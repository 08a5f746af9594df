package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"servicebot/bot/outbox"
	"servicebot/store"
	"servicebot/store/pgtest"
)

// An operator sees what Telegram refused for good, with Telegram's words,
// and can queue one again once the cause is mended.
func TestOutboxListsSetAsideEffectsAndRetriesOne(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	st, err := store.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out, errOut bytes.Buffer
	if code := run([]string{"outbox"}, env("DATABASE_URL", url), &out, &errOut); code != 0 || !strings.Contains(out.String(), "no effect is set aside") {
		t.Fatalf("an empty outbox: exit %d, %q %s", code, out.String(), errOut.String())
	}
	tx, err := st.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.Add(ctx, tx, 4242, outbox.Send(777, "Добрий день", nil)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := st.DB().Get(&id, `UPDATE outbox SET status = 2, attempts = 1, last_error = 'Bad Request: chat not found' RETURNING id`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"outbox"}, env("DATABASE_URL", url), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a header and one effect:\n%s", out.String())
	}
	for _, want := range []string{strconv.FormatInt(id, 10), "777", "sendMessage", "4242", "Bad Request: chat not found"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("the listing lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run([]string{"outbox", "retry", strconv.FormatInt(id, 10)}, env("DATABASE_URL", url), &out, &errOut); code != 0 {
		t.Fatalf("retry: exit %d: %s", code, errOut.String())
	}
	pending, err := st.OutboxPending(ctx)
	if err != nil || pending != 1 {
		t.Errorf("after retry: %d pending (%v), want the effect queued again", pending, err)
	}
	errOut.Reset()
	if code := run([]string{"outbox", "retry", strconv.FormatInt(id, 10)}, env("DATABASE_URL", url), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "no effect") {
		t.Errorf("a second retry: exit %d, %q; want a clear refusal", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"outbox", "retry", "first"}, env("DATABASE_URL", url), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "expected an effect's id") {
		t.Errorf("retry of a word: exit %d, %q", code, errOut.String())
	}
}

// When many effects were set aside (the bot removed from the staff chat),
// one command queues them all again, or those of one method or chat.
func TestOutboxRetriesAllAtOnce(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	st, err := store.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tx, err := st.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const staff = -1001000000001
	if err := outbox.Add(ctx, tx, 1,
		outbox.Send(staff, "картка 1", nil), outbox.Send(staff, "картка 2", nil),
		outbox.Call(staff, "createForumTopic", map[string]any{"chat_id": staff, "name": "№3"}),
		outbox.Send(777, "Добрий день", nil)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`UPDATE outbox SET status = 2, attempts = 1, last_error = 'Bad Request: chat not found'`); err != nil {
		t.Fatal(err)
	}
	pending := func() int {
		n, err := st.OutboxPending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"outbox", "retry", "--all", "--method", "sendMessage", "--chat", strconv.Itoa(staff)}, env("DATABASE_URL", url), &out, &errOut); code != 0 || !strings.Contains(out.String(), "2 effects are queued again") {
		t.Fatalf("retry --all of one method and chat: exit %d, %q %s", code, out.String(), errOut.String())
	}
	if n := pending(); n != 2 {
		t.Errorf("%d pending; want the two messages to the staff chat", n)
	}
	out.Reset()
	if code := run([]string{"outbox", "retry", "--all"}, env("DATABASE_URL", url), &out, &errOut); code != 0 || !strings.Contains(out.String(), "2 effects are queued again") {
		t.Fatalf("retry --all: exit %d, %q %s", code, out.String(), errOut.String())
	}
	if n := pending(); n != 4 {
		t.Errorf("%d pending; want all four", n)
	}
	errOut.Reset()
	if code := run([]string{"outbox", "retry", "--all"}, env("DATABASE_URL", url), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "no effect") {
		t.Errorf("retry --all with nothing set aside: exit %d, %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"outbox", "retry", "--method", "sendMessage"}, env("DATABASE_URL", url), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "usage") {
		t.Errorf("retry --method without --all: exit %d, %q", code, errOut.String())
	}
}
