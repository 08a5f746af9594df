package bot

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/turn"
	"servicebot/locales"
	"servicebot/store"
	"servicebot/store/pgtest"
)

// harness runs the real bot against the fake Bot API and a fresh database.
type harness struct {
	t    *testing.T
	srv  *bottest.Server
	st   *store.Store
	text *locales.Bundle
	cfg  Config
	app  *App
	stop func()
	// setup, when set, is called on each new App before it runs.
	setup func(*App)
	// log, when set, is the App's logger (else testLogger()).
	log *slog.Logger
}

// fastLimits keep tests quick where pacing is not what is tested.
var fastLimits = Limits{PerSecond: 10000, ChatPerSecond: 10000, ChatBurst: 100, GroupPerMinute: 100000}

func newHarness(t *testing.T, tweak ...func(*Config)) *harness {
	t.Helper()
	return newHarnessWith(t, nil, tweak...)
}

// newHarnessWith is newHarness with more chats known to Telegram before the
// bot starts (the bot reads its staff chat when it starts).
func newHarnessWith(t *testing.T, chats []models.Chat, tweak ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, srv: bottest.New(t), st: pgtest.New(t)}
	h.srv.AddChat(models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true})
	for _, c := range chats {
		h.srv.AddChat(c)
	}
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	h.text = text
	h.cfg = Config{
		Token: h.srv.Token(), APIURL: h.srv.URL(), Workers: 8, Limits: fastLimits,
		PollTimeout: time.Second, StaffChatID: staffChat,
		// The review poster looks only when woken: what a test sees of
		// it comes from the wake, not from a round that happened by.
		ReviewEvery: time.Hour,
	}
	for _, f := range tweak {
		f(&h.cfg)
	}
	h.start()
	return h
}

const staffChat = -1001000000001

func testLogger() *slog.Logger {
	if os.Getenv("TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// start runs a new App on the harness's server and database.
func (h *harness) start() {
	h.t.Helper()
	log := h.log
	if log == nil {
		log = testLogger()
	}
	app, err := New(h.cfg, h.st, h.text, log)
	if err != nil {
		h.t.Fatal(err)
	}
	if h.setup != nil {
		h.setup(app)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	select {
	case <-app.Ready():
	case err := <-done:
		cancel()
		h.t.Fatalf("bot stopped before it was ready: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		h.t.Fatal("bot not ready after 10s")
	}
	h.app = app
	var stopped atomic.Bool
	h.stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				h.t.Errorf("bot stopped with %v", err)
			}
		case <-time.After(15 * time.Second):
			h.t.Error("bot did not stop within 15s")
		}
	}
	h.t.Cleanup(h.stop)
}

// restart stops the bot and starts a new one on the same database.
func (h *harness) restart() {
	h.stop()
	h.start()
}

// settle waits until every stored update has been handled and what the
// turns decided has been delivered.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		// The fake's queue first: once it is empty, every update pushed is
		// in the inbox (the offset moves only after the commit), so the
		// inbox read after it sees them all. Read the other way round, an
		// update could pass from the one to the other between the reads.
		queued := h.srv.Pending()
		n, err := h.st.InboxCounts(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		// Then the review poster: a submitted questionnaire it has not
		// taken yet will post a card once it wakes, after the commit,
		// and its cards are in the outbox once it has.
		var unreviewed int
		if h.cfg.StaffChatID != 0 {
			if err := h.st.DB().GetContext(context.Background(), &unreviewed,
				`SELECT count(*) FROM responses WHERE status = 'submitted' AND NOT reviewed`); err != nil {
				h.t.Fatal(err)
			}
		}
		// Last the outbox: what the turns and the poster decided has been sent.
		out, err := h.st.OutboxPending(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		if queued == 0 && n[store.InboxPending] == 0 && out == 0 && unreviewed == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("updates still pending after 20s: inbox %v, fake server %d, outbox %d, questionnaires to review %d", n, queued, out, unreviewed)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var nextMessageID atomic.Int64

// person is a citizen in a private chat.
type person struct {
	id   int64
	lang string // Telegram's language_code
}

func (p person) user() *models.User {
	return &models.User{ID: p.id, FirstName: "Олена", LanguageCode: p.lang}
}

// says pushes a private text message, with a bot_command entity as Telegram
// would add one.
func (h *harness) says(p person, text string) int64 {
	m := &models.Message{
		ID: 0, Date: int(time.Now().Unix()),
		From: p.user(), Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate, FirstName: "Олена"},
		Text: text, Entities: commandEntity(text),
	}
	return h.srv.Push(models.Update{Message: m})
}

// taps pushes a press of an inline button on the bot's message msg.
func (h *harness) taps(p person, msg bottest.Message, data string) int64 {
	q := &models.CallbackQuery{
		ID: "cq" + time.Now().Format("150405.000000000"), From: *p.user(), Data: data, ChatInstance: "ci",
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{
			ID: msg.ID, Date: int(time.Now().Unix()), Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate},
			Text: msg.Text,
		}},
	}
	return h.srv.Push(models.Update{CallbackQuery: q})
}

// last waits for the n-th message in the chat and returns it.
func (h *harness) nth(chat int64, n int) bottest.Message {
	h.t.Helper()
	ms := h.srv.WaitMessages(h.t, chat, n, 10*time.Second)
	return ms[n-1]
}

// noRejects fails the test if the bot sent anything Telegram would refuse.
func (h *harness) noRejects() {
	h.t.Helper()
	for _, r := range h.srv.Rejected() {
		h.t.Errorf("Telegram would reject %s: %d %s (%v)", r.Method, r.Status, r.Description, r.Params)
	}
}

func hasButton(m bottest.Message, data string) bool {
	for _, row := range m.Buttons() {
		for _, b := range row {
			if b.CallbackData == data {
				return true
			}
		}
	}
	return false
}

// takeFirst puts a route of a test's own ahead of the bot's (before the
// bot runs).
func (a *App) takeFirst(match func(*models.Update) bool, h turn.Handler) {
	a.table = append([]route{{match: match, handle: h}}, a.table...)
}
