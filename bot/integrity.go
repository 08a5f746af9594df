package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/store"
)

// Integrity reports: corruption, a demanded bribe, resold queue tickets.
// They go to INTEGRITY_CHAT_ID, anonymously unless the reporter chooses
// otherwise; replies from that chat reach the reporter through the bot.

const (
	cbReport     = "ir" // ir:a (anonymous), ir:n (with my name)
	dialogReport = "report"
)

type reportDraft struct {
	Anonymous bool   `json:"anon"`
	Source    string `json:"source,omitempty"`
}

func (a *App) onReportCommand(ctx context.Context, t *Turn) error {
	a.startReport(ctx, t, 0)
	return nil
}

// startReport shows the official channels and asks how to report.
func (a *App) startReport(ctx context.Context, t *Turn, msgID int) {
	var b strings.Builder
	b.WriteString(a.text.Text(t.Lang, "report.intro"))
	b.WriteString(a.channelList(t.Lang, "integrity", "complaint"))
	if a.cfg.IntegrityChatID == 0 {
		b.WriteString("\n\n" + a.text.Text(t.Lang, "report.unavailable"))
		a.show(ctx, t, msgID, b.String(), a.menuKeyboard(t.Lang))
		return
	}
	b.WriteString("\n\n" + a.text.Text(t.Lang, "report.how"))
	a.show(ctx, t, msgID, b.String(), keyboard(
		[]Button{button(a.text.Text(t.Lang, "report.anonymous"), cbReport, "a")},
		[]Button{button(a.text.Text(t.Lang, "report.named"), cbReport, "n")},
		[]Button{button(a.text.Text(t.Lang, "nav.menu"), cbMenu, "menu")},
	))
}

func (a *App) onReportButton(ctx context.Context, t *Turn) error {
	u := t.Update
	a.ack(ctx, t, "")
	_, arg := parseCallback(u.CallbackQuery.Data)
	if a.cfg.IntegrityChatID == 0 || (arg != "a" && arg != "n") {
		a.onStaleButton(ctx, t)
		return nil
	}
	raw, _ := json.Marshal(reportDraft{Anonymous: arg == "a", Source: "menu"})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: dialogReport, Data: raw}); err != nil {
		return err
	}
	a.show(ctx, t, callbackMessageID(u), a.text.Text(t.Lang, "report.describe"), nil)
	return nil
}

// fileReport stores the report and posts it to the integrity chat: under a
// pseudonym only, when anonymous.
func (a *App) fileReport(ctx context.Context, t *Turn, d reportDraft, m *models.Message) error {
	text := strings.TrimSpace(firstNonEmpty(m.Text, m.Caption))
	if text == "" {
		a.reply(ctx, t, a.text.Text(t.Lang, "report.need_text"), nil)
		return nil
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	r, err := store.AddIntegrityReport(ctx, t.Tx, store.IntegrityReport{
		Pseudonym: store.NewPseudonym(), Anonymous: d.Anonymous, Lang: t.Lang, Text: text, Source: d.Source,
	}, t.User.ID)
	if err != nil {
		return err
	}
	lang := a.pack.Languages[0]
	var b strings.Builder
	b.WriteString(a.text.Text(lang, "report.card_title", map[string]any{"ID": r.ID, "Pseudonym": r.Pseudonym}))
	if d.Anonymous {
		b.WriteString(" · " + a.text.Text(lang, "report.card_anonymous"))
	} else if from := m.From; from != nil {
		name := strings.TrimSpace(from.FirstName + " " + from.LastName)
		fmt.Fprintf(&b, "\n👤 <a href=\"tg://user?id=%d\">%s</a>", from.ID, html.EscapeString(name))
		if from.Username != "" {
			b.WriteString(" @" + html.EscapeString(from.Username))
		}
		fmt.Fprintf(&b, " · <code>%d</code>", from.ID)
	}
	b.WriteString("\n\n" + html.EscapeString(cut(text, 3500)))
	b.WriteString("\n\n" + a.text.Text(lang, "report.card_reply_hint"))
	// The post keeps its id with the report, so that replies to it in
	// the integrity chat reach the reporter.
	t.Do(outbox.Send(a.cfg.IntegrityChatID, b.String(), nil).Keeping(store.Slot{Kind: store.SlotReportPost, Key: r.ID}))
	a.reply(ctx, t, a.text.Text(t.Lang, "report.filed", map[string]any{"ID": r.ID}), a.menuKeyboard(t.Lang))
	return nil
}

func (a *App) isIntegrityUpdate(u *models.Update) bool {
	chat, _ := chatOf(u)
	return a.cfg.IntegrityChatID != 0 && chat == a.cfg.IntegrityChatID
}

// onIntegrityChat relays a reply to a report's message to its reporter.
func (a *App) onIntegrityChat(ctx context.Context, t *Turn) error {
	u := t.Update
	m := u.Message
	if m == nil || m.From == nil || m.From.IsBot || m.ReplyToMessage == nil {
		t.Status = store.InboxSkipped
		return nil
	}
	r, userID, err := store.IntegrityReporter(ctx, t.Tx, m.ReplyToMessage.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Status = store.InboxSkipped
		return nil
	}
	if err != nil {
		return err
	}
	header := a.text.Text(r.Lang, "report.reply_header", map[string]any{"ID": r.ID})
	if m.Text != "" {
		t.Do(outbox.Send(userID, header+"\n\n"+html.EscapeString(m.Text), nil))
		return nil
	}
	t.Do(
		outbox.Send(userID, header, nil),
		outbox.Call(userID, "copyMessage", &tg.CopyMessageParams{ChatID: userID, FromChatID: a.cfg.IntegrityChatID, MessageID: m.ID}),
	)
	return nil
}
