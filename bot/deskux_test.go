package bot

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/dialogs"
	"servicebot/store"
)

// generalPosts are the bot's messages in the staff forum's General topic.
func generalPosts(h *harness) []bottest.Message {
	var out []bottest.Message
	for _, m := range h.srv.Messages(staffChat) {
		if m.ThreadID == 0 || m.ThreadID == 1 {
			out = append(out, m)
		}
	}
	return out
}

// A moderator who writes in a closed ticket's topic is told, where the bot
// can post (the General topic: a closed topic takes nothing from the bot),
// that the citizen did not get it, which ticket it was and how to reopen.
func TestWritingInAClosedTicketIsToldInGeneral(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12001, lang: "uk"}
	topic := h.openTicketFor(p, "Коли буде готове посвідчення?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	before := len(h.srv.Messages(p.id))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "І ще: візьміть паспорт."})
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq lost_licence"})
	h.settle()
	if n := len(h.srv.Messages(p.id)); n != before {
		t.Errorf("the citizen of a closed ticket got %d more messages", n-before)
	}
	var notices []string
	for _, m := range generalPosts(h) {
		if strings.Contains(m.Text, "не надіслано") {
			notices = append(notices, m.Text)
		}
	}
	if len(notices) != 2 {
		t.Fatalf("%d notices in General, want one for each message: %q", len(notices), notices)
	}
	for _, want := range []string{"Ірина Модераторка", "в закритому зверненні", "№1", "/reopen"} {
		if !strings.Contains(notices[0], want) {
			t.Errorf("the notice lacks %q: %s", want, notices[0])
		}
	}
	h.noRejects()
}

// A citizen who answered «👍 solved» and then sends /reopen has a
// follow-up: staff are told that, not that the question was not solved.
func TestReopenAfterSolvedTellsStaffTheTruth(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12101, lang: "uk"}
	topic := h.openTicketFor(p, "Чи можна замінити посвідчення онлайн?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.taps(p, h.last(p.id), "tr:1:y")
	h.settle()
	h.says(p, "/reopen")
	h.settle()
	got := lastInThread(h, topic.ThreadID).Text
	if want := h.text.Text("uk", "desk.reopened_after_solved", map[string]any{"ID": 1}); got != want {
		t.Errorf("after 👍 and /reopen staff were told %q, want %q", got, want)
	}
	h.noRejects()
}

// A second moderator's /take is a takeover: staff see who had the ticket
// and who has it now; the citizen, told once that it was taken, is not
// told again.
func TestTakeoverIsExplicitAndTheCitizenIsToldOnce(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12201, lang: "uk"}
	topic := h.openTicketFor(p, "Як перереєструвати авто після спадщини?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/take"})
	h.settle()
	other := &models.User{ID: 778, FirstName: "Петро", LastName: "Колега"}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/take", From: other})
	h.settle()
	if got, want := lastInThread(h, topic.ThreadID).Text, h.text.Text("uk", "desk.taken_over", map[string]any{"Name": "Петро Колега", "Was": "Ірина Модераторка"}); got != want {
		t.Errorf("after the takeover staff see %q, want %q", got, want)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/take", From: other})
	h.settle()
	if got := lastInThread(h, topic.ThreadID).Text; !strings.Contains(got, "вже у вас") {
		t.Errorf("a second /take by the same moderator: %q", got)
	}
	taken := 0
	for _, m := range h.srv.Messages(p.id) {
		if m.Text == h.text.Text("uk", "ticket.taken", map[string]any{"ID": 1}) {
			taken++
		}
	}
	if taken != 1 {
		t.Errorf("the citizen was told %d times that the ticket was taken, want once", taken)
	}
	h.noRejects()
}

// /faq words finds FAQ entries for moderators, who cannot see ids
// anywhere else: each found entry's question with the exact command that
// sends it; /faq id still sends the answer.
func TestFaqWordsFindsEntriesAndTheirCommands(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12301, lang: "uk"}
	topic := h.openTicketFor(p, "Що робити, якщо загубив посвідчення водія?")
	before := len(h.srv.Messages(p.id))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq загубив права"})
	h.settle()
	got := lastInThread(h, topic.ThreadID).Text
	if !strings.Contains(got, "<code>/faq lost_licence</code>") || !strings.Contains(got, "Знайдено в FAQ") {
		t.Errorf("/faq words in a topic answered %q; want the entries found, with their commands", got)
	}
	if n := len(h.srv.Messages(p.id)); n != before {
		t.Errorf("a search reached the citizen: %d more messages", n-before)
	}
	// In the General topic too.
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/faq загубив права"})
	h.settle()
	if g := generalPosts(h); len(g) == 0 || !strings.Contains(g[len(g)-1].Text, "/faq lost_licence") {
		t.Errorf("/faq words in General: %+v", g)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq погода в києві"})
	h.settle()
	if got := lastInThread(h, topic.ThreadID).Text; !strings.Contains(got, "нічого не знайшлося") {
		t.Errorf("words the FAQ does not cover answered %q", got)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq lost_licence"})
	if got := h.nth(p.id, before+1).Text; !strings.Contains(got, h.answerOf("lost_licence", "uk")) {
		t.Errorf("/faq lost_licence sent %q", got)
	}
	h.noRejects()
}

// /tickets with more open tickets than it lists says how many there are
// and how many are not listed, and gives ages as people say them.
func TestTicketsListSaysTheTotalAndAgesHumanly(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i := 0; i < 33; i++ {
		if _, err := store.OpenTicket(ctx, h.st.DB(), int64(12400+i), "uk", fmt.Sprintf("Питання %d", i+1), "command", ""); err != nil {
			t.Fatal(err)
		}
	}
	h.st.DB().MustExec(`UPDATE tickets SET created_at = now() - interval '2 days 3 hours 5 minutes' WHERE id = 1`)
	h.st.DB().MustExec(`UPDATE tickets SET created_at = now() - interval '3 hours 20 minutes' WHERE id = 2`)
	h.st.DB().MustExec(`UPDATE tickets SET created_at = now() - interval '25 minutes' WHERE id = 3`)
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/tickets"})
	h.settle()
	g := generalPosts(h)
	if len(g) == 0 {
		t.Fatal("/tickets got no answer")
	}
	got := g[len(g)-1].Text
	for _, want := range []string{
		"(33)", "…і ще 3: тут лише 30 найстаріших.",
		"№1 · UK · 2 дні 3 год · Питання 1", "№2 · UK · 3 год 20 хв · Питання 2", "№3 · UK · 25 хвилин · Питання 3",
		"№4 · UK · щойно · Питання 4",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/tickets lacks %q:\n%s", want, got)
		}
	}
	h.noRejects()
}

// Small things staff read: /unblock of a citizen who is not blocked says
// so; a rating's follow-up card names the rating in one clean line; the
// review card names «what went wrong» once.
func TestUnblockRatingCardAndReviewReadCleanly(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	p := person{id: 12501, lang: "uk"}
	h.says(p, "/start r_"+centre.ID+"_3")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.fillSurvey(p, "rating", func(qq *dialogs.Question) string {
		switch {
		case qq.ID == "followup":
			return dialogs.ChoiceYes
		case qq.Type == dialogs.QuestionText:
			return "Довга черга, табло не працювало"
		case qq.Type == dialogs.QuestionRating5:
			return "2"
		}
		return typical(qq)
	})
	h.taps(p, h.last(p.id), "qs:r:send")
	h.settle()
	tk, err := store.OpenTicketOf(context.Background(), h.st.DB(), p.id)
	if err != nil {
		t.Fatal(err)
	}
	topic := inThread(h.srv.Messages(staffChat), int(tk.ThreadID))
	if len(topic) == 0 {
		t.Fatal("no topic for the follow-up")
	}
	card := topic[0].Text
	if want := h.text.Text("uk", "desk.source.rating_ref", map[string]any{"Ref": tk.SourceText}); !strings.Contains(card, want) || strings.Contains(card, ": «") {
		t.Errorf("the follow-up card reads %q; want the line %q", card, want)
	}

	// The review card: «Що пішло не так» once.
	var review string
	for _, m := range h.srv.Messages(staffChat) {
		if strings.Contains(m.Text, "Довга черга, табло не працювало") && strings.Contains(m.Text, "Низька оцінка") {
			review = m.Text
		}
	}
	if n := strings.Count(review, "Що пішло не так"); n != 1 {
		t.Errorf("«Що пішло не так» %d times in the review card:\n%s", n, review)
	}
	if !strings.Contains(review, "<b>Що пішло не так</b>\nДовга черга, табло не працювало") {
		t.Errorf("the answer does not stand under its section's title:\n%s", review)
	}
	// The visitor asked to be contacted: the card names their request.
	if want := h.text.Text("uk", "review.follow_up", map[string]any{"ID": tk.ID}); !strings.Contains(review, want) {
		t.Errorf("the review card does not name the request %d (%q):\n%s", tk.ID, want, review)
	}

	h.staffPost(staffChat, int(tk.ThreadID), 0, &models.Message{Text: "/unblock"})
	h.settle()
	if got := lastInThread(h, int(tk.ThreadID)).Text; got != h.text.Text("uk", "desk.not_blocked") {
		t.Errorf("/unblock of a citizen who is not blocked: %q", got)
	}
	h.blocks(int(tk.ThreadID))
	h.staffPost(staffChat, int(tk.ThreadID), 0, &models.Message{Text: "/unblock"})
	h.settle()
	if got := lastInThread(h, int(tk.ThreadID)).Text; got != h.text.Text("uk", "desk.unblocked", map[string]any{"Name": "Ірина Модераторка"}) {
		t.Errorf("/unblock of a blocked citizen: %q", got)
	}
	h.noRejects()
}

// /export's CSV starts with UTF-8's byte-order mark, so that Excel on
// Windows shows the Cyrillic, and reads as CSV after it.
func TestExportCSVHasAByteOrderMark(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12601, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.fillSurvey(p, "rating", func(qq *dialogs.Question) string {
		if qq.Type == dialogs.QuestionText {
			return "Усе чудово, дякую"
		}
		return typical(qq)
	})
	h.taps(p, h.last(p.id), "qs:r:send")
	h.settle()
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/export 7d"})
	h.settle()
	docs := h.srv.RequestsFor("sendDocument")
	if len(docs) != 1 || len(docs[0].Files) != 1 {
		t.Fatalf("/export sent %d documents", len(docs))
	}
	for _, f := range docs[0].Files {
		if !bytes.HasPrefix(f.Data, []byte("\xef\xbb\xbfref,")) {
			t.Errorf("the CSV does not start with the byte-order mark and its header: %q", f.Data[:min(20, len(f.Data))])
		}
		if !bytes.Contains(f.Data, []byte("Усе чудово, дякую")) {
			t.Errorf("the CSV lacks the answer:\n%s", f.Data)
		}
	}
	h.noRejects()
}

// A command in a closed ticket's topic (a spammer blocked after /close) is
// answered in the General topic, naming the ticket: the closed topic takes
// nothing from the bot.
func TestCommandInAClosedTicketIsAnsweredInGeneral(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12701, lang: "uk"}
	topic := h.openTicketFor(p, "Купіть рекламу у нас")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.blocks(topic.ThreadID)
	// A search from the closed topic is answered too.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq загубив права"})
	h.settle()
	if g := generalPosts(h); len(g) == 0 || !strings.Contains(g[len(g)-1].Text, "/faq lost_licence") {
		t.Errorf("/faq words in a closed topic: %+v", g)
	}
	want := h.text.Text("uk", "desk.about_closed", map[string]any{"ID": 1, "Text": h.text.Text("uk", "desk.blocked", map[string]any{"Name": "Ірина Модераторка"})})
	found := false
	for _, m := range generalPosts(h) {
		found = found || m.Text == want
	}
	if !found {
		t.Errorf("/block in a closed ticket's topic: no %q in General: %+v", want, generalPosts(h))
	}
	h.noRejects()
}

// The SLA reminder says how long a ticket has waited in working hours and
// minutes, not in thousands of minutes.
func TestReminderSaysHoursOfWorkingTime(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12801, lang: "uk"}
	topic := h.openTicketFor(p, "Чи можна продовжити посвідчення?")
	h.st.DB().MustExec(`UPDATE tickets SET created_at = now() - interval '10 days', waiting_since = now() - interval '10 days' WHERE id = 1`)
	h.app.desk.RemindWaiting(context.Background(), time.Hour)
	h.settle()
	got := lastInThread(h, topic.ThreadID).Text
	if !regexp.MustCompile(`^⏰ Звернення №1 без відповіді: \d+ год( \d+ хв)? робочого часу\.$`).MatchString(got) {
		t.Errorf("the reminder reads %q", got)
	}
	h.noRejects()
}

// /take in a closed request's topic does not quietly change who had it:
// it says to reopen first. /reopen says why it cannot: the request is
// open, or the citizen has another open one (named).
func TestTakeClosedAndReopenRefusalsSayWhy(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12601, lang: "uk"}
	topic := h.openTicketFor(p, "Як перереєструвати авто після спадщини?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/reopen"})
	h.settle()
	if got, want := lastInThread(h, topic.ThreadID).Text, h.text.Text("uk", "desk.reopen_open", map[string]any{"ID": 1}); got != want {
		t.Errorf("/reopen of an open request: %q, want %q", got, want)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	other := &models.User{ID: 779, FirstName: "Петро", LastName: "Колега"}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/take", From: other})
	h.settle()
	want := h.text.Text("uk", "desk.about_closed", map[string]any{"ID": 1, "Text": h.text.Text("uk", "desk.take_closed")})
	if got := lastInThread(h, 0).Text; got != want {
		t.Errorf("/take in a closed topic: %q, want %q", got, want)
	}
	var assignee *int64
	if err := h.st.DB().GetContext(context.Background(), &assignee, `SELECT assignee FROM tickets WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if assignee != nil && *assignee == other.ID {
		t.Errorf("/take in a closed topic gave the request to %d", *assignee)
	}

	// The citizen writes again: a new request, №2; №1 cannot be reopened.
	h.says(p, "/operator")
	h.settle()
	h.says(p, "Ще одне питання про техогляд причепа")
	h.settle()
	tk2, err := store.OpenTicketOf(context.Background(), h.st.DB(), p.id)
	if err != nil || tk2.ID != 2 {
		t.Fatalf("the citizen's second request: %+v %v", tk2, err)
	}
	link := fmt.Sprintf(`<a href="https://t.me/c/%s/%d/%d">№2</a>`, strings.TrimPrefix(fmt.Sprint(staffChat), "-100"), tk2.ThreadID, tk2.ThreadID)
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/reopen"})
	h.settle()
	want = h.text.Text("uk", "desk.about_closed", map[string]any{"ID": 1, "Text": h.text.Text("uk", "desk.reopen_other_open", map[string]any{"Other": link})})
	if got := lastInThread(h, 0).Text; got != want {
		t.Errorf("/reopen while another request is open: %q, want %q", got, want)
	}
	// /take there points to the open one straight away.
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/take", From: other})
	h.settle()
	want = h.text.Text("uk", "desk.about_closed", map[string]any{"ID": 1, "Text": h.text.Text("uk", "desk.take_closed_other", map[string]any{"Other": link})})
	if got := lastInThread(h, 0).Text; got != want {
		t.Errorf("/take in a closed topic while another request is open: %q, want %q", got, want)
	}
	h.noRejects()
}

// /faq without words in a topic gives an example from the pack in use:
// in the MFC pack an MFC entry, whose words, typed, find it.
func TestFaqUsageExampleIsThePacks(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Pack = "mfc" })
	p := person{id: 12701, lang: "ru"}
	topic := h.openTicketFor(p, "Как записаться в МФЦ на приём?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq"})
	h.settle()
	usage := lastInThread(h, topic.ThreadID).Text
	m := regexp.MustCompile(`/faq ([a-z0-9_]+)</code>\)`).FindStringSubmatch(usage)
	if m == nil || strings.Contains(usage, "lost_licence") {
		t.Fatalf("/faq usage in the MFC pack: %q", usage)
	}
	if _, ok := h.app.Book().ByID[m[1]]; !ok {
		t.Fatalf("/faq usage gives %q, not an entry of the MFC pack: %q", m[1], usage)
	}
	words := strings.TrimSuffix(usage[strings.LastIndex(usage, "/faq ")+len("/faq "):], "</code>")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/faq " + words})
	h.settle()
	if got := lastInThread(h, topic.ThreadID).Text; !strings.Contains(got, "<code>/faq "+m[1]+"</code>") {
		t.Errorf("/faq %s, the example's words, does not find %s: %q", words, m[1], got)
	}
	// In General too.
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/faq"})
	h.settle()
	if g := generalPosts(h); len(g) == 0 || g[len(g)-1].Text != usage {
		t.Errorf("/faq in General: %+v", g)
	}
	h.noRejects()
}

// More low ratings than cards at once make one digest, listed in the
// order they came.
func TestReviewDigestListsInOrder(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0].ID
	for i := range 5 {
		if _, err := h.st.DB().Exec(`INSERT INTO responses (kind, questionnaire, version, pack, user_id, centre, lang, answers, status, submitted_at)
			VALUES ('rating', 'rating', 1, 'hsc', $1, $2, 'uk', '{"time":{"n":1}}', 'submitted', now())`, 12800+i, centre); err != nil {
			t.Fatal(err)
		}
	}
	h.app.WakeReviews()
	h.settle()
	var digest string
	for _, m := range h.srv.Messages(staffChat) {
		if strings.Contains(m.Text, "R-5") {
			digest = m.Text
		}
	}
	last := -1
	for i := 1; i <= 5; i++ {
		at := strings.Index(digest, fmt.Sprintf("R-%d<", i))
		if at < last {
			t.Errorf("R-%d is out of order in the digest:\n%s", i, digest)
		}
		last = at
	}
	if last < 0 {
		t.Errorf("no digest of the five ratings: %q", digest)
	}
}

// A low rating whose visitor asks to be contacted while a request of
// theirs is open joins that request: staff read in its topic what it is
// about, the visitor is told where the answer will come, and the review
// card names it.
func TestFollowUpJoinsTheOpenRequest(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	p := person{id: 12901, lang: "uk"}
	topic := h.openTicketFor(p, "Де мій техпаспорт?")
	h.says(p, "/start r_"+centre.ID+"_3")
	h.settle()
	h.taps(p, h.lastInline(p.id), "qs:r:go")
	h.fillSurvey(p, "rating", func(qq *dialogs.Question) string {
		switch {
		case qq.ID == "followup":
			return dialogs.ChoiceYes
		case qq.Type == dialogs.QuestionText:
			return "Грубий адміністратор"
		case qq.Type == dialogs.QuestionRating5:
			return "1"
		}
		return typical(qq)
	})
	r := h.draft(p, "rating")
	h.taps(p, h.lastInline(p.id), "qs:r:send")
	h.settle()
	ref := dialogs.Ref("rating", r.ID)
	var tickets int
	if err := h.st.DB().Get(&tickets, `SELECT count(*) FROM tickets`); err != nil || tickets != 1 {
		t.Errorf("%d requests (%v); want the open one alone", tickets, err)
	}
	if got := lastInThread(h, topic.ThreadID).Text; got != h.text.Text("uk", "desk.followup_joined", map[string]any{"Ref": ref}) {
		t.Errorf("the open request's topic ends with %q", got)
	}
	told := false
	for _, m := range h.srv.Messages(p.id) {
		told = told || m.Text == h.text.Text("uk", "ticket.followup_joined", map[string]any{"ID": 1})
	}
	if !told {
		t.Error("the visitor is not told that their request to be contacted joined №1")
	}
	var review string
	for _, m := range h.srv.Messages(staffChat) {
		if strings.Contains(m.Text, "Низька оцінка "+ref) {
			review = m.Text
		}
	}
	if want := h.text.Text("uk", "review.follow_up", map[string]any{"ID": 1}); !strings.Contains(review, want) {
		t.Errorf("the review card does not name request №1:\n%s", review)
	}
	h.noRejects()
}

// The SLA reminder is about every wait, not only the first answer: a
// citizen who writes again after an answer, and one who reopens the
// request, are reminded of once the wait is long, once for each wait;
// a request answered since the citizen last wrote is not.
func TestReminderComesForEveryWait(t *testing.T) {
	h := newHarness(t)
	a := person{id: 36001, lang: "uk"}
	b := person{id: 36002, lang: "uk"}
	c := person{id: 36003, lang: "ru"}
	d := person{id: 36004, lang: "uk"}
	ta := h.openTicketFor(a, "Питання А про техогляд")
	tb := h.openTicketFor(b, "Питання Б про номери")
	tc := h.openTicketFor(c, "Вопрос В про права")
	td := h.openTicketFor(d, "Питання Г про довідку")
	e := person{id: 36005, lang: "uk"}
	te := h.openTicketFor(e, "Продам гараж недорого")
	// A: answered once, then the citizen asks more and waits.
	h.staffPost(staffChat, ta.ThreadID, 0, &models.Message{Text: "Техогляд не потрібен для легкових."})
	h.settle()
	h.says(a, "А для причепа?")
	// B: taken but never answered.
	h.staffPost(staffChat, tb.ThreadID, 0, &models.Message{Text: "/take"})
	// C: answered, closed, «not solved», reopened with a word.
	h.staffPost(staffChat, tc.ThreadID, 0, &models.Message{Text: "Ответ."})
	h.staffPost(staffChat, tc.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.taps(c, h.last(c.id), "tr:3:n")
	h.settle()
	h.says(c, "/reopen")
	h.settle()
	h.says(c, "Так и не решили")
	// D: answered, and the citizen has not written since.
	h.staffPost(staffChat, td.ThreadID, 0, &models.Message{Text: "Довідку видають у будь-якому ТСЦ."})
	h.settle()
	// E: blocked without an answer: nobody waits for one.
	h.blocks(te.ThreadID)

	later := func() {
		h.st.DB().MustExec(`UPDATE tickets SET created_at = created_at - interval '10 days', waiting_since = waiting_since - interval '10 days'`)
	}
	reminders := func(thread int) int {
		n := 0
		for _, m := range inThread(h.srv.Messages(staffChat), thread) {
			if strings.HasPrefix(m.Text, "⏰") {
				n++
			}
		}
		return n
	}
	later()
	h.app.desk.RemindWaiting(context.Background(), 30*time.Minute)
	h.app.desk.RemindWaiting(context.Background(), 30*time.Minute)
	h.settle()
	for _, c := range []struct {
		name   string
		thread int
		want   int
	}{{"A, who wrote after the answer", ta.ThreadID, 1}, {"B, never answered", tb.ThreadID, 1}, {"C, reopened", tc.ThreadID, 1}, {"D, answered", td.ThreadID, 0}, {"E, blocked", te.ThreadID, 0}} {
		if got := reminders(c.thread); got != c.want {
			t.Errorf("%s: %d reminders, want %d", c.name, got, c.want)
		}
	}

	// A is answered, writes again and waits: a second wait, a second reminder.
	h.staffPost(staffChat, ta.ThreadID, 0, &models.Message{Text: "Для причепа теж не потрібен."})
	h.settle()
	h.says(a, "А для мотоцикла?")
	h.settle()
	h.app.desk.RemindWaiting(context.Background(), 30*time.Minute)
	h.settle()
	if got := reminders(ta.ThreadID); got != 1 {
		t.Errorf("A was reminded of a wait of a minute: %d reminders", got)
	}
	later()
	h.app.desk.RemindWaiting(context.Background(), 30*time.Minute)
	h.settle()
	if got := reminders(ta.ThreadID); got != 2 {
		t.Errorf("A's second wait: %d reminders in all, want 2", got)
	}
	h.noRejects()
}

// The card's buttons say who closed the request and who blocked the
// citizen, as ✋ says who took it; blocking asks for a second tap first.
func TestCardButtonsNameTheModeratorAndBlockingIsConfirmed(t *testing.T) {
	h := newHarness(t)
	petro := &models.User{ID: 778, FirstName: "Петро", LastName: "Колега"}
	p := person{id: 31101, lang: "uk"}
	q := person{id: 31102, lang: "uk"}
	tp := h.openTicketFor(p, "Скільки коштує заміна прав?")
	tq := h.openTicketFor(q, "Продам гараж недорого")

	card := inThread(h.srv.Messages(staffChat), tp.ThreadID)[0]
	h.staffTaps(petro, card, "tk:c:1")
	want := h.text.Text("uk", "desk.closed", map[string]any{"ID": 1, "Name": "Петро Колега"})
	if got := lastInThread(h, tp.ThreadID).Text; got != want || !strings.Contains(got, "Петро Колега") {
		t.Errorf("closed by the button: %q, want %q", got, want)
	}
	// A second tap on the closed request's card is answered on the card.
	h.staffTaps(moderator, card, "tk:c:1")
	h.settle()
	if got := h.lastAck(); got != h.text.Text("uk", "desk.card_closed", map[string]any{"ID": 1}) {
		t.Errorf("✅ on a closed request's card: the toast %q", got)
	}

	card = inThread(h.srv.Messages(staffChat), tq.ThreadID)[0]
	h.staffTaps(petro, card, "tk:b:2")
	if blocked, _, _ := store.BlockState(context.Background(), h.st.DB(), q.id); blocked {
		t.Fatal("one tap on ⛔ blocked the citizen")
	}
	card = inThread(h.srv.Messages(staffChat), tq.ThreadID)[0]
	if !hasButton(card, "tk:B:2") || !hasButton(card, "tk:k:2") {
		t.Fatalf("no confirmation on the card after ⛔: %v", card.Buttons())
	}
	h.staffTaps(petro, card, "tk:k:2")
	card = inThread(h.srv.Messages(staffChat), tq.ThreadID)[0]
	if blocked, _, _ := store.BlockState(context.Background(), h.st.DB(), q.id); blocked || !hasButton(card, "tk:b:2") {
		t.Fatalf("«no» blocked the citizen, or did not bring the card's buttons back: %v", card.Buttons())
	}
	h.staffTaps(petro, card, "tk:b:2")
	h.staffTaps(petro, inThread(h.srv.Messages(staffChat), tq.ThreadID)[0], "tk:B:2")
	if blocked, _, _ := store.BlockState(context.Background(), h.st.DB(), q.id); !blocked {
		t.Error("the confirmed ⛔ did not block the citizen")
	}
	want = h.text.Text("uk", "desk.blocked", map[string]any{"Name": "Петро Колега"})
	if got := lastInThread(h, tq.ThreadID).Text; got != want || !strings.Contains(got, "Петро Колега") {
		t.Errorf("blocked by the button: %q, want %q", got, want)
	}
	if card := inThread(h.srv.Messages(staffChat), tq.ThreadID)[0]; !hasButton(card, "tk:u:2") || !hasButton(card, "tk:c:2") {
		t.Errorf("the card of a blocked citizen does not offer to unblock: %v", card.Buttons())
	}
	h.noRejects()
}

// A mistyped command in a request's topic (or the private chat's /start)
// is answered: unknown, and which commands the topic takes; another bot's
// command is still left alone. In General, talk among moderators is left
// alone, but a reply to the bot's own message there (an answer meant for
// a citizen) is told that General reaches no citizen.
func TestModeratorMistakesAreAnswered(t *testing.T) {
	h := newHarness(t)
	p := person{id: 31201, lang: "uk"}
	topic := h.openTicketFor(p, "Як замінити посвідчення водія?")
	for _, cmd := range []string{"/tkae", "/start"} {
		h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: cmd})
		h.settle()
		want := h.text.Text("uk", "desk.unknown_command", map[string]any{"Command": cmd})
		got := lastInThread(h, topic.ThreadID)
		if got.Text != want || !strings.Contains(got.Text, "/take") || got.ReplyTo == 0 {
			t.Errorf("%s in a topic: %q (a reply to %d), want %q", cmd, got.Text, got.ReplyTo, want)
		}
	}
	n := len(h.srv.Messages(staffChat))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/tkae@otherbot"})
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "Колеги, хто сьогодні на зміні?"})
	h.settle()
	if ms := h.srv.Messages(staffChat); len(ms) != n {
		t.Errorf("another bot's command or talk in General was answered: %q", ms[len(ms)-1].Text)
	}

	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/tickets"})
	h.settle()
	list := h.last(staffChat)
	bot := h.srv.BotUser()
	answer := &models.Message{Text: "Олено, ваш договір має бути нотаріальним",
		ReplyToMessage: &models.Message{ID: list.ID, Date: int(time.Now().Unix()), From: &bot, Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, IsForum: true}}}
	h.staffPost(staffChat, 0, 0, answer)
	h.settle()
	got := h.last(staffChat)
	if want := h.text.Text("uk", "desk.general_not_relayed"); got.Text != want || got.ThreadID > 1 {
		t.Errorf("a reply to the bot in General: %q in thread %d, want %q", got.Text, got.ThreadID, want)
	}
	if len(h.srv.Messages(p.id)) != 2 {
		t.Errorf("the citizen got what was written in General: %+v", h.srv.Messages(p.id))
	}
	h.noRejects()
}

// Requests opened at the same moment (in one transaction they share
// created_at) are listed by /tickets in the order they were opened, the
// same every time, also when there are more than it shows.
func TestTicketsListIsInAStableOrder(t *testing.T) {
	h := newHarness(t)
	// The rows lie in the table in another order than they were opened
	// (as updates to topics, cards and assignees leave them).
	h.st.DB().MustExec(`INSERT INTO tickets (id, user_id, lang, subject, created_at)
		SELECT i, 40000 + i, 'uk', 'Питання ' || i, date_trunc('second', now()) FROM generate_series(40, 1, -1) i`)
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/tickets"})
	h.settle()
	var ids []string
	for _, m := range regexp.MustCompile(`(?m)^№(\d+) ·`).FindAllStringSubmatch(h.last(staffChat).Text, -1) {
		ids = append(ids, m[1])
	}
	want := make([]string, 30)
	for i := range want {
		want[i] = fmt.Sprint(i + 1)
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("/tickets lists %v, want the 30 first opened in order", ids)
	}
}

// /block asks as the card's ⛔ does, and blocks only on «yes»; the card of
// a blocked citizen offers to unblock (not to block again), and /tickets
// marks their request blocked rather than «nobody took it yet».
func TestBlockIsConfirmedAndShownOnTheCardAndInTheList(t *testing.T) {
	h := newHarness(t)
	p := person{id: 31103, lang: "uk"}
	topic := h.openTicketFor(p, "Продам гараж недорого")
	isBlocked := func() bool {
		blocked, err := store.IsBlocked(context.Background(), h.st.DB(), p.id)
		if err != nil {
			t.Fatal(err)
		}
		return blocked
	}
	card := func() bottest.Message { return inThread(h.srv.Messages(staffChat), topic.ThreadID)[0] }

	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/block"})
	h.settle()
	ask := lastInThread(h, topic.ThreadID)
	if isBlocked() || ask.Text != h.text.Text("uk", "desk.block_ask") || !hasButton(ask, "tk:B:1") || !hasButton(ask, "tk:k:1") {
		t.Fatalf("/block: blocked %v at once; asked %q with %v", isBlocked(), ask.Text, ask.Buttons())
	}
	h.staffTaps(moderator, ask, "tk:k:1")
	if ask = h.now(staffChat, ask.ID); isBlocked() || ask.Text != h.text.Text("uk", "desk.block_cancelled") || len(ask.Buttons()) != 0 {
		t.Errorf("«no» under /block's question: blocked %v, the question reads %q with %v", isBlocked(), ask.Text, ask.Buttons())
	}

	h.blocks(topic.ThreadID)
	if !isBlocked() {
		t.Fatal("«yes» under /block's question did not block the citizen")
	}
	if c := card(); !hasButton(c, "tk:u:1") || hasButton(c, "tk:b:1") {
		t.Errorf("the card of a blocked citizen: %v", c.Buttons())
	}
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/tickets"})
	h.settle()
	g := generalPosts(h)
	if list := g[len(g)-1].Text; !strings.Contains(list, "№1 · UK") || !strings.Contains(list, h.text.Text("uk", "desk.list_blocked")) ||
		strings.Contains(list, h.text.Text("uk", "desk.unassigned")) {
		t.Errorf("/tickets with the citizen blocked:\n%s", list)
	}

	h.staffTaps(moderator, card(), "tk:u:1")
	if c := card(); isBlocked() || !hasButton(c, "tk:b:1") {
		t.Errorf("🔓 on the card: blocked %v, the card's buttons %v", isBlocked(), c.Buttons())
	}
	if got, want := lastInThread(h, topic.ThreadID).Text, h.text.Text("uk", "desk.unblocked", map[string]any{"Name": "Ірина Модераторка"}); got != want {
		t.Errorf("🔓 on the card said %q, want %q", got, want)
	}
	h.noRejects()
}
