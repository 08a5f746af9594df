package faqedit

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

	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

// editDraft is the state of a staff edit between messages.
type editDraft struct {
	EntryID    string         `json:"id,omitempty"`
	Field      string         `json:"field"` // q, a, p
	Lang       string         `json:"lang"`
	Category   string         `json:"cat,omitempty"`
	New        *dialogs.Entry `json:"new,omitempty"` // an entry being written
	Unanswered int64          `json:"unanswered,omitempty"`
	// Since is the update that asked for this text: anything else the
	// admin did after it (/start, the menu, another command) means the
	// text that comes now is not meant for the field.
	Since int64 `json:"since,omitempty"`
}

// OnUnanswered lists the questions the FAQ could not answer (/unanswered,
// staff only).
func (a *Editor) OnUnanswered(ctx context.Context, t *turn.Turn) error {
	if !a.IsAdmin(ctx, t.User.ID) {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "staff.only"), a.MenuKeyboard(t.Lang))
		return nil
	}
	return a.showUnanswered(ctx, t, 0)
}

// OnEditButton follows the FAQ editor's buttons.
func (a *Editor) OnEditButton(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	if !a.IsAdmin(ctx, t.User.ID) {
		a.Ack(ctx, t, a.Text.Text(t.Lang, "staff.only"))
		return nil
	}
	if err := a.noteEditor(ctx, t); err != nil {
		return err
	}
	_, arg := tg.ParseCallback(u.CallbackQuery.Data)
	parts := strings.Split(arg, ":")
	msgID := tg.CallbackMessageID(u)
	at := func(i int) string {
		if i < len(parts) {
			return parts[i]
		}
		return ""
	}
	// Any button of the editor ends a field edit that waits for its text:
	// an admin who has gone elsewhere in the editor has let it go, and
	// their next message is not meant for the field. A button that starts
	// an edit starts its own; the others say, in the button's own answer,
	// that nothing was changed.
	dropped, err := a.EndPendingEdit(ctx, t)
	if err != nil {
		return err
	}
	starts := at(0) == "f" || at(0) == "n" || at(0) == "t" || at(0) == "u" && at(1) == "C"
	if dropped && !starts {
		a.Ack(ctx, t, a.Text.Text(t.Lang, "faqedit.edit_dropped"))
	} else {
		a.Ack(ctx, t, "")
	}
	switch at(0) {
	case "top":
		a.ShowEditTopics(ctx, t, msgID)
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
		if err := a.StartNewEntryAs(ctx, t, at(2), 0, first, lang); err != nil {
			return err
		}
	default:
		a.StaleButton(ctx, t)
	}
	return nil
}

// EditLapse is how long a field edit waits for its text. Writing even a
// long answer takes minutes, and half an hour leaves room to look
// something up or be called away for a while; an admin who comes back
// later has most likely forgotten the prompt (and types a question to try
// the bot), so what they send then must not replace a live answer.
const EditLapse = 30 * time.Minute

// EndPendingEdit ends the chat's FAQ field edit or new entry, if one waits
// for text; dropped reports whether one did. Other dialogs are left alone.
func (a *Editor) EndPendingEdit(ctx context.Context, t *turn.Turn) (dropped bool, err error) {
	d, ok, err := pendingEdit(ctx, t)
	if !ok || err != nil {
		return false, err
	}
	if kept, err := a.keepHalfMade(ctx, t, d); err != nil || kept {
		return false, err
	}
	return store.EndConversation(ctx, t.Tx, t.Chat)
}

// KeepHalfMade keeps the new entry the chat's admin is writing, when it
// has some text, hidden and tells them so (see keepHalfMade): called before
// another dialog takes the conversation's place (/rate, /operator, the
// menu) or /cancel ends it, which would lose it without a word. Any other
// edit is left as it is (ContinueEdit tells of it). kept reports whether an
// entry was kept.
func (a *Editor) KeepHalfMade(ctx context.Context, t *turn.Turn) (kept bool, err error) {
	d, ok, err := pendingEdit(ctx, t)
	if !ok || err != nil {
		return false, err
	}
	return a.keepHalfMade(ctx, t, d)
}

// pendingEdit reads the chat's FAQ edit that waits for text; ok is false
// when none does. An unreadable draft reads as an empty one.
func pendingEdit(ctx context.Context, t *turn.Turn) (d editDraft, ok bool, err error) {
	conv, err := store.GetConversation(ctx, t.Tx, t.Chat)
	if errors.Is(err, store.ErrNotFound) || err == nil && conv.Dialog != turn.DialogFAQEdit {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	json.Unmarshal(conv.Data, &d) // unreadable: nothing to keep
	return d, true, nil
}

// keepHalfMade ends the edit d; when d writes a new entry that has some
// text already, the entry is kept hidden (citizens do not see it) rather
// than lost, and the admin is told, with its card's button to finish it.
func (a *Editor) keepHalfMade(ctx context.Context, t *turn.Turn, d editDraft) (bool, error) {
	if d.New == nil || len(d.New.Question)+len(d.New.Answer) == 0 {
		return false, nil
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return false, err
	}
	e := *d.New
	e.Hidden = true
	if err := a.freeID(ctx, t, &e); err != nil {
		return false, err
	}
	if err := store.SaveFAQEntry(ctx, t.Tx, a.Pack.ID, e, store.ActionCreate, t.User.ID); err != nil {
		return false, err
	}
	lang := a.ContentLang(t.Lang)
	q := turn.FirstNonEmpty(e.Question[lang], e.Question[a.Pack.Languages[0]], e.ID)
	a.Reply(ctx, t, a.Text.Text(t.Lang, "faqedit.kept_hidden", map[string]any{"Question": html.EscapeString(turn.Cut(q, 80))}),
		tg.NewKeyboard([]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.open_card"), turn.CbEdit, "e:"+e.ID)}))
	return true, nil
}

// OnFAQ is /faq from an admin: the topics to edit. A field edit that
// waited for text ends, and the list says so.
func (a *Editor) OnFAQ(ctx context.Context, t *turn.Turn) error {
	dropped, err := a.EndPendingEdit(ctx, t)
	if err != nil {
		return err
	}
	note := ""
	if dropped {
		note = "<i>" + a.Text.Text(t.Lang, "faqedit.edit_dropped") + "</i>\n\n"
	}
	a.showEditTopics(ctx, t, 0, note)
	return nil
}

// ShowEditTopics shows staff the FAQ's topics to edit.
func (a *Editor) ShowEditTopics(ctx context.Context, t *turn.Turn, msgID int) {
	a.showEditTopics(ctx, t, msgID, "")
}

func (a *Editor) showEditTopics(ctx context.Context, t *turn.Turn, msgID int, note string) {
	b := a.Book()
	lang := a.ContentLang(t.Lang)
	var rows [][]tg.Button
	for _, c := range b.Pack.Categories {
		n := 0
		for _, e := range b.Pack.Entries {
			if e.Category == c.ID {
				n++
			}
		}
		rows = append(rows, []tg.Button{tg.CallbackButton(fmt.Sprintf("%s (%d)", a.Pack.Local(c.Title, lang), n), turn.CbEdit, "c:"+c.ID+":0")})
	}
	rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.unanswered_button"), turn.CbEdit, "un")})
	a.Show(ctx, t, msgID, note+a.Text.Text(t.Lang, "faqedit.title"), tg.NewKeyboard(rows...))
}

func (a *Editor) showEditCategory(ctx context.Context, t *turn.Turn, msgID int, category string, page int) {
	cat, list, ok := a.CategoryEntries(ctx, t, category, true)
	if !ok {
		return
	}
	lang := a.ContentLang(t.Lang)
	from, until, nav := tg.Paged(len(list), turn.FAQPage, page, func(p int) (string, string) {
		return turn.CbEdit, fmt.Sprintf("c:%s:%d", category, p)
	})
	var rows [][]tg.Button
	for _, e := range list[from:until] {
		l := turn.Label(a.Pack.Local(e.Question, lang))
		if e.Hidden {
			l = "🙈 " + l
		}
		rows = append(rows, []tg.Button{tg.CallbackButton(l, turn.CbEdit, "e:"+e.ID)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows,
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.new"), turn.CbEdit, "n:"+category)},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.topics"), turn.CbEdit, "top")})
	a.Show(ctx, t, msgID, "<b>"+html.EscapeString(a.Pack.Local(cat.Title, lang))+"</b>", tg.NewKeyboard(rows...))
}

// showEditCard shows an entry as staff see it, with what they can do.
func (a *Editor) showEditCard(ctx context.Context, t *turn.Turn, msgID int, id, note string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "faqedit.gone"), tg.NewKeyboard(
			[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.history"), turn.CbEdit, "r:"+id)},
			[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.topics"), turn.CbEdit, "top")}))
		return nil
	}
	if err != nil {
		return err
	}
	up, down, err := store.VoteCounts(ctx, t.Tx, a.Pack.ID, id)
	if err != nil {
		return err
	}
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	// The topic's title heads the card and each language's question follows;
	// the id, which only the pack's files use, is the last line.
	topic := e.Category
	if c, ok := a.Pack.Category(e.Category); ok {
		topic = a.Pack.Local(c.Title, a.ContentLang(t.Lang))
	}
	b.WriteString("<b>" + html.EscapeString(topic) + "</b>\n")
	for _, lang := range a.Pack.Languages {
		plain, _, _ := dialogs.ParseHTML(e.Answer[lang])
		fmt.Fprintf(&b, "\n<b>%s</b> %s\n%s\n<i>%s</i>\n", strings.ToUpper(lang), html.EscapeString(e.Question[lang]),
			html.EscapeString(turn.Cut(plain, 300)),
			a.Text.Count(t.Lang, "faqedit.phrasings", len(e.Phrasings[lang]), nil))
	}
	status := "faqedit.visible"
	if e.Hidden {
		status = "faqedit.hidden"
	}
	fmt.Fprintf(&b, "\n👍 %d · 👎 %d · %s", up, down, a.Text.Text(t.Lang, status))
	b.WriteString("\n" + a.Text.Text(t.Lang, "faqedit.entry_id", map[string]any{"ID": html.EscapeString(e.ID)}))

	var rows [][]tg.Button
	for _, f := range []string{"q", "a", "p"} {
		var row []tg.Button
		for _, lang := range a.Pack.Languages {
			d := editDraft{EntryID: e.ID, Field: f, Lang: lang}
			row = append(row, tg.CallbackButton(a.fieldButtonLabel(t, d), turn.CbEdit, "f:"+e.ID+":"+f+":"+lang))
		}
		rows = append(rows, row)
	}
	hide := "faqedit.hide"
	if e.Hidden {
		hide = "faqedit.show"
	}
	rows = append(rows,
		[]tg.Button{
			tg.CallbackButton(a.Text.Text(t.Lang, hide), turn.CbEdit, "h:"+e.ID),
			tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.delete"), turn.CbEdit, "d:"+e.ID),
			tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.history"), turn.CbEdit, "r:"+e.ID),
		},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.topic"), turn.CbEdit, "c:"+e.Category+":0")})
	a.Show(ctx, t, msgID, b.String(), tg.NewKeyboard(rows...))
	return nil
}

// startFieldEdit asks for the new text of one field.
func (a *Editor) startFieldEdit(ctx context.Context, t *turn.Turn, d editDraft) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, d.EntryID)
	if err != nil || !a.Pack.Speaks(d.Lang) || !strings.Contains("qap", d.Field) || len(d.Field) != 1 {
		a.StaleButton(ctx, t)
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
	prompt := a.Text.Text(t.Lang, "faqedit.prompt."+d.Field, map[string]any{"Lang": strings.ToUpper(d.Lang)})
	if current != "" {
		prompt += "\n\n" + a.Text.Text(t.Lang, "faqedit.current") + "\n<pre>" + html.EscapeString(turn.Cut(current, 3000)) + "</pre>"
	}
	a.Reply(ctx, t, prompt, nil)
	return nil
}

func (a *Editor) saveDraft(ctx context.Context, t *turn.Turn, d editDraft) error {
	d.Since = t.Update.ID
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogFAQEdit, Step: d.Field + ":" + d.Lang, Data: raw})
}

// fieldValue checks what staff typed for a field; problem is a message id,
// detail what it says in lang of what is wrong.
func (a *Editor) fieldValue(lang, field string, msg *models.Message) (value string, lines []string, problem string, detail string) {
	text := strings.TrimSpace(msg.Text)
	switch field {
	case "q":
		if text == "" || strings.Contains(text, "\n") || dialogs.UTF16Len(text) > dialogs.MaxButtonLabel {
			return "", nil, "faqedit.bad_question", ""
		}
		return text, nil, "", ""
	case "a":
		var src string
		if tg.HasFormatting(msg.Entities) {
			src = strings.TrimSpace(tg.EntitiesToHTML(msg.Text, msg.Entities))
		} else {
			// Typed tags are markup; «<», «&» that begin none show as typed.
			var err error
			src, err = dialogs.TypedHTML(text)
			var p *dialogs.HTMLProblem
			if errors.As(err, &p) {
				return "", nil, "faqedit.bad_html", a.Text.Text(lang, "faqedit.html."+p.Kind,
					map[string]any{"Tag": html.EscapeString(p.Tag), "Want": html.EscapeString(p.Want)})
			}
			if err != nil {
				return "", nil, "faqedit.bad_html", a.Text.Text(lang, "faqedit.html."+dialogs.HTMLOther)
			}
		}
		plain, _, err := dialogs.ParseHTML(src)
		if err != nil {
			return "", nil, "faqedit.bad_html", a.Text.Text(lang, "faqedit.html."+dialogs.HTMLOther)
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

func (a *Editor) onEditInput(ctx context.Context, t *turn.Turn, d editDraft, msg *models.Message) error {
	value, lines, problem, detail := a.fieldValue(t.Lang, d.Field, msg)
	if problem != "" {
		// The draft stays: the next message is another try (and this
		// one does not count as the admin moving on).
		if err := a.saveDraft(ctx, t, d); err != nil {
			return err
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, problem, map[string]any{"Detail": detail}), nil)
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
			a.Reply(ctx, t, a.Text.Text(t.Lang, "faqedit.prompt."+next.Field, map[string]any{"Lang": strings.ToUpper(next.Lang)}), nil)
			return nil
		}
		return a.createEntry(ctx, t, d)
	}
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, d.EntryID)
	if err != nil {
		return err
	}
	set(&e)
	if err := store.SaveFAQEntry(ctx, t.Tx, a.Pack.ID, e, store.ActionEdit, t.User.ID); err != nil {
		return err
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	return a.showEditCard(ctx, t, 0, e.ID, a.Text.Text(t.Lang, "faqedit.saved"))
}

// startNewEntry asks for a new entry's question and answer in each of the
// pack's languages, one message at a time.
func (a *Editor) startNewEntry(ctx context.Context, t *turn.Turn, category string, unanswered int64, sample string) error {
	return a.StartNewEntryAs(ctx, t, category, unanswered, sample, "")
}

// StartNewEntryAs is startNewEntry that keeps sample, as the citizen wrote
// it in sampleLang, as the new entry's first phrasing ("" keeps none).
func (a *Editor) StartNewEntryAs(ctx context.Context, t *turn.Turn, category string, unanswered int64, sample, sampleLang string) error {
	if _, ok := a.Pack.Category(category); !ok {
		a.StaleButton(ctx, t)
		return nil
	}
	e := &dialogs.Entry{
		ID:       a.newEntryID(category),
		Category: category, Question: dialogs.Text{}, Answer: dialogs.Text{},
	}
	if sampleLang != "" && a.Pack.Speaks(sampleLang) && strings.TrimSpace(sample) != "" {
		e.Phrasings = map[string][]string{sampleLang: {strings.TrimSpace(sample)}}
	}
	d := editDraft{Field: "q", Lang: a.Pack.Languages[0], Category: category, New: e, Unanswered: unanswered}
	if err := a.saveDraft(ctx, t, d); err != nil {
		return err
	}
	prompt := a.Text.Text(t.Lang, "faqedit.prompt.q", map[string]any{"Lang": strings.ToUpper(d.Lang)})
	if sample != "" {
		prompt += "\n\n" + a.Text.Text(t.Lang, "faqedit.asked") + "\n<pre>" + html.EscapeString(sample) + "</pre>"
	}
	a.Reply(ctx, t, prompt, nil)
	return nil
}

// newEntryID names a new entry after its topic and its place in it
// («lost_licence_3»), not a random string; the time in base 36 makes it
// unique if that name is taken.
func (a *Editor) newEntryID(category string) string {
	taken := map[string]bool{}
	n := 1
	for _, e := range a.Book().Pack.Entries {
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

// freeID gives a new entry another id when its own was taken since it was
// named (another entry begun and kept, or made by another editor, before
// the FAQ in memory was reloaded): creating never overwrites an entry.
func (a *Editor) freeID(ctx context.Context, t *turn.Turn, e *dialogs.Entry) error {
	for i := 0; ; i++ {
		_, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, e.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		// The next number of its topic, as moderators type it after /faq;
		// a stranger name only if a hundred are taken.
		base := e.Category[:min(len(e.Category), 24)]
		n, _ := strconv.Atoi(strings.TrimPrefix(e.ID, base+"_"))
		if i < 100 && n > 0 {
			e.ID = fmt.Sprintf("%s_%d", base, n+1)
		} else {
			e.ID = fmt.Sprintf("%s_%s", base, strconv.FormatInt(time.Now().UnixNano()%1e9+int64(i), 36))
		}
	}
}

// nextNewField is the step after d when writing a new entry: q then a, for
// each language in turn.
func (a *Editor) nextNewField(d editDraft) (editDraft, bool) {
	if d.Field == "q" {
		d.Field = "a"
		return d, true
	}
	for i, l := range a.Pack.Languages {
		if l == d.Lang && i+1 < len(a.Pack.Languages) {
			d.Field, d.Lang = "q", a.Pack.Languages[i+1]
			return d, true
		}
	}
	return d, false
}

func (a *Editor) createEntry(ctx context.Context, t *turn.Turn, d editDraft) error {
	e := *d.New
	if d.Unanswered != 0 {
		if u, err := store.GetUnanswered(ctx, t.Tx, a.Pack.ID, d.Unanswered); err == nil && u.Reason == "nomatch" {
			e.Phrasings = map[string][]string{a.ContentLang(u.Lang): {u.Sample}}
		}
		if err := store.ResolveUnanswered(ctx, t.Tx, a.Pack.ID, d.Unanswered); err != nil {
			return err
		}
	}
	if err := a.freeID(ctx, t, &e); err != nil {
		return err
	}
	if err := store.SaveFAQEntry(ctx, t.Tx, a.Pack.ID, e, store.ActionCreate, t.User.ID); err != nil {
		return err
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	return a.showEditCard(ctx, t, 0, e.ID, a.Text.Text(t.Lang, "faqedit.created"))
}

func (a *Editor) toggleHidden(ctx context.Context, t *turn.Turn, msgID int, id string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, id)
	if err != nil {
		a.StaleButton(ctx, t)
		return nil
	}
	if e.Hidden {
		// A half-made entry kept hidden is shown only once it has its
		// question and answer in every language of the pack.
		for _, l := range a.Pack.Languages {
			if strings.TrimSpace(e.Question[l]) == "" || strings.TrimSpace(e.Answer[l]) == "" {
				return a.showEditCard(ctx, t, msgID, id, a.Text.Text(t.Lang, "faqedit.incomplete", map[string]any{"Lang": strings.ToUpper(l)}))
			}
		}
	}
	e.Hidden = !e.Hidden
	action := store.ActionShow
	if e.Hidden {
		action = store.ActionHide
	}
	if err := store.SaveFAQEntry(ctx, t.Tx, a.Pack.ID, e, action, t.User.ID); err != nil {
		return err
	}
	return a.showEditCard(ctx, t, msgID, id, a.Text.Text(t.Lang, "faqedit.saved"))
}

func (a *Editor) confirmDelete(ctx context.Context, t *turn.Turn, msgID int, id string) {
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, id)
	if err != nil {
		a.StaleButton(ctx, t)
		return
	}
	q := html.EscapeString(a.Pack.Local(e.Question, a.ContentLang(t.Lang)))
	a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "faqedit.confirm_delete", map[string]any{"Question": q}), tg.NewKeyboard(
		[]tg.Button{
			tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.delete_yes"), turn.CbEdit, "D:"+id),
			tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.delete_no"), turn.CbEdit, "e:"+id),
		}))
}

func (a *Editor) deleteEntry(ctx context.Context, t *turn.Turn, msgID int, id string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, id)
	if err == nil {
		err = store.DeleteFAQEntry(ctx, t.Tx, a.Pack.ID, id, t.User.ID)
	}
	if errors.Is(err, store.ErrNotFound) {
		a.StaleButton(ctx, t) // a second tap on the same button
		return nil
	}
	if err != nil {
		return err
	}
	q := html.EscapeString(a.Pack.Local(e.Question, a.ContentLang(t.Lang)))
	a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "faqedit.deleted", map[string]any{"Question": q}), tg.NewKeyboard(
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.history"), turn.CbEdit, "r:"+id)},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.topics"), turn.CbEdit, "top")}))
	return nil
}

func (a *Editor) showHistory(ctx context.Context, t *turn.Turn, msgID int, id string) error {
	revs, err := store.FAQRevisions(ctx, t.Tx, a.Pack.ID, id, 8)
	if err != nil {
		return err
	}
	actors := make([]int64, 0, len(revs))
	for _, r := range revs {
		actors = append(actors, r.Actor)
	}
	names, err := store.StaffNames(ctx, t.Tx, actors)
	if err != nil {
		return err
	}
	// Times in the pack's own timezone, as staff read a clock.
	loc := a.Pack.Hours().Location()
	var b strings.Builder
	title := a.historyTitle(ctx, t, id, revs)
	b.WriteString(a.Text.Text(t.Lang, "faqedit.history_title", map[string]any{"Question": html.EscapeString(title)}))
	var rows [][]tg.Button
	for _, r := range revs {
		who := a.Text.Text(t.Lang, "faqedit.by_import")
		if r.Actor != 0 {
			name := names[r.Actor]
			if name == "" {
				name = a.Text.Text(t.Lang, "faqedit.by_someone")
			}
			who = fmt.Sprintf(`<a href="tg://user?id=%d">%s</a>`, r.Actor, html.EscapeString(name))
		}
		fmt.Fprintf(&b, "\n#%d · %s · %s · %s", r.ID, a.Text.Text(t.Lang, "faqedit.action."+r.Action), r.At.In(loc).Format("02.01.2006 15:04"), who)
		if r.Before == nil {
			// Undoing the entry's making would delete it, in one tap and
			// without the question «Видалити?»: deleting has its own button.
			continue
		}
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.undo", map[string]any{"ID": r.ID}), turn.CbEdit, "R:"+strconv.FormatInt(r.ID, 10))})
	}
	rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faqedit.back_to_entry"), turn.CbEdit, "e:"+id)})
	a.Show(ctx, t, msgID, b.String(), tg.NewKeyboard(rows...))
	return nil
}

// historyTitle is the question a history is of, in the editor's language:
// the entry's as it is, or, for one deleted, as it was last.
func (a *Editor) historyTitle(ctx context.Context, t *turn.Turn, id string, revs []store.Revision) string {
	lang := a.ContentLang(t.Lang)
	if e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, id); err == nil {
		return a.Pack.Local(e.Question, lang)
	}
	for _, r := range revs {
		for _, e := range []*dialogs.Entry{r.After, r.Before} {
			if e != nil {
				if q := a.Pack.Local(e.Question, lang); q != "" {
					return q
				}
			}
		}
	}
	return id
}

// entryTitle is an entry of the live FAQ as the editor's list names it:
// its question in their language, or its id if it is gone.
func (a *Editor) entryTitle(id, lang string) string {
	if e, ok := a.Book().ByID[id]; ok {
		if q := a.Pack.Local(e.Question, lang); q != "" {
			return "«" + html.EscapeString(turn.Label(q)) + "»"
		}
	}
	return "<code>" + html.EscapeString(id) + "</code>"
}

func (a *Editor) rollback(ctx context.Context, t *turn.Turn, msgID int, rev int64) error {
	id, err := store.RollbackFAQ(ctx, t.Tx, a.Pack.ID, rev, t.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		a.StaleButton(ctx, t)
		return nil
	}
	if err != nil {
		return err
	}
	return a.showEditCard(ctx, t, msgID, id, a.Text.Text(t.Lang, "faqedit.rolled_back", map[string]any{"ID": rev}))
}

func (a *Editor) showUnanswered(ctx context.Context, t *turn.Turn, msgID int) error {
	list, err := store.TopUnanswered(ctx, t.Tx, a.Pack.ID, 10)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "faqedit.unanswered_none"), tg.NewKeyboard(
			[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.topics"), turn.CbEdit, "top")}))
		return nil
	}
	lang := a.ContentLang(t.Lang)
	var b strings.Builder
	b.WriteString(a.Text.Text(t.Lang, "faqedit.unanswered_title"))
	var rows [][]tg.Button
	for i, u := range list {
		n := strconv.Itoa(i + 1)
		uid := strconv.FormatInt(u.ID, 10)
		sample := u.Sample
		if e, ok := a.Book().ByID[u.EntryID]; ok && u.Reason == "downvote" {
			// The answer voted down, by its question in the editor's language
			// rather than the citizen's.
			sample = a.Pack.Local(e.Question, lang)
		}
		fmt.Fprintf(&b, "\n%s. «%s» — %s", n, html.EscapeString(turn.Cut(sample, 120)), a.Text.Count(t.Lang, "faqedit.times", u.Count, nil))
		if u.Suggestions != "" {
			var titles []string
			for _, id := range strings.Fields(u.Suggestions) {
				titles = append(titles, a.entryTitle(id, lang))
			}
			b.WriteString("\n   " + a.Text.Text(t.Lang, "faqedit.offered", map[string]any{"Questions": strings.Join(titles, ", ")}))
		}
		if u.Reason == "downvote" {
			b.WriteString(" 👎")
			rows = append(rows, []tg.Button{
				tg.CallbackButton("✏️ "+n, turn.CbEdit, "e:"+u.EntryID),
				tg.CallbackButton("✔️ "+n, turn.CbEdit, "u:x:"+uid),
			})
			continue
		}
		rows = append(rows, []tg.Button{
			tg.CallbackButton("➕ "+n, turn.CbEdit, "u:n:"+uid),
			tg.CallbackButton("🔗 "+n, turn.CbEdit, "u:p:"+uid),
			tg.CallbackButton("✔️ "+n, turn.CbEdit, "u:x:"+uid),
		})
	}
	b.WriteString("\n\n" + a.Text.Text(t.Lang, "faqedit.unanswered_help"))
	rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.topics"), turn.CbEdit, "top")})
	a.Show(ctx, t, msgID, b.String(), tg.NewKeyboard(rows...))
	return nil
}

// onUnansweredAction: n — a new entry from it; p — pick an entry to add it
// to as a phrasing (c — the topic, P — the entry); x — resolved.
func (a *Editor) onUnansweredAction(ctx context.Context, t *turn.Turn, msgID int, verb string, uid int64, arg string) error {
	u, err := store.GetUnanswered(ctx, t.Tx, a.Pack.ID, uid)
	if err != nil {
		a.StaleButton(ctx, t)
		return nil
	}
	b := a.Book()
	lang := a.ContentLang(t.Lang)
	id := strconv.FormatInt(uid, 10)
	switch verb {
	case "n", "p":
		var rows [][]tg.Button
		next := "u:C:"
		if verb == "p" {
			next = "u:c:"
		}
		for _, c := range b.Pack.Categories {
			rows = append(rows, []tg.Button{tg.CallbackButton(a.Pack.Local(c.Title, lang), turn.CbEdit, next+id+":"+c.ID)})
		}
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "faqedit.pick_topic")+"\n«"+html.EscapeString(u.Sample)+"»", tg.NewKeyboard(rows...))
	case "C":
		if err := a.startNewEntry(ctx, t, arg, uid, u.Sample); err != nil {
			return err
		}
	case "c":
		var rows [][]tg.Button
		for _, e := range b.Pack.Entries {
			if e.Category == arg {
				rows = append(rows, []tg.Button{tg.CallbackButton(turn.Label(a.Pack.Local(e.Question, lang)), turn.CbEdit, "u:P:"+id+":"+e.ID)})
			}
		}
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.topics"), turn.CbEdit, "u:p:"+id)})
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "faqedit.pick_entry")+"\n«"+html.EscapeString(u.Sample)+"»", tg.NewKeyboard(rows...))
	case "P":
		e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, arg)
		if err != nil {
			a.StaleButton(ctx, t)
			return nil
		}
		pl := a.ContentLang(u.Lang)
		if e.Phrasings == nil {
			e.Phrasings = map[string][]string{}
		}
		e.Phrasings[pl] = append(e.Phrasings[pl], u.Sample)
		if err := store.SaveFAQEntry(ctx, t.Tx, a.Pack.ID, e, store.ActionEdit, t.User.ID); err != nil {
			return err
		}
		if err := store.ResolveUnanswered(ctx, t.Tx, a.Pack.ID, uid); err != nil {
			return err
		}
		if err := a.showEditCard(ctx, t, msgID, e.ID, a.Text.Text(t.Lang, "faqedit.phrasing_added")); err != nil {
			return err
		}
	case "x":
		if err := store.ResolveUnanswered(ctx, t.Tx, a.Pack.ID, uid); err != nil {
			return err
		}
		if err := a.showUnanswered(ctx, t, msgID); err != nil {
			return err
		}
	default:
		a.StaleButton(ctx, t)
	}
	return nil
}

// ContinueEdit takes what staff typed for the field they are editing. It
// returns turn.ErrNotMine when the draft cannot be read or the person is
// no longer staff: the conversation is ended and the message is theirs.
func (a *Editor) ContinueEdit(ctx context.Context, t *turn.Turn, conv store.Conversation, msg *models.Message) error {
	var d editDraft
	if err := json.Unmarshal(conv.Data, &d); err != nil || !a.IsAdmin(ctx, t.User.ID) {
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		return turn.ErrNotMine
	}
	interrupted := false
	if d.Since != 0 {
		var err error
		if interrupted, err = store.UpdatesBetween(ctx, t.Tx, t.Chat, d.Since, t.Update.ID); err != nil {
			return err
		}
	}
	if interrupted {
		// /start, /help, the menu between the prompt and this text: the
		// admin moved on, and this is not the field's new text.
		if kept, err := a.keepHalfMade(ctx, t, d); err != nil || kept {
			if err != nil {
				return err
			}
			return turn.ErrNotMine
		}
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		note := a.Text.Text(t.Lang, "faqedit.interrupted", map[string]any{"Button": a.fieldButtonLabel(t, d)})
		if d.New != nil || d.EntryID == "" {
			note = a.Text.Text(t.Lang, "faqedit.interrupted_new")
		}
		a.Reply(ctx, t, note, a.lapsedKeyboard(t, d))
		return turn.ErrNotMine
	}
	if time.Since(conv.UpdatedAt) > EditLapse {
		// Too old to be what the admin means now: nothing is changed, and
		// the message is taken as any other. The note says so, with the
		// field's button to start again if it was the new text after all.
		if kept, err := a.keepHalfMade(ctx, t, d); err != nil || kept {
			if err != nil {
				return err
			}
			return turn.ErrNotMine
		}
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		a.Reply(ctx, t, a.lapsedNote(t, d), a.lapsedKeyboard(t, d))
		return turn.ErrNotMine
	}
	if msg.Text == "" {
		if err := a.saveDraft(ctx, t, d); err != nil {
			return err
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, "faqedit.need_text"), nil)
		return nil
	}
	if err := a.noteEditor(ctx, t); err != nil {
		return err
	}
	return a.onEditInput(ctx, t, d, msg)
}

// lapsedNote tells an admin that the edit d waited too long and changed
// nothing.
func (a *Editor) lapsedNote(t *turn.Turn, d editDraft) string {
	minutes := int(EditLapse / time.Minute)
	if d.New != nil {
		return a.Text.Count(t.Lang, "faqedit.lapsed_new", minutes, nil)
	}
	return a.Text.Count(t.Lang, "faqedit.lapsed", minutes, map[string]any{"Button": a.fieldButtonLabel(t, d)})
}

// lapsedKeyboard is the lapsed field's own button, to start its edit
// again; a new entry has none (it starts from /faq).
func (a *Editor) lapsedKeyboard(t *turn.Turn, d editDraft) *tg.Keyboard {
	if d.New != nil || d.EntryID == "" {
		return nil
	}
	return tg.NewKeyboard([]tg.Button{tg.CallbackButton(a.fieldButtonLabel(t, d), turn.CbEdit, "f:"+d.EntryID+":"+d.Field+":"+d.Lang)})
}

// fieldButtonLabel is the label of the card's button that edits d's field.
func (a *Editor) fieldButtonLabel(t *turn.Turn, d editDraft) string {
	return a.Text.Text(t.Lang, "faqedit.field."+d.Field) + " " + strings.ToUpper(d.Lang)
}

// noteEditor keeps the name the editor goes by in Telegram, for the
// history of what they change.
func (a *Editor) noteEditor(ctx context.Context, t *turn.Turn) error {
	from := tg.SenderOf(t.Update)
	if from == nil {
		return nil
	}
	return store.NoteStaff(ctx, t.Tx, from.ID, tg.DisplayName(from))
}
