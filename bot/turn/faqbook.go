package turn

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"sync/atomic"

	"github.com/jmoiron/sqlx"

	"servicebot/bot/tg"
	"servicebot/dialogs"
	"servicebot/store"
)

// Book is one version of the pack with its live FAQ and the index built
// from it. It is replaced whole when the FAQ changes.
type Book struct {
	Pack  *dialogs.Pack
	Index *dialogs.Index
	ByID  map[string]dialogs.Entry
}

const FAQPage = 8

type faqHolder struct{ p atomic.Pointer[Book] }

// PrepareFAQ loads the pack and its live FAQ; the first run of a database
// imports the FAQ from the pack's files. Later changes arrive by NOTIFY.
func (a *Env) PrepareFAQ(ctx context.Context) error {
	pack, err := dialogs.LoadShippedPack(a.Cfg.Pack)
	if err != nil {
		return fmt.Errorf("bot: content pack %q: %w", a.Cfg.Pack, err)
	}
	for _, p := range dialogs.Validate(pack) {
		a.Log.Warn("content pack problem", "problem", p.String())
	}
	a.Pack = pack
	has, err := a.St.HasFAQ(ctx, pack.ID)
	if err != nil {
		return err
	}
	if !has {
		added, _, _, err := a.St.ImportFAQ(ctx, pack.ID, pack.Entries, 0)
		if err != nil {
			return err
		}
		a.Log.Info("imported the FAQ from the pack", "pack", pack.ID, "entries", added)
	}
	if err := a.ReloadFAQ(ctx); err != nil {
		return err
	}
	notes, err := a.St.Listen(ctx, store.FAQChannel)
	if err != nil {
		return err
	}
	go func() {
		for range notes {
			if err := a.ReloadFAQ(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("cannot reload the FAQ", "err", err)
			}
		}
	}()
	return nil
}

// ReloadFAQ reads the live FAQ again and trains a new index on it.
func (a *Env) ReloadFAQ(ctx context.Context) error {
	entries, err := store.FAQEntries(ctx, a.St.DB(), a.Pack.ID)
	if err != nil {
		return err
	}
	p := *a.Pack
	p.Entries = entries
	b := &Book{Pack: &p, ByID: map[string]dialogs.Entry{}}
	for _, e := range entries {
		b.ByID[e.ID] = e
	}
	// The lists change at once; the index, which takes a while to train,
	// follows. Until then the old one answers, and what it names that is
	// now hidden or gone is not shown (see visibleMatches).
	if old := a.Book(); old != nil {
		soon := *b
		soon.Index = old.Index
		a.faq.p.Store(&soon)
	}
	b.Index = dialogs.NewIndex(entries, p.Matching)
	a.faq.p.Store(b)
	return nil
}

// VisibleMatches drops from res what the book does not show: an index
// trained before an entry was hidden or deleted may still name it.
func (b *Book) VisibleMatches(res dialogs.Result) dialogs.Result {
	shown := func(id string) bool {
		e, ok := b.ByID[id]
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

// Best is the entry the live FAQ answers text with at once, if any.
func (b *Book) Best(text string) (dialogs.Entry, bool) {
	e, ok := b.ByID[b.VisibleMatches(b.Index.Ask(text)).Best]
	return e, ok
}

// BestAnswer is Book().Best read fresh from the database, so that a staff
// edit shows at once (the book's copy when the row is gone).
func (a *Env) BestAnswer(ctx context.Context, q sqlx.QueryerContext, text string) (dialogs.Entry, bool, error) {
	e, ok := a.Book().Best(text)
	if !ok {
		return e, false, nil
	}
	fresh, err := store.FAQEntry(ctx, q, a.Pack.ID, e.ID)
	switch {
	case err == nil:
		return fresh, true, nil
	case errors.Is(err, store.ErrNotFound):
		return e, true, nil
	}
	return e, false, err
}

// Book is the live FAQ: the pack with its entries and the index.
func (a *Env) Book() *Book { return a.faq.p.Load() }

// ContentLang is the language to show pack content in: the person's, or the
// pack's first language when the pack does not speak theirs.
func (a *Env) ContentLang(lang string) string {
	if a.Pack.Speaks(lang) {
		return lang
	}
	return a.Pack.Languages[0]
}

// CountVisible is how many entries of a category citizens see.
func CountVisible(b *Book, category string) int {
	n := 0
	for _, e := range b.Pack.Entries {
		if e.Category == category && !e.Hidden {
			n++
		}
	}
	return n
}

// CategoryEntries finds a topic of the live FAQ and its entries, hidden
// ones too for staff. A topic that is gone was on a stale button: that is
// answered, and ok is false.
func (a *Env) CategoryEntries(ctx context.Context, t *Turn, category string, hidden bool) (cat dialogs.Category, list []dialogs.Entry, ok bool) {
	b := a.Book()
	if cat, ok = b.Pack.Category(category); !ok {
		a.StaleButton(ctx, t)
		return cat, nil, false
	}
	for _, e := range b.Pack.Entries {
		if e.Category == category && (hidden || !e.Hidden) {
			list = append(list, e)
		}
	}
	return cat, list, true
}

// Label fits a question on a button.
func Label(s string) string {
	r := []rune(s)
	if len(r) <= 60 {
		return s
	}
	return strings.TrimSpace(string(r[:59])) + "…"
}

// RenderAnswer is an entry's question, answer and links, in the
// person's language or the pack's; an answer's offer of /report is shown
// only where the bot takes reports, and of /operator only where moderators
// answer.
func (a *Env) RenderAnswer(e dialogs.Entry, userLang string) string {
	lang := a.ContentLang(userLang)
	var b strings.Builder
	b.WriteString("<b>" + html.EscapeString(a.Pack.Local(e.Question, lang)) + "</b>\n\n")
	answer := a.Pack.Local(e.Answer, lang)
	if a.Cfg.IntegrityChatID == 0 {
		// /report would say it takes no reports: the answer does not offer it.
		answer = dialogs.WithoutCommand(answer, "/report")
	}
	if !a.Offers("operator") {
		// Nor /operator where no moderator reads requests.
		answer = dialogs.WithoutCommand(dialogs.WithoutCommand(answer, "/operator"), "/reopen")
	}
	b.WriteString(answer)
	for i, l := range e.Links {
		if i == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "\n🔗 <a href=\"%s\">%s</a>", html.EscapeString(l.URL), html.EscapeString(a.Pack.Local(l.Title, lang)))
	}
	return b.String()
}

// AnswerKeyboard is an answer's buttons: 👍/👎 (when votes), related
// entries, the topic and the menu.
func (a *Env) AnswerKeyboard(e dialogs.Entry, userLang string, votes bool) *tg.Keyboard {
	lang := a.ContentLang(userLang)
	var rows [][]tg.Button
	if votes {
		rows = append(rows, []tg.Button{
			tg.CallbackButton(a.Text.Text(userLang, "faq.helpful"), CbFAQVote, e.ID+":u"),
			tg.CallbackButton(a.Text.Text(userLang, "faq.unhelpful"), CbFAQVote, e.ID+":d"),
		})
	}
	b := a.Book()
	for _, r := range e.Related {
		if len(rows) >= 3 {
			break
		}
		if rel, ok := b.ByID[r]; ok && !rel.Hidden {
			rows = append(rows, []tg.Button{tg.CallbackButton("➡️ "+Label(a.Pack.Local(rel.Question, lang)), CbFAQQuestion, rel.ID)})
		}
	}
	rows = append(rows, []tg.Button{
		tg.CallbackButton(a.Text.Text(userLang, "nav.topic"), CbFAQCategory, e.Category+":0"),
		tg.CallbackButton(a.Text.Text(userLang, "nav.menu"), CbMenu, "menu"),
	})
	return tg.NewKeyboard(rows...)
}
