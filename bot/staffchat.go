package bot

import (
	"context"
	"errors"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
)

// warnSwitchedOff says once, at start, what the settings leave switched
// off or fragile, so that an operator learns it from the log rather than
// from a citizen.
func (a *App) warnSwitchedOff() {
	c := a.Cfg
	if c.StaffChatID == 0 {
		a.Log.Warn("STAFF_CHAT_ID is unset: hand-off to a person is off (/operator and the offers to ask a moderator say none is available; no tickets, reminders or reviews)")
	}
	if c.IntegrityChatID == 0 {
		a.Log.Warn("INTEGRITY_CHAT_ID is unset: /report (integrity reports) is off; citizens are shown the official channels only")
	}
	if len(c.AdminIDs) == 0 && c.StaffChatID == 0 {
		a.Log.Warn("ADMIN_USER_IDS and STAFF_CHAT_ID are unset: nobody can edit the FAQ (/faq, /unanswered) or open the dashboard")
	}
	if len(c.IntegrityKeys) == 0 && c.IntegrityChatID != 0 {
		a.Log.Warn("INTEGRITY_KEY is unset: the key sealing reporters' links is derived from TELEGRAM_TOKEN, so a new token breaks every open report's link to its reporter; set INTEGRITY_KEY (openssl rand -base64 32)")
	}
}

// readStaffChat asks Telegram, before any turn needs it, whether the staff
// chat has topics, waiting out an outage, and whether the bot may manage
// them there; what is missing is logged with what to do. A staff chat
// Telegram will not show is logged and taken for a plain group: tickets
// still reach it, or fail to, visibly.
func (a *App) readStaffChat(ctx context.Context, botID int64) error {
	if a.Cfg.StaffChatID == 0 {
		return nil
	}
	for {
		var chat *models.ChatFullInfo
		err := a.send.Call(ctx, func(ctx context.Context) (err error) {
			chat, err = a.tg.GetChat(ctx, &telegram.GetChatParams{ChatID: a.Cfg.StaffChatID})
			return err
		})
		switch {
		case err == nil:
			a.SetStaffForum(chat.IsForum)
			if !chat.IsForum {
				a.Log.Warn("the staff chat (STAFF_CHAT_ID) has no topics: tickets go to it as plain messages, not a topic each; turn on Topics in the group's settings",
					"chat_id", a.Cfg.StaffChatID)
			}
			a.checkStaffRights(ctx, botID, chat.IsForum)
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case !errors.Is(err, outbox.ErrUnavailable):
			a.Log.Error("cannot read the staff chat (STAFF_CHAT_ID); taking it for a group without topics", "err", err)
			return nil
		}
		a.Log.Warn("cannot read the staff chat yet; retrying", "err", err)
		if outbox.Sleep(ctx, 5*time.Second) != nil {
			return ctx.Err()
		}
	}
}

// checkStaffRights asks whether the bot administers the staff chat with
// the right to manage topics (creating a ticket's topic, closing it), and
// says what to fix when not. Only a warning: Telegram's refusals show
// anyway, in the outbox.
func (a *App) checkStaffRights(ctx context.Context, botID int64, forum bool) {
	var m *models.ChatMember
	err := a.send.Call(ctx, func(ctx context.Context) (err error) {
		m, err = a.tg.GetChatMember(ctx, &telegram.GetChatMemberParams{ChatID: a.Cfg.StaffChatID, UserID: botID})
		return err
	})
	switch {
	case err != nil:
		if ctx.Err() == nil {
			a.Log.Warn("cannot read the bot's rights in the staff chat (STAFF_CHAT_ID)", "err", err)
		}
	case m.Type == models.ChatMemberTypeLeft || m.Type == models.ChatMemberTypeBanned:
		a.Log.Warn("the bot is not in the staff chat (STAFF_CHAT_ID): add it and make it an administrator that can manage topics",
			"chat_id", a.Cfg.StaffChatID, "status", string(m.Type))
	case m.Type != models.ChatMemberTypeAdministrator && m.Type != models.ChatMemberTypeOwner:
		a.Log.Warn("the bot is not an administrator of the staff chat (STAFF_CHAT_ID): make it one, with the right to manage topics",
			"chat_id", a.Cfg.StaffChatID, "status", string(m.Type))
	case forum && m.Administrator != nil && !m.Administrator.CanManageTopics:
		a.Log.Warn("the bot may not manage topics in the staff chat (STAFF_CHAT_ID): give it that right in its administrator settings",
			"chat_id", a.Cfg.StaffChatID)
	}
}
