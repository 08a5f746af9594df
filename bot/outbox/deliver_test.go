package outbox_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/outbox"
	"servicebot/store"
	"servicebot/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// deliverer runs a Deliverer against the fake Bot API and a fresh database.
func deliverer(t *testing.T) (*store.Store, *bottest.Server) {
	t.Helper()
	st := pgtest.New(t)
	srv := bottest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	fast := outbox.Limits{PerSecond: 1000, ChatPerSecond: 1000, ChatBurst: 100, GroupPerMinute: 100000}
	d := outbox.NewDeliverer(st, outbox.NewSender(fast, log), http.DefaultClient, log,
		outbox.Options{APIURL: srv.URL(), Token: srv.Token(), Backoff: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return st, srv
}

func add(t *testing.T, st *store.Store, effects ...outbox.Effect) {
	t.Helper()
	if err := outbox.Add(context.Background(), st.DB(), 0, effects...); err != nil {
		t.Fatal(err)
	}
}

func drain(t *testing.T, st *store.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := st.OutboxPending(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d effects still pending after 10s", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The declared policies, as a citizen and an operator see them.
func TestDeliveryPolicies(t *testing.T) {
	st, srv := deliverer(t)
	const citizen, blocker = 501, 502
	srv.AddChat(models.Chat{ID: citizen, Type: models.ChatTypePrivate})
	ctx := context.Background()
	// Both are the bot's users (effects to a chat whose user was forgotten
	// leave no row once sent).
	for _, id := range []int64{citizen, blocker} {
		if _, err := store.TouchUser(ctx, st.DB(), id); err != nil {
			t.Fatal(err)
		}
	}
	srv.Block(blocker)

	// Telegram asks to wait once (429), then takes the messages in order;
	// an edit of a message that is not there becomes a new message.
	srv.Fail("sendMessage", 1, http.StatusTooManyRequests, 1)
	add(t, st,
		outbox.Send(citizen, "перше", nil),
		outbox.Edit(citizen, 999, "друге", nil),
		outbox.Send(citizen, "третє", nil),
		outbox.Send(blocker, "не дійде", nil),
	)
	// While the first waits out retry_after, it has used no attempt up.
	for deadline := time.Now().Add(5 * time.Second); ; {
		entries, err := st.OutboxEntries(ctx, store.EffectPending)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) > 0 && entries[0].LastError != "" {
			if entries[0].Attempts != 0 {
				t.Errorf("after a 429 the effect has %d attempts used; want none", entries[0].Attempts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no 429 seen")
		}
		time.Sleep(5 * time.Millisecond)
	}
	drain(t, st)
	var got []string
	for _, m := range srv.Messages(citizen) {
		got = append(got, m.Text)
	}
	if len(got) != 3 || got[0] != "перше" || got[1] != "друге" || got[2] != "третє" {
		t.Errorf("the citizen got %q; want the three, in order, the refused edit as a new message", got)
	}
	// What was delivered leaves no row (its words are in Telegram); what
	// failed is kept for operators.
	entries, err := st.OutboxEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("the outbox holds %d effects; want the refused edit and the message to the citizen who blocked the bot", len(entries))
	}
	for _, e := range entries {
		if e.Status == store.EffectSent || strings.Contains(e.Body, "перше") || strings.Contains(e.Body, "третє") {
			t.Errorf("a delivered effect is still kept: %+v", e)
		}
	}
	// 403: set aside, and the citizen is marked inactive.
	u, err := store.GetUser(ctx, st.DB(), blocker)
	if err != nil {
		t.Fatal(err)
	}
	if u.Active {
		t.Error("a citizen who blocked the bot is still active")
	}
	failed, _ := st.OutboxEntries(ctx, store.EffectFailed)
	if len(failed) != 1 || failed[0].ChatID != blocker || failed[0].LastError == "" {
		t.Errorf("set aside: %+v; want the message to the citizen who blocked the bot, with its error", failed)
	}
	replaced, _ := st.OutboxEntries(ctx, store.EffectReplaced)
	if len(replaced) != 1 {
		t.Errorf("replaced: %+v; want the refused edit", replaced)
	}
}

// A card into a topic not yet made, and an edit of a message not yet sent:
// the ids come from the slots their first effects fill when delivered.
func TestEffectsTakeIDsFromEarlierOnes(t *testing.T) {
	st, srv := deliverer(t)
	const staff = -1001000000001
	srv.AddChat(models.Chat{ID: staff, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true})
	ctx := context.Background()
	var ticket int64
	err := st.DB().Get(&ticket, `INSERT INTO tickets (user_id, lang, subject, source) VALUES (1, 'uk', 's', 'menu') RETURNING id`)
	if err != nil {
		t.Fatal(err)
	}
	thread := store.Slot{Kind: store.SlotTicketThread, Key: ticket}
	card := store.Slot{Kind: store.SlotTicketCard, Key: ticket}
	add(t, st,
		outbox.Call(staff, "createForumTopic", map[string]any{"chat_id": staff, "name": "№1"}).Keeping(thread),
		outbox.Send(staff, "картка", nil).InThread(thread).Keeping(card),
		outbox.Call(staff, "editMessageText", map[string]any{"chat_id": staff, "text": "картка, змінена"}).Changing(card),
	)
	drain(t, st)
	topics := srv.Topics(staff)
	if len(topics) != 1 {
		t.Fatalf("topics %+v", topics)
	}
	ms := srv.Messages(staff)
	if len(ms) != 1 || ms[0].ThreadID != topics[0].ThreadID || ms[0].Text != "картка, змінена" {
		t.Errorf("the staff chat holds %+v; want the card in the topic, edited", ms)
	}
	tk, err := store.GetTicket(ctx, st.DB(), ticket)
	if err != nil {
		t.Fatal(err)
	}
	if tk.ThreadID != int64(topics[0].ThreadID) || tk.CardMessageID != int64(ms[0].ID) {
		t.Errorf("the ticket keeps topic %v and card %v; want %d and %d", tk.ThreadID, tk.CardMessageID, topics[0].ThreadID, ms[0].ID)
	}
}

// A long Telegram outage (5xx, network errors) sets nothing aside: an
// effect that has already failed many times, as in an outage of hours, is
// still tried again and reaches the citizen once Telegram is back.
func TestOutageOfAnyLengthLosesNothing(t *testing.T) {
	st, srv := deliverer(t)
	const citizen = 503
	srv.AddChat(models.Chat{ID: citizen, Type: models.ChatTypePrivate})
	ctx := context.Background()
	if _, err := store.TouchUser(ctx, st.DB(), citizen); err != nil {
		t.Fatal(err)
	}
	srv.Fail("sendMessage", 2, http.StatusBadGateway, 0)
	tx, err := st.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.Add(ctx, tx, 0, outbox.Send(citizen, "після збою", nil)); err != nil {
		t.Fatal(err)
	}
	// As if it had been tried a minute apart for well over an hour.
	if _, err := tx.Exec(`UPDATE outbox SET attempts = 100, last_error = '502 Bad Gateway'`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	drain(t, st)
	if ms := srv.Messages(citizen); len(ms) != 1 || ms[0].Text != "після збою" {
		t.Errorf("the citizen got %+v; want the message once Telegram answered again", ms)
	}
	if failed, _ := st.OutboxEntries(ctx, store.EffectFailed); len(failed) != 0 {
		t.Errorf("set aside after an outage: %+v", failed)
	}
}

// An album a person sends comes as one update a part, each decided by a
// turn of its own. The parts copied on arrive as one album, in their
// order, and what was decided after them comes after them; should Telegram
// ask to wait, the album waits whole.
func TestAlbumPartsArriveAsOneAlbum(t *testing.T) {
	st, srv := deliverer(t)
	const person, staff = 601, -1001000000601
	srv.AddChat(models.Chat{ID: staff, Type: models.ChatTypeSupergroup, Title: "Staff"})
	files := []string{"photo-a", "photo-b", "photo-c", "photo-d"}
	for i, f := range files {
		srv.Push(models.Update{Message: &models.Message{
			ID: 11 + i, From: &models.User{ID: person, FirstName: "Ann"}, Chat: models.Chat{ID: person, Type: models.ChatTypePrivate},
			MediaGroupID: "g1", Photo: []models.PhotoSize{{FileID: f, FileUniqueID: "u" + f, Width: 90, Height: 90}},
		}})
	}
	part := func(i int, file string) outbox.Effect {
		return outbox.Call(staff, "copyMessage", map[string]any{"chat_id": staff, "from_chat_id": person, "message_id": 11 + i}).
			InAlbum("601:g1", &models.InputMediaPhoto{Media: file, Caption: "перша"}, &models.InputMediaPhoto{Media: file})
	}
	srv.Fail("sendMediaGroup", 1, http.StatusTooManyRequests, 1)
	for i, f := range files[:3] {
		add(t, st, part(i, f))
		time.Sleep(100 * time.Millisecond)
	}
	add(t, st, outbox.Send(staff, "Дякую", nil))
	drain(t, st)
	ms := srv.Messages(staff)
	if len(ms) != 4 {
		t.Fatalf("the staff chat holds %d messages, want an album of three and the word after it: %+v", len(ms), ms)
	}
	for i, m := range ms[:3] {
		if m.Method != "sendMediaGroup" || m.Album == "" || m.Album != ms[0].Album || m.Media != files[i] {
			t.Errorf("part %d arrived as %s %q in album %q", i+1, m.Method, m.Media, m.Album)
		}
	}
	if ms[0].Text != "перша" || ms[1].Text != "" || ms[3].Text != "Дякую" || ms[3].Album != "" {
		t.Errorf("captions and the word after: %q %q … %q", ms[0].Text, ms[1].Text, ms[3].Text)
	}

	// An album Telegram will not take (a file it does not know): each
	// part comes as itself, nothing is lost, nothing set aside.
	add(t, st, part(0, "made-up"), part(3, files[3]))
	drain(t, st)
	ms = srv.Messages(staff)[4:]
	if len(ms) != 2 || ms[0].Method != "copyMessage" || ms[1].Method != "copyMessage" || ms[0].FromMsgID != 11 || ms[1].FromMsgID != 14 {
		t.Errorf("after the album was refused: %+v", ms)
	}
	if failed, _ := st.OutboxEntries(context.Background(), store.EffectFailed); len(failed) != 0 {
		t.Errorf("set aside: %+v", failed)
	}
}
