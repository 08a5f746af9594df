package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Web logins and sessions of the staff dashboard. Callers pass hashes of the
// secrets; the secrets themselves never reach the database.

// CreateWebLogin keeps a one-time login token's hash for a user until it
// expires.
func CreateWebLogin(ctx context.Context, q sqlx.ExecerContext, tokenHash string, userID int64, expires time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO web_logins (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, tokenHash, userID, expires)
	if err != nil {
		return fmt.Errorf("store: unable to keep a login link: %w", err)
	}
	return nil
}

// WebLoginsSince counts the login links a user was given since a moment.
func WebLoginsSince(ctx context.Context, q sqlx.QueryerContext, userID int64, since time.Time) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM web_logins WHERE user_id = $1 AND created_at >= $2`, userID, since); err != nil {
		return 0, fmt.Errorf("store: unable to count login links: %w", err)
	}
	return n, nil
}

// UseWebLogin spends a login token and returns its user. A token that is
// unknown, expired or used already is ErrNotFound.
func UseWebLogin(ctx context.Context, q sqlx.QueryerContext, tokenHash string) (int64, error) {
	var userID int64
	err := sqlx.GetContext(ctx, q, &userID, `
		UPDATE web_logins SET used_at = now()
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
		RETURNING user_id`, tokenHash)
	if err != nil {
		return 0, fmt.Errorf("store: unable to use a login link: %w", notFound(err))
	}
	return userID, nil
}

// WebSession is a signed-in staff member's browser session.
type WebSession struct {
	UserID    int64     `db:"user_id"`
	CSRF      string    `db:"csrf"`
	ExpiresAt time.Time `db:"expires_at"`
}

// CreateWebSession keeps a session by the hash of its cookie.
func CreateWebSession(ctx context.Context, q sqlx.ExecerContext, idHash string, s WebSession) error {
	_, err := q.ExecContext(ctx, `INSERT INTO web_sessions (id_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)`,
		idHash, s.UserID, s.CSRF, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: unable to keep a session: %w", err)
	}
	return nil
}

// WebSessionOf returns a session that has not expired, or ErrNotFound.
func WebSessionOf(ctx context.Context, q sqlx.QueryerContext, idHash string) (WebSession, error) {
	var s WebSession
	err := sqlx.GetContext(ctx, q, &s, `SELECT user_id, csrf, expires_at FROM web_sessions WHERE id_hash = $1 AND expires_at > now()`, idHash)
	if err != nil {
		return WebSession{}, fmt.Errorf("store: unable to fetch a session: %w", notFound(err))
	}
	return s, nil
}

// DeleteWebSession ends a session.
func DeleteWebSession(ctx context.Context, q sqlx.ExecerContext, idHash string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM web_sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("store: unable to end a session: %w", err)
	}
	return nil
}

// DeleteExpiredWeb drops spent login links and sessions past their end.
func DeleteExpiredWeb(ctx context.Context, q sqlx.ExecerContext) error {
	for _, stmt := range []string{
		`DELETE FROM web_logins WHERE expires_at < now() - interval '1 day'`,
		`DELETE FROM web_sessions WHERE expires_at < now()`,
	} {
		if _, err := q.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("store: unable to drop expired web logins: %w", err)
		}
	}
	return nil
}
