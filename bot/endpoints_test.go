package bot

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/web"
	"servicebot/locales"
	"servicebot/store"
	"servicebot/store/pgtest"
)

// lockedBuffer collects the bot's logs while it writes them.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// opsBot is an App in polling mode with its HTTP endpoints on a free port,
// logging JSON at info level as in production.
type opsBot struct {
	t    *testing.T
	srv  *bottest.Server
	st   *store.Store
	app  *App
	logs *lockedBuffer
	base string // http://127.0.0.1:port
	done chan error
	stop context.CancelFunc
}

func startOpsBot(t *testing.T, srv *bottest.Server, st *store.Store, tweak func(*Config, *App)) *opsBot {
	t.Helper()
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := &opsBot{t: t, srv: srv, st: st, logs: &lockedBuffer{}, done: make(chan error, 1)}
	cfg := Config{
		Token: srv.Token(), APIURL: srv.URL(), Workers: 4, Limits: fastLimits,
		PollTimeout: time.Second, ListenAddr: "127.0.0.1:0",
	}
	app, err := New(cfg, st, text, slog.New(slog.NewJSONHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err != nil {
		t.Fatal(err)
	}
	if tweak != nil {
		tweak(&app.Cfg, app)
	}
	b.app = app
	ctx, cancel := context.WithCancel(context.Background())
	b.stop = cancel
	go func() { b.done <- app.Run(ctx) }()
	// The endpoints answer before the bot is ready.
	deadline := time.Now().Add(10 * time.Second)
	for app.Addr() == nil {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("no HTTP endpoints after 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.base = "http://" + app.Addr().String()
	t.Cleanup(func() {
		cancel()
		select {
		case <-b.done:
		case <-time.After(15 * time.Second):
			t.Error("bot did not stop within 15s")
		}
	})
	return b
}

func (b *opsBot) waitReady() {
	b.t.Helper()
	select {
	case <-b.app.Ready():
	case err := <-b.done:
		b.t.Fatalf("bot stopped before it was ready: %v", err)
	case <-time.After(15 * time.Second):
		b.t.Fatal("bot not ready after 15s")
	}
}

// get fetches path from the bot's HTTP server.
func (b *opsBot) get(path string) (int, string) {
	b.t.Helper()
	resp, err := http.Get(b.base + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// metric reads one sample, written as in the exposition format with its
// labels in name order, from /metrics; -1 if absent.
func (b *opsBot) metric(series string) float64 {
	b.t.Helper()
	code, body := b.get(web.PathMetrics)
	if code != http.StatusOK {
		b.t.Fatalf("/metrics answered %d", code)
	}
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.t.Fatalf("%s: %v", series, err)
			}
			return f
		}
	}
	return -1
}

// waitMetric waits until the series reaches at least want.
func (b *opsBot) waitMetric(series string, want float64) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := b.metric(series)
		if got >= want {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s = %v after 10s; want %v", series, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHealthReadinessAndMetricsOverHTTP(t *testing.T) {
	srv := bottest.New(t)
	st := pgtest.New(t)
	// Telegram answers 500 to getMe at first: the bot is alive, not ready.
	srv.Fail("getMe", 2, http.StatusInternalServerError, 0)
	b := startOpsBot(t, srv, st, func(_ *Config, a *App) { a.every.stats = 50 * time.Millisecond })

	if code, body := b.get(web.PathHealth); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz while starting: %d %q; want 200 ok", code, body)
	}
	if code, body := b.get(web.PathReady); code != http.StatusServiceUnavailable || !strings.Contains(body, "starting") {
		t.Errorf("/readyz while Telegram is away: %d %q; want 503 starting", code, body)
	}
	b.waitReady()
	if code, body := b.get(web.PathReady); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/readyz once ready: %d %q; want 200 ok", code, body)
	}

	// A citizen writes something personal; it is handled and answered.
	const (
		name     = "Олена"
		surname  = "Шевчук-Тестова"
		personal = "мій паспорт КВ918273, телефон 0671112233, де мої номери?"
	)
	chat := int64(424242)
	srv.Push(models.Update{Message: &models.Message{
		Date: int(time.Now().Unix()), Text: personal,
		From: &models.User{ID: chat, FirstName: name, LastName: surname, LanguageCode: "uk"},
		Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate, FirstName: name, LastName: surname},
	}})
	srv.WaitMessages(t, chat, 1, 10*time.Second)

	b.waitMetric(`servicebot_updates_handled_total{kind="message",outcome="done"}`, 1)
	for series, want := range map[string]float64{
		`servicebot_updates_received_total{kind="message"}`:               1,
		`servicebot_update_handling_seconds_count`:                        1,
		`servicebot_telegram_requests_total{method="getMe",status="5xx"}`: 2,
		`servicebot_telegram_requests_total{method="getMe",status="ok"}`:  1,
		`servicebot_db_errors_total{operation="claim"}`:                   0,
		`servicebot_handler_errors_total{reason="panic"}`:                 0,
		`servicebot_telegram_429_total`:                                   0,
	} {
		if got := b.metric(series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	// The intake hands the updates it stores to its own workers, with no
	// query of the inbox for them. (The feeder's once-a-second look at the
	// inbox may find one first, between the intake's commit and its
	// offer: hence more chats than one.)
	for i := int64(1); i <= 5; i++ {
		srv.Push(models.Update{Message: &models.Message{
			Date: int(time.Now().Unix()), Text: "привіт",
			From: &models.User{ID: chat + i, FirstName: name, LanguageCode: "uk"},
			Chat: models.Chat{ID: chat + i, Type: models.ChatTypePrivate, FirstName: name},
		}})
	}
	for i := int64(1); i <= 5; i++ {
		srv.WaitMessages(t, chat+i, 1, 10*time.Second)
	}
	if got := b.metric(`servicebot_chats_handed_out_total{via="offer"}`); got < 1 {
		t.Errorf("chats handed out by offer: %v; want the intake's updates", got)
	}
	if got := b.metric(`servicebot_telegram_requests_total{method="sendMessage",status="ok"}`); got < 1 {
		t.Errorf("sendMessage ok = %v; want the reply counted", got)
	}
	if b.metric(`go_goroutines`) <= 0 || b.metric(`go_sql_max_open_connections{db_name="servicebot"}`) <= 0 {
		t.Error("no runtime or connection-pool metrics")
	}

	// The backlog and open tickets, read from the database.
	if _, err := st.DB().Exec(`
		INSERT INTO inbox (update_id, chat_key, kind, payload, not_before, received_at)
		VALUES (999999, 1, 'message', '{"update_id":999999}', now() + interval '1 hour', now() - interval '90 seconds')`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO tickets (user_id, lang) VALUES (7, 'uk'), (8, 'uk')`); err != nil {
		t.Fatal(err)
	}
	b.waitMetric(`servicebot_inbox_pending`, 1)
	b.waitMetric(`servicebot_tickets_open`, 2)
	if got := b.metric(`servicebot_inbox_oldest_pending_seconds`); got < 90 {
		t.Errorf("oldest pending = %vs; want the 90s-old update", got)
	}

	// The outbox backlog: a reply waiting two minutes for Telegram, and
	// one Telegram refused for good.
	if _, err := st.DB().Exec(`
		INSERT INTO outbox (chat_id, body, not_before, created_at, status)
		VALUES (9, '{"c":9,"m":"sendMessage","p":{"chat_id":9,"text":"x"}}', now() + interval '1 hour', now() - interval '120 seconds', 0),
		       (9, '{"c":9,"m":"sendMessage","p":{"chat_id":9,"text":"y"}}', now(), now(), 2)`); err != nil {
		t.Fatal(err)
	}
	b.waitMetric(`servicebot_outbox_pending`, 1)
	b.waitMetric(`servicebot_outbox_set_aside`, 1)
	if got := b.metric(`servicebot_outbox_oldest_pending_seconds`); got < 120 {
		t.Errorf("outbox oldest pending = %vs; want the reply waiting 120s", got)
	}

	// The counter reserved for questionnaires.
	b.app.Metrics.ResponseSubmitted("rating")
	if got := b.metric(`servicebot_responses_submitted_total{kind="rating"}`); got != 1 {
		t.Errorf("responses submitted = %v, want 1", got)
	}

	// Readiness follows the database.
	if _, err := st.DB().Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	if code, body := b.get(web.PathReady); code != http.StatusServiceUnavailable || !strings.Contains(body, "migrate") {
		t.Errorf("/readyz with a migration pending: %d %q; want 503 naming migrate", code, body)
	}

	// Info-level logs carry ids, never what people wrote or their names.
	logs := b.logs.String()
	for _, secret := range []string{name, surname, "КВ918273", "0671112233", "паспорт"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, `"msg":"HTTP endpoints listening"`) {
		t.Errorf("the logs do not say where the endpoints listen:\n%s", logs)
	}

	// Stopping: the endpoints close with the bot.
	b.stop()
	if err := <-b.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	b.done <- nil // for the cleanup
	if resp, err := http.Get(b.base + web.PathHealth); err == nil {
		resp.Body.Close()
		t.Error("the endpoints still answer after the bot stopped")
	}
}

// In polling mode with no ListenAddr, as in the other bot tests, there is
// no HTTP server at all.
func TestNoListenAddrNoServerInPollingMode(t *testing.T) {
	h := newHarness(t)
	if h.app.Addr() != nil {
		t.Errorf("an HTTP server listens on %v with no ListenAddr", h.app.Addr())
	}
}

// In webhook mode one server carries the webhook and the operator's paths.
func TestWebhookAndOperatorPathsShareOneServer(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.WebhookURL = "https://bot.example.org/telegram"
		c.WebhookSecret = "s3cret"
		c.ListenAddr = "127.0.0.1:0"
	})
	base := "http://" + h.app.Addr().String()
	for path, want := range map[string]int{web.PathHealth: 200, web.PathReady: 200, web.PathMetrics: 200, "/telegram": 405} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestRetentionRunsInTheBackground(t *testing.T) {
	srv := bottest.New(t)
	st := pgtest.New(t)
	if _, err := st.DB().Exec(`
		INSERT INTO inbox (update_id, chat_key, kind, payload, status, handled_at)
		VALUES (1, 1, 'message', '{"update_id":1}', 1, now() - interval '2 days'),
		       (2, 1, 'message', '{"update_id":2}', 1, now())`); err != nil {
		t.Fatal(err)
	}
	b := startOpsBot(t, srv, st, func(c *Config, a *App) {
		c.InboxRetention = 24 * time.Hour
		a.every.retentionDelay = 10 * time.Millisecond
	})
	b.waitReady()
	b.waitMetric(`servicebot_retention_rows_total{table="inbox"}`, 1)
	var left []int64
	st.DB().Select(&left, `SELECT update_id FROM inbox WHERE update_id < 3 ORDER BY update_id`)
	if len(left) != 1 || left[0] != 2 {
		t.Errorf("inbox after retention: %v, want [2]", left)
	}
	if !strings.Contains(b.logs.String(), `"msg":"retention applied"`) {
		t.Errorf("retention left no log:\n%s", b.logs.String())
	}
}

// A webhook path that holds the bot token or the webhook secret (to make it
// hard to guess) still works, and neither reaches the logs: the path is
// logged with that segment redacted.
func TestWebhookPathSecretsAreNotLogged(t *testing.T) {
	const secret = "Wh00kS3cretValue_x"
	srv := bottest.New(t)
	hash := strings.SplitN(srv.Token(), ":", 2)[1]
	for _, path := range []string{"/tg/" + srv.Token(), "/tg/" + secret + "/in", "/tg/bot" + srv.Token()} {
		t.Run(path, func(t *testing.T) {
			st := pgtest.New(t)
			b := startOpsBot(t, srv, st, func(c *Config, a *App) {
				c.WebhookURL = "https://bot.example.org" + path
				c.WebhookSecret = secret
				a.in.Secret = secret
			})
			b.waitReady()
			req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(`{"update_id":991}`))
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("POST to the webhook path: %d", resp.StatusCode)
			}
			logs := b.logs.String()
			if !strings.Contains(logs, `"msg":"webhook set","path":"/tg/<redacted>`) {
				t.Errorf("no redacted webhook path in the logs:\n%s", logs)
			}
			for _, s := range []string{srv.Token(), hash, secret} {
				if strings.Contains(logs, s) {
					t.Errorf("the logs show a secret (%.6s…):\n%s", s, logs)
				}
			}
		})
	}
}

// At start the bot says once, as warnings, what its settings leave off or
// what the staff chat lacks, with what to do.
func TestStartupWarnsWhatIsOffOrMisconfigured(t *testing.T) {
	const staff, integrityChat = -1001000000077, -1001000000078
	warnings := map[string]string{
		"staff":     `"msg":"STAFF_CHAT_ID is unset`,
		"integrity": `"msg":"INTEGRITY_CHAT_ID is unset`,
		"admins":    `"msg":"ADMIN_USER_IDS and STAFF_CHAT_ID are unset: nobody can edit the FAQ`,
		"key":       `"msg":"INTEGRITY_KEY is unset`,
		"topics":    `"msg":"the staff chat (STAFF_CHAT_ID) has no topics`,
		"admin":     `"msg":"the bot is not an administrator of the staff chat`,
		"left":      `"msg":"the bot is not in the staff chat`,
	}
	for _, c := range []struct {
		name  string
		setup func(*bottest.Server)
		tweak func(*Config)
		want  []string
	}{
		{"nothing set", nil, func(*Config) {}, []string{"staff", "integrity", "admins"}},
		{"a plain group, the bot a member, no key", func(srv *bottest.Server) {
			srv.AddChat(models.Chat{ID: staff, Type: models.ChatTypeSupergroup, Title: "Staff"})
		}, func(c *Config) {
			c.StaffChatID, c.IntegrityChatID = staff, integrityChat
		}, []string{"topics", "admin", "key"}},
		{"a forum the bot left", func(srv *bottest.Server) {
			srv.AddChat(models.Chat{ID: staff, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true})
			srv.SetChatMember(staff, srv.BotUser().ID, "left")
		}, func(c *Config) {
			c.StaffChatID, c.AdminIDs = staff, []int64{7}
		}, []string{"integrity", "left"}},
		{"all well", func(srv *bottest.Server) {
			srv.AddChat(models.Chat{ID: staff, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true})
			srv.SetChatMember(staff, srv.BotUser().ID, "administrator")
		}, func(c *Config) {
			c.StaffChatID, c.IntegrityChatID = staff, integrityChat
			c.IntegrityKeys = [][]byte{bytes.Repeat([]byte{1}, 32)}
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := bottest.New(t)
			if c.setup != nil {
				c.setup(srv)
			}
			b := startOpsBot(t, srv, pgtest.New(t), func(cfg *Config, _ *App) { c.tweak(cfg) })
			b.waitReady()
			logs := b.logs.String()
			for key, msg := range warnings {
				n := strings.Count(logs, msg)
				switch want := slices.Contains(c.want, key); {
				case want && n != 1:
					t.Errorf("%s: logged %d times; want once", msg, n)
				case !want && n != 0:
					t.Errorf("%s: logged, though it does not apply", msg)
				}
			}
		})
	}
}
