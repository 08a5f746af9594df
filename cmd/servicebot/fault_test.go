package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"servicebot/bot"
	"servicebot/bot/bottest"
	"servicebot/bot/bottest/load"
	"servicebot/cmd/internal/config"
	"servicebot/locales"
	"servicebot/store"
	"servicebot/store/pgtest"
)

// Fault tests (issue §2): the bot under the benchmark's citizens while
// PostgreSQL restarts, the Bot API fails or floods, the bot is killed, or
// the database refuses a statement or drops connections. Each checks that
// every update is handled exactly once and every citizen gets every reply.

// faultBot is the bot running in this process against a benchLoad's fake
// Bot API, its JSON logs (what `run` writes to stderr) kept for reading.
type faultBot struct {
	app  *bot.App
	logs *syncBuffer
	done chan error
	stop func()
}

// newLoad starts the benchmark's citizens and their fake Bot API for a test.
func newLoad(t *testing.T) *load.Load {
	t.Helper()
	l, err := load.New("hsc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// faultLimits lift the sender's pacing: the fake is not Telegram.
var faultLimits = bot.Limits{PerSecond: 1e6, ChatPerSecond: 1e6, ChatBurst: 1000, GroupPerMinute: 1e6}

func startFaultBot(t *testing.T, st *store.Store, citizens *load.Load, tweak func(*bot.Config)) *faultBot {
	t.Helper()
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg := bot.Config{
		Token: citizens.Server().Token(), APIURL: citizens.URL(), Pack: "hsc", Workers: 8,
		Limits: faultLimits, PollTimeout: time.Second,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	b := &faultBot{logs: &syncBuffer{}, done: make(chan error, 1)}
	if b.app, err = bot.New(cfg, st, text, config.NewLogger(b.logs, slog.LevelInfo)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { b.done <- b.app.Run(ctx) }()
	select {
	case <-b.app.Ready():
	case err := <-b.done:
		cancel()
		t.Fatalf("the bot stopped before it was ready: %v", err)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("the bot was not ready after 20s")
	}
	var once sync.Once
	b.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-b.done:
				if err != nil {
					t.Errorf("the bot stopped with %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("the bot did not stop within 30s")
			}
		})
	}
	t.Cleanup(func() {
		b.stop()
		if t.Failed() {
			t.Logf("the bot's logs:\n%s", tail(b.logs.String(), 6000))
		}
	})
	return b
}

// running reports whether Run has not returned.
func (b *faultBot) running() bool {
	select {
	case err := <-b.done:
		b.done <- err
		return false
	default:
		return true
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// logRecord is one JSON log line.
type logRecord map[string]any

func (r logRecord) msg() string   { s, _ := r["msg"].(string); return s }
func (r logRecord) level() string { s, _ := r["level"].(string); return s }

func readLogs(t *testing.T, logs *syncBuffer) []logRecord {
	t.Helper()
	var out []logRecord
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r logRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Errorf("a log line that is not JSON: %q", sc.Text())
			continue
		}
		out = append(out, r)
	}
	return out
}

// processWide are the warnings and errors about the process rather than one
// update: they carry no update_id, rightly.
var processWide = []string{
	"cannot take work from the inbox", "polling stopped", "getUpdates failed", "cannot store updates; holding the batch",
	"no LISTEN/NOTIFY", "cannot reload the FAQ", "telegram client", "readiness:", "cannot read the inbox backlog",
	"retention failed", "cannot check waiting tickets", "cannot post", "cannot reach Telegram yet",
	"cannot set the command menu", "content pack problem", "telegram asked to slow down", "telegram call failed",
	"cannot read the outbox", "delivering stopped", "cannot read the staff chat yet",
	"cannot wake the deliverer", // a batch of turns' chats, not one update
	// what the settings leave off, said once at start
	"STAFF_CHAT_ID is unset", "INTEGRITY_CHAT_ID is unset", "ADMIN_USER_IDS and STAFF_CHAT_ID are unset",
	"INTEGRITY_KEY is unset", "the staff chat (STAFF_CHAT_ID) has no topics", "the bot is not in the staff chat",
	"the bot is not an administrator of the staff chat", "the bot may not manage topics", "cannot read the bot's rights",
}

// checkUpdateIDs checks that every warning or error about an update names
// it, and returns those that do.
func checkUpdateIDs(t *testing.T, recs []logRecord) []logRecord {
	t.Helper()
	var named []logRecord
	for _, r := range recs {
		if r.level() != "WARN" && r.level() != "ERROR" {
			continue
		}
		if _, ok := r["update_id"]; ok {
			named = append(named, r)
			continue
		}
		wide := false
		for _, p := range processWide {
			wide = wide || strings.HasPrefix(r.msg(), p)
		}
		if !wide {
			t.Errorf("logged without the update's id: %v", r)
		}
	}
	return named
}

// checkAllReplied checks a load phase: every update answered, none lost.
// An update handled again after a failure repeats its calls: a repeated
// reply is counted in r.Unmatched, and Telegram refuses a repeated edit
// ("not modified") or callback answer ("query is too old"), which the bot
// takes in its stride. Up to maxRepeats of each are allowed.
func checkAllReplied(t *testing.T, citizens *load.Load, r load.Result, maxRepeats int) {
	t.Helper()
	if r.Pushed == 0 {
		t.Fatal("the citizens sent nothing")
	}
	if r.Timeouts != 0 {
		t.Errorf("%d of %d updates got no reply within the wait", r.Timeouts, r.Pushed)
	}
	if r.Replies < r.Pushed {
		t.Errorf("%d replies to %d updates", r.Replies, r.Pushed)
	}
	if r.Unmatched > maxRepeats {
		t.Errorf("%d replies repeated; at most %d may be", r.Unmatched, maxRepeats)
	}
	repeated, answers := 0, 0
	for _, q := range citizens.Server().Rejected() {
		switch {
		case q.Method == "answerCallbackQuery" && strings.Contains(q.Description, "query is too old"):
			// A callback's answer is delivered without waiting for its
			// record (README, Crash safety): made again after a failure,
			// Telegram refuses it and nobody sees it. How many depends on
			// how busy the machine is when the connection goes.
			answers++
		case strings.HasPrefix(q.Method, "editMessage") && strings.Contains(q.Description, "message is not modified"):
			repeated++
		default:
			t.Errorf("Telegram would reject %s to chat %s: %s", q.Method, q.Get("chat_id"), q.Description)
		}
	}
	if repeated > 2*maxRepeats {
		t.Errorf("%d edits repeated after failures; at most %d may be", repeated, 2*maxRepeats)
	}
	if answers > r.Pushed {
		t.Errorf("%d callback answers repeated for %d updates", answers, r.Pushed)
	}
}

// logRejected lists what the fake refused, when a test failed.
func logRejected(t *testing.T, citizens *load.Load) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for _, r := range citizens.Server().Rejected() {
			t.Logf("rejected %s %s: %d %s", r.Method, r.Get("chat_id"), r.Status, r.Description)
		}
	})
}

// PostgreSQL stops under load and starts again: the bot keeps running, loses
// nothing, handles everything once, and answers every citizen.
func TestPostgresRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: starts a PostgreSQL cluster")
	}
	if _, err := store.FindPostgres(); err != nil {
		t.Skip(err)
	}
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	pg, err := store.StartEmbedded(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop(context.Background()) })
	st, err := store.Open(ctx, pg.URL(), 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	citizens := newLoad(t)
	citizens.ReplyTimeout = time.Minute
	b := startFaultBot(t, st, citizens, nil)

	phase := make(chan load.Result)
	go func() {
		phase <- citizens.Closed(ctx, load.Command{Kind: "closed", Duration: 7 * time.Second, Citizens: 30, Script: load.ScriptFAQ, IDBase: load.CitizenBase})
	}()
	time.Sleep(1500 * time.Millisecond)
	if err := pg.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	stoppedAt := time.Now()
	time.Sleep(1500 * time.Millisecond)
	if !b.running() {
		t.Fatal("the bot stopped when PostgreSQL did")
	}
	if pg, err = store.StartEmbedded(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL was away for %s", time.Since(stoppedAt).Round(time.Millisecond))
	r := <-phase
	if !b.running() {
		t.Fatal("the bot stopped")
	}
	checkAllReplied(t, citizens, r, 2*8)
	rows := waitHandled(t, citizens.Server(), st.DB(), r.Pushed)
	checkExactlyOnceInOrder(t, rows)
	checkUpdateIDs(t, readLogs(t, b.logs))
	t.Logf("%d updates, %d replies repeated", r.Pushed, r.Unmatched)
}

// The Bot API answers 5xx for a while, then floods the bot with 429s:
// nothing is lost or sent twice, and retry_after is waited out.
func TestBotAPIOutageAndFloodLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	t.Parallel()
	ctx := context.Background()
	st := pgtest.New(t)
	citizens := newLoad(t)
	citizens.ReplyTimeout = time.Minute
	srv := citizens.Server()
	b := startFaultBot(t, st, citizens, nil)
	phase := make(chan load.Result)
	go func() {
		phase <- citizens.Closed(ctx, load.Command{Kind: "closed", Duration: 5 * time.Second, Citizens: 30, Script: load.ScriptFAQ, IDBase: load.CitizenBase})
	}()
	time.Sleep(500 * time.Millisecond)
	// 1.5 s in which most calls that show something fail with 5xx, and
	// getUpdates once.
	srv.Fail("getUpdates", 1, 500, 0)
	failFor(srv, 1500*time.Millisecond, 2, map[string]int{"sendMessage": 502, "editMessageText": 500})
	time.Sleep(time.Second)
	// Then a storm of 429s with retry_after=1, for 1.5 s, at every worker.
	failFor(srv, 1500*time.Millisecond, 8, map[string]int{"sendMessage": 429, "editMessageText": 429})
	r := <-phase

	checkAllReplied(t, citizens, r, 0)
	rows := waitHandled(t, srv, st.DB(), r.Pushed)
	checkExactlyOnceInOrder(t, rows)

	// After a 429 for a chat, nothing goes to that chat for retry_after.
	shows := map[string]bool{"sendMessage": true, "editMessageText": true, "editMessageReplyMarkup": true}
	reqs := srv.Requests()
	var tooMany, serverErrors int
	for i, q := range reqs {
		if !shows[q.Method] {
			continue
		}
		switch {
		case q.Status >= 500:
			serverErrors++
		case q.Status == 429:
			tooMany++
			for _, next := range reqs[i+1:] {
				if shows[next.Method] && next.Get("chat_id") == q.Get("chat_id") {
					if gap := next.At.Sub(q.At); gap < time.Second-5*time.Millisecond {
						t.Errorf("chat %s: %s %s after a 429 with retry_after=1", q.Get("chat_id"), next.Method, gap)
					}
					break
				}
			}
		}
	}
	if tooMany == 0 || serverErrors == 0 {
		t.Fatalf("the bot met %d 429s and %d 5xx; the test proves nothing", tooMany, serverErrors)
	}
	if s := b.app.Sender().Stats(); s.TooMany != tooMany {
		t.Errorf("the sender counted %d 429s, the Bot API sent %d", s.TooMany, tooMany)
	}
	t.Logf("%d updates through %d 5xx and %d 429s", r.Pushed, serverErrors, tooMany)
}

// failFor makes calls of the methods fail with their status for d (429s
// with retry_after=1). Fail queues a number of failures, so up to burst are
// kept queued: how many calls fail depends on how many are made, as in a
// real outage.
func failFor(srv *bottest.Server, d time.Duration, burst int, methods map[string]int) {
	queued, used0 := map[string]int{}, map[string]int{}
	used := func(m string, code int) int {
		n := 0
		for _, q := range srv.RequestsFor(m) {
			if q.Status == code {
				n++
			}
		}
		return n
	}
	for m, code := range methods {
		used0[m] = used(m, code)
	}
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		for m, code := range methods {
			if n := used(m, code) - used0[m] + burst - queued[m]; n > 0 {
				srv.Fail(m, n, code, 1)
				queued[m] += n
			}
		}
	}
}

// SIGKILL under the benchmark's citizens, then a restart: every update handled
// exactly once, every citizen answered.
func TestSIGKILLUnderBenchLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: starts the binary")
	}
	t.Parallel()
	ctx := context.Background()
	citizens := newLoad(t)
	citizens.ReplyTimeout = time.Minute
	srv := citizens.Server()
	dbURL := pgtest.URL(t)
	db := openDB(t, dbURL)
	first := startBot(t, srv, dbURL, "TELEGRAM_API_URL="+citizens.URL())
	phase := make(chan load.Result)
	go func() {
		phase <- citizens.Closed(ctx, load.Command{Kind: "closed", Duration: 5 * time.Second, Citizens: 50, Script: load.ScriptFAQ, IDBase: load.CitizenBase})
	}()
	// The kill comes once the bot is well into the load: 100 updates
	// handled (the citizens keep pushing for 5 s whatever the machine's
	// speed; on a busy machine they push only a few hundred in all).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var done int
		db.QueryRow(`SELECT count(*) FROM inbox WHERE status = 1`).Scan(&done)
		if done >= 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d updates handled in 30s", done)
		}
	}
	first.kill(t)
	second := startBot(t, srv, dbURL, "TELEGRAM_API_URL="+citizens.URL())
	r := <-phase
	// A reply that reached Telegram just before the kill, whose delivery
	// was not yet recorded, is sent again: at most one per delivery lane.
	checkAllReplied(t, citizens, r, 4)
	rows := waitHandled(t, srv, db, r.Pushed)
	checkExactlyOnceInOrder(t, rows)
	t.Logf("%d updates, %d replies repeated after the kill", r.Pushed, r.Unmatched)
	second.term(t)
}

// A statement PostgreSQL refuses (a text with a NUL byte, which no text
// column takes) fails the update for good after its attempts, with the
// update's id in the log, and the chat goes on.
func TestRefusedStatementIsLoggedWithTheUpdate(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	t.Parallel()
	st := pgtest.New(t)
	citizens := newLoad(t)
	srv := citizens.Server()
	b := startFaultBot(t, st, citizens, func(c *bot.Config) { c.MaxAttempts = 2 })
	c := citizens.Chat(load.CitizenBase + 7)
	// An unanswerable question, kept for staff with the NUL in it.
	bad, err := citizens.Push(c, c.Says("zzqx\x00 vvkw qqzj"))
	if err != nil {
		t.Fatal(err)
	}
	good, err := citizens.Push(c, c.Says("/help"))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := locales.Load()
	ms := srv.WaitMessages(t, load.CitizenBase+7, 2, 30*time.Second)
	if ms[0].Text != text.Text("ru", "error.retry") && ms[0].Text != text.Text("uk", "error.retry") {
		t.Errorf("after the refused update the citizen got %q, want the apology", ms[0].Text)
	}
	rows := waitHandled(t, srv, st.DB(), 2)
	for _, r := range rows {
		switch r.UpdateID {
		case bad:
			if r.Status != store.InboxFailed || r.Attempts != 2 {
				t.Errorf("the refused update: status %d after %d attempts; want failed after 2", r.Status, r.Attempts)
			}
		case good:
			if r.Status != store.InboxDone {
				t.Errorf("the next update: status %d; want done", r.Status)
			}
		}
	}
	var cause string
	st.DB().QueryRow(`SELECT last_error FROM inbox WHERE update_id = $1`, bad).Scan(&cause)
	if !strings.Contains(cause, "0x00") {
		t.Errorf("the inbox keeps %q as the cause", cause)
	}
	named := checkUpdateIDs(t, readLogs(t, b.logs))
	var retried, failed bool
	for _, r := range named {
		if id, _ := r["update_id"].(float64); int64(id) == bad {
			retried = retried || r.level() == "WARN" && strings.Contains(fmt.Sprint(r["err"]), "0x00")
			failed = failed || r.level() == "ERROR" && strings.Contains(fmt.Sprint(r["err"]), "0x00")
		}
	}
	if !retried || !failed {
		t.Errorf("the log does not tell, with the update's id, that update %d failed and why (retry logged: %v, failure logged: %v)", bad, retried, failed)
	}
}

// Connections cut under load (pg_terminate_backend, as a failover does):
// nothing lost, handled once, and what the bot logs about an update names it.
func TestDroppedConnectionsUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	t.Parallel()
	ctx := context.Background()
	st := pgtest.New(t)
	admin := pgtest.New(t) // another database on the same server
	var name string
	st.DB().QueryRow(`SELECT current_database()`).Scan(&name)
	citizens := newLoad(t)
	citizens.ReplyTimeout = time.Minute
	logRejected(t, citizens)
	b := startFaultBot(t, st, citizens, nil)
	phase := make(chan load.Result)
	go func() {
		phase <- citizens.Closed(ctx, load.Command{Kind: "closed", Duration: 4 * time.Second, Citizens: 30, Script: load.ScriptFAQ, IDBase: load.CitizenBase})
	}()
	cut := 0
	for range 3 {
		time.Sleep(time.Second)
		var n int
		if err := admin.DB().QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		cut += n
	}
	r := <-phase
	checkAllReplied(t, citizens, r, 3*8)
	rows := waitHandled(t, citizens.Server(), st.DB(), r.Pushed)
	checkExactlyOnceInOrder(t, rows)
	named := checkUpdateIDs(t, readLogs(t, b.logs))
	t.Logf("%d updates, %d connections cut, %d replies repeated, %d log records naming an update", r.Pushed, cut, r.Unmatched, len(named))
	if !b.running() {
		t.Error("the bot stopped")
	}
}

// The bench's citizens go through the questionnaires as people would, by
// the buttons the bot shows: each rating and mystery-shopper citizen sends
// at least one, and nothing is refused or left without a reply.
func TestBenchCitizensFinishTheirQuestionnaires(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the bot for a few seconds")
	}
	t.Parallel()
	st := pgtest.New(t)
	citizens := newLoad(t)
	startFaultBot(t, st, citizens, nil)
	r := citizens.Closed(context.Background(), load.Command{Kind: "closed", Duration: 8 * time.Second, Citizens: 6, Script: load.ScriptMixed, IDBase: load.CitizenBase})
	checkAllReplied(t, citizens, r, 0)
	var sent []struct {
		User int64  `db:"user_id"`
		Kind string `db:"kind"`
	}
	if err := st.DB().Select(&sent, `SELECT user_id, kind FROM responses WHERE status = 'submitted'`); err != nil {
		t.Fatal(err)
	}
	by := map[int64]string{}
	for _, s := range sent {
		by[s.User] = s.Kind
	}
	for i := 0; i < 6; i++ {
		want := map[int]string{1: "rating", 2: "mystery"}[i%3]
		if want == "" {
			continue
		}
		if got := by[load.CitizenBase+int64(i)]; got != want {
			ms := citizens.Server().Messages(load.CitizenBase + int64(i))
			last := ""
			if len(ms) > 0 {
				last = ms[len(ms)-1].Text + " " + ms[len(ms)-1].ReplyMarkup
			}
			t.Errorf("citizen %d sent no %s questionnaire in 8 s (%d updates in all); the bot's last message: %s", i, want, r.Pushed, last)
		}
	}
}
