package bot

import (
	"context"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/locales"
)

// menuCommands are the commands shown in Telegram's command menu.
var menuCommands = []string{"start", "menu", "faq", "centres", "rate", "mystery", "operator", "report", "help", "language", "cancel", "forget"}

// registerCommands sets the command menu per language: Ukrainian and Russian
// for those language codes, English for everyone else. A pack of one
// language (the mfc's Russian) is answered in it whatever the person's
// language, so every list is in it. What the deployment does not offer
// (Env.Offers: /language with no choice, /operator with no moderators'
// chat) is not listed. Each list is set, not only the default, so that one a former
// pack left for a language code is replaced.
func (a *App) registerCommands(ctx context.Context) {
	offered := a.OfferedLanguages()
	for _, lang := range locales.Languages {
		in := lang
		if len(offered) == 1 {
			in = offered[0]
		}
		cmds := make([]models.BotCommand, 0, len(menuCommands))
		for _, c := range menuCommands {
			if !a.Offers(c) {
				continue
			}
			cmds = append(cmds, models.BotCommand{Command: c, Description: a.Text.Text(in, "cmd."+c)})
		}
		code := lang
		if lang == locales.Default {
			code = "" // the default for every language without its own list
		}
		err := a.send.Call(ctx, func(ctx context.Context) error {
			_, err := a.tg.SetMyCommands(ctx, &telegram.SetMyCommandsParams{Commands: cmds, LanguageCode: code})
			return err
		})
		if err != nil && ctx.Err() == nil {
			a.Log.Warn("cannot set the command menu", "language", lang, "err", err)
		}
	}
}
