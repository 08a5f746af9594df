package desk

import (
	"context"
	"errors"
	"strconv"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/store"
)

// unsendWithin is how long after an answer the bot offers to delete the
// citizen's copy: Telegram lets a bot delete its messages for 48 hours,
// and the tap may come a while after the offer.
const unsendWithin = 47 * time.Hour

// editedIntoNote answers a moderator who turned an answer the citizen
// already got into a note («// …»): the correction is not sent (it is
// meant for colleagues), and the citizen still has the answer; while the
// bot can, it offers to delete the citizen's copy.
func (a *Desk) editedIntoNote(t *turn.Turn, tk store.Ticket, rec store.TicketMessage, m *models.Message) {
	text := a.StaffText("desk.edited_into_note")
	var kb *tg.Keyboard
	if time.Since(rec.At) < unsendWithin {
		text = a.StaffText("desk.edited_into_note_delete")
		kb = tg.NewKeyboard([]tg.Button{tg.CallbackButton(a.StaffText("desk.unsend"), turn.CbDesk, "x:"+strconv.FormatInt(rec.ID, 10))})
	}
	p := &telegram.SendMessageParams{ChatID: a.Cfg.StaffChatID, MessageThreadID: m.MessageThreadID, Text: text, ParseMode: models.ParseModeHTML,
		ReplyParameters: &models.ReplyParameters{MessageID: m.ID, AllowSendingWithoutReply: true}}
	if tk.Status != store.TicketOpen && a.StaffIsForum() {
		// A closed topic takes nothing from the bot: General, naming the request.
		p.MessageThreadID, p.ReplyParameters = 0, nil
		p.Text = a.StaffText("desk.about_closed", map[string]any{"ID": tk.ID, "Text": text})
	}
	if kb != nil {
		p.ReplyMarkup = kb
	}
	t.Do(outbox.Call(a.Cfg.StaffChatID, "sendMessage", p))
}

// unsendAnswer deletes the citizen's copy of the moderator's answer id
// (the «🗑» under editedIntoNote's notice), with the rest of its album when
// it was a photo of one, and keeps them as notes from then on. The notice says what was done in place of its button.
func (a *Desk) unsendAnswer(ctx context.Context, t *turn.Turn, id int64) error {
	rec, err := store.TicketMessageByID(ctx, t.Tx, id)
	if errors.Is(err, store.ErrNotFound) {
		a.Ack(ctx, t, "")
		t.Status = store.InboxSkipped
		return nil
	}
	if err != nil {
		return err
	}
	tk, err := store.GetTicket(ctx, t.Tx, rec.TicketID)
	if err != nil {
		return err
	}
	q := t.Update.CallbackQuery
	notice, thread := tg.CallbackMessageID(t.Update), 0
	if q.Message.Message != nil {
		thread = q.Message.Message.MessageThreadID
	}
	say := func(text string) {
		t.Do(outbox.Call(a.Cfg.StaffChatID, "editMessageText", &telegram.EditMessageTextParams{
			ChatID: a.Cfg.StaffChatID, MessageID: notice, Text: text, ParseMode: models.ParseModeHTML,
		}).MayBeRefused())
	}
	switch {
	case tk.Forgotten():
		a.Ack(ctx, t, "")
		say(a.StaffText("desk.forgotten"))
		return nil
	case rec.Direction != "out" || !rec.Relayed:
		a.Ack(ctx, t, a.StaffText("desk.unsent_already"))
		return nil
	case time.Since(rec.At) >= unsendWithin:
		a.Ack(ctx, t, "")
		say(a.StaffText("desk.unsend_late"))
		return nil
	}
	parts := []store.TicketMessage{rec}
	if rec.MediaGroup != "" {
		// A photo of an album: the citizen got the album whole, and every
		// photo of it goes (each is an answer of its own).
		if parts, err = store.AlbumAnswers(ctx, t.Tx, tk.ID, rec.MediaGroup); err != nil {
			return err
		}
	}
	deleted := 0
	for _, part := range parts {
		switch ok, err := store.Unrelay(ctx, t.Tx, part.ID); {
		case err != nil:
			return err
		case !ok:
			continue
		}
		deleted++
		t.Do(outbox.Call(tk.UserID, "deleteMessage", &telegram.DeleteMessageParams{ChatID: tk.UserID}).
			Changing(store.Slot{Kind: store.SlotCitizenCopy, Key: part.ID}).
			OrElse(a.StaffPost(thread, a.StaffText("desk.unsend_failed"), notice)))
	}
	if deleted == 0 {
		a.Ack(ctx, t, a.StaffText("desk.unsent_already"))
		return nil
	}
	a.Ack(ctx, t, "")
	if deleted == 1 {
		say(a.StaffText("desk.unsent"))
	} else {
		say(a.Text.Count(a.StaffLang(), "desk.unsent_album", deleted, nil))
	}
	return nil
}
