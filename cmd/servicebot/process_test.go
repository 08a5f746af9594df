package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"servicebot/bot/bottest"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store/pgtest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "servicebot-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "servicebot")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot build servicebot:", err)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.Cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

// botProcess is the servicebot binary running as a separate process.
type botProcess struct {
	cmd   *exec.Cmd
	logs  *syncBuffer
	done  chan struct{}
	token string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startBot(t *testing.T, srv *bottest.Server, dbURL string, extra ...string) *botProcess {
	t.Helper()
	cmd := exec.Command(binary, "run")
	cmd.Env = append(os.Environ(),
		"TELEGRAM_TOKEN="+srv.Token(), "TELEGRAM_API_URL="+srv.URL(), "DATABASE_URL="+dbURL,
		"SEND_PER_SECOND=100000", "SEND_PER_CHAT_SECOND=100000", "SEND_PER_GROUP_MINUTE=100000",
		"WORKERS=16", "LOG_LEVEL=warn", "WEBHOOK_URL=", "DATA_DIR="+t.TempDir(),
		"LISTEN_ADDR=127.0.0.1:0", // the default :8080 would collide between parallel tests
	)
	cmd.Env = append(cmd.Env, extra...)
	p := &botProcess{cmd: cmd, logs: &syncBuffer{}, done: make(chan struct{}), token: srv.Token()}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("servicebot logs:\n%s", p.logs.String())
		}
	})
	return p
}

func (p *botProcess) kill(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// term stops the process as an operator would, and checks it exits cleanly.
func (p *botProcess) term(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if code := p.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("servicebot exited %d after SIGTERM", code)
		}
	case <-time.After(20 * time.Second):
		t.Error("servicebot did not stop within 20s of SIGTERM")
	}
	if strings.Contains(p.logs.String(), p.token) || strings.Contains(p.logs.String(), strings.SplitN(p.token, ":", 2)[1]) {
		t.Error("the bot token appears in the logs")
	}
}

// The script each chat follows: consecutive replies differ, so the replies
// show the order of handling, and a reply sent twice stands next to itself.
var script = []string{"/help", "/menu", "/cancel", "what?"}

func expectedReplies(t *testing.T, n int) []string {
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	// No STAFF_CHAT_ID: no operator to offer, in /help or after «what?».
	help := dialogs.WithoutCommand(dialogs.WithoutCommand(text.Text("uk", "help"), "/operator"), "/reopen")
	one := []string{help, text.Text("uk", "menu.title"), text.Text("uk", "cancel.nothing"), text.Text("uk", "faq.no_answer_menu")}
	out := make([]string, n)
	for i := range out {
		out[i] = one[i%len(one)]
	}
	return out
}

func pushScript(srv *bottest.Server, chats, perChat int) {
	msgID := 0
	for i := 0; i < perChat; i++ {
		for c := 0; c < chats; c++ {
			msgID++
			id := int64(100000 + c)
			text := script[i%len(script)]
			var ents []models.MessageEntity
			if text[0] == '/' {
				ents = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(text)}}
			}
			srv.Push(models.Update{Message: &models.Message{
				ID: msgID, Date: int(time.Now().Unix()), Text: text, Entities: ents,
				From: &models.User{ID: id, FirstName: "Test", LanguageCode: "uk"},
				Chat: models.Chat{ID: id, Type: models.ChatTypePrivate},
			}})
		}
	}
}

type handled struct {
	UpdateID   int64 `db:"update_id"`
	ChatKey    int64 `db:"chat_key"`
	Status     int   `db:"status"`
	Attempts   int   `db:"attempts"`
	HandledSeq int64 `db:"handled_seq"`
}

// waitHandled waits until the fake server has handed out every update, the
// inbox has none pending and the outbox nothing to deliver, then returns
// the inbox.
func waitHandled(t *testing.T, srv *bottest.Server, db *sqlx.DB, total int) []handled {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var pending, all, undelivered int
		db.QueryRow(`SELECT count(*) FILTER (WHERE status = 0), count(*) FROM inbox`).Scan(&pending, &all)
		db.QueryRow(`SELECT count(*) FROM outbox WHERE status = 0`).Scan(&undelivered)
		if srv.Pending() == 0 && all == total && pending == 0 && undelivered == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done after 90s: %d stored of %d, %d pending, %d not fetched, %d effects to deliver", all, total, pending, srv.Pending(), undelivered)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var rows []handled
	if err := db.Select(&rows, `SELECT update_id, chat_key, status, attempts, coalesce(handled_seq, 0) AS handled_seq FROM inbox ORDER BY update_id`); err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkExactlyOnceInOrder checks the inbox: each update handled exactly
// once, and within a chat in update_id order.
func checkExactlyOnceInOrder(t *testing.T, rows []handled) {
	t.Helper()
	lastSeq := map[int64]int64{}
	for _, r := range rows {
		if r.Status != 1 || r.Attempts != 1 {
			t.Errorf("update %d: status %d after %d attempts; want handled once", r.UpdateID, r.Status, r.Attempts)
		}
		if r.HandledSeq <= lastSeq[r.ChatKey] {
			t.Errorf("chat %d: update %d handled out of order", r.ChatKey, r.UpdateID)
		}
		lastSeq[r.ChatKey] = r.HandledSeq
	}
}

// replies returns the chat's replies with immediate repeats folded, and how
// many repeats there were.
// checkEveryReplyOnce checks that each chat of pushScript got each reply
// once, in order.
func checkEveryReplyOnce(t *testing.T, srv *bottest.Server, chats, perChat int) {
	t.Helper()
	want := expectedReplies(t, perChat)
	for c := 0; c < chats; c++ {
		ms := srv.Messages(int64(100000 + c))
		got := make([]string, len(ms))
		for i, m := range ms {
			got[i] = m.Text
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("chat %d: replies %q, want %q", c, got, want)
		}
	}
}

func replies(srv *bottest.Server, chat int64) (folded []string, repeats int) {
	for _, m := range srv.Messages(chat) {
		if n := len(folded); n > 0 && folded[n-1] == m.Text {
			repeats++
			continue
		}
		folded = append(folded, m.Text)
	}
	return folded, repeats
}

func openDB(t *testing.T, url string) *sqlx.DB {
	db, err := sqlx.Connect("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSIGKILLLosesNothingAndHandlesNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	const chats, perChat = 100, 10
	srv := bottest.New(t)
	dbURL := pgtest.URL(t)
	db := openDB(t, dbURL)
	first := startBot(t, srv, dbURL)
	pushScript(srv, chats, perChat)

	// Kill it mid-flight: some replies out, most updates not yet handled.
	srv.Wait(t, 60*time.Second, "the first replies", func(s *bottest.Server) bool {
		return len(s.RequestsFor("sendMessage")) >= 150
	})
	first.kill(t)
	var done int
	db.QueryRow(`SELECT count(*) FROM inbox WHERE status = 1`).Scan(&done)
	if done >= chats*perChat {
		t.Fatalf("all %d updates were handled before the kill; the test proves nothing", done)
	}
	t.Logf("killed with %d of %d updates handled, %d fetched", done, chats*perChat, chats*perChat-srv.Pending())

	second := startBot(t, srv, dbURL)
	rows := waitHandled(t, srv, db, chats*perChat)
	checkExactlyOnceInOrder(t, rows)
	want := expectedReplies(t, perChat)
	total := 0
	for c := 0; c < chats; c++ {
		got, repeats := replies(srv, int64(100000+c))
		total += repeats
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("chat %d: replies %q, want %q", c, got, want)
		}
	}
	// Turns commit their replies as effects; the deliverer sends them after.
	// A reply that reached Telegram just before the kill, but whose delivery
	// was not yet recorded, is sent again: at most one per delivery lane
	// (DELIVERY_LANES=4, the default), whatever WORKERS and WORKER_BATCH.
	if total > 4 {
		t.Errorf("%d replies sent twice; at most one per delivery lane (4) may be", total)
	}
	t.Logf("replies repeated after the kill: %d", total)
	for _, r := range srv.Rejected() {
		t.Errorf("Telegram would reject %s: %s", r.Method, r.Description)
	}
	second.term(t)
}

func TestTwoProcessesShareTheWork(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	const chats, perChat = 60, 8
	srv := bottest.New(t)
	dbURL := pgtest.URL(t)
	db := openDB(t, dbURL)
	// The poller hands the updates it stores to its own workers at once;
	// the other process hears of them by NOTIFY and takes the chats the
	// poller's workers have not got to. With one worker each, a chat at a
	// time, the poller cannot take all 480 before the other is there: as
	// under load, when replicas are for sharing the work.
	a := startBot(t, srv, dbURL, "LOG_LEVEL=info", "WORKERS=1", "WORKER_BATCH=1") // info: where the endpoints listen
	b := startBot(t, srv, dbURL, "LOG_LEVEL=info", "WORKERS=1", "WORKER_BATCH=1")
	// Both take part only once both run: handling all 480 takes the first
	// well under a second, less than a start.
	a.waitReady(t)
	b.waitReady(t)
	pushScript(srv, chats, perChat)
	rows := waitHandled(t, srv, db, chats*perChat)
	checkExactlyOnceInOrder(t, rows)
	checkEveryReplyOnce(t, srv, chats, perChat)
	var by []struct {
		Name string `db:"handled_by"`
		N    int    `db:"n"`
	}
	db.Select(&by, `SELECT handled_by, count(*) AS n FROM inbox GROUP BY handled_by`)
	if len(by) != 2 {
		t.Errorf("updates were handled by %d processes, want both: %+v", len(by), by)
	}
	for _, p := range by {
		// Both take part; how evenly depends on which heard of the updates
		// first (the poller hands them to its own worker before NOTIFY
		// arrives).
		if p.N < chats*perChat/50 {
			t.Errorf("process %s handled only %d of %d updates", p.Name, p.N, chats*perChat)
		}
	}
	for _, r := range srv.RequestsFor("getUpdates") {
		if r.Status == 409 {
			t.Errorf("both processes polled: getUpdates answered 409 %s", r.Description)
			break
		}
	}
	for _, r := range srv.Rejected() {
		t.Errorf("Telegram would reject %s: %s", r.Method, r.Description)
	}
	a.term(t)
	b.term(t)
}

// Two replicas on one database keep Telegram's overall rate for the bot
// as a whole: one of them delivers (it holds the deliverer's lock), so
// together they never send faster than SEND_PER_SECOND (after a burst of a
// third of it), however the handling is shared.
func TestTwoReplicasKeepOneRate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	const chats, rate = 150, 15
	srv := bottest.New(t)
	dbURL := pgtest.URL(t)
	db := openDB(t, dbURL)
	limit := fmt.Sprintf("SEND_PER_SECOND=%d", rate)
	a := startBot(t, srv, dbURL, limit, "LOG_LEVEL=info")
	b := startBot(t, srv, dbURL, limit, "LOG_LEVEL=info")
	a.waitReady(t)
	b.waitReady(t)
	pushScript(srv, chats, 1)
	waitHandled(t, srv, db, chats)
	var at []time.Time
	for _, r := range srv.RequestsFor("sendMessage") {
		if r.Status == http.StatusOK {
			at = append(at, r.At)
		}
	}
	if len(at) < chats {
		t.Fatalf("%d replies to %d citizens", len(at), chats)
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	// In any second: at most the rate and the burst (rate/3).
	most, first := 0, 0
	for i := range at {
		for at[i].Sub(at[first]) >= time.Second {
			first++
		}
		most = max(most, i-first+1)
	}
	if most > rate+rate/3 {
		t.Errorf("%d messages went out within one second from two replicas; at most %d may", most, rate+rate/3)
	}
	if span := at[len(at)-1].Sub(at[0]); span < time.Duration(float64(len(at)-rate/3)/rate*float64(time.Second))-time.Second {
		t.Errorf("%d messages went out in %s: faster than %d a second", len(at), span.Round(time.Millisecond), rate)
	}
	t.Logf("%d replies over %s, at most %d in any second", len(at), at[len(at)-1].Sub(at[0]).Round(time.Millisecond), most)
	var by []struct {
		Name string `db:"handled_by"`
		N    int    `db:"n"`
	}
	db.Select(&by, `SELECT handled_by, count(*) AS n FROM inbox GROUP BY handled_by`)
	t.Logf("handled by %+v", by)
	a.term(t)
	b.term(t)
}

// A newcomer sets only the token: the bot starts its own PostgreSQL under
// DATA_DIR, answers, and stops it again on SIGTERM.
func TestRunsWithoutDatabaseURL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary and a PostgreSQL cluster")
	}
	srv := bottest.New(t)
	dataDir, err := os.MkdirTemp("", "servicebot-data-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dataDir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dataDir) })
	p := startBot(t, srv, "", "DATA_DIR="+dataDir)
	pushScript(srv, 1, 1)
	ms := srv.WaitMessages(t, 100000, 1, 60*time.Second)
	if want := expectedReplies(t, 1)[0]; ms[0].Text != want {
		t.Errorf("reply %q, want %q", ms[0].Text, want)
	}

	// Operator commands beside the running bot use its server and leave it
	// running: the bot still answers afterwards.
	for _, args := range [][]string{{"migrate"}, {"outbox"}, {"export", "responses"}} {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL=", "DATA_DIR="+dataDir, "LOG_LEVEL=info")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("servicebot %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if strings.Contains(string(out), "embedded postgres stopped") {
			t.Errorf("servicebot %s stopped the running bot's PostgreSQL:\n%s", strings.Join(args, " "), out)
		}
	}
	pushScript(srv, 1, 1)
	ms = srv.WaitMessages(t, 100000, 2, 60*time.Second)
	if want := expectedReplies(t, 1)[0]; ms[1].Text != want {
		t.Errorf("reply after the operator commands %q, want %q", ms[1].Text, want)
	}
	p.term(t)
	if _, err := os.Stat(filepath.Join(dataDir, "pg", "PG_VERSION")); err != nil {
		t.Errorf("no cluster under DATA_DIR: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "pg", "postmaster.pid")); err == nil {
		t.Error("the private PostgreSQL still runs after the bot stopped")
	}
}
