package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/dialogs"
	"servicebot/store"
)

// Staff edit the FAQ in a private chat with the bot. Buttons carry
// "fe:<verb>:<args>":
//
//	fe:top                the topics, with entry counts
//	fe:c:<cat>:<page>     a topic's entries, hidden ones too
//	fe:e:<id>             an entry's card
//	fe:f:<id>:<q|a|p>:<l> edit a field in a language (asks for the text)
//	fe:h:<id>             hide or show
//	fe:d:<id> / fe:D:<id> delete: ask, then do
//	fe:r:<id>             history; fe:R:<rev> rolls a change back
//	fe:n:<cat>            a new entry in a topic
//	fe:un                 the unanswered questions
//	fe:u:<n|p|x>:<uid>    make one a new entry / a phrasing / resolved
//	fe:u:c:<uid>:<cat>, fe:u:P:<uid>:<id>  pick the entry for a phrasing
const cbEdit = "fe"

const dialogFAQEdit = "faqedit"

// editDraft is the state of a staff edit between messages.
type editDraft struct {
	EntryID    string         `json:"id,omitempty"`
	Field      string         `json:"field"` // q, a, p
	Lang       string         `json:"lang"`
	Category   string         `json:"cat,omitempty"`
	New        *dialogs.Entry `json:"new,omitempty"` // an entry being written
	Unanswered int64          `json:"unanswered,omitempty"`
}

func (a *App) onFAQCommand(ctx context.Context, t *Turn) error {
	if a.isAdmin(ctx, t.User.ID) {
		a.showEditTopics(ctx, t, 0)
		return nil
	}
	a.showFAQTopics(ctx, t, 0)
	return nil
}

func (a *App) onUnanswered(ctx context.Context, t *Turn) error {
	if !a.isAdmin(ctx, t.User.ID) {
		a.reply(ctx, t, a.text.Text(t.Lang, "staff.only"), a.menuKeyboard(t.Lang))
		return nil
	}
	return a.showUnanswered(ctx, t, 0)
}

func (a *App) onEditButton(ctx context.Context, t *Turn) error {
	u := t.Update
	if !a.isAdmin(ctx, t.User.ID) {
		a.ack(ctx, t, a.text.Text(t.Lang, "staff.only"))
		return nil
	}
	_, arg := parseCallback(u.CallbackQuery.Data)
	parts := strings.Split(arg, ":")
	msgID := callbackMessageID(u)
	a.ack(ctx, t, "")
	at := func(i int) string {
		if i < len(parts) {
			return parts[i]
		}
		return ""
	}
	switch at(0) {
	case "top":
		a.showEditTopics(ctx, t, msgID)
	case "c":
		page, _ := strconv.Atoi(at(2))
		a.showEditCategory(ctx, t, msgID, at(1), page)
	case "e":
		if err := a.showEditCard(ctx, t, msgID, at(1), ""); err != nil {
			return err
		}
	case "f":
		if err := a.startFieldEdit(ctx, t, editDraft{EntryID: at(1), Field: at(2), Lang: at(3)}); err != nil {
			return err
		}
	case "h":
		if err := a.toggleHidden(ctx, t, msgID, at(1)); err != nil {
			return err
		}
	case "d":
		a.confirmDelete(ctx, t, msgID, at(1))
	case "D":
		if err := a.deleteEntry(ctx, t, msgID, at(1)); err != nil {
			return err
		}
	case "r":
		if err := a.showHistory(ctx, t, msgID, at(1)); err != nil {
			return err
		}
	case "R":
		rev, _ := strconv.ParseInt(at(1), 10, 64)
		if err := a.rollback(ctx, t, msgID, rev); err != nil {
			return err
		}
	case "n":
		if err := a.startNewEntry(ctx, t, at(1), 0, ""); err != nil {
			return err
		}
	case "un":
		if err := a.showUnanswered(ctx, t, msgID); err != nil {
			return err
		}
	case "u":
		uid, _ := strconv.ParseInt(at(2), 10, 64)
		if err := a.onUnansweredAction(ctx, t, msgID, at(1), uid, at(3)); err != nil {
			return err
		}
	case "t": // from a ticket: t:<ticket>:<category>
		id, _ := strconv.ParseInt(at(1), 10, 64)
		first, err := store.FirstCitizenText(ctx, t.Tx, id)
		if err != nil {
			return err
		}
		lang := ""
		if tk, err := store.GetTicket(ctx, t.Tx, id); err == nil {
			lang = tk.Lang
		}
		if err := a.startNewEntryAs(ctx, t, at(2), 0, first, lang); err != nil {
			return err
		}
	default:
		a.onStaleButton(ctx, t)
	}
	return nil
}

func (a *App) showEditTopics(ctx context.Context, t *Turn, msgID int) {
	b := a.book()
	lang := a.contentLang(t.Lang)
	var rows [][]Button
	for _, c := range b.pack.Categories {
		n := 0
		for _, e := range b.pack.Entries {
			if e.Category == c.ID {
				n++
			}
		}
		rows = append(rows, []Button{button(fmt.Sprintf("%s (%d)", a.text2(c.Title, lang), n), cbEdit, "c:"+c.ID+":0")})
	}
	rows = append(rows, []Button{button(a.text.Text(t.Lang, "faqedit.unanswered_button"), cbEdit, "un")})
	a.show(ctx, t, msgID, a.text.Text(t.Lang, "faqedit.title"), keyboard(rows...))
}

func (a *App) showEditCategory(ctx context.Context, t *Turn, msgID int, category string, page int) {
	cat, list, ok := a.categoryEntries(ctx, t, category, true)
	if !ok {
		return
	}
	lang := a.contentLang(t.Lang)
	from, until, nav := paged(len(list), faqPage, page, func(p int) (string, string) {
		return cbEdit, fmt.Sprintf("c:%s:%d", category, p)
	})
	var rows [][]Button
	for _, e := range list[from:until] {
		l := label(a.text2(e.Question, lang))
		if e.Hidden {
			l = "🙈 " + l
		}
		rows = append(rows, []Button{button(l, cbEdit, "e:"+e.ID)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows,
		[]Button{button(a.text.Text(t.Lang, "faqedit.new"), cbEdit, "n:"+category)},
		[]Button{button(a.text.Text(t.Lang, "nav.topics"), cbEdit, "top")})
	a.show(ctx, t, msgID, "<b>"+html.EscapeString(a.text2(cat.Title, lang))+"</b>", keyboard(rows...))
}

// showEditCard shows an entry as staff see it, with what they can do.
func (a *App) showEditCard(ctx context.Context, t *Turn, msgID int, id, note string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		a.show(ctx, t, msgID, a.text.Text(t.Lang, "faqedit.gone"), keyboard(
			[]Button{button(a.text.Text(t.Lang, "faqedit.history"), cbEdit, "r:"+id)},
			[]Button{button(a.text.Text(t.Lang, "nav.topics"), cbEdit, "top")}))
		return nil
	}
	if err != nil {
		return err
	}
	up, down, err := store.VoteCounts(ctx, t.Tx, a.pack.ID, id)
	if err != nil {
		return err
	}
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	fmt.Fprintf(&b, "<code>%s</code> · %s\n", html.EscapeString(e.ID), html.EscapeString(e.Category))
	for _, lang := range a.pack.Languages {
		plain, _, _ := dialogs.ParseHTML(e.Answer[lang])
		fmt.Fprintf(&b, "\n<b>%s</b> %s\n%s\n<i>%s</i>\n", strings.ToUpper(lang), html.EscapeString(e.Question[lang]),
			html.EscapeString(cut(plain, 300)),
			a.text.Count(t.Lang, "faqedit.phrasings", len(e.Phrasings[lang]), nil))
	}
	status := "faqedit.visible"
	if e.Hidden {
		status = "faqedit.hidden"
	}
	fmt.Fprintf(&b, "\n👍 %d · 👎 %d · %s", up, down, a.text.Text(t.Lang, status))

	var rows [][]Button
	for _, f := range []string{"q", "a", "p"} {
		var row []Button
		for _, lang := range a.pack.Languages {
			row = append(row, button(a.text.Text(t.Lang, "faqedit.field."+f)+" "+strings.ToUpper(lang), cbEdit, "f:"+e.ID+":"+f+":"+lang))
		}
		rows = append(rows, row)
	}
	hide := "faqedit.hide"
	if e.Hidden {
		hide = "faqedit.show"
	}
	rows = append(rows,
		[]Button{
			button(a.text.Text(t.Lang, hide), cbEdit, "h:"+e.ID),
			button(a.text.Text(t.Lang, "faqedit.delete"), cbEdit, "d:"+e.ID),
			button(a.text.Text(t.Lang, "faqedit.history"), cbEdit, "r:"+e.ID),
		},
		[]Button{button(a.text.Text(t.Lang, "nav.topic"), cbEdit, "c:"+e.Category+":0")})
	a.show(ctx, t, msgID, b.String(), keyboard(rows...))
	return nil
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// startFieldEdit asks for the new text of one field.
func (a *App) startFieldEdit(ctx context.Context, t *Turn, d editDraft) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, d.EntryID)
	if err != nil || !a.pack.Speaks(d.Lang) || !strings.Contains("qap", d.Field) || len(d.Field) != 1 {
		a.onStaleButton(ctx, t)
		return nil
	}
	var current string
	switch d.Field {
	case "q":
		current = e.Question[d.Lang]
	case "a":
		current = e.Answer[d.Lang]
	case "p":
		current = strings.Join(e.Phrasings[d.Lang], "\n")
	}
	if err := a.saveDraft(ctx, t, d); err != nil {
		return err
	}
	prompt := a.text.Text(t.Lang, "faqedit.prompt."+d.Field, map[string]any{"Lang": strings.ToUpper(d.Lang)})
	if current != "" {
		prompt += "\n\n" + a.text.Text(t.Lang, "faqedit.current") + "\n<pre>" + html.EscapeString(cut(current, 3000)) + "</pre>"
	}
	a.reply(ctx, t, prompt, nil)
	return nil
}

func (a *App) saveDraft(ctx context.Context, t *Turn, d editDraft) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: dialogFAQEdit, Step: d.Field + ":" + d.Lang, Data: raw})
}

// continueDialog takes text a person typed while a dialog waits for it.
func (a *App) continueDialog(ctx context.Context, t *Turn, conv store.Conversation, msg *models.Message) error {
	switch conv.Dialog {
	case dialogSurvey:
		if err := a.continueSurvey(ctx, t, conv, msg); err != nil {
			return err
		}
	case dialogCentres:
		if err := a.continueCentres(ctx, t, msg); err != nil {
			return err
		}
	case dialogTicket:
		var d ticketDraft
		json.Unmarshal(conv.Data, &d)
		if err := a.openTicket(ctx, t, msg, "", d.Source, d.SourceText); err != nil {
			return err
		}
	case dialogReport:
		// A report draft from before migration 00009 kept it here, readable:
		// it is sealed now. Its content is not trusted: anonymous.
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		if err := a.fileReport(ctx, t, reportDraft{Source: "menu"}, msg); err != nil {
			return err
		}
	case dialogFAQEdit:
		var d editDraft
		if err := json.Unmarshal(conv.Data, &d); err != nil || !a.isAdmin(ctx, t.User.ID) {
			if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
				return err
			}
			return a.onCitizenMessage(ctx, t, msg)
		}
		if msg.Text == "" {
			a.reply(ctx, t, a.text.Text(t.Lang, "faqedit.need_text"), nil)
			return nil
		}
		if err := a.onEditInput(ctx, t, d, msg); err != nil {
			return err
		}
	default:
		// A dialog this version does not know: drop it, take the message.
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		if err := a.onCitizenMessage(ctx, t, msg); err != nil {
			return err
		}
	}
	return nil
}

// fieldValue checks what staff typed for a field; problem is a message id.
func (a *App) fieldValue(field string, msg *models.Message) (value string, lines []string, problem string, detail string) {
	text := strings.TrimSpace(msg.Text)
	switch field {
	case "q":
		if text == "" || strings.Contains(text, "\n") || dialogs.UTF16Len(text) > dialogs.MaxButtonLabel {
			return "", nil, "faqedit.bad_question", ""
		}
		return text, nil, "", ""
	case "a":
		src := text
		if hasFormatting(msg.Entities) {
			src = strings.TrimSpace(entitiesToHTML(msg.Text, msg.Entities))
		}
		plain, _, err := dialogs.ParseHTML(src)
		if err != nil {
			return "", nil, "faqedit.bad_html", err.Error()
		}
		if strings.TrimSpace(plain) == "" || dialogs.UTF16Len(plain) > dialogs.MaxAnswer {
			return "", nil, "faqedit.bad_answer", ""
		}
		return src, nil, "", ""
	case "p":
		seen := map[string]bool{}
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || seen[l] {
				continue
			}
			if dialogs.UTF16Len(l) > 200 {
				return "", nil, "faqedit.bad_phrasings", ""
			}
			seen[l] = true
			lines = append(lines, l)
		}
		if len(lines) == 0 || len(lines) > 40 {
			return "", nil, "faqedit.bad_phrasings", ""
		}
		return "", lines, "", ""
	}
	return "", nil, "faqedit.bad_question", ""
}

func (a *App) onEditInput(ctx context.Context, t *Turn, d editDraft, msg *models.Message) error {
	value, lines, problem, detail := a.fieldValue(d.Field, msg)
	if problem != "" {
		// The draft stays: the next message is another try.
		a.reply(ctx, t, a.text.Text(t.Lang, problem, map[string]any{"Detail": html.EscapeString(detail)}), nil)
		return nil
	}
	set := func(e *dialogs.Entry) {
		switch d.Field {
		case "q":
			if e.Question == nil {
				e.Question = dialogs.Text{}
			}
			e.Question[d.Lang] = value
		case "a":
			if e.Answer == nil {
				e.Answer = dialogs.Text{}
			}
			e.Answer[d.Lang] = value
		case "p":
			if e.Phrasings == nil {
				e.Phrasings = map[string][]string{}
			}
			e.Phrasings[d.Lang] = lines
		}
	}
	if d.New != nil {
		set(d.New)
		if next, ok := a.nextNewField(d); ok {
			if err := a.saveDraft(ctx, t, next); err != nil {
				return err
			}
			a.reply(ctx, t, a.text.Text(t.Lang, "faqedit.prompt."+next.Field, map[string]any{"Lang": strings.ToUpper(next.Lang)}), nil)
			return nil
		}
		return a.createEntry(ctx, t, d)
	}
	e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, d.EntryID)
	if err != nil {
		return err
	}
	set(&e)
	if err := store.SaveFAQEntry(ctx, t.Tx, a.pack.ID, e, store.ActionEdit, t.User.ID); err != nil {
		return err
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	return a.showEditCard(ctx, t, 0, e.ID, a.text.Text(t.Lang, "faqedit.saved"))
}

// startNewEntry asks for a new entry's question and answer in each of the
// pack's languages, one message at a time.
func (a *App) startNewEntry(ctx context.Context, t *Turn, category string, unanswered int64, sample string) error {
	return a.startNewEntryAs(ctx, t, category, unanswered, sample, "")
}

// startNewEntryAs is startNewEntry that keeps sample, as the citizen wrote
// it in sampleLang, as the new entry's first phrasing ("" keeps none).
func (a *App) startNewEntryAs(ctx context.Context, t *Turn, category string, unanswered int64, sample, sampleLang string) error {
	if _, ok := a.pack.Category(category); !ok {
		a.onStaleButton(ctx, t)
		return nil
	}
	e := &dialogs.Entry{
		ID:       a.newEntryID(category),
		Category: category, Question: dialogs.Text{}, Answer: dialogs.Text{},
	}
	if sampleLang != "" && a.pack.Speaks(sampleLang) && strings.TrimSpace(sample) != "" {
		e.Phrasings = map[string][]string{sampleLang: {strings.TrimSpace(sample)}}
	}
	d := editDraft{Field: "q", Lang: a.pack.Languages[0], Category: category, New: e, Unanswered: unanswered}
	if err := a.saveDraft(ctx, t, d); err != nil {
		return err
	}
	prompt := a.text.Text(t.Lang, "faqedit.prompt.q", map[string]any{"Lang": strings.ToUpper(d.Lang)})
	if sample != "" {
		prompt += "\n\n" + a.text.Text(t.Lang, "faqedit.asked") + "\n<pre>" + html.EscapeString(sample) + "</pre>"
	}
	a.reply(ctx, t, prompt, nil)
	return nil
}

// newEntryID names a new entry after its topic and its place in it
// («lost_licence_3»), not a random string; the time in base 36 makes it
// unique if that name is taken.
func (a *App) newEntryID(category string) string {
	taken := map[string]bool{}
	n := 1
	for _, e := range a.book().pack.Entries {
		taken[e.ID] = true
		if e.Category == category {
			n++
		}
	}
	base := category
	if len(base) > 24 {
		base = base[:24]
	}
	if id := fmt.Sprintf("%s_%d", base, n); !taken[id] {
		return id
	}
	return base + "_" + strconv.FormatInt(time.Now().UnixMilli()%1e7, 36)
}

// nextNewField is the step after d when writing a new entry: q then a, for
// each language in turn.
func (a *App) nextNewField(d editDraft) (editDraft, bool) {
	if d.Field == "q" {
		d.Field = "a"
		return d, true
	}
	for i, l := range a.pack.Languages {
		if l == d.Lang && i+1 < len(a.pack.Languages) {
			d.Field, d.Lang = "q", a.pack.Languages[i+1]
			return d, true
		}
	}
	return d, false
}

func (a *App) createEntry(ctx context.Context, t *Turn, d editDraft) error {
	e := *d.New
	if d.Unanswered != 0 {
		if u, err := store.GetUnanswered(ctx, t.Tx, a.pack.ID, d.Unanswered); err == nil && u.Reason == "nomatch" {
			e.Phrasings = map[string][]string{a.contentLang(u.Lang): {u.Sample}}
		}
		if err := store.ResolveUnanswered(ctx, t.Tx, a.pack.ID, d.Unanswered); err != nil {
			return err
		}
	}
	if err := store.SaveFAQEntry(ctx, t.Tx, a.pack.ID, e, store.ActionCreate, t.User.ID); err != nil {
		return err
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	return a.showEditCard(ctx, t, 0, e.ID, a.text.Text(t.Lang, "faqedit.created"))
}

func (a *App) toggleHidden(ctx context.Context, t *Turn, msgID int, id string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, id)
	if err != nil {
		a.onStaleButton(ctx, t)
		return nil
	}
	e.Hidden = !e.Hidden
	action := store.ActionShow
	if e.Hidden {
		action = store.ActionHide
	}
	if err := store.SaveFAQEntry(ctx, t.Tx, a.pack.ID, e, action, t.User.ID); err != nil {
		return err
	}
	return a.showEditCard(ctx, t, msgID, id, a.text.Text(t.Lang, "faqedit.saved"))
}

func (a *App) confirmDelete(ctx context.Context, t *Turn, msgID int, id string) {
	e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, id)
	if err != nil {
		a.onStaleButton(ctx, t)
		return
	}
	q := html.EscapeString(a.text2(e.Question, a.contentLang(t.Lang)))
	a.show(ctx, t, msgID, a.text.Text(t.Lang, "faqedit.confirm_delete", map[string]any{"Question": q}), keyboard(
		[]Button{
			button(a.text.Text(t.Lang, "faqedit.delete_yes"), cbEdit, "D:"+id),
			button(a.text.Text(t.Lang, "faqedit.delete_no"), cbEdit, "e:"+id),
		}))
}

func (a *App) deleteEntry(ctx context.Context, t *Turn, msgID int, id string) error {
	err := store.DeleteFAQEntry(ctx, t.Tx, a.pack.ID, id, t.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		a.onStaleButton(ctx, t) // a second tap on the same button
		return nil
	}
	if err != nil {
		return err
	}
	a.show(ctx, t, msgID, a.text.Text(t.Lang, "faqedit.deleted"), keyboard(
		[]Button{button(a.text.Text(t.Lang, "faqedit.history"), cbEdit, "r:"+id)},
		[]Button{button(a.text.Text(t.Lang, "nav.topics"), cbEdit, "top")}))
	return nil
}

func (a *App) showHistory(ctx context.Context, t *Turn, msgID int, id string) error {
	revs, err := store.FAQRevisions(ctx, t.Tx, a.pack.ID, id, 8)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(a.text.Text(t.Lang, "faqedit.history_title", map[string]any{"ID": html.EscapeString(id)}))
	var rows [][]Button
	for _, r := range revs {
		who := a.text.Text(t.Lang, "faqedit.by_import")
		if r.Actor != 0 {
			who = fmt.Sprintf(`<a href="tg://user?id=%d">%d</a>`, r.Actor, r.Actor)
		}
		fmt.Fprintf(&b, "\n#%d · %s · %s · %s", r.ID, a.text.Text(t.Lang, "faqedit.action."+r.Action), r.At.UTC().Format("2006-01-02 15:04 UTC"), who)
		rows = append(rows, []Button{button(a.text.Text(t.Lang, "faqedit.undo", map[string]any{"ID": r.ID}), cbEdit, "R:"+strconv.FormatInt(r.ID, 10))})
	}
	rows = append(rows, []Button{button(a.text.Text(t.Lang, "faqedit.back_to_entry"), cbEdit, "e:"+id)})
	a.show(ctx, t, msgID, b.String(), keyboard(rows...))
	return nil
}

func (a *App) rollback(ctx context.Context, t *Turn, msgID int, rev int64) error {
	id, err := store.RollbackFAQ(ctx, t.Tx, a.pack.ID, rev, t.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		a.onStaleButton(ctx, t)
		return nil
	}
	if err != nil {
		return err
	}
	return a.showEditCard(ctx, t, msgID, id, a.text.Text(t.Lang, "faqedit.rolled_back", map[string]any{"ID": rev}))
}

func (a *App) showUnanswered(ctx context.Context, t *Turn, msgID int) error {
	list, err := store.TopUnanswered(ctx, t.Tx, a.pack.ID, 10)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		a.show(ctx, t, msgID, a.text.Text(t.Lang, "faqedit.unanswered_none"), keyboard(
			[]Button{button(a.text.Text(t.Lang, "nav.topics"), cbEdit, "top")}))
		return nil
	}
	var b strings.Builder
	b.WriteString(a.text.Text(t.Lang, "faqedit.unanswered_title"))
	var rows [][]Button
	for i, u := range list {
		n := strconv.Itoa(i + 1)
		uid := strconv.FormatInt(u.ID, 10)
		fmt.Fprintf(&b, "\n%s. «%s» — %s", n, html.EscapeString(cut(u.Sample, 120)), a.text.Count(t.Lang, "faqedit.times", u.Count, nil))
		if u.Suggestions != "" {
			ids := "<code>" + strings.Join(strings.Fields(html.EscapeString(u.Suggestions)), "</code>, <code>") + "</code>"
			b.WriteString("\n   " + a.text.Text(t.Lang, "faqedit.offered", map[string]any{"IDs": ids}))
		}
		if u.Reason == "downvote" {
			b.WriteString(" 👎")
			rows = append(rows, []Button{
				button("✏️ "+n, cbEdit, "e:"+u.EntryID),
				button("✔️ "+n, cbEdit, "u:x:"+uid),
			})
			continue
		}
		rows = append(rows, []Button{
			button("➕ "+n, cbEdit, "u:n:"+uid),
			button("🔗 "+n, cbEdit, "u:p:"+uid),
			button("✔️ "+n, cbEdit, "u:x:"+uid),
		})
	}
	b.WriteString("\n\n" + a.text.Text(t.Lang, "faqedit.unanswered_help"))
	rows = append(rows, []Button{button(a.text.Text(t.Lang, "nav.topics"), cbEdit, "top")})
	a.show(ctx, t, msgID, b.String(), keyboard(rows...))
	return nil
}

// onUnansweredAction: n — a new entry from it; p — pick an entry to add it
// to as a phrasing (c — the topic, P — the entry); x — resolved.
func (a *App) onUnansweredAction(ctx context.Context, t *Turn, msgID int, verb string, uid int64, arg string) error {
	u, err := store.GetUnanswered(ctx, t.Tx, a.pack.ID, uid)
	if err != nil {
		a.onStaleButton(ctx, t)
		return nil
	}
	b := a.book()
	lang := a.contentLang(t.Lang)
	id := strconv.FormatInt(uid, 10)
	switch verb {
	case "n", "p":
		var rows [][]Button
		next := "u:C:"
		if verb == "p" {
			next = "u:c:"
		}
		for _, c := range b.pack.Categories {
			rows = append(rows, []Button{button(a.text2(c.Title, lang), cbEdit, next+id+":"+c.ID)})
		}
		a.show(ctx, t, msgID, a.text.Text(t.Lang, "faqedit.pick_topic")+"\n«"+html.EscapeString(u.Sample)+"»", keyboard(rows...))
	case "C":
		if err := a.startNewEntry(ctx, t, arg, uid, u.Sample); err != nil {
			return err
		}
	case "c":
		var rows [][]Button
		for _, e := range b.pack.Entries {
			if e.Category == arg {
				rows = append(rows, []Button{button(label(a.text2(e.Question, lang)), cbEdit, "u:P:"+id+":"+e.ID)})
			}
		}
		rows = append(rows, []Button{button(a.text.Text(t.Lang, "nav.topics"), cbEdit, "u:p:"+id)})
		a.show(ctx, t, msgID, a.text.Text(t.Lang, "faqedit.pick_entry")+"\n«"+html.EscapeString(u.Sample)+"»", keyboard(rows...))
	case "P":
		e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, arg)
		if err != nil {
			a.onStaleButton(ctx, t)
			return nil
		}
		pl := a.contentLang(u.Lang)
		if e.Phrasings == nil {
			e.Phrasings = map[string][]string{}
		}
		e.Phrasings[pl] = append(e.Phrasings[pl], u.Sample)
		if err := store.SaveFAQEntry(ctx, t.Tx, a.pack.ID, e, store.ActionEdit, t.User.ID); err != nil {
			return err
		}
		if err := store.ResolveUnanswered(ctx, t.Tx, a.pack.ID, uid); err != nil {
			return err
		}
		if err := a.showEditCard(ctx, t, msgID, e.ID, a.text.Text(t.Lang, "faqedit.phrasing_added")); err != nil {
			return err
		}
	case "x":
		if err := store.ResolveUnanswered(ctx, t.Tx, a.pack.ID, uid); err != nil {
			return err
		}
		if err := a.showUnanswered(ctx, t, msgID); err != nil {
			return err
		}
	default:
		a.onStaleButton(ctx, t)
	}
	return nil
}
