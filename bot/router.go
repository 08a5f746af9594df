package bot

import (
	"context"
	"errors"

	"github.com/go-telegram/bot/models"

	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// handler decides what one update means: it reads and writes through t.Tx
// and adds to t what should happen in Telegram. An error rolls the turn
// back, effects and all; the update is tried again or set aside.
type handler func(ctx context.Context, t *Turn) error

// route is a handler and the updates it takes.
type route struct {
	match  func(u *models.Update) bool
	handle handler
}

// routes is the one route table: the first route that matches an update
// handles it, else onOther. Matching is ours (see command.go).
func (a *App) routes() []route {
	var table []route
	add := func(match func(u *models.Update) bool, h handler) {
		table = append(table, route{match, h})
	}
	// The staff and integrity chats first: their buttons and commands are
	// theirs, whatever a citizen's handler would make of them.
	add(a.isStaffUpdate, a.onStaff)
	add(a.isIntegrityUpdate, a.onIntegrityChat)

	command := func(name string, h handler) {
		add(func(u *models.Update) bool {
			c, ok := a.command(u)
			return ok && c.Name == name
		}, h)
	}
	command("start", a.onStart)
	command("help", a.onHelp)
	command("menu", a.onMenu)
	command("language", a.onLanguage)
	command("cancel", a.onCancel)

	callback := func(action string, h handler) {
		add(func(u *models.Update) bool {
			if u.CallbackQuery == nil {
				return false
			}
			got, _ := parseCallback(u.CallbackQuery.Data)
			return got == action
		}, h)
	}
	callback(cbLanguage, a.onLanguageChosen)
	callback(cbMenu, a.onMenuItem)
	for _, action := range []string{cbFAQRoot, cbFAQCategory, cbFAQQuestion, cbFAQVote, cbFAQNone} {
		callback(action, a.onFAQButton)
	}
	callback(cbEdit, a.onEditButton)
	command("faq", a.onFAQCommand)
	command("unanswered", a.onUnanswered)
	command("dashboard", a.onDashboardCommand)
	command("operator", a.onOperatorCommand)
	command("report", a.onReportCommand)
	callback(cbOperator, a.onOperatorButton)
	callback(cbTicketRate, a.onTicketRated)
	for _, action := range []string{cbReport, cbReportAdd, cbReportAnswer, cbReportDone} {
		callback(action, a.onReportButton)
	}
	command("mystery", a.onMysteryCommand)
	command("rate", a.onRateCommand)
	command("forget", a.onForgetCommand)
	callback(cbForget, a.onForgetButton)
	for _, action := range []string{cbSurvey, cbSurveyAns, cbSurveyDone, cbSurveySkip, cbSurveyBack, cbSurveyEdit, cbSurveyPlace} {
		callback(action, a.onSurveyButton)
	}

	add(func(u *models.Update) bool { return u.MyChatMember != nil }, a.onMyChatMember)
	return table
}

// decide handles one update in its turn. Outside private chats the bot
// stays silent (the staff and integrity chats aside). In a private chat it
// records the citizen, settles their language, and asks for one when
// Telegram's language_code is neither Ukrainian nor Russian.
func (a *App) decide(ctx context.Context, t *Turn) error {
	u := t.Update
	chat, private := chatOf(u)
	t.Chat = chat
	from := senderOf(u)
	if !private || from == nil || from.IsBot {
		// Groups, channels, and anything without a chat: silence, but
		// for the staff and integrity chats.
		if chat != 0 && (chat == a.cfg.StaffChatID || chat == a.cfg.IntegrityChatID) {
			return a.route(ctx, t)
		}
		if chat != 0 && chat < 0 {
			// How an operator finds the id for STAFF_CHAT_ID or
			// INTEGRITY_CHAT_ID (README, Setting up Telegram).
			a.log.Debug("a group that is not configured wrote to the bot", "chat_id", chat, "update_id", t.Update.ID)
		}
		t.Status = store.InboxSkipped
		return nil
	}
	if u.MyChatMember != nil {
		return a.route(ctx, t)
	}
	// A turn of the report flow leaves no trace on the person (see
	// unlinkTurn): their user row is read, not touched.
	quiet, err := a.isReportTurn(ctx, t, from.ID)
	if err != nil {
		return err
	}
	var user store.User
	if quiet {
		user, err = store.GetUser(ctx, t.Tx, from.ID)
	}
	if !quiet || errors.Is(err, store.ErrNotFound) {
		user, err = store.TouchUser(ctx, t.Tx, from.ID)
	}
	if err != nil {
		return err
	}
	t.User = &user
	if user.Language == "" {
		if lang, ok := dialogs.LanguageFromTelegram(from.LanguageCode); ok {
			if err := store.SetUserLanguage(ctx, t.Tx, user.ID, lang); err != nil {
				return err
			}
			user.Language = lang
		}
	}
	if user.Language == "" {
		// A pack in one language has nothing to offer: that is the language.
		if offered := a.offeredLanguages(); len(offered) == 1 {
			if err := store.SetUserLanguage(ctx, t.Tx, user.ID, offered[0]); err != nil {
				return err
			}
			user.Language = offered[0]
		}
	}
	t.Lang = user.Language
	if t.Lang == "" {
		t.Lang = locales.Default
		if action, _ := callbackAction(u); action != cbLanguage {
			if c, ok := a.command(u); ok && c.Name == "start" {
				if err := a.keepStartPayload(ctx, t, c.Args); err != nil {
					return err
				}
			} else if err := a.keepFirstQuestion(ctx, t); err != nil {
				return err
			}
			a.ack(ctx, t, "")
			a.askLanguage(ctx, t, 0)
			return nil
		}
	}
	if err := a.route(ctx, t); err != nil || !quiet {
		return err
	}
	return a.unlinkTurn(ctx, t)
}

// route hands the update to the first route that takes it, else onOther.
func (a *App) route(ctx context.Context, t *Turn) error {
	for _, r := range a.table {
		if r.match(t.Update) {
			return r.handle(ctx, t)
		}
	}
	return a.onOther(ctx, t)
}

func callbackAction(u *models.Update) (string, string) {
	if u.CallbackQuery == nil {
		return "", ""
	}
	return parseCallback(u.CallbackQuery.Data)
}
