package citizen

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/desk"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

// ticketDraft is what the citizen asked for a person from (the menu, a
// question the FAQ could not answer, a 👎), kept while they describe it.
type ticketDraft struct {
	Source     string `json:"source"`
	SourceText string `json:"source_text,omitempty"`
}

// OnOperatorCommand asks the citizen to describe their question for a
// person (/operator).
func (a *Citizens) OnOperatorCommand(ctx context.Context, t *turn.Turn) error {
	return a.askForPerson(ctx, t, "command", "")
}

// OnOperatorButton is the way to a person from the menu, from a question
// the FAQ could not answer (which then opens the ticket) or after a 👎.
func (a *Citizens) OnOperatorButton(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	a.Ack(ctx, t, "")
	_, arg := tg.ParseCallback(u.CallbackQuery.Data)
	kind, rest, _ := strings.Cut(arg, ":")
	switch kind {
	case "n": // from a question the FAQ could not answer: that question opens the ticket
		// The id is sealed to the person it was shown to: a forged one
		// (another citizen's question) is taken as a plain request.
		arg, genuine := a.Unseal(t.User.ID, rest)
		id, _ := strconv.ParseInt(arg, 10, 64)
		if q, err := store.GetUnanswered(ctx, t.Tx, a.Pack.ID, id); genuine && err == nil {
			return a.desk.OpenTicket(ctx, t, nil, q.Sample, "nomatch", q.Sample)
		}
		if err := a.askForPerson(ctx, t, "menu", ""); err != nil {
			return err
		}
	case "d": // after 👎 on an answer
		src := rest
		if e, ok := a.Book().ByID[rest]; ok {
			src = a.Pack.Local(e.Question, a.ContentLang(t.Lang))
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

// staffReachable tells whether the citizen can reach a person: if there
// is no staff chat, or moderators blocked this person, it says so, and
// where else to turn, rather than promise that someone will read what
// they write, and returns false.
func (a *Citizens) staffReachable(ctx context.Context, t *turn.Turn) (bool, error) {
	if a.Cfg.StaffChatID == 0 {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.unavailable"), a.MenuKeyboard(t.Lang))
		return false, nil
	}
	blocked, _, err := store.BlockState(ctx, t.Tx, t.User.ID)
	if err != nil || !blocked {
		return err == nil, err
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.blocked_ask")+a.ChannelList(t.Lang, "booking", "website", "app"), a.MenuKeyboard(t.Lang))
	return false, nil
}

// askForPerson asks the citizen to describe the question, unless a ticket
// is open already: then they simply keep writing.
func (a *Citizens) askForPerson(ctx context.Context, t *turn.Turn, source, sourceText string) error {
	if ok, err := a.staffReachable(ctx, t); !ok || err != nil {
		return err
	}
	if tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.already_open", map[string]any{"ID": tk.ID}), nil)
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Asked from the wait for a location: the location button goes (a
	// location sent with it would become the request).
	if conv, err := store.GetConversation(ctx, t.Tx, t.Chat); err == nil && conv.Dialog == turn.DialogCentres {
		a.DropLocationButton(t)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	raw, _ := json.Marshal(ticketDraft{Source: source, SourceText: sourceText})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogTicket, Data: raw}); err != nil {
		return err
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.describe"), nil)
	return nil
}

// unsolvedReopenWithin is how long after answering «👎 no» a citizen's
// next message reopens the ticket instead of going to the FAQ. (A button
// or /reopen reopens it later too.)
const unsolvedReopenWithin = 24 * time.Hour

// OnTicketRated takes the citizen's answer to «was your question solved?»
// (id:y, id:n) and their wish to reopen it after «no» (id:r).
func (a *Citizens) OnTicketRated(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	_, arg := tg.ParseCallback(u.CallbackQuery.Data)
	idText, answer, _ := strings.Cut(arg, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	if answer == "r" {
		a.Ack(ctx, t, "")
		tk, err := store.GetTicket(ctx, t.Tx, id)
		if errors.Is(err, store.ErrNotFound) || err == nil && tk.UserID != t.User.ID {
			a.StaleButton(ctx, t)
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
	a.Ack(ctx, t, a.Text.Text(t.Lang, "faq.thanks"))
	if !changed {
		return nil
	}
	tk, err := store.GetTicket(ctx, t.Tx, id)
	if err != nil {
		return err
	}
	return a.ticketRated(ctx, t, tk, answer == "y", tg.CallbackMessageID(u))
}

// typedTicketVerdict takes «так», «ні, не вирішено», «дякую, допомогло»
// typed as the answer to «was your question solved?» under a ticket
// closed lately and not answered yet; false when text is no such answer.
func (a *Citizens) typedTicketVerdict(ctx context.Context, t *turn.Turn, m *models.Message) (bool, error) {
	yes, no, why := a.verdictOf(t.Lang, m.Text)
	if yes == no {
		return false, nil
	}
	tk, err := store.RecentlyClosedUnasked(ctx, t.Tx, t.User.ID, unsolvedReopenWithin, t.Update.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := store.RateTicket(ctx, t.Tx, tk.ID, t.User.ID, yes); err != nil {
		return false, err
	}
	if no && why {
		// «ні, не вирішено, бо оператор не відповів про ціну»: what is
		// still unclear is said already, and reopens the request.
		if err := a.ticketRated(ctx, t, tk, false, -1); err != nil {
			return false, err
		}
		return true, a.reopenByCitizen(ctx, t, tk, m)
	}
	return true, a.ticketRated(ctx, t, tk, yes, 0)
}

// verdictOf reads «was your question solved?» answered in words: the
// whole text one of the answers' typed forms, or its first words one of
// them and the rest a reason (why: «ні, не вирішено, бо …»).
func (a *Citizens) verdictOf(lang, text string) (yes, no, why bool) {
	words := strings.Fields(dialogs.Fold(text))
	for n := min(len(words), 4); n >= 1; n-- {
		head := strings.Join(words[:n], " ")
		yes, no = a.TypedForm(lang, "ticket.solved_yes", head), a.TypedForm(lang, "ticket.solved_no", head)
		switch {
		case yes && len(words)-n > 2:
			return false, false, false // «так, але …»: more than a yes
		case yes != no:
			return yes, no, len(words)-n >= 2
		}
	}
	return false, false, false
}

// ticketRated tells the citizen their answer to «was your question
// solved?» is taken (on msgID, the question's message, or below it), and
// the moderators which it was.
func (a *Citizens) ticketRated(ctx context.Context, t *turn.Turn, tk store.Ticket, solved bool, msgID int) error {
	mark := "👍"
	switch {
	case solved:
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "ticket.rated"), nil)
	case msgID < 0:
		// Reopened at once with the reason given: no question for it.
		mark = "👎"
	default:
		mark = "👎"
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "ticket.not_solved", map[string]any{"ID": tk.ID}), tg.NewKeyboard(
			[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "ticket.reopen"), turn.CbTicketRate, strconv.FormatInt(tk.ID, 10)+":r")},
			[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.menu"), turn.CbMenu, "menu")},
		))
	}
	if a.StaffIsForum() {
		// The topic is closed: the verdict goes into its name, where
		// moderators scanning the list see it (and a reopen by the citizen
		// brings a note into the topic).
		t.Do(a.TopicCall(tk, "editForumTopic", &telegram.EditForumTopicParams{ChatID: a.Cfg.StaffChatID, Name: turn.Cut(mark+" "+desk.TopicName(tk, true), 120)}))
		return nil
	}
	t.Do(a.TicketPost(tk, a.StaffText("desk.rated", map[string]any{"Mark": mark}), nil))
	return nil
}

// OnReopenCommand reopens the citizen's latest ticket (/reopen), or says
// why it cannot be reopened and what to do instead: there is none, it is
// still open, or it was closed too long ago.
func (a *Citizens) OnReopenCommand(ctx context.Context, t *turn.Turn) error {
	if ok, err := a.staffReachable(ctx, t); !ok || err != nil {
		return err
	}
	tk, err := store.LatestTicketOf(ctx, t.Tx, t.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.reopen_none"), nil)
		return nil
	}
	if err != nil {
		return err
	}
	if tk.Status == store.TicketOpen {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.already_open", map[string]any{"ID": tk.ID}), nil)
		return nil
	}
	return a.reopenByCitizen(ctx, t, tk, nil)
}

// reopenByCitizen reopens a closed ticket at the citizen's wish, and
// relays msg (what is still unclear) into it when given. A ticket closed
// longer ago than citizens' words are kept (PERSONAL_DATA_RETENTION_DAYS)
// stays closed: its question is blanked, or about to be.
func (a *Citizens) reopenByCitizen(ctx context.Context, t *turn.Turn, tk store.Ticket, msg *models.Message) error {
	if keep := a.Cfg.PersonalDataRetention; keep > 0 && tk.ClosedAt != nil && time.Since(*tk.ClosedAt) > keep {
		days := int(time.Since(*tk.ClosedAt) / (24 * time.Hour))
		a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.reopen_too_late", map[string]any{
			"ID": tk.ID, "Ago": a.Text.Count(t.Lang, "ticket.days", days, nil),
		}), nil)
		return nil
	}
	ok, err := store.ReopenTicket(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	if !ok {
		// Reopened already, or another ticket is open: that is where to write.
		if open, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
			if msg != nil {
				return a.desk.RelayToStaff(ctx, t, open, msg, "")
			}
			a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.already_open", map[string]any{"ID": open.ID}), nil)
			return nil
		}
		a.StaleButton(ctx, t)
		return nil
	}
	if a.StaffIsForum() {
		t.Do(
			a.TopicCall(tk, "reopenForumTopic", &telegram.ReopenForumTopicParams{ChatID: a.Cfg.StaffChatID}),
			a.TopicCall(tk, "editForumTopic", &telegram.EditForumTopicParams{ChatID: a.Cfg.StaffChatID, Name: desk.TopicName(tk, false)}),
		)
	}
	// The citizen who reopens waits for an answer, with or without a word.
	if err := store.MarkWaiting(ctx, t.Tx, tk.ID); err != nil {
		return err
	}
	a.desk.NoteReopenedByCitizen(ctx, t, tk)
	a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.reopened", map[string]any{"ID": tk.ID}), nil)
	if msg != nil {
		return a.desk.RelayToStaff(ctx, t, tk, msg, "")
	}
	return nil
}
