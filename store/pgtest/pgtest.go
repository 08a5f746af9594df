// Package pgtest gives each test a fresh PostgreSQL database migrated to the
// latest schema, dropped when the test ends.
//
// The server is, in order:
//   - TEST_DATABASE_URL, an admin URL such as
//     postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable;
//   - a server on postgres://postgres@127.0.0.1:5432/postgres (tried for 2 s);
//   - a throwaway cluster (store.StartEmbedded) in a temporary directory,
//     started once per test process. Set PGTEST_EMBEDDED=1 to go straight to
//     it.
//
// If none works the test fails: these tests never skip for want of a
// database.
//
// The schema is migrated once into a template database named by
// store.MigrationsHash, and each test's database is a copy of it (CREATE
// DATABASE ... TEMPLATE), which takes a few milliseconds.
//
// A throwaway cluster outlives the test process unless the package's TestMain
// calls Main. Clusters left so by dead processes are stopped and removed the
// next time a test process needs one.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"

	"servicebot/store"
)

const (
	localURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	// templateLock is the advisory lock key serialising template builds
	// between test processes.
	templateLock = 0x5e41b07_7e57
	// embeddedPrefix names the throwaway clusters' directories in
	// os.TempDir(): servicebot-pgtest-<pid>-<random>.
	embeddedPrefix = "servicebot-pgtest-"
)

var (
	setupOnce sync.Once
	setupErr  error
	admin     *sql.DB // to the server's maintenance database; never to the template
	adminURL  string

	embedded    *store.Embedded
	embeddedDir string

	tplMu   sync.Mutex
	tplName string

	counter atomic.Int64
)

// New returns a Store on a brand-new database migrated to the latest schema.
// The Store is closed and the database dropped when the test ends.
func New(tb testing.TB) *store.Store {
	tb.Helper()
	u := createDB(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, u, 0)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() { s.Close() }) // runs before createDB's drop
	return s
}

// URL creates a fresh migrated database like New and returns its connection
// URL, for tests that hand it to a subprocess. The database is dropped when
// the test ends, whoever is still connected.
func URL(tb testing.TB) string {
	tb.Helper()
	return createDB(tb)
}

// Main runs the tests and then stops the throwaway cluster, if one was
// started. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// Cleanup stops the throwaway cluster, if one was started; for a TestMain
// that has more to do than Main does.
func Cleanup() {
	if admin != nil {
		admin.Close()
	}
	if embedded != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := embedded.Stop(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		} else {
			os.RemoveAll(embeddedDir)
		}
		cancel()
	}
}

func createDB(tb testing.TB) string {
	tb.Helper()
	setupOnce.Do(setup)
	if setupErr != nil {
		tb.Fatalf("pgtest: no PostgreSQL server for tests: %v", setupErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tpl, err := template(ctx)
	if err != nil {
		tb.Fatalf("pgtest: template database: %v", err)
	}
	var rnd [3]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("test_%d_%d_%s", os.Getpid(), counter.Add(1), hex.EncodeToString(rnd[:]))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+" TEMPLATE "+pq.QuoteIdentifier(tpl)); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return withDB(adminURL, name)
}

// setup finds the server and opens the admin pool.
func setup() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		if admin, setupErr = openAdmin(ctx, u, 10*time.Second); setupErr != nil {
			setupErr = fmt.Errorf("TEST_DATABASE_URL: %w", setupErr)
			return
		}
		adminURL = u
		return
	}
	var localErr error
	if os.Getenv("PGTEST_EMBEDDED") == "" {
		if admin, localErr = openAdmin(ctx, localURL, 2*time.Second); localErr == nil {
			adminURL = localURL
			return
		}
	} else {
		localErr = errors.New("not tried: PGTEST_EMBEDDED is set")
	}
	if _, err := store.FindPostgres(); err != nil {
		setupErr = fmt.Errorf("TEST_DATABASE_URL is not set; %s: %v; and a throwaway cluster cannot be started: %v",
			localURL, localErr, err)
		return
	}
	if err := startEmbedded(ctx); err != nil {
		setupErr = fmt.Errorf("TEST_DATABASE_URL is not set; %s: %v; and a throwaway cluster failed: %v",
			localURL, localErr, err)
	}
}

func startEmbedded(ctx context.Context) error {
	sweepEmbedded(ctx)
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", embeddedPrefix, os.Getpid()))
	if err != nil {
		return err
	}
	// Reachable by the unprivileged user the server runs as under root.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := store.StartEmbedded(ctx, dir, log)
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	u := withDB(e.URL(), "postgres")
	db, err := openAdmin(ctx, u, 10*time.Second)
	if err != nil {
		e.Stop(ctx)
		os.RemoveAll(dir)
		return err
	}
	// Durability is worthless here and fsync dominates CREATE DATABASE.
	for _, q := range []string{
		"ALTER SYSTEM SET fsync = off",
		"ALTER SYSTEM SET synchronous_commit = off",
		"ALTER SYSTEM SET full_page_writes = off",
		"SELECT pg_reload_conf()",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			e.Stop(ctx)
			os.RemoveAll(dir)
			return err
		}
	}
	embedded, embeddedDir, admin, adminURL = e, dir, db, u
	return nil
}

// sweepEmbedded stops and removes throwaway clusters whose test process is
// gone (it did not call Main, or was killed).
func sweepEmbedded(ctx context.Context) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), embeddedPrefix+"*-*"))
	for _, dir := range dirs {
		pidStr, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(dir), embeddedPrefix), "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() {
			continue
		}
		if alive(pid) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); err == nil {
			// StartEmbedded takes over the running server (or starts it
			// again if it died), so Stop can shut it down properly.
			e, err := store.StartEmbedded(ctx, dir, nil)
			if err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: leftover cluster %s: %v\n", dir, err)
				continue
			}
			if err := e.Stop(ctx); err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: leftover cluster %s: %v\n", dir, err)
				continue
			}
		}
		os.RemoveAll(dir)
	}
}

// alive reports whether process pid runs (a zombie, dead but not yet reaped,
// does not count).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// "pid (comm) state ...": the state follows the last ')'.
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'Z' {
		return false
	}
	return true
}

func openAdmin(ctx context.Context, u string, timeout time.Duration) (*sql.DB, error) {
	db, err := sql.Open("postgres", u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", store.Redact(u), err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", store.Redact(u), err)
	}
	return db, nil
}

// template returns the name of the template database holding the current
// schema, building it if no process has yet. Test processes serialise the
// check-and-build on an advisory lock.
func template(ctx context.Context) (string, error) {
	tplMu.Lock()
	defer tplMu.Unlock()
	if tplName != "" {
		return tplName, nil
	}
	name := "servicebot_tpl_" + store.MigrationsHash()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(templateLock)); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", int64(templateLock))
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if err := buildTemplate(ctx, conn, name); err != nil {
			return "", err
		}
	}
	tplName = name
	return name, nil
}

// buildTemplate migrates a new database under a scratch name and, once no
// one is connected to it, renames it into place and marks it a template that
// takes no connections (CREATE DATABASE ... TEMPLATE fails while anyone is
// connected to the template).
func buildTemplate(ctx context.Context, conn *sql.Conn, name string) error {
	building := name + "_building"
	for _, q := range []string{
		"DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(building) + " WITH (FORCE)", // left by a killed build
		"CREATE DATABASE " + pq.QuoteIdentifier(building),
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	s, err := store.Open(ctx, withDB(adminURL, building), 1)
	if err != nil {
		return err
	}
	err = s.Migrate(ctx)
	s.Close()
	if err != nil {
		return err
	}
	// RENAME waits (up to 5 s) for the closed sessions' backends to exit.
	for _, q := range []string{
		"ALTER DATABASE " + pq.QuoteIdentifier(building) + " RENAME TO " + pq.QuoteIdentifier(name),
		"ALTER DATABASE " + pq.QuoteIdentifier(name) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// withDB returns dsn (a URL or a key=value string) naming database db.
func withDB(dsn, db string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + db
		u.RawPath = ""
		q := u.Query()
		if q.Has("dbname") {
			q.Del("dbname")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return dsn + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(db) + "'"
}
