package main

// The peer (-peer grammy): the same closed loop, in the same run, against a
// grammY bot (cmd/servicebot-bench/grammy: grammY + @grammyjs/runner with
// per-chat sequentialize and sessions in PostgreSQL) polling the same fake
// Bot API, with the same citizens, on a database of its own on the same
// server. Node and its packages are the benchmark's business only:
// cmd/servicebot-bench/grammy/install.sh installs them, and nothing else in
// the repository needs them.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"servicebot/bot/bottest/load"
	"servicebot/dialogs"
)

// benchPeer is the peer's closed loop, next to the bot's.
type benchPeer struct {
	Name          string       `json:"name"`
	UpdatesPerSec float64      `json:"updates_per_s"` // answered, as the citizens saw them
	Pushed        int          `json:"pushed"`
	Replies       int          `json:"replies"`
	Latency       load.Latency `json:"latency_ms"`
	CPU           *benchCPU    `json:"cpu_ms_per_update,omitempty"`
	Errors        int          `json:"errors"` // timeouts, HTTP errors and requests the fake refused
	lastUpdate    int64
}

// peerDir finds cmd/servicebot-bench/grammy above the working directory.
func peerDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "cmd", "servicebot-bench", "grammy")
		if _, err := os.Stat(filepath.Join(p, "bot.js")); err == nil {
			if _, err := os.Stat(filepath.Join(p, "node_modules", "grammy")); err != nil {
				return "", fmt.Errorf("bench: -peer grammy: its packages are not installed; run %s", filepath.Join(p, "install.sh"))
			}
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("bench: -peer grammy: run from the repository (cmd/servicebot-bench/grammy not found)")
		}
	}
}

// runPeer runs the closed loop cmd against the grammY bot, which polls the
// fake from offset on.
func runPeer(ctx context.Context, adminURL string, child *loadChild, cmd load.Command, pack string, offset int64, stderr io.Writer) (*benchPeer, error) {
	dir, err := peerDir()
	if err != nil {
		return nil, err
	}
	dbURL, drop, err := createBenchDB(ctx, adminURL, fmt.Sprintf("servicebot_bench_%d_peer", os.Getpid()))
	if err != nil {
		return nil, err
	}
	defer drop()
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return nil, fmt.Errorf("bench: peer: %w", err)
	}
	defer db.Close()
	scriptFile, err := writePeerScript(pack)
	if err != nil {
		return nil, err
	}
	defer os.Remove(scriptFile)

	node := exec.Command("node", "bot.js")
	node.Dir = dir
	node.Env = append(os.Environ(), "BOT_TOKEN="+child.hello.Token, "BOT_API="+strings.TrimRight(child.hello.URL, "/"),
		"DATABASE_URL="+dbURL, "PEER_SCRIPT="+scriptFile, "INITIAL_OFFSET="+strconv.FormatInt(offset, 10))
	node.Stderr = stderr
	out, err := node.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench: peer: %w", err)
	}
	if err := node.Start(); err != nil {
		return nil, fmt.Errorf("bench: peer: starting node: %w", err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		node.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { node.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			node.Process.Kill()
			<-done
		}
	}
	defer stop()
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "ready" {
				ready <- nil
				io.Copy(io.Discard, out)
				return
			}
		}
		ready <- errors.New("bench: peer: the grammY bot exited before it was ready")
	}()
	select {
	case err := <-ready:
		if err != nil {
			return nil, err
		}
	case <-time.After(time.Minute):
		return nil, errors.New("bench: peer: the grammY bot was not ready after a minute")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	pid := strconv.Itoa(node.Process.Pid)
	cpu0 := sampleCPU(ctx, db, pid, child.cmd.Process.Pid)
	r, err := child.run(cmd)
	cpu1 := sampleCPU(ctx, db, pid, child.cmd.Process.Pid)
	if err != nil {
		return nil, err
	}
	stop()
	return &benchPeer{
		Name: "grammY + @grammyjs/runner, sequentialize, PostgreSQL sessions", UpdatesPerSec: r.Offered,
		Pushed: r.Pushed, Replies: r.Replies, Latency: r.Latency, CPU: cpu1.since(cpu0, r.Pushed),
		Errors: r.Timeouts + r.HTTPErrors + r.Rejected, lastUpdate: r.LastUpdate,
	}, nil
}

// peerScript is what the grammY bot says, from the pack: the FAQ and the
// questionnaires (each section's condition moved onto its questions).
type peerScript struct {
	FAQ struct {
		Categories []peerCategory       `json:"categories"`
		Entries    map[string]peerEntry `json:"entries"`
	} `json:"faq"`
	Questionnaires map[string]peerQuestionnaire `json:"questionnaires"`
	Cities         []string                     `json:"cities"`
	Centres        []string                     `json:"centres"`
}

type peerCategory struct {
	ID      string       `json:"id"`
	Title   dialogs.Text `json:"title"`
	Entries []string     `json:"entries"`
}

type peerEntry struct {
	Q dialogs.Text `json:"q"`
	A dialogs.Text `json:"a"`
}

type peerQuestionnaire struct {
	Title     dialogs.Text   `json:"title"`
	Intro     dialogs.Text   `json:"intro"`
	Questions []peerQuestion `json:"questions"`
}

type peerQuestion struct {
	ID       string         `json:"id"`
	Type     string         `json:"type"`
	Text     dialogs.Text   `json:"text"`
	Options  []string       `json:"options,omitempty"`
	Optional bool           `json:"optional,omitempty"`
	When     *peerCondition `json:"when,omitempty"`
}

type peerCondition struct {
	Question string          `json:"question,omitempty"`
	AnyOf    []string        `json:"any_of,omitempty"`
	AtMost   *int            `json:"at_most,omitempty"`
	Any      []peerCondition `json:"any,omitempty"`
	All      []peerCondition `json:"all,omitempty"` // a section's and its question's
}

func peerCond(c *dialogs.Condition) *peerCondition {
	if c == nil {
		return nil
	}
	p := &peerCondition{Question: c.Question, AnyOf: c.AnyOf, AtMost: c.AtMost}
	for _, a := range c.Any {
		p.Any = append(p.Any, *peerCond(&a))
	}
	return p
}

func writePeerScript(pack string) (string, error) {
	p, err := dialogs.LoadShippedPack(pack)
	if err != nil {
		return "", fmt.Errorf("bench: peer: %w", err)
	}
	var s peerScript
	s.FAQ.Entries = map[string]peerEntry{}
	for _, c := range p.Categories {
		pc := peerCategory{ID: c.ID, Title: c.Title}
		for _, e := range p.Entries {
			if e.Category == c.ID && !e.Hidden {
				pc.Entries = append(pc.Entries, e.ID)
				s.FAQ.Entries[e.ID] = peerEntry{Q: e.Question, A: e.Answer}
			}
		}
		s.FAQ.Categories = append(s.FAQ.Categories, pc)
	}
	s.Questionnaires = map[string]peerQuestionnaire{}
	for _, q := range p.Questionnaires {
		pq := peerQuestionnaire{Title: q.Title, Intro: q.Intro}
		for _, sec := range q.Sections {
			for _, qq := range sec.Questions {
				x := peerQuestion{ID: qq.ID, Type: qq.Type, Text: qq.Text, Optional: qq.Optional}
				for _, o := range qq.Options {
					x.Options = append(x.Options, o.ID)
				}
				switch a, b := peerCond(sec.When), peerCond(qq.When); {
				case a != nil && b != nil:
					x.When = &peerCondition{All: []peerCondition{*a, *b}}
				case a != nil:
					x.When = a
				default:
					x.When = b
				}
				pq.Questions = append(pq.Questions, x)
			}
		}
		s.Questionnaires[q.Kind] = pq
	}
	seen := map[string]bool{}
	for _, c := range p.Centres {
		if !seen[c.Region] {
			seen[c.Region] = true
			s.Cities = append(s.Cities, c.Region)
		}
		s.Centres = append(s.Centres, c.ID)
	}
	f, err := os.CreateTemp("", "servicebot-peer-*.json")
	if err != nil {
		return "", fmt.Errorf("bench: peer: %w", err)
	}
	if err := json.NewEncoder(f).Encode(s); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("bench: peer: %w", err)
	}
	return f.Name(), f.Close()
}
