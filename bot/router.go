package bot

import (
	"context"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// routes registers the handlers with go-telegram/bot's router. Matching is
// ours (see command.go); ProcessUpdate picks the first handler that matches,
// else onOther.
func (a *App) routes() {
	// The staff and integrity chats first: their buttons and commands are
	// theirs, whatever a citizen's handler would make of them.
	a.tg.RegisterHandlerMatchFunc(a.isStaffUpdate, a.onStaff)
	a.tg.RegisterHandlerMatchFunc(a.isIntegrityUpdate, a.onIntegrityChat)

	command := func(name string, h tg.HandlerFunc) {
		a.tg.RegisterHandlerMatchFunc(func(u *models.Update) bool {
			c, ok := a.command(u)
			return ok && c.Name == name
		}, h)
	}
	command("start", a.onStart)
	command("help", a.onHelp)
	command("menu", a.onMenu)
	command("language", a.onLanguage)
	command("cancel", a.onCancel)

	callback := func(action string, h tg.HandlerFunc) {
		a.tg.RegisterHandlerMatchFunc(func(u *models.Update) bool {
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
	callback(cbReport, a.onReportButton)
	command("mystery", a.onMysteryCommand)
	command("rate", a.onRateCommand)
	command("forget", a.onForgetCommand)
	callback(cbForget, a.onForgetButton)
	for _, action := range []string{cbSurvey, cbSurveyAns, cbSurveyDone, cbSurveySkip, cbSurveyBack, cbSurveyEdit, cbSurveyPlace} {
		callback(action, a.onSurveyButton)
	}

	a.tg.RegisterHandlerMatchFunc(func(u *models.Update) bool { return u.MyChatMember != nil }, a.onMyChatMember)
}

// turnMiddleware runs before every handler. Outside private chats the bot
// stays silent (the staff chat aside). In a private chat it records the
// citizen, settles their language, and asks for one when Telegram's
// language_code is neither Ukrainian nor Russian.
func (a *App) turnMiddleware(next tg.HandlerFunc) tg.HandlerFunc {
	return func(ctx context.Context, b *tg.Bot, u *models.Update) {
		t := turnOf(ctx)
		chat, private := chatOf(u)
		t.Chat = chat
		from := senderOf(u)
		if !private || from == nil || from.IsBot {
			// Groups, channels, and anything without a chat: silence, but
			// for the staff and integrity chats.
			if chat != 0 && (chat == a.cfg.StaffChatID || chat == a.cfg.IntegrityChatID) {
				next(ctx, b, u)
				return
			}
			if chat != 0 && chat < 0 {
				// How an operator finds the id for STAFF_CHAT_ID or
				// INTEGRITY_CHAT_ID (README, Setting up Telegram).
				a.log.Debug("a group that is not configured wrote to the bot", "chat_id", chat, "update_id", t.Update.ID)
			}
			t.Status = store.InboxSkipped
			return
		}
		if u.MyChatMember != nil {
			next(ctx, b, u)
			return
		}
		user, err := store.TouchUser(ctx, t.Tx, from.ID)
		if err != nil {
			t.Fail(err)
			return
		}
		t.User = &user
		if user.Language == "" {
			if lang, ok := dialogs.LanguageFromTelegram(from.LanguageCode); ok {
				if err := store.SetUserLanguage(ctx, t.Tx, user.ID, lang); err != nil {
					t.Fail(err)
					return
				}
				user.Language = lang
			}
		}
		t.Lang = user.Language
		if t.Lang == "" {
			t.Lang = locales.Default
			if action, _ := callbackAction(u); action != cbLanguage {
				if c, ok := a.command(u); ok && c.Name == "start" {
					a.keepStartPayload(ctx, t, c.Args)
				}
				a.ack(ctx, t, "")
				a.askLanguage(ctx, t, 0)
				return
			}
		}
		next(ctx, b, u)
	}
}

func callbackAction(u *models.Update) (string, string) {
	if u.CallbackQuery == nil {
		return "", ""
	}
	return parseCallback(u.CallbackQuery.Data)
}
