package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store/pgtest"
)

const integrityChat = -1003000000003

func newIntegrityHarness(t *testing.T) *harness {
	t.Helper()
	return newPackIntegrityHarness(t, "hsc")
}

// newPackIntegrityHarness is newIntegrityHarness for the pack named.
func newPackIntegrityHarness(t *testing.T, pack string) *harness {
	t.Helper()
	return newHarnessWith(t, []models.Chat{{ID: integrityChat, Type: models.ChatTypeSupergroup, Title: "Integrity"}},
		func(c *Config) { c.Pack = pack; c.IntegrityChatID = integrityChat })
}

// reporter is a citizen with a full name and a Username: what the
// database must not tie to their report.
type reporter struct {
	h *harness
	u models.User
}

func (h *harness) reporter(id int64) reporter {
	return reporter{h, models.User{ID: id, FirstName: "Олена", LastName: "Ковальчук", Username: "olena_kov", LanguageCode: "uk"}}
}

func (r reporter) send(m models.Message) {
	m.From, m.Date = &r.u, int(time.Now().Unix())
	m.Chat = models.Chat{ID: r.u.ID, Type: models.ChatTypePrivate, FirstName: r.u.FirstName, LastName: r.u.LastName, Username: r.u.Username}
	m.Entities = commandEntity(m.Text)
	r.h.srv.Push(models.Update{Message: &m})
}

func (r reporter) says(text string) { r.send(models.Message{Text: text}) }

func (r reporter) taps(msg bottest.Message, data string) {
	r.h.taps(person{id: r.u.ID, lang: "uk"}, msg, data)
}

// repliesTo answers the bot's message msg with a Telegram reply, as
// Telegram delivers it: the message replied to comes with its buttons.
func (r reporter) repliesTo(msg bottest.Message, text string) {
	var kb models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(msg.ReplyMarkup), &kb); err != nil {
		r.h.t.Fatalf("the message replied to has no keyboard: %v", err)
	}
	r.send(models.Message{Text: text, ReplyToMessage: &models.Message{
		ID: msg.ID, Date: int(msg.At.Unix()), From: &models.User{ID: 1, IsBot: true, FirstName: "bot"},
		Chat: models.Chat{ID: r.u.ID, Type: models.ChatTypePrivate}, Text: msg.PlainText, ReplyMarkup: &kb,
	}})
}

// lastWith returns the last message in chat that contains s.
func (h *harness) lastWith(chat int64, s string) (bottest.Message, bool) {
	ms := h.srv.Messages(chat)
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(ms[i].Text, s) {
			return ms[i], true
		}
	}
	return bottest.Message{}, false
}

// gets says text and returns the bot's last message once it is handled.
func (r reporter) gets(text string) string {
	r.says(text)
	r.h.settle()
	return r.h.last(r.u.ID).Text
}

// chooses sends /report and taps how to report: turn.CbReport's "a"
// (anonymously) or "n" (by name).
func (r reporter) chooses(how string) {
	r.says("/report")
	r.h.settle()
	r.taps(r.h.last(r.u.ID), turn.CbReport+":"+how)
	r.h.settle()
}

// typesAfterReport sends /report, then text, and returns the bot's last
// message.
func (r reporter) typesAfterReport(text string) string {
	r.says("/report")
	r.h.settle()
	return r.gets(text)
}

// fileAnonymousReport walks a reporter through /report, «anonymously» and
// the report's text, and returns the report's card in the integrity chat.
func (r reporter) fileAnonymousReport(text string) bottest.Message {
	r.h.t.Helper()
	return r.fileReport("a", text)
}

// fileReport is fileAnonymousReport with the choice how: "a"
// (anonymously) or "n" (with the reporter's name).
func (r reporter) fileReport(how, text string) bottest.Message {
	h := r.h
	h.t.Helper()
	n := len(h.srv.Messages(r.u.ID))
	r.says("/report")
	intro := h.nth(r.u.ID, n+1)
	r.taps(intro, turn.CbReport+":"+how)
	h.settle()
	r.says(text)
	h.settle()
	card, ok := h.lastWith(integrityChat, firstWords(text))
	if !ok {
		h.t.Fatalf("no card in the integrity chat: %+v", h.srv.Messages(integrityChat))
	}
	return card
}

func TestAnonymousReportLeavesNothingThatLinksItToThePerson(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(11701)
	r.says("/start")
	h.settle()
	var before string
	h.st.DB().QueryRow(`SELECT xmin::text || ' ' || seen_at::text FROM users WHERE id = 11701`).Scan(&before)
	const report = "У ТСЦ 8046 адміністратор продавав талони без черги по 500 грн"
	card := r.fileAnonymousReport(report)
	// Evidence: a photo without a caption, while the report is open.
	r.send(models.Message{Photo: []models.PhotoSize{{FileID: "photo-evidence", FileUniqueID: "pe", Width: 90, Height: 90}}})
	h.settle()

	// Integrity staff ask; the reporter answers with a Telegram reply.
	const question = "Дякуємо. Чи можете вказати ім’я адміністратора?"
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: question})
	h.settle()
	asked, ok := h.lastWith(r.u.ID, "Чи можете вказати ім’я")
	if !ok || !strings.Contains(asked.Text, "№1") || !hasButton(asked, turn.CbReportAnswer+":1") {
		t.Fatalf("the reporter's question: %q %s", asked.Text, asked.ReplyMarkup)
	}
	const answer = "Його звати Петро, вікно номер 3"
	r.repliesTo(asked, answer)
	h.settle()

	// The integrity chat has the text, the photo and the answer, under the
	// pseudonym and the report's number, and nothing naming the person.
	posted := h.srv.Messages(integrityChat)
	var photo, answered bool
	for _, m := range posted {
		for _, leak := range []string{"11701", "Олена", "Ковальчук", "olena_kov", "tg://user"} {
			if strings.Contains(m.Text, leak) {
				t.Errorf("the integrity chat shows %q: %s", leak, m.Text)
			}
		}
		if m.Method == "copyMessage" && m.FromChat == r.u.ID && m.ReplyTo == card.ID {
			photo = true
		}
		if strings.Contains(m.Text, answer) && strings.Contains(m.Text, "№1") && m.ReplyTo == card.ID {
			answered = true
		}
	}
	// (The fake keeps a pushed photo as a message without media: the
	// caption the bot asked for is read from the request.)
	captioned := false
	for _, rq := range h.srv.RequestsFor("copyMessage") {
		if rq.Get("chat_id") == strconv.FormatInt(integrityChat, 10) && rq.Get("from_chat_id") == "11701" && strings.Contains(rq.Get("caption"), "№1") {
			captioned = true
		}
	}
	photo = photo && captioned
	if !strings.Contains(card.Text, "500 грн") || !photo || !answered {
		t.Errorf("the integrity chat: card %q, photo %v, answer %v\n%+v", card.Text, photo, answered, posted)
	}
	// Nothing of it reached the moderators, the FAQ's unanswered list, or
	// any table but the report's own.
	if ms := h.srv.Messages(staffChat); len(ms) != 0 {
		t.Errorf("the moderators' chat got %+v", ms)
	}
	for _, hit := range pgtest.Search(t, h.st.DB(), answer, "Петро") {
		t.Errorf("the answer is kept: %s", hit)
	}
	for _, hit := range pgtest.Search(t, h.st.DB(), report) {
		if !strings.HasPrefix(hit, "integrity_reports ") {
			t.Errorf("the report's text is kept outside the report: %s", hit)
		}
	}

	// No row holds both something of the report and something of the person.
	var when, pseudonym string
	h.st.DB().QueryRow(`SELECT trim(both '"' from to_json(created_at)::text), pseudonym FROM integrity_reports`).Scan(&when, &pseudonym)
	if when == "" || pseudonym == "" {
		t.Fatal("no report stored")
	}
	ofReport := []string{report, "8046", pseudonym, when, "№1", `"report_id":1`}
	ofPerson := []string{"11701", "Олена", "Ковальчук", "olena_kov"}
	for _, hit := range pgtest.Search(t, h.st.DB(), ofPerson...) {
		for _, n := range ofReport {
			if strings.Contains(hit, n) {
				t.Errorf("a row about the person holds %q of the report: %s", n, hit)
			}
		}
	}
	for _, hit := range pgtest.Search(t, h.st.DB(), ofReport...) {
		for _, n := range ofPerson {
			if strings.Contains(hit, n) {
				t.Errorf("a row of the report holds %q of the person: %s", n, hit)
			}
		}
	}
	// The person is still a user of the bot, but no turn of the report
	// flow wrote to their row: not even when it saw them last.
	var after string
	h.st.DB().QueryRow(`SELECT xmin::text || ' ' || seen_at::text FROM users WHERE id = 11701`).Scan(&after)
	if before == "" || after != before {
		t.Errorf("the report flow wrote the person's user row: %q, then %q", before, after)
	}
	h.noRejects()
}

func TestReporterWithAnOpenTicketAnswersTheIntegrityTeam(t *testing.T) {
	h := newIntegrityHarness(t)
	p := person{id: 11801, lang: "uk"}
	topic := h.openTicketFor(p, "Як записатися на іспит з водіння?")
	r := reporter{h, *p.user()}
	card := r.fileAnonymousReport("На іспиті екзаменатор натякав на подяку")
	r.taps(h.last(p.id), turn.CbReportDone+":")
	h.settle()

	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "Коли саме це було?"})
	h.settle()
	q, ok := h.lastWith(p.id, "Коли саме це було?")
	if !ok {
		t.Fatal("the reporter did not get the question")
	}
	asked := q.At
	// Not a reply: any message soon after the question is the answer.
	const answer = "Минулої середи о 10:15, талон Б-217"
	r.says(answer)
	h.settle()
	if m, ok := h.lastWith(integrityChat, answer); !ok || !strings.Contains(m.Text, "№1") {
		t.Errorf("the answer did not reach the integrity chat: %+v", h.srv.Messages(integrityChat))
	}
	for _, m := range h.srv.Messages(staffChat) {
		if strings.Contains(m.Text, "Б-217") || m.ThreadID == topic.ThreadID && m.Method == "copyMessage" && m.FromChat == p.id && m.At.After(asked) {
			t.Errorf("the answer reached the moderators: %+v", m)
		}
	}
	if hits := pgtest.Search(t, h.st.DB(), "Б-217"); len(hits) != 0 {
		t.Errorf("the answer is kept: %v", hits)
	}
	h.noRejects()
}

func TestIntegrityStaffCloseAReportAndTheReporterIsTold(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(11901)
	card := r.fileAnonymousReport("Охоронець брав гроші за місце в черзі")
	if !hasButton(card, turn.CbReportClose+":1") {
		t.Fatalf("the card has no Close button: %s", card.ReplyMarkup)
	}
	// Adding to the report later, from the list of open ones.
	r.taps(h.last(r.u.ID), turn.CbReportDone+":")
	h.settle()
	r.says("/report")
	h.settle()
	list := h.last(r.u.ID)
	if !hasButton(list, turn.CbReportAdd+":1") {
		t.Fatalf("/report does not offer the open report: %q %s", list.Text, list.ReplyMarkup)
	}
	r.taps(list, turn.CbReportAdd+":1")
	h.settle()
	r.says("Це було в понеділок")
	h.settle()
	if m, ok := h.lastWith(integrityChat, "понеділок"); !ok || m.ReplyTo != card.ID {
		t.Errorf("the addition: %+v", m)
	}

	h.srv.Push(models.Update{CallbackQuery: &models.CallbackQuery{
		ID: "close1", From: *moderator, Data: turn.CbReportClose + ":1", ChatInstance: "ci",
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: card.ID, Date: int(time.Now().Unix()),
			Chat: models.Chat{ID: integrityChat, Type: models.ChatTypeSupergroup}}},
	}})
	h.settle()
	if _, ok := h.lastWith(r.u.ID, h.text.Text("uk", "report.closed", map[string]any{"ID": 1})); !ok {
		t.Errorf("the reporter was not told: %q", h.last(r.u.ID).Text)
	}
	var box []byte
	h.st.DB().QueryRow(`SELECT reporter_box FROM integrity_reports WHERE id = 1`).Scan(&box)
	if box != nil {
		t.Error("a closed report still leads to its reporter")
	}
	if c, _ := h.lastWith(integrityChat, "Охоронець"); hasButton(c, turn.CbReportClose+":1") {
		t.Errorf("the closed report's card still has its Close button: %s", c.ReplyMarkup)
	}
	// A question to a closed report reaches no one.
	before := len(h.srv.Messages(r.u.ID))
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "Ще одне питання"})
	h.settle()
	if n := len(h.srv.Messages(r.u.ID)); n != before {
		t.Errorf("the reporter of a closed report got %d more messages", n-before)
	}
	h.noRejects()
}

func TestCorruptedReportDraftIsSentAnonymously(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(12001)
	r.says("/report")
	r.taps(h.nth(r.u.ID, 1), turn.CbReport+":n") // with my name
	h.settle()
	// The saved dialog no longer reads (a damaged row, a lost key).
	if _, err := h.st.DB().Exec(`UPDATE integrity_dialogs SET box = '\x00112233'`); err != nil {
		t.Fatal(err)
	}
	r.says("Вимагали гроші за довідку")
	h.settle()
	card, ok := h.lastWith(integrityChat, "довідку")
	if !ok {
		t.Fatalf("the report was not sent: %+v", h.srv.Messages(integrityChat))
	}
	for _, leak := range []string{"12001", "Олена", "olena_kov", "tg://user"} {
		if strings.Contains(card.Text, leak) {
			t.Errorf("a report whose draft could not be read shows %q: %s", leak, card.Text)
		}
	}
	if !strings.Contains(card.Text, h.text.Text("uk", "report.card_anonymous")) {
		t.Errorf("the card does not say anonymous: %s", card.Text)
	}
	// The team answers in the reporter's language: the card says which.
	if !strings.Contains(card.Text, h.text.Text("uk", "report.card_lang.uk")) {
		t.Errorf("the card does not say the reporter's language: %s", card.Text)
	}
	h.noRejects()
}

func TestMysteryShopperBriberyGoesToTheIntegrityChatOnly(t *testing.T) {
	h := newIntegrityHarness(t)
	p := person{id: 12101, lang: "uk"}
	const bribe = "Біля входу чоловік пропонував талон без черги за 500 грн"
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	h.fillSurvey(p, "mystery", func(qq *dialogs.Question) string {
		switch qq.ID {
		case "slot_for_money":
			return dialogs.ChoiceYes
		case "integrity_details":
			return bribe
		}
		return typical(qq)
	})
	draft := h.draft(p, "mystery")
	before := len(h.srv.Messages(p.id))
	h.taps(p, h.last(p.id), "qs:m:send")
	h.settle()
	// One thanks, with one menu under it: not a second menu for the report.
	menus := 0
	for _, m := range h.srv.Messages(p.id) {
		if hasButton(m, "m:faq") {
			menus++
		}
	}
	if after := h.srv.Messages(p.id); menus > 1 || len(after) > before+1 {
		for _, m := range after[before:] {
			t.Logf("after send: %q %s", m.Text, m.ReplyMarkup)
		}
		t.Errorf("sending the questionnaire showed %d menus in %d new messages; want one thanks with the menu", menus, len(after)-before)
	}

	card, ok := h.lastWith(integrityChat, "за 500 грн")
	if !ok {
		t.Fatalf("the integrity chat: %+v", h.srv.Messages(integrityChat))
	}
	centre, _ := h.app.Pack.Centre(draft.Centre)
	today := time.Now().In(h.app.Pack.Hours().Location()).Format("02.01.2006")
	if !strings.Contains(card.Text, h.app.Pack.Local(centre.Name, "uk")) || !strings.Contains(card.Text, today) {
		t.Errorf("the card lacks the centre or the visit date (%s): %s", today, card.Text)
	}
	if strings.Contains(card.Text, "12101") || strings.Contains(card.Text, "Олена") {
		t.Errorf("the card names the shopper: %s", card.Text)
	}
	// The review card comes, without the description.
	ref := dialogs.Ref("mystery", draft.ID)
	h.srv.Wait(t, 20*time.Second, "the review card", func(s *bottest.Server) bool {
		_, ok := h.lastWith(staffChat, ref)
		return ok
	})
	for _, m := range h.srv.Messages(staffChat) {
		if strings.Contains(m.Text, "500 грн") || strings.Contains(m.Text, "🛡") {
			t.Errorf("the moderators' chat shows the integrity answers: %s", m.Text)
		}
	}
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/export 7d"})
	h.settle()
	docs := h.srv.RequestsFor("sendDocument")
	if len(docs) != 1 {
		t.Fatalf("sendDocument called %d times", len(docs))
	}
	for _, f := range docs[0].Files {
		if bytes.Contains(f.Data, []byte("500 грн")) || !bytes.Contains(f.Data, []byte(ref)) {
			t.Errorf("the CSV:\n%s", f.Data)
		}
	}
	var owner *int64
	h.st.DB().QueryRowContext(context.Background(), `SELECT user_id FROM responses WHERE id = $1`, draft.ID).Scan(&owner)
	if owner != nil {
		t.Error("the response that made the report still names its author")
	}
	h.noRejects()
}

func TestForgetErasesTheLinkFromReportsToThePerson(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(12201)
	card := r.fileAnonymousReport("Черговий вимагав гроші за бланк")
	r.says("/forget")
	h.settle()
	r.taps(h.last(r.u.ID), turn.CbForget+":y")
	h.settle()
	var box []byte
	h.st.DB().QueryRow(`SELECT reporter_box FROM integrity_reports WHERE id = 1`).Scan(&box)
	var dialogs int
	h.st.DB().QueryRow(`SELECT count(*) FROM integrity_dialogs`).Scan(&dialogs)
	if box != nil || dialogs != 0 {
		t.Errorf("after /forget: box %x, %d report dialogs", box, dialogs)
	}
	before := len(h.srv.Messages(r.u.ID))
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "Де саме це сталося?"})
	h.settle()
	if n := len(h.srv.Messages(r.u.ID)); n != before {
		t.Errorf("a forgotten reporter got %d more messages", n-before)
	}
	if _, ok := h.lastWith(integrityChat, h.text.Text("uk", "report.staff_unreachable", map[string]any{"ID": 1})); !ok {
		t.Errorf("integrity staff were not told the reporter is out of reach: %+v", h.srv.Messages(integrityChat))
	}
	h.noRejects()
}

func TestAnswerButtonTakesTheNextMessageAsTheAnswer(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(12301)
	card := r.fileAnonymousReport("Просили гроші за швидший огляд авто")
	r.taps(h.last(r.u.ID), turn.CbReportDone+":")
	h.settle()
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "Скільки саме просили?"})
	h.settle()
	asked, _ := h.lastWith(r.u.ID, "Скільки саме просили?")
	// The half hour has passed; the button still opens the answer.
	if _, err := h.st.DB().Exec(`UPDATE integrity_reports SET answer_until = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	r.taps(asked, turn.CbReportAnswer+":1")
	h.settle()
	if _, ok := h.lastWith(r.u.ID, h.text.Text("uk", "report.answer_prompt", map[string]any{"ID": 1})); !ok {
		t.Fatalf("no prompt for the answer: %q", h.last(r.u.ID).Text)
	}
	r.says("Тисячу гривень, без квитанції")
	h.settle()
	m, ok := h.lastWith(integrityChat, "Тисячу гривень")
	if !ok || !strings.Contains(m.Text, "відповідь заявника") || m.ReplyTo != card.ID {
		t.Errorf("the answer in the integrity chat: %+v", m)
	}
	if hits := pgtest.Search(t, h.st.DB(), "Тисячу гривень"); len(hits) != 0 {
		t.Errorf("the answer is kept: %v", hits)
	}
	h.noRejects()
}

// The choice «🕶 Анонімно» / «👤 Від свого імені» says what each means,
// and the next prompt confirms the one taken.
func TestReportChoiceIsExplainedAndConfirmed(t *testing.T) {
	h := newIntegrityHarness(t)
	for i, c := range []struct{ arg, want string }{{"a", "Ви повідомляєте анонімно"}, {"n", "Ви повідомляєте від свого імені"}} {
		r := h.reporter(int64(12101 + i))
		r.says("/report")
		intro := h.nth(r.u.ID, 1)
		for _, want := range []string{"Анонімно</b> — команда доброчесності побачить лише ваш текст", "ім’я та профіль у Telegram", "може поставити вам запитання тут, у боті"} {
			if !strings.Contains(intro.Text, want) {
				t.Errorf("the choice does not explain %q:\n%s", want, intro.Text)
			}
		}
		r.taps(intro, turn.CbReport+":"+c.arg)
		h.settle()
		if got := h.srv.Messages(r.u.ID)[0].Text; !strings.HasPrefix(got, "🕶 "+c.want) && !strings.HasPrefix(got, "👤 "+c.want) || !strings.Contains(got, "Опишіть, що сталося") {
			t.Errorf("after %s the prompt is %q; want it to confirm %q", c.arg, got, c.want)
		}
	}
	h.noRejects()
}

// «скасувати» typed while a report is being written is /cancel: no report
// is filed, and nothing reaches the integrity chat.
func TestTypedCancelEndsAReportUnfiled(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(12701)
	r.says("/report")
	r.taps(h.nth(r.u.ID, 1), turn.CbReport+":a")
	h.settle()
	before := len(h.srv.Messages(integrityChat))
	r.says("Скасувати")
	h.settle()
	if got := h.last(r.u.ID).Text; got != h.text.Text("uk", "cancel.done") {
		t.Errorf("«Скасувати» while writing a report: %q", got)
	}
	if n := len(h.srv.Messages(integrityChat)); n != before {
		t.Errorf("%d posts reached the integrity chat", n-before)
	}
	var reports int
	if err := h.st.DB().Get(&reports, `SELECT count(*) FROM integrity_reports`); err != nil || reports != 0 {
		t.Errorf("%d reports filed (%v)", reports, err)
	}

	// Filed, then /cancel while more may be added: the report stays, and
	// the person is told so, not «cancelled».
	r.says("/report")
	r.taps(h.last(r.u.ID), turn.CbReport+":a")
	h.settle()
	r.says("Адміністратор попросив 500 грн за швидше оформлення")
	h.settle()
	r.says("/cancel")
	h.settle()
	if got, want := h.last(r.u.ID).Text, h.text.Text("uk", "cancel.report_kept", map[string]any{"ID": 1}); got != want {
		t.Errorf("/cancel after a report was filed: %q; want %q", got, want)
	}
	if err := h.st.DB().Get(&reports, `SELECT count(*) FROM integrity_reports WHERE closed_at IS NULL`); err != nil || reports != 1 {
		t.Errorf("%d open reports after /cancel (%v); want the one filed", reports, err)
	}
	h.noRejects()
}

// asShown is the bot's message m as Telegram delivers it inside an update
// (a button's message, the message a reply answers): its text and entities.
func asShown(m bottest.Message, chat int64) *models.Message {
	out := &models.Message{ID: m.ID, Date: int(m.At.Unix()), Chat: models.Chat{ID: chat, Type: models.ChatTypeSupergroup},
		From: &models.User{ID: 1, IsBot: true, FirstName: "bot"}, Text: m.PlainText}
	for _, e := range m.Entities {
		out.Entities = append(out.Entities, models.MessageEntity{Type: models.MessageEntityType(e.Type), Offset: e.Offset, Length: e.Length, URL: e.URL})
	}
	return out
}

// The integrity team sees what its replies do: the card says that a reply
// starting with // stays a note, a question that went to the reporter gets a
// 🕊 (a reaction, not one more message in the chat), and a closed card says
// it is closed, by whom and when, instead of how to close it.
func TestIntegrityTeamSeesWhatItsRepliesDo(t *testing.T) {
	h := newIntegrityHarness(t)
	team := &models.User{ID: 900, FirstName: "Оксана", LastName: "ДВБ"}
	r := h.reporter(12101)
	card := r.fileAnonymousReport("Інспектор просив 2000 грн за здачу іспиту")
	if !strings.Contains(card.PlainText, "//") || !strings.Contains(card.PlainText, "нотатк") {
		t.Errorf("the card does not say how to write a note: %q", card.PlainText)
	}
	r.taps(h.last(r.u.ID), turn.CbReportDone+":")
	h.settle()

	botPosts := func() int {
		n := 0
		for _, m := range h.srv.Messages(integrityChat) {
			if m.Method != "update" {
				n++
			}
		}
		return n
	}
	reactedTo := func(id int) string {
		for _, rq := range h.srv.RequestsFor("setMessageReaction") {
			if rq.OK() && rq.Int("message_id") == int64(id) && rq.Get("chat_id") == strconv.FormatInt(integrityChat, 10) {
				return rq.Get("reaction")
			}
		}
		return ""
	}
	// pushed is the id the fake gave the team's message text.
	pushed := func(text string) int {
		var id int
		h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE payload->'message'->>'text' = $1`, text).Scan(&id)
		if id == 0 {
			t.Fatalf("no message %q in the inbox", text)
		}
		return id
	}
	posts, toReporter := botPosts(), len(h.srv.Messages(r.u.ID))

	// A note stays in the chat.
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "// беру собі", From: team})
	h.settle()
	if n := len(h.srv.Messages(r.u.ID)); n != toReporter {
		t.Errorf("a //note reached the reporter: %q", h.last(r.u.ID).Text)
	}
	if got := reactedTo(pushed("// беру собі")); got != "" {
		t.Errorf("a //note got the reaction of a question sent: %s", got)
	}

	// A question goes, and the team's message says so with a 🕊.
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "Коли саме це було?", From: team})
	h.settle()
	if _, ok := h.lastWith(r.u.ID, "Коли саме це було?"); !ok {
		t.Fatal("the question did not reach the reporter")
	}
	if got := reactedTo(pushed("Коли саме це було?")); !strings.Contains(got, "🕊") {
		t.Errorf("the question sent got no 🕊: %q", got)
	}
	if n := botPosts(); n != posts {
		t.Errorf("the bot posted %d more messages in the integrity chat for a note and a question", n-posts)
	}

	// Closed by the card's button: the card says so.
	h.srv.Push(models.Update{CallbackQuery: &models.CallbackQuery{
		ID: "close-card", From: *team, Data: turn.CbReportClose + ":1", ChatInstance: "ci",
		Message: models.MaybeInaccessibleMessage{Message: asShown(card, integrityChat)},
	}})
	h.settle()
	closed, _ := h.lastWith(integrityChat, "Інспектор просив")
	if closed.ID != card.ID || hasButton(closed, turn.CbReportClose+":1") || strings.Contains(closed.PlainText, "/close") ||
		!strings.Contains(closed.PlainText, "✅ Закрито · Оксана ДВБ · ") || !strings.Contains(closed.PlainText, time.Now().In(h.app.Pack.Hours().Location()).Format("02.01.2006")) {
		t.Errorf("the closed card: %q %s", closed.PlainText, closed.ReplyMarkup)
	}
	if !strings.Contains(closed.PlainText, "анонімно") || !strings.Contains(closed.PlainText, "2000 грн") {
		t.Errorf("the closed card lost the report: %q", closed.PlainText)
	}
	// A question to the closed report: the team is told it was not sent.
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "А хто саме?", From: team})
	h.settle()
	if _, ok := h.lastWith(integrityChat, h.text.Text("uk", "report.staff_closed_not_asked", map[string]any{"ID": 1})); !ok {
		t.Errorf("a question to a closed report is not said to be unsent: %q", h.last(integrityChat).Text)
	}
	for _, leak := range []string{"12101", "Олена", "Ковальчук", "olena_kov"} {
		if strings.Contains(closed.Text, leak) {
			t.Errorf("the closed card shows %q: %s", leak, closed.Text)
		}
	}

	// A named report closed by /close in reply to its card keeps the
	// reporter's line, which only the card holds.
	r2 := h.reporter(12102)
	r2.says("/report")
	h.settle()
	r2.taps(h.last(r2.u.ID), turn.CbReport+":n")
	h.settle()
	r2.says("Вимагали гроші за номерний знак")
	h.settle()
	card2, _ := h.lastWith(integrityChat, "Вимагали гроші")
	if !strings.Contains(card2.Text, "tg://user?id=12102") {
		t.Fatalf("the named report's card: %q", card2.Text)
	}
	cmd := &models.Message{Text: "/close", From: team, Date: int(time.Now().Unix()), Entities: commandEntity("/close"),
		Chat: models.Chat{ID: integrityChat, Type: models.ChatTypeSupergroup, Title: "Integrity"}, ReplyToMessage: asShown(card2, integrityChat)}
	h.srv.Push(models.Update{Message: cmd})
	h.settle()
	closed2, _ := h.lastWith(integrityChat, "Вимагали гроші")
	if closed2.ID != card2.ID || hasButton(closed2, turn.CbReportClose+":2") || !strings.Contains(closed2.Text, "tg://user?id=12102") ||
		!strings.Contains(closed2.PlainText, "✅ Закрито · Оксана ДВБ") || strings.Contains(closed2.PlainText, "/close") {
		t.Errorf("the closed named card: %q %s", closed2.Text, closed2.ReplyMarkup)
	}
	h.noRejects()
}

// /report and the FAQ's answer on bribes say what the deployment offers:
// the pack's own wording (the MFC holds no exams), its integrity channels
// only (a rating site is none; the MFC has no sourced one, so none is
// named), and /report only where the bot takes reports.
func TestReportSaysWhatThePackAndDeploymentOffer(t *testing.T) {
	for _, c := range []struct {
		name, pack string
		integrity  bool
		question   string   // a phrasing of the FAQ's bribery entry
		report     []string // in /report's text
		notReport  []string
		answer     []string // in the FAQ's answer
		notAnswer  []string
	}{
		{name: "mfc without reports", pack: "mfc", question: "куда сообщить о взятке в мфц",
			report:    []string{"за услугу или место в очереди", "Этот бот таких сообщений не принимает: здесь о коррупции сообщить нельзя. Не платите"},
			notReport: []string{"экзамен", "Ваш контроль", "vashkontrol", "официальным каналам", "каналами выше"},
			answer:    []string{"Не платите"},
			notAnswer: []string{"/report", "анонимно"}},
		{name: "mfc with reports", pack: "mfc", integrity: true, question: "куда сообщить о взятке в мфц",
			report:    []string{"за услугу или место в очереди", "Сообщите здесь. Как хотите сообщить?"},
			notReport: []string{"экзамен", "Ваш контроль", "vashkontrol", "официальным каналам", "Или сообщите"},
			answer:    []string{"/report", "анонимно"}},
		{name: "hsc without reports", pack: "hsc", question: "куда пожаловаться на взятку в сервисном центре",
			report:    []string{"место в очереди или экзамен", "официальным каналам:\n• <a href=\"https://npu.gov.ua\">", "воспользуйтесь каналами выше"},
			answer:    []string{"ДВБ", "контакты на сайте Нацполиции.\n\n"},
			notAnswer: []string{"/report", ";\n\n"}},
		{name: "hsc with reports", pack: "hsc", integrity: true, question: "куда пожаловаться на взятку в сервисном центре",
			report: []string{"npu.gov.ua", "Или сообщите здесь. Как хотите сообщить?"},
			answer: []string{"ДВБ", "команда /report"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var h *harness
			pack := func(cfg *Config) { cfg.Pack = c.pack }
			if c.integrity {
				h = newPackIntegrityHarness(t, c.pack)
			} else {
				h = newHarness(t, pack)
			}
			p := person{id: 12701, lang: "ru"}
			h.says(p, "/report")
			report := h.nth(p.id, 1)
			if c.integrity != hasButton(report, "ir:a") {
				t.Errorf("/report offers to report here: %v, want %v", hasButton(report, "ir:a"), c.integrity)
			}
			for _, s := range c.report {
				if !strings.Contains(report.Text, s) {
					t.Errorf("/report lacks %q:\n%s", s, report.Text)
				}
			}
			for _, s := range c.notReport {
				if strings.Contains(report.Text, s) {
					t.Errorf("/report says %q:\n%s", s, report.Text)
				}
			}
			// The FAQ's answer, asked once /report is left behind (within
			// it, the question is about the report).
			h.says(p, "/menu")
			h.nth(p.id, 2)
			h.says(p, c.question)
			answer := h.nth(p.id, 3)
			for _, s := range c.answer {
				if !strings.Contains(answer.Text, s) {
					t.Errorf("the answer lacks %q:\n%s", s, answer.Text)
				}
			}
			for _, s := range c.notAnswer {
				if strings.Contains(answer.Text, s) {
					t.Errorf("the answer says %q:\n%s", s, answer.Text)
				}
			}
			h.noRejects()
		})
	}
}

// A mystery shopper of the MFC who was offered a paid «speed-up» is
// thanked, and not sent to a rating site as if it took such reports.
func TestMFCMysteryBriberyNoteNamesNoRatingSite(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Pack = "mfc" })
	p := person{id: 12702, lang: "ru"}
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	note := ""
	h.fillSurvey(p, "mystery", func(qq *dialogs.Question) string {
		if qq.ID == "slot_for_money" {
			return dialogs.ChoiceYes
		}
		if m := h.lastInline(p.id); note == "" && strings.Contains(m.Text, "🛡") {
			note = m.Text
		}
		return typical(qq)
	})
	if !strings.Contains(note, h.text.Text("ru", "survey.integrity_note")) {
		t.Fatalf("no thanks for telling us after «yes»: %q", note)
	}
	for _, s := range []string{"напрямую", "Ваш контроль", "vashkontrol"} {
		if strings.Contains(note, s) {
			t.Errorf("the note says %q: %s", s, note)
		}
	}
	h.noRejects()
}

// A few words after /report that say no («Ні, дякую», «Нет, не буду»,
// «передумала», «I changed my mind»), or that the person has had enough
// («хватит», «досить», as a questionnaire takes them), in the person's
// language or another, end it as /cancel does: said so, and the next
// message is no report.
func TestRefusalAfterReportEndsIt(t *testing.T) {
	h := newIntegrityHarness(t)
	for i, c := range []struct{ lang, typed string }{
		{"uk", "Ні, дякую"}, {"ru", "Нет, не буду"}, {"uk", "передумала"}, {"ru", "I changed my mind"},
		{"ru", "хватит"}, {"uk", "досить"}, {"ru", "не надо"}, {"uk", "не треба"}, {"uk", "Годі вже"},
	} {
		r := h.reporter(int64(12831 + i))
		r.u.LanguageCode = c.lang
		r.says("/report")
		h.settle()
		r.says(c.typed)
		h.settle()
		if got := h.last(r.u.ID).Text; got != h.text.Text(c.lang, "cancel.done") {
			t.Errorf("«%s» after /report: %q; want it ended", c.typed, got)
		}
		r.says("В ТСЦ 6341 за экзамен просили 300 долларов")
		h.settle()
	}
	// Once «🕶 Анонімно» is chosen, too: «ні, дякую» was sent as the report.
	for i, typed := range []string{"ні, дякую", "хватит"} {
		r := h.reporter(int64(12851 + i))
		r.chooses("a")
		if got := r.gets(typed); got != h.text.Text("uk", "cancel.done") {
			t.Errorf("«%s» once anonymous is chosen: %q; want it ended", typed, got)
		}
	}
	var reports int
	if err := h.st.DB().Get(&reports, `SELECT count(*) FROM integrity_reports`); err != nil || reports != 0 {
		t.Errorf("%d reports filed after a refusal (%v)", reports, err)
	}
	h.noRejects()
}

// What is typed after /report before a button is tapped is not lost to
// the FAQ: «анонимно» chooses; the report itself is sent anonymously and
// said so; «🤬» or a word asks to choose; a question the FAQ knows is
// answered and begins no report.
func TestReportTypedBeforeChoosing(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(12801)
	r.u.LanguageCode = "ru"
	r.says("/report")
	h.settle()
	r.says("анонимно")
	h.settle()
	if got := h.last(r.u.ID).Text; !strings.HasPrefix(got, h.text.Text("ru", "report.chosen_anonymous")) {
		t.Errorf("«анонимно» typed: %q", got)
	}
	r.says("В ТСЦ 6341 за экзамен просили 300 долларов")
	h.settle()
	if h.reportsFiled() != 1 {
		t.Fatalf("the report typed after «анонимно» was not filed")
	}

	q := h.reporter(12802)
	q.says("/report")
	h.settle()
	q.says("🤬")
	h.settle()
	if got := h.last(q.u.ID).Text; got != h.text.Text("uk", "report.choose_first") || h.reportsFiled() != 1 {
		t.Errorf("«🤬» after /report: %q, %d reports", got, h.reportsFiled())
	}
	q.says("в мрео вимагали гроші за швидше оформлення")
	h.settle()
	ms := h.srv.Messages(q.u.ID)
	if h.reportsFiled() != 2 || !strings.Contains(ms[len(ms)-2].Text+ms[len(ms)-1].Text, h.text.Text("uk", "report.sent_anonymously")) {
		t.Errorf("a report typed before choosing: %d reports; the bot said %q", h.reportsFiled(), ms[len(ms)-1].Text)
	}

	// «🏠 Меню» on /report's message: what comes next is no report.
	g := h.reporter(12804)
	g.says("/report")
	h.settle()
	g.taps(h.last(g.u.ID), turn.CbReport+":x")
	h.settle()
	g.says("хочу записатися на практичний іспит у суботу вранці")
	h.settle()
	if h.reportsFiled() != 2 {
		t.Errorf("a statement after leaving /report by «Меню» was filed as a report")
	}

	// /report, then /operator and a request: its follow-up goes to the
	// request, not to the integrity team; a refusal files nothing.
	o := h.reporter(12805)
	o.says("/report")
	h.settle()
	o.says("/operator")
	h.settle()
	o.says("Не можу записатися на реєстрацію авто, сайт видає помилку")
	h.settle()
	o.says("Ось ще: помилка з'являється на кроці вибору дати")
	h.settle()
	if h.reportsFiled() != 2 {
		t.Errorf("a request's follow-up after a look at /report was filed as a report (%d reports)", h.reportsFiled())
	}
	n := h.reporter(12806)
	n.says("/report")
	h.settle()
	n.says("Не хочу нічого повідомляти, дякую")
	h.settle()
	n.says("а що буде якщо я повідомлю?")
	h.settle()
	if h.reportsFiled() != 2 {
		t.Errorf("a refusal or a question after /report was filed (%d reports)", h.reportsFiled())
	}

	f := h.reporter(12803)
	f.says("/report")
	h.settle()
	f.says("як записатися на іспит?")
	h.settle()
	if h.reportsFiled() != 2 || !strings.Contains(h.last(f.u.ID).Text, "<b>") {
		t.Errorf("a FAQ question after /report: %d reports; %q", h.reportsFiled(), h.last(f.u.ID).Text)
	}
	h.noRejects()
}

// reportsFiled is how many integrity reports are stored.
func (h *harness) reportsFiled() int {
	var n int
	h.st.DB().Get(&n, `SELECT count(*) FROM integrity_reports`)
	return n
}

// staffGot returns what reached the moderators' chat from the person since
// since: copies of their messages, or a text holding s.
func (h *harness) staffGot(p int64, since time.Time, s string) []bottest.Message {
	var got []bottest.Message
	for _, m := range h.srv.Messages(staffChat) {
		if m.At.After(since) && (m.FromChat == p || strings.Contains(m.Text, s)) {
			got = append(got, m)
		}
	}
	return got
}

// A report typed right after /report is the report, even with a request
// to the operators open or begun before it: it reaches the integrity team
// anonymously, never the request's topic with the person's name. A few
// words are offered to be sent; a question the FAQ knows is answered.
func TestReportAfterAnOpenRequestIsNotTheRequests(t *testing.T) {
	h := newIntegrityHarness(t)
	p := person{id: 12901, lang: "ru"}
	h.openTicketFor(p, "Подскажите, как записаться на экзамен по вождению?")
	r := reporter{h, *p.user()}
	since := time.Now()
	r.says("/report")
	h.settle()
	const bribe = "Сотрудница в окне 4 сказала, что без 2000 рублей документы не примет"
	r.says(bribe)
	h.settle()
	if got := h.staffGot(p.id, since, "2000 рублей"); len(got) != 0 {
		t.Errorf("the report reached the operators' request: %+v", got)
	}
	card, ok := h.lastWith(integrityChat, "2000 рублей")
	if !ok || h.reportsFiled() != 1 || !strings.Contains(card.Text, h.text.Text("uk", "report.card_anonymous")) {
		t.Fatalf("the report is not with the integrity team, anonymously: %q (%d reports)", card.Text, h.reportsFiled())
	}
	if _, ok := h.lastWith(p.id, h.text.Text("ru", "report.sent_anonymously")); !ok {
		t.Errorf("the citizen was not told the report went anonymously: %q", h.last(p.id).Text)
	}

	// A few words: offered to be sent, and nothing goes to the request.
	q := person{id: 12902, lang: "ru"}
	h.openTicketFor(q, "Подскажите, как записаться на экзамен по вождению?")
	rq := reporter{h, *q.user()}
	since = time.Now()
	rq.says("/report")
	h.settle()
	rq.says("В окне 4 просят взятку")
	h.settle()
	if got := h.last(q.id).Text; got != h.text.Text("ru", "report.send_ask", map[string]any{"Text": "В окне 4 просят взятку"}) {
		t.Errorf("a few words after /report: %q", got)
	}
	// A question the FAQ knows is answered, not sent to the request.
	rq.says("/report")
	h.settle()
	rq.says("как записаться на экзамен?")
	h.settle()
	if got := h.last(q.id).Text; !strings.Contains(got, "<b>") {
		t.Errorf("a question the FAQ knows, after /report: %q", got)
	}
	if got := h.staffGot(q.id, since, "взятку"); len(got) != 0 {
		t.Errorf("what followed /report reached the operators: %+v", got)
	}

	// /operator, then /report before describing the request: the report
	// is not the request's description.
	o := person{id: 12903, lang: "ru"}
	ro := reporter{h, *o.user()}
	ro.says("/operator")
	h.settle()
	since = time.Now()
	ro.says("/report")
	h.settle()
	ro.says("Охранник на входе берёт по 500 рублей за место в очереди")
	h.settle()
	if got := h.staffGot(o.id, since, "500 рублей"); len(got) != 0 || len(h.srv.Topics(staffChat)) != 2 {
		t.Errorf("the report became a request: %+v, %d topics", got, len(h.srv.Topics(staffChat)))
	}
	if _, ok := h.lastWith(integrityChat, "500 рублей"); !ok || h.reportsFiled() != 2 {
		t.Errorf("the report after /operator is not with the integrity team (%d reports)", h.reportsFiled())
	}
	h.noRejects()
}

// Once a report is chosen or sent, the person moving on (/menu, /start,
// /help, a menu button) ends the wait: what they type next is for the
// bot, not the integrity team. While a report can be added to, a short
// question the FAQ knows, or a thanks, is answered and not added; a longer
// one is asked about; a question the FAQ does not know is added.
func TestReportWaitEndsWhenThePersonMovesOn(t *testing.T) {
	h := newIntegrityHarness(t)
	const plain = "Хочу записаться на экзамен в субботу утром"
	posts := func() int { return len(h.srv.Messages(integrityChat)) }
	moves := []func(r reporter, menu bottest.Message){
		func(r reporter, _ bottest.Message) { r.says("/menu") },
		func(r reporter, _ bottest.Message) { r.says("/start") },
		func(r reporter, _ bottest.Message) { r.says("/help") },
		func(r reporter, menu bottest.Message) { r.taps(menu, "m:faq") },
	}
	for i, move := range moves {
		for _, sent := range []bool{false, true} {
			r := h.reporter(int64(13001 + 10*i))
			if sent {
				r.u.ID += 5
			}
			r.u.LanguageCode = "ru"
			r.says("/start")
			h.settle()
			menu := h.last(r.u.ID)
			r.says("/report")
			h.settle()
			r.taps(h.last(r.u.ID), turn.CbReport+":a")
			h.settle()
			if sent {
				r.says("Инспектор на экзамене намекал, что без денег не сдать")
				h.settle()
			}
			before, reports := posts(), h.reportsFiled()
			move(r, menu)
			h.settle()
			r.says(plain)
			h.settle()
			got := h.last(r.u.ID).Text
			if posts() != before || h.reportsFiled() != reports || strings.Contains(got, "№") {
				t.Errorf("move %d (report sent: %v), then «%s»: %d posts to the integrity team, %d reports; the bot said %q",
					i, sent, plain, posts()-before, h.reportsFiled()-reports, got)
			}
		}
	}

	// No moving on: a report, then what may follow it.
	r := h.reporter(13101)
	r.u.LanguageCode = "ru"
	r.fileAnonymousReport("Инспектор на экзамене намекал, что без денег не сдать")
	before, id := posts(), int64(h.reportsFiled())
	add := func(verb string) string { return turn.CbReportAdd + ":" + strconv.FormatInt(id, 10) + ":" + verb }
	r.says("как записаться на экзамен?")
	h.settle()
	if got := h.last(r.u.ID).Text; !strings.Contains(got, "<b>") || posts() != before {
		t.Errorf("a question the FAQ knows, after the report: %q, %d posts to the team", got, posts()-before)
	}
	r.says("Спасибо")
	h.settle()
	if got := h.last(r.u.ID).Text; got != h.text.Text("ru", "smalltalk.thanks") || posts() != before {
		t.Errorf("«Спасибо» after the report: %q, %d posts to the team", got, posts()-before)
	}
	const long = "Подскажите, пожалуйста, как записаться на экзамен по вождению?"
	r.says(long)
	h.settle()
	ask := h.last(r.u.ID)
	if ask.Text != h.text.Text("ru", "report.add_ask", map[string]any{"ID": id}) || !hasButton(ask, add("y")) || posts() != before {
		t.Fatalf("a longer question the FAQ knows, after the report: %q %s", ask.Text, ask.ReplyMarkup)
	}
	r.taps(ask, add("q"))
	h.settle()
	if got := h.last(r.u.ID); got.ID != ask.ID || !strings.Contains(got.Text, "<b>") || posts() != before {
		t.Errorf("«it is a question»: %q, %d posts to the team", got.Text, posts()-before)
	}
	const detail = "А он точно может не принять экзамен, если я не заплачу?"
	r.says(detail)
	h.settle()
	if got := h.last(r.u.ID); hasButton(got, add("y")) {
		r.taps(got, add("y"))
		h.settle()
	}
	if m, ok := h.lastWith(integrityChat, "не заплачу"); !ok || !strings.Contains(m.Text, "№"+strconv.FormatInt(id, 10)) {
		t.Errorf("a detail put as a question did not reach the team: %+v", h.srv.Messages(integrityChat))
	}
	if got := h.last(r.u.ID).Text; got != h.text.Text("ru", "report.passed", map[string]any{"ID": id}) {
		t.Errorf("after the detail: %q", got)
	}
	h.noRejects()
}

// After /report, fear or a wish to keep one's name out chooses anonymous,
// with what that keeps from whom; «не анонимно» and «хочу от своего
// имени» choose named; only a bare «нет» or «не хочу ничего сообщать»
// ends it, not «не хочу платить взятку».
func TestReportReadsFearAndNamesAsChoices(t *testing.T) {
	h := newIntegrityHarness(t)
	for i, c := range []struct {
		lang, typed string
		want        string // the reply begins with this message
	}{
		{"ru", "не хочу, чтобы меня узнали", "report.fear_heard"},
		{"ru", "не хочу называть своё имя", "report.fear_heard"},
		{"ru", "не хочу светиться", "report.fear_heard"},
		{"ru", "нет, я боюсь", "report.fear_heard"},
		{"uk", "ні, я боюся", "report.fear_heard"},
		{"uk", "не хочу, щоб мене дізналися", "report.fear_heard"},
		{"ru", "не анонимно", "report.chosen_named"},
		{"uk", "не анонімно", "report.chosen_named"},
		{"ru", "хочу от своего имени", "report.chosen_named"},
		{"uk", "хочу від свого імені", "report.chosen_named"},
		{"ru", "не хочу платить взятку", "report.send_ask"},
		{"ru", "нет, спасибо", "cancel.done"},
		{"ru", "не хочу ничего сообщать", "cancel.done"},
		{"ru", "нет", "cancel.done"},
		{"uk", "ні, дякую", "cancel.done"},
		{"uk", "не хочу нічого повідомляти", "cancel.done"},
	} {
		r := h.reporter(int64(13201 + i))
		r.u.LanguageCode = c.lang
		r.typesAfterReport(c.typed)
		got := h.last(r.u.ID).Text
		if !strings.HasPrefix(got, h.text.Text(c.lang, c.want, map[string]any{"Text": c.typed})) {
			t.Errorf("«%s» after /report: %q; want %s", c.typed, got, c.want)
		}
		if c.want == "report.fear_heard" && (!strings.Contains(got, h.text.Text(c.lang, "report.chosen_anonymous")) || !strings.Contains(got, "/forget")) {
			t.Errorf("«%s» after /report does not say it is anonymous and what that keeps: %q", c.typed, got)
		}
	}
	// A report after «нет, я боюсь» goes anonymously.
	r := h.reporter(13251)
	r.u.LanguageCode = "ru"
	r.typesAfterReport("нет, я боюсь")
	r.says("В окне 4 требовали 2000 рублей")
	h.settle()
	card, ok := h.lastWith(integrityChat, "2000 рублей")
	if !ok || !strings.Contains(card.Text, h.text.Text("uk", "report.card_anonymous")) || strings.Contains(card.Text, "tg://user") {
		t.Errorf("the report after «нет, я боюсь»: %q", card.Text)
	}
	h.noRejects()
}

// While /report waits for the choice, a worry («а меня не накажут если я
// сообщу?», «это точно анонимно?») is answered with what the bot does with
// an anonymous report, and the choice is offered again under it; another
// question it cannot answer asks for the choice and says /cancel stops it.
func TestReportAnswersTheWorryBeforeChoosing(t *testing.T) {
	h := newIntegrityHarness(t)
	for i, worry := range []string{"а меня не накажут если я сообщу?", "это точно анонимно?"} {
		r := h.reporter(int64(13301 + i))
		r.u.LanguageCode = "ru"
		r.typesAfterReport(worry)
		got := h.last(r.u.ID)
		for _, want := range []string{"report.worry_heard", "report.safety", "report.choose_below"} {
			if !strings.Contains(got.Text, h.text.Text("ru", want)) {
				t.Errorf("«%s» after /report: %q lacks %s", worry, got.Text, want)
			}
		}
		if !hasButton(got, turn.CbReport+":a") || !hasButton(got, turn.CbReport+":n") || h.reportsFiled() != 0 {
			t.Errorf("«%s» after /report: buttons %s, %d reports", worry, got.ReplyMarkup, h.reportsFiled())
		}
		r.taps(got, turn.CbReport+":a")
		h.settle()
		if got := h.last(r.u.ID).Text; !strings.HasPrefix(got, h.text.Text("ru", "report.chosen_anonymous")) {
			t.Errorf("«🕶 Анонимно» under the answer to the worry: %q", got)
		}
	}
	r := h.reporter(13311)
	r.u.LanguageCode = "ru"
	r.typesAfterReport("как получить загранпаспорт?")
	if got := h.last(r.u.ID).Text; got != h.text.Text("ru", "report.choose_first") || !strings.Contains(got, "/cancel") {
		t.Errorf("a question the bot cannot answer, after /report: %q", got)
	}
	h.noRejects()
}

// An anonymous report does not keep the reporter's own phone number: it is
// hidden in the card and in what is added, the reporter is told why and
// how to be called back, and the number is nowhere in the database. A
// named report keeps it, for the team to call.
func TestAnonymousReportHidesThePhoneNumber(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(13401)
	r.u.LanguageCode = "ru"
	card := r.fileAnonymousReport("Сотрудница в окне 4 требовала 2000 рублей. Мой телефон +7 916 123-45-67")
	if strings.Contains(card.Text, "123-45-67") || !strings.Contains(card.Text, "☎ ***") || !strings.Contains(card.Text, "2000 рублей") {
		t.Errorf("the anonymous card: %q", card.Text)
	}
	if got := h.last(r.u.ID).Text; !strings.Contains(got, h.text.Text("ru", "report.numbers_hidden")) {
		t.Errorf("the reporter is not told the number was hidden: %q", got)
	}
	r.says("Если что, звоните: 8 916 123 45 67, паспорт КВ 123456")
	h.settle()
	if m, ok := h.lastWith(integrityChat, "звоните"); !ok || strings.Contains(m.Text, "123 45 67") || strings.Contains(m.Text, "123456") {
		t.Errorf("the addition in the integrity chat: %q", m.Text)
	}
	if got := h.last(r.u.ID).Text; !strings.Contains(got, h.text.Text("ru", "report.numbers_hidden")) {
		t.Errorf("the reporter is not told the number in the addition was hidden: %q", got)
	}
	for _, hit := range pgtest.Search(t, h.st.DB(), "123-45-67", "123 45 67", "9161234567", "КВ 123456") {
		t.Errorf("the reporter's number is kept: %s", hit)
	}

	// Named: the number stays, for the team to call back.
	n := h.reporter(13402)
	n.u.LanguageCode = "ru"
	n.chooses("n")
	n.says("Охранник берёт деньги за очередь, мой телефон +7 916 765-43-21")
	h.settle()
	if c, ok := h.lastWith(integrityChat, "Охранник"); !ok || !strings.Contains(c.Text, "765-43-21") {
		t.Errorf("the named card lost the number: %q", c.Text)
	}
	if got := h.last(n.u.ID).Text; strings.Contains(got, h.text.Text("ru", "report.numbers_hidden")) {
		t.Errorf("a named reporter is told their number was hidden: %q", got)
	}
	h.noRejects()
}

// The team's question waits for its answer whatever the person did since
// (/menu included): the next message is the answer, as the question says.
func TestTeamsQuestionTakesTheAnswerAfterMenu(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(13501)
	card := r.fileAnonymousReport("Инспектор на экзамене намекал на деньги")
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "Когда это было?"})
	h.settle()
	r.says("/menu")
	h.settle()
	r.says("В прошлый вторник около полудня")
	h.settle()
	if m, ok := h.lastWith(integrityChat, "вторник"); !ok || !strings.Contains(m.Text, "№1") {
		t.Errorf("the answer after /menu did not reach the team: %+v", h.srv.Messages(integrityChat))
	}
	h.noRejects()
}

// A report written plainly in Ukrainian by someone whose Telegram is in
// Russian is answered in Ukrainian, as any message is, though the report's
// turn leaves the person's row untouched (their language stays Russian).
func TestReportAnsweredInTheLanguageWritten(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(11721)
	r.u.LanguageCode = "ru"
	r.says("/report")
	h.settle()
	r.says("Мені сказали, що без 500 гривень мені не видадуть посвідчення водія у ТСЦ")
	h.settle()
	if got := h.last(r.u.ID).Text; !strings.Contains(got, "повідомлення") || strings.Contains(got, "сообщение") {
		t.Errorf("a Ukrainian report from a Russian client is answered %q; want Ukrainian", got)
	}
	var lang string
	h.st.DB().Get(&lang, `SELECT language FROM users WHERE id = 11721`)
	if lang != "ru" {
		t.Errorf("the report's turn changed the person's language to %q", lang)
	}
	h.noRejects()
}

// now is the bot's message id in chat as it stands, edits included.
func (h *harness) now(chat int64, id int) bottest.Message {
	h.t.Helper()
	for _, m := range h.srv.Messages(chat) {
		if m.ID == id {
			return m
		}
	}
	h.t.Fatalf("no message %d in chat %d", id, chat)
	return bottest.Message{}
}

// hasChoice tells a message that still offers to choose how to report.
func hasChoice(m bottest.Message) bool {
	return hasButton(m, turn.CbReport+":a") || hasButton(m, turn.CbReport+":n")
}

// A report typed straight after /report, sent anonymously, takes the
// choice away from under /report's message (and from under the answer to
// a worry, where it was offered again): tapped later, «👤 Від свого імені»
// began a second, named report with no link to the first. A tap that gets
// there all the same says that №1 stays anonymous, adds nothing more to
// it (not the name typed next), and offers a new named report.
func TestReportSentWithoutChoosingTakesTheChoiceAway(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(13601)
	r.says("/report")
	h.settle()
	intro := h.last(r.u.ID)
	if !hasChoice(intro) {
		t.Fatalf("/report offers no choice: %s", intro.ReplyMarkup)
	}
	r.says("У ТСЦ 8046 адміністратор продавав талони без черги по 500 грн")
	h.settle()
	if h.reportsFiled() != 1 {
		t.Fatalf("%d reports filed", h.reportsFiled())
	}
	if m := h.now(r.u.ID, intro.ID); hasChoice(m) {
		t.Errorf("/report's message still offers the choice under a report sent: %s", m.ReplyMarkup)
	}

	// A client that still shows the buttons.
	r.taps(intro, turn.CbReport+":n")
	h.settle()
	stays := h.last(r.u.ID)
	if stays.Text != h.text.Text("uk", "report.stays_anonymous", map[string]any{"ID": 1}) || !hasButton(stays, turn.CbReport+":n") {
		t.Errorf("«👤 Від свого імені» under a report sent anonymously: %q %s", stays.Text, stays.ReplyMarkup)
	}
	r.says("Моє ім'я Олена, можете мені подзвонити")
	h.settle()
	if m, ok := h.lastWith(integrityChat, "подзвонити"); ok || h.reportsFiled() != 1 {
		t.Errorf("the name typed after it reached the team (%d reports): %q", h.reportsFiled(), m.Text)
	}
	// The new named report, when asked for.
	r.taps(stays, turn.CbReport+":n")
	h.settle()
	if got := h.now(r.u.ID, stays.ID).Text; !strings.HasPrefix(got, h.text.Text("uk", "report.chosen_named")) {
		t.Errorf("«👤 Нове — від свого імені»: %q", got)
	}
	r.says("Це щодо талонів у ТСЦ 8046, я Олена, телефонуйте")
	h.settle()
	if c, ok := h.lastWith(integrityChat, "телефонуйте"); !ok || !strings.Contains(c.Text, "tg://user?id=13601") || strings.Contains(c.Text, "№1") {
		t.Errorf("the new named report: %q", c.Text)
	}

	// Asked about safety first: the choice under the answer goes too.
	w := h.reporter(13602)
	w.says("/report")
	h.settle()
	intro = h.last(w.u.ID)
	w.says("а це точно анонімно?")
	h.settle()
	worry := h.last(w.u.ID)
	if !hasChoice(worry) || hasChoice(h.now(w.u.ID, intro.ID)) {
		t.Errorf("after a worry the choice is not under its answer alone: %s / %s", worry.ReplyMarkup, h.now(w.u.ID, intro.ID).ReplyMarkup)
	}
	w.says("Інспектор на іспиті прямо сказав, що без 300 доларів не складу")
	h.settle()
	if m := h.now(w.u.ID, worry.ID); hasChoice(m) || h.reportsFiled() != 3 {
		t.Errorf("the answer to the worry still offers the choice under a report sent (%d reports): %s", h.reportsFiled(), m.ReplyMarkup)
	}
	h.noRejects()
}

// Fear said together with the case («Боюсь, але інспектор вимагав 500
// грн») is the report: sent anonymously with what that keeps from whom,
// not taken for the choice alone, which left the case to be typed again.
// Fear alone still only chooses.
func TestReportWithFearInItIsSent(t *testing.T) {
	h := newIntegrityHarness(t)
	for i, c := range []struct{ lang, typed, card string }{
		{"uk", "Боюсь, але інспектор вимагав 500 грн", "вимагав 500 грн"},
		{"uk", "Боюся, вимагали хабар", "вимагали хабар"},
		{"ru", "Боюсь, но с меня требовали деньги", "требовали деньги"},
	} {
		r := h.reporter(int64(13701 + i))
		r.u.LanguageCode = c.lang
		r.typesAfterReport(c.typed)
		card, ok := h.lastWith(integrityChat, c.card)
		if !ok || h.reportsFiled() != i+1 || !strings.Contains(card.Text, h.text.Text("uk", "report.card_anonymous")) {
			t.Errorf("«%s» after /report was not sent anonymously (%d reports): %q", c.typed, h.reportsFiled(), card.Text)
			continue
		}
		ms := h.srv.Messages(r.u.ID)
		said := ms[len(ms)-2].Text
		if !strings.HasPrefix(said, h.text.Text(c.lang, "report.fear_heard")) || !strings.Contains(said, "/forget") ||
			!strings.HasPrefix(ms[len(ms)-1].Text, h.text.Text(c.lang, "report.filed", map[string]any{"ID": i + 1})) {
			t.Errorf("«%s» after /report: %q, then %q", c.typed, said, ms[len(ms)-1].Text)
		}
	}
	r := h.reporter(13711)
	r.typesAfterReport("ні, я боюся")
	if got := h.last(r.u.ID).Text; !strings.Contains(got, h.text.Text("uk", "report.chosen_anonymous")) || h.reportsFiled() != 3 {
		t.Errorf("«ні, я боюся» after /report: %q (%d reports)", got, h.reportsFiled())
	}
	h.noRejects()
}

// Once how to report is chosen, the choice typed again («анонімно»), or
// the other one, or a worry («а це точно анонімно?») is not the report:
// the choice is said again or changed, the worry answered, and the report
// still awaited. Once it is sent, the other choice typed is not added.
func TestChoiceTypedAgainIsNotTheReport(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(13801)
	r.chooses("a")
	got := r.gets("а це точно анонімно?")
	for _, want := range []string{"report.worry_heard", "report.safety", "report.chosen_anonymous", "report.describe"} {
		if !strings.Contains(got, h.text.Text("uk", want)) {
			t.Errorf("«а це точно анонімно?» once anonymous is chosen: %q lacks %s", got, want)
		}
	}
	if got := r.gets("анонімно"); !strings.HasPrefix(got, h.text.Text("uk", "report.chosen_anonymous")) {
		t.Errorf("«анонімно» once anonymous is chosen: %q", got)
	}
	if got := r.gets("хочу від свого імені"); !strings.HasPrefix(got, h.text.Text("uk", "report.chosen_named")) {
		t.Errorf("«хочу від свого імені» once anonymous is chosen: %q", got)
	}
	if n := len(h.srv.Messages(integrityChat)); n != 0 || h.reportsFiled() != 0 {
		t.Fatalf("the choice and the worry reached the team: %d reports, %d posts", h.reportsFiled(), n)
	}
	r.says("Інспектор у вікні 3 вимагав 500 грн за талон")
	h.settle()
	if c, ok := h.lastWith(integrityChat, "500 грн"); !ok || !strings.Contains(c.Text, "tg://user?id=13801") {
		t.Fatalf("the report after «хочу від свого імені» is not named: %q", c.Text)
	}
	if got := r.gets("анонімно"); got != h.text.Text("uk", "report.stays_named", map[string]any{"ID": 1}) {
		t.Errorf("«анонімно» once sent by name: %q", got)
	}
	if n := len(h.srv.Messages(integrityChat)); n != 1 {
		t.Errorf("«анонімно» was added to the named report: %q", h.last(integrityChat).Text)
	}

	// By name, a worry tells how to change the choice.
	n := h.reporter(13802)
	n.u.LanguageCode = "ru"
	n.chooses("n")
	if got := n.gets("это точно безопасно?"); !strings.Contains(got, h.text.Text("ru", "report.chosen_named")) || !strings.Contains(got, h.text.Text("ru", "report.may_switch")) {
		t.Errorf("a worry once named is chosen: %q", got)
	}
	if got := n.gets("анонимно"); !strings.HasPrefix(got, h.text.Text("ru", "report.chosen_anonymous")) || h.reportsFiled() != 1 {
		t.Errorf("«анонимно» once named is chosen: %q (%d reports)", got, h.reportsFiled())
	}
	h.noRejects()
}

// A report in a few words typed after /report («вимагали гроші за
// талон») is offered to be sent as it is, with «🕶 Надіслати анонімно»,
// «👤 Від свого імені», «✍️ Додати ще», and kept sealed meanwhile, not
// answered with the choice from scratch as if nothing had been said.
// «не треба», «нічого», «я тільки подивитися» are still no report.
func TestShortReportIsOfferedToBeSent(t *testing.T) {
	h := newIntegrityHarness(t)
	offered := func(r reporter, lang, text string) bottest.Message {
		t.Helper()
		m := h.last(r.u.ID)
		if m.Text != h.text.Text(lang, "report.send_ask", map[string]any{"Text": text}) ||
			!hasButton(m, turn.CbReport+":sa") || !hasButton(m, turn.CbReport+":sn") || !hasButton(m, turn.CbReport+":m") {
			t.Fatalf("not offered to send «%s»: %q %s", text, m.Text, m.ReplyMarkup)
		}
		return m
	}
	r := h.reporter(13901)
	r.says("/report")
	h.settle()
	intro := h.last(r.u.ID)
	r.says("вимагали гроші за талон")
	h.settle()
	offer := offered(r, "uk", "вимагали гроші за талон")
	if hasChoice(h.now(r.u.ID, intro.ID)) || h.reportsFiled() != 0 {
		t.Errorf("the choice is still offered above the offer (%d reports)", h.reportsFiled())
	}
	for _, hit := range pgtest.Search(t, h.st.DB(), "вимагали гроші за талон", "гроші за талон") {
		t.Errorf("the report kept before it is sent is readable: %s", hit)
	}
	r.taps(offer, turn.CbReport+":sa")
	h.settle()
	card, ok := h.lastWith(integrityChat, "вимагали гроші за талон")
	if !ok || !strings.Contains(card.Text, h.text.Text("uk", "report.card_anonymous")) || hasButton(h.now(r.u.ID, offer.ID), turn.CbReport+":sa") ||
		!strings.HasPrefix(h.last(r.u.ID).Text, h.text.Text("uk", "report.filed", map[string]any{"ID": 1})) {
		t.Errorf("«🕶 Надіслати анонімно»: card %q, the reporter read %q", card.Text, h.last(r.u.ID).Text)
	}

	// «✍️ Додати ще», more words, then by name: one report with both.
	n := h.reporter(13902)
	n.typesAfterReport("Інспектор вимагав гроші")
	offer = offered(n, "uk", "Інспектор вимагав гроші")
	n.taps(offer, turn.CbReport+":m")
	h.settle()
	if got := h.last(n.u.ID).Text; got != h.text.Text("uk", "report.write_more") {
		t.Errorf("«✍️ Додати ще»: %q", got)
	}
	n.says("у вікні 5, учора близько десятої")
	h.settle()
	again := offered(n, "uk", "Інспектор вимагав гроші\nу вікні 5, учора близько десятої")
	if hasButton(h.now(n.u.ID, offer.ID), turn.CbReport+":sa") {
		t.Errorf("the first offer still has its buttons")
	}
	n.taps(again, turn.CbReport+":sn")
	h.settle()
	if c, ok := h.lastWith(integrityChat, "вікні 5"); !ok || !strings.Contains(c.Text, "Інспектор вимагав гроші") || !strings.Contains(c.Text, "tg://user?id=13902") || h.reportsFiled() != 2 {
		t.Errorf("«👤 Від свого імені» after more words: %q (%d reports)", c.Text, h.reportsFiled())
	}

	// Answered in words.
	w := h.reporter(13903)
	w.u.LanguageCode = "ru"
	w.typesAfterReport("В окне 4 просят взятку")
	offered(w, "ru", "В окне 4 просят взятку")
	w.gets("анонимно")
	if c, ok := h.lastWith(integrityChat, "просят взятку"); !ok || !strings.Contains(c.Text, h.text.Text("uk", "report.card_anonymous")) {
		t.Errorf("«анонимно» typed under the offer: %q", c.Text)
	}

	for i, c := range []struct{ typed, want string }{
		{"не треба", "cancel.done"}, {"нічого", "cancel.done"}, {"я тільки подивитися", "report.just_looking"},
	} {
		p := h.reporter(int64(13911 + i))
		if got := p.typesAfterReport(c.typed); got != h.text.Text("uk", c.want) {
			t.Errorf("«%s» after /report: %q", c.typed, got)
		}
	}
	if h.reportsFiled() != 3 {
		t.Errorf("%d reports; want 3", h.reportsFiled())
	}
	h.noRejects()
}

// Asked whether a question is for the report («Добавить это к сообщению
// №1?»), a reporter who types on rather than answering goes on with the
// report: the question is added before what follows, and the buttons go
// (they no longer worked). A second such question adds the first.
func TestTypingOnAddsTheQuestionAskedAbout(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(14001)
	r.u.LanguageCode = "ru"
	r.fileAnonymousReport("Инспектор на экзамене намекал, что без денег не сдать")
	const asked = "Подскажите, пожалуйста, как записаться на экзамен по вождению?"
	r.says(asked)
	h.settle()
	ask := h.last(r.u.ID)
	if !hasButton(ask, turn.CbReportAdd+":1:y") {
		t.Fatalf("a long question the FAQ knows, after the report: %q %s", ask.Text, ask.ReplyMarkup)
	}
	if got := r.gets("И ещё он сказал прийти вечером"); got != h.text.Text("ru", "report.passed", map[string]any{"ID": 1}) {
		t.Errorf("typed on after «Добавить это к сообщению №1?»: %q", got)
	}
	posts := h.srv.Messages(integrityChat)
	if n := len(posts); n != 3 || !strings.Contains(posts[1].Text, "записаться на экзамен") || !strings.Contains(posts[2].Text, "прийти вечером") {
		t.Errorf("the integrity chat, card, question, then the words typed on: %+v", posts)
	}
	if m := h.now(r.u.ID, ask.ID); hasButton(m, turn.CbReportAdd+":1:y") {
		t.Errorf("the question asked about keeps its buttons once added: %s", m.ReplyMarkup)
	}

	// Two such questions in a row: the first is added, the second asked about.
	r.says(asked)
	h.settle()
	first := h.last(r.u.ID)
	const second = "А как записаться на экзамен по вождению, подскажите пожалуйста?"
	r.says(second)
	h.settle()
	if got := h.last(r.u.ID); !hasButton(got, turn.CbReportAdd+":1:y") || hasButton(h.now(r.u.ID, first.ID), turn.CbReportAdd+":1:y") {
		t.Errorf("a second question: %q %s; the first still asks: %s", got.Text, got.ReplyMarkup, h.now(r.u.ID, first.ID).ReplyMarkup)
	}
	if n := len(h.srv.Messages(integrityChat)); n != 4 || !strings.Contains(h.last(integrityChat).Text, "записаться на экзамен по вождению?") {
		t.Errorf("the first question is not added before the second is asked about: %q", h.last(integrityChat).Text)
	}
	h.noRejects()
}

// A bribe told as a question right after /report («Сотрудник МФЦ просил
// 1000 рублей за ускорение, что делать?») is the report, sent anonymously,
// not answered with the FAQ's entry on bribes, which said to use /report
// and ended the wait: what came next («и ещё охранник грубил») got «no
// ready answer», or went to an open request under the person's name. A
// question of where to report one is asked for the choice instead.
func TestBribeAskedAboutAfterReportIsTheReport(t *testing.T) {
	for _, c := range []struct{ pack, typed, card string }{
		{"mfc", "Сотрудник МФЦ просил 1000 рублей за ускорение, что делать?", "1000 рублей"},
		{"mfc", "В МФЦ мне сказали что без денег запись не сделают, это нормально?", "без денег запись"},
		{"hsc", "Инспектор на экзамене просил 200 долларов, что мне делать?", "200 долларов"},
	} {
		t.Run(c.pack+" "+firstWords(c.typed), func(t *testing.T) {
			h := newPackIntegrityHarness(t, c.pack)
			p := person{id: 14101, lang: "ru"}
			h.openTicketFor(p, "Подскажите, как записаться на приём в субботу?")
			r := reporter{h, *p.user()}
			since := time.Now()
			r.says("/report")
			h.settle()
			r.says(c.typed)
			h.settle()
			card, ok := h.lastWith(integrityChat, c.card)
			if !ok || h.reportsFiled() != 1 || !strings.Contains(card.Text, h.text.Text(h.app.StaffLang(), "report.card_anonymous")) {
				t.Fatalf("«%s» after /report was not sent anonymously (%d reports); the bot said %q", c.typed, h.reportsFiled(), h.last(p.id).Text)
			}
			for _, m := range h.srv.Messages(p.id) {
				if m.At.After(since) && strings.Contains(m.Text, "/report") {
					t.Errorf("the reporter was sent to /report: %q", m.Text)
				}
			}
			if got := r.gets("и ещё охранник грубил"); got != h.text.Text("ru", "report.passed", map[string]any{"ID": 1}) {
				t.Errorf("«и ещё охранник грубил» after the report: %q", got)
			}
			if m, ok := h.lastWith(integrityChat, "охранник грубил"); !ok || m.ReplyTo != card.ID {
				t.Errorf("the addition did not reach the team under the card: %+v", m)
			}
			if got := h.staffGot(p.id, since, "1000"); len(got) != 0 {
				t.Errorf("the report reached the operators' request: %+v", got)
			}
			h.noRejects()
		})
	}

	// Where to report one, asked after /report: here, by choosing how.
	h := newPackIntegrityHarness(t, "mfc")
	r := h.reporter(14111)
	r.u.LanguageCode = "ru"
	if got := r.typesAfterReport("куда сообщить о взятке?"); got != h.text.Text("ru", "report.choose_first") || h.reportsFiled() != 0 {
		t.Errorf("«куда сообщить о взятке?» after /report: %q (%d reports)", got, h.reportsFiled())
	}
	// A bribe and a worry: answered, and the case kept and offered.
	w := h.reporter(14112)
	w.u.LanguageCode = "ru"
	got := w.typesAfterReport("Сотрудник просил 500 рублей, а меня не накажут?")
	if !strings.HasPrefix(got, h.text.Text("ru", "report.worry_heard")) || !hasButton(h.last(w.u.ID), turn.CbReport+":sa") ||
		!strings.Contains(got, "«Сотрудник просил 500 рублей, а меня не накажут?»") {
		t.Errorf("a bribe told with a worry: %q %s", got, h.last(w.u.ID).ReplyMarkup)
	}
	h.noRejects()
}

// A detail remembered soon after «✅ Готово» («Кстати, её зовут Ольга,
// окно 7») is offered to be added to the report («Добавить это к
// сообщению №1?»), not answered with «no ready answer», whose «Спросить
// оператора» would send it to the operators under the person's name, nor
// copied into their open request. A question the FAQ knows is answered;
// «❓ Это вопрос» leaves the rest to the FAQ.
func TestDetailAfterDoneIsOfferedToTheReport(t *testing.T) {
	h := newIntegrityHarness(t)
	p := person{id: 14201, lang: "ru"}
	h.openTicketFor(p, "Подскажите, как записаться на экзамен по вождению?")
	r := reporter{h, *p.user()}
	card := r.fileAnonymousReport("Сотрудница в окне 7 требовала 2000 рублей за талон")
	r.taps(h.last(p.id), turn.CbReportDone+":")
	h.settle()
	since, posts := time.Now(), len(h.srv.Messages(integrityChat))
	const detail = "Кстати, её зовут Ольга, окно 7"
	r.says(detail)
	h.settle()
	ask := h.last(p.id)
	if ask.Text != h.text.Text("ru", "report.add_ask", map[string]any{"ID": 1}) || !hasButton(ask, turn.CbReportAdd+":1:y") || !hasButton(ask, turn.CbReportAdd+":1:q") {
		t.Fatalf("a detail after «Готово»: %q %s", ask.Text, ask.ReplyMarkup)
	}
	if n := len(h.srv.Messages(integrityChat)); n != posts {
		t.Errorf("the detail reached the team before the person said so: %q", h.last(integrityChat).Text)
	}
	r.says("как записаться на экзамен?")
	h.settle()
	if got := h.last(p.id).Text; !strings.Contains(got, "<b>") {
		t.Errorf("a question the FAQ knows, after «Готово»: %q", got)
	}
	for _, m := range h.srv.Messages(p.id) {
		if m.At.After(since) && strings.Contains(m.ReplyMarkup, `"`+turn.CbOperator+`:n:`) {
			t.Errorf("after «Готово» the bot offers to send what was typed to the operators: %q %s", m.Text, m.ReplyMarkup)
		}
	}
	r.taps(ask, turn.CbReportAdd+":1:y")
	h.settle()
	if m, ok := h.lastWith(integrityChat, "Ольга"); !ok || m.ReplyTo != card.ID || !strings.Contains(m.Text, "№1") {
		t.Errorf("«➕ Добавить к №1»: %+v", m)
	}
	if got := h.staffGot(p.id, since, "Ольга"); len(got) != 0 {
		t.Errorf("the detail reached the operators' request: %+v", got)
	}

	// «❓ Это вопрос»: not added, and what follows is the FAQ's.
	q := h.reporter(14202)
	q.u.LanguageCode = "ru"
	q.fileAnonymousReport("Охранник брал деньги за место в очереди")
	q.taps(h.last(q.u.ID), turn.CbReportDone+":")
	h.settle()
	q.says("Он стоит у входа каждое утро")
	h.settle()
	q.taps(h.last(q.u.ID), turn.CbReportAdd+":2:q")
	h.settle()
	if got := h.last(q.u.ID).Text; got != h.text.Text("ru", "report.not_added", map[string]any{"ID": 2}) {
		t.Errorf("«❓ Это вопрос» after «Готово»: %q", got)
	}
	q.says("Он стоит у входа каждое утро")
	h.settle()
	if got := h.last(q.u.ID); hasButton(got, turn.CbReportAdd+":2:y") || len(h.srv.Messages(integrityChat)) != posts+2 {
		t.Errorf("after «❓ Это вопрос» the same words: %q %s", got.Text, got.ReplyMarkup)
	}
	h.noRejects()
}

// Where the bot takes no reports (no integrity chat), /report typed says
// so plainly, with what to do instead; a fear or a worry typed right
// after («нет, я боюсь», «а меня не накажут?») is answered kindly with
// the same, not with «no ready answer» and its «Спросить оператора».
func TestNoReportsHereAnswersTheFear(t *testing.T) {
	for _, c := range []struct {
		pack string
		says []string // in /report's text and in the answer to the fear
	}{
		{"mfc", []string{"Этот бот таких сообщений не принимает: здесь о коррупции сообщить нельзя. Не платите"}},
		{"hsc", []string{"npu.gov.ua", "Этот бот таких сообщений не принимает — воспользуйтесь каналами выше."}},
	} {
		t.Run(c.pack, func(t *testing.T) {
			h := newHarness(t, func(cfg *Config) { cfg.Pack = c.pack })
			p := person{id: 14301, lang: "ru"}
			h.says(p, "/report")
			h.settle()
			for _, typed := range []string{"", "нет, я боюсь", "а меня не накажут?"} {
				if typed != "" {
					h.says(p, typed)
					h.settle()
				}
				got := h.last(p.id)
				if typed != "" && !strings.HasPrefix(got.Text, h.text.Text("ru", "report.unavailable_heard")) {
					t.Errorf("«%s» after /report: %q", typed, got.Text)
				}
				for _, s := range c.says {
					if !strings.Contains(got.Text, s) {
						t.Errorf("«%s» after /report: %q lacks %q", typed, got.Text, s)
					}
				}
				if hasButton(got, "ir:a") || strings.Contains(got.ReplyMarkup, `"`+turn.CbOperator+`:n:`) {
					t.Errorf("«%s» after /report offers a way to send it: %s", typed, got.ReplyMarkup)
				}
			}
			// The FAQ's again, once something else is asked.
			h.says(p, "как записаться на приём?")
			h.settle()
			if got := h.last(p.id).Text; strings.Contains(got, h.text.Text("ru", "report.unavailable_heard")) {
				t.Errorf("a question after the fear is answered: %q", got)
			}
			h.says(p, "а меня не накажут?")
			h.settle()
			if got := h.last(p.id).Text; strings.Contains(got, h.text.Text("ru", "report.unavailable_heard")) {
				t.Errorf("a worry long after /report is taken for one about it: %q", got)
			}
			h.noRejects()
		})
	}
}

// A report's button that no longer means anything gets one answer to its
// tap (Telegram refuses a second one) and the stale button's word.
func TestStaleReportButtonIsAnsweredOnce(t *testing.T) {
	h := newIntegrityHarness(t)
	p := person{id: 11731, lang: "uk"}
	h.says(p, "/start")
	h.settle()
	before := len(h.srv.RequestsFor("answerCallbackQuery"))
	h.taps(p, h.last(p.id), turn.CbReport+":zz")
	h.settle()
	if got := len(h.srv.RequestsFor("answerCallbackQuery")) - before; got != 1 {
		t.Errorf("a stale report button was answered %d times; want once", got)
	}
	if got := h.last(p.id).Text; got != h.text.Text("uk", "hint.stale_button") {
		t.Errorf("a stale report button: %q", got)
	}
	h.noRejects()
}

// Whatever the integrity team writes to a reporter (a question or not, as
// «Добре, зателефонуємо.») comes headed as the team's word about the
// report, with a button to reply; a reporter who gave their name is not
// promised a pseudonym for the reply.
func TestTeamWordToANamedReporterReadsRight(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(12011)
	card := r.fileReport("n", "Екзаменатор у ТСЦ 8041 просив гроші за складений іспит")
	h.staffPost(integrityChat, 0, card.ID, &models.Message{Text: "Добре, зателефонуємо."})
	h.settle()
	got, ok := h.lastWith(r.u.ID, "Добре, зателефонуємо.")
	if !ok {
		t.Fatal("the team's word did not reach the reporter")
	}
	if !strings.HasPrefix(got.Text, "🛡 Команда доброчесності пише щодо вашого повідомлення №1:") || strings.Contains(got.Text, "Запитання") {
		t.Errorf("the team's word is headed: %q", got.Text)
	}
	if strings.Contains(got.Text, "псевдонім") || !strings.Contains(got.Text, "від вашого імені") {
		t.Errorf("a named reporter is told: %q", got.Text)
	}
	if b := got.Buttons(); len(b) != 1 || b[0][0].Text != "✍️ Відповісти" || b[0][0].CallbackData != turn.CbReportAnswer+":1" {
		t.Errorf("the reply button: %v", b)
	}
	h.noRejects()
}

// After a report is sent, «Готово» typed is the «✅ Готово» button, «ні,
// дякую» ends the adding, and a fear is answered with what the bot does
// with the report: none of them goes to the team as an addition.
func TestTypedDoneAndFearAfterSendingAreNotAdded(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(11741)
	r.says("/start")
	h.settle()
	r.fileAnonymousReport("У ТСЦ 8046 адміністратор продавав талони без черги по 500 грн")
	n := len(h.srv.Messages(integrityChat))
	r.says("Готово")
	h.settle()
	if got := h.last(r.u.ID).Text; got != h.text.Text("uk", "report.done") {
		t.Errorf("«Готово» typed after sending: %q", got)
	}
	r.says("мені страшно, раптом дізнаються")
	h.settle()
	if got := h.last(r.u.ID).Text; !strings.Contains(got, h.text.Text("uk", "report.safety")) {
		t.Errorf("a fear after sending: %q", got)
	}
	for _, m := range h.srv.Messages(integrityChat)[n:] {
		t.Errorf("the team got %q after «Готово» and a fear", m.Text)
	}
	// Thanked for too: «спасибо, это всё».
	ru := h.reporter(11742)
	ru.u.LanguageCode = "ru"
	ru.says("/start")
	h.settle()
	ru.fileAnonymousReport("В МФЦ сотрудница сказала, что без 2000 рублей документы не примет")
	n = len(h.srv.Messages(integrityChat))
	ru.says("спасибо, это всё")
	h.settle()
	if got := h.last(ru.u.ID).Text; got != h.text.Text("ru", "report.done") {
		t.Errorf("«спасибо, это всё» typed after sending: %q", got)
	}
	if got := h.srv.Messages(integrityChat)[n:]; len(got) != 0 {
		t.Errorf("the team got %q after «спасибо, это всё»", got[0].Text)
	}
	// A fear told with a detail: the detail is added, and the fear answered.
	f := h.reporter(11743)
	f.says("/start")
	h.settle()
	f.fileAnonymousReport("У ТСЦ 8046 інспектор вимагав 500 гривень за складання іспиту")
	n = len(h.srv.Messages(integrityChat))
	f.says("мені страшно, бо вона погрожувала не допустити сина до іспиту")
	h.settle()
	if got := h.last(f.u.ID).Text; !strings.Contains(got, h.text.Text("uk", "report.safety")) {
		t.Errorf("a fear told with a detail: %q; want the fear answered", got)
	}
	if got := h.srv.Messages(integrityChat)[n:]; len(got) != 1 {
		t.Errorf("a fear told with a detail reached the team %d times; want the detail added once", len(got))
	}
	h.noRejects()
}
