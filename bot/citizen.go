package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/go-telegram/bot/models"

	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

func (a *App) onStart(ctx context.Context, t *Turn) error {
	u := t.Update
	c, _ := a.command(u)
	if err := a.keepStartPayload(ctx, t, c.Args); err != nil {
		return err
	}
	if started, err := a.startFromLink(ctx, t, c.Args); started || err != nil {
		return err
	}
	a.welcome(ctx, t)
	return nil
}

// startFromLink begins what a deep link asks for: r_<centre>[_<desk>] the
// quick rating (a QR code at a desk), "mystery" the questionnaire. A link
// that looks like a rating but is broken still starts the rating, with the
// centre to choose.
func (a *App) startFromLink(ctx context.Context, t *Turn, payload string) (started bool, err error) {
	link, bad := dialogs.ParseStartLink(payload)
	switch {
	case bad == nil && link.Kind == "r":
		return true, a.rateFromLink(ctx, t, link)
	case bad == nil && link.Kind == "mystery":
		return true, a.offerSurvey(ctx, t, "mystery", "", 0, 0)
	case bad != nil && strings.HasPrefix(payload, "r_"):
		return true, a.rateFromLink(ctx, t, dialogs.StartLink{Kind: "r"})
	}
	return false, nil
}

// keepStartPayload validates a deep-link payload and keeps it with the user.
// A malformed one (hand-typed, cut off) is ignored: the person still gets
// the bot's welcome.
func (a *App) keepStartPayload(ctx context.Context, t *Turn, payload string) error {
	if payload == "" {
		return nil
	}
	link, err := dialogs.ParseStartLink(payload)
	if err != nil {
		a.log.Info("ignored a malformed start payload", "chat_id", t.Chat, "bytes", len(payload))
		return nil
	}
	if err := store.SetUserStartPayload(ctx, t.Tx, t.User.ID, link.Raw); err != nil {
		return err
	}
	t.User.StartPayload = link.Raw
	return nil
}

func (a *App) welcome(ctx context.Context, t *Turn) {
	org := a.text.Text(t.Lang, "org."+a.cfg.Pack)
	a.reply(ctx, t, a.text.Text(t.Lang, "welcome", map[string]any{"Org": org}), a.menuKeyboard(t.Lang))
}

func (a *App) onHelp(ctx context.Context, t *Turn) error {
	a.reply(ctx, t, a.text.Text(t.Lang, "help"), a.menuKeyboard(t.Lang))
	return nil
}

func (a *App) onMenu(ctx context.Context, t *Turn) error {
	a.reply(ctx, t, a.text.Text(t.Lang, "menu.title"), a.menuKeyboard(t.Lang))
	return nil
}

// offeredLanguages are the languages a person may choose: those of the
// pack (its FAQ, questionnaires and centres) that the bot also speaks.
func (a *App) offeredLanguages() []string {
	var out []string
	for _, lang := range locales.Languages {
		if slices.Contains(a.pack.Languages, lang) {
			out = append(out, lang)
		}
	}
	if len(out) == 0 {
		out = []string{locales.Default}
	}
	return out
}

// dialogLanguage keeps the question a person typed before choosing their
// language, to answer it once they have.
const dialogLanguage = "language"

type firstQuestion struct {
	Text string `json:"q"`
}

func (a *App) keepFirstQuestion(ctx context.Context, t *Turn) error {
	m := t.Update.Message
	if m == nil || strings.TrimSpace(firstNonEmpty(m.Text, m.Caption)) == "" || strings.HasPrefix(m.Text, "/") {
		return nil
	}
	raw, _ := json.Marshal(firstQuestion{Text: firstNonEmpty(m.Text, m.Caption)})
	return store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: dialogLanguage, Data: raw})
}

// takeFirstQuestion returns the question kept before the language was
// chosen ("" when none), and forgets it.
func (a *App) takeFirstQuestion(ctx context.Context, t *Turn) (string, error) {
	conv, err := store.GetConversation(ctx, t.Tx, t.Chat)
	if errors.Is(err, store.ErrNotFound) || err == nil && conv.Dialog != dialogLanguage {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return "", err
	}
	var q firstQuestion
	if err := json.Unmarshal(conv.Data, &q); err != nil {
		return "", nil // unreadable: nothing to answer, nothing lost but the wording
	}
	return q.Text, nil
}

func (a *App) onLanguage(ctx context.Context, t *Turn) error {
	a.askLanguage(ctx, t, 0)
	return nil
}

// askLanguage shows the language choice, in all three languages, since the
// person may read only one of them.
func (a *App) askLanguage(ctx context.Context, t *Turn, msgID int) {
	offered := a.offeredLanguages()
	lines := make([]string, 0, len(offered))
	row := make([]Button, 0, len(offered))
	for _, lang := range offered {
		lines = append(lines, a.text.Text(lang, "language.choose"))
		row = append(row, button(a.text.Text(lang, "language.name"), cbLanguage, lang))
	}
	a.show(ctx, t, msgID, strings.Join(lines, "\n"), keyboard(row))
}

func (a *App) onLanguageChosen(ctx context.Context, t *Turn) error {
	u := t.Update
	_, lang := parseCallback(u.CallbackQuery.Data)
	if !slices.Contains(a.offeredLanguages(), lang) {
		a.onStaleButton(ctx, t)
		return nil
	}
	first := t.User.Language == ""
	if err := store.SetUserLanguage(ctx, t.Tx, t.User.ID, lang); err != nil {
		return err
	}
	t.User.Language, t.Lang = lang, lang
	a.ack(ctx, t, "")
	a.show(ctx, t, callbackMessageID(u), a.text.Text(lang, "language.set"), nil)
	if first {
		if started, err := a.startFromLink(ctx, t, t.User.StartPayload); started || err != nil {
			return err
		}
		a.welcome(ctx, t)
		// What they asked before choosing is answered now.
		if q, err := a.takeFirstQuestion(ctx, t); err != nil || q == "" {
			return err
		} else {
			return a.askFAQ(ctx, t, q)
		}
	}
	a.reply(ctx, t, a.text.Text(lang, "menu.title"), a.menuKeyboard(lang))
	return nil
}

func (a *App) onMenuItem(ctx context.Context, t *Turn) error {
	u := t.Update
	_, item := parseCallback(u.CallbackQuery.Data)
	switch item {
	case "help":
		a.ack(ctx, t, "")
		a.reply(ctx, t, a.text.Text(t.Lang, "help"), a.menuKeyboard(t.Lang))
	case "lang":
		a.ack(ctx, t, "")
		a.askLanguage(ctx, t, 0)
	case "menu":
		a.ack(ctx, t, "")
		a.show(ctx, t, callbackMessageID(u), a.text.Text(t.Lang, "menu.title"), a.menuKeyboard(t.Lang))
	case "faq":
		a.ack(ctx, t, "")
		a.showFAQTopics(ctx, t, callbackMessageID(u))
	case "report":
		a.ack(ctx, t, "")
		if err := a.startReport(ctx, t, 0); err != nil {
			return err
		}
	case "rate", "mystery":
		a.ack(ctx, t, "")
		kind := map[string]string{"rate": "rating", "mystery": "mystery"}[item]
		if err := a.offerSurvey(ctx, t, kind, "", 0, 0); err != nil {
			return err
		}
	default:
		a.onStaleButton(ctx, t)
	}
	return nil
}

func (a *App) onCancel(ctx context.Context, t *Turn) error {
	if conv, err := store.GetConversation(ctx, t.Tx, t.Chat); err == nil && conv.Dialog == dialogSurvey {
		var st surveyState
		json.Unmarshal(conv.Data, &st)
		if _, err := store.DeleteDraft(ctx, t.Tx, t.User.ID, st.Kind); err != nil {
			return err
		}
	}
	ended, err := store.EndConversation(ctx, t.Tx, t.Chat)
	if err != nil {
		return err
	}
	reporting, err := store.EndIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat))
	if err != nil {
		return err
	}
	id := "cancel.nothing"
	if ended || reporting {
		id = "cancel.done"
	}
	a.reply(ctx, t, a.text.Text(t.Lang, id), a.menuKeyboard(t.Lang))
	return nil
}

// onStaleButton answers a button from an old message, or one this version
// of the bot no longer has.
func (a *App) onStaleButton(ctx context.Context, t *Turn) {
	a.ack(ctx, t, "")
	a.reply(ctx, t, a.text.Text(t.Lang, "hint.stale_button"), a.menuKeyboard(t.Lang))
}

// onMyChatMember follows whether the citizen has blocked the bot.
func (a *App) onMyChatMember(ctx context.Context, t *Turn) error {
	u := t.Update
	m := u.MyChatMember
	switch m.NewChatMember.Type {
	case models.ChatMemberTypeBanned, models.ChatMemberTypeLeft:
		if err := store.SetUserActive(ctx, t.Tx, m.From.ID, false); err != nil {
			return err
		}
	case models.ChatMemberTypeMember:
		if err := store.SetUserActive(ctx, t.Tx, m.From.ID, true); err != nil {
			return err
		}
	}
	return nil
}

// onOther answers what no handler took: in a private chat, a short hint and
// the menu; edits and the rest are left alone.
func (a *App) onOther(ctx context.Context, t *Turn) error {
	u := t.Update
	switch {
	case u.CallbackQuery != nil:
		a.onStaleButton(ctx, t)
	case u.Message != nil && strings.HasPrefix(strings.TrimSpace(u.Message.Text), "/"):
		// A command this bot does not have (or another bot's).
		a.reply(ctx, t, a.text.Text(t.Lang, "hint.unknown"), a.menuKeyboard(t.Lang))
	case u.Message != nil:
		if err := a.onCitizenMessage(ctx, t, u.Message); err != nil {
			return err
		}
	case u.EditedMessage != nil:
		a.onCitizenEdit(ctx, t, u.EditedMessage)
	default:
		t.Status = store.InboxSkipped
	}
	return nil
}

func callbackMessageID(u *models.Update) int {
	if q := u.CallbackQuery; q != nil && q.Message.Message != nil {
		return q.Message.Message.ID
	}
	return 0
}

// onCitizenMessage takes what a citizen sends that is not a command: the
// answer a running dialog waits for, a message into their open ticket, or a
// question for the FAQ.
func (a *App) onCitizenMessage(ctx context.Context, t *Turn, m *models.Message) error {
	// An answer to the integrity team's question goes to them, whatever
	// else the person is doing; never into a ticket or the FAQ.
	if id := questionOf(m); id != 0 && a.cfg.IntegrityChatID != 0 {
		return a.followReport(ctx, t, id, store.ReportAnswer, m)
	}
	conv, err := store.GetConversation(ctx, t.Tx, t.Chat)
	switch {
	case err == nil:
		return a.continueDialog(ctx, t, conv, m)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if a.cfg.IntegrityChatID != 0 {
		if handled, err := a.reportMessage(ctx, t, m); handled || err != nil {
			return err
		}
	}
	tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID)
	switch {
	case err == nil:
		if err := a.relayToStaff(ctx, t, tk, m, ""); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	default:
		// Soon after «👎 no, not solved», what they write is what is
		// still unclear: it reopens the ticket rather than go to the FAQ.
		unsolved, err := store.RecentlyUnsolved(ctx, t.Tx, t.User.ID, unsolvedReopenWithin)
		if err == nil {
			return a.reopenByCitizen(ctx, t, unsolved, m)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return a.citizenAsks(ctx, t, m)
	}
	return nil
}

// citizenAsks takes a message outside any dialog or ticket: a question for
// the FAQ (a photo's caption is one too), a plain word on voice messages,
// which the bot cannot hear, or a hint when it carries no text.
func (a *App) citizenAsks(ctx context.Context, t *Turn, m *models.Message) error {
	switch {
	case a.locationOutsideDialog(ctx, t, m):
	case strings.TrimSpace(firstNonEmpty(m.Text, m.Caption)) != "":
		if err := a.askFAQ(ctx, t, firstNonEmpty(m.Text, m.Caption)); err != nil {
			return err
		}
	case m.Voice != nil || m.VideoNote != nil || m.Audio != nil:
		a.reply(ctx, t, a.text.Text(t.Lang, "hint.voice"), a.offerPerson(t.Lang, "m"))
	default:
		a.reply(ctx, t, a.text.Text(t.Lang, "hint.unknown"), a.menuKeyboard(t.Lang))
	}
	return nil
}

const cbForget = "fg" // fg:y — yes, forget me

func (a *App) onForgetCommand(ctx context.Context, t *Turn) error {
	a.reply(ctx, t, a.text.Text(t.Lang, "forget.confirm"), keyboard(
		[]Button{button(a.text.Text(t.Lang, "forget.yes"), cbForget, "y")},
		[]Button{button(a.text.Text(t.Lang, "nav.menu"), cbMenu, "menu")},
	))
	return nil
}

// onForgetButton deletes what identifies the person; their answers stay,
// anonymous, for statistics.
func (a *App) onForgetButton(ctx context.Context, t *Turn) error {
	u := t.Update
	a.ack(ctx, t, "")
	if err := store.Forget(ctx, t.Tx, t.User.ID, t.Update.ID); err != nil {
		return err
	}
	if err := a.forgetReports(ctx, t); err != nil {
		return err
	}
	// What this turn says to the person (and the callback's answer) is
	// deleted from the outbox as it is delivered.
	t.forget = true
	a.show(ctx, t, callbackMessageID(u), a.text.Text(t.Lang, "forget.done"), a.menuKeyboard(t.Lang))
	return nil
}
