package bot

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/outbox"
	"servicebot/store"
)

// The moderators' desk: the staff chat, a forum supergroup with one topic
// per ticket (or, when it is not a forum, replies to each ticket's card).

const cbDesk = "tk" // tk:<t|c|b|f>:<ticket> — take, close, block, make a FAQ entry

// staffLang is the language of the staff chat: the pack's first.
func (a *App) staffLang() string { return a.pack.Languages[0] }

func (a *App) staffText(id string, data ...map[string]any) string {
	return a.text.Text(a.staffLang(), id, data...)
}

// readStaffChat asks Telegram, before any turn needs it, whether the staff
// chat has topics, waiting out an outage. A staff chat Telegram will not
// show is logged and taken for a plain group: tickets still reach it, or
// fail to, visibly.
func (a *App) readStaffChat(ctx context.Context) error {
	if a.cfg.StaffChatID == 0 {
		return nil
	}
	for {
		var chat *models.ChatFullInfo
		err := a.send.Call(ctx, func(ctx context.Context) (err error) {
			chat, err = a.tg.GetChat(ctx, &tg.GetChatParams{ChatID: a.cfg.StaffChatID})
			return err
		})
		switch {
		case err == nil:
			a.mu.Lock()
			a.staffForum = chat.IsForum
			a.mu.Unlock()
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case !errors.Is(err, outbox.ErrUnavailable):
			a.log.Error("cannot read the staff chat (STAFF_CHAT_ID); taking it for a group without topics", "err", err)
			return nil
		}
		a.log.Warn("cannot read the staff chat yet; retrying", "err", err)
		if sleep(ctx, 5*time.Second) != nil {
			return ctx.Err()
		}
	}
}

// staffIsForum reports whether the staff chat has topics (one per ticket).
func (a *App) staffIsForum() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.staffForum
}

func topicName(tk store.Ticket, closed bool) string {
	name := fmt.Sprintf("№%d · %s · %s", tk.ID, strings.ToUpper(tk.Lang), tk.Subject)
	if closed {
		name = "✅ " + name
	}
	return cut(name, 120)
}

// postCard opens the ticket's topic (in a forum) and posts its card.
func (a *App) postCard(t *Turn, tk store.Ticket, from *models.User) {
	if a.staffIsForum() {
		t.Do(outbox.Call(a.cfg.StaffChatID, "createForumTopic",
			&tg.CreateForumTopicParams{ChatID: a.cfg.StaffChatID, Name: topicName(tk, false)}).Keeping(ticketThread(tk)))
	}
	card := outbox.Send(a.cfg.StaffChatID, a.cardText(t, tk, from), a.cardKeyboard(tk.ID)).InThread(ticketThread(tk))
	t.Do(card.Keeping(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID}))
}

// cardText tells moderators who wrote and where they came from. Everything
// the citizen wrote or is called is escaped.
func (a *App) cardText(t *Turn, tk store.Ticket, from *models.User) string {
	var b strings.Builder
	b.WriteString(a.staffText("desk.card_title", map[string]any{"ID": tk.ID}))
	if from != nil {
		name := strings.TrimSpace(from.FirstName + " " + from.LastName)
		fmt.Fprintf(&b, "\n👤 <a href=\"tg://user?id=%d\">%s</a>", from.ID, html.EscapeString(name))
		if from.Username != "" {
			b.WriteString(" @" + html.EscapeString(from.Username))
		}
		fmt.Fprintf(&b, " · <code>%d</code>", from.ID)
	}
	b.WriteString(" · " + strings.ToUpper(tk.Lang))
	b.WriteString("\n" + a.staffText("desk.source."+tk.Source))
	if tk.SourceText != "" {
		b.WriteString(": «" + html.EscapeString(cut(tk.SourceText, 300)) + "»")
	}
	if t.User != nil && strings.HasPrefix(t.User.StartPayload, "r_") {
		centre, _, _ := strings.Cut(strings.TrimPrefix(t.User.StartPayload, "r_"), "_")
		if c, ok := a.pack.Centre(centre); ok {
			b.WriteString("\n🏢 " + html.EscapeString(a.text2(c.Name, a.staffLang())))
		}
	}
	return b.String()
}

func (a *App) cardKeyboard(id int64) *Keyboard {
	s := strconv.FormatInt(id, 10)
	return keyboard(
		[]Button{
			button(a.staffText("desk.take"), cbDesk, "t:"+s),
			button(a.staffText("desk.close"), cbDesk, "c:"+s),
			button(a.staffText("desk.block"), cbDesk, "b:"+s),
		},
		[]Button{button(a.staffText("desk.to_faq"), cbDesk, "f:"+s)},
	)
}

// isStaffUpdate matches what happens in the staff chat.
func (a *App) isStaffUpdate(u *models.Update) bool {
	chat, _ := chatOf(u)
	return a.cfg.StaffChatID != 0 && chat == a.cfg.StaffChatID
}

// onStaff handles the staff chat: moderators' messages, commands, edits
// and card buttons. Members of the staff chat are the moderators.
func (a *App) onStaff(ctx context.Context, t *Turn) error {
	u := t.Update
	switch {
	case u.CallbackQuery != nil:
		if err := a.onDeskButton(ctx, t, u.CallbackQuery); err != nil {
			return err
		}
	case u.EditedMessage != nil:
		a.onStaffEdit(ctx, t, u.EditedMessage)
	case u.Message != nil:
		if err := a.onStaffMessage(ctx, t, u.Message); err != nil {
			return err
		}
	default:
		t.Status = store.InboxSkipped
	}
	return nil
}

// ticketOf finds the ticket a staff-chat message belongs to: its topic, or
// (no forum) the relayed message or card it replies to.
func (a *App) ticketOf(ctx context.Context, t *Turn, m *models.Message) (store.Ticket, bool, error) {
	if m.IsTopicMessage && m.MessageThreadID != 0 {
		tk, err := store.TicketByThread(ctx, t.Tx, m.MessageThreadID)
		if err == nil {
			return tk, true, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Ticket{}, false, err
		}
		return store.Ticket{}, false, nil
	}
	if r := m.ReplyToMessage; r != nil {
		if tk, _, err := store.TicketByStaffMessage(ctx, t.Tx, r.ID); err == nil {
			return tk, true, nil
		}
		if tk, err := store.TicketByCard(ctx, t.Tx, r.ID); err == nil {
			return tk, true, nil
		}
	}
	return store.Ticket{}, false, nil
}

func (a *App) onStaffMessage(ctx context.Context, t *Turn, m *models.Message) error {
	if m.From == nil || m.From.IsBot {
		t.Status = store.InboxSkipped
		return nil
	}
	if c, ok := parseCommand(m); ok && (c.Bot == "" || strings.EqualFold(c.Bot, a.username)) {
		return a.onStaffCommand(ctx, t, m, c)
	}
	tk, ok, err := a.ticketOf(ctx, t, m)
	if err != nil {
		return err
	}
	if !ok {
		t.Status = store.InboxSkipped // talk among moderators
		return nil
	}
	if strings.HasPrefix(strings.TrimSpace(m.Text), "//") {
		return a.keepNote(ctx, t, tk, m, m.Text)
	}
	return a.relayToCitizen(ctx, t, tk, m)
}

func (a *App) keepNote(ctx context.Context, t *Turn, tk store.Ticket, m *models.Message, text string) error {
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "note", Author: m.From.ID, Relayed: false, Text: text}
	rec.StaffMessageID.Int64, rec.StaffMessageID.Valid = int64(m.ID), true
	if _, err := store.AddTicketMessage(ctx, t.Tx, rec); err != nil {
		return err
	}
	// A 👌 on the note says it was kept (and not sent to the citizen).
	t.Do(a.reaction(m, "👌"))
	return nil
}

// reaction puts an emoji reaction on a moderator's message: a quiet sign
// that the bot took it. Refusable: a chat may allow no reactions.
func (a *App) reaction(m *models.Message, emoji string) outbox.Effect {
	return outbox.Call(m.Chat.ID, "setMessageReaction", &tg.SetMessageReactionParams{
		ChatID: m.Chat.ID, MessageID: m.ID,
		Reaction: []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Type: models.ReactionTypeTypeEmoji, Emoji: emoji}}},
	}).MayBeRefused()
}

// errAlreadyClosed is closeTicket's word that the ticket was closed before.
var errAlreadyClosed = errors.New("bot: the ticket is closed already")

// relayToCitizen copies a moderator's message to the citizen.
func (a *App) relayToCitizen(ctx context.Context, t *Turn, tk store.Ticket, m *models.Message) error {
	if tk.Status != store.TicketOpen {
		t.Do(a.staffPost(m.MessageThreadID, a.staffText("desk.is_closed", map[string]any{"ID": tk.ID}), m.ID))
		return nil
	}
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "out", Author: m.From.ID, Relayed: true, Text: firstNonEmpty(m.Text, m.Caption)}
	rec.StaffMessageID.Int64, rec.StaffMessageID.Valid = int64(m.ID), true
	id, err := store.AddTicketMessage(ctx, t.Tx, rec)
	if err != nil {
		return err
	}
	copied := outbox.Call(tk.UserID, "copyMessage", &tg.CopyMessageParams{ChatID: tk.UserID, FromChatID: a.cfg.StaffChatID, MessageID: m.ID})
	if r := m.ReplyToMessage; r != nil {
		// The moderator answers one of the citizen's messages (or their
		// own copy): the citizen sees it as a reply to theirs.
		if _, to, err := store.TicketByStaffMessage(ctx, t.Tx, r.ID); err == nil && to.TicketID == tk.ID {
			copied = copied.Replying(store.Slot{Kind: store.SlotCitizenCopy, Key: to.ID})
		}
	}
	// A citizen who blocked the bot is marked inactive by the outbox, and
	// the moderators are told.
	copied = copied.Keeping(store.Slot{Kind: store.SlotCitizenCopy, Key: id}).
		IfBlocked(a.ticketPost(tk, a.staffText("desk.citizen_blocked_bot"), nil))
	t.Do(copied)
	if err := store.MarkFirstResponse(ctx, t.Tx, tk.ID); err != nil {
		return err
	}
	return nil
}

// onStaffEdit mirrors a moderator's edit of a relayed text to the citizen.
func (a *App) onStaffEdit(ctx context.Context, t *Turn, m *models.Message) {
	if m.Text == "" {
		t.Status = store.InboxSkipped
		return
	}
	tk, rec, err := store.TicketByStaffMessage(ctx, t.Tx, m.ID)
	if err != nil || rec.Direction != "out" || !rec.Relayed {
		t.Status = store.InboxSkipped
		return
	}
	t.Do(outbox.Call(tk.UserID, "editMessageText", &tg.EditMessageTextParams{ChatID: tk.UserID, Text: m.Text, Entities: m.Entities}).
		Changing(store.Slot{Kind: store.SlotCitizenCopy, Key: rec.ID}).MayBeRefused())
}

func (a *App) onStaffCommand(ctx context.Context, t *Turn, m *models.Message, c Command) error {
	switch c.Name {
	case "tickets":
		return a.listTickets(ctx, t, m)
	case "stats":
		return a.showStats(ctx, t, m, c.Args)
	case "export":
		return a.exportCSV(ctx, t, m, c.Args)
	}
	tk, ok, err := a.ticketOf(ctx, t, m)
	if err != nil {
		return err
	}
	if !ok {
		switch c.Name {
		case "take", "close", "reopen", "block", "unblock", "faq", "note":
			t.Do(a.staffPost(m.MessageThreadID, a.staffText("desk.no_ticket"), m.ID))
		default:
			t.Status = store.InboxSkipped // another bot's command
		}
		return nil
	}
	switch c.Name {
	case "take":
		if err := a.takeTicket(ctx, t, tk, m.From); err != nil {
			return err
		}
	case "close":
		err := a.closeTicket(ctx, t, tk)
		if errors.Is(err, errAlreadyClosed) {
			// A second /close: say so, in reply; where the closed topic
			// takes no message, a 👌 on the command at least.
			t.Do(a.staffPost(m.MessageThreadID, a.staffText("desk.already_closed", map[string]any{"ID": tk.ID}), m.ID).
				OrElse(a.reaction(m, "👌")))
			return nil
		}
		if err != nil {
			return err
		}
	case "reopen":
		if err := a.reopenTicket(ctx, t, tk); err != nil {
			return err
		}
	case "block", "unblock":
		if err := a.blockCitizen(ctx, t, tk, m.From.ID, c.Name == "block"); err != nil {
			return err
		}
	case "faq":
		if err := a.sendFAQToCitizen(ctx, t, tk, m, strings.TrimSpace(c.Args)); err != nil {
			return err
		}
	case "note":
		if err := a.keepNote(ctx, t, tk, m, c.Args); err != nil {
			return err
		}
	default:
		t.Status = store.InboxSkipped
	}
	return nil
}

func (a *App) onDeskButton(ctx context.Context, t *Turn, q *models.CallbackQuery) error {
	action, arg := parseCallback(q.Data)
	verb, idText, _ := strings.Cut(arg, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	tk, err := store.GetTicket(ctx, t.Tx, id)
	if action != cbDesk || err != nil {
		a.ack(ctx, t, "")
		t.Status = store.InboxSkipped
		return nil
	}
	a.ack(ctx, t, "")
	switch verb {
	case "t":
		if err := a.takeTicket(ctx, t, tk, &q.From); err != nil {
			return err
		}
	case "c":
		if err := a.closeTicket(ctx, t, tk); err != nil && !errors.Is(err, errAlreadyClosed) {
			return err
		}
	case "b":
		if err := a.blockCitizen(ctx, t, tk, q.From.ID, true); err != nil {
			return err
		}
	case "f":
		if err := a.ticketToFAQ(ctx, t, tk, q.From.ID); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) staffNote(_ context.Context, t *Turn, tk store.Ticket, id string, data map[string]any) {
	t.Do(a.ticketPost(tk, a.staffText(id, data), nil))
}

func (a *App) tellCitizen(_ context.Context, t *Turn, tk store.Ticket, id string, kb *Keyboard) {
	t.Do(outbox.Send(tk.UserID, a.text.Text(tk.Lang, id, map[string]any{"ID": tk.ID}), markup(kb)))
}

func (a *App) takeTicket(ctx context.Context, t *Turn, tk store.Ticket, by *models.User) error {
	if err := store.TakeTicket(ctx, t.Tx, tk.ID, by.ID); err != nil {
		return err
	}
	a.staffNote(ctx, t, tk, "desk.taken", map[string]any{"Name": html.EscapeString(strings.TrimSpace(by.FirstName + " " + by.LastName))})
	a.tellCitizen(ctx, t, tk, "ticket.taken", nil)
	return nil
}

func (a *App) closeTicket(ctx context.Context, t *Turn, tk store.Ticket) error {
	closed, err := store.CloseTicket(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	if !closed {
		return errAlreadyClosed
	}
	a.staffNote(ctx, t, tk, "desk.closed", map[string]any{"ID": tk.ID})
	if a.staffIsForum() {
		t.Do(
			a.topicCall(tk, "editForumTopic", &tg.EditForumTopicParams{ChatID: a.cfg.StaffChatID, Name: topicName(tk, true)}),
			a.topicCall(tk, "closeForumTopic", &tg.CloseForumTopicParams{ChatID: a.cfg.StaffChatID}),
		)
	}
	id := strconv.FormatInt(tk.ID, 10)
	a.tellCitizen(ctx, t, tk, "ticket.closed", keyboard([]Button{
		button(a.text.Text(tk.Lang, "ticket.solved_yes"), cbTicketRate, id+":y"),
		button(a.text.Text(tk.Lang, "ticket.solved_no"), cbTicketRate, id+":n"),
	}))
	return nil
}

func (a *App) reopenTicket(ctx context.Context, t *Turn, tk store.Ticket) error {
	ok, err := store.ReopenTicket(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	if !ok {
		a.staffNote(ctx, t, tk, "desk.cannot_reopen", map[string]any{"ID": tk.ID})
		return nil
	}
	if a.staffIsForum() {
		t.Do(
			a.topicCall(tk, "reopenForumTopic", &tg.ReopenForumTopicParams{ChatID: a.cfg.StaffChatID}),
			a.topicCall(tk, "editForumTopic", &tg.EditForumTopicParams{ChatID: a.cfg.StaffChatID, Name: topicName(tk, false)}),
		)
	}
	a.staffNote(ctx, t, tk, "desk.reopened", map[string]any{"ID": tk.ID})
	a.tellCitizen(ctx, t, tk, "ticket.reopened", nil)
	return nil
}

func (a *App) blockCitizen(ctx context.Context, t *Turn, tk store.Ticket, by int64, block bool) error {
	var err error
	if block {
		err = store.BlockUser(ctx, t.Tx, tk.UserID, by)
	} else {
		err = store.UnblockUser(ctx, t.Tx, tk.UserID)
	}
	if err != nil {
		return err
	}
	id := "desk.unblocked"
	if block {
		id = "desk.blocked"
	}
	a.staffNote(ctx, t, tk, id, nil)
	return nil
}

// sendFAQToCitizen sends a FAQ answer, in the citizen's language, as a
// canned reply: /faq <entry id> in the ticket's topic.
func (a *App) sendFAQToCitizen(ctx context.Context, t *Turn, tk store.Ticket, m *models.Message, id string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, id)
	if err != nil {
		a.staffNote(ctx, t, tk, "desk.no_such_faq", map[string]any{"ID": html.EscapeString(id)})
		return nil
	}
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "out", Author: m.From.ID, Relayed: true, Text: "/faq " + id}
	rec.StaffMessageID.Int64, rec.StaffMessageID.Valid = int64(m.ID), true
	recID, err := store.AddTicketMessage(ctx, t.Tx, rec)
	if err != nil {
		return err
	}
	t.Do(outbox.Send(tk.UserID, a.renderAnswer(e, tk.Lang), nil).Keeping(store.Slot{Kind: store.SlotCitizenCopy, Key: recID}))
	if err := store.MarkFirstResponse(ctx, t.Tx, tk.ID); err != nil {
		return err
	}
	a.staffNote(ctx, t, tk, "desk.faq_sent", map[string]any{"ID": html.EscapeString(id)})
	return nil
}

func (a *App) listTickets(ctx context.Context, t *Turn, m *models.Message) error {
	list, err := store.OpenTickets(ctx, t.Tx, 30)
	if err != nil {
		return err
	}
	var b strings.Builder
	if len(list) == 0 {
		b.WriteString(a.staffText("desk.no_open"))
	} else {
		b.WriteString(a.staffText("desk.open_title", map[string]any{"Count": len(list)}))
	}
	for _, tk := range list {
		mins := int(time.Since(tk.CreatedAt).Minutes())
		fmt.Fprintf(&b, "\n№%d · %s · %s · %s", tk.ID, strings.ToUpper(tk.Lang),
			a.text.Count(a.staffLang(), "desk.age_minutes", mins, nil), html.EscapeString(tk.Subject))
		if !tk.Assignee.Valid {
			b.WriteString(" · " + a.staffText("desk.unassigned"))
		}
	}
	t.Do(a.staffPost(m.MessageThreadID, b.String(), 0))
	return nil
}

// ticketToFAQ opens the FAQ editor in the moderator's private chat, with
// the citizen's question as the starting point.
func (a *App) ticketToFAQ(ctx context.Context, t *Turn, tk store.Ticket, moderator int64) error {
	if !a.isAdmin(ctx, moderator) {
		a.staffNote(ctx, t, tk, "desk.faq_admins_only", nil)
		return nil
	}
	first, err := store.FirstCitizenText(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	var rows [][]Button
	for _, c := range a.pack.Categories {
		rows = append(rows, []Button{button(a.text2(c.Title, a.staffLang()), cbEdit, fmt.Sprintf("t:%d:%s", tk.ID, c.ID))})
	}
	text := a.staffText("faqedit.pick_topic") + "\n«" + html.EscapeString(cut(first, 500)) + "»"
	// A moderator who never started the bot cannot get the editor: they
	// are told so in the ticket.
	t.Do(outbox.Send(moderator, text, keyboard(rows...)).
		OrElse(a.ticketPost(tk, a.staffText("desk.start_bot_first", map[string]any{"Bot": a.username}), nil)))
	return nil
}

// remindLoop posts a reminder in a ticket's topic when it has waited longer
// than sla within business hours.
func (a *App) remindLoop(ctx context.Context, sla time.Duration) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		a.remindWaiting(ctx, sla)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (a *App) remindWaiting(ctx context.Context, sla time.Duration) {
	if a.cfg.StaffChatID == 0 {
		return
	}
	list, err := store.UnansweredTickets(ctx, a.st.DB())
	if err != nil {
		a.log.Warn("cannot check waiting tickets", "err", err)
		return
	}
	s := a.schedule()
	now := time.Now()
	for _, tk := range list {
		waited := s.Elapsed(tk.CreatedAt, now)
		if waited < sla {
			continue
		}
		text := a.staffText("desk.reminder", map[string]any{"ID": tk.ID, "Waited": a.text.Count(a.staffLang(), "desk.age_minutes", int(waited.Minutes()), nil)})
		// The mark and the reminder commit together: one reminder, whatever
		// fails and is tried again, and however many processes look.
		err := a.st.InTx(ctx, func(tx *sqlx.Tx) error {
			first, err := store.MarkReminded(ctx, tx, tk.ID)
			if err != nil || !first {
				return err
			}
			return outbox.Add(ctx, tx, 0, a.ticketPost(tk, text, nil))
		})
		if err != nil {
			a.log.Warn("cannot post a reminder", "ticket", tk.ID, "err", err)
			continue
		}
		a.out.Committed(ctx, []int64{a.cfg.StaffChatID})
	}
}
