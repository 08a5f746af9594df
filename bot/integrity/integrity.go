package integrity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

const (
	reportDraftTime  = time.Hour        // to write the report after choosing how
	reportChoiceTime = 10 * time.Minute // to choose how, or type the report, after /report
	reportFollowTime = 30 * time.Minute // to add to it, or answer a question, after the last message
	reportDoneTime   = 10 * time.Minute // after «Готово», when what is typed is offered to be added
	reportsListed    = 5                // open reports offered to add to
)

// reportDraft is a reporter's open report dialog, kept sealed in
// integrity_dialogs. Its zero value is an anonymous report being written:
// what cannot be read is taken for that (fail closed).
type reportDraft struct {
	Named  bool   `json:"named,omitempty"`
	Source string `json:"source,omitempty"`
	Report int64  `json:"report,omitempty"` // 0 until filed
	Kind   string `json:"kind,omitempty"`   // store.ReportAddition or store.ReportAnswer once filed
	Until  int64  `json:"until"`            // unix time: the dialog is over after it
	// Choosing: /report was asked, and anonymous or named is not chosen
	// yet; what is typed then is a choice in words or the report itself.
	Choosing bool `json:"choosing,omitempty"`
	// Since is the update that brought the dialog's last prompt (the
	// choice, «describe it», «added»): anything the person did after it
	// that is not the report flow's (/menu, /start, a button of the FAQ)
	// ends the wait, and what is typed next is not the report's. 0 in a
	// dialog kept before it was recorded.
	Since int64 `json:"since,omitempty"`
	// Text is a report in a few words typed before choosing, kept until
	// the person says how to send it (offer).
	Text string `json:"text,omitempty"`
	// Pending is a question typed while the report could be added to,
	// which the FAQ could answer (or, once Done, whatever was typed): kept
	// until the person says whether it is for the report or for the bot.
	Pending string `json:"pending,omitempty"`
	// Album is the media_group_id of the last message added: the album's
	// later parts are added without a word each («Додано…» is said once).
	Album string `json:"album,omitempty"`
	// Done: the person tapped «Готово» under report Report. For a while
	// what they type next is still offered to be added to it (a detail
	// remembered: «до речі, її звати Ольга»), not added, and not left to
	// the FAQ, whose «no ready answer» offers the operators.
	Done bool `json:"done,omitempty"`
	// Unavailable: /report was asked where the bot takes no reports (no
	// integrity chat). Nothing is reported; a fear or a worry typed next
	// («ні, я боюся», «а мене не покарають?») is answered (NoReportsHere).
	Unavailable bool `json:"unavailable,omitempty"`

	// row is the dialog's id in the store, the key of its prompt (the
	// message whose buttons wait: the choice while Choosing, «add it?»
	// while Pending); 0 while it is not kept.
	row int64
}

// prompting tells a dialog whose prompt still shows its buttons: they
// are taken away (unprompt) when the person answers by typing instead.
func (d reportDraft) prompting() bool { return d.Choosing || d.Pending != "" }

// OnReportCommand begins an integrity report (/report).
func (a *Integrity) OnReportCommand(ctx context.Context, t *turn.Turn) error {
	return a.StartReport(ctx, t, 0)
}

// StartReport shows the official channels and asks how to report, and
// offers to add to the person's open reports.
func (a *Integrity) StartReport(ctx context.Context, t *turn.Turn, msgID int) error {
	var b strings.Builder
	// What counts is the pack's (the MFC holds no exams); the channels are
	// its integrity channels alone: a rating site is not where a bribe is
	// reported, and a pack with no sourced channel names none.
	b.WriteString(a.Text.Text(t.Lang, "report.intro."+a.Cfg.Pack))
	channels := a.ChannelList(t.Lang, "integrity")
	if channels != "" {
		b.WriteString("\n" + a.Text.Text(t.Lang, "report.channels") + channels)
	}
	if a.Cfg.IntegrityChatID == 0 {
		b.WriteString("\n\n" + a.unavailable(t.Lang, channels))
		a.Show(ctx, t, msgID, b.String(), a.MenuKeyboard(t.Lang))
		// A fear or a worry typed next is answered (NoReportsHere).
		return a.saveReportDialog(ctx, t, reportDraft{Unavailable: true, Since: t.Update.ID, Until: time.Now().Add(reportChoiceTime).Unix()})
	}
	if channels != "" {
		b.WriteString("\n\n" + a.Text.Text(t.Lang, "report.here_too"))
	} else {
		b.WriteString("\n\n" + a.Text.Text(t.Lang, "report.here"))
	}
	b.WriteString(" " + a.Text.Text(t.Lang, "report.how"))
	// What is typed next is for the report, not a request's description
	// or a questionnaire's comment asked for before /report (which would
	// keep it, and with the person's name).
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	// A choice or a question still waiting from before goes: this one
	// takes its place.
	if d, ok, err := a.reportDialog(ctx, t); err != nil {
		return err
	} else if ok && d.prompting() {
		a.unprompt(t, d.row)
	}
	// What is typed before a button is tapped is not lost to the FAQ.
	row, err := a.keepDialog(ctx, t, reportDraft{Choosing: true, Since: t.Update.ID, Source: "menu", Until: time.Now().Add(reportChoiceTime).Unix()})
	if err != nil {
		return err
	}
	rows := a.choiceRows(t.Lang)
	own, err := a.ownReports(ctx, t, t.User.ID)
	if err != nil {
		return err
	}
	if len(own) > 0 {
		b.WriteString("\n\n" + a.Text.Text(t.Lang, "report.yours"))
	}
	for i, r := range own {
		if i == reportsListed {
			break
		}
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "report.add_to", map[string]any{"ID": r.ID}), turn.CbReportAdd, strconv.FormatInt(r.ID, 10))})
	}
	// «🏠 Меню» leaves the report unbegun: what is typed next is not it.
	rows = append(rows, a.menuRow(t.Lang))
	// The choice is the dialog's prompt: a report sent without it takes
	// its buttons away.
	a.prompt(t, row, msgID, b.String(), tg.NewKeyboard(rows...))
	return nil
}

// unavailable says that the bot takes no reports, and what to do
// instead: the pack's integrity channels (listed above it), or, with
// none, not to pay and to keep evidence.
func (a *Integrity) unavailable(lang, channels string) string {
	if channels != "" {
		return a.Text.Text(lang, "report.unavailable")
	}
	return a.Text.Text(lang, "report.unavailable_alone")
}

// NoReportsHere takes a citizen's message soon after /report where the
// bot takes no reports: a fear or a worry («нет, я боюсь», «а меня не
// накажут?») is answered kindly, with what /report said, rather than
// with the FAQ's «no ready answer»; taken tells so. Anything else ends
// the wait and is not taken.
func (a *Integrity) NoReportsHere(ctx context.Context, t *turn.Turn, m *models.Message) (taken bool, err error) {
	d, ok, err := a.reportDialog(ctx, t)
	if err != nil || !ok {
		return false, err
	}
	moved, err := store.UpdatesBetween(ctx, t.Tx, t.Chat, d.Since, t.Update.ID)
	if err != nil {
		return false, err
	}
	text := strings.TrimSpace(m.Text)
	if !d.Unavailable || moved || len(strings.Fields(text)) >= 10 ||
		!a.saysAnyWord(t.Lang, "report.fear", text) && !a.worried(t.Lang, text) {
		_, err := a.leave(ctx, t, NotReport)
		return false, err
	}
	d.Since = t.Update.ID // a second worry is answered too
	if err := a.saveReportDialog(ctx, t, d); err != nil {
		return false, err
	}
	var b strings.Builder
	b.WriteString(a.Text.Text(t.Lang, "report.unavailable_heard") + "\n\n")
	channels := a.ChannelList(t.Lang, "integrity")
	if channels != "" {
		b.WriteString(a.Text.Text(t.Lang, "report.channels") + channels + "\n\n")
	}
	b.WriteString(a.unavailable(t.Lang, channels))
	a.Reply(ctx, t, b.String(), a.MenuKeyboard(t.Lang))
	return true, nil
}

// menuRow is «🏠 Меню» under the report flow's messages: it ends the
// report's dialog.
func (a *Integrity) menuRow(lang string) []tg.Button {
	return []tg.Button{tg.CallbackButton(a.Text.Text(lang, "nav.menu"), turn.CbReport, "x")}
}

// promptSlot keeps the message of the dialog kept as row whose buttons
// wait for the person.
func promptSlot(row int64) store.Slot { return store.Slot{Kind: store.SlotReportPrompt, Key: row} }

// prompt puts text with the buttons kb in place of the bot's message
// msgID, or sends it when msgID is 0, as the prompt of the dialog kept as
// row.
func (a *Integrity) prompt(t *turn.Turn, row int64, msgID int, text string, kb *tg.Keyboard) {
	e := outbox.Send(t.Chat, text, tg.Markup(kb))
	if msgID != 0 {
		e = outbox.Edit(t.Chat, msgID, text, tg.Markup(kb))
	}
	if row != 0 {
		e = e.Keeping(promptSlot(row))
	}
	t.Do(e)
}

// unprompt takes the buttons away from the prompt of the dialog kept as
// row: the person answered it by typing, and a tap on it later would
// answer what is no longer asked (a report's choice under a report sent).
func (a *Integrity) unprompt(t *turn.Turn, row int64) {
	if row == 0 {
		return
	}
	t.Do(outbox.Call(t.Chat, "editMessageReplyMarkup", &telegram.EditMessageReplyMarkupParams{ChatID: t.Chat}).
		Changing(promptSlot(row)).MayBeRefused().Silent())
}

// choiceRows are the buttons that choose how to report.
func (a *Integrity) choiceRows(lang string) [][]tg.Button {
	return [][]tg.Button{
		{tg.CallbackButton(a.Text.Text(lang, "report.anonymous"), turn.CbReport, "a")},
		{tg.CallbackButton(a.Text.Text(lang, "report.named"), turn.CbReport, "n")},
	}
}

func (a *Integrity) choiceKeyboard(lang string) *tg.Keyboard {
	return tg.NewKeyboard(a.choiceRows(lang)...)
}

// worried tells a question about what reporting may bring on the
// reporter: «а мене не покарають, якщо я повідомлю?», «мене не
// впізнають?», «это точно анонимно?».
func (a *Integrity) worried(lang, text string) bool {
	return dialogs.LooksLikeQuestion(text) && (a.saysAnyWord(lang, "report.worry", text) || a.saysAnyWord(lang, "report.fear", text))
}

// saysForm tells a short message that has one of key's typed forms in
// it, with no «не» before it: «хочу анонімно», «анонімно будь ласка»,
// «хочу від свого імені»; not «не анонімно», nor «не хочу від свого
// імені».
func (a *Integrity) saysForm(lang, key, text string) bool {
	words := strings.Fields(dialogs.Fold(text))
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	for i := range words {
		if slices.Contains(words[:i], dialogs.Fold("не")) {
			break
		}
		for j := i + 1; j <= len(words); j++ {
			if a.TypedForm(lang, key, strings.Join(words[i:j], " ")) {
				return true
			}
		}
	}
	return false
}

// saysAnyWord tells a message with one of key's typed words in it, in
// any language: «боюся» in «ні, я боюся».
func (a *Integrity) saysAnyWord(lang, key, text string) bool {
	for _, w := range strings.Fields(dialogs.Fold(text)) {
		if a.TypedForm(lang, key, w) {
			return true
		}
	}
	return false
}

// tellsCase tells a message that says something of the case, not only a
// feeling or a choice: six words or more, or mentionsCase.
func (a *Integrity) tellsCase(text string) bool {
	return len(strings.Fields(dialogs.Fold(text))) >= 6 || a.mentionsCase(text)
}

// mentionsCase tells a message with a word of money, demanding or a bribe
// in it: one beginning as a word of report.content_typed does, in any
// language («вимагав», «грн», «хабар»), or one that tells of a bribe
// (dialogs.TellsOfBribe: «без 200$ не здам»).
func (a *Integrity) mentionsCase(text string) bool {
	if dialogs.TellsOfBribe(text) {
		return true
	}
	words := strings.Fields(dialogs.Fold(text))
	for _, stem := range a.TypedWords("report.content_typed") {
		stem = dialogs.Fold(stem)
		for _, w := range words {
			if stem != "" && strings.HasPrefix(w, stem) {
				return true
			}
		}
	}
	return false
}

// typedChoice reads a message typed once how to report is chosen: only
// the choice again, in words («анонімно», «хочу від свого імені»; «не
// анонімно» is named), gives chosen and named; a worry put as a question
// («а це точно анонімно?») gives worry. A message that mentions the case
// is neither: it is the report, or part of it.
func (a *Integrity) typedChoice(lang, text string) (chosen, named, worry bool) {
	if strings.TrimSpace(text) == "" || a.mentionsCase(text) {
		return false, false, false
	}
	switch {
	case a.TypedForm(lang, "report.named", text):
		return true, true, false
	case a.TypedForm(lang, "report.anonymous", text):
		return true, false, false
	case a.worried(lang, text):
		return false, false, true
	case a.saysForm(lang, "report.named", text): // first: «не анонімно» is named
		return true, true, false
	case a.saysForm(lang, "report.anonymous", text):
		return true, false, false
	}
	return false, false, false
}

// refuses tells «не хочу нічого повідомляти», «ні, дякую», «нет»: the
// person does not want to report after all. Only a bare refusal is one:
// one of the locales' report.refuse_typed, in any language, and after it
// only words of report.refuse_rest_typed («дякую», «нічого»), so «не хочу
// платити хабар» or «не хочу, щоб мене впізнали» is none.
func (a *Integrity) refuses(text string) bool {
	f := dialogs.Fold(text)
	if len(strings.Fields(f)) > 5 {
		return false // «не хочу платити хабар, але з мене вимагали…» is a report
	}
	for _, p := range a.TypedWords("report.refuse_typed") {
		if f == dialogs.Fold(p) || strings.HasPrefix(f, dialogs.Fold(p)+" ") && a.onlyWords(locales.Default, "report.refuse_rest", f[len(dialogs.Fold(p)):]) {
			return true
		}
	}
	return false
}

// browses tells «я тільки подивитися», «просто смотрю»: the person came
// to look, not to report (report.browse_typed, in any language; a «я»
// before it aside).
func (a *Integrity) browses(text string) bool {
	words := strings.Fields(dialogs.Fold(text))
	if len(words) > 1 && (words[0] == dialogs.Fold("я")) {
		words = words[1:]
	}
	return a.Typed("report.browse_typed", strings.Join(words, " "))
}

// onlyWords tells text whose every word is one of key's typed words.
func (a *Integrity) onlyWords(lang, key, text string) bool {
	for _, w := range strings.Fields(text) {
		if !a.TypedForm(lang, key, w) {
			return false
		}
	}
	return true
}

// choose begins the report, anonymous or named, as chosen by its button
// (the message msgID) or in words, and asks for it; lead, when not "",
// comes first.
func (a *Integrity) choose(ctx context.Context, t *turn.Turn, msgID int, named bool, lead string) error {
	if err := a.saveReportDialog(ctx, t, reportDraft{Named: named, Source: "menu", Since: t.Update.ID, Until: time.Now().Add(reportDraftTime).Unix()}); err != nil {
		return err
	}
	chosen := "report.chosen_anonymous"
	if named {
		chosen = "report.chosen_named"
	}
	text := a.Text.Text(t.Lang, chosen) + "\n\n" + a.Text.Text(t.Lang, "report.describe")
	if lead != "" {
		text = lead + "\n\n" + text
	}
	a.Show(ctx, t, msgID, text, nil)
	return nil
}

// ownReports returns the person's open reports that can still reach them,
// newest first.
func (a *Integrity) ownReports(ctx context.Context, t *turn.Turn, userID int64) ([]store.LinkedReport, error) {
	return a.ownOf(ctx, t, userID, false)
}

// ownOf returns the person's open reports that can reach them; with
// answering, only those with a question waiting.
func (a *Integrity) ownOf(ctx context.Context, t *turn.Turn, userID int64, answering bool) ([]store.LinkedReport, error) {
	all, err := store.LinkedIntegrityReports(ctx, t.Tx, answering)
	if err != nil {
		return nil, err
	}
	var own []store.LinkedReport
	for _, r := range all {
		if a.keys.owns(r.Tag, userID, r.ID) {
			own = append(own, r)
		}
	}
	return own, nil
}

// ownReport returns the report when it is open, can reach its reporter
// and is the person's.
func (a *Integrity) ownReport(ctx context.Context, t *turn.Turn, id int64) (store.IntegrityReport, bool, error) {
	r, err := store.GetIntegrityReport(ctx, t.Tx, id)
	if errors.Is(err, store.ErrNotFound) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	return r, !r.Closed && r.ReporterTag != nil && a.keys.owns(r.ReporterTag, t.User.ID, r.ID), nil
}

// OnReportButton takes the report flow's buttons in a private chat.
func (a *Integrity) OnReportButton(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	a.Ack(ctx, t, "")
	action, arg := tg.ParseCallback(u.CallbackQuery.Data)
	if a.Cfg.IntegrityChatID == 0 {
		a.StaleButton(ctx, t)
		return nil
	}
	if action == turn.CbReport {
		if arg == "x" {
			if _, err := store.EndIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat)); err != nil {
				return err
			}
			a.Show(ctx, t, tg.CallbackMessageID(u), a.Text.Text(t.Lang, "menu.title"), a.MenuKeyboard(t.Lang))
			return nil
		}
		named, known := map[string]bool{"a": false, "n": true, "sa": false, "sn": true, "m": false}[arg]
		if !known {
			a.StaleButton(ctx, t)
			return nil
		}
		d, ok, err := a.reportDialog(ctx, t)
		if err != nil {
			return err
		}
		if ok && d.Report != 0 {
			// A choice tapped under a report already sent (its buttons
			// not yet taken away, or shown by a client that lags).
			if r, mine, err := a.ownReport(ctx, t, d.Report); err != nil || mine {
				if err != nil {
					return err
				}
				if m := u.CallbackQuery.Message.Message; m != nil && m.ReplyMarkup != nil {
					a.EditKeyboard(ctx, t, m.ID, nil)
				}
				if arg == "m" {
					named = !r.Anonymous // «add more»: to the report sent
				}
				return a.sentAlready(ctx, t, r, named)
			}
		}
		kept := ok && d.Choosing && d.Text != ""
		switch {
		case kept && arg == "m":
			// «✍️ Додати ще»: the offer stays, and asks again with more.
			a.Reply(ctx, t, a.Text.Text(t.Lang, "report.write_more"), nil)
			return nil
		case kept:
			return a.decide(ctx, t, d, tg.CallbackMessageID(u), named, "")
		case arg != "a" && arg != "n":
			a.StaleButton(ctx, t) // an offer whose report is no longer kept
			return nil
		}
		// A report takes over from whatever dialog the chat was in.
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		return a.choose(ctx, t, tg.CallbackMessageID(u), named, "")
	}
	idText, verb, _ := strings.Cut(arg, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	if action == turn.CbReportAdd && (verb == "y" || verb == "q") {
		// «➕ add it» or «❓ it is a question» under a question typed
		// while the report could be added to.
		return a.settlePending(ctx, t, tg.CallbackMessageID(u), id, verb == "y")
	}
	if action == turn.CbReportDone {
		if err := a.finish(ctx, t); err != nil {
			return err
		}
		if id != 0 {
			if _, mine, err := a.ownReport(ctx, t, id); err != nil {
				return err
			} else if mine {
				if err := store.SetAnswerWindow(ctx, t.Tx, id, 0); err != nil {
					return err
				}
			}
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.done"), a.MenuKeyboard(t.Lang))
		return nil
	}
	r, mine, err := a.ownReport(ctx, t, id)
	if err != nil {
		return err
	}
	if !mine {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.gone"), a.MenuKeyboard(t.Lang))
		return nil
	}
	kind, prompt := store.ReportAddition, "report.add_prompt"
	if action == turn.CbReportAnswer {
		kind, prompt = store.ReportAnswer, "report.answer_prompt"
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	d := reportDraft{Named: !r.Anonymous, Report: r.ID, Kind: kind, Since: t.Update.ID, Until: time.Now().Add(reportFollowTime).Unix()}
	if err := a.saveReportDialog(ctx, t, d); err != nil {
		return err
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, prompt, map[string]any{"ID": r.ID}), nil)
	return nil
}

// finish ends adding to the report the chat's dialog is on («Готово»):
// what is typed for a while after is offered to be added to it (Done),
// not added; with no report, the dialog ends.
func (a *Integrity) finish(ctx context.Context, t *turn.Turn) error {
	d, ok, err := a.reportDialog(ctx, t)
	if err != nil {
		return err
	}
	if !ok || d.Report == 0 {
		_, err := a.leave(ctx, t, Taken)
		return err
	}
	if d.Pending != "" {
		a.unprompt(t, d.row) // «add it?» no longer waits
	}
	return a.saveReportDialog(ctx, t, reportDraft{
		Named: d.Named, Report: d.Report, Kind: store.ReportAddition, Done: true,
		Since: t.Update.ID, Until: time.Now().Add(reportDoneTime).Unix(),
	})
}

// sentAlready answers a choice of how to report (named or not) made once
// report r is sent: r stays as it went. The same choice needs nothing
// more; the other is a new report, offered, and adding to r ends, so that
// what is typed next (a name, a phone) does not go into an anonymous
// report, nor words meant to stay anonymous into a named one.
func (a *Integrity) sentAlready(ctx context.Context, t *turn.Turn, r store.IntegrityReport, named bool) error {
	data := map[string]any{"ID": r.ID}
	if named != r.Anonymous {
		already := "report.already_anonymous"
		if named {
			already = "report.already_named"
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, already, data), a.doneKeyboard(t.Lang, 0))
		return nil
	}
	if _, err := store.EndIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat)); err != nil {
		return err
	}
	stays, button, arg := "report.stays_anonymous", "report.new_named", "n"
	if !named {
		stays, button, arg = "report.stays_named", "report.new_anonymous", "a"
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, stays, data), tg.NewKeyboard(
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, button), turn.CbReport, arg)},
		a.menuRow(t.Lang),
	))
	return nil
}

// dialogContext names what a chat's sealed dialog is for: a box copied to
// another chat does not open.
func dialogContext(chat int64) string { return fmt.Sprintf("dialog:%d", chat) }

func (a *Integrity) saveReportDialog(ctx context.Context, t *turn.Turn, d reportDraft) error {
	_, err := a.keepDialog(ctx, t, d)
	return err
}

// keepDialog saves the chat's report dialog, and returns its row (the key
// of its prompt).
func (a *Integrity) keepDialog(ctx context.Context, t *turn.Turn, d reportDraft) (int64, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return 0, fmt.Errorf("bot: cannot encode a report dialog: %w", err)
	}
	return store.SaveIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat), a.keys.sealBytes(raw, dialogContext(t.Chat)))
}

// reportDialog returns the chat's report dialog; ok is false when there is
// none or it is over. One that cannot be read is a new anonymous report.
func (a *Integrity) reportDialog(ctx context.Context, t *turn.Turn) (d reportDraft, ok bool, err error) {
	tag := a.keys.dialogTag(t.Chat)
	box, row, err := store.IntegrityDialog(ctx, t.Tx, tag)
	if errors.Is(err, store.ErrNotFound) {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	if err := a.openReportDialog(box, t.Chat, &d); err != nil {
		a.Log.Warn("a report dialog cannot be read; it is taken for a new anonymous report", "err", err)
		return reportDraft{Until: time.Now().Add(reportDraftTime).Unix(), row: row}, true, nil
	}
	d.row = row
	if time.Now().Unix() > d.Until {
		if _, err := store.EndIntegrityDialog(ctx, t.Tx, tag); err != nil {
			return d, false, err
		}
		return d, false, nil
	}
	return d, true, nil
}

// openReportDialog unseals and decodes a dialog, refusing fields it does
// not know (a renamed field must not read as "named").
func (a *Integrity) openReportDialog(box []byte, chat int64, d *reportDraft) error {
	raw, err := a.keys.openBytes(box, dialogContext(chat))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(d); err != nil {
		*d = reportDraft{}
		return fmt.Errorf("bot: a report dialog does not decode: %w", err)
	}
	return nil
}

// QuestionOf returns the report whose question m replies to (the question
// carries its «answer» button), or 0.
func QuestionOf(m *models.Message) int64 {
	r := m.ReplyToMessage
	if r == nil || r.From == nil || !r.From.IsBot || r.ReplyMarkup == nil {
		return 0
	}
	for _, row := range r.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if action, arg := tg.ParseCallback(b.CallbackData); action == turn.CbReportAnswer {
				id, _ := strconv.ParseInt(arg, 10, 64)
				return id
			}
		}
	}
	return 0
}

// Take says what became of a citizen's message offered to the report flow.
type Take int

const (
	// NotReport: the message is not the report flow's; it goes where it
	// would without it (an open request, else the FAQ).
	NotReport Take = iota
	// Taken: the report flow took it.
	Taken
	// ForFAQ: not the report flow's, and not an open request's either
	// (the person's last word was /report, not the request): the FAQ
	// answers it.
	ForFAQ
)

// ReportMessage takes a citizen's message that belongs to the report
// flow: the report being written, an addition, the answer a question
// waits for; else it says where the message goes.
func (a *Integrity) ReportMessage(ctx context.Context, t *turn.Turn, m *models.Message) (Take, error) {
	d, ok, err := a.reportDialog(ctx, t)
	if err != nil {
		return NotReport, err
	}
	if !ok {
		return a.answerAwaited(ctx, t, m)
	}
	if d.Unavailable {
		// /report was asked while the bot took no reports: what follows
		// is no report.
		if _, err := a.leave(ctx, t, NotReport); err != nil {
			return NotReport, err
		}
		return a.answerAwaited(ctx, t, m)
	}
	if d.Choosing {
		return a.beforeChoice(ctx, t, d, m)
	}
	if d.Since != 0 {
		// Chosen, or sent and open to additions: the person moved on
		// since (/menu, /start, a button of the menu or the FAQ), so
		// this message is not for the integrity team.
		// (A question of the team's still waits for its answer.)
		if moved, err := store.UpdatesBetween(ctx, t.Tx, t.Chat, d.Since, t.Update.ID); err != nil {
			return NotReport, err
		} else if moved {
			if _, err := a.leave(ctx, t, NotReport); err != nil {
				return NotReport, err
			}
			return a.answerAwaited(ctx, t, m)
		}
	}
	if d.Report != 0 {
		return a.follow(ctx, t, d, m)
	}
	text := turn.FirstNonEmpty(m.Text, m.Caption)
	if !evidence(m) && a.refuses(text) {
		// «ні, дякую», «хватит» once how to report is chosen: nothing
		// to report after all, as before choosing (it was sent as the
		// report).
		if _, err := a.leave(ctx, t, Taken); err != nil {
			return NotReport, err
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, "cancel.done"), a.MenuKeyboard(t.Lang))
		return Taken, nil
	}
	if !evidence(m) {
		again, named, worry := a.typedChoice(t.Lang, text)
		switch {
		case again:
			// «анонімно» once more, «від свого імені» after «анонімно»:
			// not the report. The choice is said again, or changed,
			// and the report still awaited.
			return Taken, a.choose(ctx, t, 0, named, "")
		case worry:
			// «а це точно анонімно?»: answered, and the report awaited.
			a.Reply(ctx, t, a.reassurance(t.Lang, d.Named), nil)
			return Taken, nil
		}
	}
	if m.Sticker != nil || !evidence(m) && dialogs.SmallTalk(text) != "" {
		// «🤬», «привіт», a sticker: not yet a report.
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.describe_again"), nil)
		return Taken, nil
	}
	return Taken, a.fileReport(ctx, t, d, m)
}

// beforeChoice takes a message typed after /report, before how to report
// is chosen (d.Choosing): the choice in words, a worry, a fear, a refusal,
// a question; a report in a few words, kept and offered to be sent; or
// the report itself, sent anonymously.
func (a *Integrity) beforeChoice(ctx context.Context, t *turn.Turn, d reportDraft, m *models.Message) (Take, error) {
	text := turn.FirstNonEmpty(m.Text, m.Caption)
	// The person moved on since /report (/menu, /operator, a button):
	// this message is not the report, unless it is the choice's very
	// word. (An open request does not make it the request's: /report was
	// asked after it.)
	moved, err := store.UpdatesBetween(ctx, t.Tx, t.Chat, d.Since, t.Update.ID)
	if err != nil {
		return NotReport, err
	}
	moved = moved || d.Since == 0
	named, anonymous := a.TypedForm(t.Lang, "report.named", text), a.TypedForm(t.Lang, "report.anonymous", text)
	if d.Text != "" && !named && a.TypedForm(t.Lang, "survey.yes", text) {
		anonymous = true // «так» to «Надіслати це анонімно?»
	}
	switch {
	case !moved && !named && !anonymous && a.worried(t.Lang, text):
		// «а мене не покарають?», «це точно анонімно?»: what the bot
		// does with a report, and the choice again, whose buttons are
		// now the ones under this answer.
		lead := a.Text.Text(t.Lang, "report.worry_heard") + "\n\n" + a.Text.Text(t.Lang, "report.safety")
		if dialogs.TellsOfBribe(text) {
			// «інспектор просив 200 доларів, мене не покарають?»: the
			// case, kept and offered to be sent, under the answer.
			return Taken, a.offer(ctx, t, d, text, lead)
		}
		kb := a.choiceKeyboard(t.Lang)
		if d.Text != "" {
			kb = a.offerKeyboard(t.Lang)
		}
		a.unprompt(t, d.row)
		a.prompt(t, d.row, 0, lead+"\n\n"+a.Text.Text(t.Lang, "report.choose_below"), kb)
		return Taken, nil
	case named || a.saysForm(t.Lang, "report.named", text): // first: «не анонімно» is named
		return Taken, a.decide(ctx, t, d, 0, true, "")
	case anonymous || a.saysForm(t.Lang, "report.anonymous", text):
		return Taken, a.decide(ctx, t, d, 0, false, "")
	case moved:
		return a.leave(ctx, t, NotReport)
	}
	words := len(strings.Fields(dialogs.Fold(text)))
	if words < 10 && !evidence(m) && a.saysAnyWord(t.Lang, "report.fear", text) {
		// «не хочу, щоб мене впізнали», «ні, я боюся»: a fear, not a
		// refusal; anonymous is what answers it, and what that keeps
		// from whom is said.
		lead := a.Text.Text(t.Lang, "report.fear_heard") + "\n\n" + a.Text.Text(t.Lang, "report.safety")
		if a.tellsCase(text) || d.Text != "" {
			// «Боюся, але інспектор вимагав 500 грн»: the report, fear
			// and all. It goes anonymously, and the fear is answered,
			// rather than have it typed again.
			a.unprompt(t, d.row)
			a.Reply(ctx, t, lead, nil)
			return Taken, a.fileReport(ctx, t, reportDraft{Source: "menu"}, withKept(d.Text, m))
		}
		return Taken, a.decide(ctx, t, d, 0, false, lead)
	}
	if a.refuses(text) || a.browses(text) {
		// «не хочу нічого повідомляти», «не треба»: nothing to report;
		// «я тільки подивитися»: not now.
		if _, err := a.leave(ctx, t, Taken); err != nil {
			return NotReport, err
		}
		said := "cancel.done"
		if a.browses(text) {
			said = "report.just_looking"
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, said), a.MenuKeyboard(t.Lang))
		return Taken, nil
	}
	if dialogs.LooksLikeQuestion(text) {
		// «як записатися на іспит?» after a look at /report: the FAQ's
		// (not a request's follow-up), and the report is not begun (a
		// report kept waits for its answer); a question the FAQ does not
		// know («а що буде, якщо я повідомлю?»), or one its entry on
		// bribes answers («куди повідомити про хабар?», answered with
		// «/report»), is not a report either: the choice is asked for.
		// The case told, then asked about, which the FAQ does not answer
		// but with that entry («інспектор просив 200 доларів, що
		// робити?», «мені натякнули на подяку, це нормально?»), is the
		// report.
		_, known, err := a.faqAnswer(ctx, t, text)
		switch {
		case err != nil:
			return NotReport, err
		case known && d.Text != "":
			return ForFAQ, nil
		case known:
			return a.leave(ctx, t, ForFAQ)
		case !a.mentionsCase(text) || dialogs.OpensWithQuestionWord(text):
			a.Reply(ctx, t, a.Text.Text(t.Lang, "report.choose_first"), nil)
			return Taken, nil
		}
	}
	if m.Sticker != nil || !evidence(m) && (strings.TrimSpace(text) == "" || dialogs.SmallTalk(text) != "") {
		// «🤬», «привіт», a sticker: the choice is asked for.
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.choose_first"), nil)
		return Taken, nil
	}
	if !evidence(m) && (words < 6 || d.Text != "") {
		// «Інспектор вимагав гроші»: a report in a few words, or more
		// words to one kept. Kept, and offered to be sent as it is,
		// rather than asked for again.
		return Taken, a.offer(ctx, t, d, text, "")
	}
	// The report itself, typed before choosing: sent anonymously, which
	// asks nothing of the reporter, and said so. The choice goes from
	// under the question: tapped later, it would begin another report,
	// with no link to this one.
	a.unprompt(t, d.row)
	a.Reply(ctx, t, a.Text.Text(t.Lang, "report.sent_anonymously"), nil)
	return Taken, a.fileReport(ctx, t, reportDraft{Source: "menu"}, withKept(d.Text, m))
}

// faqAnswer is the FAQ's answer to text, if it has one, but for the
// pack's entry on bribes, which tells how to report one: within the
// report flow, what it would answer is about the report, and the entry
// would only send the person to /report again.
func (a *Integrity) faqAnswer(ctx context.Context, t *turn.Turn, text string) (dialogs.Entry, bool, error) {
	e, ok, err := a.BestAnswer(ctx, t.Tx, text)
	if err != nil || !ok || e.ID == a.Book().Pack.Matching.Bribe {
		return dialogs.Entry{}, false, err
	}
	return e, true, nil
}

// withKept is m with the report kept before it (offer) put first in its
// text or caption.
func withKept(kept string, m *models.Message) *models.Message {
	if kept == "" {
		return m
	}
	c := *m
	if evidence(m) {
		c.Caption, c.CaptionEntities = joinReport(kept, m.Caption), nil
	} else {
		c.Text, c.Entities = joinReport(kept, m.Text), nil
	}
	return &c
}

// joinReport is the report kept followed by more of it.
func joinReport(kept, more string) string {
	more = strings.TrimSpace(more)
	if kept == "" || more == "" {
		return kept + more
	}
	return kept + "\n" + more
}

// offer keeps text, a report in a few words typed before choosing (added
// to one kept before), in the sealed dialog, and asks whether to send it
// ще». lead, when not "", comes first.
func (a *Integrity) offer(ctx context.Context, t *turn.Turn, d reportDraft, text, lead string) error {
	a.unprompt(t, d.row) // the choice, or the offer before
	d.Text, d.Since, d.Until = joinReport(d.Text, text), t.Update.ID, time.Now().Add(reportChoiceTime).Unix()
	row, err := a.keepDialog(ctx, t, d)
	if err != nil {
		return err
	}
	quote := html.EscapeString(turn.Cut(d.Text, 1500))
	ask := a.Text.Text(t.Lang, "report.send_ask", map[string]any{"Text": quote})
	if lead != "" {
		ask = lead + "\n\n" + ask
	}
	a.prompt(t, row, 0, ask, a.offerKeyboard(t.Lang))
	return nil
}

func (a *Integrity) offerKeyboard(lang string) *tg.Keyboard {
	return tg.NewKeyboard(
		[]tg.Button{tg.CallbackButton(a.Text.Text(lang, "report.send_anonymous"), turn.CbReport, "sa")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(lang, "report.named"), turn.CbReport, "sn")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(lang, "report.add_more"), turn.CbReport, "m")},
	)
}

// decide takes the choice of how to report, made before the report, in
// words (msgID 0) or by a button on the message msgID: a report kept
// (offer) is sent so; else the report is asked for. lead, when not "",
// comes first.
func (a *Integrity) decide(ctx context.Context, t *turn.Turn, d reportDraft, msgID int, named bool, lead string) error {
	if msgID == 0 || d.Text != "" {
		a.unprompt(t, d.row)
	}
	if d.Text == "" {
		return a.choose(ctx, t, msgID, named, lead)
	}
	if lead != "" {
		a.Reply(ctx, t, lead, nil)
	}
	return a.fileReport(ctx, t, reportDraft{Named: named, Source: "menu"}, &models.Message{Text: d.Text, From: tg.SenderOf(t.Update)})
}

// reassurance answers a worry typed once how to report is chosen (named
// or not): what the bot does with an anonymous report, the choice made
// (and, named, how to change it), and what the report should say.
func (a *Integrity) reassurance(lang string, named bool) string {
	text := a.Text.Text(lang, "report.worry_heard") + "\n\n" + a.Text.Text(lang, "report.safety") + "\n\n"
	if named {
		text += a.Text.Text(lang, "report.chosen_named") + " " + a.Text.Text(lang, "report.may_switch")
	} else {
		text += a.Text.Text(lang, "report.chosen_anonymous")
	}
	return text + "\n\n" + a.Text.Text(lang, "report.describe")
}

// answerAwaited takes m as the answer to the team's question about one of
// the person's reports, if one waits: for half an hour any message is.
func (a *Integrity) answerAwaited(ctx context.Context, t *turn.Turn, m *models.Message) (Take, error) {
	id, err := a.awaitingAnswer(ctx, t)
	if err != nil || id == 0 {
		return NotReport, err
	}
	return Taken, a.FollowReport(ctx, t, id, store.ReportAnswer, m)
}

// follow takes a message sent while the person may add to report d. A
// question the FAQ answers, in a few words («як отримати закордонний
// паспорт?»), is answered and not added; one in more words, which may be
// a detail of what happened put as a question, is asked about (add it, or
// answer it?); a greeting or a thanks gets its word. The rest is added,
// or is the answer the team's question waits for; a question left asked
// about (d.Pending) is added before it: typing on rather than answering,
// the person goes on with the report.
func (a *Integrity) follow(ctx context.Context, t *turn.Turn, d reportDraft, m *models.Message) (Take, error) {
	text := strings.TrimSpace(m.Text)
	add := func() (Take, error) {
		if d.Pending != "" && (evidence(m) || strings.TrimSpace(m.Caption) != "" || text != "") {
			a.unprompt(t, d.row) // what is added takes the question with it
		}
		return Taken, a.followReport(ctx, t, d.Report, d.Kind, d.Pending, d.Album, m)
	}
	if d.Kind == store.ReportAnswer || text == "" {
		return add()
	}
	if r, mine, err := a.ownReport(ctx, t, d.Report); err != nil {
		return NotReport, err
	} else if !mine || r.Answering {
		return add()
	} else if again, named, _ := a.typedChoice(t.Lang, text); again {
		// «від свого імені» once sent anonymously: the report stays as
		// it went, and the words are not added to it.
		return Taken, a.sentAlready(ctx, t, r, named)
	}
	if a.TypedForm(t.Lang, "report.done_button", text) || a.refuses(text) {
		// «готово», «це все», «ні, дякую» typed: as «✅ Готово», not an
		// addition («➕ №1 · доповнення — Готово»).
		if err := a.finish(ctx, t); err != nil {
			return NotReport, err
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.done"), a.MenuKeyboard(t.Lang))
		return Taken, nil
	}
	if len(strings.Fields(text)) < 10 && (a.worried(t.Lang, text) || a.saysAnyWord(t.Lang, "report.fear", text)) && !a.tellsCase(text) {
		// «мені страшно, раптом дізнаються», «а мене не покарають?»
		// after sending: what the bot does with the report, not an
		// addition for the team.
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.worry_heard")+"\n\n"+a.Text.Text(t.Lang, "report.safety"), a.doneKeyboard(t.Lang, 0))
		return Taken, nil
	}
	if dialogs.SmallTalk(text) != "" {
		return ForFAQ, nil // «дякую» after «sent»: not an addition
	}
	if d.Done {
		return a.afterDone(ctx, t, d, text)
	}
	if !dialogs.LooksLikeQuestion(text) {
		return add()
	}
	_, known, err := a.faqAnswer(ctx, t, text)
	switch {
	case err != nil:
		return NotReport, err
	case !known:
		// «а що буде далі?», «а ще охоронець просив 100 грн, що
		// робити?»: the team may answer it.
		return add()
	case len(strings.Fields(text)) < 6:
		return ForFAQ, nil
	}
	if d.Pending != "" {
		// A second such question, the first left unanswered: the first
		// is added, as when typed on.
		a.unprompt(t, d.row)
		if err := a.followReport(ctx, t, d.Report, d.Kind, "", "", &models.Message{Text: d.Pending}); err != nil {
			return NotReport, err
		}
	}
	return Taken, a.askToAdd(ctx, t, d, text)
}

// afterDone takes text typed soon after «Готово» (d.Done). A question the
// FAQ answers is the FAQ's; anything else, a detail remembered («до
// речі, її звати Ольга, вікно 7») or a question only the team could
// answer, is offered to be added, together with what was typed before it
// and not yet settled: nothing is added unasked, and nothing goes to the
// FAQ, whose «no ready answer» would offer to send it to the operators,
// under the person's name.
func (a *Integrity) afterDone(ctx context.Context, t *turn.Turn, d reportDraft, text string) (Take, error) {
	if dialogs.LooksLikeQuestion(text) {
		if _, known, err := a.faqAnswer(ctx, t, text); err != nil {
			return NotReport, err
		} else if known {
			return ForFAQ, nil
		}
	}
	if d.Pending != "" {
		a.unprompt(t, d.row)
	}
	return Taken, a.askToAdd(ctx, t, d, joinReport(d.Pending, text))
}

// askToAdd keeps text in d (Pending) and asks whether it is for report
// d.Report or a question for the bot: «Додати це до повідомлення №1?»
// with «➕ Додати до №1» and «❓ Це питання».
func (a *Integrity) askToAdd(ctx context.Context, t *turn.Turn, d reportDraft, text string) error {
	d.Pending, d.Since = text, t.Update.ID
	if err := a.saveReportDialog(ctx, t, d); err != nil {
		return err
	}
	data := map[string]any{"ID": d.Report}
	id := strconv.FormatInt(d.Report, 10)
	a.prompt(t, d.row, 0, a.Text.Text(t.Lang, "report.add_ask", data), tg.NewKeyboard(
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "report.add_yes", data), turn.CbReportAdd, id+":y")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "report.add_no"), turn.CbReportAdd, id+":q")},
	))
	return nil
}

// settlePending adds the question kept by follow to the report (add), or
// answers it from the FAQ, on the message msgID that asked which.
func (a *Integrity) settlePending(ctx context.Context, t *turn.Turn, msgID int, id int64, add bool) error {
	d, ok, err := a.reportDialog(ctx, t)
	if err != nil {
		return err
	}
	if !ok || d.Report != id || d.Pending == "" {
		a.StaleButton(ctx, t)
		return nil
	}
	if add {
		a.EditKeyboard(ctx, t, msgID, nil)
		return a.FollowReport(ctx, t, id, store.ReportAddition, &models.Message{Text: d.Pending})
	}
	text := d.Pending
	d.Pending, d.Since = "", t.Update.ID
	if d.Done {
		// After «Готово», «❓ Це питання» says the person is talking to
		// the bot now: what they type next is the FAQ's, not offered
		// to the report again.
		if _, err := a.leave(ctx, t, Taken); err != nil {
			return err
		}
	} else if err := a.saveReportDialog(ctx, t, d); err != nil {
		return err
	}
	e, known, err := a.faqAnswer(ctx, t, text)
	if err != nil {
		return err
	}
	if !known {
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "report.not_added", map[string]any{"ID": id}), a.MenuKeyboard(t.Lang))
		return nil
	}
	a.Show(ctx, t, msgID, a.RenderAnswer(e, t.Lang), a.AnswerKeyboard(e, t.Lang, true))
	return nil
}

// leave ends the chat's report dialog: the message is not the report's,
// and goes as take says.
func (a *Integrity) leave(ctx context.Context, t *turn.Turn, take Take) (Take, error) {
	_, err := store.EndIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat))
	return take, err
}

// awaitingAnswer returns the person's report whose question waits for an
// answer, or 0.
func (a *Integrity) awaitingAnswer(ctx context.Context, t *turn.Turn) (int64, error) {
	own, err := a.ownOf(ctx, t, t.User.ID, true)
	if err != nil {
		return 0, err
	}
	for _, r := range own {
		if r.Answering {
			return r.ID, nil
		}
	}
	return 0, nil
}

// IsReportTurn tells, before the turn writes anything, whether a private
// update belongs to the report flow (see unlinkTurn).
func (a *Integrity) IsReportTurn(ctx context.Context, t *turn.Turn, userID int64) (bool, error) {
	u := t.Update
	if a.Cfg.IntegrityChatID == 0 {
		return false, nil
	}
	if action, arg := tg.CallbackOf(u); action != "" {
		switch action {
		case turn.CbReport, turn.CbReportAdd, turn.CbReportAnswer, turn.CbReportDone:
			return true, nil
		case turn.CbMenu:
			return arg == "report", nil
		case turn.CbSurvey:
			return a.submitsReport(ctx, t, userID, arg)
		}
		return false, nil
	}
	if c, ok := a.Command(u); ok {
		return c.Name == "report", nil
	}
	m := u.Message
	if m == nil {
		// An edit of a message of the report flow carries its words too.
		m = u.EditedMessage
	}
	if m == nil {
		return false, nil
	}
	if QuestionOf(m) != 0 {
		return true, nil
	}
	if conv, err := store.GetConversation(ctx, t.Tx, t.Chat); err == nil {
		return conv.Dialog == turn.DialogReport, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if _, _, err := store.IntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat)); err == nil {
		return true, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	id, err := a.awaitingAnswer(ctx, &turn.Turn{Tx: t.Tx, User: &store.User{ID: userID}})
	return id != 0, err
}

// submitsReport tells whether the questionnaire button arg (qs:<k>:send)
// sends a questionnaire that makes an integrity report.
func (a *Integrity) submitsReport(ctx context.Context, t *turn.Turn, userID int64, arg string) (bool, error) {
	k, verb, _ := strings.Cut(arg, ":")
	kind := turn.KindOf(k)
	q, ok := a.Pack.Questionnaire(kind)
	if verb != "send" || !ok {
		return false, nil
	}
	r, err := store.DraftOf(ctx, t.Tx, userID, kind)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return len(q.IntegrityFlags(r.Answers)) > 0, nil
}

// UnlinkTurn leaves nothing of a report-flow turn that ties the person to
// a report: the update is scrubbed from the inbox (its id stays, so that
// intake knows it has it), and the turn's effects are deleted once
// delivered. (decide does not touch the person's user row in such a turn.)
func (a *Integrity) UnlinkTurn(ctx context.Context, t *turn.Turn) error {
	t.LeaveNoTrace()
	return store.ScrubInboxUpdate(ctx, t.Tx, t.Update.ID)
}

// evidence reports whether m is a photo, document, video, voice or audio
// message: copied to the integrity chat as it is.
func evidence(m *models.Message) bool {
	return len(m.Photo) > 0 || m.Document != nil || m.Video != nil || m.Voice != nil || m.Audio != nil || m.Animation != nil
}

// fileReport stores the report and posts it to the integrity chat, under a
// pseudonym only when anonymous, with the evidence it came with. The
// reporter may go on adding for a while.
func (a *Integrity) fileReport(ctx context.Context, t *turn.Turn, d reportDraft, m *models.Message) error {
	if strings.TrimSpace(turn.FirstNonEmpty(m.Text, m.Caption)) == "" && !evidence(m) {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.need_text"), nil)
		return nil
	}
	hidden := false
	if !d.Named {
		var err error
		if m, hidden, err = a.withoutNumbers(ctx, t, m); err != nil {
			return err
		}
	}
	text := strings.TrimSpace(turn.FirstNonEmpty(m.Text, m.Caption))
	r, err := a.AddReport(ctx, t, d.Named, d.Source, text, m.From)
	if err != nil {
		return err
	}
	if evidence(m) {
		if err := a.relayToIntegrity(ctx, t, r, m, store.ReportEvidence); err != nil {
			return err
		}
	}
	d = reportDraft{Named: d.Named, Report: r.ID, Kind: store.ReportAddition, Since: t.Update.ID, Until: time.Now().Add(reportFollowTime).Unix(), Album: m.MediaGroupID}
	if err := a.saveReportDialog(ctx, t, d); err != nil {
		return err
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, "report.filed", map[string]any{"ID": r.ID})+a.hiddenNote(t.Lang, hidden), a.doneKeyboard(t.Lang, 0))
	return nil
}

// withoutNumbers is m with the phone and document numbers in its text and
// caption masked (dialogs.MaskPhones), and whether it had any: an
// anonymous report does not carry the number that names its reporter,
// and the team has no call to make on it. The inbox's copy of the update
// is scrubbed as well, as a questionnaire's comment's is (a turn of the
// report flow scrubs it anyway).
func (a *Integrity) withoutNumbers(ctx context.Context, t *turn.Turn, m *models.Message) (*models.Message, bool, error) {
	text, inText := dialogs.MaskPhones(m.Text)
	caption, inCaption := dialogs.MaskPhones(m.Caption)
	if !inText && !inCaption {
		return m, false, nil
	}
	masked := *m
	masked.Text, masked.Caption = text, caption
	masked.Entities, masked.CaptionEntities = nil, nil // their offsets no longer fit
	return &masked, true, store.ScrubInboxUpdate(ctx, t.Tx, t.Update.ID)
}

// hiddenNote tells the reporter, when hidden, that numbers were taken out
// of their anonymous report, and why.
func (a *Integrity) hiddenNote(lang string, hidden bool) string {
	if !hidden {
		return ""
	}
	return "\n\n" + a.Text.Text(lang, "report.numbers_hidden")
}

// AddReport stores a report with its sealed link to the person of the
// turn and posts its card to the integrity chat; from is shown only on a
// named report.
func (a *Integrity) AddReport(ctx context.Context, t *turn.Turn, named bool, source, text string, from *models.User) (store.IntegrityReport, error) {
	id, err := store.NextIntegrityReportID(ctx, t.Tx)
	if err != nil {
		return store.IntegrityReport{}, err
	}
	box, tag := a.keys.sealReporter(t.User.ID, id)
	r, err := store.AddIntegrityReport(ctx, t.Tx, store.IntegrityReport{
		ID: id, Pseudonym: store.NewPseudonym(), Anonymous: !named, Lang: t.Lang, Text: text, Source: source,
	}, store.ReporterLink{Box: box, Tag: tag, TTL: a.Cfg.IntegrityLinkTTL})
	if err != nil {
		return store.IntegrityReport{}, err
	}
	who := ""
	if named && from != nil {
		who = tg.UserLine(from)
	}
	// The post keeps its id with the report, so that replies to it in
	// the integrity chat reach the reporter.
	card := a.cardText(r, who, a.StaffText("report.card_reply_hint"))
	t.Do(outbox.Send(a.Cfg.IntegrityChatID, card, a.reportKeyboard(r.ID)).Keeping(store.Slot{Kind: store.SlotReportPost, Key: r.ID}))
	return r, nil
}

// cardText is a report's card in the integrity chat: its title, the
// reporter's line who when the report is named, its text, and foot (how to
// answer while it is open; who closed it and when, once closed).
func (a *Integrity) cardText(r store.IntegrityReport, who, foot string) string {
	var b strings.Builder
	b.WriteString(a.StaffText("report.card_title", map[string]any{"ID": r.ID, "Pseudonym": r.Pseudonym}))
	if id := "report.card_lang." + r.Lang; a.StaffText(id) != id {
		// The team answers in the reporter's language.
		b.WriteString(" · " + a.StaffText(id))
	}
	if r.Anonymous {
		b.WriteString(" · " + a.StaffText("report.card_anonymous"))
	} else if who != "" {
		b.WriteString("\n" + who)
	}
	if r.Text == "" {
		b.WriteString("\n\n" + a.StaffText("report.card_evidence_only"))
	} else {
		b.WriteString("\n\n" + html.EscapeString(turn.Cut(r.Text, 3500)))
	}
	b.WriteString("\n\n" + foot)
	return b.String()
}

// closedCard is the text of r's card once closed by closer, or "" when it
// cannot be written. An anonymous report's card is made again from the
// report; a named one's names the reporter, which the report does not
// keep, so it is the card as Telegram shows it (shown, the message the
// button is on or the /close replies to) with its foot replaced.
func (a *Integrity) closedCard(r store.IntegrityReport, shown *models.Message, closer *models.User) string {
	when := time.Now().In(a.Pack.Hours().Location()).Format("02.01.2006 15:04")
	name := ""
	if closer != nil {
		name = html.EscapeString(tg.DisplayName(closer))
	}
	foot := a.StaffText("report.card_closed", map[string]any{"Who": name, "When": when})
	if r.Anonymous {
		return a.cardText(r, "", foot)
	}
	if shown == nil || r.ChatMessageID == nil || shown.ID != *r.ChatMessageID || shown.Text == "" {
		return ""
	}
	card := tg.EntitiesToHTML(shown.Text, shown.Entities)
	i := strings.LastIndex(card, "\n\n")
	if i < 0 {
		return ""
	}
	return card[:i] + "\n\n" + foot
}

func (a *Integrity) reportKeyboard(id int64) *tg.Keyboard {
	return tg.NewKeyboard([]tg.Button{tg.CallbackButton(a.StaffText("report.card_close"), turn.CbReportClose, strconv.FormatInt(id, 10))})
}

// doneKeyboard ends what the reporter is writing (and, for an answer, the
// question's wait).
func (a *Integrity) doneKeyboard(lang string, answering int64) *tg.Keyboard {
	arg := ""
	if answering != 0 {
		arg = strconv.FormatInt(answering, 10)
	}
	return tg.NewKeyboard([]tg.Button{tg.CallbackButton(a.Text.Text(lang, "report.done_button"), turn.CbReportDone, arg)})
}

// FollowReport relays what the reporter adds to an open report, or
// answers to a question about it.
func (a *Integrity) FollowReport(ctx context.Context, t *turn.Turn, id int64, kind string, m *models.Message) error {
	return a.followReport(ctx, t, id, kind, "", "", m)
}

// followReport is FollowReport with pending, when not "", added to the
// report before m: a question the person was asked about («Додати це до
// №…?») and typed on after; album is the media group of the message added
// last, whose later parts are added without a word.
func (a *Integrity) followReport(ctx context.Context, t *turn.Turn, id int64, kind, pending, album string, m *models.Message) error {
	r, mine, err := a.ownReport(ctx, t, id)
	if err != nil {
		return err
	}
	if !mine {
		if _, err := store.EndIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat)); err != nil {
			return err
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.gone"), a.MenuKeyboard(t.Lang))
		return nil
	}
	if strings.TrimSpace(turn.FirstNonEmpty(m.Text, m.Caption)) == "" && !evidence(m) {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "report.need_text"), nil)
		return nil
	}
	if kind != store.ReportAnswer {
		kind = store.ReportAddition
	}
	if r.Answering {
		kind = store.ReportAnswer // a question waits: what comes is its answer
	}
	hidden := false
	if pending != "" {
		p := &models.Message{Text: pending}
		if r.Anonymous {
			if p, hidden, err = a.withoutNumbers(ctx, t, p); err != nil {
				return err
			}
		}
		if err := a.relayToIntegrity(ctx, t, r, p, store.ReportAddition); err != nil {
			return err
		}
	}
	if r.Anonymous {
		var inM bool
		if m, inM, err = a.withoutNumbers(ctx, t, m); err != nil {
			return err
		}
		hidden = hidden || inM
	}
	if err := a.relayToIntegrity(ctx, t, r, m, kind); err != nil {
		return err
	}
	d := reportDraft{Named: !r.Anonymous, Report: r.ID, Kind: kind, Since: t.Update.ID, Until: time.Now().Add(reportFollowTime).Unix(), Album: m.MediaGroupID}
	if err := a.saveReportDialog(ctx, t, d); err != nil {
		return err
	}
	answering := int64(0)
	if kind == store.ReportAnswer {
		answering = r.ID
	}
	if m.MediaGroupID == "" || m.MediaGroupID != album || hidden {
		said := a.Text.Text(t.Lang, "report.passed", map[string]any{"ID": r.ID}) + a.hiddenNote(t.Lang, hidden)
		if a.saysAnyWord(t.Lang, "report.fear", turn.FirstNonEmpty(m.Text, m.Caption)) {
			// «мені страшно, бо вона погрожувала…»: added, and the fear
			// answered with what the bot does with the report.
			said += "\n\n" + a.Text.Text(t.Lang, "report.safety")
		}
		a.Reply(ctx, t, said, a.doneKeyboard(t.Lang, answering))
	}
	return nil
}

// relayToIntegrity posts what the reporter sent under the report's card:
// a text as a message of the bot's, anything else copied without the
// sender's name, the report's number in its caption.
func (a *Integrity) relayToIntegrity(ctx context.Context, t *turn.Turn, r store.IntegrityReport, m *models.Message, kind string) error {
	header := a.StaffText("report.follow."+kind, map[string]any{"ID": r.ID, "Pseudonym": r.Pseudonym})
	if evidence(m) && kind != store.ReportEvidence {
		header += " · " + a.StaffText("report.follow.with_evidence")
	}
	id, err := store.AddIntegrityMessage(ctx, t.Tx, r.ID, kind, 0)
	if err != nil {
		return err
	}
	chat := a.Cfg.IntegrityChatID
	var e outbox.Effect
	if evidence(m) {
		caption := header
		if c := strings.TrimSpace(m.Caption); c != "" && kind != store.ReportEvidence {
			caption += "\n" + html.EscapeString(turn.Cut(c, 800))
		}
		e = outbox.Call(chat, "copyMessage", &telegram.CopyMessageParams{
			ChatID: chat, FromChatID: t.Chat, MessageID: m.ID, Caption: caption, ParseMode: models.ParseModeHTML,
		})
		// Photos sent together stay together, under one header.
		lead, ok := tg.AlbumItem(m, caption, nil, models.ParseModeHTML)
		item, _ := tg.AlbumItem(m, m.Caption, m.CaptionEntities, "")
		if group := tg.AlbumOf(m); ok && group != "" {
			e = e.InAlbum(group, lead, item)
		}
	} else {
		e = outbox.Send(chat, header+"\n\n"+html.EscapeString(turn.Cut(strings.TrimSpace(m.Text), 3500)), nil)
	}
	t.Do(e.Replying(store.Slot{Kind: store.SlotReportPost, Key: r.ID}).Keeping(store.Slot{Kind: store.SlotReportMessage, Key: id}))
	return nil
}

// IsIntegrityUpdate tells whether an update happens in the integrity
// team's chat.
func (a *Integrity) IsIntegrityUpdate(u *models.Update) bool {
	chat, _ := tg.ChatOf(u)
	return a.Cfg.IntegrityChatID != 0 && chat == a.Cfg.IntegrityChatID
}

// OnIntegrityChat handles the integrity chat: a reply to a report's
// message goes to its reporter as a question; /close (in reply) or the
// card's button closes the report.
func (a *Integrity) OnIntegrityChat(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	if q := u.CallbackQuery; q != nil {
		a.Ack(ctx, t, "")
		action, arg := tg.ParseCallback(q.Data)
		id, _ := strconv.ParseInt(arg, 10, 64)
		if action != turn.CbReportClose || id == 0 {
			t.Status = store.InboxSkipped
			return nil
		}
		return a.closeReport(ctx, t, id, 0, q.Message.Message)
	}
	m := u.Message
	if m == nil || m.From == nil || m.From.IsBot {
		t.Status = store.InboxSkipped
		return nil
	}
	c, isCommand := tg.ParseCommand(m)
	isCommand = isCommand && (c.Bot == "" || strings.EqualFold(c.Bot, a.Username))
	if m.ReplyToMessage == nil {
		if isCommand && c.Name == "close" {
			t.Do(a.integrityPost(a.StaffText("report.staff_reply_to_close"), m.ID))
			return nil
		}
		t.Status = store.InboxSkipped
		return nil
	}
	r, err := store.IntegrityReportOfPost(ctx, t.Tx, m.ReplyToMessage.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Status = store.InboxSkipped
		return nil
	}
	if err != nil {
		return err
	}
	note, err := a.IsStaffNote(ctx, t, m)
	if err != nil {
		return err
	}
	if note && m.MediaGroupID != "" && turn.MarkedNote(m) {
		// «//» on a later photo of an album: the parts before it, held a
		// moment, stay with the team too.
		if _, err := store.WithdrawAlbumEffects(ctx, t.Tx, m.Chat.ID, m.MediaGroupID, t.Update.ID); err != nil {
			return err
		}
	}
	switch {
	case isCommand && c.Name == "close":
		return a.closeReport(ctx, t, r.ID, m.ID, m.ReplyToMessage)
	case isCommand, note:
		t.Status = store.InboxSkipped // another command, or a note among staff
		return nil
	}
	return a.askReporter(ctx, t, r, m)
}

// integrityPost is a message of the bot's in the integrity chat, replying
// to replyTo when not 0.
func (a *Integrity) integrityPost(text string, replyTo int) outbox.Effect {
	p := &telegram.SendMessageParams{ChatID: a.Cfg.IntegrityChatID, Text: text, ParseMode: models.ParseModeHTML}
	if replyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	return outbox.Call(a.Cfg.IntegrityChatID, "sendMessage", p)
}

// askReporter relays integrity staff's message to the reporter (a question,
// or any word about the report: it is headed as the team's), with a button
// to answer; for a while, whatever the reporter writes is the answer.
func (a *Integrity) askReporter(ctx context.Context, t *turn.Turn, r store.IntegrityReport, m *models.Message) error {
	data := map[string]any{"ID": r.ID}
	if r.Closed {
		t.Do(a.integrityPost(a.StaffText("report.staff_closed_not_asked", data), m.ID))
		return nil
	}
	userID, err := a.keys.openReporter(r.ReporterBox, r.ID)
	if err != nil {
		t.Do(a.integrityPost(a.StaffText("report.staff_unreachable", data), m.ID))
		return nil
	}
	if _, err := store.AddIntegrityMessage(ctx, t.Tx, r.ID, store.ReportQuestion, m.ID); err != nil {
		return err
	}
	if err := store.SetAnswerWindow(ctx, t.Tx, r.ID, reportFollowTime); err != nil {
		return err
	}
	header := a.Text.Text(r.Lang, "report.question_header", data)
	hint := a.Text.Text(r.Lang, "report.question_hint")
	if !r.Anonymous {
		hint = a.Text.Text(r.Lang, "report.question_hint_named")
	}
	kb := tg.Markup(tg.NewKeyboard([]tg.Button{tg.CallbackButton(a.Text.Text(r.Lang, "report.answer"), turn.CbReportAnswer, strconv.FormatInt(r.ID, 10))}))
	var question outbox.Effect
	if m.Text != "" {
		question = outbox.Send(userID, header+"\n\n"+html.EscapeString(turn.Cut(m.Text, 3500))+"\n\n"+hint, kb)
	} else {
		head := outbox.Send(userID, header, nil).Forgotten()
		question = outbox.Call(userID, "copyMessage", &telegram.CopyMessageParams{
			ChatID: userID, FromChatID: a.Cfg.IntegrityChatID, MessageID: m.ID, ReplyMarkup: kb,
		})
		if m.MediaGroupID != "" {
			// A part of an album waits a moment: a later part captioned
			// «//» makes the whole album a note, and takes this back.
			head, question = head.WaitForAlbum(), question.WaitForAlbum()
		}
		t.Do(head)
	}
	// The effects to the reporter name them: they are deleted once made.
	t.Do(question.IfBlocked(a.integrityPost(a.StaffText("report.staff_blocked", data), m.ID)).Forgotten())
	// A 🕊 on the team's message says it went to the reporter: a reaction,
	// not a message, so a busy chat stays readable and within Telegram's
	// 20 messages a minute in a group. (Should the reporter have blocked
	// the bot, the reply above says so.)
	t.Do(a.Reaction(m, "🕊"))
	return nil
}

// closeReport closes a report at integrity staff's word, tells the
// reporter, and erases the link to them. The card says it is closed, by
// whom and when; shown is the message the word was given on, if known.
func (a *Integrity) closeReport(ctx context.Context, t *turn.Turn, id int64, replyTo int, shown *models.Message) error {
	r, err := store.GetIntegrityReport(ctx, t.Tx, id)
	if errors.Is(err, store.ErrNotFound) {
		t.Status = store.InboxSkipped
		return nil
	}
	if err != nil {
		return err
	}
	closed, err := store.CloseIntegrityReport(ctx, t.Tx, r.ID)
	if err != nil {
		return err
	}
	data := map[string]any{"ID": r.ID}
	if !closed {
		t.Do(a.integrityPost(a.StaffText("report.staff_closed_already", data), replyTo))
		return nil
	}
	post := a.integrityPost(a.StaffText("report.staff_closed", data), replyTo)
	if replyTo == 0 {
		post = post.Replying(store.Slot{Kind: store.SlotReportPost, Key: r.ID})
	}
	// The card says it is closed and loses its Close button (an edit of
	// the text without buttons takes them away); where its text cannot be
	// written, it loses the button at least.
	chat, card := a.Cfg.IntegrityChatID, store.Slot{Kind: store.SlotReportPost, Key: r.ID}
	unbutton := outbox.Call(chat, "editMessageReplyMarkup", &telegram.EditMessageReplyMarkupParams{ChatID: chat}).
		Changing(card).MayBeRefused()
	edit := unbutton
	if text := a.closedCard(r, shown, tg.SenderOf(t.Update)); text != "" {
		edit = outbox.Call(chat, "editMessageText", &telegram.EditMessageTextParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML}).
			Changing(card).OrElse(unbutton)
	}
	t.Do(post, edit)
	if userID, err := a.keys.openReporter(r.ReporterBox, r.ID); err == nil {
		t.Do(outbox.Send(userID, a.Text.Text(r.Lang, "report.closed", data), nil).MayBeRefused().Forgotten())
	}
	return nil
}

// ForgetReports erases the links from the person's reports to them, and
// their report dialog (/forget).
func (a *Integrity) ForgetReports(ctx context.Context, t *turn.Turn) error {
	own, err := a.ownReports(ctx, t, t.User.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(own))
	for i, r := range own {
		ids[i] = r.ID
	}
	if err := store.UnlinkIntegrityReports(ctx, t.Tx, ids); err != nil {
		return err
	}
	_, err = store.EndIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat))
	return err
}

// SealOldReporters seals the links kept in plain before migration 00009.
func (a *Integrity) SealOldReporters(ctx context.Context) error {
	n, err := a.St.SealReporters(ctx, a.Cfg.IntegrityLinkTTL, func(o store.UnsealedReporter) (store.ReporterLink, error) {
		box, tag := a.keys.sealReporter(o.UserID, o.ReportID)
		return store.ReporterLink{Box: box, Tag: tag}, nil
	})
	if err != nil {
		return err
	}
	if n > 0 {
		a.Log.Info("sealed the links from old integrity reports to their reporters", "reports", n)
	}
	return nil
}

// ExpireReporterLinks erases the links whose time has passed, now and then.
func (a *Integrity) ExpireReporterLinks(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		n, err := store.ExpireReporterLinks(ctx, a.St.DB())
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Warn("cannot erase expired links to reporters", "err", err)
		case n > 0:
			a.Log.Info("erased expired links to reporters", "reports", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// FileOldDraft files the report a person was writing in a conversation
// kept before migration 00009, which sealed drafts: its content is not
// trusted, so it is filed as anonymous.
func (a *Integrity) FileOldDraft(ctx context.Context, t *turn.Turn, m *models.Message) error {
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	return a.fileReport(ctx, t, reportDraft{Source: "menu"}, m)
}

// EndDialog ends the report the person is writing, if any (/cancel).
// filed is the report that was being added to: it stays filed, and the
// person is to be told so, not «cancelled».
func (a *Integrity) EndDialog(ctx context.Context, t *turn.Turn) (ended bool, filed int64, err error) {
	d, ok, err := a.reportDialog(ctx, t)
	if err != nil {
		return false, 0, err
	}
	if ended, err = store.EndIntegrityDialog(ctx, t.Tx, a.keys.dialogTag(t.Chat)); err != nil || !ended {
		return false, 0, err
	}
	if ok {
		filed = d.Report
	}
	return true, filed, nil
}
