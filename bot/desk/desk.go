package desk

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

// TopicName is a ticket topic's name: number, language, subject; a tick when
// it is closed.
func TopicName(tk store.Ticket, closed bool) string {
	name := fmt.Sprintf("№%d · %s", tk.ID, strings.ToUpper(tk.Lang))
	if tk.Subject != "" {
		name += " · " + tk.Subject
	}
	if closed {
		name = "✅ " + name
	}
	return turn.Cut(name, 120)
}

// PostCard opens the ticket's topic (in a forum) and posts its card.
func (a *Desk) PostCard(t *turn.Turn, tk store.Ticket, from *models.User) {
	if a.StaffIsForum() {
		t.Do(outbox.Call(a.Cfg.StaffChatID, "createForumTopic",
			&telegram.CreateForumTopicParams{ChatID: a.Cfg.StaffChatID, Name: TopicName(tk, false)}).Keeping(turn.TicketThread(tk)))
	}
	card := outbox.Send(a.Cfg.StaffChatID, a.cardText(t, tk, from), a.cardKeyboard(tk.ID, false)).InThread(turn.TicketThread(tk))
	t.Do(card.Keeping(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID}))
}

// cardText tells moderators who wrote and where they came from. Everything
// the citizen wrote or is called is escaped.
func (a *Desk) cardText(t *turn.Turn, tk store.Ticket, from *models.User) string {
	var b strings.Builder
	b.WriteString(a.StaffText("desk.card_title", map[string]any{"ID": tk.ID}))
	if from != nil {
		b.WriteString("\n" + tg.UserLine(from))
	}
	b.WriteString(" · " + strings.ToUpper(tk.Lang))
	switch {
	case tk.Source == "rating" && tk.SourceText != "":
		// The rating's reference, as the review card shows it.
		b.WriteString("\n" + a.StaffText("desk.source.rating_ref", map[string]any{"Ref": html.EscapeString(tk.SourceText)}))
	case tk.SourceText != "":
		b.WriteString("\n" + a.StaffText("desk.source."+tk.Source) + ": «" + html.EscapeString(turn.Cut(tk.SourceText, 300)) + "»")
	default:
		b.WriteString("\n" + a.StaffText("desk.source."+tk.Source))
	}
	if t.User != nil && strings.HasPrefix(t.User.StartPayload, "r_") {
		centre, _, _ := strings.Cut(strings.TrimPrefix(t.User.StartPayload, "r_"), "_")
		if c, ok := a.Pack.Centre(centre); ok {
			b.WriteString("\n🏢 " + html.EscapeString(a.Pack.Local(c.Name, a.StaffLang())))
		}
	}
	return b.String()
}

// cardKeyboard is the buttons of ticket id's card; blocked: its citizen
// is blocked, and the card offers to unblock them.
func (a *Desk) cardKeyboard(id int64, blocked bool) *tg.Keyboard {
	s := strconv.FormatInt(id, 10)
	block := tg.CallbackButton(a.StaffText("desk.block"), turn.CbDesk, "b:"+s)
	if blocked {
		block = tg.CallbackButton(a.StaffText("desk.unblock"), turn.CbDesk, "u:"+s)
	}
	return tg.NewKeyboard(
		[]tg.Button{
			tg.CallbackButton(a.StaffText("desk.take"), turn.CbDesk, "t:"+s),
			tg.CallbackButton(a.StaffText("desk.close"), turn.CbDesk, "c:"+s),
			block,
		},
		[]tg.Button{tg.CallbackButton(a.StaffText("desk.to_faq"), turn.CbDesk, "f:"+s)},
	)
}

// blockKeyboard asks to confirm blocking the citizen of ticket id.
func (a *Desk) blockKeyboard(id int64) *tg.Keyboard {
	s := strconv.FormatInt(id, 10)
	return tg.NewKeyboard([]tg.Button{
		tg.CallbackButton(a.StaffText("desk.block_yes"), turn.CbDesk, "B:"+s),
		tg.CallbackButton(a.StaffText("desk.block_no"), turn.CbDesk, "k:"+s),
	})
}

// cardShowsBlocked puts on ticket tk's card the buttons for its citizen
// blocked or not.
func (a *Desk) cardShowsBlocked(tk store.Ticket, blocked bool) outbox.Effect {
	return outbox.Call(a.Cfg.StaffChatID, "editMessageReplyMarkup", &telegram.EditMessageReplyMarkupParams{
		ChatID: a.Cfg.StaffChatID, ReplyMarkup: a.cardKeyboard(tk.ID, blocked),
	}).Changing(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID}).MayBeRefused().Silent()
}

// cardButtons puts kb on the card msgID in the staff chat.
func (a *Desk) cardButtons(msgID int, kb *tg.Keyboard) outbox.Effect {
	return outbox.Call(a.Cfg.StaffChatID, "editMessageReplyMarkup", &telegram.EditMessageReplyMarkupParams{
		ChatID: a.Cfg.StaffChatID, MessageID: msgID, ReplyMarkup: tg.Markup(kb),
	}).MayBeRefused().Silent()
}

// IsStaffUpdate matches what happens in the staff chat.
func (a *Desk) IsStaffUpdate(u *models.Update) bool {
	chat, _ := tg.ChatOf(u)
	return a.Cfg.StaffChatID != 0 && chat == a.Cfg.StaffChatID
}

// OnStaff handles the staff chat: moderators' messages, commands, edits
// and card buttons. Members of the staff chat are the moderators.
func (a *Desk) OnStaff(ctx context.Context, t *turn.Turn) error {
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
func (a *Desk) ticketOf(ctx context.Context, t *turn.Turn, m *models.Message) (store.Ticket, bool, error) {
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

func (a *Desk) onStaffMessage(ctx context.Context, t *turn.Turn, m *models.Message) error {
	if m.From == nil || m.From.IsBot {
		t.Status = store.InboxSkipped
		return nil
	}
	if c, ok := tg.ParseCommand(m); ok {
		if c.Bot == "" || strings.EqualFold(c.Bot, a.Username) {
			return a.onStaffCommand(ctx, t, m, c)
		}
		// Another bot's command («/faq@otherbot»): neither ours nor an
		// answer for the citizen.
		t.Status = store.InboxSkipped
		return nil
	}
	tk, ok, err := a.ticketOf(ctx, t, m)
	if err != nil {
		return err
	}
	if !ok {
		if a.answersBotInGeneral(m) {
			t.Do(a.StaffPost(0, a.StaffText("desk.general_not_relayed"), m.ID))
			return nil
		}
		t.Status = store.InboxSkipped // talk among moderators
		return nil
	}
	if note, err := a.IsStaffNote(ctx, t, m); err != nil || note {
		if err != nil {
			return err
		}
		if group := tg.AlbumOf(m); group != "" && turn.MarkedNote(m) {
			// «//» on a later photo of an album: the parts before it,
			// held a moment to go as one album, stay with staff too.
			if _, err := store.WithdrawAlbum(ctx, t.Tx, tk.ID, tk.UserID, group); err != nil {
				return err
			}
		}
		return a.keepNote(ctx, t, tk, m, turn.FirstNonEmpty(m.Text, m.Caption))
	}
	return a.relayToCitizen(ctx, t, tk, m)
}

// answersBotInGeneral tells a moderator's message in the forum's General
// topic that replies to one of the bot's messages there: most likely an
// answer meant for a citizen (after a notice about a request, or /tickets),
// which reaches nobody from General. Other talk there is the moderators'
// own, and the bot keeps out of it.
func (a *Desk) answersBotInGeneral(m *models.Message) bool {
	r := m.ReplyToMessage
	return a.StaffIsForum() && !m.IsTopicMessage && r != nil && r.From != nil && r.From.IsBot &&
		strings.EqualFold(r.From.Username, a.Username)
}

func (a *Desk) keepNote(ctx context.Context, t *turn.Turn, tk store.Ticket, m *models.Message, text string) error {
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "note", Author: m.From.ID, Relayed: false, Text: text}
	rec.StaffMessageID = int64(m.ID)
	if _, err := store.AddTicketMessage(ctx, t.Tx, rec); err != nil {
		return err
	}
	// A 👌 on the note says it was kept (and not sent to the citizen).
	t.Do(a.Reaction(m, "👌"))
	return nil
}

// noteModerator keeps the name a moderator who takes or answers a ticket
// goes by, for /tickets.
func noteModerator(ctx context.Context, t *turn.Turn, u *models.User) error {
	return store.NoteStaff(ctx, t.Tx, u.ID, tg.DisplayName(u))
}

// notSentClosed tells a moderator that what they wrote to a closed
// ticket did not reach the citizen. A closed topic takes no message from
// the bot, so in a forum the notice goes to the General topic, naming the
// moderator and linking the ticket's message; in a group without topics it
// replies to the message.
func (a *Desk) notSentClosed(t *turn.Turn, tk store.Ticket, m *models.Message) {
	if tk.Forgotten() {
		a.notSentForgotten(t, tk, m)
		return
	}
	if !a.StaffIsForum() || m.MessageThreadID == 0 {
		t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.is_closed", map[string]any{"ID": tk.ID}), m.ID))
		return
	}
	t.Do(a.StaffPost(0, a.StaffText("desk.is_closed_general", map[string]any{
		"Name": html.EscapeString(tg.DisplayName(m.From)), "Ticket": a.messageRef(tk, m),
	}), 0))
}

// messageRef is «№2», linked to the moderator's message m in the ticket's
// topic.
func (a *Desk) messageRef(tk store.Ticket, m *models.Message) string {
	ref := fmt.Sprintf("№%d", tk.ID)
	if link := a.messageLink(m.MessageThreadID, m.ID); link != "" {
		ref = fmt.Sprintf(`<a href="%s">%s</a>`, link, ref)
	}
	return ref
}

// messageLink is the t.me link to a message in a topic of the staff
// supergroup ("" when the chat id is not a supergroup's).
func (a *Desk) messageLink(thread, msg int) string {
	id := strconv.FormatInt(a.Cfg.StaffChatID, 10)
	if !strings.HasPrefix(id, "-100") {
		return ""
	}
	return fmt.Sprintf("https://t.me/c/%s/%d/%d", strings.TrimPrefix(id, "-100"), thread, msg)
}

// ticketRef is «№2», linked to the ticket's topic when there is one.
func (a *Desk) ticketRef(tk store.Ticket) string {
	ref := fmt.Sprintf("№%d", tk.ID)
	if tk.ThreadID == 0 || !a.StaffIsForum() {
		return ref
	}
	if link := a.messageLink(int(tk.ThreadID), int(tk.ThreadID)); link != "" {
		return fmt.Sprintf(`<a href="%s">%s</a>`, link, ref)
	}
	return ref
}

// errAlreadyClosed is closeTicket's word that the ticket was closed before.
var errAlreadyClosed = errors.New("bot: the ticket is closed already")

// relayToCitizen copies a moderator's message to the citizen.
func (a *Desk) relayToCitizen(ctx context.Context, t *turn.Turn, tk store.Ticket, m *models.Message) error {
	if tk.Status != store.TicketOpen {
		a.notSentClosed(t, tk, m)
		return nil
	}
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "out", Author: m.From.ID, Relayed: true, Text: turn.FirstNonEmpty(m.Text, m.Caption),
		MediaGroup: tg.AlbumOf(m)}
	rec.StaffMessageID = int64(m.ID)
	id, err := store.AddTicketMessage(ctx, t.Tx, rec)
	if err != nil {
		return err
	}
	if err := noteModerator(ctx, t, m.From); err != nil {
		return err
	}
	// Every answer says whose it is: a copy carries no name, and the
	// citizen should tell a person's words from the bot's own.
	copied := a.labelledCopy(t, tk, m)
	if group := tg.AlbumOf(m); group != "" {
		// One photo of several sent together: the album reaches the
		// citizen whole, the label at the head of its caption.
		caption, ents, ok := withLabel(a.Text.Text(tk.Lang, "ticket.operator_label"), m.Caption, m.CaptionEntities, maxCaptionLen)
		if !ok {
			caption, ents = m.Caption, m.CaptionEntities // the label came on its own before it
		}
		lead, ok := tg.AlbumItem(m, caption, ents, "")
		item, _ := tg.AlbumItem(m, m.Caption, m.CaptionEntities, "")
		if ok {
			copied = copied.InAlbum(group, lead, item)
		}
	}
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
		IfBlocked(a.TicketPost(tk, a.StaffText("desk.citizen_blocked_bot"), nil))
	t.Do(copied)
	if err := store.MarkAnswered(ctx, t.Tx, tk.ID); err != nil {
		return err
	}
	return nil
}

// Telegram's limits, in UTF-16 code units, on a message's text and a
// media's caption.
const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
)

// labelledCopy is the effect that brings a moderator's message to the
// citizen with the operator's label in front: a text is sent with it, a
// photo, video, document or voice message copied with it at the head of
// the caption. What has no caption (a sticker, a video note, a location),
// or would be too long with the label, is copied as it is after the label
// on its own.
func (a *Desk) labelledCopy(t *turn.Turn, tk store.Ticket, m *models.Message) outbox.Effect {
	label := a.Text.Text(tk.Lang, "ticket.operator_label")
	copied := &telegram.CopyMessageParams{ChatID: tk.UserID, FromChatID: a.Cfg.StaffChatID, MessageID: m.ID}
	switch {
	case m.Text != "":
		if text, ents, ok := withLabel(label, m.Text, m.Entities, maxTextLen); ok {
			return outbox.Call(tk.UserID, "sendMessage", &telegram.SendMessageParams{
				ChatID: tk.UserID, Text: text, Entities: ents, LinkPreviewOptions: m.LinkPreviewOptions,
			})
		}
	case captioned(m):
		if caption, ents, ok := withLabel(label, m.Caption, m.CaptionEntities, maxCaptionLen); ok {
			copied.Caption, copied.CaptionEntities, copied.ShowCaptionAboveMedia = caption, ents, m.ShowCaptionAboveMedia
			return outbox.Call(tk.UserID, "copyMessage", copied)
		}
	}
	t.Do(outbox.Send(tk.UserID, html.EscapeString(label), nil))
	return outbox.Call(tk.UserID, "copyMessage", copied)
}

// withLabel puts label in front of text (a space between them), moving
// text's entities along; ok is false when the result would be longer than
// limit.
func withLabel(label, text string, ents []models.MessageEntity, limit int) (string, []models.MessageEntity, bool) {
	if text == "" {
		return label, nil, true
	}
	head := label + " "
	shift := dialogs.UTF16Len(head)
	if shift+dialogs.UTF16Len(text) > limit {
		return text, ents, false
	}
	moved := make([]models.MessageEntity, 0, len(ents))
	for _, e := range ents {
		e.Offset += shift
		moved = append(moved, e)
	}
	return head + text, moved, true
}

// onStaffEdit mirrors a moderator's edit of a relayed text to the citizen.
func (a *Desk) onStaffEdit(ctx context.Context, t *turn.Turn, m *models.Message) {
	if m.Text == "" && !captioned(m) {
		t.Status = store.InboxSkipped
		return
	}
	tk, rec, err := store.TicketByStaffMessage(ctx, t.Tx, m.ID)
	if err == nil && rec.Direction == "note" && !tk.Forgotten() && !turn.MarkedNote(m) {
		// «// Номери будуть готові…» with the «//» taken out: a note stays
		// a note, and the moderator is told how to send it.
		t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.note_stays_note"), m.ID))
		return
	}
	if err != nil || rec.Direction != "out" || !rec.Relayed || tk.Forgotten() {
		// (A citizen who deleted their data has no chat the bot knows.)
		t.Status = store.InboxSkipped
		return
	}
	if turn.MarkedNote(m) {
		a.editedIntoNote(t, tk, rec, m)
		return
	}
	if strings.HasPrefix(strings.TrimSpace(m.Text), "/") {
		// «/faq lost_licence» edited to «/faq plates_lost»: the citizen's
		// answer is not turned into the command's words.
		t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.command_edited"), m.ID))
		return
	}
	// The copy keeps its label (unless the corrected text is too long to
	// bear one: then, as when it was copied, the label stands apart).
	label := a.Text.Text(tk.Lang, "ticket.operator_label")
	copyOf := store.Slot{Kind: store.SlotCitizenCopy, Key: rec.ID}
	if m.Text == "" {
		caption, ents, ok := withLabel(label, m.Caption, m.CaptionEntities, maxCaptionLen)
		if !ok {
			caption, ents = m.Caption, m.CaptionEntities
		}
		t.Do(outbox.Call(tk.UserID, "editMessageCaption", &telegram.EditMessageCaptionParams{ChatID: tk.UserID, Caption: caption, CaptionEntities: ents, ShowCaptionAboveMedia: m.ShowCaptionAboveMedia}).
			Changing(copyOf).MayBeRefused())
		return
	}
	text, ents, _ := withLabel(label, m.Text, m.Entities, maxTextLen)
	t.Do(outbox.Call(tk.UserID, "editMessageText", &telegram.EditMessageTextParams{ChatID: tk.UserID, Text: text, Entities: ents, LinkPreviewOptions: m.LinkPreviewOptions}).
		Changing(copyOf).MayBeRefused())
}

// captioned tells a message whose media carries a caption (and is copied
// with the label in it).
func captioned(m *models.Message) bool {
	return len(m.Photo) > 0 || m.Video != nil || m.Animation != nil || m.Document != nil || m.Audio != nil || m.Voice != nil
}

func (a *Desk) onStaffCommand(ctx context.Context, t *turn.Turn, m *models.Message, c tg.Command) error {
	switch c.Name {
	case "help":
		t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.help"), m.ID))
		return nil
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
		if c.Name == "faq" && strings.TrimSpace(c.Args) != "" {
			// Anywhere in the group, /faq words finds the entries' ids.
			a.searchFAQ(t, m.MessageThreadID, m.ID, strings.TrimSpace(c.Args))
			return nil
		}
		if c.Name == "faq" {
			t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.faq_usage", a.faqExample()), m.ID))
			return nil
		}
		switch c.Name {
		case "take", "close", "reopen", "block", "unblock", "faq", "note":
			t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.no_ticket"), m.ID))
		default:
			t.Status = store.InboxSkipped // another bot's command
		}
		return nil
	}
	if tk.Forgotten() {
		switch c.Name {
		case "take", "close", "reopen", "block", "unblock":
			a.refuseForgotten(t, tk)
			return nil
		}
	}
	switch c.Name {
	case "take":
		if err := a.takeTicket(ctx, t, tk, m.From); err != nil {
			return err
		}
	case "close":
		err := a.closeTicket(ctx, t, tk, m.From)
		if errors.Is(err, errAlreadyClosed) {
			// A second /close: say so, in reply; where the closed topic
			// takes no message, a 👌 on the command at least.
			t.Do(a.StaffPost(m.MessageThreadID, a.StaffText("desk.already_closed", map[string]any{"ID": tk.ID}), m.ID).
				OrElse(a.Reaction(m, "👌")))
			return nil
		}
		if err != nil {
			return err
		}
	case "reopen":
		if err := a.reopenTicket(ctx, t, tk); err != nil {
			return err
		}
	case "block":
		if err := a.askToBlock(ctx, t, tk); err != nil {
			return err
		}
	case "unblock":
		if err := a.blockCitizen(ctx, t, tk, m.From, false, 0); err != nil {
			return err
		}
	case "faq":
		args := strings.TrimSpace(c.Args)
		switch _, isID := a.Book().ByID[args]; {
		case args == "":
			a.deskNote(t, tk, "desk.faq_usage", a.faqExample())
			return nil
		case tk.Status != store.TicketOpen && isID:
			a.notSentClosed(t, tk, m)
			return nil
		case tk.Status != store.TicketOpen && a.StaffIsForum():
			// A search from a closed topic is answered in General.
			a.searchFAQ(t, 0, 0, args)
			return nil
		case tk.Status != store.TicketOpen:
			a.searchFAQ(t, m.MessageThreadID, m.ID, args)
			return nil
		}
		if err := a.sendFAQToCitizen(ctx, t, tk, m, strings.TrimSpace(c.Args)); err != nil {
			return err
		}
	case "note":
		if err := a.keepNote(ctx, t, tk, m, c.Args); err != nil {
			return err
		}
	default:
		// A typo (/tkae) or a command of the private chat (/start) in a
		// request's topic: said so, lest the moderator think it was done.
		// (Another bot's /cmd@otherbot never comes here.)
		text := a.StaffText("desk.unknown_command", map[string]any{"Command": html.EscapeString(turn.Cut("/"+c.Name, 40))})
		if tk.Status == store.TicketOpen || !a.StaffIsForum() {
			t.Do(a.StaffPost(m.MessageThreadID, text, m.ID))
			return nil
		}
		t.Do(a.StaffPost(0, a.StaffText("desk.about_closed", map[string]any{"ID": tk.ID, "Text": text}), 0))
	}
	return nil
}

func (a *Desk) onDeskButton(ctx context.Context, t *turn.Turn, q *models.CallbackQuery) error {
	action, arg := tg.ParseCallback(q.Data)
	verb, idText, _ := strings.Cut(arg, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	if action == turn.CbDesk && verb == "x" {
		return a.unsendAnswer(ctx, t, id) // id: the answer's, not the ticket's
	}
	tk, err := store.GetTicket(ctx, t.Tx, id)
	if action != turn.CbDesk || err != nil {
		a.Ack(ctx, t, "")
		t.Status = store.InboxSkipped
		return nil
	}
	if tk.Status != store.TicketOpen && !tk.Forgotten() && (verb == "t" || verb == "c") {
		// The card of a request closed since: the tap is answered where
		// the moderator looks, on the card (it was silent, or said in
		// General).
		a.Ack(ctx, t, a.StaffText("desk.card_closed", map[string]any{"ID": tk.ID}))
		return nil
	}
	a.Ack(ctx, t, "")
	if tk.Forgotten() {
		// A card from before its citizen deleted their data (it has no
		// buttons since).
		a.refuseForgotten(t, tk)
		return nil
	}
	switch verb {
	case "t":
		if err := a.takeTicket(ctx, t, tk, &q.From); err != nil {
			return err
		}
	case "c":
		if err := a.closeTicket(ctx, t, tk, &q.From); err != nil && !errors.Is(err, errAlreadyClosed) {
			return err
		}
	case "b":
		// Blocking asks for a second tap: the card's buttons become «yes,
		// block» and «no», for whoever looks at it.
		t.Do(a.cardButtons(tg.CallbackMessageID(t.Update), a.blockKeyboard(tk.ID)))
	case "B":
		if msg := tg.CallbackMessageID(t.Update); int64(msg) != tk.CardMessageID {
			// /block's question: answered, it asks no more (the card
			// shows the citizen blocked, below).
			t.Do(a.cardButtons(msg, nil))
		}
		if err := a.blockCitizen(ctx, t, tk, &q.From, true, tg.CallbackMessageID(t.Update)); err != nil {
			return err
		}
	case "k": // not blocked after all
		msg := tg.CallbackMessageID(t.Update)
		if int64(msg) != tk.CardMessageID {
			t.Do(outbox.Call(a.Cfg.StaffChatID, "editMessageText", &telegram.EditMessageTextParams{
				ChatID: a.Cfg.StaffChatID, MessageID: msg, Text: a.StaffText("desk.block_cancelled"), ParseMode: models.ParseModeHTML,
			}).MayBeRefused())
			return nil
		}
		blocked, err := store.IsBlocked(ctx, t.Tx, tk.UserID)
		if err != nil {
			return err
		}
		t.Do(a.cardButtons(msg, a.cardKeyboard(tk.ID, blocked)))
	case "u":
		if err := a.blockCitizen(ctx, t, tk, &q.From, false, tg.CallbackMessageID(t.Update)); err != nil {
			return err
		}
	case "f":
		if err := a.ticketToFAQ(ctx, t, tk, q.From.ID); err != nil {
			return err
		}
	}
	return nil
}

// StaffNote posts a note about a ticket into its topic, in the staff's
// language.
func (a *Desk) StaffNote(_ context.Context, t *turn.Turn, tk store.Ticket, id string, data map[string]any) {
	t.Do(a.TicketPost(tk, a.StaffText(id, data), nil))
}

// NoteReopenedByCitizen tells moderators, in the ticket's topic, that its
// citizen reopened it, and in what spirit: they had answered that it was
// not solved, or that it was solved (and now have something more), or
// had not answered.
func (a *Desk) NoteReopenedByCitizen(ctx context.Context, t *turn.Turn, tk store.Ticket) {
	id := "desk.reopened_by_citizen_unrated"
	switch tk.Resolved {
	case 1:
		id = "desk.reopened_after_solved"
	case -1:
		id = "desk.reopened_by_citizen"
	}
	a.StaffNote(ctx, t, tk, id, map[string]any{"ID": tk.ID})
}

// deskNote answers a moderator's command about a ticket: in its topic, or,
// when the ticket is closed (its topic takes nothing from the bot), in the
// General topic, naming the ticket.
func (a *Desk) deskNote(t *turn.Turn, tk store.Ticket, id string, data map[string]any) {
	a.deskPost(t, tk, a.StaffText(id, data), nil)
}

// deskPost is deskNote's text with buttons kb (nil: none) under it.
func (a *Desk) deskPost(t *turn.Turn, tk store.Ticket, text string, kb *tg.Keyboard) {
	if tk.Status == store.TicketOpen || !a.StaffIsForum() {
		t.Do(a.TicketPost(tk, text, kb))
		return
	}
	text = a.StaffText("desk.about_closed", map[string]any{"ID": tk.ID, "Text": text})
	t.Do(outbox.Send(a.Cfg.StaffChatID, text, tg.Markup(kb)))
}

func (a *Desk) tellCitizen(_ context.Context, t *turn.Turn, tk store.Ticket, id string, kb *tg.Keyboard) {
	t.Do(outbox.Send(tk.UserID, a.Text.Text(tk.Lang, id, map[string]any{"ID": tk.ID}), tg.Markup(kb)))
}

// takeTicket gives the ticket to a moderator. The citizen is told the
// first time only: a colleague taking it over is news for staff (who had
// it, who has it now), not for the citizen.
func (a *Desk) takeTicket(ctx context.Context, t *turn.Turn, tk store.Ticket, by *models.User) error {
	if tk.Status != store.TicketOpen {
		// Taking a closed request would change who had it, and nothing
		// else: it is reopened first, unless the citizen has another open
		// one, which is where to go.
		switch other, err := store.OpenTicketOf(ctx, t.Tx, tk.UserID); {
		case err == nil:
			a.deskNote(t, tk, "desk.take_closed_other", map[string]any{"Other": a.ticketRef(other)})
		case errors.Is(err, store.ErrNotFound):
			a.deskNote(t, tk, "desk.take_closed", nil)
		default:
			return err
		}
		return nil
	}
	previous, err := store.TakeTicket(ctx, t.Tx, tk.ID, by.ID)
	if err != nil {
		return err
	}
	if err := noteModerator(ctx, t, by); err != nil {
		return err
	}
	name := html.EscapeString(tg.DisplayName(by))
	switch previous {
	case 0:
		a.deskNote(t, tk, "desk.taken", map[string]any{"Name": name})
		a.tellCitizen(ctx, t, tk, "ticket.taken", nil)
	case by.ID:
		a.deskNote(t, tk, "desk.taken_already", map[string]any{"Name": name})
	default:
		names, err := store.StaffNames(ctx, t.Tx, []int64{previous})
		if err != nil {
			return err
		}
		was := a.StaffText("desk.someone")
		if n := names[previous]; n != "" {
			was = html.EscapeString(n)
		}
		a.deskNote(t, tk, "desk.taken_over", map[string]any{"Name": name, "Was": was})
	}
	return nil
}

func (a *Desk) closeTicket(ctx context.Context, t *turn.Turn, tk store.Ticket, by *models.User) error {
	closed, err := store.CloseTicket(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	if !closed {
		return errAlreadyClosed
	}
	a.StaffNote(ctx, t, tk, "desk.closed", map[string]any{"ID": tk.ID, "Name": html.EscapeString(tg.DisplayName(by))})
	if a.StaffIsForum() {
		t.Do(
			a.TopicCall(tk, "editForumTopic", &telegram.EditForumTopicParams{ChatID: a.Cfg.StaffChatID, Name: TopicName(tk, true)}),
			a.TopicCall(tk, "closeForumTopic", &telegram.CloseForumTopicParams{ChatID: a.Cfg.StaffChatID}),
		)
	}
	id := strconv.FormatInt(tk.ID, 10)
	a.tellCitizen(ctx, t, tk, "ticket.closed", tg.NewKeyboard([]tg.Button{
		tg.CallbackButton(a.Text.Text(tk.Lang, "ticket.solved_yes"), turn.CbTicketRate, id+":y"),
		tg.CallbackButton(a.Text.Text(tk.Lang, "ticket.solved_no"), turn.CbTicketRate, id+":n"),
	}))
	return nil
}

func (a *Desk) reopenTicket(ctx context.Context, t *turn.Turn, tk store.Ticket) error {
	ok, err := store.ReopenTicket(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	if !ok {
		// Said why: it is open, or the citizen has another open one
		// (named, so that the moderator goes there).
		switch other, err := store.OpenTicketOf(ctx, t.Tx, tk.UserID); {
		case tk.Status == store.TicketOpen:
			a.deskNote(t, tk, "desk.reopen_open", map[string]any{"ID": tk.ID})
		case err == nil && other.ID != tk.ID:
			a.deskNote(t, tk, "desk.reopen_other_open", map[string]any{"Other": a.ticketRef(other)})
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		default:
			a.deskNote(t, tk, "desk.cannot_reopen", map[string]any{"ID": tk.ID})
		}
		return nil
	}
	if a.StaffIsForum() {
		t.Do(
			a.TopicCall(tk, "reopenForumTopic", &telegram.ReopenForumTopicParams{ChatID: a.Cfg.StaffChatID}),
			a.TopicCall(tk, "editForumTopic", &telegram.EditForumTopicParams{ChatID: a.Cfg.StaffChatID, Name: TopicName(tk, false)}),
		)
	}
	a.StaffNote(ctx, t, tk, "desk.reopened", map[string]any{"ID": tk.ID})
	a.tellCitizen(ctx, t, tk, "ticket.reopened", nil)
	return nil
}

// askToBlock answers /block as the card's ⛔ does: blocking waits for a
// second word, «yes, block» or «no» under the question. A citizen who is
// blocked already is said to be.
func (a *Desk) askToBlock(ctx context.Context, t *turn.Turn, tk store.Ticket) error {
	blocked, err := store.IsBlocked(ctx, t.Tx, tk.UserID)
	if err != nil {
		return err
	}
	if blocked {
		a.deskNote(t, tk, "desk.already_blocked", nil)
		return nil
	}
	a.deskPost(t, tk, a.StaffText("desk.block_ask"), a.blockKeyboard(tk.ID))
	return nil
}

// blockCitizen blocks (or unblocks) the citizen of tk, tells the topic,
// and has the card show it; tapped is the staff-chat message whose button
// asked for it (0: a command).
func (a *Desk) blockCitizen(ctx context.Context, t *turn.Turn, tk store.Ticket, by *models.User, block bool, tapped int) error {
	var changed bool
	var err error
	if block {
		changed, err = store.BlockUser(ctx, t.Tx, tk.UserID, by.ID)
	} else {
		changed, err = store.UnblockUser(ctx, t.Tx, tk.UserID)
	}
	if err != nil {
		return err
	}
	// Said as it is: a citizen who was not blocked is not «unblocked».
	var id string
	switch {
	case block && changed:
		id = "desk.blocked"
	case block:
		id = "desk.already_blocked"
	case changed:
		id = "desk.unblocked"
	default:
		id = "desk.not_blocked"
	}
	a.deskNote(t, tk, id, map[string]any{"Name": html.EscapeString(tg.DisplayName(by))})
	switch {
	case tapped != 0 && int64(tapped) == tk.CardMessageID:
		// Tapped on the card (which shows the question, or an old state).
		t.Do(a.cardButtons(tapped, a.cardKeyboard(tk.ID, block)))
	case changed:
		t.Do(a.cardShowsBlocked(tk, block))
	}
	return nil
}

// sendFAQToCitizen sends a FAQ answer, in the citizen's language, as a
// canned reply: /faq <entry id> in the ticket's topic.
func (a *Desk) sendFAQToCitizen(ctx context.Context, t *turn.Turn, tk store.Ticket, m *models.Message, id string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		// Not an id: words to look the entry up by.
		a.searchFAQ(t, m.MessageThreadID, m.ID, id)
		return nil
	}
	if err != nil {
		return err
	}
	if e.Hidden {
		// Hidden from citizens (a half-made entry kept, say): not sent.
		a.StaffNote(ctx, t, tk, "desk.faq_hidden", map[string]any{"ID": html.EscapeString(id)})
		return nil
	}
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "out", Author: m.From.ID, Relayed: true, Text: "/faq " + id}
	rec.StaffMessageID = int64(m.ID)
	recID, err := store.AddTicketMessage(ctx, t.Tx, rec)
	if err != nil {
		return err
	}
	if err := noteModerator(ctx, t, m.From); err != nil {
		return err
	}
	// The operator's choice, labelled as their answers are.
	answer := html.EscapeString(a.Text.Text(tk.Lang, "ticket.operator_label")) + " " + a.RenderAnswer(e, tk.Lang)
	t.Do(outbox.Send(tk.UserID, answer, nil).Keeping(store.Slot{Kind: store.SlotCitizenCopy, Key: recID}))
	if err := store.MarkAnswered(ctx, t.Tx, tk.ID); err != nil {
		return err
	}
	a.StaffNote(ctx, t, tk, "desk.faq_sent", map[string]any{"ID": html.EscapeString(id)})
	return nil
}

// /faq words lists up to faqFound entries, those the matcher gives at
// least faqFoundAt (of 1): the few it ranks clearly above the rest.
const (
	faqFound   = 5
	faqFoundAt = 0.05
)

// searchFAQ answers /faq words with the entries the citizens' matcher
// finds for them: each one's question, in the staff's language, and the
// command that sends it.
func (a *Desk) searchFAQ(t *turn.Turn, thread, replyTo int, words string) {
	b := a.Book()
	if e, ok := b.ByID[strings.TrimSpace(words)]; ok {
		// An entry's id: that entry, not the words of its id searched.
		text := a.StaffText("desk.faq_entry", map[string]any{"ID": html.EscapeString(e.ID)}) +
			"\n• " + html.EscapeString(a.Pack.Local(e.Question, a.StaffLang()))
		if e.Hidden {
			text += "\n" + a.StaffText("desk.faq_entry_hidden")
		}
		t.Do(a.StaffPost(thread, text, replyTo))
		return
	}
	var lines []string
	for _, found := range b.Index.Search(words, 0) {
		if len(lines) == faqFound || found.Score < faqFoundAt {
			break
		}
		e, ok := b.ByID[found.ID]
		if !ok || e.Hidden {
			continue
		}
		lines = append(lines, fmt.Sprintf("• %s\n   <code>/faq %s</code>",
			html.EscapeString(a.Pack.Local(e.Question, a.StaffLang())), html.EscapeString(e.ID)))
	}
	text := a.StaffText("desk.faq_not_found", map[string]any{"Words": html.EscapeString(turn.Cut(words, 100))})
	if len(lines) > 0 {
		text = a.StaffText("desk.faq_found", map[string]any{"Words": html.EscapeString(turn.Cut(words, 100))}) +
			"\n" + strings.Join(lines, "\n")
	}
	t.Do(a.StaffPost(thread, text, replyTo))
}

// listed is how many tickets /tickets shows, the oldest.
const listed = 30

// age says how long, in the staff's language, the way people do: «щойно»,
// «25 хвилин», «3 год 20 хв», «2 дні 3 год». Working time (days false)
// goes in hours, however many: a day of it is no calendar day.
func (a *Desk) age(d time.Duration, days bool) string {
	lang := a.StaffLang()
	m := int(d / time.Minute)
	const day = 24 * 60
	switch {
	case m < 1:
		return a.StaffText("desk.age_now")
	case m < 60:
		return a.Text.Count(lang, "desk.age_minutes", m, nil)
	case (m < day || !days) && m%60 == 0:
		return a.StaffText("desk.age_hours", map[string]any{"H": m / 60})
	case m < day || !days:
		return a.StaffText("desk.age_hours_minutes", map[string]any{"H": m / 60, "M": m % 60})
	}
	s := a.Text.Count(lang, "desk.age_days", m/day, nil)
	if h := m % day / 60; h > 0 {
		s += " " + a.StaffText("desk.age_hours", map[string]any{"H": h})
	}
	return s
}

func (a *Desk) listTickets(ctx context.Context, t *turn.Turn, m *models.Message) error {
	list, err := store.OpenTickets(ctx, t.Tx, listed)
	if err != nil {
		return err
	}
	total := len(list)
	if total == listed {
		if total, err = store.CountOpenTickets(ctx, t.Tx); err != nil {
			return err
		}
	}
	var b strings.Builder
	if len(list) == 0 {
		b.WriteString(a.StaffText("desk.no_open"))
	} else {
		b.WriteString(a.StaffText("desk.open_title", map[string]any{"Count": total}))
	}
	// Whose each ticket is: who took it, else who answered last, else
	// nobody yet; a blocked citizen's is marked so (and is nobody's to
	// take up).
	name := func(known string) string {
		if known == "" {
			return a.StaffText("desk.someone")
		}
		return html.EscapeString(known)
	}
	for _, tk := range list {
		fmt.Fprintf(&b, "\n№%d · %s · %s · %s · ", tk.ID, strings.ToUpper(tk.Lang),
			a.age(time.Since(tk.CreatedAt), true), html.EscapeString(tk.Subject))
		switch {
		case tk.Assignee != 0:
			b.WriteString(a.StaffText("desk.list_taken", map[string]any{"Name": name(tk.AssigneeName)}))
		case tk.LastAnswerer != 0:
			b.WriteString(a.StaffText("desk.list_answered", map[string]any{"Name": name(tk.LastAnswererName)}))
		case !tk.Blocked:
			b.WriteString(a.StaffText("desk.unassigned"))
		}
		if tk.Blocked {
			if tk.Assignee != 0 || tk.LastAnswerer != 0 {
				b.WriteString(" · ")
			}
			b.WriteString(a.StaffText("desk.list_blocked"))
		}
	}
	if more := total - len(list); more > 0 {
		b.WriteString("\n" + a.StaffText("desk.open_more", map[string]any{"More": more, "Shown": len(list)}))
	}
	t.Do(a.StaffPost(m.MessageThreadID, b.String(), 0))
	return nil
}

// ticketToFAQ opens the FAQ editor in the moderator's private chat, with
// the citizen's question as the starting point.
func (a *Desk) ticketToFAQ(ctx context.Context, t *turn.Turn, tk store.Ticket, moderator int64) error {
	if !a.IsAdmin(ctx, moderator) {
		a.deskNote(t, tk, "desk.faq_admins_only", nil)
		return nil
	}
	first, err := store.FirstCitizenText(ctx, t.Tx, tk.ID)
	if err != nil {
		return err
	}
	var rows [][]tg.Button
	for _, c := range a.Pack.Categories {
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Pack.Local(c.Title, a.StaffLang()), turn.CbEdit, fmt.Sprintf("t:%d:%s", tk.ID, c.ID))})
	}
	text := a.StaffText("faqedit.pick_topic") + "\n«" + html.EscapeString(turn.Cut(first, 500)) + "»"
	// A moderator who never started the bot cannot get the editor: they
	// are told so in the ticket.
	t.Do(outbox.Send(moderator, text, tg.NewKeyboard(rows...)).
		OrElse(a.TicketPost(tk, a.StaffText("desk.start_bot_first", map[string]any{"Bot": a.Username}), nil)))
	return nil
}

// RemindLoop posts a reminder in a ticket's topic when it has waited longer
// than sla within business hours.
func (a *Desk) RemindLoop(ctx context.Context, sla time.Duration) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		a.RemindWaiting(ctx, sla)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RemindWaiting reminds moderators of each ticket whose citizen has waited
// for an answer longer than sla in business hours: once for each wait (a
// wait starts with the citizen's first message after an answer).
func (a *Desk) RemindWaiting(ctx context.Context, sla time.Duration) {
	if a.Cfg.StaffChatID == 0 {
		return
	}
	list, err := store.UnansweredTickets(ctx, a.St.DB())
	if err != nil {
		a.Log.Warn("cannot check waiting tickets", "err", err)
		return
	}
	s := a.Pack.Hours()
	now := time.Now()
	for _, tk := range list {
		waited := s.Elapsed(*tk.WaitingSince, now)
		if waited < sla {
			continue
		}
		text := a.StaffText("desk.reminder", map[string]any{"ID": tk.ID, "Waited": a.age(max(waited, time.Minute), false)})
		// The mark and the reminder commit together: one reminder, whatever
		// fails and is tried again, and however many processes look.
		err := a.St.InTx(ctx, func(tx *sqlx.Tx) error {
			first, err := store.MarkReminded(ctx, tx, tk.ID, *tk.WaitingSince)
			if err != nil || !first {
				return err
			}
			return outbox.Add(ctx, tx, 0, a.TicketPost(tk, text, nil))
		})
		if err != nil {
			a.Log.Warn("cannot post a reminder", "ticket", tk.ID, "err", err)
			continue
		}
		a.Committed(ctx, []int64{a.Cfg.StaffChatID})
	}
}

// faqExample is an entry of the live FAQ to give in /faq's usage: its id,
// and words from its first phrasing in the staff's language to find it by.
func (a *Desk) faqExample() map[string]any {
	lang := a.ContentLang(a.StaffLang())
	for _, e := range a.Book().Pack.Entries {
		if e.Hidden || e.Action != "" {
			continue
		}
		words := a.Pack.Local(e.Question, lang)
		if ph := e.Phrasings[lang]; len(ph) > 0 {
			words = ph[0]
		}
		return map[string]any{"ID": e.ID, "Words": html.EscapeString(strings.TrimRight(words, "?"))}
	}
	return map[string]any{"ID": "…", "Words": "…"}
}
