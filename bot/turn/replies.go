package turn

import (
	"context"
	"html"
	"strings"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// Reply sends a message into the turn's chat.
func (a *Env) Reply(_ context.Context, t *Turn, text string, kb *tg.Keyboard) {
	t.Do(outbox.Send(t.Chat, text, tg.Markup(kb)))
}

// Show puts text in place of the bot's message msgID, or sends it as a new
// message when there is none or it can no longer be edited.
func (a *Env) Show(ctx context.Context, t *Turn, msgID int, text string, kb *tg.Keyboard) {
	if msgID == 0 {
		a.Reply(ctx, t, text, kb)
		return
	}
	t.Do(outbox.Edit(t.Chat, msgID, text, tg.Markup(kb)))
}

// Ack answers the turn's callback query, so the button stops spinning.
func (a *Env) Ack(_ context.Context, t *Turn, text string) {
	if q := t.Update.CallbackQuery; q != nil {
		t.Do(outbox.Answer(t.Chat, q.ID, text))
	}
}

// StaffPost is a message into the staff chat: into topic thread (0: none),
// replying to the message replyTo (0: none).
func (a *Env) StaffPost(thread int, text string, replyTo int) outbox.Effect {
	p := &telegram.SendMessageParams{ChatID: a.Cfg.StaffChatID, MessageThreadID: thread, Text: text, ParseMode: models.ParseModeHTML}
	if replyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	return outbox.Call(a.Cfg.StaffChatID, "sendMessage", p)
}

// TicketPost is a message about a ticket into the staff chat: in its topic,
// or, when the staff chat is no forum, replying to its card. Either may not
// exist yet: the outbox fills them in when the message is delivered.
func (a *Env) TicketPost(tk store.Ticket, text string, kb *tg.Keyboard) outbox.Effect {
	e := outbox.Send(a.Cfg.StaffChatID, text, tg.Markup(kb)).InThread(TicketThread(tk))
	if !a.StaffIsForum() {
		e = e.Replying(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID})
	}
	return e
}

// TicketThread is the slot that keeps a ticket's topic (its thread id).
func TicketThread(tk store.Ticket) store.Slot {
	return store.Slot{Kind: store.SlotTicketThread, Key: tk.ID}
}

// TopicCall is a change of a ticket's topic (its name, closed or open); a
// refusal (the topic was deleted by hand, or is already so) does no harm.
func (a *Env) TopicCall(tk store.Ticket, method string, params any) outbox.Effect {
	return outbox.Call(a.Cfg.StaffChatID, method, params).InThread(TicketThread(tk)).MayBeRefused()
}

// onStaleButton answers a button from an old message, or one this version
// of the bot no longer has.
func (a *Env) StaleButton(ctx context.Context, t *Turn) {
	a.Ack(ctx, t, "")
	a.Reply(ctx, t, a.Text.Text(t.Lang, "hint.stale_button"), a.MenuKeyboard(t.Lang))
}

// Reaction puts an emoji reaction on a staff member's message: a quiet sign
// that the bot took it, which sends no message. Refusable: a chat may allow
// no reactions.
func (a *Env) Reaction(m *models.Message, emoji string) outbox.Effect {
	return outbox.Call(m.Chat.ID, "setMessageReaction", &telegram.SetMessageReactionParams{
		ChatID: m.Chat.ID, MessageID: m.ID,
		Reaction: []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Type: models.ReactionTypeTypeEmoji, Emoji: emoji}}},
	}).MayBeRefused()
}

// EditKeyboard replaces the buttons of the bot's message msgID.
func (a *Env) EditKeyboard(_ context.Context, t *Turn, msgID int, kb *tg.Keyboard) {
	if msgID == 0 {
		return
	}
	t.Do(outbox.Call(t.Chat, "editMessageReplyMarkup",
		&telegram.EditMessageReplyMarkupParams{ChatID: t.Chat, MessageID: msgID, ReplyMarkup: tg.Markup(kb)}).MayBeRefused())
}

// SendWithLocationButton sends text with a reply keyboard whose one button
// shares the person's location: Telegram asks for a location only through
// a reply keyboard, never an inline one.
func (a *Env) SendWithLocationButton(t *Turn, text string) {
	t.Do(outbox.Send(t.Chat, text, &models.ReplyKeyboardMarkup{
		Keyboard:       [][]models.KeyboardButton{{{Text: a.Text.Text(t.Lang, "centre.share_location"), RequestLocation: true}}},
		ResizeKeyboard: true, OneTimeKeyboard: true,
	}))
}

// DropLocationButton takes the location button (SendWithLocationButton)
// away with the turn's first message that can carry its removal.
func (a *Env) DropLocationButton(t *Turn) { t.DropReplyKeyboard() }

// TypedForm tells whether text is a button's label (the message key)
// typed, or one of the words that say the same (key_typed, «|»-separated),
// in the person's language or another: a Ukrainian speaker may type «да».
func (a *Env) TypedForm(lang, key, text string) bool {
	for _, typed := range foldedTyped(text) {
		for _, l := range append([]string{lang}, locales.Languages...) {
			if dialogs.Fold(a.Text.Text(l, key)) == typed {
				return true
			}
		}
	}
	return a.Typed(key+"_typed", text)
}

// Typed tells whether text is one of the words the message key lists
// («|»-separated), case and punctuation aside, in any language: «отмена»
// from a Ukrainian speaker cancels as «скасувати» does.
func (a *Env) Typed(key, text string) bool {
	for _, typed := range foldedTyped(text) {
		for _, w := range a.TypedWords(key) {
			if dialogs.Fold(w) == typed {
				return true
			}
		}
	}
	return false
}

// politeWords may stand before or after what is typed for a button
// («дякую, це все», «так, будь ласка», «готово, спасибо») without changing
// which button it is.
var politeWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("дякую спасибі спасибо будь ласка пожалуйста thanks thank you please") {
		m[dialogs.Fold(w)] = true
	}
	return m
}()

// foldedTyped is text folded (dialogs.Fold), and again without polite
// words at its ends when there are some and something is left: the forms
// a typed word is compared in. Nothing for text with no words.
func foldedTyped(text string) []string {
	typed := dialogs.Fold(text)
	if typed == "" {
		return nil
	}
	words := strings.Fields(typed)
	i, j := 0, len(words)
	for i < j && politeWords[words[i]] {
		i++
	}
	for j > i && politeWords[words[j-1]] {
		j--
	}
	if i == j || i == 0 && j == len(words) {
		return []string{typed}
	}
	return []string{typed, strings.Join(words[i:j], " ")}
}

// TypedWords are the words the message key lists, «|»-separated, in
// every language.
func (a *Env) TypedWords(key string) []string {
	var out []string
	for _, l := range locales.Languages {
		s := a.Text.Text(l, key)
		if s == key {
			continue // no such message
		}
		for _, w := range strings.Split(s, "|") {
			if w = strings.TrimSpace(w); w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}

// CoverageNote is the pack's word on what its centres' list covers, as an
// italic note in the person's language, or "" when the pack has none.
func (a *Env) CoverageNote(lang string) string {
	if c := a.Pack.Local(a.Pack.Coverage, a.ContentLang(lang)); c != "" {
		return "<i>" + html.EscapeString(c) + "</i>"
	}
	return ""
}

// MarkedNote tells a staff member's message whose own text or caption
// starts with «//»: a note among staff, by the mark staff type.
func MarkedNote(m *models.Message) bool {
	return strings.HasPrefix(strings.TrimSpace(FirstNonEmpty(m.Text, m.Caption)), "//")
}

// IsStaffNote tells a staff member's message that is a note among staff, not
// for a citizen or a reporter: its text or caption starts with «//», or it
// is a later part of an album whose captioned part does (Telegram puts an
// album's caption on one part only, and each part comes on its own).
func (a *Env) IsStaffNote(ctx context.Context, t *Turn, m *models.Message) (bool, error) {
	if MarkedNote(m) {
		return true, nil
	}
	if m.MediaGroupID == "" || m.Caption != "" {
		return false, nil
	}
	return store.AlbumCaptionedNote(ctx, t.Tx, m.Chat.ID, m.MediaGroupID, t.Update.ID)
}

// LaterAlbumPart tells a message that is a part of an album after its
// first: what the bot says of an album (added, passed on, not understood)
// it says once, at the first part. An error reads as false: said twice is
// better than not at all.
func (a *Env) LaterAlbumPart(ctx context.Context, t *Turn, m *models.Message) bool {
	if m == nil || m.MediaGroupID == "" {
		return false
	}
	later, err := store.AlbumEarlierPart(ctx, t.Tx, m.Chat.ID, m.MediaGroupID, t.Update.ID)
	return err == nil && later
}
