package store_test

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"servicebot/store"
)

func skipWithoutPostgres(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster; skipped under -short")
	}
	if _, err := store.FindPostgres(); err != nil {
		t.Skip(err)
	}
}

func startEmbedded(t *testing.T, dir string) *store.Embedded {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := store.StartEmbedded(ctx, dir, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Stop(context.Background()) })
	return e
}

func openEmbedded(t *testing.T, e *store.Embedded) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), e.URL(), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func stop(t *testing.T, e *store.Embedded) {
	t.Helper()
	if err := e.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestEmbedded(t *testing.T) {
	skipWithoutPostgres(t)
	ctx := context.Background()
	// t.TempDir is 0700 under root: StartEmbedded must make it reachable for
	// the server's unprivileged user.
	dir := t.TempDir()

	e := startEmbedded(t, dir)
	host := hostOf(t, e.URL())
	if !strings.HasPrefix(host, dir) {
		t.Errorf("socket dir %s is not under the data dir %s", host, dir)
	}
	s := openEmbedded(t, e)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.DB().GetContext(ctx, &n, "SELECT count(*) FROM inbox"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	stop(t, e)
	if err := e.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}

	// The socket alone lets nobody in: the role needs its password, which
	// only the bot can read.
	checkNeedsPassword(t, dir, e)

	// A cluster that an older servicebot made with trust authentication
	// asks for the password after the next start.
	hba := filepath.Join(dir, "pg", "pg_hba.conf")
	raw, err := os.ReadFile(hba)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hba, []byte(strings.ReplaceAll(string(raw), "scram-sha-256", "trust")), 0o600); err != nil {
		t.Fatal(err)
	}

	// Restart on the same directory: the data is still there.
	e = startEmbedded(t, dir)
	checkNeedsPassword(t, dir, e)
	s = openEmbedded(t, e)
	if err := s.DB().GetContext(ctx, &n, "SELECT v FROM kept"); err != nil || n != 42 {
		t.Fatalf("after restart: v=%d, %v", n, err)
	}
	if pending, err := s.MigrationsPending(ctx); err != nil || pending {
		t.Fatalf("after restart: pending=%v, %v", pending, err)
	}

	// A second start while the server runs (as after a crash of servicebot
	// alone) reuses the running server.
	e2 := startEmbedded(t, dir)
	if e2.URL() != e.URL() {
		t.Errorf("reused server URL %s, want %s", e2.URL(), e.URL())
	}
	s2 := openEmbedded(t, e2)
	if err := s2.DB().GetContext(ctx, &n, "SELECT v FROM kept"); err != nil || n != 42 {
		t.Fatalf("reused server: v=%d, %v", n, err)
	}

	// A process that found the server running (`servicebot migrate` beside
	// a running bot) leaves it running when it ends: the bot keeps its
	// database.
	s2.Close()
	stop(t, e2)
	if err := s.DB().GetContext(ctx, &n, "SELECT v FROM kept"); err != nil || n != 42 {
		t.Fatalf("after the reusing process stopped, the first one lost its database: v=%d, %v", n, err)
	}
	// Nor does the one that started it stop it under another that still
	// uses it.
	e3 := startEmbedded(t, dir)
	s3 := openEmbedded(t, e3)
	s.Close()
	stop(t, e)
	if err := s3.DB().GetContext(ctx, &n, "SELECT v FROM kept"); err != nil || n != 42 {
		t.Fatalf("after the starting process stopped, the reusing one lost its database: v=%d, %v", n, err)
	}
	// The last one to go stops it, though it did not start it.
	s3.Close()
	stop(t, e3)
	if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("the server still runs after its last user stopped: %v", err)
	}
}

func TestEmbeddedLongPathAndCrash(t *testing.T) {
	skipWithoutPostgres(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))

	e := startEmbedded(t, dir)
	host := hostOf(t, e.URL())
	if strings.HasPrefix(host, dir) || len(host)+len("/.s.PGSQL.5432") > 107 {
		t.Errorf("socket dir %s: want a short one outside %s", host, dir)
	}
	s := openEmbedded(t, e)
	if _, err := s.DB().ExecContext(ctx, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Kill the postmaster outright: the next start must cope with the stale
	// postmaster.pid and recover.
	b, err := os.ReadFile(filepath.Join(dir, "pg", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	// The process that used it goes too (a machine's crash): it no longer
	// counts as a user of the server the next one starts.
	stop(t, e)

	e = startEmbedded(t, dir)
	s = openEmbedded(t, e)
	var n int
	if err := s.DB().GetContext(ctx, &n, "SELECT v FROM kept"); err != nil || n != 7 {
		t.Fatalf("after crash: v=%d, %v", n, err)
	}
	s.Close()

	// A postmaster.pid naming a live process that is not this cluster's
	// server (its pid reused after a reboot) must not block the start.
	pidFile := filepath.Join(dir, "pg", "postmaster.pid")
	if b, err = os.ReadFile(pidFile); err != nil {
		t.Fatal(err)
	}
	stop(t, e)
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleeper.Process.Kill(); sleeper.Wait() }()
	_, rest, _ := strings.Cut(string(b), "\n")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(sleeper.Process.Pid)+"\n"+rest), 0o600); err != nil {
		t.Fatal(err)
	}
	e = startEmbedded(t, dir)
	s = openEmbedded(t, e)
	if err := s.DB().GetContext(ctx, &n, "SELECT v FROM kept"); err != nil || n != 7 {
		t.Fatalf("after foreign pid: v=%d, %v", n, err)
	}
	s.Close()
	stop(t, e)
	if _, err := os.Stat(host); !os.IsNotExist(err) {
		t.Errorf("temporary socket dir %s left after Stop: %v", host, err)
	}
}

func TestFindPostgresError(t *testing.T) {
	if _, err := store.FindPostgres(); err == nil {
		t.Skip("PostgreSQL is installed")
	} else if !strings.Contains(err.Error(), "apt-get install postgresql") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("unhelpful error: %v", err)
	}
}

func hostOf(t *testing.T, u string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return pu.Query().Get("host")
}

// checkNeedsPassword: the password file is the bot's alone, pg_hba.conf
// trusts nobody, and a connection without the password is refused.
func checkNeedsPassword(t *testing.T, dir string, e *store.Embedded) {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, "pg-password"))
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Sys().(*syscall.Stat_t).Uid != uint32(os.Geteuid()) {
		t.Errorf("the password file: %v, %v", fi, err)
	}
	hba, _ := os.ReadFile(filepath.Join(dir, "pg", "pg_hba.conf"))
	for _, line := range strings.Split(string(hba), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") && f[len(f)-1] == "trust" {
			t.Errorf("pg_hba.conf still trusts: %q", line)
		}
	}
	u, _ := url.Parse(e.URL())
	if _, ok := u.User.Password(); !ok {
		t.Fatal("the embedded URL carries no password")
	}
	u.User = url.User(u.User.Username())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s, err := store.Open(ctx, u.String(), 1); err == nil {
		s.Close()
		t.Error("a connection without the password was let in")
	}
}
