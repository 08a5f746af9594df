package citizen

import (
	"context"
	"errors"
	"html"
	"strconv"
	"strings"

	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

// onFAQBrowse shows the topics.
func (a *Citizens) showFAQTopics(ctx context.Context, t *turn.Turn, msgID int) {
	b := a.Book()
	lang := a.ContentLang(t.Lang)
	var topics []tg.Button
	for _, c := range b.Pack.Categories {
		if turn.CountVisible(b, c.ID) == 0 {
			continue
		}
		topics = append(topics, tg.CallbackButton(a.Pack.Local(c.Title, lang), turn.CbFAQCategory, c.ID+":0"))
	}
	rows := tg.PairUp(topics, tg.ShortLabel)
	rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.menu"), turn.CbMenu, "menu")})
	a.Show(ctx, t, msgID, a.Text.Text(t.Lang, "faq.topics"), tg.NewKeyboard(rows...))
}

// showFAQCategory lists a topic's questions, a page at a time.
func (a *Citizens) showFAQCategory(ctx context.Context, t *turn.Turn, msgID int, category string, page int) {
	cat, list, ok := a.CategoryEntries(ctx, t, category, false)
	if !ok {
		return
	}
	lang := a.ContentLang(t.Lang)
	from, until, nav := tg.Paged(len(list), turn.FAQPage, page, func(p int) (string, string) {
		return turn.CbFAQCategory, category + ":" + strconv.Itoa(p)
	})
	var rows [][]tg.Button
	for _, e := range list[from:until] {
		rows = append(rows, []tg.Button{tg.CallbackButton(turn.Label(a.Pack.Local(e.Question, lang)), turn.CbFAQQuestion, e.ID)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows, []tg.Button{
		tg.CallbackButton(a.Text.Text(t.Lang, "nav.topics"), turn.CbFAQRoot, ""),
		tg.CallbackButton(a.Text.Text(t.Lang, "nav.menu"), turn.CbMenu, "menu"),
	})
	title := "<b>" + html.EscapeString(a.Pack.Local(cat.Title, lang)) + "</b>\n" + a.Text.Text(t.Lang, "faq.pick")
	a.Show(ctx, t, msgID, title, tg.NewKeyboard(rows...))
}

// townTyped is how many people a settlement typed alone, outside any
// question of place, must have to be taken for one.
const townTyped = 10000

// showAnswer shows an entry's answer with 👍/👎, read fresh from the
// database so that a staff edit shows at once.
func (a *Citizens) showAnswer(ctx context.Context, t *turn.Turn, msgID int, id string) error {
	e, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && e.Hidden {
		a.Ack(ctx, t, "")
		a.Reply(ctx, t, a.Text.Text(t.Lang, "faq.gone"), a.MenuKeyboard(t.Lang))
		return nil
	}
	if err != nil {
		return err
	}
	a.Ack(ctx, t, "")
	if e.Action == dialogs.ActionFindCentre {
		return a.askWhere(ctx, t, e)
	}
	a.Show(ctx, t, msgID, a.RenderAnswer(e, t.Lang), a.AnswerKeyboard(e, t.Lang, true))
	return nil
}

// OnFAQButton follows the citizen's FAQ buttons.
func (a *Citizens) OnFAQButton(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	action, arg := tg.ParseCallback(u.CallbackQuery.Data)
	msgID := tg.CallbackMessageID(u)
	switch action {
	case turn.CbFAQRoot:
		a.Ack(ctx, t, "")
		a.showFAQTopics(ctx, t, msgID)
	case turn.CbFAQCategory:
		cat, p, _ := strings.Cut(arg, ":")
		page, _ := strconv.Atoi(p)
		a.Ack(ctx, t, "")
		a.showFAQCategory(ctx, t, msgID, cat, page)
	case turn.CbFAQQuestion:
		if err := a.showAnswer(ctx, t, msgID, arg); err != nil {
			return err
		}
	case turn.CbFAQVote:
		id, v, _ := strings.Cut(arg, ":")
		if err := a.onVote(ctx, t, msgID, id, v == "u"); err != nil {
			return err
		}
	case turn.CbFAQNone:
		a.Ack(ctx, t, "")
		if err := a.onNoneFits(ctx, t, msgID, arg); err != nil {
			return err
		}
	default:
		a.StaleButton(ctx, t)
	}
	return nil
}

func (a *Citizens) onVote(ctx context.Context, t *turn.Turn, msgID int, id string, up bool) error {
	e, ok := a.Book().ByID[id]
	if !ok {
		a.StaleButton(ctx, t)
		return nil
	}
	vote := -1
	if up {
		vote = 1
	}
	changed, err := store.VoteFAQ(ctx, t.Tx, a.Pack.ID, id, t.User.ID, vote)
	if err != nil {
		return err
	}
	a.Ack(ctx, t, a.Text.Text(t.Lang, "faq.thanks"))
	if !changed {
		return nil // a double tap, or a button pressed again on an old message
	}
	// The vote buttons go; pressing one twice changes nothing anyway.
	a.EditKeyboard(ctx, t, msgID, a.AnswerKeyboard(e, t.Lang, false))
	if up {
		return nil
	}
	q := a.Pack.Local(e.Question, a.ContentLang(t.Lang))
	if _, err := store.RecordUnanswered(ctx, t.Tx, a.Pack.ID, "👎 "+e.ID, q, t.Lang, "downvote", e.ID); err != nil {
		return err
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, "faq.downvoted"), a.offerPerson(t.Lang, "d:"+e.ID))
	return nil
}

// askFAQ answers free text: a confident match at once, a middling one as
// suggestions, nothing as a clear "no ready answer".
func (a *Citizens) askFAQ(ctx context.Context, t *turn.Turn, text string) error {
	if a.answerSmallTalk(ctx, t, text) {
		return nil
	}
	// «хто ви?», «ти бот?»: who answers, and how to reach a person.
	if dialogs.AsksWhoItIs(text) {
		org := a.Text.Text(t.Lang, "org."+a.Cfg.Pack)
		a.Reply(ctx, t, a.Text.Text(t.Lang, "smalltalk.who", map[string]any{"Org": org}), a.MenuKeyboard(t.Lang))
		return nil
	}
	// «оператор», «хочу поговорити з людиною»: what /operator does.
	if dialogs.AsksForPerson(text) {
		return a.askForPerson(ctx, t, "typed", "")
	}
	// «метро Китай-город», «мфц рядом с метро Китай-город»: the list has no metro stations (a district's
	// name, «метро Сокол», finds its office further on).
	if station, ok := dialogs.MetroNamed(text); ok && a.Pack.FoundByDistrict() && len(a.Pack.FindCentres(station)) == 0 {
		return a.askWhereWith(ctx, t, a.Text.Text(t.Lang, "centre.metro"))
	}
	// «коли працює тсц в ізмаїлі», «адреса мрео на перемоги»: the centres'
	// cards answer better than any entry.
	if found := a.Pack.CentresAsked(text); len(found) > 0 {
		a.showCards(ctx, t, found)
		return nil
	}
	// «Який графік роботи центру 8046?»: a centre named by its number; the
	// FAQ would give every centre's usual schedule.
	if found := a.Pack.CentresAskedByNumber(text); len(found) > 0 {
		a.showCards(ctx, t, found)
		return nil
	}
	// «де тсц у Коростишеві»: a town the list has no centre in.
	if dialogs.AsksWhere(text) {
		if pl, ok := a.Pack.PlaceIn(text); ok {
			a.showNearPlace(ctx, t, pl)
			return nil
		}
	}
	// «а в Білій Церкві?», «в Ірпені є?»: a town asked after, answered as
	// the town typed where the bot asks for one.
	if town, ok := dialogs.TownAsked(text); ok && a.showTown(ctx, t, town) {
		return nil
	}
	b := a.Book()
	res := b.VisibleMatches(b.Index.Ask(text))
	if res.Best != "" {
		e := b.ByID[res.Best]
		if fresh, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, e.ID); err == nil {
			e = fresh
		}
		if e.Action == dialogs.ActionFindCentre {
			// «тсц у Львові»: the town is named already; «тсц у
			// Коростишеві», a town the list has no centre in.
			if found := a.Pack.CentresIn(text); len(found) > 0 {
				a.showCards(ctx, t, found)
				return nil
			}
			if pl, ok := a.Pack.PlaceIn(text); ok {
				a.showNearPlace(ctx, t, pl)
				return nil
			}
			if done, err := a.placeUnknown(ctx, t, text); done || err != nil {
				return err
			}
			return a.askWhere(ctx, t, e)
		}
		a.Reply(ctx, t, a.RenderAnswer(e, t.Lang), a.AnswerKeyboard(e, t.Lang, true))
		return nil
	}
	// «Львів», «5154» typed alone: the citizen wants their centre.
	if found := a.Pack.TownTyped(text); len(found) > 0 {
		a.showCards(ctx, t, found)
		return nil
	}
	// «ТСЦ в Белой Церкви»: a centre and a town with centres, named in a
	// case or a language the gazetteer has not; «в Санкт-Петербурге есть
	// мфц?», a town the list has no centre in.
	if dialogs.NamesCentre(text) {
		if found := a.Pack.TownIn(text); len(found) > 0 {
			a.showCards(ctx, t, found)
			return nil
		}
		if pl, ok := a.Pack.PlaceIn(text); ok && pl.Population >= townTyped {
			a.showNearPlace(ctx, t, pl)
			return nil
		}
		if done, err := a.placeUnknown(ctx, t, text); done || err != nil {
			return err
		}
	}
	// «Умань», «Коростишів»: a settlement; its centres if the list names
	// them loosely, else the centres nearest it.
	// Typed with nothing asked before, only a town of some size is taken
	// for one: «Сергій», «Маяк» and «Перемога» are villages too.
	if pl, ok := a.Pack.PlaceNamed(text); ok && pl.Population >= townTyped && !dialogs.LooksLikeQuestion(text) {
		if found := a.Pack.FindCentres(text); len(found) > 0 {
			a.showCards(ctx, t, found)
		} else if found := a.Pack.TownIn(text); len(found) > 0 {
			a.showCards(ctx, t, found) // «в Одесі»
		} else {
			a.showNearPlace(ctx, t, pl)
		}
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
		oid, err := store.RecordOffer(ctx, t.Tx, a.Pack.ID, t.Chat, offer)
		if err != nil {
			return err
		}
		lang := a.ContentLang(t.Lang)
		var rows [][]tg.Button
		for _, m := range res.Suggestions {
			rows = append(rows, []tg.Button{tg.CallbackButton(turn.Label(a.Pack.Local(b.ByID[m.ID].Question, lang)), turn.CbFAQQuestion, m.ID)})
		}
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "faq.none_of_these"), turn.CbFAQNone, strconv.FormatInt(oid, 10))})
		a.Reply(ctx, t, a.Text.Text(t.Lang, "faq.suggest"), tg.NewKeyboard(rows...))
		return nil
	}
	uid, err := store.RecordUnanswered(ctx, t.Tx, a.Pack.ID, norm, dialogs.MaskDigits(text), t.Lang, "nomatch", "")
	if err != nil {
		return err
	}
	a.Reply(ctx, t, a.noAnswer(t.Lang), a.offerPerson(t.Lang, "n:"+a.Seal(t.User.ID, strconv.FormatInt(uid, 10))))
	return nil
}

// showTown answers with a town's centres, as where the bot asks for a town:
// those of the list's town it names (in any case, or a typo away), else the
// centres nearest a settlement the gazetteer knows. false when the words
// are no town.
func (a *Citizens) showTown(ctx context.Context, t *turn.Turn, town string) bool {
	if found := a.Pack.FindCentres(town); len(found) > 0 {
		a.showCards(ctx, t, found)
		return true
	}
	if found := a.Pack.TownIn(town); len(found) > 0 {
		a.showCards(ctx, t, found)
		return true
	}
	if pl, ok := a.Pack.PlaceNamed(town); ok && pl.Population > 0 {
		a.showNearPlace(ctx, t, pl)
		return true
	}
	return false
}

// onNoneFits answers «none of these»: the question goes to the editors
// with the suggestions that missed, and the way to a person carries it.
// A button from an offer that is gone (replaced by a newer one, or tapped
// before) still offers the person, without the question.
func (a *Citizens) onNoneFits(ctx context.Context, t *turn.Turn, msgID int, arg string) error {
	id, _ := strconv.ParseInt(arg, 10, 64)
	offer, err := store.TakeOffer(ctx, t.Tx, a.Pack.ID, t.Chat, id)
	if errors.Is(err, store.ErrNotFound) {
		a.Show(ctx, t, msgID, a.noAnswer(t.Lang), a.offerPerson(t.Lang, "m"))
		return nil
	}
	if err != nil {
		return err
	}
	uid, err := store.RecordNoneFits(ctx, t.Tx, a.Pack.ID, offer)
	if err != nil {
		return err
	}
	a.Show(ctx, t, msgID, a.noAnswer(t.Lang), a.offerPerson(t.Lang, "n:"+a.Seal(t.User.ID, strconv.FormatInt(uid, 10))))
	return nil
}

// noAnswer says there is no ready answer, and points to the operator
// button when there is one: it never says the question was passed on.
func (a *Citizens) noAnswer(lang string) string {
	if a.Cfg.StaffChatID == 0 {
		return a.Text.Text(lang, "faq.no_answer_menu")
	}
	return a.Text.Text(lang, "faq.no_answer")
}

// answerSmallTalk replies to a greeting, thanks, «ок» or an emoji with a
// short word and the menu; it is not a question, so nothing is recorded.
func (a *Citizens) answerSmallTalk(ctx context.Context, t *turn.Turn, text string) bool {
	kind := dialogs.SmallTalk(text)
	if kind == "" {
		return false
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, "smalltalk."+kind), a.MenuKeyboard(t.Lang))
	return true
}

// offerPerson is the way to a moderator, with the menu under it.
func (a *Citizens) offerPerson(lang, arg string) *tg.Keyboard {
	kb := a.MenuKeyboard(lang)
	if a.Cfg.StaffChatID == 0 {
		return kb
	}
	// The menu's own «ask a person» goes: this one, first, carries what
	// the person asked; one such button on a message is enough.
	rows := [][]tg.Button{{tg.CallbackButton(a.Text.Text(lang, "ticket.ask_person"), turn.CbOperator, arg)}}
	for _, row := range kb.InlineKeyboard {
		if len(row) == 1 && row[0].CallbackData == tg.CallbackData(turn.CbOperator, "m") {
			continue
		}
		rows = append(rows, row)
	}
	kb.InlineKeyboard = rows
	return kb
}

// OnFAQCommand shows staff the editor and citizens the topics.
func (a *Citizens) OnFAQCommand(ctx context.Context, t *turn.Turn) error {
	if a.IsAdmin(ctx, t.User.ID) {
		return a.edit.OnFAQ(ctx, t)
	}
	a.showFAQTopics(ctx, t, 0)
	return nil
}
