package bot

import (
	"context"
	"html"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/bottest"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

func (h *harness) answerOf(id, lang string) string {
	h.t.Helper()
	pack := h.cfg.Pack
	if pack == "" {
		pack = "hsc"
	}
	e, err := store.FAQEntry(context.Background(), h.st.DB(), pack, id)
	if err != nil {
		h.t.Fatalf("entry %s: %v", id, err)
	}
	return e.Answer[lang]
}

func TestFAQBrowseAnswerAndThumbsDown(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9001, lang: "uk"}
	h.says(p, "/menu")
	menu := h.nth(p.id, 1)
	if !hasButton(menu, "m:faq") {
		t.Fatalf("the menu has no FAQ: %s", menu.ReplyMarkup)
	}
	h.taps(p, menu, "m:faq")
	h.settle()
	topics := h.srv.Messages(p.id)[0]
	if topics.Text != h.text.Text("uk", "faq.topics") || !hasButton(topics, "fc:booking:0") {
		t.Fatalf("topics, edited in place: %q %s", topics.Text, topics.ReplyMarkup)
	}
	h.taps(p, topics, "fc:booking:0")
	h.settle()
	questions := h.srv.Messages(p.id)[0]
	if !hasButton(questions, "fq:booking_online") || !hasButton(questions, "fr:") {
		t.Fatalf("booking questions: %q %s", questions.Text, questions.ReplyMarkup)
	}
	h.taps(p, questions, "fq:booking_online")
	h.settle()
	answer := h.srv.Messages(p.id)[0]
	if !strings.Contains(answer.Text, h.answerOf("booking_online", "uk")) {
		t.Fatalf("the answer shown is %q", answer.Text)
	}
	if !hasButton(answer, "fv:booking_online:u") || !hasButton(answer, "fv:booking_online:d") || !hasButton(answer, "fc:booking:0") {
		t.Errorf("the answer lacks 👍/👎/back: %s", answer.ReplyMarkup)
	}
	if n := len(h.srv.Messages(p.id)); n != 1 {
		t.Errorf("browsing left %d messages; it should edit one in place", n)
	}
	h.taps(p, answer, "fv:booking_online:d")
	if got := h.nth(p.id, 2).Text; got != h.text.Text("uk", "faq.downvoted") {
		t.Errorf("after 👎: %q", got)
	}
	h.taps(p, answer, "fv:booking_online:d") // a double tap
	h.settle()
	if up, down, _ := store.VoteCounts(context.Background(), h.st.DB(), "hsc", "booking_online"); up != 0 || down != 1 {
		t.Errorf("votes: %d up, %d down; want one 👎", up, down)
	}
	if hasButton(h.srv.Messages(p.id)[0], "fv:booking_online:d") {
		t.Error("the vote buttons stayed after voting")
	}
	top, _ := store.TopUnanswered(context.Background(), h.st.DB(), "hsc", 5)
	if len(top) != 1 || top[0].Reason != "downvote" || top[0].EntryID != "booking_online" {
		t.Errorf("unanswered after 👎: %+v", top)
	}
	h.noRejects()
}

func TestFAQFreeText(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9101, lang: "ru"}
	// A confident match: answered at once, in the person's language.
	h.says(p, "права загубив что делать")
	m := h.nth(p.id, 1)
	if !strings.Contains(m.Text, h.answerOf("lost_licence", "ru")) {
		t.Fatalf("free text got %q, want the lost-licence answer", m.Text)
	}
	// A vague one: suggestions, then a pick.
	h.says(p, "права")
	s := h.nth(p.id, 2)
	if s.Text != h.text.Text("ru", "faq.suggest") || noneOfThese(s) == "" {
		t.Fatalf("a vague question got %q %s", s.Text, s.ReplyMarkup)
	}
	pick := s.Buttons()[0][0].CallbackData
	if !strings.HasPrefix(pick, "fq:") {
		t.Fatalf("first suggestion is %q", pick)
	}
	h.taps(p, s, pick)
	h.settle()
	id := strings.TrimPrefix(pick, "fq:")
	if got := h.srv.Messages(p.id)[1].Text; !strings.Contains(got, h.answerOf(id, "ru")) {
		t.Errorf("the picked suggestion shows %q", got)
	}
	// Nothing: a clear message, and the question is kept for staff.
	h.says(p, "какая погода в Киеве завтра 0671234567")
	if got := h.nth(p.id, 3).Text; got != h.text.Text("ru", "faq.no_answer") {
		t.Errorf("an off-topic question got %q", got)
	}
	h.settle()
	top, _ := store.TopUnanswered(context.Background(), h.st.DB(), "hsc", 5)
	if len(top) != 1 || top[0].Reason != "nomatch" || strings.Contains(top[0].Sample, "1234567") {
		t.Errorf("unanswered: %+v (the phone number must be masked)", top)
	}
	h.noRejects()
}

func TestStaffEditRollbackAndRefusal(t *testing.T) {
	const adminID = 9201
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	citizen := person{id: 9202, lang: "uk"}
	old := h.answerOf("lost_licence", "uk")

	// A citizen cannot edit, even with a crafted button.
	h.says(citizen, "/unanswered")
	if got := h.nth(citizen.id, 1).Text; got != h.text.Text("uk", "staff.only") {
		t.Errorf("a citizen's /unanswered: %q", got)
	}
	h.taps(citizen, h.nth(citizen.id, 1), "fe:f:lost_licence:a:uk")
	h.says(citizen, "Зламана відповідь")
	h.nth(citizen.id, 2)
	h.settle()
	if got := h.answerOf("lost_licence", "uk"); got != old {
		t.Fatalf("a citizen changed the answer to %q", got)
	}

	// The admin edits the answer field by field.
	h.says(admin, "/faq")
	top := h.nth(admin.id, 1)
	if !strings.Contains(top.Text, "Редагування") {
		t.Fatalf("/faq for an admin: %q", top.Text)
	}
	h.taps(admin, top, "fe:e:lost_licence")
	h.settle()
	card := h.srv.Messages(admin.id)[0]
	if !hasButton(card, "fe:f:lost_licence:a:uk") {
		t.Fatalf("the entry card: %q %s", card.Text, card.ReplyMarkup)
	}
	h.taps(admin, card, "fe:f:lost_licence:a:uk")
	h.nth(admin.id, 2) // the prompt
	h.says(admin, "Нова відповідь <b>без закриття")
	if got := h.nth(admin.id, 3).PlainText; !strings.HasPrefix(got, "Схоже, у відповіді є HTML-теги") || !strings.Contains(got, "</b>") {
		t.Errorf("broken HTML from staff: %q", got)
	}
	h.says(admin, "Нова відповідь: <b>звертайтеся до ТСЦ</b>")
	saved := h.nth(admin.id, 4)
	if !strings.Contains(saved.Text, h.text.Text("uk", "faqedit.saved")) {
		t.Fatalf("after the edit: %q", saved.Text)
	}
	h.settle()

	h.says(citizen, "загубив права")
	if got := h.nth(citizen.id, 3).Text; !strings.Contains(got, "Нова відповідь: <b>звертайтеся до ТСЦ</b>") {
		t.Errorf("the citizen got %q, want the new answer", got)
	}

	// Roll the edit back from the history.
	h.taps(admin, saved, "fe:r:lost_licence")
	h.settle()
	history := h.srv.Messages(admin.id)[3]
	undo := history.Buttons()[0][0].CallbackData
	if !strings.HasPrefix(undo, "fe:R:") || !strings.Contains(history.Text, `<a href="tg://user?id=9201">Олена</a>`) {
		t.Fatalf("history, by name: %q %s", history.Text, history.ReplyMarkup)
	}
	// In the pack's time (Kyiv), as a clock there reads, not UTC.
	if local := time.Now().In(h.app.Pack.Hours().Location()).Format("02.01.2006"); !strings.Contains(history.Text, local) || strings.Contains(history.Text, "UTC") {
		t.Errorf("history times: %q; want the date %s in Kyiv's time", history.Text, local)
	}
	// The import that made the entry has no undo: that would delete it.
	made, _ := store.FAQRevisions(context.Background(), h.st.DB(), "hsc", "lost_licence", 10)
	for _, r := range made {
		if r.Before == nil && hasButton(history, "fe:R:"+strconv.FormatInt(r.ID, 10)) {
			t.Errorf("the history offers to undo #%d (%s), which would delete the entry: %s", r.ID, r.Action, history.ReplyMarkup)
		}
	}
	h.taps(admin, history, undo)
	h.settle()
	if got := h.answerOf("lost_licence", "uk"); got != old {
		t.Fatalf("after the rollback the answer is %q", got)
	}
	h.says(citizen, "загубив права")
	if got := h.nth(citizen.id, 4).Text; !strings.Contains(got, old) {
		t.Errorf("after the rollback the citizen got %q", got)
	}
	revs, _ := store.FAQRevisions(context.Background(), h.st.DB(), "hsc", "lost_licence", 10)
	if len(revs) != 3 || revs[0].Action != store.ActionRollback || revs[1].Action != store.ActionEdit || revs[1].Actor != adminID {
		t.Errorf("revisions: %+v", revs)
	}
	h.noRejects()
}

func TestStaffAnswerWithTelegramFormatting(t *testing.T) {
	got := tg.EntitiesToHTML("Увага: <не> & важливо", nil)
	if got != "Увага: &lt;не&gt; &amp; важливо" {
		t.Errorf("plain text: %q", got)
	}
	if _, _, err := dialogs.ParseHTML(got); err != nil {
		t.Errorf("escaped text does not parse: %v", err)
	}
	// Offsets count UTF-16 units: the emoji takes two.
	text := "😀 Запис: тут і код"
	ents := []models.MessageEntity{
		{Type: models.MessageEntityTypeBold, Offset: 3, Length: 6},
		{Type: models.MessageEntityTypeItalic, Offset: 3, Length: 5},
		{Type: models.MessageEntityTypeTextLink, Offset: 10, Length: 3, URL: "https://e.gov.ua/?a=1&b=2"},
		{Type: models.MessageEntityTypeCode, Offset: 16, Length: 3},
		{Type: models.MessageEntityTypeMention, Offset: 0, Length: 2},
	}
	got = tg.EntitiesToHTML(text, ents)
	want := `😀 <b><i>Запис</i>:</b> <a href="https://e.gov.ua/?a=1&amp;b=2">тут</a> і <code>код</code>`
	if got != want {
		t.Errorf("formatted text:\n got %s\nwant %s", got, want)
	}
	if _, _, err := dialogs.ParseHTML(got); err != nil {
		t.Errorf("formatted text does not parse: %v", err)
	}
}

// An edit made anywhere reaches every process's matcher through
// LISTEN/NOTIFY, without a restart.
func TestFAQChangeReachesEveryProcess(t *testing.T) {
	h := newHarness(t)
	other, err := New(h.cfg, h.st, h.text, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- other.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-other.Ready()

	const phrase = "де зелений слон видає посвідчення"
	for _, app := range []*App{h.app, other} {
		if got := app.Book().Index.Ask(phrase).Best; got == "lost_licence" {
			t.Fatalf("the phrase matches before the edit")
		}
	}
	e, _ := store.FAQEntry(ctx, h.st.DB(), "hsc", "lost_licence")
	e.Phrasings["uk"] = append(e.Phrasings["uk"], phrase)
	if err := h.st.InTx(ctx, func(tx *sqlx.Tx) error {
		return store.SaveFAQEntry(ctx, tx, "hsc", e, store.ActionEdit, 1)
	}); err != nil {
		t.Fatal(err)
	}
	for i, app := range []*App{h.app, other} {
		deadline := time.Now().Add(5 * time.Second)
		for app.Book().Index.Ask(phrase).Best != "lost_licence" {
			if time.Now().After(deadline) {
				t.Fatalf("process %d did not pick up the new phrasing", i+1)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// An entry staff hide leaves the citizens' list of its topic at once and
// stays in the editor's, marked as hidden.
func TestHiddenEntryLeavesTheCitizensList(t *testing.T) {
	const adminID = 9301
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	citizen := person{id: 9302, lang: "uk"}
	topicList := func() bottest.Message {
		h.says(citizen, "/menu")
		h.settle()
		menu := h.last(citizen.id)
		h.taps(citizen, menu, "m:faq")
		h.settle()
		h.taps(citizen, h.last(citizen.id), "fc:booking:0")
		h.settle()
		return h.last(citizen.id)
	}
	if list := topicList(); !hasButton(list, "fq:booking_online") {
		t.Fatalf("booking_online is not listed before hiding: %s", list.ReplyMarkup)
	}

	h.says(admin, "/faq")
	h.taps(admin, h.nth(admin.id, 1), "fe:e:booking_online")
	h.settle()
	h.taps(admin, h.last(admin.id), "fe:h:booking_online")
	h.settle()

	if list := topicList(); hasButton(list, "fq:booking_online") || !hasButton(list, "fr:") {
		t.Errorf("the citizens' list after hiding: %s", list.ReplyMarkup)
	}
	h.taps(admin, h.last(admin.id), "fe:c:booking:0")
	h.settle()
	var marked bool
	for _, row := range h.last(admin.id).Buttons() {
		for _, b := range row {
			if b.CallbackData == "fe:e:booking_online" {
				marked = strings.HasPrefix(b.Text, "🙈")
			}
		}
	}
	if !marked {
		t.Errorf("the editor's list does not show booking_online as hidden: %s", h.last(admin.id).ReplyMarkup)
	}
	h.noRejects()
}

// noneOfThese is the callback data of the «none of these» button under
// suggestions, or "".
func noneOfThese(m bottest.Message) string {
	for _, row := range m.Buttons() {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, "fn:") {
				return b.CallbackData
			}
		}
	}
	return ""
}

// Small talk gets a short friendly word and the menu, in the person's
// language; it is not an unanswered question, and nobody is told it was
// passed on.
func TestSmallTalkIsNotAQuestion(t *testing.T) {
	h := newHarness(t)
	uk, ru := person{id: 9111, lang: "uk"}, person{id: 9112, lang: "ru"}
	n := map[int64]int{}
	for _, c := range []struct {
		p          person
		text, kind string
	}{
		{uk, "дякую", "thanks"},
		{uk, "Привіт!", "greeting"},
		{uk, "ок", "ack"},
		{uk, "?", "empty"},
		{ru, "спасибо", "thanks"},
		{ru, "👍", "ack"}, {ru, "🤔", "empty"},
	} {
		h.says(c.p, c.text)
		n[c.p.id]++
		m := h.nth(c.p.id, n[c.p.id])
		if m.Text != h.text.Text(c.p.lang, "smalltalk."+c.kind) || !hasButton(m, "m:faq") {
			t.Errorf("%q got %q %s; want the %s reply with the menu", c.text, m.Text, m.ReplyMarkup, c.kind)
		}
	}
	h.settle()
	if top, _ := store.TopUnanswered(context.Background(), h.st.DB(), "hsc", 5); len(top) != 0 {
		t.Errorf("small talk landed in /unanswered: %+v", top)
	}
	h.noRejects()
}

// «None of these» after suggestions keeps the question for the editors
// with the suggestions that missed, and the operator button from there
// opens a ticket whose card shows that question.
func TestNoneOfTheseKeepsTheQuestion(t *testing.T) {
	const adminID = 9122
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	p := person{id: 9121, lang: "ru"}
	h.says(p, "права")
	s := h.nth(p.id, 1)
	none := noneOfThese(s)
	if s.Text != h.text.Text("ru", "faq.suggest") || none == "" {
		t.Fatalf("a vague question got %q %s; want suggestions", s.Text, s.ReplyMarkup)
	}
	var offered []string
	for _, row := range s.Buttons() {
		if id, ok := strings.CutPrefix(row[0].CallbackData, "fq:"); ok {
			offered = append(offered, id)
		}
	}
	h.settle()
	if top, _ := store.TopUnanswered(context.Background(), h.st.DB(), "hsc", 5); len(top) != 0 {
		t.Errorf("suggestions alone landed in /unanswered: %+v", top)
	}

	h.taps(p, s, none)
	h.settle()
	got := h.last(p.id) // the suggestions, replaced
	if got.Text != h.text.Text("ru", "faq.no_answer") {
		t.Errorf("«none of these» shows %q", got.Text)
	}
	top, _ := store.TopUnanswered(context.Background(), h.st.DB(), "hsc", 5)
	if len(top) != 1 || top[0].Sample != "права" || top[0].Reason != "none" || top[0].Suggestions != strings.Join(offered, " ") {
		t.Fatalf("/unanswered after «none of these»: %+v; want «права» with %v", top, offered)
	}
	// The button carries the question's id, sealed to this citizen.
	op := ""
	for _, row := range got.Buttons() {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, "op:n:"+strconv.FormatInt(top[0].ID, 10)+".") {
				op = b.CallbackData
			}
		}
	}
	if op == "" {
		t.Fatalf("no op:n:%d button under %q: %s", top[0].ID, got.Text, got.ReplyMarkup)
	}

	// The editors see the near misses.
	admin := person{id: adminID, lang: "uk"}
	h.says(admin, "/unanswered")
	list := h.nth(admin.id, 1)
	var titles []string
	for _, id := range offered {
		titles = append(titles, "«"+html.EscapeString(h.app.Pack.Local(h.app.Book().ByID[id].Question, "uk"))+"»")
	}
	if !strings.Contains(list.Text, "«права»") || !strings.Contains(list.Text, strings.Join(titles, ", ")) {
		t.Errorf("/unanswered shows %q; want «права» with %v", list.Text, titles)
	}

	h.taps(p, got, op)
	h.settle()
	topics := h.srv.Topics(staffChat)
	if len(topics) != 1 || !strings.Contains(topics[0].Name, "права") {
		t.Fatalf("staff topics %+v; want one for «права»", topics)
	}
	staff := inThread(h.srv.Messages(staffChat), topics[0].ThreadID)
	if len(staff) == 0 || !strings.Contains(staff[0].Text, "Обращение") && !strings.Contains(staff[0].Text, "Звернення") {
		t.Fatalf("no card in the ticket's topic: %+v", staff)
	}
	var shown bool
	for _, m := range staff {
		shown = shown || strings.Contains(m.Text, "права")
	}
	if !shown {
		t.Errorf("the ticket does not show the question: %+v", staff)
	}
	h.noRejects()
}

// The FAQ editor names an entry by its question, in the editor's language,
// and its topic by the topic's title: on the card, in the history, after
// deleting, and in /unanswered (the answer voted down, the questions
// offered). The id, which only the pack's files use, is the card's last
// line and nowhere else.
func TestFAQEditorNamesEntriesByTheirQuestions(t *testing.T) {
	const adminID = 9231
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	e := h.app.Book().ByID["booking_online"]
	cat, _ := h.app.Pack.Category(e.Category)
	question := html.EscapeString(h.app.Pack.Local(e.Question, "uk"))
	noID := func(what, text string) {
		t.Helper()
		if strings.Contains(text, e.ID) {
			t.Errorf("%s shows the id %s: %q", what, e.ID, text)
		}
	}

	// A Russian-speaking citizen votes the answer down and finds none of
	// the questions offered for «права» fits.
	citizen := person{id: 9232, lang: "ru"}
	h.says(citizen, "/menu")
	h.taps(citizen, h.nth(citizen.id, 1), "fv:"+e.ID+":d")
	h.nth(citizen.id, 2)
	h.says(citizen, "права")
	s := h.nth(citizen.id, 3)
	var offered []string
	for _, row := range s.Buttons() {
		if id, ok := strings.CutPrefix(row[0].CallbackData, "fq:"); ok {
			offered = append(offered, id)
		}
	}
	none := noneOfThese(s)
	if len(offered) == 0 || none == "" {
		t.Fatalf("«права» got %q %s; want suggestions", s.Text, s.ReplyMarkup)
	}
	h.taps(citizen, s, none)
	h.settle()

	h.says(admin, "/unanswered")
	list := h.nth(admin.id, 1).Text
	if !strings.Contains(list, "«"+question+"»") || strings.Contains(list, html.EscapeString(e.Question["ru"])) {
		t.Errorf("/unanswered names the answer voted down otherwise than by its Ukrainian question «%s»: %q", question, list)
	}
	for _, id := range offered {
		q := html.EscapeString(h.app.Pack.Local(h.app.Book().ByID[id].Question, "uk"))
		if !strings.Contains(list, "«"+q+"»") || strings.Contains(list, id) {
			t.Errorf("/unanswered names the offered %s otherwise than «%s»: %q", id, q, list)
		}
	}

	h.says(admin, "/faq")
	h.taps(admin, h.nth(admin.id, 2), "fe:e:"+e.ID)
	h.settle()
	card := h.srv.Messages(admin.id)[1].Text
	body, last, _ := strings.Cut(card, "\n"+h.text.Text("uk", "faqedit.entry_id", map[string]any{"ID": e.ID}))
	if last != "" || body == card {
		t.Errorf("the card does not end with the id's line: %q", card)
	}
	if head, _, _ := strings.Cut(body, "\n"); head != "<b>"+html.EscapeString(h.app.Pack.Local(cat.Title, "uk"))+"</b>" {
		t.Errorf("the card is headed %q; want the topic's title", head)
	}
	if !strings.Contains(body, question) {
		t.Errorf("the card lacks the question «%s»: %q", question, body)
	}
	noID("the card above its last line", body)
	if strings.Contains(body, "· "+e.Category) {
		t.Errorf("the card shows the topic's id %s: %q", e.Category, body)
	}

	h.taps(admin, h.srv.Messages(admin.id)[1], "fe:r:"+e.ID)
	h.settle()
	history := h.srv.Messages(admin.id)[1].Text
	if !strings.HasPrefix(history, h.text.Text("uk", "faqedit.history_title", map[string]any{"Question": question})) {
		t.Errorf("the history is headed otherwise than by «%s»: %q", question, history)
	}
	noID("the history", history)

	h.taps(admin, h.srv.Messages(admin.id)[1], "fe:d:"+e.ID)
	h.settle()
	confirm := h.srv.Messages(admin.id)[1].Text
	if !strings.Contains(confirm, "«"+question+"»") {
		t.Errorf("deleting asks %q; want the question named", confirm)
	}
	noID("the question before deleting", confirm)
	h.taps(admin, h.srv.Messages(admin.id)[1], "fe:D:"+e.ID)
	h.settle()
	deleted := h.srv.Messages(admin.id)[1].Text
	if !strings.Contains(deleted, "«"+question+"»") || deleted != h.text.Text("uk", "faqedit.deleted", map[string]any{"Question": question}) {
		t.Errorf("after deleting: %q; want the question named", deleted)
	}
	noID("the word after deleting", deleted)
	// A deleted entry's history is still named by its question.
	h.taps(admin, h.srv.Messages(admin.id)[1], "fe:r:"+e.ID)
	h.settle()
	if got := h.srv.Messages(admin.id)[1].Text; !strings.Contains(got, "«"+question+"»") {
		t.Errorf("the history of the deleted entry: %q", got)
	}
	h.noRejects()
}

// A topic's list of questions has a way home, «🏠 Меню», beside «⬅️ До тем».
func TestFAQTopicListHasAWayHome(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9121, lang: "uk"}
	h.says(p, "/menu")
	menu := h.nth(p.id, 1)
	h.taps(p, menu, "m:faq")
	h.settle()
	h.taps(p, h.last(p.id), "fc:booking:0")
	h.settle()
	list := h.last(p.id)
	if !hasButton(list, "fr:") || !hasButton(list, "m:menu") {
		t.Fatalf("the topic's list has no way home: %s", list.ReplyMarkup)
	}
	h.taps(p, list, "m:menu")
	h.settle()
	if got := h.last(p.id); got.Text != h.text.Text("uk", "menu.title") || !hasButton(got, "m:faq") {
		t.Errorf("«🏠 Меню» showed %q %s", got.Text, got.ReplyMarkup)
	}
	h.noRejects()
}

// A question is offered only entries it speaks for: «инн» in the MFC pack
// gets the services overview, not «Что делать, если в МФЦ просят деньги
// за ускорение?», which was offered to unrelated words for its prior alone,
// nor to words that moved it by a hair («метро Китай-город», «вопрос по
// документам») or moved every entry alike («hello мфц»).
func TestSuggestionsAreEntriesTheQuestionSpeaksFor(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Pack = "mfc" })
	for i, c := range []struct{ said, want string }{
		{"инн", "mfc_services_overview"},
		{"вопрос по документам", "mfc_documents_general"},
		{"мне нужна справка", "mfc_documents_general"},
		{"метро Китай-город", ""},
		{"hello мфц", ""},
	} {
		p := person{id: int64(13901 + i), lang: "ru"}
		h.says(p, c.said)
		m := h.nth(p.id, 1)
		if c.want != "" && !hasButton(m, turn.CbFAQQuestion+":"+c.want) || hasButton(m, turn.CbFAQQuestion+":mfc_report_corruption") {
			t.Errorf("«%s» is offered: %q %s", c.said, m.Text, m.ReplyMarkup)
		}
	}
	h.noRejects()
}

// Questions citizens typed and got another entry's answer for, or none:
// registering a car (it was the imported-car answer), retaking an exam
// (the practical exam's), a car's papers stolen (re-registration after a
// purchase), where plates are made (individual plates), an extract from the
// real-estate register (in the MFC: nothing, or residence registration).
// Each is answered at once with the entry that answers it.
func TestTypedQuestionsGetTheirOwnAnswer(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ lang, question, want string }{
		{"ru", "как поставить машину на учет", "vreg_overview"},
		{"uk", "перездача іспиту", "exam_attempts"},
		{"uk", "вкрали документи на машину", "vreg_lost_certificate"},
		{"uk", "Де зробити номери на машину?", "plates_overview"},
	} {
		p := person{id: int64(14101 + i), lang: c.lang}
		h.says(p, c.question)
		if got := h.nth(p.id, 1).Text; !strings.Contains(got, h.answerOf(c.want, c.lang)) {
			t.Errorf("«%s» got %q; want the answer of %s", c.question, got, c.want)
		}
	}
	// «Він на мене кричав» after asking how to complain: the complaint
	// entry, where the first suggestion was the one on air-raid alerts.
	p := person{id: 14109, lang: "uk"}
	h.says(p, "як поскаржитися на працівника тсц")
	h.nth(p.id, 1)
	h.says(p, "Він на мене кричав")
	// (Its /report line is left out: this deployment takes no reports.)
	title := "<b>" + html.EscapeString(h.app.Pack.Local(h.app.Book().ByID["complaint_written"].Question, "uk")) + "</b>"
	if got := h.nth(p.id, 2).Text; !strings.HasPrefix(got, title) {
		t.Errorf("«Він на мене кричав» got %q; want the answer of complaint_written", got)
	}
	h.noRejects()

	m := newHarness(t, func(c *Config) { c.Pack = "mfc" })
	p = person{id: 14111, lang: "ru"}
	m.says(p, "выписка из ЕГРН")
	if got := m.nth(p.id, 1).Text; !strings.Contains(got, m.answerOf("mfc_egrn_extract", "ru")) {
		t.Errorf("«выписка из ЕГРН» got %q; want the ЕГРН extract's answer", got)
	}
	m.noRejects()
}

// A bribe told outside /report («інспектор сказав, що без 200 доларів не
// здам») was answered with the entry of whatever else it named (the
// practical exam, a passport): it gets the entry on where to report a
// bribe, with /report in it.
func TestBribeToldOutsideReportGetsTheReportEntry(t *testing.T) {
	for _, c := range []struct{ pack, lang, said, want string }{
		{"hsc", "uk", "Інспектор на практичному іспиті з водіння сказав, що без 200 доларів я не здам", "corruption_report"},
		{"hsc", "uk", "екзаменатор вимагав гроші за теорію", "corruption_report"},
		{"mfc", "ru", "сотрудник сказал что без 5000 рублей загранпаспорт не сделают", "mfc_report_corruption"},
	} {
		h := newHarness(t, func(cfg *Config) { cfg.Pack, cfg.IntegrityChatID = c.pack, integrityChat })
		h.srv.AddChat(models.Chat{ID: integrityChat, Type: models.ChatTypeSupergroup, Title: "Integrity"})
		p := person{id: 14201, lang: c.lang}
		h.says(p, c.said)
		got := h.nth(p.id, 1).Text
		if !strings.Contains(got, h.answerOf(c.want, c.lang)) || !strings.Contains(got, "/report") {
			t.Errorf("«%s» got %q; want the answer of %s, with /report", c.said, got, c.want)
		}
		h.noRejects()
	}
}

// A question of a centre's hours or place that names it by its number
// alone («Який графік роботи центру 8046?») gets that centre's card, where
// it got every centre's usual schedule.
func TestCentreNamedByNumberInAQuestionGetsItsCard(t *testing.T) {
	h := newHarness(t)
	for i, said := range []string{"Який графік роботи центру 8046?", "де знаходиться 8046"} {
		p := person{id: int64(14301 + i), lang: "uk"}
		h.says(p, said)
		if got := h.nth(p.id, 1).Text; !strings.Contains(got, "ТСЦ МВС № 8046") || !strings.Contains(got, "Столичне шосе, 104") {
			t.Errorf("«%s» got %q; want the card of № 8046", said, got)
		}
	}
	h.noRejects()
}

// A town asked after in a short follow-up («а в Білій Церкві?», «в Ірпені
// є?») gets that town's centres as the town typed where the bot asks for
// one does, where it got FAQ suggestions or «no ready answer»: after a
// town's cards, and at the wait for a town.
func TestTownAskedAfterGetsItsCentres(t *testing.T) {
	h := newHarness(t)
	p := person{id: 14401, lang: "uk"}
	h.says(p, "тсц у Вінниці")
	h.settle()
	cards := h.text.Text("uk", "centre.cards_found")
	h.says(p, "а в Білій Церкві?")
	h.settle()
	if got := h.last(p.id).Text; !strings.HasPrefix(got, cards) || !strings.Contains(got, "Біла Церква") {
		t.Errorf("«а в Білій Церкві?» after Vinnytsia's cards: %q", got)
	}
	// Irpin has no centre of the list: the centres nearest it.
	h.says(p, "в Ірпені є?")
	h.settle()
	if got := h.last(p.id).Text; !strings.HasPrefix(got, h.text.Text("uk", "centre.nearest_to_place", map[string]any{"Place": "Ірпінь"})) || !strings.Contains(got, "🏢") {
		t.Errorf("«в Ірпені є?»: %q", got)
	}
	// Asked where the bot waits for a town.
	h.says(p, "/centres")
	h.settle()
	h.says(p, "а у Львові?")
	h.settle()
	if got := h.last(p.id).Text; !strings.Contains(got, cards) || !strings.Contains(got, "Львів") {
		t.Errorf("«а у Львові?» at the wait for a town: %q", got)
	}
	// A day, not a town: no centres.
	h.says(p, "а в суботу?")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "🏢") {
		t.Errorf("«а в суботу?» was taken for a town: %q", got)
	}
	h.noRejects()
}
