package citizen

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/integrity"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

// OnStart greets a citizen, or starts what a deep link (a QR code) asks for.
func (a *Citizens) OnStart(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	c, _ := a.Command(u)
	if err := a.KeepStartPayload(ctx, t, c.Args); err != nil {
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
func (a *Citizens) startFromLink(ctx context.Context, t *turn.Turn, payload string) (started bool, err error) {
	link, bad := dialogs.ParseStartLink(payload)
	switch {
	case bad == nil && link.Kind == "r":
		return true, a.survey.RateFromLink(ctx, t, link)
	case bad == nil && link.Kind == dialogs.KindMystery:
		return true, a.survey.OfferSurvey(ctx, t, dialogs.KindMystery, "", 0, 0)
	case bad != nil && strings.HasPrefix(payload, "r_"):
		return true, a.survey.RateFromLink(ctx, t, dialogs.StartLink{Kind: "r"})
	}
	return false, nil
}

// KeepStartPayload validates a deep-link payload and keeps it with the user.
// A malformed one (hand-typed, cut off) is ignored: the person still gets
// the bot's welcome.
func (a *Citizens) KeepStartPayload(ctx context.Context, t *turn.Turn, payload string) error {
	if payload == "" {
		return nil
	}
	link, err := dialogs.ParseStartLink(payload)
	if err != nil {
		a.Log.Info("ignored a malformed start payload", "chat_id", t.Chat, "bytes", len(payload))
		return nil
	}
	if err := store.SetUserStartPayload(ctx, t.Tx, t.User.ID, link.Raw); err != nil {
		return err
	}
	t.User.StartPayload = link.Raw
	return nil
}

func (a *Citizens) welcome(ctx context.Context, t *turn.Turn) {
	org := a.Text.Text(t.Lang, "org."+a.Cfg.Pack)
	a.Reply(ctx, t, a.Text.Text(t.Lang, "welcome", map[string]any{"Org": org}), a.MenuKeyboard(t.Lang))
}

// OnHelp explains what the bot can do.
func (a *Citizens) OnHelp(ctx context.Context, t *turn.Turn) error {
	a.Reply(ctx, t, a.Help(t.Lang), a.MenuKeyboard(t.Lang))
	return nil
}

// OnMenu shows the main menu.
func (a *Citizens) OnMenu(ctx context.Context, t *turn.Turn) error {
	a.Reply(ctx, t, a.Text.Text(t.Lang, "menu.title"), a.MenuKeyboard(t.Lang))
	return nil
}

type firstQuestion struct {
	Text string `json:"q"`
}

// KeepFirstQuestion keeps what a person typed before choosing a language,
// to answer it once they have.
func (a *Citizens) KeepFirstQuestion(ctx context.Context, t *turn.Turn) error {
	m := t.Update.Message
	if m == nil || strings.TrimSpace(turn.FirstNonEmpty(m.Text, m.Caption)) == "" || strings.HasPrefix(m.Text, "/") {
		return nil
	}
	raw, _ := json.Marshal(firstQuestion{Text: turn.FirstNonEmpty(m.Text, m.Caption)})
	return store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogLanguage, Data: raw})
}

// takeFirstQuestion returns the question kept before the language was
// chosen ("" when none), and forgets it.
func (a *Citizens) takeFirstQuestion(ctx context.Context, t *turn.Turn) (string, error) {
	conv, err := store.GetConversation(ctx, t.Tx, t.Chat)
	if errors.Is(err, store.ErrNotFound) || err == nil && conv.Dialog != turn.DialogLanguage {
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

// OnLanguage offers the pack's languages (/language).
func (a *Citizens) OnLanguage(ctx context.Context, t *turn.Turn) error {
	a.AskLanguage(ctx, t, 0)
	return nil
}

// AskLanguage shows the language choice, in all three languages, since the
// person may read only one of them.
func (a *Citizens) AskLanguage(ctx context.Context, t *turn.Turn, msgID int) {
	offered := a.OfferedLanguages()
	if len(offered) == 1 {
		// /language, or an old menu's button, in a pack of one language.
		a.Show(ctx, t, msgID, a.Text.Text(offered[0], "language.only"), a.MenuKeyboard(offered[0]))
		return
	}
	lines := make([]string, 0, len(offered))
	row := make([]tg.Button, 0, len(offered))
	for _, lang := range offered {
		lines = append(lines, a.Text.Text(lang, "language.choose"))
		row = append(row, tg.CallbackButton(a.Text.Text(lang, "language.name"), turn.CbLanguage, lang))
	}
	a.Show(ctx, t, msgID, strings.Join(lines, "\n"), tg.NewKeyboard(row))
}

// languageAsked answers «українською, будь ласка», «отвечайте по-русски»
// as the choice under /language: the language stays, whatever is written
// later. A language the pack does not speak gets the choice it has.
func (a *Citizens) languageAsked(ctx context.Context, t *turn.Turn, text string) (bool, error) {
	lang, ok := dialogs.AsksForLanguage(text)
	if !ok {
		return false, nil
	}
	if !slices.Contains(a.OfferedLanguages(), lang) {
		a.AskLanguage(ctx, t, 0)
		return true, nil
	}
	if err := a.ChooseLanguage(ctx, t, lang); err != nil {
		return true, err
	}
	a.Reply(ctx, t, a.Text.Text(lang, "language.set"), a.MenuKeyboard(lang))
	return true, nil
}

// OnLanguageChosen records the language chosen, and answers the question
// kept from before, if any.
func (a *Citizens) OnLanguageChosen(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	_, lang := tg.ParseCallback(u.CallbackQuery.Data)
	if !slices.Contains(a.OfferedLanguages(), lang) {
		a.StaleButton(ctx, t)
		return nil
	}
	first := t.User.Language == ""
	if err := a.ChooseLanguage(ctx, t, lang); err != nil {
		return err
	}
	a.Ack(ctx, t, "")
	a.Show(ctx, t, tg.CallbackMessageID(u), a.Text.Text(lang, "language.set"), nil)
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
	a.Reply(ctx, t, a.Text.Text(lang, "menu.title"), a.MenuKeyboard(lang))
	return nil
}

// OnMenuItem follows a main-menu button.
func (a *Citizens) OnMenuItem(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	_, item := tg.ParseCallback(u.CallbackQuery.Data)
	switch item {
	case "help":
		a.Ack(ctx, t, "")
		a.Reply(ctx, t, a.Help(t.Lang), a.MenuKeyboard(t.Lang))
	case "lang":
		a.Ack(ctx, t, "")
		a.AskLanguage(ctx, t, 0)
	case "menu":
		a.Ack(ctx, t, "")
		a.Show(ctx, t, tg.CallbackMessageID(u), a.Text.Text(t.Lang, "menu.title"), a.MenuKeyboard(t.Lang))
	case "faq":
		a.Ack(ctx, t, "")
		a.showFAQTopics(ctx, t, tg.CallbackMessageID(u))
	case "centres":
		return a.findCentre(ctx, t)
	case "report":
		a.Ack(ctx, t, "")
		if err := a.integrity.StartReport(ctx, t, 0); err != nil {
			return err
		}
	case "rate", "mystery":
		a.Ack(ctx, t, "")
		kind := map[string]string{"rate": dialogs.KindRating, "mystery": dialogs.KindMystery}[item]
		if err := a.survey.OfferSurvey(ctx, t, kind, "", 0, 0); err != nil {
			return err
		}
	default:
		a.StaleButton(ctx, t)
	}
	return nil
}

// OnCancel ends whatever dialog waits (a questionnaire, a report, a
// ticket's description) and shows the menu.
func (a *Citizens) OnCancel(ctx context.Context, t *turn.Turn) error {
	if conv, err := store.GetConversation(ctx, t.Tx, t.Chat); err == nil && conv.Dialog == turn.DialogSurvey {
		if err := a.survey.Drop(ctx, t, conv); err != nil {
			return err
		}
	} else if err == nil && conv.Dialog == turn.DialogCentres {
		// Asked for a location or a town: the location button goes with
		// «cancelled», which has no buttons of its own to carry; the menu
		// follows.
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		a.DropLocationButton(t)
		a.Reply(ctx, t, a.Text.Text(t.Lang, "cancel.done"), nil)
		a.Reply(ctx, t, a.Text.Text(t.Lang, "menu.title"), a.MenuKeyboard(t.Lang))
		return nil
	}
	// A FAQ entry an admin was writing is kept hidden, and they are told,
	// rather than lost with the conversation.
	kept, err := a.edit.KeepHalfMade(ctx, t)
	if err != nil {
		return err
	}
	ended, err := store.EndConversation(ctx, t.Tx, t.Chat)
	if err != nil {
		return err
	}
	ended = ended || kept
	reporting, filed, err := a.integrity.EndDialog(ctx, t)
	if err != nil {
		return err
	}
	if !ended && !reporting {
		// Nothing to cancel, but a request open: it stays, and how to end
		// it is said (not «nothing to cancel»).
		if tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
			a.Reply(ctx, t, a.Text.Text(t.Lang, "cancel.ticket_open", map[string]any{"ID": tk.ID}), a.MenuKeyboard(t.Lang))
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	a.Reply(ctx, t, a.cancelled(t, ended || reporting, filed), a.MenuKeyboard(t.Lang))
	return nil
}

// cancelled says what /cancel did: nothing, a dialog ended, or the adding
// to a filed report ended (the report stays filed).
func (a *Citizens) cancelled(t *turn.Turn, ended bool, filed int64) string {
	switch {
	case filed != 0:
		return a.Text.Text(t.Lang, "cancel.report_kept", map[string]any{"ID": filed})
	case ended:
		return a.Text.Text(t.Lang, "cancel.done")
	}
	return a.Text.Text(t.Lang, "cancel.nothing")
}

// OnMyChatMember follows whether the citizen has blocked the bot.
func (a *Citizens) OnMyChatMember(ctx context.Context, t *turn.Turn) error {
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

// OnOther answers what no handler took: in a private chat, a short hint and
// the menu; edits and the rest are left alone.
func (a *Citizens) OnOther(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	switch {
	case u.CallbackQuery != nil:
		a.StaleButton(ctx, t)
	case u.Message != nil && strings.HasPrefix(strings.TrimSpace(u.Message.Text), "/"):
		// A command this bot does not have (or another bot's).
		a.Reply(ctx, t, a.Text.Text(t.Lang, "hint.unknown"), a.MenuKeyboard(t.Lang))
	case u.Message != nil:
		if err := a.onCitizenMessage(ctx, t, u.Message); err != nil {
			return err
		}
	case u.EditedMessage != nil:
		a.desk.MirrorEdit(ctx, t, u.EditedMessage)
	default:
		t.Status = store.InboxSkipped
	}
	return nil
}

// onCitizenMessage takes what a citizen sends that is not a command: the
// answer a running dialog waits for, a message into their open ticket, or a
// question for the FAQ.
func (a *Citizens) onCitizenMessage(ctx context.Context, t *turn.Turn, m *models.Message) error {
	// An answer to the integrity team's question goes to them, whatever
	// else the person is doing; never into a ticket or the FAQ.
	if id := integrity.QuestionOf(m); id != 0 && a.Cfg.IntegrityChatID != 0 {
		return a.integrity.FollowReport(ctx, t, id, store.ReportAnswer, m)
	}
	conv, err := store.GetConversation(ctx, t.Tx, t.Chat)
	switch {
	case err == nil:
		return a.continueDialog(ctx, t, conv, m)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if a.Cfg.IntegrityChatID != 0 {
		// «скасувати» typed while a report is written (or added to) is
		// /cancel, not a report.
		if a.isCancel(m.Text) {
			if ended, filed, err := a.integrity.EndDialog(ctx, t); err != nil || ended {
				if ended {
					a.Reply(ctx, t, a.cancelled(t, true, filed), a.MenuKeyboard(t.Lang))
				}
				return err
			}
		}
		switch take, err := a.integrity.ReportMessage(ctx, t, m); {
		case err != nil || take == integrity.Taken:
			return err
		case take == integrity.ForFAQ:
			return a.citizenAsks(ctx, t, m)
		}
	} else if taken, err := a.integrity.NoReportsHere(ctx, t, m); err != nil || taken {
		// «нет, я боюсь» after /report where the bot takes no reports.
		return err
	}
	tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID)
	switch {
	case err == nil:
		if err := a.desk.RelayMore(ctx, t, tk, m); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	default:
		// Soon after «👎 no, not solved», what they write is what is
		// still unclear: it reopens the ticket rather than go to the FAQ.
		// Small talk («дякую», «ок», an emoji, a sticker) says nothing
		// unclear: it gets its friendly word and the ticket stays closed.
		// «ні, не вирішено», «дякую, допомогло» typed under «was your
		// question solved?» answer it as its buttons do.
		if handled, err := a.typedTicketVerdict(ctx, t, m); handled || err != nil {
			return err
		}
		unsolved, err := store.RecentlyUnsolved(ctx, t.Tx, t.User.ID, unsolvedReopenWithin)
		switch {
		case err == nil && !isSmallTalk(m):
			return a.reopenByCitizen(ctx, t, unsolved, m)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
		return a.citizenAsks(ctx, t, m)
	}
	return nil
}

// isSmallTalk tells whether a message says nothing but a greeting,
// thanks, «ок», an emoji or a sticker.
func isSmallTalk(m *models.Message) bool {
	if m.Sticker != nil {
		return true
	}
	hasMedia := m.Photo != nil || m.Document != nil || m.Video != nil || m.Voice != nil ||
		m.VideoNote != nil || m.Audio != nil || m.Animation != nil || m.Location != nil || m.Contact != nil
	return !hasMedia && dialogs.SmallTalk(m.Text) != ""
}

// citizenAsks takes a message outside any dialog or ticket: a question for
// the FAQ (a photo's caption is one too), a plain word on voice messages,
// which the bot cannot hear, or a hint when it carries no text.
func (a *Citizens) citizenAsks(ctx context.Context, t *turn.Turn, m *models.Message) error {
	if asked, err := a.languageAsked(ctx, t, m.Text); asked || err != nil {
		return err
	}
	switch {
	case a.locationOutsideDialog(ctx, t, m):
	case strings.TrimSpace(turn.FirstNonEmpty(m.Text, m.Caption)) != "":
		if err := a.askFAQ(ctx, t, turn.FirstNonEmpty(m.Text, m.Caption)); err != nil {
			return err
		}
	case m.Voice != nil || m.VideoNote != nil || m.Audio != nil:
		a.Reply(ctx, t, a.Text.Text(t.Lang, "hint.voice"), a.offerPerson(t.Lang, "m"))
	case a.LaterAlbumPart(ctx, t, m):
		// An album's photos are one message to the person: one hint.
	default:
		a.Reply(ctx, t, a.Text.Text(t.Lang, "hint.unknown"), a.MenuKeyboard(t.Lang))
	}
	return nil
}

// OnForgetCommand asks whether to forget the person (/forget).
func (a *Citizens) OnForgetCommand(ctx context.Context, t *turn.Turn) error {
	a.Reply(ctx, t, a.Text.Text(t.Lang, "forget.confirm"), tg.NewKeyboard(
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "forget.yes"), turn.CbForget, "y")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "forget.no"), turn.CbForget, "n")},
	))
	return nil
}

// OnForgetButton deletes what identifies the person; their answers stay,
// anonymous, for statistics.
func (a *Citizens) OnForgetButton(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	a.Ack(ctx, t, "")
	if _, arg := tg.ParseCallback(u.CallbackQuery.Data); arg == "n" {
		a.Show(ctx, t, tg.CallbackMessageID(u), a.Text.Text(t.Lang, "forget.kept"), a.MenuKeyboard(t.Lang))
		return nil
	}
	// Moderators learn that their open request ends here, while it is
	// still theirs to find.
	if err := a.desk.CloseForgotten(ctx, t, t.User.ID); err != nil {
		return err
	}
	if err := store.Forget(ctx, t.Tx, t.User.ID, t.Update.ID); err != nil {
		return err
	}
	if err := a.integrity.ForgetReports(ctx, t); err != nil {
		return err
	}
	// What this turn says to the person (and the callback's answer) is
	// deleted from the outbox as it is delivered.
	t.LeaveNoTrace()
	a.Show(ctx, t, tg.CallbackMessageID(u), a.Text.Text(t.Lang, "forget.done"), a.MenuKeyboard(t.Lang))
	return nil
}
