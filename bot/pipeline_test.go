package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/dispatch"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/store"
)

// Every fixture goes through the whole pipeline: the webhook endpoint (so
// that kinds Telegram would only send on request, and kinds this build does
// not know, arrive too), the inbox, the dispatcher and the router.
func TestEveryFixturePassesThrough(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.WebhookURL = "https://bot.example.org/hook"
		c.WebhookSecret = "fixture-secret"
		c.ListenAddr = "127.0.0.1:0"
	})
	fixtures := bottest.Fixtures()
	if len(fixtures) < 30 {
		t.Fatalf("found %d fixtures, expected the whole set", len(fixtures))
	}
	type pushed struct {
		name    string
		chat    int64
		private bool
	}
	var all []pushed
	endpoint := "http://" + h.app.Addr().String() + "/hook"
	for _, f := range fixtures {
		raw := f.Raw
		h.srv.Learn(raw)
		req, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(raw))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "fixture-secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: webhook answered %d", f.Name, resp.StatusCode)
		}
		var u models.Update
		json.Unmarshal(raw, &u)
		chat, private := tg.ChatOf(&u)
		all = append(all, pushed{f.Name, chat, private})
	}
	h.settle()
	entries, err := h.st.InboxEntries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(fixtures) {
		t.Errorf("inbox holds %d updates, %d were delivered", len(entries), len(fixtures))
	}
	kinds := map[string]int{}
	for _, e := range entries {
		kinds[e.Kind]++
		if e.Status == store.InboxFailed || e.Status == store.InboxPending {
			t.Errorf("update %d (%s) ended in status %d: %v", e.UpdateID, e.Kind, e.Status, e.LastError)
		}
		if e.Kind == "new_update_kind" && e.Status != store.InboxSkipped {
			t.Errorf("the unknown kind was not skipped: status %d", e.Status)
		}
	}
	for _, k := range []string{"message", "edited_message", "channel_post", "callback_query", "my_chat_member", "new_update_kind"} {
		if kinds[k] == 0 {
			t.Errorf("no %s among the fixtures that went through", k)
		}
	}
	answered := 0
	for _, p := range all {
		ms := h.srv.Messages(p.chat)
		if p.chat != 0 && !p.private && len(ms) > 0 {
			t.Errorf("%s: the bot wrote into a group or channel: %q", p.name, ms[0].Text)
		}
		if p.private && len(ms) > 0 {
			answered++
		}
	}
	if answered == 0 {
		t.Error("no private fixture got an answer")
	}
	h.noRejects()
}

func TestChatsInOrderAndInParallel(t *testing.T) {
	h := newHarness(t)
	// Each chat sends commands whose replies differ, so the order of the
	// replies shows the order of handling.
	script := []string{"/help", "/menu", "/cancel", "what?", "/help", "/menu"}
	want := []string{
		h.text.Text("uk", "help"), h.text.Text("uk", "menu.title"), h.text.Text("uk", "cancel.nothing"),
		h.text.Text("uk", "faq.no_answer"), h.text.Text("uk", "help"), h.text.Text("uk", "menu.title"),
	}
	const chats = 40
	for _, line := range script {
		for c := 0; c < chats; c++ {
			h.says(person{id: int64(5000 + c), lang: "uk"}, line)
		}
	}
	h.settle()
	for c := 0; c < chats; c++ {
		ms := h.srv.WaitMessages(t, int64(5000+c), len(script), 10*time.Second)
		if len(ms) != len(script) {
			t.Errorf("chat %d got %d replies, want %d", c, len(ms), len(script))
			continue
		}
		for i := range script {
			if ms[i].Text != want[i] {
				t.Errorf("chat %d reply %d = %q, want the answer to %q", c, i+1, ms[i].Text, script[i])
				break
			}
		}
	}
	h.noRejects()
}

// Workers calling the Bot API at once keep their connections: against
// Telegram each new one costs a TLS handshake.
func TestWorkersReuseBotAPIConnections(t *testing.T) {
	srv := bottest.New(t)
	const workers, rounds = 8, 25
	client := apiHTTPClient(workers)
	url := srv.URL() + "/bot" + srv.Token() + "/getMe"
	for range rounds {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				resp, err := client.Post(url, "application/json", strings.NewReader("{}"))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
		wg.Wait()
	}
	// A call may dial while another's connection is on its way back to
	// the pool, so a few more than one per worker are fair; keeping only
	// Go's default 2 idle connections opens about 150 here.
	if n := srv.Connections(); n > 2*workers {
		t.Errorf("%d rounds of %d calls at once opened %d connections; about %d would do", rounds, workers, n, workers)
	}
}

func TestPanicIsContainedAndMarkedFailed(t *testing.T) {
	h := newHarness(t)
	h.setup = func(a *App) {
		a.takeFirst(func(u *models.Update) bool {
			return u.Message != nil && u.Message.Text == "boom"
		}, func(ctx context.Context, _ *turn.Turn) error { panic("kaboom") })
	}
	h.restart()
	p := person{id: 6001, lang: "uk"}
	boom := h.says(p, "boom")
	h.says(p, "/help")
	ms := h.srv.WaitMessages(t, p.id, 2, 10*time.Second)
	if ms[0].Text != h.text.Text("uk", "error.retry") {
		t.Errorf("after a panic the citizen got %q, want the apology", ms[0].Text)
	}
	if ms[1].Text != h.text.Text("uk", "help") {
		t.Errorf("the next update got %q, want the help", ms[1].Text)
	}
	h.settle()
	entries, _ := h.st.InboxEntries(context.Background())
	for _, e := range entries {
		if e.UpdateID == boom {
			if e.Status != store.InboxFailed || e.Attempts != 1 || !strings.Contains(e.LastError, "kaboom") {
				t.Errorf("the panicking update: status %d attempts %d error %q; want failed once with the panic", e.Status, e.Attempts, e.LastError)
			}
		}
	}
}

// With more chats waiting than workers, a worker handles several chats'
// updates in one transaction, each turn in its own savepoint: one turn's
// failure is rolled back alone, and the others keep their replies and
// their writes, handled once.
func TestBatchedTurnsFailAlone(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Workers = 1; c.Batch = 8 })
	h.setup = func(a *App) {
		a.takeFirst(func(u *models.Update) bool {
			return u.Message != nil && u.Message.Text == "boom"
		}, func(ctx context.Context, t *turn.Turn) error {
			// A write the rollback must undo: the citizen's language.
			u := t.Update
			if _, err := t.Tx.ExecContext(ctx, `UPDATE users SET language = 'ru' WHERE id = $1`, u.Message.From.ID); err != nil {
				panic(err)
			}
			panic("kaboom")
		})
	}
	people := h.batchOfChats(6101, 6, 2, "boom", h.text.Text("uk", "error.retry"))
	entries, _ := h.st.InboxEntries(context.Background())
	for _, e := range entries {
		want := store.InboxDone
		if e.ChatKey == people[2].id && e.Kind == "message" && e.Status == store.InboxFailed {
			want = store.InboxFailed
		}
		if e.Status != want || e.Attempts != 1 {
			t.Errorf("update %d of chat %d: status %d after %d attempts; want %d after one", e.UpdateID, e.ChatKey, e.Status, e.Attempts, want)
		}
	}
	if u, err := store.GetUser(context.Background(), h.st.DB(), people[2].id); err != nil || u.Language != "uk" {
		t.Errorf("the failed turn's write was kept: %+v, %v", u, err)
	}
	// Rows written by one statement in one transaction share their xmin:
	// eleven updates done in far fewer transactions were batched.
	var done, txs int
	h.st.DB().QueryRow(`SELECT count(*), count(DISTINCT xmin::text) FROM inbox WHERE status = 1`).Scan(&done, &txs)
	if done != 11 || txs > 4 {
		t.Errorf("%d updates done in %d transactions; want 11 in a few batches", done, txs)
	}
}

// A turn that runs out of time is rolled back alone and tried again; the
// turns batched with it keep their replies, sent once.
func TestBatchedTurnTimesOutAlone(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Workers = 1; c.Batch = 8 })
	var calls atomic.Int32
	h.setup = func(a *App) {
		a.disp.SetTurnTimeout(500 * time.Millisecond)
		a.takeFirst(func(u *models.Update) bool {
			return u.Message != nil && u.Message.Text == "slow"
		}, func(ctx context.Context, t *turn.Turn) error {
			if calls.Add(1) == 1 { // the turn hangs the first time
				<-ctx.Done()
				return ctx.Err()
			}
			a.Reply(ctx, t, "done at last", nil)
			return nil
		})
	}
	h.batchOfChats(6201, 5, 1, "slow", "done at last")
	if n := calls.Load(); n != 2 {
		t.Errorf("the slow turn ran %d times, want 2", n)
	}
	entries, _ := h.st.InboxEntries(context.Background())
	for _, e := range entries {
		if e.Status != store.InboxDone || e.Attempts != 1 {
			t.Errorf("update %d of chat %d: status %d after %d attempts; want done after one (a timeout is not counted)", e.UpdateID, e.ChatKey, e.Status, e.Attempts)
		}
	}
}

// A slow turn does not hold up the rest of its batch: after dispatch.BatchBudget
// they go back to the feeder, and are handled, once each, in a later
// transaction.
func TestSlowTurnHandsTheRestOfTheBatchBack(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Workers = 1; c.Batch = 8 })
	h.setup = func(a *App) {
		a.takeFirst(func(u *models.Update) bool {
			return u.Message != nil && u.Message.Text == "slow"
		}, func(ctx context.Context, t *turn.Turn) error {
			time.Sleep(2 * dispatch.BatchBudget)
			a.Reply(ctx, t, "done at last", nil)
			return nil
		})
	}
	h.batchOfChats(6301, 5, 0, "slow", "done at last")
	// The slow turn's batch ended after it: its first update is done in
	// a transaction of its own, the others' first updates in later ones.
	var first, txs int
	h.st.DB().QueryRow(`SELECT count(*), count(DISTINCT xmin::text) FROM inbox
	                    WHERE status = 1 AND kind = 'message' AND update_id IN (SELECT min(update_id) FROM inbox GROUP BY chat_key)`).Scan(&first, &txs)
	if first != 5 || txs < 2 {
		t.Errorf("the first updates of 5 chats were done in %d transactions (%d done); the slow one should have been alone", txs, first)
	}
}

// batchOfChats has n citizens from id first write while the bot is down,
// so that the first look at the inbox finds them all for one worker: each
// asks for /help, but citizen odd says odd, and then each opens the menu.
// When the bot has handled it all, each must have had two replies: the
// help (or oddReply) and the menu.
func (h *harness) batchOfChats(first int64, n, odd int, says, oddReply string) []person {
	h.t.Helper()
	h.stop()
	var people []person
	for i := range n {
		p := person{id: first + int64(i), lang: "uk"}
		people = append(people, p)
		if i == odd {
			h.says(p, says)
		} else {
			h.says(p, "/help")
		}
		h.says(p, "/menu")
	}
	h.start()
	h.settle()
	for i, p := range people {
		want := []string{h.text.Text("uk", "help"), h.text.Text("uk", "menu.title")}
		if i == odd {
			want[0] = oddReply
		}
		var got []string
		for _, m := range h.srv.Messages(p.id) {
			got = append(got, m.Text)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			h.t.Errorf("chat %d got %q, want %q", p.id, got, want)
		}
	}
	return people
}

func TestTooManyRequestsIsWaitedOut(t *testing.T) {
	h := newHarness(t)
	h.srv.Fail("sendMessage", 1, 429, 2)
	p := person{id: 7001, lang: "uk"}
	h.says(p, "/help")
	m := h.nth(p.id, 1)
	reqs := h.srv.RequestsFor("sendMessage")
	if len(reqs) != 2 || reqs[0].Status != 429 {
		t.Fatalf("sendMessage calls: %d (first status %v); want a 429 then a success", len(reqs), reqs)
	}
	if gap := m.At.Sub(reqs[0].At); gap < 2*time.Second {
		t.Errorf("the retry came %s after the 429 with retry_after=2", gap)
	}
	if m.Text != h.text.Text("uk", "help") {
		t.Errorf("the message after the 429: %q", m.Text)
	}
	if h.app.Sender().Stats().TooMany != 1 {
		t.Errorf("sender counted %d 429s", h.app.Sender().Stats().TooMany)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	h := newHarness(t)
	h.srv.Fail("sendMessage", 2, 502, 0)
	p := person{id: 7101, lang: "ru"}
	h.says(p, "/help")
	if got := h.nth(p.id, 1).Text; got != h.text.Text("ru", "help") {
		t.Errorf("after two 502s: %q", got)
	}
	if n := len(h.srv.RequestsFor("sendMessage")); n != 3 {
		t.Errorf("sendMessage called %d times, want 3", n)
	}
}

func TestBlockedUserIsMarkedInactiveNotRetried(t *testing.T) {
	h := newHarness(t)
	p := person{id: 7201, lang: "uk"}
	h.srv.Block(p.id)
	h.says(p, "/help")
	h.settle()
	u, err := store.GetUser(context.Background(), h.st.DB(), p.id)
	if err != nil || u.Active {
		t.Errorf("user after 403: %+v, %v; want inactive", u, err)
	}
	if n := len(h.srv.RequestsFor("sendMessage")); n != 1 {
		t.Errorf("sendMessage tried %d times after a 403, want 1", n)
	}
	entries, _ := h.st.InboxEntries(context.Background())
	if entries[0].Status != store.InboxDone {
		t.Errorf("the update ended in status %d, want done", entries[0].Status)
	}
}

func TestRateLimitsAreKept(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Limits = TelegramLimits() })
	p := person{id: 7301, lang: "uk"}
	for i := 0; i < 6; i++ {
		h.says(p, "/help")
	}
	ms := h.srv.WaitMessages(t, p.id, 6, 15*time.Second)
	// A burst of 3, then one a second.
	if gap := ms[5].At.Sub(ms[0].At); gap < 2500*time.Millisecond {
		t.Errorf("6 messages to one chat within %s; Telegram allows about 1 a second", gap)
	}
}

func TestWebhook(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.WebhookURL = "https://bot.example.org/telegram/hook"
		c.WebhookSecret = "s3cret_TOKEN-1"
		c.ListenAddr = "127.0.0.1:0"
	})
	if url, secret := h.srv.Webhook(); url != h.cfg.WebhookURL || secret != h.cfg.WebhookSecret {
		t.Fatalf("setWebhook got url %q secret %q", url, secret)
	}
	endpoint := "http://" + h.app.Addr().String() + "/telegram/hook"
	h.srv.AddChat(models.Chat{ID: 8001, Type: models.ChatTypePrivate}) // known to Telegram, not via getUpdates
	body := func(id int64) []byte {
		return []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":1,"date":1,"chat":{"id":8001,"type":"private"},"from":{"id":8001,"is_bot":false,"first_name":"A","language_code":"uk"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`, id))
	}
	post := func(secret string, b []byte) int {
		req, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(b))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	count := func() int {
		var n int
		h.st.DB().QueryRow(`SELECT count(*) FROM inbox`).Scan(&n)
		return n
	}
	if code := post("wrong", body(500)); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: HTTP %d, want 401", code)
	}
	if code := post("", body(501)); code != http.StatusUnauthorized {
		t.Errorf("no secret: HTTP %d, want 401", code)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d updates stored from unauthorised posts", n)
	}
	if code := post(h.cfg.WebhookSecret, []byte(`{"nope":1}`)); code != http.StatusBadRequest {
		t.Errorf("a body that is not an update: HTTP %d, want 400", code)
	}
	if code := post(h.cfg.WebhookSecret, body(502)); code != http.StatusOK {
		t.Fatalf("right secret: HTTP %d, want 200", code)
	}
	// Stored by the time 200 came back.
	var stored int64
	if err := h.st.DB().QueryRow(`SELECT update_id FROM inbox`).Scan(&stored); err != nil || stored != 502 {
		t.Fatalf("after 200 the inbox holds %d, %v", stored, err)
	}
	// Telegram redelivering the same update changes nothing.
	post(h.cfg.WebhookSecret, body(502))
	if got := h.nth(8001, 1).Text; got != h.text.Text("uk", "help") {
		t.Errorf("webhook update answered %q", got)
	}
	h.settle()
	if n := len(h.srv.Messages(8001)); n != 1 {
		t.Errorf("%d replies to one update delivered twice", n)
	}
	if n := len(h.srv.RequestsFor("getUpdates")); n != 0 {
		t.Errorf("getUpdates called %d times in webhook mode", n)
	}
}
