package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Conversation is the dialog a chat is in: which one, at which step, the
// answers so far, and the bot's message being edited in place. Kept in
// PostgreSQL so that a restart loses nothing.
type Conversation struct {
	ChatID    int64           `db:"chat_id"`
	Dialog    string          `db:"dialog"`
	Step      string          `db:"step"`
	Data      json.RawMessage `db:"data"`
	MessageID int             `db:"message_id"`
	// UpdatedAt is when the conversation was last saved: how long it has
	// waited for the person.
	UpdatedAt time.Time `db:"updated_at"`
}

// GetConversation returns the chat's conversation, or ErrNotFound.
func GetConversation(ctx context.Context, q sqlx.QueryerContext, chatID int64) (Conversation, error) {
	var c Conversation
	err := sqlx.GetContext(ctx, q, &c, `
		SELECT chat_id, dialog, step, data, message_id, updated_at FROM conversations WHERE chat_id = $1`, chatID)
	if err != nil {
		return Conversation{}, fmt.Errorf("store: unable to fetch the conversation of chat %d: %w", chatID, notFound(err))
	}
	return c, nil
}

// SaveConversation creates or replaces the chat's conversation.
func SaveConversation(ctx context.Context, q sqlx.ExecerContext, c Conversation) error {
	data := c.Data
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	_, err := q.ExecContext(ctx, `
		INSERT INTO conversations (chat_id, dialog, step, data, message_id, updated_at)
		VALUES ($1, $2, $3, $4, $5, now())
		ON CONFLICT (chat_id) DO UPDATE SET dialog = $2, step = $3, data = $4, message_id = $5, updated_at = now()`,
		c.ChatID, c.Dialog, c.Step, string(data), c.MessageID)
	if err != nil {
		return fmt.Errorf("store: unable to save the conversation of chat %d: %w", c.ChatID, err)
	}
	return nil
}

// EndConversation forgets the chat's conversation; ended reports whether
// there was one.
func EndConversation(ctx context.Context, q sqlx.ExecerContext, chatID int64) (ended bool, err error) {
	res, err := q.ExecContext(ctx, `DELETE FROM conversations WHERE chat_id = $1`, chatID)
	if err != nil {
		return false, fmt.Errorf("store: unable to end the conversation of chat %d: %w", chatID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// UpdatesBetween tells whether the chat sent the bot anything after update
// from and before update to (both excluded), as far as the inbox still
// keeps it. An edit of a message sent before is not something new.
func UpdatesBetween(ctx context.Context, q sqlx.QueryerContext, chat, from, to int64) (bool, error) {
	var any bool
	err := sqlx.GetContext(ctx, q, &any, `SELECT EXISTS (SELECT 1 FROM inbox WHERE chat_key = $1 AND update_id > $2 AND update_id < $3 AND kind <> 'edited_message')`, chat, from, to)
	if err != nil {
		return false, fmt.Errorf("store: unable to read chat %d's updates: %w", chat, err)
	}
	return any, nil
}
