package bot

import (
	"context"
	"errors"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
)

// readStaffChat asks Telegram, before any turn needs it, whether the staff
// chat has topics, waiting out an outage. A staff chat Telegram will not
// show is logged and taken for a plain group: tickets still reach it, or
// fail to, visibly.
func (a *App) readStaffChat(ctx context.Context) error {
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
