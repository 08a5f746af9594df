package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/store"
)

var moderator = &models.User{ID: 777, FirstName: "Ірина", LastName: "Модераторка"}

// staffPost pushes a moderator's message into a ticket's topic (or, with
// thread 0, a reply to replyTo in a chat without topics).
func (h *harness) staffPost(chat int64, thread, replyTo int, m *models.Message) int64 {
	m.ID = 0 // the fake numbers messages per chat, as Telegram does
	m.Date = int(time.Now().Unix())
	if m.From == nil {
		m.From = moderator
	}
	m.Chat = models.Chat{ID: chat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: thread != 0}
	if thread != 0 {
		m.MessageThreadID, m.IsTopicMessage = thread, true
	}
	if replyTo != 0 {
		m.ReplyToMessage = &models.Message{ID: replyTo, Date: m.Date, Chat: m.Chat}
	}
	if len(m.Entities) == 0 {
		m.Entities = commandEntity(m.Text)
	}
	return h.srv.Push(models.Update{Message: m})
}

// blocks has a moderator block the citizen of the topic thread: /block,
// then «yes» under the question it brings (in General for a closed topic).
func (h *harness) blocks(thread int) {
	h.t.Helper()
	h.staffPost(staffChat, thread, 0, &models.Message{Text: "/block"})
	h.settle()
	ms := h.srv.Messages(staffChat)
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Buttons() {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, "tk:B:") {
					h.staffTaps(moderator, ms[i], b.CallbackData)
					return
				}
			}
		}
	}
	h.t.Fatal("/block asked nothing to confirm")
}

// staffTaps presses a button on a staff-chat message, and waits for what
// it brings.
func (h *harness) staffTaps(from *models.User, msg bottest.Message, data string) {
	h.t.Helper()
	q := &models.CallbackQuery{
		ID: "cq" + time.Now().Format("150405.000000000"), From: *from, Data: data, ChatInstance: "ci",
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{
			ID: msg.ID, Date: int(time.Now().Unix()), Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, IsForum: true},
			MessageThreadID: msg.ThreadID, IsTopicMessage: msg.ThreadID != 0, Text: msg.Text,
		}},
	}
	h.srv.Push(models.Update{CallbackQuery: q})
	h.settle()
}

// openTicketFor walks a citizen through /operator and their question, and
// returns the ticket's topic.
func (h *harness) openTicketFor(p person, question string) bottest.Topic {
	h.t.Helper()
	h.says(p, "/operator")
	n := len(h.srv.WaitMessages(h.t, p.id, 1, 10*time.Second))
	h.says(p, question)
	h.srv.WaitMessages(h.t, p.id, n+1, 10*time.Second)
	h.settle()
	for _, tp := range h.srv.Topics(staffChat) {
		if strings.Contains(tp.Name, "· "+strings.ToUpper(p.lang[:2])+" ·") && strings.Contains(tp.Name, firstWords(question)) {
			return tp
		}
	}
	h.t.Fatalf("no topic for %q among %+v", question, h.srv.Topics(staffChat))
	return bottest.Topic{}
}

func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(2, len(f))], " ")
}

func inThread(ms []bottest.Message, thread int) []bottest.Message {
	var out []bottest.Message
	for _, m := range ms {
		if m.ThreadID == thread {
			out = append(out, m)
		}
	}
	return out
}

func TestTicketRoundTripInForumTopic(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11001, lang: "uk"}
	topic := h.openTicketFor(p, "Як записатися на практичний іспит у вихідний?")
	if !strings.HasPrefix(topic.Name, "№1 · UK · Як записатися") {
		t.Errorf("topic name %q", topic.Name)
	}
	staff := inThread(h.srv.Messages(staffChat), topic.ThreadID)
	if len(staff) != 2 {
		t.Fatalf("the topic has %d messages, want the card and the question: %+v", len(staff), staff)
	}
	card := staff[0]
	for _, want := range []string{"Звернення №1", "Олена", "tg://user?id=11001", "UK"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("the card lacks %q: %s", want, card.Text)
		}
	}
	if !hasButton(card, "tk:t:1") || !hasButton(card, "tk:c:1") || !hasButton(card, "tk:b:1") {
		t.Errorf("the card's buttons: %s", card.ReplyMarkup)
	}
	if staff[1].Method != "copyMessage" || staff[1].Text != "Як записатися на практичний іспит у вихідний?" {
		t.Errorf("the question in the topic: %+v", staff[1])
	}
	if got := h.srv.Messages(p.id)[1].Text; !strings.Contains(got, "№1") {
		t.Errorf("the citizen was told %q", got)
	}

	// A moderator answers in the topic: the citizen gets it.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Так, у суботу можна. Запишіться в Е-записі."})
	// The answer says whose it is: a copy would carry no name.
	if got := h.nth(p.id, 3).Text; got != "👤 Оператор: Так, у суботу можна. Запишіться в Е-записі." {
		t.Errorf("the citizen got %q", got)
	}
	// A note stays in the topic.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "// перевірити графік іспитів"})
	h.settle()
	if n := len(h.srv.Messages(p.id)); n != 3 {
		t.Errorf("a // note reached the citizen: %d messages", n)
	}

	// /close: the citizen is asked, answers 👍, the topic closes with ✅.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	ask := h.nth(p.id, 4)
	if ask.Text != h.text.Text("uk", "ticket.closed", map[string]any{"ID": 1}) || !hasButton(ask, "tr:1:y") {
		t.Fatalf("after /close the citizen got %q %s", ask.Text, ask.ReplyMarkup)
	}
	h.taps(p, ask, "tr:1:y")
	h.taps(p, ask, "tr:1:n") // a second tap changes nothing
	h.settle()
	tk, err := store.GetTicket(context.Background(), h.st.DB(), 1)
	if err != nil || tk.Status != store.TicketClosed || tk.Resolved != 1 || tk.FirstResponseAt == nil {
		t.Errorf("the ticket: %+v %v", tk, err)
	}
	for _, tp := range h.srv.Topics(staffChat) {
		if tp.ThreadID == topic.ThreadID && (!tp.Closed || !strings.HasPrefix(tp.Name, "👍 ✅ №1")) {
			t.Errorf("the topic after /close: %+v", tp)
		}
	}
	// After closing, the citizen's next question goes to the FAQ again.
	if got := h.srv.Messages(p.id)[3].Text; got != h.text.Text("uk", "ticket.rated") {
		t.Errorf("the question was not replaced by thanks: %q", got)
	}
	h.says(p, "загубив права")
	if m := h.nth(p.id, 5); !strings.Contains(m.Text, h.answerOf("lost_licence", "uk")) {
		t.Errorf("after the ticket closed: %q", m.Text)
	}
	h.noRejects()
}

func TestTicketMediaBothWays(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11101, lang: "ru"}
	topic := h.openTicketFor(p, "Не принимают документы на регистрацию")
	photo := h.srv.Push(models.Update{Message: &models.Message{
		ID: 0, Date: int(time.Now().Unix()), From: p.user(),
		Chat:  models.Chat{ID: p.id, Type: models.ChatTypePrivate},
		Photo: []models.PhotoSize{{FileID: "ph1", FileUniqueID: "u1", Width: 90, Height: 90}}, Caption: "вот справка",
	}})
	_ = photo
	h.settle()
	staff := inThread(h.srv.Messages(staffChat), topic.ThreadID)
	last := staff[len(staff)-1]
	if last.Method != "copyMessage" || last.FromChat != p.id || last.Text != "вот справка" {
		t.Errorf("the photo in the topic: %+v", last)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{
		Document: &models.Document{FileID: "doc1", FileUniqueID: "d1", FileName: "перелік.pdf"}, Caption: "Ось перелік документів",
	})
	got := h.nth(p.id, 3)
	if got.Method != "copyMessage" || got.FromChat != staffChat || got.Text != "👤 Оператор: Ось перелік документів" {
		t.Errorf("the document at the citizen's: %+v", got)
	}
	h.noRejects()
}

func TestBlockedCitizenIsHeardButNotRelayed(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11201, lang: "uk"}
	topic := h.openTicketFor(p, "Перше питання")
	h.blocks(topic.ThreadID)
	before := len(inThread(h.srv.Messages(staffChat), topic.ThreadID))
	h.says(p, "друге")
	h.says(p, "третє")
	h.settle()
	ms := h.srv.Messages(p.id)
	notices := 0
	for _, m := range ms {
		if strings.HasPrefix(m.Text, h.text.Text("uk", "ticket.blocked")) {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d block notices, want exactly one", notices)
	}
	if after := len(inThread(h.srv.Messages(staffChat), topic.ThreadID)); after != before {
		t.Errorf("a blocked citizen's messages reached the topic (%d → %d)", before, after)
	}
	msgs, _ := store.TicketMessages(context.Background(), h.st.DB(), 1)
	kept := 0
	for _, m := range msgs {
		if m.Direction == "in" && !m.Relayed {
			kept++
		}
	}
	if kept != 2 {
		t.Errorf("%d held-back messages stored, want 2", kept)
	}
	h.noRejects()
}

func TestReplyRelayWithoutForum(t *testing.T) {
	const plainStaff = -1002000000002
	h := newHarnessWith(t, []models.Chat{{ID: plainStaff, Type: models.ChatTypeSupergroup, Title: "Staff"}},
		func(c *Config) { c.StaffChatID = plainStaff })
	p := person{id: 11301, lang: "uk"}
	h.says(p, "/operator")
	h.nth(p.id, 1)
	h.says(p, "Де знайти мій номер черги?")
	h.nth(p.id, 2)
	h.settle()
	staff := h.srv.Messages(plainStaff)
	if len(staff) != 2 || !strings.Contains(staff[0].Text, "Звернення №1") || staff[1].ReplyTo != staff[0].ID {
		t.Fatalf("without a forum: %+v", staff)
	}
	if len(h.srv.Topics(plainStaff)) != 0 {
		t.Error("topics were made in a chat without a forum")
	}
	h.staffPost(plainStaff, 0, staff[1].ID, &models.Message{Text: "На екрані в залі."})
	if got := h.nth(p.id, 3); got.Text != "👤 Оператор: На екрані в залі." {
		t.Errorf("the moderator's reply reached the citizen as %q", got.Text)
	}
	// Talk among moderators that replies to nothing stays there.
	h.staffPost(plainStaff, 0, 0, &models.Message{Text: "колеги, хто на зміні?"})
	h.settle()
	if n := len(h.srv.Messages(p.id)); n != 3 {
		t.Errorf("the citizen got %d messages", n)
	}
	h.noRejects()
}

func TestAnonymousIntegrityReport(t *testing.T) {
	const integrity = -1003000000003
	h := newHarness(t, func(c *Config) { c.IntegrityChatID = integrity })
	h.srv.AddChat(models.Chat{ID: integrity, Type: models.ChatTypeSupergroup, Title: "Integrity"})
	p := person{id: 11401, lang: "uk"}
	h.says(p, "/report")
	intro := h.nth(p.id, 1)
	if !hasButton(intro, "ir:a") || !strings.Contains(intro.Text, "npu.gov.ua") && !strings.Contains(intro.Text, "<a href") {
		t.Fatalf("the report intro: %q %s", intro.Text, intro.ReplyMarkup)
	}
	h.taps(p, intro, "ir:a")
	h.settle()
	h.says(p, "У ТСЦ 8046 за талон без черги просили 500 грн")
	h.nth(p.id, 2)
	h.settle()
	posted := h.srv.Messages(integrity)
	if len(posted) != 1 {
		t.Fatalf("the integrity chat got %d messages", len(posted))
	}
	for _, leak := range []string{"11401", "Олена", "tg://user"} {
		if strings.Contains(posted[0].Text, leak) {
			t.Errorf("the anonymous report shows %q: %s", leak, posted[0].Text)
		}
	}
	if !strings.Contains(posted[0].Text, "500 грн") || !strings.Contains(posted[0].Text, "R-") {
		t.Errorf("the report: %s", posted[0].Text)
	}
	var cols int
	h.st.DB().QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'integrity_reports' AND column_name LIKE '%user%'`).Scan(&cols)
	if cols != 0 {
		t.Error("integrity_reports has a user column staff could query")
	}
	// A reply in the integrity chat reaches the reporter.
	h.srv.Push(models.Update{Message: &models.Message{
		ID: 0, Date: int(time.Now().Unix()), From: moderator,
		Chat:           models.Chat{ID: integrity, Type: models.ChatTypeSupergroup, Title: "Integrity"},
		ReplyToMessage: &models.Message{ID: posted[0].ID, Date: int(time.Now().Unix()), Chat: models.Chat{ID: integrity, Type: models.ChatTypeSupergroup}},
		Text:           "Дякуємо, передали до ДВБ. Чи можете назвати час?",
	}})
	reply := h.nth(p.id, 3)
	if !strings.Contains(reply.Text, "Дякуємо, передали до ДВБ") || !strings.Contains(reply.Text, "№1") {
		t.Errorf("the reporter got %q", reply.Text)
	}
	h.noRejects()
}

func TestCardEscapesWhatCitizensWrite(t *testing.T) {
	h := newHarness(t)
	u := &models.User{ID: 11501, FirstName: "<script>&", LastName: "<b>", Username: "x_y", LanguageCode: "uk"}
	send := func(text string) {
		h.srv.Push(models.Update{Message: &models.Message{
			ID: 0, Date: int(time.Now().Unix()), From: u,
			Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, Text: text, Entities: commandEntity(text),
		}})
	}
	send("/operator")
	h.nth(u.ID, 1)
	send("<i>а & б</i>")
	h.nth(u.ID, 2)
	h.settle()
	staff := h.srv.Messages(staffChat)
	if len(staff) < 1 || !strings.Contains(staff[0].Text, "&lt;script&gt;&amp; &lt;b&gt;") {
		t.Fatalf("the card: %+v", staff)
	}
	if tp := h.srv.Topics(staffChat); len(tp) != 1 || !strings.Contains(tp[0].Name, "<i>а & б</i>") {
		t.Errorf("the topic name: %+v", tp)
	}
	h.noRejects()
}

func TestHundredCitizensAtOnce(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Workers = 16 })
	const n = 100
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := person{id: int64(20000 + i), lang: "uk"}
			h.says(p, "/operator")
		}(i)
	}
	wg.Wait()
	h.settle()
	for i := 0; i < n; i++ {
		p := person{id: int64(20000 + i), lang: "uk"}
		for k := 1; k <= 3; k++ {
			h.says(p, fmt.Sprintf("громадянин %d повідомлення %d", i, k))
		}
	}
	h.settle()
	topics := h.srv.Topics(staffChat)
	if len(topics) != n {
		t.Fatalf("%d topics for %d citizens", len(topics), n)
	}
	staff := h.srv.Messages(staffChat)
	for _, tp := range topics {
		ms := inThread(staff, tp.ThreadID)
		if len(ms) != 4 {
			t.Errorf("topic %q has %d messages, want the card and 3", tp.Name, len(ms))
			continue
		}
		var who string
		for k := 1; k <= 3; k++ {
			var i, kk int
			if _, err := fmt.Sscanf(ms[k].Text, "громадянин %d повідомлення %d", &i, &kk); err != nil || kk != k {
				t.Errorf("topic %q message %d is %q", tp.Name, k, ms[k].Text)
				break
			}
			if k == 1 {
				who = fmt.Sprint(i)
			} else if fmt.Sprint(i) != who {
				t.Errorf("topic %q mixes citizens %s and %d", tp.Name, who, i)
			}
		}
	}
	h.noRejects()
}

func TestModeratorTools(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11601, lang: "ru"}
	topic := h.openTicketFor(p, "Потерял права в Польше")
	count := func() int { return len(h.srv.Messages(p.id)) }

	// /tickets lists the open one, with its age.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/tickets"})
	h.settle()
	staff := inThread(h.srv.Messages(staffChat), topic.ThreadID)
	if last := staff[len(staff)-1].Text; !strings.Contains(last, "№1 · RU") || !strings.Contains(last, h.text.Text("uk", "desk.unassigned")) {
		t.Errorf("/tickets: %q", last)
	}
	// The SLA reminder, once.
	h.app.desk.RemindWaiting(context.Background(), 0)
	h.app.desk.RemindWaiting(context.Background(), 0)
	h.settle()
	reminders := 0
	for _, m := range inThread(h.srv.Messages(staffChat), topic.ThreadID) {
		if strings.HasPrefix(m.Text, "⏰ Звернення №1") {
			reminders++
		}
	}
	if reminders != 1 {
		t.Errorf("%d reminders, want 1", reminders)
	}
	// /take tells the citizen; /faq sends a canned answer in their language.
	before := count()
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/take"})
	if got := h.nth(p.id, before+1).Text; got != h.text.Text("ru", "ticket.taken", map[string]any{"ID": 1}) {
		t.Errorf("after /take the citizen got %q", got)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq lost_licence"})
	if got := h.nth(p.id, before+2).Text; !strings.Contains(got, h.answerOf("lost_licence", "ru")) {
		t.Errorf("/faq sent %q", got)
	}
	// /close, then /reopen.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.nth(p.id, before+3)
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/reopen"})
	if got := h.nth(p.id, before+4).Text; got != h.text.Text("ru", "ticket.reopened", map[string]any{"ID": 1}) {
		t.Errorf("after /reopen the citizen got %q", got)
	}
	h.settle()
	tk, _ := store.GetTicket(context.Background(), h.st.DB(), 1)
	if tk.Status != store.TicketOpen || tk.Assignee != moderator.ID {
		t.Errorf("the ticket after /reopen: %+v", tk)
	}
	for _, tp := range h.srv.Topics(staffChat) {
		if tp.Closed || strings.HasPrefix(tp.Name, "✅") {
			t.Errorf("the topic after /reopen: %+v", tp)
		}
	}
	// Staff commands from anywhere else are not staff commands.
	h.says(p, "/close")
	h.settle()
	tk, _ = store.GetTicket(context.Background(), h.st.DB(), 1)
	if tk.Status != store.TicketOpen {
		t.Error("a citizen closed their ticket with /close")
	}
	h.noRejects()
}

func TestCitizenEditIsMirrored(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11701, lang: "uk"}
	topic := h.openTicketFor(p, "Перше питання")
	h.says(p, "Друге з помилкою")
	h.settle()
	var orig int
	// The citizen's own messages are known to the fake by the updates; find
	// the id of the one just sent from the inbox's payload.
	h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE payload::text LIKE '%Друге з помилкою%'`).Scan(&orig)
	if orig == 0 {
		t.Fatal("the citizen's message is not in the inbox")
	}
	h.srv.Push(models.Update{EditedMessage: &models.Message{
		ID: orig, Date: int(time.Now().Unix()), EditDate: int(time.Now().Unix()), From: p.user(),
		Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate}, Text: "Друге без помилки",
	}})
	h.settle()
	staff := inThread(h.srv.Messages(staffChat), topic.ThreadID)
	if last := staff[len(staff)-1]; last.Text != "Друге без помилки" || last.Edits != 1 {
		t.Errorf("the copy in the topic after the edit: %q (%d edits)", last.Text, last.Edits)
	}
	h.noRejects()
}

// A moderator who corrects an answer in the topic corrects the citizen's
// copy too; an internal note edited stays internal.
func TestModeratorEditIsMirrored(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11801, lang: "uk"}
	topic := h.openTicketFor(p, "Де мій техпаспорт?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Його видадуть за 5 днів"})
	if got := h.nth(p.id, 3); got.Text != "👤 Оператор: Його видадуть за 5 днів" {
		t.Fatalf("the citizen got %q", got.Text)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "// перевірити в реєстрі"})
	// Another bot's command is not an answer: it never reaches the citizen.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq@otherbot"})
	h.settle()
	staffMessageID := func(text string) int {
		var id int
		h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE payload->'message'->>'text' = $1`, text).Scan(&id)
		if id == 0 {
			t.Fatalf("the moderator's %q is not in the inbox", text)
		}
		return id
	}
	edit := func(id int, text string) {
		now := int(time.Now().Unix())
		h.srv.Push(models.Update{EditedMessage: &models.Message{
			ID: id, Date: now, EditDate: now, From: moderator, MessageThreadID: topic.ThreadID, IsTopicMessage: true,
			Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true}, Text: text,
		}})
	}
	edit(staffMessageID("Його видадуть за 5 днів"), "Його видадуть за 3 робочі дні")
	edit(staffMessageID("// перевірити в реєстрі"), "// перевірити в реєстрі ще раз")
	h.settle()
	ms := h.srv.Messages(p.id)
	if len(ms) != 3 {
		t.Fatalf("the citizen has %d messages, want 3: an edit is not a new message, a note never arrives", len(ms))
	}
	if ms[2].Text != "👤 Оператор: Його видадуть за 3 робочі дні" || ms[2].Edits != 1 {
		t.Errorf("the citizen's copy after the edit, still labelled: %q (%d edits)", ms[2].Text, ms[2].Edits)
	}

	// A photo's caption corrected: the citizen's copy too, labelled.
	photo := []models.PhotoSize{{FileID: "ph8", FileUniqueID: "u8", Width: 90, Height: 90}}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Photo: photo, Caption: "Зразок заяви"})
	h.settle()
	var photoID int
	h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE payload->'message'->>'caption' = 'Зразок заяви'`).Scan(&photoID)
	now := int(time.Now().Unix())
	h.srv.Push(models.Update{EditedMessage: &models.Message{
		ID: photoID, Date: now, EditDate: now, From: moderator, MessageThreadID: topic.ThreadID, IsTopicMessage: true,
		Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true}, Photo: photo, Caption: "Зразок заяви на заміну посвідчення",
	}})
	h.settle()
	ms = h.srv.Messages(p.id)
	if got := ms[len(ms)-1]; len(ms) != 4 || got.Text != "👤 Оператор: Зразок заяви на заміну посвідчення" || got.Edits != 1 {
		t.Errorf("the citizen's photo after its caption was corrected: %q (%d edits, %d messages)", got.Text, got.Edits, len(ms))
	}
	h.noRejects()
}

// Telegram lets a bot post about 20 messages a minute in a group. Citizens
// who write to the moderators faster than that wait their turn in the
// inbox, not in a worker: meanwhile everyone else is answered, and no
// ticket is lost or posted twice.
func TestBusyStaffGroupHoldsNoWorker(t *testing.T) {
	limits := fastLimits
	limits.GroupPerMinute = 30 // a burst of 3, then one post every 2.2 s
	h := newHarness(t, func(c *Config) { c.Workers = 1; c.Limits = limits })
	const n = 3
	var ps []person
	for i := range n {
		p := person{id: int64(13000 + i), lang: "uk"}
		ps = append(ps, p)
		h.says(p, "/operator")
	}
	h.settle()
	for i, p := range ps {
		h.says(p, fmt.Sprintf("Питання %d: як перереєструвати авто?", i+1))
	}
	asker := person{id: 13100, lang: "uk"}
	h.says(asker, "/help")
	h.srv.WaitMessages(t, asker.id, 1, 10*time.Second)
	// Each ticket posts its topic, card and question: 9 posts, of which 3
	// fit the burst. With one worker waiting for the group, /help would
	// have been answered only after all of them.
	if posted := len(h.srv.Messages(staffChat)) + len(h.srv.Topics(staffChat)); posted >= 3*n {
		t.Errorf("/help was answered only after all %d posts in the staff group", posted)
	}
	for _, p := range ps {
		if ms := h.srv.WaitMessages(t, p.id, 2, time.Minute); !strings.Contains(ms[1].Text, "№") {
			t.Errorf("citizen %d was told %q", p.id, ms[1].Text)
		}
	}
	h.settle()
	topics := h.srv.Topics(staffChat)
	if len(topics) != n {
		t.Errorf("%d topics for %d tickets: %+v", len(topics), n, topics)
	}
	staff := h.srv.Messages(staffChat)
	for _, tp := range topics {
		if ms := inThread(staff, tp.ThreadID); len(ms) != 2 {
			t.Errorf("topic %q has %d messages, want the card and the question", tp.Name, len(ms))
		}
	}
	entries, err := h.st.InboxEntries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Status != store.InboxDone {
			t.Errorf("update %d ended with status %d (%s)", e.UpdateID, e.Status, e.LastError)
		}
	}
	h.noRejects()
}

// A new moderator who types /help in the staff group gets the commands;
// /faq without an id says how to use it.
func TestStaffHelpAndFAQUsage(t *testing.T) {
	h := newHarness(t)
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/help"})
	h.settle()
	if m, ok := h.lastWith(staffChat, "/tickets"); !ok || !strings.Contains(m.Text, "/close") || !strings.Contains(m.Text, "/export") {
		t.Errorf("/help in the staff group: %+v", h.srv.Messages(staffChat))
	}
	p := person{id: 11901, lang: "uk"}
	topic := h.openTicketFor(p, "Питання про техогляд")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq"})
	h.settle()
	if _, ok := h.lastWith(staffChat, "Напишіть id запису (<code>/faq "); !ok {
		t.Errorf("/faq without an id: %+v", inThread(h.srv.Messages(staffChat), topic.ThreadID))
	}
	// An entry's id in General is that entry, not a search of its words.
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/faq booking_online"})
	h.settle()
	if m, ok := h.lastWith(staffChat, "📚"); !ok || !strings.Contains(m.Text, "/faq booking_online") || strings.Contains(m.Text, "exchange_online") {
		t.Errorf("/faq booking_online in General: %q", m.Text)
	}
	h.noRejects()
}

// Every answer of the operator's reaches the citizen labelled as theirs,
// not the first one only, so that none is mistaken for the bot's own
// words: a text and a caption begin with the label (their formatting kept
// in place), a sticker follows the label, and so does a text too long to
// bear it; a FAQ entry the operator sends is labelled too.
func TestEveryOperatorReplyIsLabelled(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11451, lang: "ru"}
	topic := h.openTicketFor(p, "Как заменить права после смены фамилии?")
	label := h.text.Text("ru", "ticket.operator_label")
	n := len(h.srv.Messages(p.id))
	next := func() bottest.Message { n++; return h.nth(p.id, n) }

	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Добрый день! Сейчас уточню."})
	if got := next(); got.Text != label+" Добрый день! Сейчас уточню." {
		t.Errorf("the first answer reached the citizen as %q", got.Text)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{
		Text:     "Нужен паспорт и свидетельство о браке.",
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBold, Offset: 6, Length: 7}},
	})
	got := next()
	if got.Text != label+" Нужен паспорт и свидетельство о браке." {
		t.Errorf("the second answer reached the citizen as %q", got.Text)
	}
	if units := utf16.Encode([]rune(got.Text)); len(got.Entities) != 1 || got.Entities[0].Type != "bold" ||
		string(utf16.Decode(units[got.Entities[0].Offset:got.Entities[0].Offset+got.Entities[0].Length])) != "паспорт" {
		t.Errorf("the bold «паспорт» moved: %+v in %q", got.Entities, got.Text)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{
		Photo: []models.PhotoSize{{FileID: "ph7", FileUniqueID: "u7", Width: 90, Height: 90}}, Caption: "Вот образец заявления",
	})
	if got := next(); got.Method != "copyMessage" || got.Text != label+" Вот образец заявления" {
		t.Errorf("the photo reached the citizen as %s %q", got.Method, got.Text)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Sticker: &models.Sticker{FileID: "st1", FileUniqueID: "s1", Type: "regular", Width: 512, Height: 512}})
	if got, sticker := next(), next(); got.Text != label || sticker.Method != "copyMessage" {
		t.Errorf("a sticker came as %q, then %s", got.Text, sticker.Method)
	}
	long := strings.Repeat("Очень подробный ответ. ", 178) // 4094 characters: no room for the label
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: long})
	if got, text := next(), next(); got.Text != label || text.Text != long {
		t.Errorf("a long answer came as %q, then %d characters", got.Text, len([]rune(text.Text)))
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq lost_licence"})
	if got := next(); !strings.HasPrefix(got.Text, label+" ") || !strings.Contains(got.Text, h.answerOf("lost_licence", "ru")) {
		t.Errorf("/faq reached the citizen as %q", got.Text)
	}
	h.noRejects()
}

// /tickets says whose each open ticket is: who took it, else who answered
// it last (moderators often answer without /take), else that nobody has
// yet, by the names moderators go by in Telegram.
func TestStaffTicketsListShowsWhoseEachTicketIs(t *testing.T) {
	h := newHarness(t)
	petro := &models.User{ID: 778, FirstName: "Петро"}
	taken := h.openTicketFor(person{id: 11471, lang: "uk"}, "Де отримати номерні знаки?")
	answered := h.openTicketFor(person{id: 11472, lang: "ru"}, "Сколько стоит замена прав?")
	h.openTicketFor(person{id: 11473, lang: "uk"}, "Чи можна без запису?")
	h.staffPost(staffChat, taken.ThreadID, 0, &models.Message{Text: "/take"})
	h.staffPost(staffChat, answered.ThreadID, 0, &models.Message{Text: "Сейчас посмотрю.", From: petro})
	h.settle()
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/tickets"})
	h.settle()
	list, ok := h.lastWith(staffChat, "№3")
	if !ok {
		t.Fatalf("no /tickets list: %+v", h.srv.Messages(staffChat))
	}
	lines := strings.Split(list.Text, "\n")
	for i, want := range []string{
		h.text.Text("uk", "desk.list_taken", map[string]any{"Name": "Ірина Модераторка"}),
		h.text.Text("uk", "desk.list_answered", map[string]any{"Name": "Петро"}),
		h.text.Text("uk", "desk.unassigned"),
	} {
		if len(lines) < i+2 || !strings.HasPrefix(lines[i+1], fmt.Sprintf("№%d ", i+1)) || !strings.HasSuffix(lines[i+1], " · "+want) {
			t.Errorf("ticket №%d in /tickets does not end with %q: %q", i+1, want, list.Text)
		}
	}
	// A ticket taken by someone whose name is not kept (taken before names
	// were, or the moderator has since used /forget) still shows as taken.
	h.st.DB().MustExec(`DELETE FROM staff WHERE id = $1`, moderator.ID)
	n := len(h.srv.Messages(staffChat))
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/tickets"})
	someone := h.text.Text("uk", "desk.list_taken", map[string]any{"Name": h.text.Text("uk", "desk.someone")})
	if got := h.nth(staffChat, n+1).Text; !strings.Contains(got, "без запису?") || !strings.Contains(got, "знаки? · "+someone+"\n") {
		t.Errorf("a ticket taken by a moderator of unknown name: %q", got)
	}
	h.noRejects()
}

// When a ticket is closed, the question «was it solved?» says in the same
// message that answering is optional and what the answer is for.
func TestCSATRequestSaysItIsOptionalAndWhatFor(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		p          person
		optional   string
		whatFor    string
		closedWord string
	}{
		{person{id: 11481, lang: "uk"}, "не обов’язково", "покращувати роботу операторів", "закрито"},
		{person{id: 11482, lang: "ru"}, "не обязательно", "улучшать работу операторов", "закрыто"},
	} {
		topic := h.openTicketFor(c.p, "Питання про техогляд "+c.p.lang)
		n := len(h.srv.Messages(c.p.id))
		h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
		ask := h.nth(c.p.id, n+1)
		if !strings.Contains(ask.Text, c.closedWord) || !strings.Contains(ask.Text, c.optional) || !strings.Contains(ask.Text, c.whatFor) {
			t.Errorf("%s: the question after /close does not say it is optional and what for: %q", c.p.lang, ask.Text)
		}
		if !hasButton(ask, fmt.Sprintf("tr:%d:y", len(h.srv.Topics(staffChat)))) {
			t.Errorf("%s: the question lost its buttons: %s", c.p.lang, ask.ReplyMarkup)
		}
	}
	h.settle()
	h.noRejects()
}

// «оператор» or «хочу поговорити з людиною» typed is what /operator does:
// the bot asks for the question and the next message opens a request;
// a question that only mentions an operator is still the FAQ's.
func TestOperatorAskedForInWords(t *testing.T) {
	h := newHarness(t)
	for i, typed := range []string{"оператор", "хочу поговорити з людиною", "позовите оператора"} {
		lang := "uk"
		if i == 2 {
			lang = "ru"
		}
		p := person{id: int64(11901 + i), lang: lang}
		h.says(p, typed)
		h.settle()
		if got, want := h.last(p.id).Text, h.text.Text(lang, "ticket.describe"); got != want {
			t.Errorf("«%s»: %q; want the operator's «describe your question»", typed, got)
			continue
		}
		h.says(p, "Чи можна здати іспит в іншому місті?")
		h.settle()
		found := false
		for _, tp := range h.srv.Topics(staffChat) {
			found = found || strings.Contains(tp.Name, "Чи можна")
		}
		if !found && i == 0 {
			t.Errorf("«%s» then a question opened no request: topics %+v", typed, h.srv.Topics(staffChat))
		}
	}
	for _, m := range h.srv.Messages(staffChat) {
		if strings.Contains(m.Text, "desk.source") {
			t.Errorf("a card shows a message id: %q", m.Text)
		}
	}
	p := person{id: 11911, lang: "uk"}
	h.says(p, "номер телефону оператора")
	h.settle()
	if h.last(p.id).Text == h.text.Text("uk", "ticket.describe") {
		t.Errorf("a question about an operator's phone was taken for a request for one")
	}
	h.noRejects()
}

// «Добрий день» after /operator is not the question: the bot asks for
// it, and the request is opened with the question, named after it.
func TestGreetingIsNotTheRequest(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11921, lang: "uk"}
	h.says(p, "/operator")
	h.settle()
	h.says(p, "добрий день")
	h.settle()
	if got := h.last(p.id).Text; got != h.text.Text("uk", "ticket.describe_again") {
		t.Errorf("«добрий день» after /operator: %q; want to be asked for the question", got)
	}
	h.says(p, "оператор")
	h.settle()
	if got := h.last(p.id).Text; got != h.text.Text("uk", "ticket.describe_again") {
		t.Errorf("«оператор» again after /operator: %q; want to be asked for the question", got)
	}
	if tps := h.srv.Topics(staffChat); len(tps) != 0 {
		t.Fatalf("a greeting opened a request: %+v", tps)
	}
	h.says(p, "Де отримати техпаспорт після реєстрації?")
	h.settle()
	if tps := h.srv.Topics(staffChat); len(tps) != 1 || !strings.Contains(tps[0].Name, "Де отримати") {
		t.Errorf("topics after the question: %+v", tps)
	}
	// /cancel with the request open: it stays, and the citizen is told
	// so (not «nothing to cancel»).
	h.says(p, "/cancel")
	h.settle()
	if got, want := h.last(p.id).Text, h.text.Text("uk", "cancel.ticket_open", map[string]any{"ID": 1}); got != want {
		t.Errorf("/cancel with a request open: %q; want %q", got, want)
	}
	h.noRejects()
}

// A moderator who forgot «//» and then edits the answer into a note: the
// citizen's copy is not changed into «👤 Оператор: // …»; the moderator is
// told that the citizen has it, and offered to delete it, which deletes
// the citizen's copy and keeps the message as a note from then on.
func TestAnswerEditedIntoANoteIsNotMirrored(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11901, lang: "uk"}
	topic := h.openTicketFor(p, "Коли будуть готові номери?")
	update := h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Колеги, це той самий, що дзвонив учора"})
	copied := h.nth(p.id, 3)
	var id int
	h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE update_id = $1`, update).Scan(&id)
	now := int(time.Now().Unix())
	h.srv.Push(models.Update{EditedMessage: &models.Message{
		ID: id, Date: now, EditDate: now, From: moderator, MessageThreadID: topic.ThreadID, IsTopicMessage: true,
		Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true}, Text: "// Колеги, це той самий, що дзвонив учора",
	}})
	h.settle()
	for _, m := range h.srv.Messages(p.id) {
		if strings.Contains(m.Text, "//") {
			t.Errorf("the citizen's copy became %q", m.Text)
		}
	}
	notice := lastInThread(h, topic.ThreadID)
	if notice.Text != h.text.Text("uk", "desk.edited_into_note_delete") || notice.ReplyTo != id || !hasButton(notice, "tk:x:2") {
		t.Fatalf("the moderator was told %q (a reply to %d, buttons %v)", notice.Text, notice.ReplyTo, notice.Buttons())
	}
	h.staffTaps(moderator, notice, "tk:x:2")
	for _, m := range h.srv.Messages(p.id) {
		if m.ID == copied.ID {
			t.Errorf("the citizen still has %q", m.Text)
		}
	}
	notice = lastInThread(h, topic.ThreadID)
	if notice.Text != h.text.Text("uk", "desk.unsent") || len(notice.Buttons()) != 0 {
		t.Errorf("after 🗑 the notice reads %q with %v", notice.Text, notice.Buttons())
	}
	// From then on it is a note: a further edit goes nowhere, a second tap
	// deletes nothing more.
	n := len(h.srv.Messages(p.id))
	h.srv.Push(models.Update{EditedMessage: &models.Message{
		ID: id, Date: now, EditDate: now + 1, From: moderator, MessageThreadID: topic.ThreadID, IsTopicMessage: true,
		Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true}, Text: "// Колеги, це той самий, що дзвонив позавчора",
	}})
	h.staffTaps(moderator, notice, "tk:x:2")
	if got := len(h.srv.Messages(p.id)); got != n {
		t.Errorf("the citizen got %d more messages", got-n)
	}
	h.noRejects()
}

// A citizen who writes more while the request is open sees a 👌 on the
// message: it reached the operators (before, nothing at all was said).
func TestCitizenMessageInAnOpenRequestIsAcknowledged(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11931, lang: "uk"}
	h.openTicketFor(p, "Коли будуть готові номери?")
	n := len(h.srv.Messages(p.id))
	reactions := func() int {
		c := 0
		for _, rq := range h.srv.RequestsFor("setMessageReaction") {
			if rq.OK() && rq.Get("chat_id") == fmt.Sprint(p.id) && strings.Contains(rq.Get("reaction"), "👌") {
				c++
			}
		}
		return c
	}
	before := reactions()
	h.says(p, "а коли мені дадуть відповідь?")
	h.settle()
	if reactions() != before+1 {
		t.Errorf("the citizen's message in an open request got no 👌 (%d before, %d after)", before, reactions())
	}
	if got := len(h.srv.Messages(p.id)); got != n {
		t.Errorf("%d messages more to the citizen; want none but the reaction", got-n)
	}
	h.noRejects()
}

// A sent «/faq lost_licence» edited to «/faq plates_lost» does not turn
// the citizen's answer into «👤 Оператор: /faq plates_lost»: the copy stays,
// and the moderator is told to send the command again.
func TestEditedFAQCommandIsNotMirrored(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11941, lang: "uk"}
	topic := h.openTicketFor(p, "Загубив права, що робити?")
	update := h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq lost_licence"})
	h.settle()
	h.staffEdits(update, topic.ThreadID, "/faq plates_lost")
	h.settle()
	for _, m := range h.srv.Messages(p.id) {
		if strings.Contains(m.Text, "/faq") {
			t.Errorf("the citizen's answer became %q", m.Text)
		}
	}
	if got := lastInThread(h, topic.ThreadID).Text; got != h.text.Text("uk", "desk.command_edited") {
		t.Errorf("the moderator was told %q", got)
	}
	h.noRejects()
}

// A note edited to drop its «//» stays a note, and the moderator is told
// how to send it (it silently reached nobody).
func TestNoteEditedIntoAnAnswerIsExplained(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11951, lang: "uk"}
	topic := h.openTicketFor(p, "Коли будуть готові номери?")
	update := h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "// Номери будуть готові в четвер"})
	h.settle()
	n := len(h.srv.Messages(p.id))
	h.staffEdits(update, topic.ThreadID, "Номери будуть готові в четвер")
	h.settle()
	if got := lastInThread(h, topic.ThreadID).Text; got != h.text.Text("uk", "desk.note_stays_note") {
		t.Errorf("the moderator was told %q", got)
	}
	if got := len(h.srv.Messages(p.id)); got != n {
		t.Errorf("the citizen got %d messages", got-n)
	}
	h.noRejects()
}

// staffEdits pushes the moderator's edit of their message posted in the
// topic as update (staffPost's return), to read text; it returns the
// message's id.
func (h *harness) staffEdits(update int64, thread int, text string) int {
	h.t.Helper()
	var id int
	h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE update_id = $1`, update).Scan(&id)
	now := int(time.Now().Unix())
	h.srv.Push(models.Update{EditedMessage: &models.Message{
		ID: id, Date: now, EditDate: now, From: moderator, MessageThreadID: thread, IsTopicMessage: true,
		Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true}, Text: text,
		Entities: commandEntity(text),
	}})
	return id
}
