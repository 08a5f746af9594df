// Package store keeps servicebot's state in PostgreSQL: the update inbox
// and the outbox, users and conversations, questionnaires, tickets, the
// FAQ, integrity reports. SQL lives here and nowhere else, one file per
// entity.
//
// One rule says which form a call takes. What is part of a caller's
// transaction (everything a turn does) is a function that takes the
// transaction, or anything that runs a query: store.TouchUser(ctx, t.Tx,
// id). What owns its transaction, or needs none (the intake storing a
// batch, the deliverer recording results, an operator's command, a
// listener), is a method of *Store: st.RequeueEffect(ctx, id). Types
// outside the package carry plain values: 0, "" or nil for what the
// database keeps as NULL; sql.Null* stays inside.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is servicebot's PostgreSQL storage. Its methods are split into a file
// per entity (inbox.go, user.go, conversation.go).
type Store struct {
	db     *sqlx.DB
	reader *sqlx.DB // web pages' and staff's reads: a pool of their own
	dsn    string
	origin string // names this Store in its inbox notifications (see Listen)

	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt // the hot path's statements, prepared once per connection
	pool  map[string]*sqlx.Stmt // statements run outside transactions (see statement)
}

// Open connects to PostgreSQL at dsn and checks the connection.
// maxConns bounds the pool (0 means 20).
func Open(ctx context.Context, dsn string, maxConns int) (*Store, error) {
	// lib/pq's own errors quote the URL (and so the password) when it
	// does not parse: say what is wrong instead.
	if err := CheckURL(dsn); err != nil {
		return nil, fmt.Errorf("store: the database URL: %w", err)
	}
	connector, err := pq.NewConnector(withBinaryParameters(dsn))
	if err != nil {
		if !strings.Contains(dsn, "://") {
			return nil, fmt.Errorf("store: %w", errKeyValue)
		}
		return nil, fmt.Errorf("store: the database URL: %w", errURLSyntax)
	}
	db := sqlx.NewDb(sql.OpenDB(statementCache{connector}), "postgres")
	if maxConns <= 0 {
		maxConns = 20
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", Redact(dsn), err)
	}
	reader, err := sqlx.Open("postgres", withParameter(withBinaryParameters(dsn), "statement_timeout", strconv.Itoa(int(ReadTimeout/time.Millisecond))))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: the reader pool cannot be opened", Redact(dsn))
	}
	reader.SetMaxOpenConns(ReaderConns)
	reader.SetMaxIdleConns(ReaderConns)
	reader.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{db: db, reader: reader, dsn: dsn, origin: newOrigin(), stmts: map[string]*sqlx.Stmt{}}, nil
}

// The reader pool: the public pages, the dashboard, /stats and exports read
// through at most ReaderConns connections of their own, each statement cut
// off after ReadTimeout, so that no reader, however many or slow, can take
// the connections the workers answer citizens with.
const (
	ReaderConns = 4
	ReadTimeout = 30 * time.Second
)

// Reader is the pool for reads that are not a citizen's turn.
func (s *Store) Reader() *sqlx.DB { return s.reader }

// withParameter sets a connection parameter in dsn, a URL or key=value
// form, unless the operator set it already.
func withParameter(dsn, key, value string) string {
	if strings.Contains(dsn, key+"=") {
		return dsn
	}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn) + " " + key + "=" + value
}

// withBinaryParameters asks lib/pq to send a statement and its arguments in
// one round trip: without it, every statement with arguments costs two (one
// to prepare it, one to run it). What it changes besides is that []byte
// arguments travel in binary: fine for text, json and bytea, but jsonb's
// binary form differs from its text, so JSON for a jsonb column is passed
// as a string. An operator's own setting wins.
func withBinaryParameters(dsn string) string {
	return withParameter(dsn, "binary_parameters", "yes")
}

// prepared returns tx's handle on query as a prepared statement. Each
// connection of the pool prepares it once, so the statements every update
// runs are parsed and planned once, not each time. The statement is
// prepared on first use, after the migrations have made its tables.
func (s *Store) prepared(ctx context.Context, tx *sqlx.Tx, query string) (*sqlx.Stmt, error) {
	s.mu.Lock()
	st := s.stmts[query]
	s.mu.Unlock()
	if st == nil {
		p, err := s.db.PreparexContext(ctx, query)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		if st = s.stmts[query]; st == nil {
			s.stmts[query], st = p, p
		} else {
			p.Close()
		}
		s.mu.Unlock()
	}
	return tx.StmtxContext(ctx, st), nil
}

// statement returns query prepared on the pool, once: database/sql
// prepares it on each connection as it is first used there. For the
// deliverer's statements, run for every effect outside any transaction.
func (s *Store) statement(ctx context.Context, query string) (*sqlx.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.pool[query]; st != nil {
		return st, nil
	}
	st, err := s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.pool == nil {
		s.pool = map[string]*sqlx.Stmt{}
	}
	s.pool[query] = st
	return st, nil
}

// DB exposes the pool for the few callers that need plain SQL access
// (tests, the benchmark's ceiling loop).
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes the pools.
func (s *Store) Close() error {
	s.reader.Close()
	return s.db.Close()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies the embedded migrations. It is safe when several processes
// start at once: goose holds a PostgreSQL advisory lock while it works.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// MigrationsPending reports whether the database lags behind the binary.
func (s *Store) MigrationsPending(ctx context.Context) (bool, error) {
	p, err := s.migrator()
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

func (s *Store) migrator() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// InTx runs fn in a transaction and commits it when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Begin starts a transaction the caller commits or rolls back.
func (s *Store) Begin(ctx context.Context) (*sqlx.Tx, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	return tx, nil
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// IsConflict reports a transaction rolled back by PostgreSQL for meeting
// another (a deadlock, a serialization failure): trying again is the cure.
func IsConflict(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code.Class() == "40"
}

// IsDataError reports whether PostgreSQL refused err's statement for the
// data it carried (SQLSTATE class 22: invalid text encoding, a value out of
// range): trying it again cannot help.
func IsDataError(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code.Class() == "22"
}

// IsUnavailable reports whether err means the database could not be reached
// or is shutting down, as opposed to a query it refused.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code.Class() {
		case "08", "57", "53": // connection exception, operator intervention, insufficient resources
			return true
		}
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
