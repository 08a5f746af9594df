package bot

import (
	"context"
	"errors"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/store"
)

// sendText sends an HTML message into chat through the sender.
func (a *App) sendText(ctx context.Context, chat int64, text string, kb *Keyboard) error {
	p := &tg.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML}
	if kb != nil {
		p.ReplyMarkup = kb
	}
	return a.send.Message(ctx, chat, func(ctx context.Context) error {
		_, err := a.tg.SendMessage(ctx, p)
		return err
	})
}

// reply sends a message into the turn's chat. A user who blocked the bot is
// marked inactive and the turn goes on; any other failure fails the turn.
func (a *App) reply(ctx context.Context, t *Turn, text string, kb *Keyboard) {
	a.delivered(ctx, t, a.sendText(ctx, t.Chat, text, kb))
}

// show puts text in place of the bot's message msgID, or sends it as a new
// message when there is none or it can no longer be edited.
func (a *App) show(ctx context.Context, t *Turn, msgID int, text string, kb *Keyboard) {
	if msgID == 0 {
		a.reply(ctx, t, text, kb)
		return
	}
	p := &tg.EditMessageTextParams{ChatID: t.Chat, MessageID: msgID, Text: text, ParseMode: models.ParseModeHTML}
	if kb != nil {
		p.ReplyMarkup = kb
	}
	err := a.send.Message(ctx, t.Chat, func(ctx context.Context) error {
		_, err := a.tg.EditMessageText(ctx, p)
		return err
	})
	switch {
	case err == nil, isNotModified(err):
	case errors.Is(err, ErrRejected):
		// Too old to edit, or deleted by the person: say it anew.
		a.reply(ctx, t, text, kb)
	default:
		a.delivered(ctx, t, err)
	}
}

// ack answers the turn's callback query, so the button stops spinning.
func (a *App) ack(ctx context.Context, t *Turn, text string) {
	q := t.Update.CallbackQuery
	if q == nil {
		return
	}
	err := a.send.Call(ctx, func(ctx context.Context) error {
		_, err := a.tg.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: text})
		return err
	})
	// A query answered late is refused by Telegram; that is no reason to
	// fail what the button asked for.
	if err != nil && !errors.Is(err, ErrRejected) {
		a.delivered(ctx, t, err)
	}
}

func (a *App) delivered(ctx context.Context, t *Turn, err error) {
	switch {
	case err == nil:
	case errors.Is(err, ErrBlocked):
		if t.User != nil {
			t.User.Active = false
			if err := store.SetUserActive(ctx, t.Tx, t.User.ID, false); err != nil {
				t.Fail(err)
			}
		}
		a.log.Info("the user blocked the bot; marked inactive", "chat_id", t.Chat)
	default:
		t.Fail(err)
	}
}
