// Command servicebot-bench is servicebot's benchmark, a program of its own
// so that the bot's binary carries no test code.
package main

// servicebot-bench: how many updates a second the real pipeline handles
// durably, how fast citizens get answers, and how much memory it takes,
// measured against the fake Bot API (bot/bottest) and a real PostgreSQL, next
// to two ceilings: the bare go-telegram/bot client on the same fake with no
// database, and PostgreSQL doing only the pipeline's per-update writes.
//
// Two processes take part. This one runs the bot exactly as `run` does
// (bot.New + App.Run), so its peak RSS and CPU profile are the bot's. A child
// (this binary again, with -load-child) runs the fake Bot API, which
// reports each reply the moment it is answered, and the simulated citizens;
// the fake keeps every request it ever got, which would otherwise swamp the
// bot's memory figure.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"servicebot/bot"
	"servicebot/bot/bottest/load"
	"servicebot/bot/dispatch"
	"servicebot/cmd/internal/config"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// The targets, reported next to the figures (never enforced).
const (
	targetUpdatesPerSec = 1500 // durable, on 2 cores
	targetPGRatio       = 0.70 // of PostgreSQL's own ceiling
	targetP99           = 50   // ms, at targetOfferedRate offered
	targetOfferedRate   = 1000 // updates/s
	targetRSSMB         = 80   // with targetSessions stored
	targetSessions      = 100000
)

const benchLocalURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// benchLimits lift the sender's pacing: the fake is not Telegram.
var benchLimits = bot.Limits{PerSecond: 1e6, ChatPerSecond: 1e6, ChatBurst: 1000, GroupPerMinute: 1e6}

type benchOptions struct {
	citizens        int
	duration        time.Duration
	rate            float64
	rateDuration    time.Duration
	ceilingDuration time.Duration
	workers         int
	batch           int
	sessions        int
	pack            string
	script          string // the closed loop's: load.ScriptMixed or load.ScriptFAQ
	jsonOut         bool
	cpuProfile      string
	peer            string // "grammy": the same closed loop against the grammY peer, in the same run
	telegramLimits  bool   // pace as for Telegram (30 messages a second...), not lifted
	logLevel        slog.Level
	loadChild       bool
}

func parseBenchFlags(args []string, getenv func(string) string, stderr io.Writer) (benchOptions, error) {
	var o benchOptions
	// The defaults are the bot's own settings (WORKERS, WORKER_BATCH).
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return o, err
	}
	workers, batch := cfg.Bot.Workers, cfg.Bot.Batch
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.citizens, "citizens", 200, "simulated citizens, each waiting for the reply before its next update")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long the citizens talk (closed loop)")
	fs.Float64Var(&o.rate, "rate", targetOfferedRate, "updates a second offered in the open-loop phase (0: none)")
	fs.DurationVar(&o.rateDuration, "rate-duration", 10*time.Second, "length of the open-loop phase")
	fs.DurationVar(&o.ceilingDuration, "ceiling-duration", 5*time.Second, "length of each ceiling measurement (0: none)")
	fs.IntVar(&o.workers, "workers", workers, "WORKERS of the bot, and the concurrency of the ceilings")
	fs.IntVar(&o.batch, "batch", batch, "WORKER_BATCH of the bot: most updates a worker handles in one transaction")
	fs.IntVar(&o.sessions, "sessions", 0, "store this many users with a conversation first; citizens then take turns at them")
	fs.StringVar(&o.pack, "pack", "hsc", "content pack: hsc or mfc")
	fs.StringVar(&o.script, "script", load.ScriptMixed, "what the closed loop's citizens do: mixed (FAQ, quick rating, mystery shopper) or faq")
	fs.BoolVar(&o.jsonOut, "json", false, "print the figures as JSON")
	fs.StringVar(&o.peer, "peer", "", "grammy: run the same closed loop against grammY + runner + PostgreSQL sessions too (cmd/servicebot-bench/grammy/install.sh installs it)")
	fs.BoolVar(&o.telegramLimits, "telegram-limits", false, "keep Telegram's limits (30 messages a second, 1 a second per chat) instead of lifting them")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the process's CPU profile of the closed-loop phase to this file")
	level := fs.String("log-level", "warn", "the bot's log level (logs are JSON on stderr)")
	fs.BoolVar(&o.loadChild, "load-child", false, "internal: be the benchmark's fake Bot API and citizens")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.citizens < 1:
		return o, errors.New("bench: -citizens must be at least 1")
	case o.duration < time.Second:
		return o, errors.New("bench: -duration must be at least 1s")
	case o.rate < 0 || o.rate > 100000:
		return o, errors.New("bench: -rate must be from 0 to 100000")
	case o.workers < 1 || o.workers > 512:
		return o, errors.New("bench: -workers must be from 1 to 512")
	case o.batch < 1 || o.batch > 64:
		return o, errors.New("bench: -batch must be from 1 to 64")
	case o.sessions < 0:
		return o, errors.New("bench: -sessions must not be negative")
	case !config.KnownPacks[o.pack]:
		return o, fmt.Errorf("bench: -pack: expected hsc or mfc; got %q", o.pack)
	case o.script != load.ScriptMixed && o.script != load.ScriptFAQ:
		return o, fmt.Errorf("bench: -script: expected mixed or faq; got %q", o.script)
	case o.peer != "" && o.peer != "grammy":
		return o, fmt.Errorf("bench: -peer: expected grammy; got %q", o.peer)
	}
	if err := o.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return o, fmt.Errorf("bench: -log-level: %w", err)
	}
	return o, nil
}

func cmdBench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseBenchFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if o.loadChild {
		return serveBenchLoad(ctx, o.pack, os.Stdin, stdout)
	}
	res, err := runBench(ctx, o, getenv, stderr)
	if err != nil {
		return err
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printBench(stdout, res)
	return nil
}

// ---- the figures ----

type benchResult struct {
	Machine  benchMachine        `json:"machine"`
	Config   benchConfig         `json:"config"`
	Closed   benchPhase          `json:"closed"`
	Open     *benchPhase         `json:"open,omitempty"`
	Peer     *benchPeer          `json:"peer,omitempty"`
	Ceilings *benchCeilings      `json:"ceilings,omitempty"`
	Memory   benchMemory         `json:"memory"`
	Rows     map[string]int64    `json:"rows_written"`
	Sent     map[string]int64    `json:"questionnaires_sent"` // by kind: rating, mystery
	Errors   benchErrors         `json:"errors"`
	Targets  []benchTargetResult `json:"targets"`
}

type benchMachine struct {
	CPUs              int    `json:"cpus"`
	GoVersion         string `json:"go"`
	Postgres          string `json:"postgres"`
	SynchronousCommit string `json:"synchronous_commit"`
	Fsync             string `json:"fsync"`
	Autovacuum        string `json:"autovacuum"`
}

type benchConfig struct {
	Workers         int     `json:"workers"`
	Batch           int     `json:"batch"`
	Citizens        int     `json:"citizens"`
	DurationS       float64 `json:"duration_s"`
	Rate            float64 `json:"rate"`
	RateDurationS   float64 `json:"rate_duration_s"`
	CeilingDuration float64 `json:"ceiling_duration_s"`
	Sessions        int     `json:"sessions"`
	Pack            string  `json:"pack"`
	Script          string  `json:"script"`
	TelegramLimits  bool    `json:"telegram_limits,omitempty"`
}

type benchPhase struct {
	Offered       float64      `json:"offered_per_s,omitempty"` // pushed a second: in a closed loop, answered a second
	UpdatesPerSec float64      `json:"updates_per_s"`           // handled, from the inbox's handled_at
	Handled       int          `json:"handled"`
	Pushed        int          `json:"pushed"`
	Replies       int          `json:"replies"`
	Latency       load.Latency `json:"latency_ms"`
	CPU           *benchCPU    `json:"cpu_ms_per_update,omitempty"`
	Connections   int          `json:"bot_api_connections"` // TCP connections the bot opened to the Bot API
}

// benchCPU is where the machine's CPU went, per update handled: the bot's
// process, the PostgreSQL backends serving its database, and the load
// process (the fake Bot API and the citizens, which production does not
// have). Read from /proc, so Linux only, and PostgreSQL only when local.
type benchCPU struct {
	Bot      float64 `json:"bot"`
	Postgres float64 `json:"postgres"`
	Load     float64 `json:"load"`
	Busy     float64 `json:"machine_busy"` // share of all CPUs in use, everything on the machine
}

type benchCeilings struct {
	BareClientPerSec float64 `json:"bare_client_per_s"`
	RatioBare        float64 `json:"ratio_bare"`
	// PostgreSQL's ceiling as the issue sets it, one transaction per
	// update, and with the updates batched as the bot batches them.
	PostgresPerSec        float64 `json:"postgres_per_s"`
	RatioPostgres         float64 `json:"ratio_postgres"`
	PostgresBatchedPerSec float64 `json:"postgres_batched_per_s,omitempty"`
	RatioPostgresBatched  float64 `json:"ratio_postgres_batched,omitempty"`
}

type benchMemory struct {
	PeakRSSMB   float64 `json:"peak_rss_mb"` // VmHWM of the bot's process
	RSSMB       float64 `json:"rss_mb"`      // VmRSS at the end of the load
	HeapInuseMB float64 `json:"go_heap_inuse_mb"`
	LoadRSSMB   float64 `json:"load_process_peak_rss_mb"` // the fake and the citizens, for reference
	Sessions    int     `json:"sessions"`
}

type benchErrors struct {
	Total      int `json:"total"`
	Rejected   int `json:"rejected"`    // requests the fake refused as Telegram would
	Failed     int `json:"failed"`      // inbox rows marked failed
	Pending    int `json:"pending"`     // inbox rows never handled
	Timeouts   int `json:"timeouts"`    // updates whose reply never came
	HTTPErrors int `json:"http_errors"` // non-200 answers of the fake Bot API
}

type benchTargetResult struct {
	Name   string  `json:"name"`
	Target string  `json:"target"`
	Value  float64 `json:"value"`
	Met    *bool   `json:"met"` // nil: this run does not measure it
	Note   string  `json:"note,omitempty"`
}

// ---- the bot's side ----

func runBench(ctx context.Context, o benchOptions, getenv func(string) string, stderr io.Writer) (*benchResult, error) {
	log := config.NewLogger(stderr, o.logLevel)
	adminURL := getenv("DATABASE_URL")
	if adminURL == "" {
		adminURL = getenv("TEST_DATABASE_URL")
	}
	if adminURL == "" {
		adminURL = benchLocalURL
	}
	dbURL, dropDB, err := createBenchDB(ctx, adminURL, fmt.Sprintf("servicebot_bench_%d", os.Getpid()))
	if err != nil {
		return nil, err
	}
	defer dropDB()
	st, err := store.Open(ctx, dbURL, o.workers+8)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	res := &benchResult{
		Config: benchConfig{
			Workers: o.workers, Batch: o.batch, Citizens: o.citizens, DurationS: o.duration.Seconds(), Rate: o.rate,
			RateDurationS: o.rateDuration.Seconds(), CeilingDuration: o.ceilingDuration.Seconds(),
			Sessions: o.sessions, Pack: o.pack, Script: o.script, TelegramLimits: o.telegramLimits,
		},
		Machine: benchMachine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version()},
	}
	db := st.DB()
	for _, s := range []struct {
		q   string
		dst *string
	}{{"SHOW server_version", &res.Machine.Postgres}, {"SHOW synchronous_commit", &res.Machine.SynchronousCommit}, {"SHOW fsync", &res.Machine.Fsync}, {"SHOW autovacuum", &res.Machine.Autovacuum}} {
		if err := db.QueryRowContext(ctx, s.q).Scan(s.dst); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", s.q, err)
		}
	}
	if o.sessions > 0 {
		if err := seedSessions(ctx, db.DB, o.sessions); err != nil {
			return nil, err
		}
	}
	before, err := tableCounts(ctx, db.DB)
	if err != nil {
		return nil, err
	}

	child, err := startLoadChild(stderr, o.pack)
	if err != nil {
		return nil, err
	}
	defer child.close()
	stopLoadOnCancel := context.AfterFunc(ctx, child.interrupt)
	defer stopLoadOnCancel()

	text, err := locales.Load()
	if err != nil {
		return nil, err
	}
	limits := benchLimits
	if o.telegramLimits {
		limits = bot.TelegramLimits()
	}
	app, err := bot.New(bot.Config{
		Token: child.hello.Token, APIURL: child.hello.URL, Pack: o.pack, Workers: o.workers, Batch: o.batch,
		Limits: limits, PollTimeout: 25 * time.Second,
	}, st, text, log)
	if err != nil {
		return nil, err
	}
	runCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	botDone := make(chan error, 1)
	go func() { botDone <- app.Run(runCtx) }()
	select {
	case <-app.Ready():
	case err := <-botDone:
		return nil, fmt.Errorf("bench: the bot stopped before it was ready: %v", err)
	case <-time.After(time.Minute):
		return nil, errors.New("bench: the bot was not ready after a minute")
	}

	who := load.Command{Citizens: o.citizens, IDBase: load.CitizenBase}
	if o.sessions > 0 {
		who = load.Command{Citizens: o.citizens, IDBase: load.SessionBase, IDPool: o.sessions}
	}
	// Closed loop: the throughput.
	closedCmd := who
	closedCmd.Kind, closedCmd.Duration, closedCmd.Script = "closed", o.duration, o.script
	var stopProfile func()
	if o.cpuProfile != "" {
		if stopProfile, err = startCPUProfile(o.cpuProfile); err != nil {
			return nil, err
		}
	}
	cpu0 := sampleCPU(ctx, db.DB, "self", child.cmd.Process.Pid)
	closed, err := child.run(closedCmd)
	cpu1 := sampleCPU(ctx, db.DB, "self", child.cmd.Process.Pid)
	if stopProfile != nil {
		stopProfile()
	}
	if err != nil {
		return nil, err
	}
	if res.Closed, err = phaseFigures(ctx, db.DB, closed); err != nil {
		return nil, err
	}
	res.Closed.CPU = cpu1.since(cpu0, res.Closed.Handled)
	res.Closed.Offered = closed.Offered
	errs := benchErrors{Rejected: closed.Rejected, Timeouts: closed.Timeouts, HTTPErrors: closed.HTTPErrors}
	lastUpdate := closed.LastUpdate

	// Open loop: the latency at a given offered rate, from an empty outbox.
	if o.rate > 0 && ctx.Err() == nil {
		if err := awaitOutbox(ctx, st, time.Minute); err != nil {
			return nil, err
		}
		openCmd := load.Command{Kind: "open", Duration: o.rateDuration, Rate: o.rate, Citizens: o.citizens, IDBase: who.IDBase}
		cpu0 := sampleCPU(ctx, db.DB, "self", child.cmd.Process.Pid)
		open, err := child.run(openCmd)
		cpu1 := sampleCPU(ctx, db.DB, "self", child.cmd.Process.Pid)
		if err != nil {
			return nil, err
		}
		p, err := phaseFigures(ctx, db.DB, open)
		if err != nil {
			return nil, err
		}
		p.CPU = cpu1.since(cpu0, p.Handled)
		p.Offered = open.Offered
		res.Open = &p
		errs.Rejected += open.Rejected
		errs.Timeouts += open.Timeouts
		errs.HTTPErrors += open.HTTPErrors
		lastUpdate = open.LastUpdate
	}

	res.Memory = processMemory()
	res.Memory.Sessions = o.sessions
	stopBot()
	if err := <-botDone; err != nil {
		return nil, fmt.Errorf("bench: the bot stopped with %w", err)
	}
	after, err := tableCounts(ctx, db.DB)
	if err != nil {
		return nil, err
	}
	res.Rows = map[string]int64{}
	var total int64
	for name, n := range after {
		if d := n - before[name]; d != 0 {
			res.Rows[name] = d
			total += d
		}
	}
	res.Rows["total"] = total
	res.Sent = map[string]int64{}
	var sent []struct {
		Kind string `db:"kind"`
		N    int64  `db:"n"`
	}
	if err := db.SelectContext(ctx, &sent, `SELECT kind, count(*) AS n FROM responses WHERE status = 'submitted' GROUP BY kind`); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	for _, k := range sent {
		res.Sent[k.Kind] = k.N
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 2), count(*) FILTER (WHERE status = 0) FROM inbox`).
		Scan(&errs.Failed, &errs.Pending); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}

	if o.peer != "" && ctx.Err() == nil {
		// The bot has stopped polling: the peer polls the same fake from
		// here on, and its citizens do as the bot's did.
		if res.Peer, err = runPeer(ctx, adminURL, child, closedCmd, o.pack, lastUpdate+1, stderr); err != nil {
			return nil, err
		}
		lastUpdate = res.Peer.lastUpdate
	}

	if o.ceilingDuration > 0 && ctx.Err() == nil {
		c := &benchCeilings{}
		stopBare, err := startBareClient(ctx, child.hello.URL, child.hello.Token, o.workers, lastUpdate)
		if err != nil {
			return nil, err
		}
		bareCmd := who
		bareCmd.Kind, bareCmd.Duration, bareCmd.Script = "closed", o.ceilingDuration, load.ScriptBare
		bare, err := child.run(bareCmd)
		stopBare()
		if err != nil {
			return nil, err
		}
		c.BareClientPerSec = round1(bare.RepliesPerSec)
		answers := o.script == load.ScriptMixed
		if c.PostgresPerSec, err = postgresCeilingOnNewDB(ctx, adminURL, o.workers, 1, o.citizens, o.ceilingDuration, answers); err != nil {
			return nil, err
		}
		c.PostgresPerSec = round1(c.PostgresPerSec)
		if o.batch > 1 {
			if c.PostgresBatchedPerSec, err = postgresCeilingOnNewDB(ctx, adminURL, o.workers, o.batch, o.citizens, o.ceilingDuration, answers); err != nil {
				return nil, err
			}
			c.PostgresBatchedPerSec = round1(c.PostgresBatchedPerSec)
			c.RatioPostgresBatched = round3(res.Closed.UpdatesPerSec / c.PostgresBatchedPerSec)
		}
		if c.BareClientPerSec > 0 {
			c.RatioBare = round3(res.Closed.UpdatesPerSec / c.BareClientPerSec)
		}
		if c.PostgresPerSec > 0 {
			c.RatioPostgres = round3(res.Closed.UpdatesPerSec / c.PostgresPerSec)
		}
		res.Ceilings = c
	}
	if rss, err := child.quit(); err == nil {
		res.Memory.LoadRSSMB = round1(float64(rss) / 1024)
	}
	errs.Total = errs.Rejected + errs.Failed + errs.Pending + errs.Timeouts + errs.HTTPErrors
	res.Errors = errs
	res.Targets = evaluateTargets(res)
	return res, ctx.Err()
}

// awaitOutbox waits until every effect has been delivered, or for d.
func awaitOutbox(ctx context.Context, st *store.Store, d time.Duration) error {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		n, err := st.OutboxPending(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
	return nil
}

// phaseFigures reads from the inbox how fast the phase's updates were
// handled: over the phase's own updates, by PostgreSQL's clock, leaving out
// the first second (or fifth) while the load builds up.
func phaseFigures(ctx context.Context, db *sql.DB, r load.Result) (benchPhase, error) {
	p := benchPhase{Pushed: r.Pushed, Replies: r.Replies, Latency: r.Latency, Connections: r.Connections}
	if r.FirstUpdate == 0 {
		return p, nil
	}
	// A reply goes out just before its update's transaction commits: give
	// the last commits a moment.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var pending int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM inbox WHERE update_id BETWEEN $1 AND $2 AND status = 0`,
			r.FirstUpdate, r.LastUpdate).Scan(&pending)
		if err != nil {
			return p, fmt.Errorf("bench: %w", err)
		}
		if pending == 0 {
			break
		}
	}
	warm := min(time.Second, r.Stop.Sub(r.Start)/5)
	var first, last sql.NullTime
	err := db.QueryRowContext(ctx, `
		SELECT count(*), min(handled_at), max(handled_at) FROM inbox
		WHERE update_id BETWEEN $1 AND $2 AND handled_at IS NOT NULL`, r.FirstUpdate, r.LastUpdate).Scan(&p.Handled, &first, &last)
	if err != nil {
		return p, fmt.Errorf("bench: %w", err)
	}
	if !first.Valid {
		return p, nil
	}
	from := first.Time.Add(warm)
	var n int
	err = db.QueryRowContext(ctx, `
		SELECT count(*) FROM inbox
		WHERE update_id BETWEEN $1 AND $2 AND handled_at >= $3`, r.FirstUpdate, r.LastUpdate, from).Scan(&n)
	if err != nil {
		return p, fmt.Errorf("bench: %w", err)
	}
	if span := last.Time.Sub(from).Seconds(); span > 0 {
		p.UpdatesPerSec = round1(float64(n) / span)
	}
	return p, nil
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// createBenchDB creates the database name on the server of adminURL and
// returns its URL and a function that drops it.
func createBenchDB(ctx context.Context, adminURL, name string) (string, func(), error) {
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("bench: %s: %w", store.Redact(adminURL), err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := admin.PingContext(pingCtx); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("bench: cannot reach PostgreSQL at %s (set DATABASE_URL): %w", store.Redact(adminURL), err)
	}
	quoted := pq.QuoteIdentifier(name)
	if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("bench: %w", err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+quoted); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("bench: create database %s: %w", name, err)
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "servicebot: bench: cannot drop database %s: %v\n", name, err)
		}
		admin.Close()
	}
	u, err := withDatabase(adminURL, name)
	if err != nil {
		drop()
		return "", nil, err
	}
	return u, drop, nil
}

// withDatabase returns dsn (a URL or key=value pairs) naming database db.
func withDatabase(dsn, db string) (string, error) {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path, u.RawPath = "/"+db, ""
		q := u.Query()
		if q.Has("dbname") {
			q.Del("dbname")
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	if strings.Contains(dsn, "=") {
		return dsn + " dbname=" + db, nil
	}
	return "", fmt.Errorf("bench: %s is not a PostgreSQL URL", store.Redact(dsn))
}

// seedSessions stores n citizens, each in the middle of a conversation. The
// dialog is one no version of the bot knows, so a citizen's next message
// ends it and goes to the FAQ, as for anyone else.
func seedSessions(ctx context.Context, db *sql.DB, n int) error {
	for _, q := range []string{`
		INSERT INTO users (id, language, active, start_payload, seen_at)
		SELECT $1 + g, CASE WHEN g % 2 = 0 THEN 'uk' ELSE 'ru' END, true, 'r_kyiv1', now() - g * interval '1 second'
		FROM generate_series(0, $2 - 1) AS g
		ON CONFLICT (id) DO NOTHING`, `
		INSERT INTO conversations (chat_id, dialog, step, data, message_id)
		SELECT $1 + g, 'bench', 'q' || (g % 17),
		       jsonb_build_object('centre', 'kyiv1', 'visit', '2025-06-01', 'answers',
		                          jsonb_build_object('queue', g % 5 + 1, 'staff', (g + 2) % 5 + 1, 'note', repeat('x', 40))),
		       g % 1000 + 1
		FROM generate_series(0, $2 - 1) AS g
		ON CONFLICT (chat_id) DO NOTHING`,
	} {
		if _, err := db.ExecContext(ctx, q, load.SessionBase, n); err != nil {
			return fmt.Errorf("bench: storing %d sessions: %w", n, err)
		}
	}
	_, err := db.ExecContext(ctx, `ANALYZE users; ANALYZE conversations`)
	return err
}

// tableCounts counts the rows of every table of the schema.
func tableCounts(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("bench: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+pq.QuoteIdentifier(n)).Scan(&c); err != nil {
			return nil, fmt.Errorf("bench: count %s: %w", n, err)
		}
		out[n] = c
	}
	return out, nil
}

// cpuSample is CPU time used so far, in clock ticks (1/100 s on Linux).
type cpuSample struct {
	at        time.Time
	bot, load int64
	backends  map[int]int64 // PostgreSQL backends of the bench database
	machine   int64         // every CPU's busy ticks (/proc/stat)
	ok        bool
}

// sampleCPU samples the bot's process (botPid: "self" or a pid), the load
// process and the PostgreSQL backends of db's database.
func sampleCPU(ctx context.Context, db *sql.DB, botPid string, loadPid int) cpuSample {
	s := cpuSample{at: time.Now(), backends: map[int]int64{}}
	var ok bool
	if s.bot, ok = procTicks(botPid); !ok {
		return s
	}
	s.load, _ = procTicks(strconv.Itoa(loadPid))
	if rows, err := db.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`); err == nil {
		for rows.Next() {
			var pid int
			if rows.Scan(&pid) == nil {
				if t, ok := procTicks(strconv.Itoa(pid)); ok {
					s.backends[pid] = t
				}
			}
		}
		rows.Close()
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
		for i, v := range f[1:] {
			n, _ := strconv.ParseInt(v, 10, 64)
			if i != 3 && i != 4 { // idle, iowait
				s.machine += n
			}
		}
	}
	s.ok = true
	return s
}

// since returns the CPU used from s0 to s, per update, in milliseconds.
// Backends that connected meanwhile count whole; those gone are missed.
func (s cpuSample) since(s0 cpuSample, updates int) *benchCPU {
	if !s.ok || !s0.ok || updates == 0 {
		return nil
	}
	per := func(ticks int64) float64 { return round3(float64(ticks) * 10 / float64(updates)) }
	var pg int64
	for pid, t := range s.backends {
		pg += t - s0.backends[pid]
	}
	c := &benchCPU{Bot: per(s.bot - s0.bot), Postgres: per(pg), Load: per(s.load - s0.load)}
	if wall := s.at.Sub(s0.at).Seconds(); wall > 0 {
		c.Busy = round3(float64(s.machine-s0.machine) / 100 / wall / float64(runtime.NumCPU()))
	}
	return c
}

// procTicks returns a process's user and system CPU time in clock ticks.
func procTicks(pid string) (int64, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:])) // from field 3, state
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k, true
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("bench: -cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: -cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// processMemory reads this process's memory from /proc (Linux); elsewhere
// only the Go heap is known.
func processMemory() benchMemory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := benchMemory{HeapInuseMB: round1(float64(ms.HeapInuse) / (1 << 20))}
	st := procStatus("self")
	m.PeakRSSMB = round1(float64(st["VmHWM"]) / 1024)
	m.RSSMB = round1(float64(st["VmRSS"]) / 1024)
	return m
}

// procStatus returns the kB figures of /proc/<pid>/status.
func procStatus(pid string) map[string]int64 {
	out := map[string]int64{}
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 2 && f[1] == "kB" {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			out[k] = n
		}
	}
	return out
}

// startBareClient is ceiling (a): go-telegram/bot with its own polling and
// nothing else, answering every update with one sendMessage, handling as many
// updates at once as the bot has workers.
func startBareClient(ctx context.Context, apiURL, token string, workers int, offset int64) (func(), error) {
	b, err := tg.New(token,
		tg.WithServerURL(apiURL),
		tg.WithSkipGetMe(),
		tg.WithWorkers(workers),
		tg.WithNotAsyncHandlers(),
		tg.WithInitialOffset(offset),
		tg.WithErrorsHandler(func(error) {}),
		tg.WithDefaultHandler(func(ctx context.Context, b *tg.Bot, u *models.Update) {
			var chat int64
			switch {
			case u.Message != nil:
				chat = u.Message.Chat.ID
			case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
				chat = u.CallbackQuery.Message.Message.Chat.ID
			default:
				return
			}
			b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chat, Text: "ok"})
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("bench: bare client: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(done)
	}()
	return func() {
		cancel()
		<-done
	}, nil
}

// postgresCeilingOnNewDB measures ceiling (b) on a database of its own, so
// that nothing the pipeline left (a backlog, dead rows) weighs on it.
func postgresCeilingOnNewDB(ctx context.Context, adminURL string, workers, batch, chats int, d time.Duration, answers bool) (float64, error) {
	u, drop, err := createBenchDB(ctx, adminURL, fmt.Sprintf("servicebot_bench_%d_pg", os.Getpid()))
	if err != nil {
		return 0, err
	}
	defer drop()
	st, err := store.Open(ctx, u, workers+8)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return 0, err
	}
	return postgresCeiling(ctx, st, workers, batch, chats, d, answers)
}

// postgresCeiling is ceiling (b): the pipeline's per-update writes and
// nothing else. One goroutine stores updates in batches as the intake does;
// the bot's own dispatcher (dispatch.New: its feeder, claims,
// savepoints and finishes) hands them to turns that only record the
// citizen, read their conversation and save a questionnaire answer (with
// answers: two updates in three, as in the mixed script).
// With batch 1 that is the ceiling, one transaction per update;
// with the bot's batch it is the same statements the bot makes.
func postgresCeiling(ctx context.Context, st *store.Store, workers, batch, chats int, d time.Duration, answers bool) (float64, error) {
	const idBase, chatBase = int64(1) << 50, int64(3_000_000_000)
	payload := func(id, chat int64) []byte {
		return fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Citizen","language_code":"uk"},"chat":{"id":%d,"first_name":"Citizen","type":"private"},"date":%d,"text":"як записатися в сервісний центр"}}`,
			id, id%1000+1, chat, chat, time.Now().Unix())
	}
	// Each citizen has a questionnaire under way: two updates in three
	// write an answer to it, as two citizens in three of the mixed script
	// are filling one in.
	drafts := make([]store.Response, chats)
	for i := range drafts {
		if _, err := store.TouchUser(ctx, st.DB(), chatBase+int64(i)); err != nil {
			return 0, fmt.Errorf("bench: PostgreSQL ceiling: %w", err)
		}
		r, err := store.StartResponse(ctx, st.DB(), store.Response{Kind: "rating", Questionnaire: "rating", Version: 1,
			Pack: "hsc", UserID: chatBase + int64(i), Lang: "uk"})
		if err != nil {
			return 0, fmt.Errorf("bench: PostgreSQL ceiling: %w", err)
		}
		drafts[i] = r
	}
	// The run lasts d from the moment the dispatcher listens, after a
	// warm-up: its start (LISTEN, the first claims) is not the ceiling.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var produced, finished atomic.Int64
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) {
		if ctx.Err() == nil {
			errOnce.Do(func() { firstErr = err })
			cancel()
		}
	}
	// The bot's own dispatcher takes the updates (its feeder, claims,
	// savepoints and finishes); each turn does only the writes a citizen's
	// turn does, with no Telegram and no routing.
	disp := dispatch.New(dispatch.Config{Store: st, Log: slog.New(slog.DiscardHandler), Workers: workers, Batch: batch, TurnTimeout: time.Minute, Handle: func(ctx context.Context, c *store.Claimed, tx *sqlx.Tx) (dispatch.Outcome, error) {
		if _, err := store.TouchUser(ctx, tx, c.ChatKey); err != nil {
			return dispatch.Outcome{}, err
		}
		if _, err := store.GetConversation(ctx, tx, c.ChatKey); err != nil && !errors.Is(err, store.ErrNotFound) {
			return dispatch.Outcome{}, err
		}
		if answers && c.UpdateID%3 != 0 {
			r := drafts[c.ChatKey-chatBase]
			five := 5
			r.Answers = dialogs.Answers{fmt.Sprintf("q%d", c.UpdateID%25): {Number: &five}}
			if err := store.SaveDraft(ctx, tx, r); err != nil {
				return dispatch.Outcome{}, err
			}
		}
		finished.Add(1)
		return dispatch.Outcome{Status: store.InboxDone}, nil
	}})
	backlog := int64(4 * workers * batch)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		disp.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			n := backlog - (produced.Load() - finished.Load())
			if n <= 0 {
				time.Sleep(100 * time.Microsecond)
				continue
			}
			batch := make([]store.InboxUpdate, min(n, 100))
			for i := range batch {
				id := idBase + produced.Load() + int64(i)
				chat := chatBase + id%int64(chats)
				batch[i] = store.InboxUpdate{UpdateID: id, ChatKey: chat, Kind: "message", Payload: payload(id, chat)}
			}
			if _, err := st.AddUpdates(ctx, batch); err != nil {
				fail(err)
				return
			}
			produced.Add(int64(len(batch)))
			disp.Signal()
		}
	}()
	select {
	case <-disp.Listening():
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
	}
	warm := min(time.Second, d/5)
	time.Sleep(warm)
	start, from := time.Now(), finished.Load()
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
	end, to := time.Now(), finished.Load()
	cancel()
	wg.Wait()
	if firstErr != nil {
		return 0, fmt.Errorf("bench: PostgreSQL ceiling: %w", firstErr)
	}
	return float64(to-from) / end.Sub(start).Seconds(), nil
}

func evaluateTargets(r *benchResult) []benchTargetResult {
	yes := func(b bool) *bool { return &b }
	var out []benchTargetResult
	out = append(out, benchTargetResult{
		Name: "durable updates/s", Target: fmt.Sprintf(">= %d on 2 cores", targetUpdatesPerSec),
		Value: r.Closed.UpdatesPerSec, Met: yes(r.Closed.UpdatesPerSec >= targetUpdatesPerSec),
		Note: fmt.Sprintf("%d CPUs here, synchronous_commit=%s", r.Machine.CPUs, r.Machine.SynchronousCommit),
	})
	pg := benchTargetResult{Name: "share of PostgreSQL's ceiling", Target: fmt.Sprintf(">= %.0f%%", targetPGRatio*100)}
	if r.Ceilings != nil && r.Ceilings.PostgresPerSec > 0 {
		pg.Value, pg.Met = r.Ceilings.RatioPostgres, yes(r.Ceilings.RatioPostgres >= targetPGRatio)
	} else {
		pg.Note = "not measured (-ceiling-duration 0)"
	}
	out = append(out, pg)
	lat := benchTargetResult{Name: "p99 latency", Target: fmt.Sprintf("<= %d ms at %d updates/s offered", targetP99, targetOfferedRate)}
	if r.Open != nil {
		lat.Value = r.Open.Latency.P99
		if r.Config.Rate == targetOfferedRate {
			lat.Met = yes(r.Open.Latency.P99 <= targetP99)
		} else {
			lat.Note = fmt.Sprintf("offered %.0f/s, not %d/s", r.Config.Rate, targetOfferedRate)
		}
	} else {
		lat.Note = "not measured (-rate 0)"
	}
	out = append(out, lat)
	mem := benchTargetResult{Name: "peak RSS", Target: fmt.Sprintf("<= %d MB with %d sessions", targetRSSMB, targetSessions), Value: r.Memory.PeakRSSMB}
	if r.Memory.Sessions >= targetSessions {
		mem.Met = yes(r.Memory.PeakRSSMB <= targetRSSMB)
	} else {
		mem.Note = fmt.Sprintf("%d sessions stored; run with -sessions %d", r.Memory.Sessions, targetSessions)
	}
	out = append(out, mem)
	return out
}

func printBench(w io.Writer, r *benchResult) {
	fmt.Fprintf(w, "servicebot-bench: %d CPUs, %s, PostgreSQL %s (synchronous_commit=%s, fsync=%s)\n",
		r.Machine.CPUs, r.Machine.GoVersion, r.Machine.Postgres, r.Machine.SynchronousCommit, r.Machine.Fsync)
	fmt.Fprintf(w, "WORKERS=%d, WORKER_BATCH=%d, %d citizens (%s), pack %s, %d sessions stored\n", r.Config.Workers, r.Config.Batch, r.Config.Citizens, r.Config.Script, r.Config.Pack, r.Config.Sessions)
	if r.Config.TelegramLimits {
		fmt.Fprintln(w, "Telegram's limits kept: 30 messages a second, 1 a second per chat")
	}
	if r.Machine.Autovacuum != "on" {
		fmt.Fprintf(w, "warning: this PostgreSQL runs with autovacuum=%s: the inbox is never analyzed, and with a backlog\n"+
			"  the planner may scan all of it for every update claimed\n", r.Machine.Autovacuum)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	lat := func(l load.Latency) string {
		return fmt.Sprintf("%.1f / %.1f / %.1f ms (max %.1f, n=%d)", l.P50, l.P95, l.P99, l.Max, l.N)
	}
	fmt.Fprintf(tw, "closed loop, %.0fs\t\n", r.Config.DurationS)
	fmt.Fprintf(tw, "  updates/s handled (durable)\t%.1f\n", r.Closed.UpdatesPerSec)
	fmt.Fprintf(tw, "  updates pushed / handled / replies\t%d / %d / %d\n", r.Closed.Pushed, r.Closed.Handled, r.Closed.Replies)
	fmt.Fprintf(tw, "  TCP connections opened to the Bot API\t%d\n", r.Closed.Connections)
	fmt.Fprintf(tw, "  latency p50 / p95 / p99\t%s\n", lat(r.Closed.Latency))
	cpu := func(c *benchCPU) {
		if c != nil {
			fmt.Fprintf(tw, "  CPU ms per update: bot / PostgreSQL / fake+citizens\t%.2f / %.2f / %.2f (machine %.0f%% busy)\n", c.Bot, c.Postgres, c.Load, c.Busy*100)
		}
	}
	cpu(r.Closed.CPU)
	if p := r.Peer; p != nil {
		fmt.Fprintf(tw, "side by side, the same closed loop\tservicebot | %s\n", p.Name)
		fmt.Fprintf(tw, "  updates/s answered (as the citizens saw them)\t%.1f | %.1f (servicebot %.2fx)\n", r.Closed.Offered, p.UpdatesPerSec, r.Closed.Offered/p.UpdatesPerSec)
		fmt.Fprintf(tw, "  latency p50 / p99\t%.1f / %.1f ms | %.1f / %.1f ms\n", r.Closed.Latency.P50, r.Closed.Latency.P99, p.Latency.P50, p.Latency.P99)
		if c, pc := r.Closed.CPU, p.CPU; c != nil && pc != nil {
			fmt.Fprintf(tw, "  CPU ms per update: bot / PostgreSQL / both\t%.2f / %.2f / %.2f | %.2f / %.2f / %.2f\n", c.Bot, c.Postgres, c.Bot+c.Postgres, pc.Bot, pc.Postgres, pc.Bot+pc.Postgres)
			fmt.Fprintf(tw, "  fake+citizens CPU ms per update, machine busy\t%.2f, %.0f%% | %.2f, %.0f%%\n", c.Load, c.Busy*100, pc.Load, pc.Busy*100)
		}
		fmt.Fprintf(tw, "  updates pushed / replies / errors\t%d / %d / %d | %d / %d / %d\n", r.Closed.Pushed, r.Closed.Replies, r.Errors.Timeouts+r.Errors.HTTPErrors+r.Errors.Rejected, p.Pushed, p.Replies, p.Errors)
	}
	if o := r.Open; o != nil {
		fmt.Fprintf(tw, "open loop, %.0f updates/s offered, %.0fs\t\n", r.Config.Rate, r.Config.RateDurationS)
		fmt.Fprintf(tw, "  offered / handled per s\t%.1f / %.1f\n", o.Offered, o.UpdatesPerSec)
		fmt.Fprintf(tw, "  latency p50 / p95 / p99\t%s\n", lat(o.Latency))
		cpu(o.CPU)
	}
	if c := r.Ceilings; c != nil {
		fmt.Fprintf(tw, "ceilings, %.0fs each\t\n", r.Config.CeilingDuration)
		fmt.Fprintf(tw, "  (a) bare go-telegram/bot, no database\t%.1f updates/s; ours is %.1f%% of it\n", c.BareClientPerSec, c.RatioBare*100)
		fmt.Fprintf(tw, "  (b) PostgreSQL, the same writes only, one update per transaction\t%.1f updates/s; ours is %.1f%% of it\n", c.PostgresPerSec, c.RatioPostgres*100)
		if c.PostgresBatchedPerSec > 0 {
			fmt.Fprintf(tw, "      the same, up to %d updates per transaction as the bot\t%.1f updates/s; ours is %.1f%% of it\n", r.Config.Batch, c.PostgresBatchedPerSec, c.RatioPostgresBatched*100)
		}
	}
	fmt.Fprintf(tw, "memory\t\n")
	fmt.Fprintf(tw, "  peak RSS of the bot (VmHWM)\t%.1f MB (RSS at the end %.1f MB, Go heap in use %.1f MB)\n", r.Memory.PeakRSSMB, r.Memory.RSSMB, r.Memory.HeapInuseMB)
	fmt.Fprintf(tw, "  fake Bot API and citizens (other process)\t%.1f MB\n", r.Memory.LoadRSSMB)
	var names []string
	for n := range r.Rows {
		if n != "total" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %+d", n, r.Rows[n]))
	}
	fmt.Fprintf(tw, "rows written (net, by table)\t%+d (%s)\n", r.Rows["total"], strings.Join(parts, ", "))
	fmt.Fprintf(tw, "questionnaires sent\trating %d, mystery shopper %d\n", r.Sent["rating"], r.Sent["mystery"])
	e := r.Errors
	fmt.Fprintf(tw, "errors\t%d (rejected %d, failed %d, pending %d, timeouts %d, http %d)\n", e.Total, e.Rejected, e.Failed, e.Pending, e.Timeouts, e.HTTPErrors)
	tw.Flush()
	fmt.Fprintln(w, "\ntargets (issue §1)")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, t := range r.Targets {
		verdict := "-"
		if t.Met != nil && *t.Met {
			verdict = "met"
		} else if t.Met != nil {
			verdict = "MISSED"
		}
		note := ""
		if t.Note != "" {
			note = " (" + t.Note + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%g\t%s%s\n", t.Name, t.Target, t.Value, verdict, note)
	}
	tw.Flush()
}

// ---- the load: the fake Bot API and the citizens ----

type loadHello struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// loadChild is the load process seen from the bot's.
type loadChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	enc   *json.Encoder
	dec   *json.Decoder
	hello loadHello
	once  sync.Once
}

func startLoadChild(stderr io.Writer, pack string) (*loadChild, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	cmd := exec.Command(exe, "-load-child", "-pack", pack)
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: starting the load process: %w", err)
	}
	c := &loadChild{cmd: cmd, stdin: stdin, enc: json.NewEncoder(stdin), dec: json.NewDecoder(stdout)}
	if err := c.dec.Decode(&c.hello); err != nil {
		c.close()
		return nil, fmt.Errorf("bench: the load process did not start: %w", err)
	}
	return c, nil
}

func (c *loadChild) run(cmd load.Command) (load.Result, error) {
	var r load.Result
	if err := c.enc.Encode(cmd); err != nil {
		return r, fmt.Errorf("bench: the load process is gone: %w", err)
	}
	if err := c.dec.Decode(&r); err != nil {
		return r, fmt.Errorf("bench: the load process is gone: %w", err)
	}
	return r, nil
}

// interrupt makes the load process cut its phase short and exit.
func (c *loadChild) interrupt() { c.stdin.Close() }

// quit ends the load process and returns its peak RSS.
func (c *loadChild) quit() (int64, error) {
	r, err := c.run(load.Command{Kind: "quit"})
	c.close()
	return r.PeakRSSKB, err
}

func (c *loadChild) close() {
	c.once.Do(func() {
		c.stdin.Close()
		done := make(chan struct{})
		go func() {
			c.cmd.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-done
		}
	})
}

// serveBenchLoad is the load process: it answers loadCommands read from in
// with loadResults written to out. It ends when in is closed.
func serveBenchLoad(ctx context.Context, pack string, in io.Reader, out io.Writer) error {
	l, err := load.New(pack)
	if err != nil {
		return err
	}
	defer l.Close()
	enc := json.NewEncoder(out)
	if err := enc.Encode(loadHello{URL: l.URL(), Token: l.Server().Token()}); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmds := make(chan load.Command)
	go func() {
		defer cancel() // the bot's process closed our input: stop
		dec := json.NewDecoder(in)
		for {
			var c load.Command
			if err := dec.Decode(&c); err != nil {
				return
			}
			select {
			case cmds <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case c := <-cmds:
			var r load.Result
			switch c.Kind {
			case "quit":
				r.PeakRSSKB = procStatus("self")["VmHWM"]
				return enc.Encode(r)
			case "closed":
				r = l.Closed(ctx, c)
			case "open":
				r = l.Open(ctx, c)
			default:
				return fmt.Errorf("bench: unknown load command %q", c.Kind)
			}
			r.PeakRSSKB = procStatus("self")["VmHWM"]
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
}
