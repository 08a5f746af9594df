package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/intake"
	"servicebot/bot/outbox"
	"servicebot/locales"
	"servicebot/store"
	"servicebot/store/pgtest"
)

// decider runs turns as the dispatcher does, on a real database, with no
// Bot API at all: what a turn.Handler decides is read back as effects.
type decider struct {
	t   *testing.T
	app *App
	st  *store.Store
	id  int64
}

func newDecider(t *testing.T) *decider {
	t.Helper()
	st := pgtest.New(t)
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Nothing listens there: a turn.Handler that called Telegram would fail.
	cfg := Config{Token: "1:x", APIURL: "http://127.0.0.1:1", StaffChatID: staffChat}
	app, err := New(cfg, st, text, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := app.PrepareFAQ(ctx); err != nil {
		t.Fatal(err)
	}
	app.Username = "servicebot_test_bot"
	app.SetStaffForum(true)
	return &decider{t: t, app: app, st: st, id: 1000}
}

// turn handles u in a transaction of its own, commits it, and returns the
// effects the turn decided (the dispatcher writes them to the outbox with
// the record of the update).
func (d *decider) turn(u models.Update) []outbox.Effect {
	d.t.Helper()
	d.id++
	u.ID = d.id
	raw, _ := json.Marshal(u)
	in, err := intake.Classify(raw)
	if err != nil {
		d.t.Fatal(err)
	}
	ctx := context.Background()
	tx, err := d.st.Begin(ctx)
	if err != nil {
		d.t.Fatal(err)
	}
	defer tx.Rollback()
	c := &store.Claimed{UpdateID: in.UpdateID, ChatKey: in.ChatKey, Kind: in.Kind, Payload: raw}
	got, err := d.app.handle(ctx, c, tx)
	if err != nil {
		d.t.Fatalf("update %d: %v", u.ID, err)
	}
	if err := tx.Commit(); err != nil {
		d.t.Fatal(err)
	}
	out := make([]outbox.Effect, len(got.Effects))
	for i, e := range got.Effects {
		if e.UpdateID != u.ID {
			d.t.Errorf("an effect of update %d is marked as made for %d", u.ID, e.UpdateID)
		}
		if err := json.Unmarshal(e.Body, &out[i]); err != nil {
			d.t.Fatal(err)
		}
	}
	return out
}

func (d *decider) says(p person, text string) []outbox.Effect {
	return d.turn(models.Update{Message: &models.Message{
		ID: int(d.id), Date: int(time.Now().Unix()), From: p.user(),
		Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate}, Text: text, Entities: commandEntity(text),
	}})
}

func param(e outbox.Effect, name string) string {
	var p map[string]json.RawMessage
	json.Unmarshal(e.Params, &p)
	var s string
	if json.Unmarshal(p[name], &s) == nil {
		return s
	}
	return string(p[name])
}

// A citizen's question becomes a ticket: the turn decides the topic, the
// card in it, the copy of the question and the note to the citizen, in
// that order, with the topic and the card named by slots that the outbox
// fills when it delivers them. No Bot API is reachable: the turn needs none.
func TestTicketIsDecidedAsEffects(t *testing.T) {
	d := newDecider(t)
	p := person{id: 14001, lang: "uk"}
	got := d.says(p, "/operator")
	if len(got) != 1 || got[0].Method != "sendMessage" || got[0].Chat != p.id {
		t.Fatalf("/operator decided %+v; want one message to the citizen", got)
	}
	got = d.says(p, "Де знайти номер черги?")
	var methods []string
	for _, e := range got {
		methods = append(methods, e.Method)
	}
	want := "createForumTopic sendMessage copyMessage sendMessage"
	if strings.Join(methods, " ") != want {
		t.Fatalf("the question decided %v; want %s", methods, want)
	}
	topic, card, relay, note := got[0], got[1], got[2], got[3]
	thread := store.Slot{Kind: store.SlotTicketThread, Key: 1}
	if topic.Chat != staffChat || topic.Result == nil || *topic.Result != thread ||
		!strings.HasPrefix(param(topic, "name"), "№1 · UK · Де знайти") {
		t.Errorf("topic: %+v", topic)
	}
	if card.Chat != staffChat || card.Thread == nil || *card.Thread != thread ||
		!strings.Contains(param(card, "text"), "Звернення №1") || card.Result == nil || card.Result.Kind != store.SlotTicketCard {
		t.Errorf("card: %+v", card)
	}
	if relay.Chat != staffChat || relay.Thread == nil || *relay.Thread != thread || param(relay, "from_chat_id") != "14001" ||
		relay.Result == nil || relay.Result.Kind != store.SlotStaffCopy {
		t.Errorf("relay: %+v", relay)
	}
	if note.Chat != p.id || !strings.Contains(param(note, "text"), "№1") {
		t.Errorf("note to the citizen: %+v", note)
	}
	// A button press is answered first, whatever else the turn decides.
	tap := d.turn(models.Update{CallbackQuery: &models.CallbackQuery{
		ID: "cq1", From: *p.user(), Data: "m:help", ChatInstance: "ci",
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 5, Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate}}},
	}})
	if len(tap) == 0 || tap[0].Method != "answerCallbackQuery" {
		t.Errorf("a button press decided %+v; want the callback answered first", tap)
	}
}

// When a turn fails after deciding the topic and the card (here: the
// question cannot be recorded), nothing reaches Telegram; the retry opens
// one topic, not a second beside an orphan.
func TestFailedRelayLeavesNoOrphanTopic(t *testing.T) {
	h := newHarness(t)
	db := h.st.DB()
	for _, q := range []string{
		`CREATE TABLE refuse_relay (on_ boolean)`,
		`INSERT INTO refuse_relay VALUES (true)`,
		`CREATE FUNCTION refuse_relay() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN IF EXISTS (SELECT 1 FROM refuse_relay) THEN RAISE EXCEPTION 'relay refused'; END IF; RETURN NEW; END $$`,
		`CREATE TRIGGER refuse_relay BEFORE INSERT ON ticket_messages FOR EACH ROW EXECUTE FUNCTION refuse_relay()`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	p := person{id: 14101, lang: "uk"}
	h.says(p, "/operator")
	h.nth(p.id, 1)
	id := h.says(p, "Чи можна записатися на суботу?")
	// Wait for the turn to fail at least once.
	deadline := time.Now().Add(10 * time.Second)
	for failed := false; !failed; {
		entries, err := h.st.InboxEntries(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			failed = failed || e.UpdateID == id && strings.Contains(e.LastError, "relay refused")
		}
		if time.Now().After(deadline) {
			t.Fatal("the relay never failed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, _ := h.st.OutboxPending(context.Background()); n != 0 {
		t.Errorf("%d effects of the failed turn were kept", n)
	}
	if tp := h.srv.Topics(staffChat); len(tp) != 0 {
		t.Errorf("a failed turn made topics %+v", tp)
	}
	if ms := h.srv.Messages(staffChat); len(ms) != 0 {
		t.Errorf("a failed turn posted %d messages to the staff chat", len(ms))
	}
	if _, err := db.Exec(`DELETE FROM refuse_relay`); err != nil {
		t.Fatal(err)
	}
	h.nth(p.id, 2) // «your question is ticket №…»
	h.settle()
	if tp := h.srv.Topics(staffChat); len(tp) != 1 {
		t.Fatalf("topics after the retry: %+v; want one", tp)
	}
	staff := inThread(h.srv.Messages(staffChat), h.srv.Topics(staffChat)[0].ThreadID)
	if len(staff) != 2 || !strings.Contains(staff[0].Text, "Звернення №") || staff[1].Text != "Чи можна записатися на суботу?" {
		t.Errorf("the topic holds %+v; want the card and the question", staff)
	}
	h.noRejects()
}

// With Telegram taking 2 s over every message, no session of the bot sits
// in an open transaction meanwhile: turns commit, then the outbox waits.
func TestSlowTelegramHoldsNoTransactionOpen(t *testing.T) {
	var held atomic.Int32
	h := newHarness(t, func(c *Config) {
		target, _ := url.Parse(c.APIURL)
		fwd := httputil.NewSingleHostReverseProxy(target)
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/sendMessage") {
				held.Add(1)
				time.Sleep(2 * time.Second)
				held.Add(-1)
			}
			fwd.ServeHTTP(w, r)
		}))
		t.Cleanup(slow.Close)
		c.APIURL = slow.URL
	})
	const citizens = 6
	for i := range citizens {
		h.says(person{id: int64(14201 + i), lang: "uk"}, "/help")
	}
	deadline := time.Now().Add(10 * time.Second)
	for held.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no message was held")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// While messages are held, look at every session on the database. A
	// turn is idle in transaction between its statements for a moment;
	// one waiting on Telegram would be so for most of the 2 s.
	samples, idle := 0, 0
	for held.Load() > 0 {
		var n int
		err := h.st.DB().Get(&n, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'
			  AND state_change < now() - interval '500 milliseconds'`)
		if err != nil {
			t.Fatal(err)
		}
		samples++
		idle = max(idle, n)
		time.Sleep(50 * time.Millisecond)
	}
	if samples < 10 {
		t.Fatalf("only %d samples taken while messages were held", samples)
	}
	if idle != 0 {
		t.Errorf("%d sessions were idle in transaction while Telegram held the messages", idle)
	}
	h.settle()
	for i := range citizens {
		if n := len(h.srv.Messages(int64(14201 + i))); n != 1 {
			t.Errorf("citizen %d got %d replies", i, n)
		}
	}
}

// The SLA reminder is marked and decided in one transaction: when Telegram
// fails to take it for a while (longer than a call is retried), it is tried
// again and arrives once, however often and from however many processes
// the reminders are looked for.
func TestSLAReminderIsSentOnce(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.DeliveryBackoff = 10 * time.Millisecond })
	p := person{id: 14301, lang: "uk"}
	topic := h.openTicketFor(p, "Коли буде готове посвідчення?")
	if _, err := h.st.DB().Exec(`UPDATE tickets SET created_at = now() - interval '14 days', waiting_since = now() - interval '14 days'`); err != nil {
		t.Fatal(err)
	}
	h.srv.Fail("sendMessage", 7, http.StatusBadGateway, 0)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { h.app.desk.RemindWaiting(context.Background(), time.Minute) })
	}
	wg.Wait()
	h.app.desk.RemindWaiting(context.Background(), time.Minute)
	h.settle()
	reminders := 0
	for _, m := range inThread(h.srv.Messages(staffChat), topic.ThreadID) {
		if strings.Contains(m.Text, "№1") && strings.Contains(m.Text, "⏰") {
			reminders++
		}
	}
	if reminders != 1 {
		t.Errorf("%d reminders in the topic; want 1: %+v", reminders, inThread(h.srv.Messages(staffChat), topic.ThreadID))
	}
	if len(h.srv.RequestsFor("sendMessage")) < 8 {
		t.Error("Telegram's failures were not met")
	}
}

// A message Telegram refuses for good is set aside with its error and the
// update it came from, counted, and not tried again; the chat's next
// messages still go.
func TestRefusedEffectIsSetAsideNotRetried(t *testing.T) {
	h := newHarness(t)
	p := person{id: 14401, lang: "uk"}
	h.srv.FailWith("sendMessage", 1, http.StatusBadRequest, "Bad Request: can't parse entities")
	id := h.says(p, "/help")
	h.settle()
	h.says(p, "/menu")
	if got := h.nth(p.id, 1); !strings.Contains(got.Text, "меню") {
		t.Errorf("the next reply was %q", got.Text)
	}
	h.settle()
	failed, err := h.st.OutboxEntries(context.Background(), store.EffectFailed)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || failed[0].UpdateID != id || failed[0].Attempts != 1 ||
		!strings.Contains(failed[0].LastError, "can't parse entities") {
		t.Fatalf("set aside: %+v; want the /help reply of update %d, tried once, with its error", failed, id)
	}
	if n := len(h.srv.RequestsFor("sendMessage")); n != 2 {
		t.Errorf("%d sendMessage calls; want 2 (the refused one, not retried, and the menu)", n)
	}
}
