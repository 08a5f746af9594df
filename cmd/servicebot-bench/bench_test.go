package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"servicebot/store/pgtest"

	"github.com/jmoiron/sqlx"
)

// A short benchmark run: every figure is there, for people and for
// machines, nothing went wrong, and its scratch database is gone afterwards.
func TestBenchReportsEveryFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the benchmark for a few seconds")
	}
	dbURL := pgtest.URL(t) // the bench creates its own database on this server
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(binary, "-duration", "3s", "-citizens", "20", "-workers", "4",
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

	db, err := sqlx.Connect("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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

var binary string

// TestMain builds the benchmark, which runs itself again as its load
// process.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "servicebot-bench-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "servicebot-bench")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot build servicebot-bench:", err)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.Cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}
