package bot

import (
	"context"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/store"
)

// What a turn wants to happen in Telegram, as effects: they are kept with
// the turn's state and delivered after it commits (see bot/outbox).

// reply sends a message into the turn's chat.
func (a *App) reply(_ context.Context, t *Turn, text string, kb *Keyboard) {
	t.Do(outbox.Send(t.Chat, text, markup(kb)))
}

// show puts text in place of the bot's message msgID, or sends it as a new
// message when there is none or it can no longer be edited.
func (a *App) show(ctx context.Context, t *Turn, msgID int, text string, kb *Keyboard) {
	if msgID == 0 {
		a.reply(ctx, t, text, kb)
		return
	}
	t.Do(outbox.Edit(t.Chat, msgID, text, markup(kb)))
}

// ack answers the turn's callback query, so the button stops spinning.
func (a *App) ack(_ context.Context, t *Turn, text string) {
	if q := t.Update.CallbackQuery; q != nil {
		t.Do(outbox.Answer(t.Chat, q.ID, text))
	}
}

// markup is kb as the Bot API takes it, nil when there is none.
func markup(kb *Keyboard) models.ReplyMarkup {
	if kb == nil {
		return nil
	}
	return kb
}

// staffPost is a message into the staff chat: into topic thread (0: none),
// replying to the message replyTo (0: none).
func (a *App) staffPost(thread int, text string, replyTo int) outbox.Effect {
	p := &tg.SendMessageParams{ChatID: a.cfg.StaffChatID, MessageThreadID: thread, Text: text, ParseMode: models.ParseModeHTML}
	if replyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	return outbox.Call(a.cfg.StaffChatID, "sendMessage", p)
}

// ticketPost is a message about a ticket into the staff chat: in its topic,
// or, when the staff chat is no forum, replying to its card. Either may not
// exist yet: the outbox fills them in when the message is delivered.
func (a *App) ticketPost(tk store.Ticket, text string, kb *Keyboard) outbox.Effect {
	e := outbox.Send(a.cfg.StaffChatID, text, markup(kb)).InThread(ticketThread(tk))
	if !a.staffIsForum() {
		e = e.Replying(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID})
	}
	return e
}

func ticketThread(tk store.Ticket) store.Slot {
	return store.Slot{Kind: store.SlotTicketThread, Key: tk.ID}
}

// topicCall is a change of a ticket's topic (its name, closed or open); a
// refusal (the topic was deleted by hand, or is already so) does no harm.
func (a *App) topicCall(tk store.Ticket, method string, params any) outbox.Effect {
	return outbox.Call(a.cfg.StaffChatID, method, params).InThread(ticketThread(tk)).MayBeRefused()
}
