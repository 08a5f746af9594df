package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/turn"
	"servicebot/store"
)

func (h *harness) welcomeIn(lang string) string {
	return h.text.Text(lang, "welcome", map[string]any{"Org": h.text.Text(lang, "org.hsc")})
}

func TestLanguageFromTelegramCode(t *testing.T) {
	h := newHarness(t)
	uk := person{id: 1001, lang: "uk"}
	ru := person{id: 1002, lang: "ru-RU"}
	h.says(uk, "/start")
	h.says(ru, "/start")

	if got := h.nth(uk.id, 1).Text; got != h.welcomeIn("uk") {
		t.Errorf("a uk user got %q, want the Ukrainian welcome %q", got, h.welcomeIn("uk"))
	}
	if !strings.Contains(h.welcomeIn("uk"), "Вітаю") || !strings.Contains(h.welcomeIn("ru"), "Здравствуйте") {
		t.Fatal("the welcome texts are not in Ukrainian and Russian")
	}
	got := h.nth(ru.id, 1)
	if got.Text != h.welcomeIn("ru") {
		t.Errorf("a ru user got %q, want the Russian welcome", got.Text)
	}
	if !hasButton(got, "m:help") || !hasButton(got, "m:lang") {
		t.Errorf("the welcome has no menu: %s", got.ReplyMarkup)
	}
	h.noRejects()
}

func TestOtherLanguagesChooseAndItPersists(t *testing.T) {
	h := newHarness(t)
	en := person{id: 2001, lang: "en"}
	h.says(en, "/start src_poster-2")
	prompt := h.nth(en.id, 1)
	// The hsc pack speaks Ukrainian and Russian: those are offered, in both.
	for _, want := range []string{"Оберіть мову", "Выберите язык"} {
		if !strings.Contains(prompt.Text, want) {
			t.Errorf("the language prompt %q lacks %q", prompt.Text, want)
		}
	}
	for _, data := range []string{"l:uk", "l:ru"} {
		if !hasButton(prompt, data) {
			t.Errorf("the language prompt has no %s button: %s", data, prompt.ReplyMarkup)
		}
	}
	if hasButton(prompt, "l:en") {
		t.Errorf("English is offered, but the pack has no English content: %s", prompt.ReplyMarkup)
	}
	// The deep link is kept even though the person has not chosen yet.
	h.settle()
	u, err := store.GetUser(context.Background(), h.st.DB(), en.id)
	if err != nil || u.StartPayload != "src_poster-2" {
		t.Errorf("start payload = %q, %v; want src_poster-2", u.StartPayload, err)
	}

	// Typing instead of choosing asks again (and what was typed is
	// answered once the language is chosen).
	h.says(en, "hello?")
	if again := h.nth(en.id, 2); !hasButton(again, "l:ru") {
		t.Errorf("free text before choosing a language got %q, want the prompt again", again.Text)
	}

	h.taps(en, prompt, "l:ru")
	welcome := h.nth(en.id, 3)
	if welcome.Text != h.welcomeIn("ru") {
		t.Errorf("after choosing Russian: %q, want the Russian welcome", welcome.Text)
	}
	h.settle()
	if edited := h.srv.Messages(en.id)[0]; edited.Text != h.text.Text("ru", "language.set") {
		t.Errorf("the prompt was not edited in place to the confirmation: %q", edited.Text)
	}
	if n := len(h.srv.RequestsFor("answerCallbackQuery")); n != 1 {
		t.Errorf("answerCallbackQuery called %d times, want 1", n)
	}

	h.nth(en.id, 4) // the answer to «hello?»

	// /language switches to Ukrainian, and that survives a restart.
	h.says(en, "/language")
	p2 := h.nth(en.id, 5)
	h.taps(en, p2, "l:uk")
	h.nth(en.id, 6)
	h.settle()
	h.restart()
	h.says(en, "/help")
	if got := h.nth(en.id, 7).Text; got != h.text.Text("uk", "help") {
		t.Errorf("after a restart /help answered %q, want the Ukrainian help", got)
	}
	h.noRejects()
}

func TestCommandsAsPeopleTypeThem(t *testing.T) {
	h := newHarness(t)
	p := person{id: 3001, lang: "uk"}
	help := h.text.Text("uk", "help")
	h.says(p, "/help@servicebot_test_bot")
	h.says(p, "Привіт 👋 /help")
	h.says(p, "/HELP")
	h.says(p, "/help@some_other_bot") // not for us: a hint, not the help
	h.srv.Push(models.Update{Message: &models.Message{
		ID: 0, Date: int(time.Now().Unix()), From: p.user(),
		Chat:    models.Chat{ID: p.id, Type: models.ChatTypePrivate},
		Sticker: &models.Sticker{FileID: "s", FileUniqueID: "s", Type: "regular", Width: 512, Height: 512},
	}})
	ms := h.srv.WaitMessages(t, p.id, 5, 10e9)
	for i := 0; i < 3; i++ {
		if ms[i].Text != help {
			t.Errorf("message %d: got %q, want the help", i+1, ms[i].Text)
		}
	}
	hint := h.text.Text("uk", "hint.unknown")
	for i := 3; i < 5; i++ {
		if ms[i].Text != hint || !hasButton(ms[i], "m:help") {
			t.Errorf("message %d: got %q, want the hint with the menu", i+1, ms[i].Text)
		}
	}
	h.noRejects()
}

func TestMenuCancelAndStaleButtons(t *testing.T) {
	h := newHarness(t)
	p := person{id: 4001, lang: "ru"}
	h.says(p, "/menu")
	menu := h.nth(p.id, 1)
	if menu.Text != h.text.Text("ru", "menu.title") {
		t.Fatalf("/menu: %q", menu.Text)
	}
	h.taps(p, menu, "m:help")
	if got := h.nth(p.id, 2).Text; got != h.text.Text("ru", "help") {
		t.Errorf("the Help button gave %q", got)
	}
	h.says(p, "/cancel")
	if got := h.nth(p.id, 3).Text; got != h.text.Text("ru", "cancel.nothing") {
		t.Errorf("/cancel with nothing running: %q", got)
	}
	if err := store.SaveConversation(context.Background(), h.st.DB(), store.Conversation{ChatID: p.id, Dialog: "test"}); err != nil {
		t.Fatal(err)
	}
	h.says(p, "/cancel")
	if got := h.nth(p.id, 4).Text; got != h.text.Text("ru", "cancel.done") {
		t.Errorf("/cancel in a dialog: %q", got)
	}
	h.settle()
	if _, err := store.GetConversation(context.Background(), h.st.DB(), p.id); err == nil {
		t.Error("the conversation survived /cancel")
	}
	h.taps(p, menu, "zz:old")
	if got := h.nth(p.id, 5).Text; got != h.text.Text("ru", "hint.stale_button") {
		t.Errorf("an unknown button gave %q", got)
	}
	h.settle()
	h.noRejects()
}

// A word for «cancel» typed alone in a dialog is /cancel, in the person's
// language or another: «Передумав», «Выйти!», «exit» from a Russian
// speaker, «отменить» from a Ukrainian one.
func TestTypedCancelWordsInEveryLanguage(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ lang, typed string }{
		{"uk", "Передумав"}, {"ru", "Выйти!"}, {"ru", "exit"}, {"uk", "отменить"},
	} {
		p := person{id: int64(4011 + i), lang: c.lang}
		h.says(p, "/centres")
		h.settle()
		h.says(p, c.typed)
		h.settle()
		ms := h.srv.Messages(p.id)
		if done := ms[len(ms)-2].Text; done != h.text.Text(c.lang, "cancel.done") {
			t.Errorf("«%s» (%s) in the wait for a town: %q; want it cancelled", c.typed, c.lang, done)
		}
		if _, err := store.GetConversation(context.Background(), h.st.DB(), p.id); err == nil {
			t.Errorf("«%s» (%s): the wait for a town goes on", c.typed, c.lang)
		}
	}
	h.noRejects()
}

func TestCommandMenuPerLanguage(t *testing.T) {
	h := newHarness(t)
	h.srv.Wait(t, 5e9, "three command lists", func(s *bottest.Server) bool {
		return len(s.Commands("uk")) > 0 && len(s.Commands("ru")) > 0 && len(s.Commands("")) > 0
	})
	if got, want := h.srv.Commands("uk")[0].Description, h.text.Text("uk", "cmd.start"); got != want {
		t.Errorf("uk /start description %q, want %q", got, want)
	}
	if got, want := h.srv.Commands("ru")[1].Description, h.text.Text("ru", "cmd.menu"); got != want {
		t.Errorf("ru /menu description %q, want %q", got, want)
	}
	if got, want := h.srv.Commands("")[0].Description, h.text.Text("en", "cmd.start"); got != want {
		t.Errorf("default /start description %q, want %q", got, want)
	}
	h.noRejects()
}

// The mfc pack speaks Russian only: its menu offers no choice of one
// language, /language says so, /help does not list it, and the command
// menu is in Russian for every language code (the bot answers everyone in
// Russian), without /language.
func TestOneLanguagePackOffersNoLanguageChoice(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Pack = "mfc" })
	h.srv.Wait(t, 5e9, "three command lists", func(s *bottest.Server) bool {
		return len(s.Commands("uk")) > 0 && len(s.Commands("ru")) > 0 && len(s.Commands("")) > 0
	})
	for _, code := range []string{"", "uk", "ru"} {
		cmds := h.srv.Commands(code)
		if got, want := cmds[0].Description, h.text.Text("ru", "cmd.start"); got != want {
			t.Errorf("%q: /start described as %q, want the Russian %q", code, got, want)
		}
		for _, c := range cmds {
			if c.Command == "language" {
				t.Errorf("%q: the command menu offers /language", code)
			}
		}
	}
	p := person{id: 11901, lang: "uk"}
	h.says(p, "/start")
	welcome := h.nth(p.id, 1)
	if hasButton(welcome, "m:lang") || !hasButton(welcome, "m:help") {
		t.Errorf("the menu: %s", welcome.ReplyMarkup)
	}
	h.says(p, "/language")
	if got := h.nth(p.id, 2); got.Text != h.text.Text("ru", "language.only") || hasButton(got, "l:ru") {
		t.Errorf("/language: %q %s", got.Text, got.ReplyMarkup)
	}
	h.says(p, "/help")
	if got := h.nth(p.id, 3).Text; strings.Contains(got, "/language") || !strings.Contains(got, "/faq") {
		t.Errorf("/help: %q", got)
	}
	h.noRejects()
}

// After «👎 Ні» on a closed ticket, «Дякую», «ок» or an emoji is small
// talk: it gets the friendly word, the ticket stays closed and moderators
// are not bothered; a real question still reopens it.
func TestTicketNotReopenedBySmallTalkAfterNotSolved(t *testing.T) {
	h := newHarness(t)
	p := person{id: 1101, lang: "uk"}
	topic := h.openTicketFor(p, "Як зареєструвати причіп?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.taps(p, h.last(p.id), "tr:1:n")
	h.settle()
	staffBefore := len(inThread(h.srv.Messages(staffChat), topic.ThreadID))
	for _, c := range []struct{ text, kind string }{{"Дякую", "thanks"}, {"Дякую за допомогу!", "thanks"}, {"ок", "ack"}, {"👍", "ack"}, {"🤔", "empty"}} {
		n := len(h.srv.Messages(p.id))
		h.says(p, c.text)
		got := h.nth(p.id, n+1)
		if got.Text != h.text.Text("uk", "smalltalk."+c.kind) {
			t.Errorf("%q after «👎 Ні» got %q; want the small-talk reply", c.text, got.Text)
		}
		h.settle()
		if tk, err := store.GetTicket(context.Background(), h.st.DB(), 1); err != nil || tk.Status != store.TicketClosed {
			t.Fatalf("%q reopened the ticket: %+v, %v", c.text, tk, err)
		}
	}
	if after := inThread(h.srv.Messages(staffChat), topic.ThreadID); len(after) != staffBefore {
		t.Errorf("small talk reached the moderators: %+v", after[staffBefore:])
	}
	h.says(p, "Досі не зрозуміло, які документи на причіп")
	h.settle()
	if tk, err := store.OpenTicketOf(context.Background(), h.st.DB(), p.id); err != nil || tk.ID != 1 {
		t.Errorf("a real question after small talk did not reopen ticket №1: %+v, %v", tk, err)
	}
	h.noRejects()
}

// A citizen who keeps writing is recorded as seen once in a while, not on
// every message: the claim of their update brings their row, and their
// turns leave it as it is (a write per update for nothing else). One not
// seen for longer than store.SeenWithin is recorded again.
func TestCitizenWritingAgainDoesNotRewriteTheirRow(t *testing.T) {
	h := newHarness(t)
	p := person{id: 15801, lang: "uk"}
	h.says(p, "/start")
	h.settle()
	version := func() (xmin, seen string) {
		h.st.DB().QueryRow(`SELECT xmin::text, seen_at::text FROM users WHERE id = $1`, p.id).Scan(&xmin, &seen)
		return
	}
	before, _ := version()
	for _, q := range []string{"як записатися в сервісний центр", "дякую"} {
		h.says(p, q)
		h.settle()
	}
	if after, _ := version(); before == "" || after != before {
		t.Errorf("the citizen's row was written again by later messages: version %q, then %q", before, after)
	}
	h.st.DB().MustExec(`UPDATE users SET seen_at = now() - interval '2 hours' WHERE id = $1`, p.id)
	_, stale := version()
	h.says(p, "скільки коштує обмін прав")
	h.settle()
	if _, seen := version(); seen == stale {
		t.Error("a citizen not seen for two hours was not recorded as seen again")
	}
	h.noRejects()
}

// A Ukrainian who keeps Telegram in Russian and writes in Ukrainian is
// answered in Ukrainian; one with an English client is not asked to
// choose first; a language chosen with /language stays whatever is written.
func TestAnsweredInTheLanguageWritten(t *testing.T) {
	h := newHarness(t)
	ru := person{id: 16801, lang: "ru"}
	h.says(ru, "/start")
	h.settle()
	h.says(ru, "Добрий день, скільки коштує заміна прав?")
	h.settle()
	if got := h.last(ru.id).Text; !strings.Contains(got, "Скільки") && !strings.Contains(got, "сервісн") {
		t.Errorf("a Russian client writing Ukrainian is answered %q; want Ukrainian", got)
	}
	// Written in Russian again, plainly: Russian again.
	h.says(ru, "Здравствуйте, сколько стоит замена прав?")
	h.settle()
	if got := h.last(ru.id).Text; !strings.Contains(got, "Сколько") && !strings.Contains(got, "сервисн") {
		t.Errorf("plainly Russian again, answered %q", got)
	}
	// A Ukrainian town in a Russian sentence is not Ukrainian.
	bc := person{id: 16805, lang: "ru"}
	h.says(bc, "Подскажите адрес центра Біла Церква")
	h.settle()
	h.says(bc, "/help")
	h.settle()
	if got := h.last(bc.id).Text; !strings.Contains(got, "Что я умею") {
		t.Errorf("«Біла Церква» in a Russian sentence switched the language: %q", got)
	}
	// A town in the other language is not the language written in.
	town := person{id: 16804, lang: "ru"}
	h.says(town, "/centres")
	h.settle()
	h.says(town, "в Ірпені")
	h.settle()
	h.says(town, "/centres")
	h.settle()
	if got := h.last(town.id).Text; !strings.Contains(got, "центр") || strings.Contains(got, "Де ") {
		t.Errorf("«в Ірпені» switched a Russian speaker to Ukrainian: %q", got)
	}
	en := person{id: 16802, lang: "en"}
	h.says(en, "Добрий день, я загубив посвідчення водія")
	h.settle()
	if got := h.last(en.id).Text; strings.Contains(got, "Выберите") || !strings.Contains(got, "посвідчення") {
		t.Errorf("an English client writing Ukrainian got %q; want the answer in Ukrainian", got)
	}
	// Chosen: Russian stays.
	c := person{id: 16803, lang: "uk"}
	h.says(c, "/language")
	h.settle()
	h.taps(c, h.lastInline(c.id), turn.CbLanguage+":ru")
	h.settle()
	h.says(c, "Добрий день, скільки коштує заміна прав?")
	h.settle()
	if got := h.last(c.id).Text; !strings.Contains(got, "Сколько") && !strings.Contains(got, "сервисн") {
		t.Errorf("Russian chosen with /language, then Ukrainian written: %q; want Russian still", got)
	}
	// A questionnaire keeps its language: a Ukrainian comment in a Russian
	// rating does not turn its next step over.
	q := person{id: 16806, lang: "ru"}
	h.says(q, "/rate")
	h.taps(q, h.nth(q.id, 1), "qs:r:go")
	h.rateLowUntil(q, "what_wrong", "")
	h.says(q, "Дуже довго чекали, і мені ніхто нічого не пояснював")
	h.settle()
	if got := h.last(q.id).Text; !strings.Contains(got, "Шаг ") || strings.Contains(got, "Крок ") {
		t.Errorf("a Ukrainian comment in a Russian questionnaire: next step %q; want Russian", got)
	}
	h.noRejects()
}

// «хто ви?», «ты бот?» get who answers and how to reach a person, not
// «no ready answer».
func TestWhoAreYou(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ lang, typed string }{{"uk", "хто ви?"}, {"ru", "ты бот?"}} {
		p := person{id: int64(16811 + i), lang: c.lang}
		h.says(p, c.typed)
		h.settle()
		want := h.text.Text(c.lang, "smalltalk.who", map[string]any{"Org": h.text.Text(c.lang, "org.hsc")})
		if got := h.last(p.id).Text; got != want {
			t.Errorf("«%s»: %q; want %q", c.typed, got, want)
		}
	}
	h.noRejects()
}

// A deployment without a moderators' chat offers no /operator or /reopen,
// and one whose pack names no integrity channel and which takes no reports
// offers no /report: /help, the menu and Telegram's command list leave out
// what would only answer «not available here».
func TestCommandsLeadingNowhereAreNotOffered(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Pack, c.StaffChatID, c.IntegrityChatID = "mfc", 0, 0 })
	h.srv.Wait(t, 5e9, "the command lists", func(s *bottest.Server) bool { return len(s.Commands("")) > 0 })
	for _, c := range h.srv.Commands("") {
		if c.Command == "operator" || c.Command == "report" {
			t.Errorf("the command menu offers /%s", c.Command)
		}
	}
	p := person{id: 11911, lang: "ru"}
	h.says(p, "/start")
	if welcome := h.nth(p.id, 1); hasButton(welcome, "op:m") || hasButton(welcome, "m:report") || !hasButton(welcome, "m:faq") {
		t.Errorf("the menu: %s", welcome.ReplyMarkup)
	}
	h.says(p, "/help")
	if got := h.nth(p.id, 2).Text; strings.Contains(got, "/operator") || strings.Contains(got, "/reopen") ||
		strings.Contains(got, "/report") || !strings.Contains(got, "/faq") {
		t.Errorf("/help: %q", got)
	}

	// The hsc pack names the MVS's integrity channels: /report shows them
	// even where the bot takes no reports itself.
	h = newHarness(t, func(c *Config) { c.StaffChatID, c.IntegrityChatID = 0, 0 })
	h.says(p, "/help")
	if got := h.nth(p.id, 1).Text; strings.Contains(got, "/operator") || !strings.Contains(got, "/report") {
		t.Errorf("hsc /help: %q", got)
	}
	// Nor do FAQ answers offer /operator there.
	h.says(p, "Як зв'язатися з сервісним центром МВС?")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "/operator") || !strings.Contains(got, "Контакти") {
		t.Errorf("a FAQ answer without moderators: %q", got)
	}
	h.noRejects()
}

// «Чи вирішено ваше питання?» answered in words, not with its buttons:
// «ні, не вирішено» is «👎 Ні» (the request may be reopened), «дякую,
// допомогло» is «👍 Так»; neither goes to the FAQ. An answer already
// given is not asked again by what is typed later.
func TestClosedTicketsQuestionAnsweredInWords(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct {
		lang, typed string
		solved      int
	}{{"uk", "ні, не вирішено", -1}, {"uk", "Дякую, допомогло", 1}, {"ru", "нет, не решено", -1}, {"ru", "да, спасибо", 1}, {"ru", "не совсем", -1}} {
		p := person{id: int64(1201 + i), lang: c.lang}
		question := "Причіп" + strconv.Itoa(i) + " як зареєструвати?"
		if c.lang == "ru" {
			question = "Прицеп" + strconv.Itoa(i) + " как зарегистрировать?"
		}
		topic := h.openTicketFor(p, question)
		h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
		h.settle()
		h.says(p, c.typed)
		h.settle()
		tk, err := store.LatestTicketOf(context.Background(), h.st.DB(), p.id)
		if err != nil || tk.Resolved != c.solved {
			t.Errorf("«%s» under the closed request's question: %+v, %v; want resolved %d", c.typed, tk.Resolved, err, c.solved)
		}
		want := h.text.Text(c.lang, "ticket.rated")
		if c.solved < 0 {
			want = h.text.Text(c.lang, "ticket.not_solved", map[string]any{"ID": tk.ID})
		}
		if got := h.last(p.id); got.Text != want {
			t.Errorf("«%s» answered %q; want %q", c.typed, got.Text, want)
		}
		if c.solved < 0 && !hasButton(h.last(p.id), "tr:"+strconv.FormatInt(tk.ID, 10)+":r") {
			t.Errorf("«%s»: no button to reopen: %s", c.typed, h.last(p.id).ReplyMarkup)
		}
	}

	// A no with its reason reopens the request with it.
	p := person{id: 1211, lang: "uk"}
	topic := h.openTicketFor(p, "Причіп9 як зареєструвати?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.says(p, "ні, не вирішено, бо оператор не відповів на питання про ціну")
	h.settle()
	if tk, err := store.OpenTicketOf(context.Background(), h.st.DB(), p.id); err != nil || tk.ID != 6 {
		t.Errorf("a no with its reason: %+v, %v; want request №6 open again", tk, err)
	}
	if _, ok := h.lastWith(staffChat, "оператор не відповів на питання про ціну"); !ok {
		t.Error("the reason did not reach the moderators")
	}

	// «ні» after a FAQ answer got since the close answers that, not the
	// request's question.
	p = person{id: 1212, lang: "uk"}
	topic = h.openTicketFor(p, "Причіп10 як зареєструвати?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.says(p, "загубив права, що робити?")
	h.settle()
	h.says(p, "ні")
	h.settle()
	if tk, err := store.LatestTicketOf(context.Background(), h.st.DB(), p.id); err != nil || tk.Resolved != 0 {
		t.Errorf("«ні» after a FAQ answer rated the closed request: %d, %v", tk.Resolved, err)
	}
	h.noRejects()
}

// «російською, будь ласка», «українська мова» typed are the choice under
// /language: said in Ukrainian, a wish for Russian is granted, not taken
// for Ukrainian writing; and the choice stays.
func TestLanguageAskedInWords(t *testing.T) {
	h := newHarness(t)
	p := person{id: 16811, lang: "uk"}
	h.says(p, "російською, будь ласка")
	h.settle()
	if got := h.last(p.id).Text; got != h.text.Text("ru", "language.set") {
		t.Errorf("«російською, будь ласка» answered %q; want %q", got, h.text.Text("ru", "language.set"))
	}
	h.says(p, "Добрий день, скільки коштує заміна прав?")
	h.settle()
	if got := h.last(p.id).Text; !strings.Contains(got, "Сколько") && !strings.Contains(got, "сервисн") {
		t.Errorf("Russian asked for in words, then Ukrainian written: %q; want Russian still", got)
	}
	h.says(p, "українська мова")
	h.settle()
	if got := h.last(p.id).Text; got != h.text.Text("uk", "language.set") {
		t.Errorf("«українська мова» answered %q", got)
	}
	h.noRejects()
}

// «не треба, дякую», «досить» where /operator asks for the question make
// no request (it opened one named «не треба, дякую»).
func TestOperatorDeclinedInWords(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ lang, typed string }{{"uk", "не треба, дякую"}, {"uk", "досить"}, {"ru", "нет, спасибо"}} {
		p := person{id: int64(16821 + i), lang: c.lang}
		h.says(p, "/operator")
		h.settle()
		h.says(p, c.typed)
		h.settle()
		if got := h.last(p.id).Text; got != h.text.Text(c.lang, "ticket.not_opened") {
			t.Errorf("«%s» after /operator: %q", c.typed, got)
		}
		if _, err := store.LatestTicketOf(context.Background(), h.st.DB(), p.id); err == nil {
			t.Errorf("«%s» after /operator opened a request", c.typed)
		}
	}
	h.noRejects()
}
