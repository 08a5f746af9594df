package pgtest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"servicebot/store"
	"servicebot/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestTiming runs first (the others are parallel) so its first New pays for
// finding the server and, if needed, building the template.
func TestTiming(t *testing.T) {
	start := time.Now()
	pgtest.New(t)
	first := time.Since(start)
	const n = 10
	start = time.Now()
	for range n {
		pgtest.New(t)
	}
	t.Logf("pgtest.New: first %v, then %v each", first.Round(time.Millisecond), (time.Since(start) / n).Round(time.Millisecond))
}

func TestIndependent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := pgtest.New(t), pgtest.New(t)
	if _, err := a.DB().ExecContext(ctx, "INSERT INTO users (id) VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := a.DB().GetContext(ctx, &n, "SELECT count(*) FROM users"); err != nil || n != 1 {
		t.Fatalf("a: %d users, %v", n, err)
	}
	if err := b.DB().GetContext(ctx, &n, "SELECT count(*) FROM users"); err != nil || n != 0 {
		t.Fatalf("b: %d users, %v; want 0", n, err)
	}
}

func TestMigrated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.New(t)
	var exists bool
	if err := s.DB().GetContext(ctx, &exists, "SELECT to_regclass('inbox') IS NOT NULL"); err != nil || !exists {
		t.Fatalf("table inbox: exists=%v, %v", exists, err)
	}
	if pending, err := s.MigrationsPending(ctx); err != nil || pending {
		t.Fatalf("pending=%v, %v", pending, err)
	}
}

func TestDroppedAfterCleanup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var name string
	t.Run("inner", func(t *testing.T) {
		s := pgtest.New(t)
		if err := s.DB().GetContext(ctx, &name, "SELECT current_database()"); err != nil {
			t.Fatal(err)
		}
	})
	observer := pgtest.New(t)
	var n int
	if err := observer.DB().GetContext(ctx, &n, "SELECT count(*) FROM pg_database WHERE datname = $1", name); err != nil {
		t.Fatal(err)
	}
	if name == "" || n != 0 {
		t.Fatalf("database %q still exists after its test ended", name)
	}
}

func TestURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := pgtest.URL(t)
	s, err := store.Open(ctx, u, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Left open on purpose, like a subprocess still running: the drop at
	// cleanup must end the session itself.
	var n int
	if err := s.DB().GetContext(ctx, &n, "SELECT count(*) FROM inbox"); err != nil {
		t.Fatal(err)
	}
}

func TestManyParallel(t *testing.T) {
	t.Parallel()
	for i := range 20 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := pgtest.New(t)
			if _, err := s.DB().ExecContext(ctx, "INSERT INTO users (id) VALUES ($1)", i); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.DB().GetContext(ctx, &n, "SELECT count(*) FROM users"); err != nil || n != 1 {
				t.Fatalf("%d users, %v", n, err)
			}
		})
	}
}
