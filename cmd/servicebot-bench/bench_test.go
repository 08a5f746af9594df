package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"servicebot/store/pgtest"
)

// A short `servicebot bench` run: every figure is there, for people and for
// machines, nothing went wrong, and its scratch database is gone afterwards.
func TestBenchReportsEveryFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the benchmark for a few seconds")
	}
	dbURL := pgtest.URL(t) // the bench creates its own database on this server
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(binary, "bench", "-duration", "3s", "-citizens", "20", "-workers", "4",
		"-rate", "100", "-rate-duration", "1s", "-ceiling-duration", "1s", "-sessions", "500", "-json")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "WORKERS=")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr.String())
	}

	var raw map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
		t.Fatalf("bench -json printed something that is not JSON: %v\n%s", err, stdout.String())
	}
	for _, path := range []string{
		"machine.cpus", "machine.synchronous_commit",
		"closed.updates_per_s", "closed.handled", "closed.latency_ms.p50", "closed.latency_ms.p95", "closed.latency_ms.p99",
		"closed.bot_api_connections",
		"open.offered_per_s", "open.updates_per_s", "open.latency_ms.p99",
		"ceilings.bare_client_per_s", "ceilings.ratio_bare", "ceilings.postgres_per_s", "ceilings.ratio_postgres",
		"memory.peak_rss_mb", "memory.sessions",
		"rows_written.inbox", "rows_written.total", "questionnaires_sent",
		"errors.total", "errors.rejected", "errors.failed", "errors.timeouts",
		"targets",
	} {
		if _, ok := lookup(raw, path); !ok {
			t.Errorf("the JSON has no %s", path)
		}
	}

	var res benchResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Errors.Total != 0 {
		t.Errorf("errors: %+v; want none\nstderr:\n%s", res.Errors, stderr.String())
	}
	if res.Closed.Handled == 0 || res.Closed.Handled != res.Closed.Pushed || res.Closed.Replies != res.Closed.Pushed {
		t.Errorf("closed loop: pushed %d, handled %d, replies %d; want all handled and answered", res.Closed.Pushed, res.Closed.Handled, res.Closed.Replies)
	}
	if res.Closed.UpdatesPerSec <= 0 || res.Closed.Latency.P99 <= 0 || res.Closed.Latency.P50 > res.Closed.Latency.P99 {
		t.Errorf("closed loop figures: %+v", res.Closed)
	}
	if res.Open == nil || res.Open.Offered <= 0 || res.Open.Latency.N != res.Open.Pushed {
		t.Errorf("open loop figures: %+v", res.Open)
	}
	if c := res.Ceilings; c == nil || c.BareClientPerSec <= 0 || c.PostgresPerSec <= 0 || c.RatioBare <= 0 || c.RatioPostgres <= 0 {
		t.Errorf("ceilings: %+v", res.Ceilings)
	}
	if res.Memory.PeakRSSMB <= 0 || res.Memory.Sessions != 500 {
		t.Errorf("memory: %+v", res.Memory)
	}
	if want := int64(res.Closed.Pushed + res.Open.Pushed); res.Rows["inbox"] != want {
		t.Errorf("inbox rows written: %d, want %d (one per update)", res.Rows["inbox"], want)
	}
	if len(res.Targets) != 4 {
		t.Errorf("%d targets reported, want 4", len(res.Targets))
	}

	var table bytes.Buffer
	printBench(&table, &res)
	for _, want := range []string{"updates/s handled (durable)", "p50 / p95 / p99", "bare go-telegram/bot", "PostgreSQL, the same writes only", "peak RSS", "rows written", "errors", "targets"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table has no %q:\n%s", want, table.String())
		}
	}

	db := openDB(t, dbURL)
	var left int
	db.QueryRow(`SELECT count(*) FROM pg_database WHERE datname = $1`, fmt.Sprintf("servicebot_bench_%d", cmd.Process.Pid)).Scan(&left)
	if left != 0 {
		t.Error("the benchmark's database was not dropped")
	}
}

// lookup follows a dotted path through decoded JSON objects.
func lookup(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
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
	load, err := newBenchLoad(t, "hsc")
	if err != nil {
		t.Fatal(err)
	}
	startFaultBot(t, st, load, nil)
	r := load.Closed(context.Background(), loadCommand{Kind: "closed", Duration: 8 * time.Second, Citizens: 6, Script: scriptMixed, IDBase: citizenBase})
	checkAllReplied(t, load, r, 0)
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
		if got := by[citizenBase+int64(i)]; got != want {
			ms := load.Server().Messages(citizenBase + int64(i))
			last := ""
			if len(ms) > 0 {
				last = ms[len(ms)-1].Text + " " + ms[len(ms)-1].ReplyMarkup
			}
			t.Errorf("citizen %d sent no %s questionnaire in 8 s (%d updates in all); the bot's last message: %s", i, want, r.Pushed, last)
		}
	}
}
