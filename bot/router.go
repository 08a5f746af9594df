package bot

import (
	"context"
	"errors"
	"slices"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// route is a turn.Handler and the updates it takes.
type route struct {
	match  func(u *models.Update) bool
	handle turn.Handler
	// leaves: a citizen's command or button that takes an admin away from
	// a FAQ entry they are writing, which is kept hidden first: another
	// dialog would take the conversation's place and lose it.
	leaves bool
}

// routes is the one route table: the first route that matches an update
// handles it, else onOther. Matching is ours (see command.go).
func (a *App) routes() []route {
	var table []route
	add := func(match func(u *models.Update) bool, h turn.Handler) {
		table = append(table, route{match: match, handle: h})
	}
	leaving := func(match func(u *models.Update) bool, h turn.Handler) {
		table = append(table, route{match: match, handle: h, leaves: true})
	}
	// The staff and integrity chats first: their buttons and commands are
	// theirs, whatever a citizen's turn.Handler would make of them.
	add(a.desk.IsStaffUpdate, a.desk.OnStaff)
	add(a.integrity.IsIntegrityUpdate, a.integrity.OnIntegrityChat)

	isCommand := func(name string) func(u *models.Update) bool {
		return func(u *models.Update) bool {
			c, ok := a.Command(u)
			return ok && c.Name == name
		}
	}
	isCallback := func(action string) func(u *models.Update) bool {
		return func(u *models.Update) bool {
			if u.CallbackQuery == nil {
				return false
			}
			got, _ := tg.ParseCallback(u.CallbackQuery.Data)
			return got == action
		}
	}
	command := func(name string, h turn.Handler) { leaving(isCommand(name), h) }
	callback := func(action string, h turn.Handler) { leaving(isCallback(action), h) }
	command("start", a.citizen.OnStart)
	command("help", a.citizen.OnHelp)
	command("menu", a.citizen.OnMenu)
	command("language", a.citizen.OnLanguage)
	// /cancel, /faq and the editor's own buttons end a pending edit
	// themselves, and say what became of it.
	add(isCommand("cancel"), a.citizen.OnCancel)

	callback(turn.CbLanguage, a.citizen.OnLanguageChosen)
	callback(turn.CbMenu, a.citizen.OnMenuItem)
	for _, action := range []string{turn.CbFAQRoot, turn.CbFAQCategory, turn.CbFAQQuestion, turn.CbFAQVote, turn.CbFAQNone} {
		callback(action, a.citizen.OnFAQButton)
	}
	add(isCallback(turn.CbEdit), a.edit.OnEditButton)
	add(isCommand("faq"), a.citizen.OnFAQCommand)
	command("centres", a.citizen.OnCentresCommand)
	command("unanswered", a.edit.OnUnanswered)
	command("dashboard", a.desk.OnDashboardCommand)
	command("operator", a.citizen.OnOperatorCommand)
	command("reopen", a.citizen.OnReopenCommand)
	command("report", a.integrity.OnReportCommand)
	callback(turn.CbOperator, a.citizen.OnOperatorButton)
	callback(turn.CbTicketRate, a.citizen.OnTicketRated)
	for _, action := range []string{turn.CbReport, turn.CbReportAdd, turn.CbReportAnswer, turn.CbReportDone} {
		callback(action, a.integrity.OnReportButton)
	}
	command("mystery", a.survey.OnMysteryCommand)
	command("rate", a.survey.OnRateCommand)
	command("forget", a.citizen.OnForgetCommand)
	callback(turn.CbForget, a.citizen.OnForgetButton)
	for _, action := range []string{turn.CbSurvey, turn.CbSurveyAns, turn.CbSurveyDone, turn.CbSurveySkip, turn.CbSurveyBack, turn.CbSurveyEdit, turn.CbSurveyPlace} {
		callback(action, a.survey.OnSurveyButton)
	}

	add(func(u *models.Update) bool { return u.MyChatMember != nil }, a.citizen.OnMyChatMember)
	return table
}

// decide handles one update in its turn. Outside private chats the bot
// stays silent (the staff and integrity chats aside). In a private chat it
// records the citizen, settles their language, and asks for one when
// Telegram's language_code is neither Ukrainian nor Russian.
func (a *App) decide(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	chat, private := tg.ChatOf(u)
	t.Chat = chat
	from := tg.SenderOf(u)
	if !private || from == nil || from.IsBot {
		// Groups, channels, and anything without a chat: silence, but
		// for the staff and integrity chats.
		if chat != 0 && (chat == a.Cfg.StaffChatID || chat == a.Cfg.IntegrityChatID) {
			return a.route(ctx, t)
		}
		if chat != 0 && chat < 0 {
			// How an operator finds the id for STAFF_CHAT_ID or
			// INTEGRITY_CHAT_ID (README, Setting up Telegram).
			a.Log.Debug("a group that is not configured wrote to the bot", "chat_id", chat, "update_id", t.Update.ID)
		}
		t.Status = store.InboxSkipped
		return nil
	}
	if u.MyChatMember != nil {
		return a.route(ctx, t)
	}
	// A turn of the report flow leaves no trace on the person (see
	// unlinkTurn): their user row is read, not touched.
	quiet, err := a.integrity.IsReportTurn(ctx, t, from.ID)
	if err != nil {
		return err
	}
	var user store.User
	switch {
	case t.Seen != nil && t.Seen.ID == from.ID:
		// Read with the claim, and recorded as seen lately.
		user = *t.Seen
	case quiet:
		user, err = store.GetUser(ctx, t.Tx, from.ID)
		if errors.Is(err, store.ErrNotFound) {
			user, err = store.TouchUser(ctx, t.Tx, from.ID)
		}
	default:
		user, err = store.TouchUser(ctx, t.Tx, from.ID)
	}
	if err != nil {
		return err
	}
	t.User = &user
	if user.Language == "" {
		// Telegram's language only when the pack speaks it: the mfc pack
		// answers in Russian, so a Ukrainian client gets Russian, not a
		// Ukrainian menu over Russian answers.
		if lang, ok := dialogs.LanguageFromTelegram(from.LanguageCode); ok && slices.Contains(a.OfferedLanguages(), lang) {
			if err := store.SetUserLanguage(ctx, t.Tx, user.ID, lang); err != nil {
				return err
			}
			user.Language = lang
		}
	}
	if m := u.Message; m != nil && m.Chat.Type == models.ChatTypePrivate && !quiet && !a.KnownAdmin(from.ID) {
		// The language a message is plainly written in wins over the
		// Telegram client's (many Ukrainians keep a Russian interface),
		// until the person chooses one with /language. (Not in a report's
		// turn, which leaves no trace on the person's row; nor for staff,
		// who write the FAQ's Russian answers in a Ukrainian interface.)
		if lang, ok := dialogs.WrittenIn(turn.FirstNonEmpty(m.Text, m.Caption)); ok && lang != user.Language && slices.Contains(a.OfferedLanguages(), lang) {
			chosen, err := store.LanguageChosen(ctx, t.Tx, user.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			// A questionnaire keeps the language it began in: a comment
			// written in the other one does not turn its steps and summary
			// over half-way.
			if conv, err := store.GetConversation(ctx, t.Tx, t.Chat); err == nil && conv.Dialog == turn.DialogSurvey {
				chosen = true
			}
			if !chosen {
				if err := store.SetUserLanguage(ctx, t.Tx, user.ID, lang); err != nil {
					return err
				}
				user.Language = lang
			}
		}
	}
	if user.Language == "" {
		// A pack in one language has nothing to offer: that is the language.
		if offered := a.OfferedLanguages(); len(offered) == 1 {
			if err := store.SetUserLanguage(ctx, t.Tx, user.ID, offered[0]); err != nil {
				return err
			}
			user.Language = offered[0]
		}
	}
	t.Lang = user.Language
	if m := u.Message; quiet && m != nil && t.Lang != "" {
		// A report written plainly in the other language is answered in
		// it, for this turn alone: the person's row is not touched.
		if lang, ok := dialogs.WrittenIn(turn.FirstNonEmpty(m.Text, m.Caption)); ok && lang != t.Lang && slices.Contains(a.OfferedLanguages(), lang) {
			if chosen, err := store.LanguageChosen(ctx, t.Tx, user.ID); err == nil && !chosen {
				t.Lang = lang
			}
		}
	}
	if t.Lang == "" {
		t.Lang = locales.Default
		if action, _ := tg.CallbackOf(u); action != turn.CbLanguage {
			if c, ok := a.Command(u); ok && c.Name == "start" {
				if err := a.citizen.KeepStartPayload(ctx, t, c.Args); err != nil {
					return err
				}
			} else if err := a.citizen.KeepFirstQuestion(ctx, t); err != nil {
				return err
			}
			a.Ack(ctx, t, "")
			a.citizen.AskLanguage(ctx, t, 0)
			return nil
		}
	}
	if err := a.route(ctx, t); err != nil || !quiet {
		return err
	}
	return a.integrity.UnlinkTurn(ctx, t)
}

// route hands the update to the first route that takes it, else onOther.
func (a *App) route(ctx context.Context, t *turn.Turn) error {
	for _, r := range a.table {
		if r.match(t.Update) {
			// Only an admin writes FAQ entries: a citizen's commands and
			// buttons read nothing more for it (KnownAdmin is memory).
			if r.leaves && t.User != nil && a.KnownAdmin(t.User.ID) {
				if _, err := a.edit.KeepHalfMade(ctx, t); err != nil {
					return err
				}
			}
			return r.handle(ctx, t)
		}
	}
	return a.citizen.OnOther(ctx, t)
}
