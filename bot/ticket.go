package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/dialogs"
	"servicebot/store"
)

// The citizen's side of a ticket: asking for a person, writing into the
// ticket, and rating how it ended.

const (
	cbOperator   = "op" // op:m (menu), op:n:<unanswered id>.<seal>, op:d:<entry id>
	cbTicketRate = "tr" // tr:<ticket>:y|n (solved or not), tr:<ticket>:r (reopen after «no»)

	dialogTicket = "ticket" // waiting for the citizen to describe the question
)

type ticketDraft struct {
	Source     string `json:"source"`
	SourceText string `json:"source_text,omitempty"`
}

func (a *App) onOperatorCommand(ctx context.Context, t *Turn) error {
	return a.askForPerson(ctx, t, "command", "")
}

func (a *App) onOperatorButton(ctx context.Context, t *Turn) error {
	u := t.Update
	a.ack(ctx, t, "")
	_, arg := parseCallback(u.CallbackQuery.Data)
	kind, rest, _ := strings.Cut(arg, ":")
	switch kind {
	case "n": // from a question the FAQ could not answer: that question opens the ticket
		// The id is sealed to the person it was shown to: a forged one
		// (another citizen's question) is taken as a plain request.
		arg, genuine := a.unseal(t.User.ID, rest)
		id, _ := strconv.ParseInt(arg, 10, 64)
		if q, err := store.GetUnanswered(ctx, t.Tx, a.pack.ID, id); genuine && err == nil {
			return a.openTicket(ctx, t, nil, q.Sample, "nomatch", q.Sample)
		}
		if err := a.askForPerson(ctx, t, "menu", ""); err != nil {
			return err
		}
	case "d": // after 👎 on an answer
		src := rest
		if e, ok := a.book().byID[rest]; ok {
			src = a.text2(e.Question, a.contentLang(t.Lang))
		}
		if err := a.askForPerson(ctx, t, "downvote", src); err != nil {
			return err
		}
	default:
		if err := a.askForPerson(ctx, t, "menu", ""); err != nil {
			return err
		}
	}
	return nil
}

// askForPerson asks the citizen to describe the question, unless a ticket
// is open already: then they simply keep writing.
func (a *App) askForPerson(ctx context.Context, t *Turn, source, sourceText string) error {
	if a.cfg.StaffChatID == 0 {
		a.reply(ctx, t, a.text.Text(t.Lang, "ticket.unavailable"), a.menuKeyboard(t.Lang))
		return nil
	}
	// Moderators blocked this person: say so, and where else to turn,
	// rather than promise that someone will read what they write.
	if blocked, _, err := store.BlockState(ctx, t.Tx, t.User.ID); err != nil {
		return err
	} else if blocked {
		a.reply(ctx, t, a.text.Text(t.Lang, "ticket.blocked_ask")+a.channelList(t.Lang, "booking", "website", "app"), a.menuKeyboard(t.Lang))
		return nil
	}
	if tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
		a.reply(ctx, t, a.text.Text(t.Lang, "ticket.already_open", map[string]any{"ID": tk.ID}), nil)
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	raw, _ := json.Marshal(ticketDraft{Source: source, SourceText: sourceText})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: dialogTicket, Data: raw}); err != nil {
		return err
	}
	a.reply(ctx, t, a.text.Text(t.Lang, "ticket.describe"), nil)
	return nil
}

// openTicket opens a ticket with its first message (msg, or text when
// there is no message to copy), its topic and card in the staff chat.
func (a *App) openTicket(ctx context.Context, t *Turn, msg *models.Message, text, source, sourceText string) error {
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	if a.cfg.StaffChatID == 0 {
		a.reply(ctx, t, a.text.Text(t.Lang, "ticket.unavailable"), a.menuKeyboard(t.Lang))
		return nil
	}
	if tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
		// A double tap on the offer: the ticket exists; this is one more message.
		return a.relayToStaff(ctx, t, tk, msg, text)
	}
	subject := text
	if subject == "" && msg != nil {
		subject = firstNonEmpty(msg.Text, msg.Caption)
	}
	tk, err := store.OpenTicket(ctx, t.Tx, t.User.ID, t.Lang, cut(strings.Join(strings.Fields(subject), " "), 60), source, sourceText)
	if err != nil {
		return err
	}
	// The topic, the card and the first message are effects of this turn:
	// should anything below fail, none of them is made.
	a.postCard(t, tk, senderOf(t.Update))
	if err := a.relayToStaff(ctx, t, tk, msg, text); err != nil {
		return err
	}
	note := a.text.Text(t.Lang, "ticket.opened", map[string]any{"ID": tk.ID})
	if s := a.schedule(); !s.Open(time.Now()) {
		note += "\n\n" + a.text.Text(t.Lang, "ticket.after_hours", map[string]any{
			"Hours": a.describeHours(t.Lang), "Next": a.describeWhen(t.Lang, s.NextOpen(time.Now())),
		})
	}
	a.reply(ctx, t, note, nil)
	return nil
}

// relayToStaff copies a citizen's message into the ticket, or keeps it
// without relaying when moderators have blocked the citizen.
func (a *App) relayToStaff(ctx context.Context, t *Turn, tk store.Ticket, msg *models.Message, text string) error {
	blocked, notify, err := store.BlockState(ctx, t.Tx, t.User.ID)
	if err != nil {
		return err
	}
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "in", Author: t.User.ID, Relayed: !blocked, Text: text}
	if msg != nil {
		rec.CitizenMessageID.Int64, rec.CitizenMessageID.Valid = int64(msg.ID), true
		if rec.Text == "" {
			rec.Text = firstNonEmpty(msg.Text, msg.Caption)
		}
	}
	id, err := store.AddTicketMessage(ctx, t.Tx, rec)
	if err != nil {
		return err
	}
	if blocked {
		if notify {
			a.reply(ctx, t, a.text.Text(t.Lang, "ticket.blocked")+a.channelList(t.Lang, "booking", "website", "app"), nil)
		}
		return nil
	}
	var relay outbox.Effect
	if msg != nil {
		relay = outbox.Call(a.cfg.StaffChatID, "copyMessage", &tg.CopyMessageParams{ChatID: a.cfg.StaffChatID, FromChatID: t.Chat, MessageID: msg.ID})
	} else {
		relay = outbox.Send(a.cfg.StaffChatID, "💬 "+html.EscapeString(text), nil)
	}
	relay = relay.InThread(ticketThread(tk))
	if msg != nil && msg.ReplyToMessage != nil {
		// The citizen answered one of the moderator's messages: keep the thread.
		if m, err := store.TicketMessageByCitizen(ctx, t.Tx, tk.ID, msg.ReplyToMessage.ID); err == nil {
			relay = relay.Replying(store.Slot{Kind: store.SlotStaffCopy, Key: m.ID})
		}
	}
	if relay.ReplyTo == nil && !a.staffIsForum() {
		// No forum: every message replies to the card, so moderators see
		// whose it is.
		relay = relay.Replying(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID})
	}
	t.Do(relay.Keeping(store.Slot{Kind: store.SlotStaffCopy, Key: id}))
	return nil
}

// onCitizenEdit mirrors an edit of a relayed text into the staff chat.
func (a *App) onCitizenEdit(ctx context.Context, t *Turn, m *models.Message) {
	tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID)
	if err != nil || m.Text == "" {
		t.Status = store.InboxSkipped
		return
	}
	rec, err := store.TicketMessageByCitizen(ctx, t.Tx, tk.ID, m.ID)
	if err != nil || !rec.Relayed {
		t.Status = store.InboxSkipped
		return
	}
	t.Do(outbox.Call(a.cfg.StaffChatID, "editMessageText", &tg.EditMessageTextParams{ChatID: a.cfg.StaffChatID, Text: m.Text, Entities: m.Entities}).
		Changing(store.Slot{Kind: store.SlotStaffCopy, Key: rec.ID}).MayBeRefused())
}

// unsolvedReopenWithin is how long after answering «👎 no» a citizen's
// next message reopens the ticket instead of going to the FAQ.
const unsolvedReopenWithin = 24 * time.Hour

// onTicketRated takes the citizen's answer to «was your question solved?»
// (id:y, id:n) and their wish to reopen it after «no» (id:r).
func (a *App) onTicketRated(ctx context.Context, t *Turn) error {
	u := t.Update
	_, arg := parseCallback(u.CallbackQuery.Data)
	idText, answer, _ := strings.Cut(arg, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	if answer == "r" {
		a.ack(ctx, t, "")
		tk, err := store.GetTicket(ctx, t.Tx, id)
		if errors.Is(err, store.ErrNotFound) || err == nil && tk.UserID != t.User.ID {
			a.onStaleButton(ctx, t)
			return nil
		}
		if err != nil {
			return err
		}
		return a.reopenByCitizen(ctx, t, tk, nil)
	}
	changed, err := store.RateTicket(ctx, t.Tx, id, t.User.ID, answer == "y")
	if err != nil {
		return err
	}
	a.ack(ctx, t, a.text.Text(t.Lang, "faq.thanks"))
	if !changed {
		return nil
	}
	tk, err := store.GetTicket(ctx, t.Tx, id)
	if err != nil {
		return err
	}
	mark := "👍"
	if answer == "y" {
		a.show(ctx, t, callbackMessageID(u), a.text.Text(t.Lang, "ticket.rated"), nil)
	} else {
		mark = "👎"
		a.show(ctx, t, callbackMessageID(u), a.text.Text(t.Lang, "ticket.not_solved", map[string]any{"ID": tk.ID}), keyboard(
			[]Button{button(a.text.Text(t.Lang, "ticket.reopen"), cbTicketRate, idText+":r")},
			[]Button{button(a.text.Text(t.Lang, "nav.menu"), cbMenu, "menu")},
		))
	}
	if a.staffIsForum() {
		// The topic is closed: the verdict goes into its name, where
		// moderators scanning the list see it (and a reopen by the citizen
		// brings a note into the topic).
		t.Do(a.topicCall(tk, "editForumTopic", &tg.EditForumTopicParams{ChatID: a.cfg.StaffChatID, Name: cut(mark+" "+topicName(tk, true), 120)}))
		return nil
	}
	t.Do(a.ticketPost(tk, a.staffText("desk.rated", map[string]any{"Mark": mark}), nil))
	return nil
}

// reopenByCitizen reopens a closed ticket at the citizen's wish, and
// relays msg (what is still unclear) into it when given.
func (a *App) reopenByCitizen(ctx context.Context, t *Turn, tk store.Ticket, msg *models.Message) error {
	ok, err := store.ReopenTicket(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	if !ok {
		// Reopened already, or another ticket is open: that is where to write.
		if open, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
			if msg != nil {
				return a.relayToStaff(ctx, t, open, msg, "")
			}
			a.reply(ctx, t, a.text.Text(t.Lang, "ticket.already_open", map[string]any{"ID": open.ID}), nil)
			return nil
		}
		a.onStaleButton(ctx, t)
		return nil
	}
	if a.staffIsForum() {
		t.Do(
			a.topicCall(tk, "reopenForumTopic", &tg.ReopenForumTopicParams{ChatID: a.cfg.StaffChatID}),
			a.topicCall(tk, "editForumTopic", &tg.EditForumTopicParams{ChatID: a.cfg.StaffChatID, Name: topicName(tk, false)}),
		)
	}
	a.staffNote(ctx, t, tk, "desk.reopened_by_citizen", map[string]any{"ID": tk.ID})
	a.reply(ctx, t, a.text.Text(t.Lang, "ticket.reopened", map[string]any{"ID": tk.ID}), nil)
	if msg != nil {
		return a.relayToStaff(ctx, t, tk, msg, "")
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (a *App) schedule() dialogs.Schedule {
	s, err := a.pack.Schedule()
	if err != nil {
		return dialogs.Schedule{}
	}
	return s
}

// describeHours renders the pack's business hours: «вт–пт 08:00–17:00, сб 08:00–15:45».
func (a *App) describeHours(lang string) string {
	var parts []string
	for _, h := range a.pack.BusinessHours {
		if len(h.Days) == 0 {
			continue
		}
		days := a.text.Text(lang, "weekday."+h.Days[0])
		if len(h.Days) > 1 {
			days += "–" + a.text.Text(lang, "weekday."+h.Days[len(h.Days)-1])
		}
		parts = append(parts, fmt.Sprintf("%s %s–%s", days, h.Open, h.Close))
	}
	return strings.Join(parts, ", ")
}

// describeWhen renders a moment in the pack's timezone: «сб 08:00».
func (a *App) describeWhen(lang string, t time.Time) string {
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	return a.text.Text(lang, "weekday."+names[t.Weekday()]) + " " + t.Format("15:04")
}
