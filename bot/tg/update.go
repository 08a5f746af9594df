package tg

import (
	"fmt"
	"html"
	"strings"

	"github.com/go-telegram/bot/models"
)

// ChatOf returns the chat an update happens in, and whether it is a private
// chat with a citizen.
func ChatOf(u *models.Update) (int64, bool) {
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

// SenderOf returns the person behind an update, if any.
func SenderOf(u *models.Update) *models.User {
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

// CallbackOf returns the action and argument of an update's button press
// ("" when it is none).
func CallbackOf(u *models.Update) (action, arg string) {
	if u.CallbackQuery == nil {
		return "", ""
	}
	return ParseCallback(u.CallbackQuery.Data)
}

// Markup is kb as the Bot API takes it, nil when there is none.
func Markup(kb *Keyboard) models.ReplyMarkup {
	if kb == nil {
		return nil
	}
	return kb
}

// Redact removes the token from a message that may quote a URL.
func Redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "<token>")
}

// KnownKinds are the Update fields go-telegram/bot decodes. Any other kind is
// stored and skipped: a newer Bot API may add kinds this build knows nothing of.
var KnownKinds = map[string]bool{
	"message": true, "edited_message": true, "channel_post": true, "edited_channel_post": true,
	"business_connection": true, "business_message": true, "edited_business_message": true,
	"deleted_business_messages": true, "message_reaction": true, "message_reaction_count": true,
	"inline_query": true, "chosen_inline_result": true, "callback_query": true,
	"shipping_query": true, "pre_checkout_query": true, "purchased_paid_media": true,
	"poll": true, "poll_answer": true, "my_chat_member": true, "chat_member": true,
	"chat_join_request": true, "chat_boost": true, "removed_chat_boost": true,
}

// CallbackMessageID is the id of the message whose button was pressed (0:
// none, or one too old for Telegram to show).
func CallbackMessageID(u *models.Update) int {
	if q := u.CallbackQuery; q != nil && q.Message.Message != nil {
		return q.Message.Message.ID
	}
	return 0
}

// DisplayName is the name a Telegram user shows: first and last name.
func DisplayName(u *models.User) string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// UserLine is how staff cards name a person, in HTML: a link to them with
// their name, their @username when they have one, and their id.
func UserLine(u *models.User) string {
	line := fmt.Sprintf("👤 <a href=\"tg://user?id=%d\">%s</a>", u.ID, html.EscapeString(DisplayName(u)))
	if u.Username != "" {
		line += " @" + html.EscapeString(u.Username)
	}
	return line + fmt.Sprintf(" · <code>%d</code>", u.ID)
}
