package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/lib/pq"
)

// statementCache makes the workers' pool prepare each statement with
// parameters once per connection and then only bind and execute it:
// lib/pq otherwise sends every such statement as an unnamed one, which
// PostgreSQL parses, analyses and plans anew on every call. A turn runs
// a handful of the same statements (the user, the conversation, the
// questionnaire, the record of the update), so that work was a fifth to a
// quarter of PostgreSQL's CPU per update (pg_stat_statements' planning
// time alone was 0.38 ms of about 1.5).
//
// After five calls PostgreSQL may keep a generic plan for a statement, if
// it costs no more than planning for each call's values; statements whose
// plan must not depend on how full a table was when first run read their
// arrays through (SELECT $n), as the inbox's and outbox's do. The reader
// pool (dashboards, exports) keeps planning each query for its values.
type statementCache struct {
	base driver.Connector
}

// cachedStatements is how many statements a connection keeps prepared;
// the least recently used beyond that are closed. The bot runs fewer
// distinct statements than this; the bound only stops a mistake (SQL
// built with values in it) from growing the server's memory.
const cachedStatements = 512

func (c statementCache) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, byQuery: map[string]*list.Element{}, order: list.New()}, nil
}

func (c statementCache) Driver() driver.Driver { return c.base.Driver() }

// cachingConn is a lib/pq connection whose statements with parameters are
// prepared once. database/sql uses a connection from one goroutine at a
// time, so the cache needs no lock.
type cachingConn struct {
	driver.Conn
	byQuery map[string]*list.Element // of *cachedStmt
	order   *list.List               // most recently used first
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
}

// statement returns query prepared on this connection.
func (c *cachingConn) statement(ctx context.Context, query string) (driver.Stmt, error) {
	if el, ok := c.byQuery[query]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cachedStmt).stmt, nil
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.byQuery[query] = c.order.PushFront(&cachedStmt{query, st})
	if c.order.Len() > cachedStatements {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byQuery, old.Value.(*cachedStmt).query)
		// A failure here is the connection's, and its next call says so.
		_ = old.Value.(*cachedStmt).stmt.Close()
	}
	return st, nil
}

// cacheable tells the statements that go through the cache: those with
// parameters (without, lib/pq uses the simple protocol, which allows
// several statements in one string) that are not COPY.
func cacheable(query string, args []driver.NamedValue) bool {
	if len(args) == 0 {
		return false
	}
	q := strings.TrimSpace(query)
	return len(q) < 4 || !strings.EqualFold(q[:4], "copy")
}

// forget drops a statement PostgreSQL no longer has or can no longer run
// as prepared (a table it reads was changed: "cached plan must not change
// result type"), so that the next call prepares it again.
func (c *cachingConn) forget(query string, err error) {
	var pe *pq.Error
	if !errors.As(err, &pe) || pe.Code != "26000" && pe.Code != "0A000" {
		return
	}
	if el, ok := c.byQuery[query]; ok {
		c.order.Remove(el)
		delete(c.byQuery, query)
	}
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !cacheable(query, args) {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	st, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.forget(query, err)
	}
	return rows, err
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !cacheable(query, args) {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	st, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		c.forget(query, err)
	}
	return res, err
}

// What database/sql asks of a lib/pq connection besides, passed through.

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error {
	return c.Conn.(driver.Pinger).Ping(ctx)
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *cachingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}
