package bot

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync/atomic"

	tg "github.com/go-telegram/bot"

	"servicebot/bot/outbox"
	"servicebot/dialogs"
	"servicebot/store"
)

// faqBook is one version of the pack with its live FAQ and the index built
// from it. It is replaced whole when the FAQ changes.
type faqBook struct {
	pack  *dialogs.Pack
	index *dialogs.Index
	byID  map[string]dialogs.Entry
}

// Callback actions of the citizen's FAQ.
const (
	cbFAQRoot     = "fr" // fr — the list of topics
	cbFAQCategory = "fc" // fc:<category>:<page>
	cbFAQQuestion = "fq" // fq:<entry>
	cbFAQVote     = "fv" // fv:<entry>:u|d
	cbFAQNone     = "fn" // fn:<offer> — none of the suggestions
)

const faqPage = 8

type faqHolder struct{ p atomic.Pointer[faqBook] }

// prepareFAQ loads the pack and its live FAQ; the first run of a database
// imports the FAQ from the pack's files. Later changes arrive by NOTIFY.
func (a *App) prepareFAQ(ctx context.Context) error {
	pack, err := dialogs.LoadShippedPack(a.cfg.Pack)
	if err != nil {
		return fmt.Errorf("bot: content pack %q: %w", a.cfg.Pack, err)
	}
	for _, p := range dialogs.Validate(pack) {
		a.log.Warn("content pack problem", "problem", p.String())
	}
	a.pack = pack
	has, err := a.st.HasFAQ(ctx, pack.ID)
	if err != nil {
		return err
	}
	if !has {
		added, _, _, err := a.st.ImportFAQ(ctx, pack.ID, pack.Entries, 0)
		if err != nil {
			return err
		}
		a.log.Info("imported the FAQ from the pack", "pack", pack.ID, "entries", added)
	}
	if err := a.reloadFAQ(ctx); err != nil {
		return err
	}
	notes, err := a.st.Listen(ctx, store.FAQChannel)
	if err != nil {
		return err
	}
	go func() {
		for range notes {
			if err := a.reloadFAQ(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("cannot reload the FAQ", "err", err)
			}
		}
	}()
	return nil
}

func (a *App) reloadFAQ(ctx context.Context) error {
	entries, err := store.FAQEntries(ctx, a.st.DB(), a.pack.ID)
	if err != nil {
		return err
	}
	p := *a.pack
	p.Entries = entries
	b := &faqBook{pack: &p, byID: map[string]dialogs.Entry{}}
	for _, e := range entries {
		b.byID[e.ID] = e
	}
	// The lists change at once; the index, which takes a while to train,
	// follows. Until then the old one answers, and what it names that is
	// now hidden or gone is not shown (see visibleMatches).
	if old := a.book(); old != nil {
		soon := *b
		soon.index = old.index
		a.faq.p.Store(&soon)
	}
	b.index = dialogs.NewIndex(entries, p.Matching)
	a.faq.p.Store(b)
	return nil
}

// visibleMatches drops from res what the book does not show: an index
// trained before an entry was hidden or deleted may still name it.
func (b *faqBook) visibleMatches(res dialogs.Result) dialogs.Result {
	shown := func(id string) bool {
		e, ok := b.byID[id]
		return ok && !e.Hidden
	}
	if res.Best != "" && !shown(res.Best) {
		res.Best = ""
	}
	kept := res.Suggestions[:0:0]
	for _, m := range res.Suggestions {
		if shown(m.ID) {
			kept = append(kept, m)
		}
	}
	res.Suggestions = kept
	return res
}

func (a *App) book() *faqBook { return a.faq.p.Load() }

// contentLang is the language to show pack content in: the person's, or the
// pack's first language when the pack does not speak theirs.
func (a *App) contentLang(lang string) string {
	if a.pack.Speaks(lang) {
		return lang
	}
	return a.pack.Languages[0]
}

func (a *App) text2(t dialogs.Text, lang string) string {
	return t.In(lang, a.pack.Languages...)
}

// onFAQBrowse shows the topics.
func (a *App) showFAQTopics(ctx context.Context, t *Turn, msgID int) {
	b := a.book()
	lang := a.contentLang(t.Lang)
	var topics []Button
	for _, c := range b.pack.Categories {
		if countVisible(b, c.ID) == 0 {
			continue
		}
		topics = append(topics, button(a.text2(c.Title, lang), cbFAQCategory, c.ID+":0"))
	}
	rows := pairUp(topics, shortLabel)
	rows = append(rows, []Button{button(a.text.Text(t.Lang, "nav.menu"), cbMenu, "menu")})
	a.show(ctx, t, msgID, a.text.Text(t.Lang, "faq.topics"), keyboard(rows...))
}

func countVisible(b *faqBook, category string) int {
	n := 0
	for _, e := range b.pack.Entries {
		if e.Category == category && !e.Hidden {
			n++
		}
	}
	return n
}

// categoryEntries finds a topic of the live FAQ and its entries, hidden
// ones too for staff. A topic that is gone was on a stale button: that is
// answered, and ok is false.
func (a *App) categoryEntries(ctx context.Context, t *Turn, category string, hidden bool) (cat dialogs.Category, list []dialogs.Entry, ok bool) {
	b := a.book()
	if cat, ok = b.pack.Category(category); !ok {
		a.onStaleButton(ctx, t)
		return cat, nil, false
	}
	for _, e := range b.pack.Entries {
		if e.Category == category && (hidden || !e.Hidden) {
			list = append(list, e)
		}
	}
	return cat, list, true
}

// showFAQCategory lists a topic's questions, a page at a time.
func (a *App) showFAQCategory(ctx context.Context, t *Turn, msgID int, category string, page int) {
	cat, list, ok := a.categoryEntries(ctx, t, category, false)
	if !ok {
		return
	}
	lang := a.contentLang(t.Lang)
	from, until, nav := paged(len(list), faqPage, page, func(p int) (string, string) {
		return cbFAQCategory, category + ":" + strconv.Itoa(p)
	})
	var rows [][]Button
	for _, e := range list[from:until] {
		rows = append(rows, []Button{button(label(a.text2(e.Question, lang)), cbFAQQuestion, e.ID)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows, []Button{button(a.text.Text(t.Lang, "nav.topics"), cbFAQRoot, "")})
	title := "<b>" + html.EscapeString(a.text2(cat.Title, lang)) + "</b>\n" + a.text.Text(t.Lang, "faq.pick")
	a.show(ctx, t, msgID, title, keyboard(rows...))
}

// label fits a question on a button.
func label(s string) string {
	r := []rune(s)
	if len(r) <= 60 {
		return s
	}
	return strings.TrimSpace(string(r[:59])) + "…"
}

// showAnswer shows an entry's answer with 👍/👎, read fresh from the
// database so that a staff edit shows at once.
func (a *App) showAnswer(ctx context.Context, t *Turn, msgID int, id string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && e.Hidden {
		a.ack(ctx, t, "")
		a.reply(ctx, t, a.text.Text(t.Lang, "faq.gone"), a.menuKeyboard(t.Lang))
		return nil
	}
	if err != nil {
		return err
	}
	a.ack(ctx, t, "")
	if e.Action == dialogs.ActionFindCentre {
		return a.askWhere(ctx, t, e)
	}
	a.show(ctx, t, msgID, a.renderAnswer(e, t.Lang), a.answerKeyboard(e, t.Lang, true))
	return nil
}

func (a *App) renderAnswer(e dialogs.Entry, userLang string) string {
	lang := a.contentLang(userLang)
	var b strings.Builder
	b.WriteString("<b>" + html.EscapeString(a.text2(e.Question, lang)) + "</b>\n\n")
	b.WriteString(a.text2(e.Answer, lang))
	for i, l := range e.Links {
		if i == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "\n🔗 <a href=\"%s\">%s</a>", html.EscapeString(l.URL), html.EscapeString(a.text2(l.Title, lang)))
	}
	return b.String()
}

func (a *App) answerKeyboard(e dialogs.Entry, userLang string, votes bool) *Keyboard {
	lang := a.contentLang(userLang)
	var rows [][]Button
	if votes {
		rows = append(rows, []Button{
			button(a.text.Text(userLang, "faq.helpful"), cbFAQVote, e.ID+":u"),
			button(a.text.Text(userLang, "faq.unhelpful"), cbFAQVote, e.ID+":d"),
		})
	}
	b := a.book()
	for _, r := range e.Related {
		if len(rows) >= 3 {
			break
		}
		if rel, ok := b.byID[r]; ok && !rel.Hidden {
			rows = append(rows, []Button{button("➡️ "+label(a.text2(rel.Question, lang)), cbFAQQuestion, rel.ID)})
		}
	}
	rows = append(rows, []Button{
		button(a.text.Text(userLang, "nav.topic"), cbFAQCategory, e.Category+":0"),
		button(a.text.Text(userLang, "nav.menu"), cbMenu, "menu"),
	})
	return keyboard(rows...)
}

// onFAQ handles the citizen's FAQ buttons.
func (a *App) onFAQButton(ctx context.Context, t *Turn) error {
	u := t.Update
	action, arg := parseCallback(u.CallbackQuery.Data)
	msgID := callbackMessageID(u)
	switch action {
	case cbFAQRoot:
		a.ack(ctx, t, "")
		a.showFAQTopics(ctx, t, msgID)
	case cbFAQCategory:
		cat, p, _ := strings.Cut(arg, ":")
		page, _ := strconv.Atoi(p)
		a.ack(ctx, t, "")
		a.showFAQCategory(ctx, t, msgID, cat, page)
	case cbFAQQuestion:
		if err := a.showAnswer(ctx, t, msgID, arg); err != nil {
			return err
		}
	case cbFAQVote:
		id, v, _ := strings.Cut(arg, ":")
		if err := a.onVote(ctx, t, msgID, id, v == "u"); err != nil {
			return err
		}
	case cbFAQNone:
		a.ack(ctx, t, "")
		if err := a.onNoneFits(ctx, t, msgID, arg); err != nil {
			return err
		}
	default:
		a.onStaleButton(ctx, t)
	}
	return nil
}

func (a *App) onVote(ctx context.Context, t *Turn, msgID int, id string, up bool) error {
	e, ok := a.book().byID[id]
	if !ok {
		a.onStaleButton(ctx, t)
		return nil
	}
	vote := -1
	if up {
		vote = 1
	}
	changed, err := store.VoteFAQ(ctx, t.Tx, a.pack.ID, id, t.User.ID, vote)
	if err != nil {
		return err
	}
	a.ack(ctx, t, a.text.Text(t.Lang, "faq.thanks"))
	if !changed {
		return nil // a double tap, or a button pressed again on an old message
	}
	// The vote buttons go; pressing one twice changes nothing anyway.
	a.editKeyboard(ctx, t, msgID, a.answerKeyboard(e, t.Lang, false))
	if up {
		return nil
	}
	q := a.text2(e.Question, a.contentLang(t.Lang))
	if _, err := store.RecordUnanswered(ctx, t.Tx, a.pack.ID, "👎 "+e.ID, q, t.Lang, "downvote", e.ID); err != nil {
		return err
	}
	a.reply(ctx, t, a.text.Text(t.Lang, "faq.downvoted"), a.offerPerson(t.Lang, "d:"+e.ID))
	return nil
}

// editKeyboard replaces the buttons of the bot's message msgID.
func (a *App) editKeyboard(_ context.Context, t *Turn, msgID int, kb *Keyboard) {
	if msgID == 0 {
		return
	}
	t.Do(outbox.Call(t.Chat, "editMessageReplyMarkup",
		&tg.EditMessageReplyMarkupParams{ChatID: t.Chat, MessageID: msgID, ReplyMarkup: markup(kb)}).MayBeRefused())
}

// askFAQ answers free text: a confident match at once, a middling one as
// suggestions, nothing as a clear "no ready answer".
func (a *App) askFAQ(ctx context.Context, t *Turn, text string) error {
	if a.answerSmallTalk(ctx, t, text) {
		return nil
	}
	// «коли працює тсц в ізмаїлі», «адреса мрео на перемоги»: the centres'
	// cards answer better than any entry.
	if found := a.pack.CentresAsked(text); len(found) > 0 {
		a.showCards(ctx, t, found)
		return nil
	}
	b := a.book()
	res := b.visibleMatches(b.index.Ask(text))
	if res.Best != "" {
		e := b.byID[res.Best]
		if fresh, err := store.FAQEntry(ctx, t.Tx, a.pack.ID, e.ID); err == nil {
			e = fresh
		}
		if e.Action == dialogs.ActionFindCentre {
			return a.askWhere(ctx, t, e)
		}
		a.reply(ctx, t, a.renderAnswer(e, t.Lang), a.answerKeyboard(e, t.Lang, true))
		return nil
	}
	norm := strings.Join(dialogs.Terms(text), " ")
	if norm == "" {
		norm = dialogs.Fold(text)
	}
	if len(res.Suggestions) > 0 {
		// What was offered is kept, so that «none of these» can hand the
		// question and its near misses to the editors.
		ids := make([]string, len(res.Suggestions))
		for i, m := range res.Suggestions {
			ids[i] = m.ID
		}
		offer := store.Offer{Norm: norm, Sample: dialogs.MaskDigits(text), Lang: t.Lang, Suggestions: strings.Join(ids, " ")}
		oid, err := store.RecordOffer(ctx, t.Tx, a.pack.ID, t.Chat, offer)
		if err != nil {
			return err
		}
		lang := a.contentLang(t.Lang)
		var rows [][]Button
		for _, m := range res.Suggestions {
			rows = append(rows, []Button{button(label(a.text2(b.byID[m.ID].Question, lang)), cbFAQQuestion, m.ID)})
		}
		rows = append(rows, []Button{button(a.text.Text(t.Lang, "faq.none_of_these"), cbFAQNone, strconv.FormatInt(oid, 10))})
		a.reply(ctx, t, a.text.Text(t.Lang, "faq.suggest"), keyboard(rows...))
		return nil
	}
	uid, err := store.RecordUnanswered(ctx, t.Tx, a.pack.ID, norm, dialogs.MaskDigits(text), t.Lang, "nomatch", "")
	if err != nil {
		return err
	}
	a.reply(ctx, t, a.noAnswer(t.Lang), a.offerPerson(t.Lang, "n:"+a.seal(t.User.ID, strconv.FormatInt(uid, 10))))
	return nil
}

// onNoneFits answers «none of these»: the question goes to the editors
// with the suggestions that missed, and the way to a person carries it.
// A button from an offer that is gone (replaced by a newer one, or tapped
// before) still offers the person, without the question.
func (a *App) onNoneFits(ctx context.Context, t *Turn, msgID int, arg string) error {
	id, _ := strconv.ParseInt(arg, 10, 64)
	offer, err := store.TakeOffer(ctx, t.Tx, a.pack.ID, t.Chat, id)
	if errors.Is(err, store.ErrNotFound) {
		a.show(ctx, t, msgID, a.noAnswer(t.Lang), a.offerPerson(t.Lang, "m"))
		return nil
	}
	if err != nil {
		return err
	}
	uid, err := store.RecordNoneFits(ctx, t.Tx, a.pack.ID, offer)
	if err != nil {
		return err
	}
	a.show(ctx, t, msgID, a.noAnswer(t.Lang), a.offerPerson(t.Lang, "n:"+a.seal(t.User.ID, strconv.FormatInt(uid, 10))))
	return nil
}

// noAnswer says there is no ready answer, and points to the operator
// button when there is one: it never says the question was passed on.
func (a *App) noAnswer(lang string) string {
	if a.cfg.StaffChatID == 0 {
		return a.text.Text(lang, "faq.no_answer_menu")
	}
	return a.text.Text(lang, "faq.no_answer")
}

// answerSmallTalk replies to a greeting, thanks, «ок» or an emoji with a
// short word and the menu; it is not a question, so nothing is recorded.
func (a *App) answerSmallTalk(ctx context.Context, t *Turn, text string) bool {
	kind := dialogs.SmallTalk(text)
	if kind == "" {
		return false
	}
	a.reply(ctx, t, a.text.Text(t.Lang, "smalltalk."+kind), a.menuKeyboard(t.Lang))
	return true
}

// offerPerson is the way to a moderator, with the menu under it.
func (a *App) offerPerson(lang, arg string) *Keyboard {
	kb := a.menuKeyboard(lang)
	if a.cfg.StaffChatID == 0 {
		return kb
	}
	// The menu's own «ask a person» goes: this one, first, carries what
	// the person asked; one such button on a message is enough.
	rows := [][]Button{{button(a.text.Text(lang, "ticket.ask_person"), cbOperator, arg)}}
	for _, row := range kb.InlineKeyboard {
		if len(row) == 1 && row[0].CallbackData == callbackData(cbOperator, "m") {
			continue
		}
		rows = append(rows, row)
	}
	kb.InlineKeyboard = rows
	return kb
}
