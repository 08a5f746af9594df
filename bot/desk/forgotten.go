package desk

import (
	"context"
	"errors"
	"html"
	"strings"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/store"
)

// CloseForgotten tells moderators that the citizen userID deleted their
// data (/forget), before store.Forget closes and blanks their open
// request: a note in its topic, the card without the citizen's name and
// without buttons, and the topic closed, its name without the subject
// (the citizen's words). Nothing of the citizen goes into these messages.
func (a *Desk) CloseForgotten(ctx context.Context, t *turn.Turn, userID int64) error {
	if a.Cfg.StaffChatID == 0 {
		return nil
	}
	// A citizen has one open request at most (tickets_one_open).
	tk, err := store.OpenTicketOf(ctx, t.Tx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	t.Do(a.TicketPost(tk, a.StaffText("desk.forgotten_closed", map[string]any{"ID": tk.ID}), nil))
	card := a.StaffText("desk.card_title", map[string]any{"ID": tk.ID}) + " · " + strings.ToUpper(tk.Lang) +
		"\n" + a.StaffText("desk.card_forgotten")
	t.Do(outbox.Call(a.Cfg.StaffChatID, "editMessageText", &telegram.EditMessageTextParams{
		ChatID: a.Cfg.StaffChatID, Text: card, ParseMode: models.ParseModeHTML,
	}).Changing(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID}).MayBeRefused())
	if a.StaffIsForum() {
		tk.Subject = ""
		t.Do(
			a.TopicCall(tk, "editForumTopic", &telegram.EditForumTopicParams{ChatID: a.Cfg.StaffChatID, Name: TopicName(tk, true)}),
			a.TopicCall(tk, "closeForumTopic", &telegram.CloseForumTopicParams{ChatID: a.Cfg.StaffChatID}),
		)
	}
	return nil
}

// refuseForgotten answers what a moderator asks of a request whose
// citizen deleted their data (take, close, reopen, block, answer): nobody
// is there to answer, and the request stays closed.
func (a *Desk) refuseForgotten(t *turn.Turn, tk store.Ticket) {
	a.deskNote(t, tk, "desk.forgotten", map[string]any{"ID": tk.ID})
}

// notSentForgotten tells a moderator that what they wrote in the request
// of a citizen who deleted their data reached nobody: in General, as for
// a closed request (the topic is closed), naming them and the request.
func (a *Desk) notSentForgotten(t *turn.Turn, tk store.Ticket, m *models.Message) {
	if !a.StaffIsForum() || m.MessageThreadID == 0 {
		t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.forgotten", map[string]any{"ID": tk.ID}), m.ID))
		return
	}
	t.Do(a.StaffPost(0, a.StaffText("desk.forgotten_general", map[string]any{
		"Name": html.EscapeString(tg.DisplayName(m.From)), "Ticket": a.messageRef(tk, m),
	}), 0))
}
