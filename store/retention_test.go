package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"servicebot/store"
	"servicebot/store/pgtest"
)

const day = 24 * time.Hour

// seedRetention fills a database with rows on both sides of the limits:
// the inbox limit is 7 days and the personal-data limit 30 days.
func seedRetention(t *testing.T, st *store.Store) {
	t.Helper()
	for _, q := range []string{
		// update_id, status, handled this many days ago (NULL: never)
		`INSERT INTO inbox (update_id, chat_key, kind, payload, status, received_at, handled_at)
		 SELECT id, 1, 'message', '{"update_id":1}', status, now() - days * interval '1 day', now() - days * interval '1 day'
		 FROM (VALUES (1, 1, 10), (2, 3, 10), (3, 2, 10), (4, 1, 8), (5, 1, 1), (6, 3, 6), (7, 2, 0)) AS v(id, status, days)`,
		// pending and old: never touched, whatever its age
		`INSERT INTO inbox (update_id, chat_key, kind, payload, status, received_at, attempts)
		 VALUES (8, 2, 'message', '{"update_id":8}', 0, now() - interval '20 days', 3),
		        (9, 3, 'message', '{"update_id":9}', 0, now() - interval '1 hour', 0)`,

		// effects: sent long ago, set aside long ago, sent lately, pending and old
		`INSERT INTO outbox (id, chat_id, body, status, created_at, done_at) VALUES
		 (1, 1, '{}', 1, now() - interval '10 days', now() - interval '10 days'),
		 (2, 1, '{}', 2, now() - interval '10 days', now() - interval '9 days'),
		 (3, 1, '{}', 1, now() - interval '10 days', now() - interval '1 day'),
		 (4, 1, '{}', 0, now() - interval '20 days', NULL)`,

		`INSERT INTO tickets (id, user_id, lang, status, subject, source_text, created_at, closed_at) VALUES
		 (1, 501, 'uk', 'closed', 'old closed', 'I lost my licence', now() - interval '60 days', now() - interval '40 days'),
		 (2, 502, 'uk', 'closed', 'recent closed', 'where is my plate', now() - interval '60 days', now() - interval '10 days'),
		 (3, 503, 'uk', 'open', 'old open', 'still waiting', now() - interval '90 days', NULL)`,
		`INSERT INTO ticket_messages (ticket_id, direction, text, at) VALUES
		 (1, 'in', 'my passport number is 123', now() - interval '41 days'),
		 (1, 'out', 'thank you, Olena', now() - interval '40 days'),
		 (2, 'in', 'recent words', now() - interval '11 days'),
		 (3, 'in', 'open ticket words', now() - interval '90 days')`,

		`INSERT INTO faq_unanswered (pack, norm, sample, lang, reason, entry_id, first_at, last_at) VALUES
		 ('hsc', 'old question folded', 'Old question?', 'uk', 'nomatch', '', now() - interval '50 days', now() - interval '31 days'),
		 ('hsc', '👎 fees', 'how much fees', 'uk', 'downvote', 'fees', now() - interval '50 days', now() - interval '35 days'),
		 ('hsc', 'new question folded', 'New question?', 'uk', 'nomatch', '', now() - interval '50 days', now() - interval '2 days'),
		 ('hsc', 'none of these folded', 'None of these?', 'uk', 'none', '', now() - interval '50 days', now() - interval '31 days')`,
		`INSERT INTO faq_offers (pack, chat_id, norm, sample, lang, suggestions, at) VALUES
		 ('hsc', 701, 'old offer', 'Old offer?', 'uk', 'a b', now() - interval '31 days'),
		 ('hsc', 702, 'new offer', 'New offer?', 'uk', 'c', now() - interval '1 day')`,

		`INSERT INTO responses (id, kind, questionnaire, version, pack, user_id, lang, answers, status, started_at, submitted_at) VALUES
		 (1, 'rating', 'visit', 1, 'hsc', 601, 'uk', '{"q1":"5"}', 'submitted', now() - interval '45 days', now() - interval '45 days'),
		 (2, 'rating', 'visit', 1, 'hsc', 602, 'uk', '{"q1":"4"}', 'submitted', now() - interval '3 days', now() - interval '3 days'),
		 (3, 'mystery', 'shopper', 1, 'hsc', 603, 'uk', '{"q1":"x"}', 'draft', now() - interval '40 days', NULL),
		 (4, 'mystery', 'shopper', 1, 'hsc', 604, 'uk', '{"q1":"y"}', 'draft', now() - interval '1 day', NULL)`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
}

func TestRetentionDeletesOldAndKeepsNewAndPending(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	seedRetention(t, st)

	// A batch of 2 makes each statement go round several times.
	policy := store.Retention{Inbox: 7 * day, PersonalData: 30 * day, BatchSize: 2}
	done, err := st.ApplyRetention(ctx, policy)
	if err != nil {
		t.Fatal(err)
	}
	if !done.Ran {
		t.Fatal("retention did not run")
	}

	var inbox []int64
	st.DB().Select(&inbox, `SELECT update_id FROM inbox ORDER BY update_id`)
	if want := []int64{5, 6, 7, 8, 9}; !slices.Equal(inbox, want) {
		t.Errorf("inbox after retention: %v, want %v (handled over 7 days ago gone, pending kept)", inbox, want)
	}
	if done.InboxDeleted != 4 {
		t.Errorf("reported %d inbox rows deleted, want 4", done.InboxDeleted)
	}
	var effects []int64
	st.DB().Select(&effects, `SELECT id FROM outbox ORDER BY id`)
	if want := []int64{3, 4}; !slices.Equal(effects, want) || done.OutboxDeleted != 2 {
		t.Errorf("outbox after retention: %v (%d reported deleted), want %v (done over 7 days ago gone, pending kept)", effects, done.OutboxDeleted, want)
	}
	var attempts int
	st.DB().Get(&attempts, `SELECT attempts FROM inbox WHERE update_id = 8`)
	if attempts != 3 {
		t.Errorf("a pending update was changed: attempts %d", attempts)
	}

	type ticket struct {
		ID         int64  `db:"id"`
		UserID     int64  `db:"user_id"`
		Subject    string `db:"subject"`
		SourceText string `db:"source_text"`
	}
	var tickets []ticket
	st.DB().Select(&tickets, `SELECT id, user_id, subject, source_text FROM tickets ORDER BY id`)
	want := []ticket{{1, 501, "", ""}, {2, 502, "recent closed", "where is my plate"}, {3, 503, "old open", "still waiting"}}
	if len(tickets) != 3 || tickets[0] != want[0] || tickets[1] != want[1] || tickets[2] != want[2] {
		t.Errorf("tickets after retention: %+v, want %+v", tickets, want)
	}
	var texts []string
	st.DB().Select(&texts, `SELECT text FROM ticket_messages ORDER BY id`)
	if want := []string{"", "", "recent words", "open ticket words"}; !slices.Equal(texts, want) {
		t.Errorf("ticket messages after retention: %q, want %q", texts, want)
	}

	type unanswered struct {
		Norm     string `db:"norm"`
		Sample   string `db:"sample"`
		Resolved bool   `db:"resolved"`
		Count    int    `db:"count"`
	}
	var un []unanswered
	st.DB().Select(&un, `SELECT norm, sample, resolved, count FROM faq_unanswered ORDER BY id`)
	if len(un) != 4 {
		t.Fatalf("unanswered rows: %+v", un)
	}
	if un[3].Sample != "" || un[3].Norm == "none of these folded" || !un[3].Resolved {
		t.Errorf("an old «none of these» question keeps what was asked: %+v", un[3])
	}
	var offers []string
	st.DB().Select(&offers, `SELECT sample FROM faq_offers ORDER BY id`)
	if want := []string{"New offer?"}; !slices.Equal(offers, want) || done.FAQOffers != 1 {
		t.Errorf("offers after retention: %q (%d deleted), want %q", offers, done.FAQOffers, want)
	}
	if un[0].Sample != "" || un[0].Norm == "old question folded" || !un[0].Resolved || un[0].Count != 1 {
		t.Errorf("an old unanswered question keeps what was asked: %+v", un[0])
	}
	if un[1].Sample != "" || un[1].Norm != "👎 fees" {
		t.Errorf("an old downvote: %+v; want its sample cleared and its entry kept", un[1])
	}
	if un[2].Sample != "New question?" || un[2].Resolved {
		t.Errorf("a recent unanswered question was changed: %+v", un[2])
	}
	// The same question asked again is counted afresh, not merged into the
	// anonymized row.
	if _, err := store.RecordUnanswered(ctx, st.DB(), "hsc", "old question folded", "Old question?", "uk", "nomatch", ""); err != nil {
		t.Fatal(err)
	}

	type response struct {
		ID     int64  `db:"id"`
		UserID *int64 `db:"user_id"`
	}
	var rs []response
	st.DB().Select(&rs, `SELECT id, user_id FROM responses ORDER BY id`)
	if len(rs) != 3 || rs[0].ID != 1 || rs[0].UserID != nil || rs[1].UserID == nil || *rs[1].UserID != 602 || rs[2].ID != 4 {
		t.Errorf("responses after retention: %+v; want 1 unlinked, 2 kept, old draft 3 gone, draft 4 kept", rs)
	}
	if done.Tickets != 1 || done.TicketMessages != 2 || done.UnansweredFAQ != 3 || done.Responses != 1 || done.Drafts != 1 {
		t.Errorf("reported %+v", done)
	}

	// A second pass finds nothing more to do.
	again, err := st.ApplyRetention(ctx, policy)
	if err != nil {
		t.Fatal(err)
	}
	if again != (store.Retained{Ran: true}) {
		t.Errorf("second pass did %+v; want nothing", again)
	}
}

func TestRetentionZeroKeepsEverything(t *testing.T) {
	st := pgtest.New(t)
	seedRetention(t, st)
	done, err := st.ApplyRetention(context.Background(), store.Retention{})
	if err != nil || done != (store.Retained{}) {
		t.Fatalf("zero retention: %+v, %v", done, err)
	}
	// Inbox only: personal data stays.
	done, err = st.ApplyRetention(context.Background(), store.Retention{Inbox: 7 * day})
	if err != nil || done.InboxDeleted != 4 || done.Tickets+done.TicketMessages+done.UnansweredFAQ+done.Responses+done.Drafts != 0 {
		t.Fatalf("inbox-only retention: %+v, %v", done, err)
	}
	var text string
	st.DB().Get(&text, `SELECT text FROM ticket_messages ORDER BY id LIMIT 1`)
	if text == "" {
		t.Error("PERSONAL_DATA_RETENTION_DAYS=0 still cleared a ticket message")
	}
}

// With several replicas only one runs retention at a time.
func TestRetentionRunsInOneProcessAtATime(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	seedRetention(t, st)
	other, err := st.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, `SELECT pg_advisory_lock(7300, 2)`); err != nil {
		t.Fatal(err)
	}
	done, err := st.ApplyRetention(ctx, store.Retention{Inbox: 7 * day})
	if err != nil || done.Ran || done.InboxDeleted != 0 {
		t.Fatalf("while another process runs it: %+v, %v; want it skipped", done, err)
	}
	other.ExecContext(ctx, `SELECT pg_advisory_unlock(7300, 2)`)
	done, err = st.ApplyRetention(ctx, store.Retention{Inbox: 7 * day})
	if err != nil || !done.Ran || done.InboxDeleted != 4 {
		t.Fatalf("after the other process: %+v, %v", done, err)
	}
	// The lock is given back after each pass.
	var free bool
	other.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(7300, 2)`).Scan(&free)
	if !free {
		t.Error("retention kept its lock after the pass")
	}
}
