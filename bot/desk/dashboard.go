package desk

import (
	"context"
	"errors"
	"html"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/turn"
	"servicebot/bot/web"
)

// OnDashboardCommand sends an admin a one-time link to the dashboard.
func (a *Desk) OnDashboardCommand(ctx context.Context, t *turn.Turn) error {
	if !a.IsAdmin(ctx, t.User.ID) {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "staff.only"), a.MenuKeyboard(t.Lang))
		return nil
	}
	if a.Cfg.PublicURL == "" {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "dashboard.not_configured"), nil)
		return nil
	}
	link, err := web.LoginLink(ctx, a.St, a.Cfg.PublicURL, t.User.ID, t.Lang)
	if errors.Is(err, web.ErrTooManyLinks) {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "dashboard.too_many", map[string]any{"Count": web.LoginLinksPerHour}), nil)
		return nil
	}
	if err != nil {
		return err
	}
	text := a.Text.Text(t.Lang, "dashboard.link", map[string]any{"URL": html.EscapeString(link), "Minutes": int(web.LoginLinkTTL.Minutes())})
	off := true
	p := &telegram.SendMessageParams{ChatID: t.Chat, Text: text, ParseMode: models.ParseModeHTML, LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: &off}}
	t.Do(outbox.Call(t.Chat, "sendMessage", p))
	return nil
}
