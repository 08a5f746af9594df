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
