package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// User is a citizen who talks to the bot in a private chat. Only what the
// features need is kept: no names, no phone numbers.
type User struct {
	ID           int64  `db:"id"`
	Language     string `db:"language"` // uk, ru, en; "" until known
	Active       bool   `db:"active"`   // false once the person blocked the bot
	StartPayload string `db:"start_payload"`
}

// TouchUser records that the user wrote, creating them on first contact,
// and returns what is known of them. A user who writes is active again.
// (A user seen within SeenWithin comes with the claim of their update,
// Claimed.Seen: their turn need not call this.)
func TouchUser(ctx context.Context, q sqlx.QueryerContext, id int64) (User, error) {
	var u User
	err := sqlx.GetContext(ctx, q, &u, `
		INSERT INTO users (id) VALUES ($1)
		ON CONFLICT (id) DO UPDATE SET seen_at = now(), active = true
		RETURNING id, language, active, start_payload`, id)
	if err != nil {
		return User{}, fmt.Errorf("store: unable to record user %d: %w", id, err)
	}
	return u, nil
}

// GetUser returns the user, or ErrNotFound.
func GetUser(ctx context.Context, q sqlx.QueryerContext, id int64) (User, error) {
	var u User
	err := sqlx.GetContext(ctx, q, &u, `SELECT id, language, active, start_payload FROM users WHERE id = $1`, id)
	if err != nil {
		return User{}, fmt.Errorf("store: unable to fetch user %d: %w", id, notFound(err))
	}
	return u, nil
}

// ChooseUserLanguage stores the language the user chose (/language): the
// language they write in no longer changes it.
func ChooseUserLanguage(ctx context.Context, q sqlx.ExecerContext, id int64, lang string) error {
	if _, err := q.ExecContext(ctx, `UPDATE users SET language = $2, language_chosen = true WHERE id = $1`, id, lang); err != nil {
		return fmt.Errorf("store: unable to set the language of user %d: %w", id, err)
	}
	return nil
}

// LanguageChosen tells whether the user chose their language, rather than
// it being taken from their Telegram client or their writing.
func LanguageChosen(ctx context.Context, q sqlx.QueryerContext, id int64) (bool, error) {
	var chosen bool
	if err := sqlx.GetContext(ctx, q, &chosen, `SELECT language_chosen FROM users WHERE id = $1`, id); err != nil {
		return false, fmt.Errorf("store: unable to read the language of user %d: %w", id, notFound(err))
	}
	return chosen, nil
}

// SetUserLanguage stores the language the user was given (from their
// Telegram client or their writing), not chosen.
func SetUserLanguage(ctx context.Context, q sqlx.ExecerContext, id int64, lang string) error {
	if _, err := q.ExecContext(ctx, `UPDATE users SET language = $2 WHERE id = $1`, id, lang); err != nil {
		return fmt.Errorf("store: unable to set the language of user %d: %w", id, err)
	}
	return nil
}

// SetUserStartPayload keeps the deep-link payload the user came with.
func SetUserStartPayload(ctx context.Context, q sqlx.ExecerContext, id int64, payload string) error {
	if _, err := q.ExecContext(ctx, `UPDATE users SET start_payload = $2 WHERE id = $1`, id, payload); err != nil {
		return fmt.Errorf("store: unable to keep the start payload of user %d: %w", id, err)
	}
	return nil
}

// SetUserActive marks whether the bot may write to the user; false after
// Telegram answered 403 (the user blocked the bot). Unknown users are created,
// so that a block seen before any message is not forgotten.
func SetUserActive(ctx context.Context, q sqlx.ExecerContext, id int64, active bool) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO users (id, active) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET active = $2`, id, active)
	if err != nil {
		return fmt.Errorf("store: unable to mark user %d active=%v: %w", id, active, err)
	}
	return nil
}
