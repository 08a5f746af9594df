package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"servicebot/bot/bottest"
	"servicebot/store/pgtest"
)

// endpoint reads from the process's logs where its HTTP endpoints listen.
func (p *botProcess) endpoint(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, line := range strings.Split(p.logs.String(), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "HTTP endpoints listening" && rec.Addr != "" {
				return "http://" + rec.Addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the process did not log where its HTTP endpoints listen")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitReady waits until the process answers /readyz with 200: it takes
// updates and hears of those other processes store.
func (p *botProcess) waitReady(t *testing.T) {
	t.Helper()
	url := p.endpoint(t) + "/readyz"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the process was not ready within 30s")
		}
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// An operator's SIGTERM (a rollout, a scale-down) while updates are being
// handled: the process finishes what it took, exits 0 within seconds, and
// the next process handles the rest, each update exactly once, with no
// reply sent twice.
func TestSIGTERMFinishesUpdatesInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	const chats, perChat = 100, 10
	srv := bottest.New(t)
	dbURL := pgtest.URL(t)
	db := openDB(t, dbURL)
	// Sending at 40 a second keeps the workers busy, so updates are in
	// hand when the signal comes.
	first := startBot(t, srv, dbURL, "SEND_PER_SECOND=40", "LOG_LEVEL=info")
	pushScript(srv, chats, perChat)
	srv.Wait(t, 60*time.Second, "the first replies", func(s *bottest.Server) bool {
		return len(s.RequestsFor("sendMessage")) >= 100
	})

	// The operator's endpoints of the real binary.
	base := first.endpoint(t)
	if code, body := httpGet(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := httpGet(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz: %d %q", code, body)
	}
	if _, body := httpGet(t, base+"/metrics"); !strings.Contains(body, `servicebot_updates_handled_total{kind="message",outcome="done"}`) {
		t.Errorf("/metrics does not count handled updates:\n%.2000s", body)
	}

	// Work in hand: updates whose chat a transaction holds locked, or
	// replies decided and not yet delivered (the deliverer paces them at
	// 40 a second while the workers race ahead).
	inHand := 0
	deadline := time.Now().Add(5 * time.Second)
	for inHand == 0 && time.Now().Before(deadline) {
		db.QueryRow(`SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 7301 AND objsubid = 2
		             AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
		           + (SELECT count(*) FROM outbox WHERE status = 0)`).Scan(&inHand)
	}
	if inHand == 0 {
		t.Fatal("no work was in hand; the test proves nothing")
	}
	var doneBefore int
	db.QueryRow(`SELECT count(*) FROM inbox WHERE status = 1`).Scan(&doneBefore)

	signalled := time.Now()
	first.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-first.done:
	case <-time.After(15 * time.Second):
		t.Fatal("servicebot did not stop within 15s of SIGTERM")
	}
	took := time.Since(signalled)
	if code := first.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("servicebot exited %d after SIGTERM", code)
	}
	if took > 5*time.Second {
		t.Errorf("servicebot took %s to stop; want a few seconds", took.Round(time.Millisecond))
	}
	var doneAfter int
	db.QueryRow(`SELECT count(*) FROM inbox WHERE status = 1`).Scan(&doneAfter)
	t.Logf("SIGTERM with %d updates or replies in hand; stopped in %s; %d handled before, %d after",
		inHand, took.Round(time.Millisecond), doneBefore, doneAfter)
	var tried int
	db.QueryRow(`SELECT count(*) FROM inbox WHERE status = 0 AND attempts > 0`).Scan(&tried)
	if tried > 0 {
		t.Errorf("%d updates were cut short and left to retry", tried)
	}
	// What the next process must finish: updates not taken, and replies
	// decided but not delivered (turns no longer wait on Telegram, so the
	// workers may well have handled every update by now).
	var leftUpdates, leftReplies int
	db.QueryRow(`SELECT count(*) FROM inbox WHERE status = 0`).Scan(&leftUpdates)
	db.QueryRow(`SELECT count(*) FROM outbox WHERE status = 0`).Scan(&leftReplies)
	t.Logf("left for the next process: %d updates, %d replies", leftUpdates, leftReplies)
	if leftUpdates+leftReplies == 0 {
		t.Fatal("nothing was left for the next process; the test proves nothing")
	}

	second := startBot(t, srv, dbURL)
	rows := waitHandled(t, srv, db, chats*perChat)
	checkExactlyOnceInOrder(t, rows)
	// Unlike SIGKILL, a graceful stop sends nothing twice.
	checkEveryReplyOnce(t, srv, chats, perChat)
	for _, r := range srv.Rejected() {
		t.Errorf("Telegram would reject %s: %s", r.Method, r.Description)
	}
	if strings.Contains(first.logs.String(), strings.SplitN(srv.Token(), ":", 2)[1]) {
		t.Error("the bot token appears in the logs")
	}
	second.term(t)
}

// SIGTERM while the bot is still starting (Telegram unreachable, getMe
// retried) is an ordinary stop: exit 0 and a "stopped" line, not
// "context canceled" and exit 1.
func TestSIGTERMWhileStarting(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	srv := bottest.New(t)
	srv.Fail("getMe", 1000, http.StatusBadGateway, 0)
	p := startBot(t, srv, pgtest.URL(t), "LOG_LEVEL=info")
	srv.Wait(t, 30*time.Second, "getMe tried", func(s *bottest.Server) bool {
		return len(s.RequestsFor("getMe")) >= 2
	})
	if code, body := httpGet(t, p.endpoint(t)+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "starting") {
		t.Fatalf("/readyz: %d %q; want 503 starting", code, body)
	}
	p.term(t)
	logs := p.logs.String()
	if !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("no \"stopped\" line:\n%s", logs)
	}
	if strings.Contains(logs, "context canceled") {
		t.Errorf("the stop reads as an error:\n%s", logs)
	}
}
