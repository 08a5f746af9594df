package bot

import (
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/outbox"
	"servicebot/store"
)

// Turn is one update being handled: its transaction, who sent it, in
// which language to answer, and what it decided should happen in Telegram.
type Turn struct {
	Tx     *sqlx.Tx
	Update *models.Update
	Chat   int64       // the chat to answer in
	User   *store.User // the citizen, in private chats
	Lang   string
	Status int // store.InboxDone unless the update was ignored

	// What the turn wants to happen in Telegram: kept in the outbox with
	// the turn's state when it commits, and delivered after.
	effects []outbox.Effect
	// forget: the turn's effects leave no outbox rows once delivered
	// (/forget's answer).
	forget bool
}

// Do adds effects to the turn. Nothing reaches Telegram unless the turn
// commits.
func (t *Turn) Do(effects ...outbox.Effect) {
	t.effects = append(t.effects, effects...)
}

// chatOf returns the chat an update happens in, and whether it is a private
// chat with a citizen.
func chatOf(u *models.Update) (int64, bool) {
	var c *models.Chat
	switch {
	case u.Message != nil:
		c = &u.Message.Chat
	case u.EditedMessage != nil:
		c = &u.EditedMessage.Chat
	case u.ChannelPost != nil:
		c = &u.ChannelPost.Chat
	case u.EditedChannelPost != nil:
		c = &u.EditedChannelPost.Chat
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			c = &m.Chat
		} else if im := u.CallbackQuery.Message.InaccessibleMessage; im != nil {
			c = &im.Chat
		}
	case u.MyChatMember != nil:
		c = &u.MyChatMember.Chat
	case u.ChatMember != nil:
		c = &u.ChatMember.Chat
	}
	if c == nil {
		return 0, false
	}
	return c.ID, c.Type == models.ChatTypePrivate
}

// senderOf returns the person behind an update, if any.
func senderOf(u *models.Update) *models.User {
	switch {
	case u.Message != nil:
		return u.Message.From
	case u.EditedMessage != nil:
		return u.EditedMessage.From
	case u.CallbackQuery != nil:
		return &u.CallbackQuery.From
	case u.MyChatMember != nil:
		return &u.MyChatMember.From
	}
	return nil
}
