package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
)

// openFieldEdit opens the FAQ editor's card of id and taps the button
// that edits one field (data: "fe:f:..."), returning the card.
func (h *harness) openFieldEdit(admin person, id, data string) bottest.Message {
	h.t.Helper()
	h.says(admin, "/faq")
	h.settle()
	h.taps(admin, h.last(admin.id), "fe:e:"+id)
	h.settle()
	card := h.last(admin.id)
	h.taps(admin, card, data)
	h.settle()
	if prompt := h.last(admin.id); !strings.Contains(prompt.Text, "/cancel") {
		h.t.Fatalf("the prompt does not say how to cancel: %q", prompt.Text)
	}
	return card
}

// beginNewEntry starts a new entry in the vehicle registration topic from
// /faq and types its Ukrainian question, which leaves it half-made.
func (h *harness) beginNewEntry(admin person, question string) {
	h.t.Helper()
	h.says(admin, "/faq")
	h.settle()
	h.taps(admin, h.last(admin.id), "fe:c:vehicle_registration:0")
	h.settle()
	h.taps(admin, h.last(admin.id), "fe:n:vehicle_registration")
	h.settle()
	h.says(admin, question)
	h.settle()
}

// lastAck is the text of the bot's last answer to a button (its toast).
func (h *harness) lastAck() string {
	acks := h.srv.RequestsFor("answerCallbackQuery")
	if len(acks) == 0 {
		return ""
	}
	return acks[len(acks)-1].Params["text"]
}

// A field edit the admin walked away from does not take their next message
// for the field (it used to: «як записатися онлайн?» typed to try the bot
// became the live answer). Another button of the editor, /faq and /cancel
// end it; one left waiting past faqedit.EditLapse changes nothing either,
// and the message is answered as any other.
func TestFAQEditLeftBehindChangesNothing(t *testing.T) {
	const adminID = 9301
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	live := h.answerOf("booking_online", "uk")
	saved := h.text.Text("uk", "faqedit.saved")
	dropped := h.text.Text("uk", "faqedit.edit_dropped")

	// asks types a question to try the bot and returns what came back.
	asks := func(how string) []bottest.Message {
		t.Helper()
		n := len(h.srv.Messages(admin.id))
		h.says(admin, "як записатися онлайн?")
		h.settle()
		got := h.srv.Messages(admin.id)[n:]
		if a := h.answerOf("booking_online", "uk"); a != live {
			t.Fatalf("%s: the live answer became %q", how, a)
		}
		answered := false
		for _, m := range got {
			if strings.Contains(m.Text, saved) {
				t.Errorf("%s: the bot said %q", how, m.Text)
			}
			answered = answered || strings.Contains(m.Text, live)
		}
		if !answered {
			t.Errorf("%s: the question was not answered: %+v", how, got)
		}
		return got
	}

	// Back to the topic by the card's own button.
	card := h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
	h.taps(admin, card, "fe:c:booking:0")
	h.settle()
	if got := h.lastAck(); got != dropped {
		t.Errorf("leaving the edit by a button: the button's answer is %q, want %q", got, dropped)
	}
	asks("after «⬅️ До теми»")

	// /faq in the middle of an edit.
	h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
	h.says(admin, "/faq")
	h.settle()
	if got := h.last(admin.id).Text; !strings.Contains(got, dropped) || !strings.Contains(got, "Редагування відповідей") {
		t.Errorf("/faq during an edit: %q", got)
	}
	asks("after /faq")

	// /cancel, as the prompt says.
	h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
	h.says(admin, "/cancel")
	h.settle()
	if got := h.last(admin.id).Text; got != h.text.Text("uk", "cancel.done") {
		t.Errorf("/cancel during an edit: %q", got)
	}
	asks("after /cancel")

	// /start, /help, the menu: the admin moved on; the text that comes
	// next is not the field's (it was saved as the live answer).
	for _, step := range []func(){
		func() { h.says(admin, "/start") },
		func() { h.says(admin, "/help") },
		func() { h.taps(admin, h.last(admin.id), "m:faq") },
	} {
		h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
		step()
		h.settle()
		got := asks("after moving on")
		if len(got) == 0 || !strings.HasPrefix(got[0].Text, "✏️") || !hasButton(got[0], "fe:f:booking_online:a:uk") {
			t.Errorf("the interrupted edit is not explained with a way to start it again: %+v", got)
		}
	}

	// Another field's button: that field's edit, not the first one's.
	card = h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
	h.taps(admin, card, "fe:f:booking_online:q:uk")
	h.settle()
	h.says(admin, "Як записатися онлайн через сайт?")
	h.settle()
	if got := h.last(admin.id).Text; !strings.Contains(got, saved) || !strings.Contains(got, "Як записатися онлайн через сайт?") {
		t.Errorf("the second field's edit: %q", got)
	}
	if a := h.answerOf("booking_online", "uk"); a != live {
		t.Fatalf("the question's text went into the answer: %q", a)
	}

	// Forgotten for longer than the edit waits.
	h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
	h.st.DB().MustExec(`UPDATE conversations SET updated_at = now() - interval '31 minutes' WHERE chat_id = $1`, adminID)
	got := asks("after half an hour")
	if len(got) == 0 || !strings.HasPrefix(got[0].Text, "⌛") || !strings.Contains(got[0].Text, "30 хвилин") || !hasButton(got[0], "fe:f:booking_online:a:uk") {
		t.Errorf("the lapsed edit is not explained with a way to start it again: %+v", got)
	}
	// Its button starts the edit again, and then the text is taken.
	h.taps(admin, got[0], "fe:f:booking_online:a:uk")
	h.settle()
	h.says(admin, "Запис онлайн — на сайті сервісного центру.")
	h.settle()
	if a := h.answerOf("booking_online", "uk"); a != "Запис онлайн — на сайті сервісного центру." {
		t.Errorf("the edit started again from the note saved %q", a)
	}
	h.noRejects()
}

// An answer typed without formatting is saved as typed, «<» and «&» and
// all (it was refused with «Unsupported start tag "" at byte offset 17»);
// tags that try and fail are explained in the editor's language, with no
// parser's English.
func TestFAQAnswerTypedWithSignsShowsAsTyped(t *testing.T) {
	const adminID = 9311
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	cit := person{id: 9312, lang: "uk"}
	const typed = "Вартість < 500 грн & без черги > 2 год"

	h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
	h.says(admin, typed)
	h.settle()
	if got := h.last(admin.id).Text; !strings.Contains(got, h.text.Text("uk", "faqedit.saved")) {
		t.Fatalf("the answer with «<», «&» and «>»: %q", got)
	}
	h.says(cit, "як записатися онлайн?")
	h.settle()
	if got := h.last(cit.id).PlainText; !strings.Contains(got, typed) {
		t.Errorf("the citizen reads %q, want %q as typed", got, typed)
	}

	// Tags that try and break: said in Ukrainian, the draft stays.
	h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:uk")
	for _, c := range []struct{ typed, says string }{
		{"Нова відповідь <b>без закриття", "бракує </b>"},
		{"Рядок<br>другий", "тегу <br> у Telegram немає"},
		{"<b><i>текст</b></i>", "на місці </b> спершу має бути </i>"},
	} {
		h.says(admin, c.typed)
		h.settle()
		got := h.last(admin.id).PlainText
		if !strings.HasPrefix(got, "Схоже, у відповіді є HTML-теги") || !strings.Contains(got, c.says) ||
			strings.Contains(got, "byte offset") || strings.Contains(got, "tag") {
			t.Errorf("%q: the editor is told %q", c.typed, got)
		}
	}
	if a := h.answerOf("booking_online", "uk"); a != "Вартість &lt; 500 грн &amp; без черги > 2 год" {
		t.Errorf("a refused answer changed the entry: %q", a)
	}
	h.says(admin, "<b>Ціна < 500 грн</b>")
	h.settle()
	if a := h.answerOf("booking_online", "uk"); a != "<b>Ціна &lt; 500 грн</b>" {
		t.Errorf("the answer after the refusals: %q", a)
	}
	h.noRejects()
}

// An admin with a Ukrainian interface who writes an entry's Russian answer
// keeps the Ukrainian interface (the language written in switches it for
// citizens only).
func TestWritingARussianAnswerKeepsTheEditorsLanguage(t *testing.T) {
	const adminID = 9321
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	h.openFieldEdit(admin, "booking_online", "fe:f:booking_online:a:ru")
	h.says(admin, "Записаться можно на сайте сервисного центра, это бесплатно.")
	h.settle()
	if got := h.last(admin.id).Text; !strings.Contains(got, h.text.Text("uk", "faqedit.saved")) {
		t.Errorf("after a Russian answer the editor says %q; want Ukrainian", got)
	}
	h.says(admin, "/faq")
	h.settle()
	if got := h.last(admin.id).Text; !strings.Contains(got, "Редагування відповідей") {
		t.Errorf("/faq after a Russian answer: %q; want the Ukrainian editor", got)
	}
	h.noRejects()
}

// A new entry left half-made (its Ukrainian question and answer written,
// then /faq, or half an hour away) is kept hidden, not lost: citizens do
// not see it, the admin is told with its card's button, and «👁 Показати»
// waits until every language has its question and answer.
func TestHalfMadeNewEntryIsKeptHidden(t *testing.T) {
	const adminID = 9311
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	h.beginNewEntry(admin, "Чи можна зареєструвати причіп без техогляду?")
	h.says(admin, "Так, для причепа техогляд не потрібен.")
	h.settle()
	h.says(admin, "/faq")
	h.settle()
	var kept bottest.Message
	for _, m := range h.srv.Messages(admin.id) {
		if strings.HasPrefix(m.Text, "📝") {
			kept = m
		}
	}
	var id string
	h.st.DB().Get(&id, `SELECT id FROM faq_entries WHERE pack = 'hsc' AND entry->'question'->>'uk' = $1 AND hidden`, "Чи можна зареєструвати причіп без техогляду?")
	if id == "" || !strings.Contains(kept.Text, "Чи можна зареєструвати причіп без техогляду?") || !hasButton(kept, "fe:e:"+id) {
		t.Fatalf("the half-made entry is not kept hidden and told of: %q (%q) %s", id, kept.Text, kept.ReplyMarkup)
	}
	// Another begun at once and kept too takes a name of its own: an
	// entry the FAQ in memory does not know yet (kept a moment ago, or
	// saved by another editor's replica) is not overwritten.
	var n int
	fmt.Sscanf(strings.TrimPrefix(id, "vehicle_registration_"), "%d", &n)
	next := fmt.Sprintf("vehicle_registration_%d", n+1)
	h.st.DB().MustExec(`INSERT INTO faq_entries (pack, id, category, position, hidden, entry, updated_at)
		SELECT pack, $1, category, position + 1, true, jsonb_set(entry::jsonb, '{id}', to_jsonb($1::text))::json, now() FROM faq_entries WHERE pack = 'hsc' AND id = $2`, next, id)
	h.taps(admin, h.last(admin.id), "fe:c:vehicle_registration:0")
	h.settle()
	h.taps(admin, h.last(admin.id), "fe:n:vehicle_registration")
	h.settle()
	h.says(admin, "Чи потрібен техогляд для квадроцикла?")
	h.settle()
	h.says(admin, "/faq")
	h.settle()
	var kept2 int
	h.st.DB().Get(&kept2, `SELECT count(*) FROM faq_entries WHERE pack = 'hsc' AND hidden AND entry->'question'->>'uk' IN ($1, $2)`,
		"Чи можна зареєструвати причіп без техогляду?", "Чи потрібен техогляд для квадроцикла?")
	if kept2 != 3 {
		t.Errorf("half-made entries kept one after the other: %d of the 3 are in the FAQ; want all", kept2)
	}
	var third string
	h.st.DB().Get(&third, `SELECT id FROM faq_entries WHERE pack = 'hsc' AND entry->'question'->>'uk' = $1`, "Чи потрібен техогляд для квадроцикла?")
	if want := fmt.Sprintf("vehicle_registration_%d", n+2); third != want {
		t.Errorf("the entry kept after one its name was taken by is %q; want the next number, %s", third, want)
	}
	// Citizens do not get it.
	p := person{id: 9312, lang: "uk"}
	h.says(p, "Чи можна зареєструвати причіп без техогляду?")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "для причепа техогляд не потрібен") {
		t.Errorf("a citizen got the hidden half-made answer: %q", got)
	}
	// Nor is it sent to a citizen by a moderator's /faq.
	c := person{id: 9313, lang: "ru"}
	topic := h.openTicketFor(c, "Прицеп без техосмотра можно?")
	sent := len(h.srv.Messages(c.id))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq " + id})
	h.settle()
	if got := h.srv.Messages(c.id)[sent:]; len(got) != 0 {
		t.Errorf("/faq with a hidden entry sent the citizen %q", got[0].Text)
	}
	if _, ok := h.lastWith(staffChat, "<code>"+id+"</code>"); !ok {
		t.Error("the moderator was not told why the hidden entry was not sent")
	}
	// Shown only when finished.
	h.taps(admin, kept, "fe:e:"+id)
	h.settle()
	h.taps(admin, h.last(admin.id), "fe:h:"+id)
	h.settle()
	if got := h.last(admin.id).Text; !strings.Contains(got, h.text.Text("uk", "faqedit.incomplete", map[string]any{"Lang": "RU"})) {
		t.Errorf("showing a half-made entry: %q", got)
	}
	var hidden bool
	h.st.DB().Get(&hidden, `SELECT hidden FROM faq_entries WHERE pack = 'hsc' AND id = $1`, id)
	if !hidden {
		t.Error("the half-made entry was shown to citizens")
	}
	h.noRejects()
}

// A new entry being written is kept hidden, with the notice, when another
// dialog takes the conversation's place (/rate, /operator, the menu's ⭐)
// or /cancel ends it: it used to vanish without a word.
func TestHalfMadeNewEntryIsKeptWhenAnotherDialogTakesOver(t *testing.T) {
	const adminID = 9321
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	h.says(admin, "/menu")
	h.settle()
	menu := h.last(admin.id)
	for i, leave := range []struct {
		name string
		do   func()
	}{
		{"/rate", func() { h.says(admin, "/rate") }},
		{"/operator", func() { h.says(admin, "/operator") }},
		{"the menu's ⭐", func() { h.taps(admin, menu, "m:rate") }},
		{"/cancel", func() { h.says(admin, "/cancel") }},
		{"«скасувати»", func() { h.says(admin, "скасувати") }},
	} {
		question := fmt.Sprintf("Чи можна зареєструвати причіп №%d без техогляду?", i+1)
		h.beginNewEntry(admin, question)
		n := len(h.srv.Messages(admin.id))
		leave.do()
		h.settle()
		var notice bottest.Message
		for _, m := range h.srv.Messages(admin.id)[n:] {
			if strings.HasPrefix(m.Text, "📝") {
				notice = m
			}
		}
		var id string
		h.st.DB().Get(&id, `SELECT id FROM faq_entries WHERE pack = 'hsc' AND entry->'question'->>'uk' = $1 AND hidden`, question)
		if id == "" || !strings.Contains(notice.Text, question) || !hasButton(notice, "fe:e:"+id) {
			t.Errorf("%s: the half-made entry is not kept hidden and told of: %q (%q)", leave.name, id, notice.Text)
		}
		if leave.name == "/cancel" {
			if got := h.last(admin.id).Text; got != h.text.Text("uk", "cancel.done") {
				t.Errorf("/cancel with a half-made entry: %q", got)
			}
		}
		h.says(admin, "/cancel")
		h.settle()
	}
	h.noRejects()
}
