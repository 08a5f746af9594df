package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/survey"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

func (h *harness) last(chat int64) bottest.Message {
	ms := h.srv.Messages(chat)
	if len(ms) == 0 {
		h.t.Fatalf("no messages in chat %d", chat)
	}
	return ms[len(ms)-1]
}

func (h *harness) draft(p person, kind string) store.Response {
	h.t.Helper()
	r, err := store.DraftOf(context.Background(), h.st.DB(), p.id, kind)
	if err != nil {
		h.t.Fatalf("no %s draft: %v", kind, err)
	}
	return r
}

func (h *harness) sendPhoto(p person) {
	h.srv.Push(models.Update{Message: &models.Message{
		Date: int(time.Now().Unix()), From: p.user(), Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate},
		Photo: []models.PhotoSize{{FileID: "photo-" + time.Now().Format("150405.000"), FileUniqueID: "u", Width: 90, Height: 90}},
	}})
}

// fillSurvey answers every question as a person would, through the
// buttons and messages, until the summary; a pick of "type:…" is typed
// instead. It returns the steps taken.
func (h *harness) fillSurvey(p person, kind string, pick func(qq *dialogs.Question) string) int {
	h.t.Helper()
	return h.walkSurvey(p, kind, "", pick)
}

// walkSurvey is fillSurvey stopping when question stop is asked ("": at
// the summary).
func (h *harness) walkSurvey(p person, kind, stop string, pick func(qq *dialogs.Question) string) int {
	h.t.Helper()
	q, _ := h.app.Pack.Questionnaire(kind)
	k := turn.LetterOf(kind)
	for step := 0; step < 80; step++ {
		h.settle()
		r := h.draft(p, kind)
		msg := h.lastInline(p.id)
		if survey.NeedsCentre(r) {
			h.pickCentre(p, msg, k)
			continue
		}
		qq, ok := q.Next(r.Answers)
		if ok && qq.ID == stop {
			return step
		}
		if !ok {
			if !hasButton(msg, turn.CbSurvey+":"+k+":send") {
				h.t.Fatalf("the summary has no Send button: %q %s", msg.Text, msg.ReplyMarkup)
			}
			return step
		}
		choice := pick(qq)
		if typed, ok := strings.CutPrefix(choice, "type:"); ok {
			// Typed instead of tapped.
			h.says(p, typed)
			continue
		}
		switch qq.Type {
		case dialogs.QuestionCentre:
			h.pickCentre(p, msg, k)
		case dialogs.QuestionText:
			h.says(p, choice)
		case dialogs.QuestionPhoto:
			if choice == "skip" {
				h.taps(p, msg, turn.CbSurveySkip+":"+k+":"+qq.ID)
			} else {
				h.sendPhoto(p)
			}
		case dialogs.QuestionMulti:
			h.taps(p, msg, turn.CbSurveyAns+":"+k+":"+qq.ID+":"+choice)
			h.settle()
			h.taps(p, h.last(p.id), turn.CbSurveyDone+":"+k+":"+qq.ID)
		default:
			data := turn.CbSurveyAns + ":" + k + ":" + qq.ID + ":" + choice
			if !hasButton(msg, data) {
				h.t.Fatalf("question %s has no button %s: %q %s", qq.ID, data, msg.Text, msg.ReplyMarkup)
			}
			h.taps(p, msg, data)
		}
	}
	h.t.Fatalf("the questionnaire did not reach %q in 80 steps", stop)
	return 0
}

// mysteryAt starts the mystery shopper's questionnaire, answers it as
// typical does up to question at, and types typed there.
func (h *harness) mysteryAt(p person, at, typed string) {
	h.t.Helper()
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	h.walkSurvey(p, "mystery", at, typical)
	h.says(p, typed)
	h.settle()
}

// lastInline is the bot's last message with inline buttons: the step of a
// questionnaire, not the location button's message under it.
func (h *harness) lastInline(chat int64) bottest.Message {
	ms := h.srv.Messages(chat)
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(ms[i].ReplyMarkup, "inline_keyboard") {
			return ms[i]
		}
	}
	return h.last(chat)
}

// pickCentre browses to the first region's first town and chooses its
// first centre.
func (h *harness) pickCentre(p person, msg bottest.Message, k string) {
	h.t.Helper()
	for range 4 {
		for _, row := range msg.Buttons() {
			data := row[0].CallbackData
			if strings.HasPrefix(data, turn.CbSurveyAns+":"+k+":") {
				h.taps(p, msg, data)
				return
			}
			if strings.HasPrefix(data, turn.CbSurveyPlace+":"+k+":t:") || strings.HasPrefix(data, turn.CbSurveyPlace+":"+k+":c:") {
				h.taps(p, msg, data)
				break
			}
		}
		h.settle()
		msg = h.lastInline(p.id)
	}
	h.t.Fatalf("no centre in %q %s", msg.Text, msg.ReplyMarkup)
}

// typical answers: the first option, good scores, no integrity problem.
func typical(qq *dialogs.Question) string {
	switch qq.Type {
	case dialogs.QuestionSingle, dialogs.QuestionMulti:
		return qq.Options[0].ID
	case dialogs.QuestionRating5:
		return "4"
	case dialogs.QuestionScale10:
		return "9"
	case dialogs.QuestionYesNo:
		return dialogs.ChoiceNo
	case dialogs.QuestionYesNoNA:
		return dialogs.ChoiceNA
	case dialogs.QuestionDate:
		return dialogs.ChoiceToday
	case dialogs.QuestionText:
		return "Усе добре, дякую <b>&</b>"
	case dialogs.QuestionPhoto:
		return "photo"
	}
	return ""
}

func TestMysteryShopperInUkrainianAndRussian(t *testing.T) {
	for _, lang := range []string{"uk", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			p := person{id: 12001, lang: lang}
			h.says(p, "/mystery")
			intro := h.nth(p.id, 1)
			if !hasButton(intro, "qs:m:go") || !strings.Contains(intro.Text, "/forget") {
				t.Fatalf("the intro (what is stored and why): %q", intro.Text)
			}
			h.taps(p, intro, "qs:m:go")
			h.settle()
			first := h.lastInline(p.id)
			progress := map[string]string{"uk": "Крок 1", "ru": "Шаг 1"}[lang]
			if !strings.Contains(first.Text, progress) || !strings.Contains(first.Text, h.text.Text(lang, "survey.pick_centre")) {
				t.Errorf("the first step: %q", first.Text)
			}
			steps := h.fillSurvey(p, "mystery", typical)
			r := h.draft(p, "mystery")
			summary := h.last(p.id)
			h.taps(p, summary, "qs:m:send")
			h.taps(p, summary, "qs:m:send") // a double tap
			h.settle()
			thanks := h.last(p.id)
			ref := dialogs.Ref("mystery", r.ID)
			if !strings.Contains(thanks.Text, ref) {
				t.Errorf("after sending: %q, want the reference %s", thanks.Text, ref)
			}
			sub, err := store.SubmittedResponses(context.Background(), h.st.DB(), store.ResponseFilter{})
			if err != nil || len(sub) != 1 {
				t.Fatalf("submitted responses: %d, %v", len(sub), err)
			}
			q, _ := h.app.Pack.Questionnaire("mystery")
			if sub[0].Version != q.Version || sub[0].Lang != lang || sub[0].Centre == "" || !q.Complete(sub[0].Answers) {
				t.Errorf("the stored response: %+v", sub[0])
			}
			if _, ok := sub[0].Answers["examiner_rules"]; ok {
				t.Error("examiner questions were asked without an exam")
			}
			t.Logf("%s: %d steps, %d answers", lang, steps, len(sub[0].Answers))
			// The staff card, in the Reviews topic.
			var card bottest.Message
			h.srv.Wait(t, 20*time.Second, "the review card", func(s *bottest.Server) bool {
				for _, m := range s.Messages(staffChat) {
					if strings.Contains(m.Text, ref) {
						card = m
						return true
					}
				}
				return false
			})
			if card.ThreadID == 0 || !strings.Contains(card.Text, "Усе добре, дякую &lt;b&gt;&amp;&lt;/b&gt;") {
				t.Errorf("the review card: thread %d, %q", card.ThreadID, card.Text)
			}
			h.noRejects()
		})
	}
}

func TestQuickRatingFromQRCode(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	p := person{id: 12101, lang: "uk"}
	h.says(p, "/start r_"+centre.ID+"_3")
	intro := h.nth(p.id, 1)
	if !strings.Contains(intro.Text, h.app.Pack.Local(centre.Name, "uk")) || !hasButton(intro, "qs:r:go:"+centre.ID+":3") {
		t.Fatalf("the rating from a QR code: %q", intro.Text)
	}
	h.taps(p, intro, "qs:r:go")
	low := func(qq *dialogs.Question) string {
		switch qq.ID {
		case "queue":
			return "2"
		case "followup":
			return dialogs.ChoiceYes
		case "comment":
			return "Чекала дві години"
		}
		if qq.Type == dialogs.QuestionText {
			return "Довга черга, табло не працювало"
		}
		return typical(qq)
	}
	h.fillSurvey(p, "rating", low)
	r := h.draft(p, "rating")
	if r.Centre != centre.ID || r.Desk != 3 {
		t.Errorf("centre %q desk %d, want %s and 3 from the link", r.Centre, r.Desk, centre.ID)
	}
	if _, ok := r.Answers["what_wrong"]; !ok {
		t.Error("a score of 2 did not ask what went wrong")
	}
	h.taps(p, h.last(p.id), "qs:r:send")
	h.settle()
	// The follow-up opened a ticket for a person.
	tk, err := store.OpenTicketOf(context.Background(), h.st.DB(), p.id)
	if err != nil || tk.Source != "rating" {
		t.Errorf("the follow-up ticket: %+v %v", tk, err)
	}
	// The moderators read what went wrong, the centre and the scores, not
	// only the rating's reference.
	relayed := false
	for _, m := range inThread(h.srv.Messages(staffChat), int(tk.ThreadID)) {
		relayed = relayed || strings.Contains(m.Text, "Довга черга, табло не працювало") &&
			strings.Contains(m.Text, h.app.Pack.Local(centre.Name, "uk")) && strings.Contains(m.Text, "2/5")
	}
	if !relayed {
		t.Errorf("the follow-up ticket's topic lacks the words, the centre or the scores: %+v", inThread(h.srv.Messages(staffChat), int(tk.ThreadID)))
	}
	// The staff read which centre, town included (two centres may share a name).
	named := false
	for _, m := range inThread(h.srv.Messages(staffChat), int(tk.ThreadID)) {
		named = named || strings.Contains(m.Text, h.app.CentreName("uk", centre)) && strings.Contains(m.Text, h.app.Pack.Local(centre.City, "uk"))
	}
	if !named {
		t.Errorf("the follow-up ticket does not name the centre with its town (%q)", h.app.CentreName("uk", centre))
	}
	if tk.Subject != "Довга черга, табло не працювало" {
		t.Errorf("the topic is named %q; want the person's words alone", tk.Subject)
	}
	h.srv.Wait(t, 20*time.Second, "the low-rating card", func(s *bottest.Server) bool {
		for _, m := range s.Messages(staffChat) {
			if strings.Contains(m.Text, dialogs.Ref("rating", r.ID)) && strings.Contains(m.Text, "❗") {
				return true
			}
		}
		return false
	})
	// A malformed or unknown link falls back to choosing the centre.
	q := person{id: 12102, lang: "uk"}
	h.says(q, "/start r_nosuchcentre_1")
	h.taps(q, h.nth(q.id, 1), "qs:r:go")
	h.settle()
	if got := h.lastInline(q.id).Text; !strings.Contains(got, h.text.Text("uk", "survey.pick_centre")) {
		t.Errorf("an unknown centre in the link: %q", got)
	}
	h.noRejects()
}

func TestQuestionnaireSurvivesRestartAndDoubleTaps(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12201, lang: "uk"}
	h.atFirstScore(p)
	step := h.last(p.id)
	h.taps(p, step, "qa:r:time:5")
	h.taps(p, step, "qa:r:time:5") // the same button twice
	h.settle()
	if got := h.draft(p, "rating").Answers; len(got) != 1 || *got["time"].Number != 5 {
		t.Fatalf("after a double tap: %+v", got)
	}
	// Text where a button is expected: a hint, nothing lost.
	h.says(p, "дуже довго")
	h.settle()
	if got := h.last(p.id).Text; !strings.Contains(got, h.text.Text("uk", "survey.err.expected_score", map[string]any{"Lo": 1, "Hi": 5})) {
		t.Errorf("text instead of a score: %q", got)
	}
	h.restart()
	h.says(p, "/rate")
	h.settle()
	offer := h.last(p.id)
	if !hasButton(offer, "qs:r:cont") {
		t.Fatalf("after a restart: %q", offer.Text)
	}
	h.taps(p, offer, "qs:r:cont")
	h.settle()
	// Five scores and what follows a low one: the total is said only once
	// it cannot change («Крок 2 (усього до 8)», not «Крок 2 з 6» that
	// becomes «з 8»): until then, the most there can be.
	q, _ := h.app.Pack.Questionnaire("rating")
	most := q.MostSteps(h.draft(p, "rating").Answers)
	if got, want := h.last(p.id).Text, h.text.Text("uk", "survey.progress_open", map[string]any{"Step": 2, "Most": most}); !strings.Contains(got, want) || most <= 5 {
		t.Errorf("continuing after the restart: %q; want %q (of at most %d)", got, want, most)
	}
	// Back, then a button of the old step: the hint, no change.
	h.taps(p, h.last(p.id), "qb:r")
	h.settle()
	if a, ok := h.draft(p, "rating").Answers["time"]; ok && !a.Pending {
		t.Error("Back did not reopen the previous question")
	}
	h.noRejects()
}

func TestExportCSVHoldsTheAnswers(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12301, lang: "ru"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.fillSurvey(p, "rating", typical)
	r := h.draft(p, "rating")
	h.taps(p, h.last(p.id), "qs:r:send")
	h.settle()
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/export 7d"})
	h.settle()
	docs := h.srv.RequestsFor("sendDocument")
	if len(docs) != 1 {
		t.Fatalf("sendDocument called %d times", len(docs))
	}
	var data []byte
	for _, f := range docs[0].Files {
		data = f.Data
	}
	// The byte-order mark, for Excel, comes before the header.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("the CSV: %d rows, %v\n%s", len(rows), err, data)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	row := rows[1]
	if row[col["ref"]] != dialogs.Ref("rating", r.ID) || row[col["centre"]] != r.Centre || row[col["language"]] != "ru" || row[col["version"]] != "1" {
		t.Errorf("fixed columns: %v", row)
	}
	for _, id := range []string{"time", "queue", "staff", "comfort", "info"} {
		if row[col[id]] != "4" {
			t.Errorf("column %s = %q, want 4", id, row[col[id]])
		}
	}
	// /stats shows the averages and the satisfied share, in words, and by
	// centre the visit ratings apart from mystery shoppers'.
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/stats"})
	h.settle()
	sl := h.app.StaffLang()
	if got := h.last(staffChat).Text; !strings.Contains(got, h.text.Text(sl, "stats.csat", map[string]any{"Pct": "100%"})) || !strings.Contains(got, "4,00") ||
		!strings.Contains(got, h.text.Text(sl, "stats.centre_ratings", map[string]any{"Count": 1, "Pct": "100%"})) || strings.Contains(got, "CSAT") {
		t.Errorf("/stats: %q", got)
	}
	// Periods are said as staff read them, not as the codes typed.
	if got := h.last(staffChat).Text; !strings.Contains(got, h.text.Count(h.app.StaffLang(), "stats.period.days", 30, nil)) || strings.Contains(got, "30d") {
		t.Errorf("/stats names its period %q", got)
	}
	if c := docs[0].Get("caption"); strings.Contains(c, "7d") || !strings.Contains(c, h.text.Count(h.app.StaffLang(), "stats.period.days", 7, nil)) {
		t.Errorf("/export's caption names its period %q", c)
	}
	h.noRejects()
}

func TestForgetKeepsAnswersAnonymously(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12401, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.fillSurvey(p, "rating", typical)
	h.taps(p, h.last(p.id), "qs:r:send")
	h.settle()
	// «No» first: nothing goes.
	h.says(p, "/forget")
	h.settle()
	if !hasButton(h.last(p.id), "fg:n") {
		t.Errorf("/forget offers no «No»: %+v", h.last(p.id).Buttons())
	}
	h.taps(p, h.last(p.id), "fg:n")
	h.settle()
	var withID, total int
	h.st.DB().QueryRow(`SELECT count(*) FILTER (WHERE user_id = $1), count(*) FROM responses`, p.id).Scan(&withID, &total)
	if got := h.last(p.id).Text; withID != 1 || got != h.text.Text("uk", "forget.kept") {
		t.Errorf("«No» to /forget: %q, %d responses with the id; want nothing deleted, and told so", got, withID)
	}
	h.says(p, "/forget")
	h.settle()
	h.taps(p, h.last(p.id), "fg:y")
	h.settle()
	h.st.DB().QueryRow(`SELECT count(*) FILTER (WHERE user_id = $1), count(*) FROM responses`, p.id).Scan(&withID, &total)
	if withID != 0 || total != 1 {
		t.Errorf("after /forget: %d responses still carry the id, %d kept", withID, total)
	}
	h.noRejects()
}

func TestOneRatingPerCentrePerDay(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SurveyDailyLimit = 1 })
	centre := h.app.Pack.Centres[0]
	p := person{id: 12501, lang: "uk"}
	h.says(p, "/start r_"+centre.ID)
	h.settle()
	h.taps(p, h.last(p.id), "qs:r:go")
	h.fillSurvey(p, "rating", typical)
	h.taps(p, h.last(p.id), "qs:r:send")
	h.settle()
	// The same centre's QR code again the same day: told at once, at the
	// centre step, with the choice of another centre; not after every
	// question at «Send».
	h.says(p, "/start r_"+centre.ID)
	h.settle()
	h.taps(p, h.last(p.id), "qs:r:go")
	h.settle()
	got := h.last(p.id)
	if !strings.Contains(got.Text, h.text.Text("uk", "survey.err.daily_limit_centre")) {
		t.Errorf("a second rating of the same centre the same day starts with %q", got.Text)
	}
	if r := h.draft(p, "rating"); r.Centre != "" {
		t.Errorf("the draft keeps the centre rated today: %q", r.Centre)
	}
	sub, _ := store.SubmittedResponses(context.Background(), h.st.DB(), store.ResponseFilter{})
	if len(sub) != 1 {
		t.Errorf("%d ratings stored, want 1", len(sub))
	}
	h.noRejects()
}

// Back shows the step again with what was chosen marked; a typed answer is
// shown and can be kept with a button.
func TestBackMarksTheEarlierAnswer(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9811, lang: "uk"}
	h.atFirstScore(p)
	h.taps(p, h.lastInline(p.id), turn.CbSurveyAns+":r:time:2")
	h.settle()
	h.taps(p, h.lastInline(p.id), turn.CbSurveyBack+":r")
	h.settle()
	step := h.lastInline(p.id)
	if marked := markedButton(step); marked != turn.CbSurveyAns+":r:time:2" {
		t.Errorf("back at the first score, the marked button is %q; want the 2 chosen:\n%s", marked, step.ReplyMarkup)
	}
	for _, id := range []string{"time:2", "queue:5", "staff:5", "comfort:5", "info:5"} {
		h.taps(p, h.lastInline(p.id), turn.CbSurveyAns+":r:"+id)
		h.settle()
	}
	h.says(p, "Довго чекала")
	h.settle()
	h.taps(p, h.lastInline(p.id), turn.CbSurveyBack+":r")
	h.settle()
	again := h.lastInline(p.id)
	if !strings.Contains(again.Text, "«Довго чекала»") || !hasButton(again, turn.CbSurveyDone+":r:what_wrong") {
		t.Fatalf("back at what went wrong: %q %s", again.Text, again.ReplyMarkup)
	}
	// The limit meets its noun in the right form (1000 takes «символів»).
	if !strings.Contains(again.Text, "(до 1000 символів)") {
		t.Errorf("the text step's hint: %q", again.Text)
	}
	h.taps(p, again, turn.CbSurveyDone+":r:what_wrong")
	h.settle()
	if got := h.draft(p, "rating").Answers["what_wrong"]; got.Text != "Довго чекала" || got.Pending {
		t.Errorf("kept as it was: %+v", got)
	}
	if next := h.lastInline(p.id); !hasButton(next, turn.CbSurveyAns+":r:followup:yes") {
		t.Errorf("after keeping the answer: %q", next.Text)
	}
	h.noRejects()
}

// From the rating's summary the centre can be chosen again (✏️ 🏢), and a
// changed answer is asked with the earlier one marked.
func TestSummaryChangesTheCentreAndMarksTheAnswer(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9821, lang: "uk"}
	h.atFirstScore(p)
	for _, id := range []string{"time:5", "queue:4", "staff:5", "comfort:5", "info:5"} {
		h.taps(p, h.lastInline(p.id), turn.CbSurveyAns+":r:"+id)
		h.settle()
	}
	h.taps(p, h.lastInline(p.id), turn.CbSurveySkip+":r:comment")
	h.settle()
	summary := h.lastInline(p.id)
	first := h.draft(p, "rating").Centre
	if !hasButton(summary, turn.CbSurveyEdit+":r:"+survey.CentreStep) {
		t.Fatalf("the rating's summary offers no ✏️ for the centre: %q %s", summary.Text, summary.ReplyMarkup)
	}
	h.taps(p, summary, turn.CbSurveyEdit+":r:"+survey.CentreStep)
	h.settle()
	if got := h.draft(p, "rating").Centre; got != first {
		t.Errorf("choosing the centre again dropped the one given (now %q): Back would leave nothing", got)
	}
	h.says(p, "Ізмаїл")
	h.settle()
	h.pickCentre(p, h.lastInline(p.id), "r")
	h.settle()
	r := h.draft(p, "rating")
	if r.Centre == first || r.Centre == "" {
		t.Fatalf("the centre after choosing again: %q (was %q)", r.Centre, first)
	}
	back := h.lastInline(p.id)
	centre, _ := h.app.Pack.Centre(r.Centre)
	if !hasButton(back, "qs:r:send") || !strings.Contains(back.Text, h.app.Pack.Local(centre.Name, "uk")) || r.Answers["queue"].Number == nil {
		t.Fatalf("after the new centre, the summary with every answer kept: %q", back.Text)
	}
	h.taps(p, back, turn.CbSurveyEdit+":r:queue")
	h.settle()
	if marked := markedButton(h.lastInline(p.id)); marked != turn.CbSurveyAns+":r:queue:4" {
		t.Errorf("changing the queue's score marks %q; want the 4 given", marked)
	}
	h.noRejects()
}

// atFirstScore starts /rate and chooses the first centre offered: the
// first score is the step shown.
func (h *harness) atFirstScore(p person) {
	h.t.Helper()
	h.startRating(p)
	h.pickCentre(p, h.lastInline(p.id), "r")
	h.settle()
}

// markedButton is the callback data of the button marked ✅ (the answer
// given before), or "".
func markedButton(m bottest.Message) string {
	for _, row := range m.Buttons() {
		for _, b := range row {
			if strings.HasPrefix(b.Text, "✅") {
				return b.CallbackData
			}
		}
	}
	return ""
}

// «Готово» on a multiple-choice step with nothing ticked says to tick one,
// not to type text.
func TestDoneWithNothingTickedSaysSo(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9831, lang: "uk"}
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	h.settle()
	h.pickCentre(p, h.lastInline(p.id), "m")
	h.settle()
	h.taps(p, h.lastInline(p.id), turn.CbSurveyAns+":m:date:"+dialogs.ChoiceToday)
	h.settle()
	h.taps(p, h.lastInline(p.id), turn.CbSurveyDone+":m:services")
	h.settle()
	if got := h.lastInline(p.id).Text; !strings.HasPrefix(got, h.text.Text("uk", "survey.err.none_ticked")) {
		t.Errorf("Done with nothing ticked: %q", got)
	}
	h.noRejects()
}

// The summary before sending names the centre with its town, as a centre
// is named elsewhere: Konotop's office and its exam ground, which share a
// name and a number, read differently; a centre a mystery shopper picks
// is named with its town in their language.
func TestSummaryNamesTheCentreWithItsTown(t *testing.T) {
	h := newHarness(t)
	for i, tt := range []struct{ centre, want string }{
		{"konotop5942", "🏢 ТСЦ МВС № 5942 · Конотоп · Крім практичного іспиту"},
		{"konotop5942x", "🏢 ТСЦ МВС № 5942 · Конотоп · Лише практичний іспит"},
	} {
		p := person{id: 9841 + int64(i), lang: "uk"}
		h.says(p, "/start r_"+tt.centre+"_3")
		intro := h.nth(p.id, 1)
		if !strings.Contains(intro.Text, tt.want) {
			t.Errorf("the rating's intro from the QR code of %s: %q; want %q", tt.centre, intro.Text, tt.want)
		}
		h.taps(p, intro, "qs:r:go")
		h.fillSurvey(p, "rating", typical)
		if got := h.lastInline(p.id).Text; !strings.Contains(got, tt.want) {
			t.Errorf("the rating's summary for %s: %q; want %q", tt.centre, got, tt.want)
		}
	}

	p := person{id: 9845, lang: "ru"}
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	h.fillSurvey(p, "mystery", typical)
	c, ok := h.app.Pack.Centre(h.draft(p, "mystery").Centre)
	if !ok {
		t.Fatal("the mystery shopper's centre is not in the pack")
	}
	want := "— <b>" + html.EscapeString(h.app.Pack.Local(c.Name, "ru")+" · "+h.app.Pack.Local(c.City, "ru")) + "</b>"
	if got := h.lastInline(p.id).Text; !strings.Contains(got, want) {
		t.Errorf("the mystery shopper's summary: %q; want the centre as %q", got, want)
	}
	h.noRejects()
}

// A typed answer quoted back after «Назад» keeps one full stop: «…відповів».
// not «…відповів.».
func TestSurveyPreviousAnswerHasOneFullStop(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12901, lang: "uk"}
	h.startRating(p)
	h.rateLowUntil(p, "followup", "Працівник грубо відповів.")
	h.taps(p, h.lastInline(p.id), turn.CbSurveyBack+":r")
	h.settle()
	got := h.lastInline(p.id).Text
	if !strings.Contains(got, "Ваша попередня відповідь: «Працівник грубо відповів».") || strings.Contains(got, "відповів.»") {
		t.Errorf("the previous answer is quoted as:\n%s", got)
	}
	h.noRejects()
}

// In the moderators' review card a flagged answer has a space after its
// mark: «❗ Час очікування», not «❗Час очікування».
func TestSurveyReviewCardMarksHaveASpace(t *testing.T) {
	h := newHarness(t)
	p := person{id: 12902, lang: "uk"}
	h.startRating(p)
	h.rateLowUntil(p, "", "Довга черга")
	r := h.draft(p, "rating")
	h.taps(p, h.lastInline(p.id), "qs:r:send")
	h.settle()
	ref := dialogs.Ref("rating", r.ID)
	h.srv.Wait(t, 20*time.Second, "the low-rating card", func(s *bottest.Server) bool {
		_, ok := h.lastWith(staffChat, ref)
		return ok
	})
	card, _ := h.lastWith(staffChat, ref)
	if !strings.Contains(card.Text, "\n❗ ") || strings.Contains(card.Text, "\n❗"+"Ч") {
		t.Errorf("the card's marks have no space after them:\n%s", card.Text)
	}
	h.noRejects()
}

// The mystery shopper's «how did you get in» offers «Інший спосіб» /
// «Другой способ», not a bare «Інакше» / «Иначе».
func TestMysteryBookingOtherReadsAsAnotherWay(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ lang, want, not string }{{"uk", "Інший спосіб", "Інакше"}, {"ru", "Другой способ", "Иначе"}} {
		p := person{id: int64(12911 + i), lang: c.lang}
		h.says(p, "/mystery")
		h.taps(p, h.nth(p.id, 1), "qs:m:go")
		var labels []string
		h.fillSurvey(p, "mystery", func(qq *dialogs.Question) string {
			if qq.ID == "booking" {
				for _, row := range h.lastInline(p.id).Buttons() {
					for _, b := range row {
						labels = append(labels, b.Text)
					}
				}
			}
			return typical(qq)
		})
		joined := strings.Join(labels, " | ")
		if !strings.Contains(joined, c.want) || strings.Contains(joined, c.not) {
			t.Errorf("%s: the booking step offers %s; want %q", c.lang, joined, c.want)
		}
	}
	h.noRejects()
}

// A question typed in the middle of a questionnaire is answered, not
// taken for a wrong answer: the FAQ's answer in one message, saying the
// questionnaire waits above, whose step keeps its buttons, and nothing of
// the questionnaire changes. Text the FAQ does not know is still told to
// use the buttons.
func TestQuestionTypedMidQuestionnaireIsAnswered(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	p := person{id: 16101, lang: "uk"}
	h.says(p, "/start r_"+centre.ID+"_3")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.settle()
	step := h.lastInline(p.id)
	before := h.draft(p, dialogs.KindRating)
	n := len(h.srv.Messages(p.id))

	h.says(p, "як записатися в тсц через телефон онлайн")
	h.settle()
	ms := h.srv.Messages(p.id)
	if len(ms) != n+1 {
		t.Fatalf("%d messages for the typed question; want the answer alone", len(ms)-n)
	}
	answer := ms[len(ms)-1]
	if !strings.Contains(answer.Text, "Як записатися до сервісного центру онлайн?") || !strings.HasSuffix(answer.Text, h.text.Text("uk", "survey.faq_aside")) {
		t.Errorf("the typed question is not answered: %q", answer.Text)
	}
	if after := h.draft(p, dialogs.KindRating); !reflect.DeepEqual(after.Answers, before.Answers) {
		t.Errorf("the typed question changed the answers: %v -> %v", before.Answers, after.Answers)
	}

	// The questionnaire goes on from the step above, whose buttons stay.
	for _, m := range h.srv.Messages(p.id) {
		if m.ID == step.ID && m.ReplyMarkup != step.ReplyMarkup {
			t.Errorf("the step above lost its buttons: %s", m.ReplyMarkup)
		}
	}
	h.taps(p, step, firstAnswerButton(t, step))
	h.settle()
	if after := h.draft(p, dialogs.KindRating); len(after.Answers) != len(before.Answers)+1 {
		t.Errorf("the step above takes no answer: %v", after.Answers)
	}

	// Words the FAQ does not know, or knows but not written as a question
	// (an answer meant for the step): the step's own hint, as before.
	for _, text := range []string{"ммм ну таке", "реєстрація авто"} {
		h.says(p, text)
		h.settle()
		if got := h.last(p.id).Text; strings.Contains(got, h.text.Text("uk", "survey.faq_aside")) || !strings.Contains(got, "⚠️") {
			t.Errorf("«%s» mid-questionnaire: %q", text, got)
		}
	}

	// Thanks where a score is awaited: the step again, kindly.
	h.says(p, "дякую")
	h.settle()
	if got := h.last(p.id).Text; !strings.HasPrefix(got, h.text.Text("uk", "survey.small_talk")) {
		t.Errorf("«дякую» mid-questionnaire: %q", got)
	}

	// Where the centres are: the way to them.
	h.says(p, "де найближчий сервісний центр?")
	h.settle()
	if got := h.last(p.id).Text; got != h.text.Text("uk", "survey.centres_aside") {
		t.Errorf("«where is the nearest centre» mid-questionnaire: %q", got)
	}

	// At the centre step, a question that names no centre is answered too.
	c := person{id: 16102, lang: "ru"}
	h.startRating(c)
	h.says(c, "как записаться в тсц онлайн?")
	h.settle()
	if got := h.last(c.id).Text; !strings.Contains(got, "Как записаться в сервисный центр онлайн?") || !strings.HasSuffix(got, h.text.Text("ru", "survey.faq_aside")) {
		t.Errorf("a question at the centre step: %q", got)
	}
	// A greeting at the centre step is not looked for as a town.
	h.says(c, "Привет")
	h.settle()
	if got := h.last(c.id).Text; !strings.HasPrefix(got, h.text.Text("ru", "survey.small_talk")) {
		t.Errorf("«Привет» at the centre step: %q", got)
	}
	// «Where is the nearest centre?» at the centre step: the step's own
	// button, not /centres.
	h.says(c, "где ближайший сервисный центр?")
	h.settle()
	if got := h.last(c.id); !strings.HasPrefix(got.Text, h.text.Text("ru", "survey.centres_here", map[string]any{"Button": h.text.Text("ru", "centre.near_me")})) || !strings.Contains(got.ReplyMarkup, turn.CbSurveyPlace) {
		t.Errorf("«where is the nearest centre» at the centre step: %q", got.Text)
	}
	// «отмена» typed is /cancel, in a questionnaire as anywhere a dialog
	// waits.
	h.says(c, "Отмена")
	h.settle()
	ms = h.srv.Messages(c.id)
	if got := ms[len(ms)-1].Text; got != h.text.Text("ru", "cancel.done") {
		t.Errorf("«Отмена» mid-questionnaire: %q", got)
	}
	h.noRejects()
}

// firstAnswerButton is the callback data of a step's first answer button.
func firstAnswerButton(t *testing.T, m bottest.Message) string {
	t.Helper()
	for _, row := range m.Buttons() {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, turn.CbSurveyAns+":") {
				return b.CallbackData
			}
		}
	}
	t.Fatalf("no answer button in %q %s", m.Text, m.ReplyMarkup)
	return ""
}

// How long the mystery shopper waited, typed as people say it («хвилин
// 20», «півгодини»), is the range of minutes it falls in.
func TestMysteryWaitTypedInWords(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ typed, want string }{{"хвилин 20", "m15_30"}, {"півтори години", "over60"}} {
		p := person{id: int64(16201 + i), lang: "uk"}
		h.says(p, "/mystery")
		h.taps(p, h.nth(p.id, 1), "qs:m:go")
		h.fillSurvey(p, "mystery", func(qq *dialogs.Question) string {
			if qq.ID == "wait" {
				return "type:" + c.typed
			}
			return typical(qq)
		})
		if got := h.draft(p, "mystery").Answers["wait"]; len(got.Choice) != 1 || got.Choice[0] != c.want {
			t.Errorf("«%s» typed at «how long did you wait» gave %+v; want %s", c.typed, got, c.want)
		}
	}
	h.noRejects()
}

// «ні», «нічого», «-» typed at an optional comment skip it: the comment is
// not «ні».
func TestDecliningAnOptionalCommentSkipsIt(t *testing.T) {
	h := newHarness(t)
	for i, typed := range []string{"ні", "Ні, дякую", "-", "нет, спасибо", "ні, не хочу"} {
		p := person{id: int64(16301 + i), lang: "uk"}
		h.says(p, "/rate")
		h.taps(p, h.nth(p.id, 1), "qs:r:go")
		h.rateLowUntil(p, "what_wrong", "")
		h.says(p, typed)
		h.settle()
		got := h.draft(p, "rating").Answers["what_wrong"]
		if !got.Skipped || got.Text != "" {
			t.Errorf("«%s» at an optional comment gave %+v; want it skipped", typed, got)
		}
	}
	h.noRejects()
}

// Typing at a questionnaire's intro, before «▶️ Почати»: «почати» or
// «так» starts it; a question is answered as anywhere else (it used to get
// «choose with the buttons below», with no buttons), and «Почати» above
// still starts the rating of the QR code's centre.
func TestTypingAtTheIntro(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	p := person{id: 9801, lang: "uk"}
	h.says(p, "/start r_"+centre.ID+"_3")
	h.settle()
	intro := h.last(p.id)
	h.says(p, "скільки коштує заміна прав")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "кнопкою нижче") || !strings.Contains(got, "<b>") {
		t.Errorf("a question typed at the intro got %q; want it answered", got)
	}
	h.taps(p, intro, "qs:r:go:"+centre.ID+":3")
	h.settle()
	if r := h.draft(p, dialogs.KindRating); r.Centre != centre.ID || r.Desk != 3 {
		t.Errorf("«Почати» after a question began a rating of centre %q desk %d; want the QR code's %s, 3", r.Centre, r.Desk, centre.ID)
	}

	// «ні»: not now.
	no := person{id: 9808, lang: "uk"}
	h.says(no, "/rate")
	h.settle()
	h.says(no, "ні")
	h.settle()
	if got := h.last(no.id).Text; got != h.text.Text("uk", "cancel.done") {
		t.Errorf("«ні» at the intro: %q", got)
	}
	// «а навіщо?»: the intro again, with its buttons; «так» then starts.
	w := person{id: 9809, lang: "uk"}
	h.says(w, "/rate")
	h.settle()
	h.says(w, "а навіщо?")
	h.settle()
	if got := h.last(w.id); !hasButton(got, "qs:r:go") {
		t.Errorf("«а навіщо?» at the intro: %q; want the intro again", got.Text)
	}
	h.says(w, "так")
	h.settle()
	if _, err := store.DraftOf(context.Background(), h.st.DB(), w.id, dialogs.KindRating); err != nil {
		t.Errorf("«так» after «а навіщо?» began no rating: %q", h.last(w.id).Text)
	}
	for i, typed := range []string{"почати", "Так", "давайте", "так давай"} {
		p := person{id: int64(9802 + i), lang: "uk"}
		h.says(p, "/rate")
		h.settle()
		n := len(h.srv.Messages(p.id))
		h.says(p, typed)
		h.settle()
		ms := h.srv.Messages(p.id)
		if _, err := store.DraftOf(context.Background(), h.st.DB(), p.id, dialogs.KindRating); err != nil || len(ms) != n+1 || strings.Contains(ms[n].Text, "кнопкою нижче") {
			t.Errorf("«%s» at the intro: %d messages more, last %q, draft: %v; want the rating begun", typed, len(ms)-n, ms[len(ms)-1].Text, err)
		}
	}
	h.noRejects()
}

// A sticker at the rating's centre step shows the step again; it used to
// say that no centre was found for «».
func TestStickerAtTheCentreStep(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9811, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.settle()
	h.srv.Push(models.Update{Message: &models.Message{
		Date: int(time.Now().Unix()), From: p.user(), Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate},
		Sticker: &models.Sticker{FileID: "s", FileUniqueID: "s", Type: "regular", Width: 512, Height: 512},
	}})
	h.settle()
	if got := h.last(p.id); strings.Contains(got.Text, "«»") || !strings.HasPrefix(got.Text, h.text.Text("uk", "survey.small_talk")) || len(got.Buttons()) == 0 {
		t.Errorf("a sticker at the centre step: %q", got.Text)
	}
	h.noRejects()
}

// A single-choice step answered with a word of one option's label
// («в терміналі», «онлайн») is that option; a word two labels share
// («талон») is asked again.
func TestOptionNamedByAWord(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ typed, want string }{{"в терміналі", "terminal"}, {"онлайн", "eq_online"}, {"талон", ""}} {
		p := person{id: int64(9821 + i), lang: "uk"}
		h.says(p, "/mystery")
		h.taps(p, h.nth(p.id, 1), "qs:m:go")
		typedOnce := false
		h.fillSurvey(p, "mystery", func(qq *dialogs.Question) string {
			if qq.ID == "booking" && !typedOnce {
				typedOnce = true
				return "type:" + c.typed
			}
			if qq.ID == "booking" {
				return "other" // asked again: tapped
			}
			return typical(qq)
		})
		got := h.draft(p, "mystery").Answers["booking"].Choice
		want := c.want
		if want == "" {
			want = "other"
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("«%s» at «how did you get in?»: %v; want %s", c.typed, got, want)
		}
	}
	h.noRejects()
}

// A phone number written in «what went wrong?» is not kept: the answer
// is stored without it, and the person is told why, above the next step.
// The visit's date and time stay as written.
func TestPhoneNumberIsNotKeptInAComment(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9831, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "what_wrong", "")
	h.says(p, "Був 12.03.2025 10:30, чекав 2 години, передзвоніть мені 0671234567")
	h.settle()
	got := h.draft(p, "rating").Answers["what_wrong"].Text
	if strings.Contains(got, "0671234567") || !strings.Contains(got, "Був 12.03.2025 10:30, чекав 2 години") {
		t.Errorf("the comment is kept as %q", got)
	}
	if last := h.last(p.id).Text; !strings.HasPrefix(last, h.text.Text("uk", "survey.phone_removed")) {
		t.Errorf("the next step says %q; want the phone's removal told first", last)
	}
	var n int
	h.st.DB().Get(&n, `SELECT (SELECT count(*) FROM responses WHERE answers::text LIKE '%0671234567%') + (SELECT count(*) FROM inbox WHERE payload::text LIKE '%0671234567%')`)
	if n != 0 {
		t.Errorf("%d rows of responses and the inbox keep the phone number", n)
	}
	h.noRejects()
}

// A complaint typed at a score step, or at the last yes/no, is not thrown
// away with a promise: it is kept («Зберегли — додамо до коментаря», its
// phone number masked), the step is asked again, and «what went wrong?»
// shows it and begins with it; typed at the last step, where no text step
// follows, it joins the answer to «what went wrong?» the summary shows.
func TestComplaintTypedAtAButtonStepIsKeptForTheComment(t *testing.T) {
	for _, c := range []struct {
		pack, lang                     string
		complaint, more, last, noPhone string
	}{
		{"mfc", "ru", "Ждал в очереди два часа, хотя был записан на 10:00", "И никто не объяснил почему",
			"Звонить не надо, мой номер 0671234567, я уже пожаловался в министерство", "0671234567"},
		{"hsc", "uk", "Черга жахлива стояли 3 години, кондиціонер не працює", "І ніхто не пояснив чому",
			"Дзвонити не треба, мій номер 0671234567, я вже поскаржився в міністерство", "0671234567"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			h := newHarness(t, func(cfg *Config) { cfg.Pack = c.pack })
			centre := h.app.Pack.Centres[0]
			p := person{id: 9841, lang: c.lang}
			h.says(p, "/start r_"+centre.ID)
			h.taps(p, h.nth(p.id, 1), "qs:r:go")
			h.walkSurvey(p, dialogs.KindRating, "queue", typical)
			h.says(p, c.complaint)
			h.settle()
			got := h.last(p.id)
			if !strings.HasPrefix(got.Text, h.text.Text(c.lang, "survey.note_kept_choose")) || !strings.Contains(got.ReplyMarkup, "qa:r:queue:") {
				t.Errorf("a complaint typed at a score step: %q; want it kept and the step asked again", got.Text)
			}
			low := func(qq *dialogs.Question) string {
				if qq.ID == "queue" {
					return "2"
				}
				return typical(qq)
			}
			h.walkSurvey(p, dialogs.KindRating, "what_wrong", low)
			step := h.lastInline(p.id)
			if !strings.Contains(step.Text, html.EscapeString(c.complaint)) || !hasButton(step, "qd:r:what_wrong") {
				t.Errorf("«what went wrong?» does not show the complaint kept: %q %s", step.Text, step.ReplyMarkup)
			}
			h.says(p, c.more)
			h.settle()
			if got, want := h.draft(p, dialogs.KindRating).Answers["what_wrong"].Text, c.complaint+"\n\n"+c.more; got != want {
				t.Errorf("what went wrong: %q; want %q", got, want)
			}
			// The last step, «shall an operator contact you?»: no text step
			// follows.
			h.says(p, c.last)
			h.settle()
			if got := h.last(p.id).Text; !strings.Contains(got, h.text.Text(c.lang, "survey.note_kept_choose")) || !strings.Contains(got, h.text.Text(c.lang, "survey.phone_removed")) {
				t.Errorf("a complaint typed at the last yes/no: %q", got)
			}
			h.taps(p, h.lastInline(p.id), "qa:r:followup:no")
			h.settle()
			r := h.draft(p, dialogs.KindRating)
			if what := r.Answers["what_wrong"].Text; !strings.HasPrefix(what, c.complaint+"\n\n"+c.more+"\n\n") || !strings.Contains(what, "міністерство") && !strings.Contains(what, "министерство") || strings.Contains(what, c.noPhone) {
				t.Errorf("what went wrong, once the last step is answered: %q; want the last complaint added, its number masked", what)
			}
			if _, left := r.Answers[dialogs.NoteKey]; left || !hasButton(h.last(p.id), "qs:r:send") {
				t.Errorf("after the last step: %q, the note kept apart: %v; want the summary, the note in «what went wrong?»", h.last(p.id).Text, left)
			}
			var n int
			h.st.DB().Get(&n, `SELECT count(*) FROM inbox WHERE payload::text LIKE '%0671234567%'`)
			if n != 0 {
				t.Errorf("the inbox keeps the phone number typed at a yes/no step")
			}
			h.noRejects()
		})
	}
}

// when one did not notice) is that answer.
func TestNotApplicableTyped(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ lang, typed string }{
		{"uk", "не звертав уваги"}, {"uk", "не знаю"}, {"uk", "не було потреби"}, {"ru", "не было необходимости"}, {"ru", "не помню"},
	} {
		typed := c.typed
		p := person{id: int64(9851 + i), lang: c.lang}
		h.says(p, "/mystery")
		h.taps(p, h.nth(p.id, 1), "qs:m:go")
		once := false
		h.fillSurvey(p, "mystery", func(qq *dialogs.Question) string {
			if qq.ID == "access_premises" && !once {
				once = true
				return "type:" + typed
			}
			if qq.ID == "access_premises" {
				return "yes" // not read: tapped
			}
			return typical(qq)
		})
		if got := h.draft(p, "mystery").Answers["access_premises"].Choice; len(got) != 1 || got[0] != dialogs.ChoiceNA {
			t.Errorf("«%s» at access_premises: %v; want «не стосується»", typed, got)
		}
	}
	h.noRejects()
}

// «вийти», «передумала» typed at the first step, nothing answered yet,
// leave the questionnaire, as /cancel does (they got «give a score with
// the buttons»; with answers given, see
// TestTypedExitAsksBeforeAnswersAreLost); «назад» goes
// back a step, and «досить» at the last comment is «nothing to add», not
// the end of a finished rating.
func TestTypedExitLeavesTheQuestionnaire(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	for i, typed := range []string{"вийти", "передумала"} {
		p := person{id: int64(9861 + i), lang: "uk"}
		h.says(p, "/start r_"+centre.ID)
		h.taps(p, h.nth(p.id, 1), "qs:r:go")
		h.settle()
		h.says(p, typed)
		h.settle()
		if _, err := store.GetConversation(context.Background(), h.st.DB(), p.id); err == nil {
			t.Errorf("«%s»: the questionnaire still waits; the bot said %q", typed, h.last(p.id).Text)
		}
	}
	p := person{id: 9865, lang: "uk"}
	h.says(p, "/start r_"+centre.ID)
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.settle()
	h.says(p, "5")
	h.settle()
	h.says(p, "назад")
	h.settle()
	if q, _ := h.app.Pack.Questionnaire(dialogs.KindRating); func() bool {
		qq, ok := q.Next(h.draft(p, dialogs.KindRating).Answers)
		return !ok || qq.ID != q.Sections[0].Questions[0].ID
	}() {
		t.Errorf("«назад» after the first score did not go back to it: %q", h.last(p.id).Text)
	}
	for {
		q, _ := h.app.Pack.Questionnaire(dialogs.KindRating)
		qq, ok := q.Next(h.draft(p, dialogs.KindRating).Answers)
		if !ok || qq.Type == dialogs.QuestionText {
			break
		}
		h.says(p, "5")
		h.settle()
	}
	h.says(p, "досить")
	h.settle()
	if r := h.draft(p, dialogs.KindRating); !r.Answers["comment"].Skipped {
		t.Errorf("«досить» at the comment: %+v; want it skipped, the rating kept", r.Answers["comment"])
	}
	h.noRejects()
}

// «5 березня», «5 марта» typed at the date step are that day of this year
// (of last year when it is still to come); one more than 90 days ago is
// told as the date read and too long ago, not as a date not read.
func TestDayAndMonthNameTypedAtTheDateStep(t *testing.T) {
	h := newHarness(t)
	months := map[string][]string{
		"uk": strings.Fields("січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"),
		"ru": strings.Fields("января февраля марта апреля мая июня июля августа сентября октября ноября декабря"),
	}
	today := time.Now().In(h.app.Pack.Hours().Location())
	named := func(lang string, d time.Time) string {
		return strconv.Itoa(d.Day()) + " " + months[lang][d.Month()-1]
	}
	for i, lang := range []string{"uk", "ru"} {
		p := person{id: int64(9871 + i), lang: lang}
		h.says(p, "/mystery")
		h.taps(p, h.nth(p.id, 1), "qs:m:go")
		h.walkSurvey(p, "mystery", "date", typical)
		old := today.AddDate(0, 0, -150)
		h.says(p, named(lang, old))
		h.settle()
		got := h.last(p.id).Text
		if !strings.Contains(got, old.Format("02.01.2006")) || strings.HasPrefix(got, h.text.Text(lang, "survey.err.bad_date")) {
			t.Errorf("%s: «%s» (150 days ago) at the date step: %q; want it read as %s and told too long ago", lang, named(lang, old), got, old.Format("02.01.2006"))
		}
		recent := today.AddDate(0, 0, -10)
		h.says(p, named(lang, recent))
		h.settle()
		if got := h.draft(p, "mystery").Answers["date"].Text; got != recent.Format(time.DateOnly) {
			t.Errorf("%s: «%s» at the date step: %q; want %s", lang, named(lang, recent), got, recent.Format(time.DateOnly))
		}
	}
	h.noRejects()
}

// «назад» typed at the summary is its «⬅️ Назад»: the last question is
// asked again, not «надішліть анкету або змініть відповідь кнопками».
func TestBackTypedAtTheSummary(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	q, _ := h.app.Pack.Questionnaire(dialogs.KindRating)
	for i, lang := range []string{"uk", "ru"} {
		p := person{id: int64(9881 + i), lang: lang}
		h.says(p, "/start r_"+centre.ID)
		h.taps(p, h.nth(p.id, 1), "qs:r:go")
		h.fillSurvey(p, dialogs.KindRating, typical)
		h.says(p, "Назад")
		h.settle()
		vis := q.Visible(h.draft(p, dialogs.KindRating).Answers)
		if qq, ok := q.Next(h.draft(p, dialogs.KindRating).Answers); !ok || qq.ID != vis[len(vis)-1].ID {
			t.Errorf("%s: «Назад» at the summary: %q; want the last question asked again", lang, h.last(p.id).Text)
		}
	}
	h.noRejects()
}

// «паспорт» typed at «which services» ticks the option it names (as a
// word names one of a single choice), the step stays with what was ticked
// said, and «готово» typed is «Готово».
func TestOptionTickedByATypedWord(t *testing.T) {
	for _, c := range []struct{ pack, lang, typed, want string }{
		{"mfc", "ru", "паспорт", "passport"},
		{"hsc", "uk", "довідка про несудимість", "no_criminal_record"},
	} {
		t.Run(c.pack, func(t *testing.T) {
			h := newHarness(t, func(cfg *Config) { cfg.Pack = c.pack })
			p := person{id: 9891, lang: c.lang}
			h.mysteryAt(p, "services", c.typed)
			got := h.last(p.id)
			if ticked := h.draft(p, "mystery").Answers["services"].Choice; len(ticked) != 1 || ticked[0] != c.want {
				t.Fatalf("«%s» at «which services»: %v, and the bot said %q; want %s ticked", c.typed, ticked, got.Text, c.want)
			}
			if !strings.Contains(got.ReplyMarkup, "✅") || !strings.HasPrefix(got.Text, "✅") {
				t.Errorf("the step after «%s» does not say what was ticked: %q %s", c.typed, got.Text, got.ReplyMarkup)
			}
			h.says(p, "готово")
			h.settle()
			if a := h.draft(p, "mystery").Answers["services"]; a.Pending || len(a.Choice) != 1 || a.Choice[0] != c.want {
				t.Errorf("«готово» after «%s»: %+v; want %s given", c.typed, a, c.want)
			}
			h.noRejects()
		})
	}
}

// Words that leave a questionnaire lose no answers unasked: «выйти» at the
// last (optional) comment of a finished rating is «nothing to add», and
// the summary follows; «передумал», «хватит», «досить» mid-way ask «Вийти з
// анкети?» with «Продовжити» and «Вийти»; /cancel still leaves at once.
func TestTypedExitAsksBeforeAnswersAreLost(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	// saysAt starts a rating, walks to question at and types typed there.
	saysAt := func(p person, at, typed string) {
		h.says(p, "/start r_"+centre.ID)
		h.taps(p, h.nth(p.id, 1), "qs:r:go")
		h.walkSurvey(p, dialogs.KindRating, at, typical)
		h.says(p, typed)
		h.settle()
	}
	gone := func(p person) bool {
		_, err := store.DraftOf(context.Background(), h.st.DB(), p.id, dialogs.KindRating)
		return err != nil
	}
	asked := func(p person, typed string) bottest.Message {
		t.Helper()
		got := h.last(p.id)
		if gone(p) || !strings.HasPrefix(got.Text, h.text.Text(p.lang, "survey.leave_confirm")) || !hasButton(got, "qs:r:cont") || !hasButton(got, "qs:r:x") {
			t.Fatalf("«%s» with answers given: %q %s; want «leave?» asked, the answers kept", typed, got.Text, got.ReplyMarkup)
		}
		return got
	}

	for i, c := range []struct{ lang, typed string }{{"ru", "выйти"}, {"uk", "Вийти"}} {
		typed := c.typed
		p := person{id: int64(9905 + i), lang: c.lang}
		saysAt(p, "comment", typed)
		if gone(p) || !h.draft(p, dialogs.KindRating).Answers["comment"].Skipped || !hasButton(h.last(p.id), "qs:r:send") {
			t.Errorf("«%s» at the last comment of a finished rating: %q; want the comment skipped and the summary", typed, h.last(p.id).Text)
		}
	}

	p := person{id: 9902, lang: "ru"}
	saysAt(p, "staff", "передумал")
	confirm := asked(p, "передумал")
	h.taps(p, confirm, "qs:r:cont")
	h.settle()
	q, _ := h.app.Pack.Questionnaire(dialogs.KindRating)
	if qq, ok := q.Next(h.draft(p, dialogs.KindRating).Answers); !ok || qq.ID != "staff" || !strings.Contains(h.last(p.id).ReplyMarkup, "qa:r:staff:") {
		t.Errorf("«Продолжить» after «передумал»: %q; want the step asked again", h.last(p.id).Text)
	}
	h.says(p, "хватит")
	h.settle()
	asked(p, "хватит")
	h.says(p, "да")
	h.settle()
	if !gone(p) || h.last(p.id).Text != h.text.Text("ru", "survey.cancelled") {
		t.Errorf("«да» to «leave?»: %q; want the questionnaire left", h.last(p.id).Text)
	}

	p = person{id: 9903, lang: "uk"}
	saysAt(p, "staff", "досить")
	h.taps(p, asked(p, "досить"), "qs:r:x")
	h.settle()
	if !gone(p) {
		t.Errorf("«Вийти» after «досить»: %q; want the questionnaire left", h.last(p.id).Text)
	}

	// A score tapped while «leave?» waits: the person went on, and «так»
	// typed after it does not leave.
	p = person{id: 9907, lang: "uk"}
	saysAt(p, "staff", "досить")
	h.taps(p, asked(p, "досить"), "qa:r:staff:4")
	h.settle()
	h.says(p, "так")
	h.settle()
	if gone(p) {
		t.Errorf("«так» typed after a score was tapped under «leave?» left the questionnaire: %q", h.last(p.id).Text)
	}

	p = person{id: 9904, lang: "uk"}
	saysAt(p, "staff", "/cancel")
	if !gone(p) {
		t.Errorf("/cancel mid-way: %q; want the questionnaire left at once", h.last(p.id).Text)
	}
	h.noRejects()
}

// «нет, пришлось прийти второй раз» at «all done in one visit?» is «Ні»,
// and why is kept for «why a second time?», which shows it and takes it
// with «Цього досить»; «да, охранник предлагал…» at an integrity question
// is «Так», its details kept for the integrity details (and not in the
// inbox), not to be typed again.
func TestYesOrNoWithAReasonTyped(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct {
		lang, secondVisit, why, bribe, details, more string
	}{
		{"ru", "нет, пришлось прийти второй раз", "пришлось прийти второй раз",
			"да, охранник предлагал пройти без очереди за 500 рублей", "охранник предлагал пройти без очереди за 500 рублей", "Это было утром у входа"},
		{"uk", "Ні, довелося прийти вдруге через помилку", "довелося прийти вдруге через помилку",
			"так, охоронець пропонував пройти без черги за 500 гривень", "охоронець пропонував пройти без черги за 500 гривень", "Це було вранці біля входу"},
	} {
		p := person{id: int64(9911 + i), lang: c.lang}
		h.mysteryAt(p, "one_visit", c.secondVisit)
		step := h.lastInline(p.id)
		if got := h.draft(p, "mystery").Answers["one_visit"].Choice; len(got) != 1 || got[0] != dialogs.ChoiceNo {
			t.Fatalf("%s: «%s» at «all done in one visit?»: %v, the bot said %q; want no", c.lang, c.secondVisit, got, step.Text)
		}
		q, _ := h.app.Pack.Questionnaire(dialogs.KindMystery)
		kept := h.text.Text(c.lang, "survey.note_kept_for", map[string]any{"Question": h.app.Pack.Local(q.Question("one_visit_why").Short(), c.lang)})
		if !strings.HasPrefix(step.Text, kept) || !strings.Contains(step.Text, c.why) || !hasButton(step, "qd:m:one_visit_why") {
			t.Errorf("%s: «why a second time?» after «%s»: %q %s; want what was written shown, and enough", c.lang, c.secondVisit, step.Text, step.ReplyMarkup)
		}
		h.taps(p, step, "qd:m:one_visit_why")
		h.settle()
		if got := h.draft(p, "mystery").Answers["one_visit_why"].Text; got != c.why {
			t.Errorf("%s: why a second time: %q; want %q", c.lang, got, c.why)
		}

		h.walkSurvey(p, "mystery", "slot_for_money", typical)
		h.says(p, c.bribe)
		h.settle()
		if got := h.draft(p, "mystery").Answers["slot_for_money"].Choice; len(got) != 1 || got[0] != dialogs.ChoiceYes {
			t.Fatalf("%s: «%s» at the integrity question: %v, the bot said %q; want yes", c.lang, c.bribe, got, h.last(p.id).Text)
		}
		h.walkSurvey(p, "mystery", "integrity_details", typical)
		if step := h.lastInline(p.id); !strings.Contains(step.Text, c.details) {
			t.Errorf("%s: the integrity details do not show what was written: %q", c.lang, step.Text)
		}
		h.says(p, c.more)
		h.settle()
		if got, want := h.draft(p, "mystery").Answers["integrity_details"].Text, c.details+"\n\n"+c.more; got != want {
			t.Errorf("%s: the integrity details: %q; want %q", c.lang, got, want)
		}
		var n int
		h.st.DB().Get(&n, `SELECT count(*) FROM inbox WHERE payload::text LIKE '%' || $1 || '%'`, c.details)
		if n != 0 {
			var rows []string
			h.st.DB().Select(&rows, `SELECT payload::text FROM inbox WHERE payload::text LIKE '%' || $1 || '%'`, c.details)
			t.Errorf("%s: the inbox keeps what was written about the bribe %q", c.lang, rows)
		}
	}
	// A word that takes the answer back: no answer, but the words kept.
	p := person{id: 9915, lang: "ru"}
	h.mysteryAt(p, "one_visit", "да нет, пришлось прийти ещё раз")
	if r := h.draft(p, "mystery"); r.Answers["one_visit"].Choice != nil || !strings.HasPrefix(h.last(p.id).Text, h.text.Text("ru", "survey.note_kept_choose")) {
		t.Errorf("«да нет, пришлось прийти ещё раз»: %v, the bot said %q; want no answer, the words kept", r.Answers["one_visit"], h.last(p.id).Text)
	}
	h.noRejects()
}

// «не зараз», «потім» at a questionnaire's intro put it off kindly, saying
// how to come back; «я там ще не була, можна пізніше?» in the middle keeps
// the answers given and says how to go on, where it got «choose with the
// buttons» or FAQ suggestions.
func TestQuestionnairePutOffInWords(t *testing.T) {
	h := newHarness(t)
	for i, c := range []struct{ lang, typed string }{{"uk", "не зараз"}, {"uk", "потім"}, {"ru", "давайте позже"}} {
		p := person{id: int64(9851 + i), lang: c.lang}
		h.says(p, "/rate")
		h.settle()
		h.says(p, c.typed)
		h.settle()
		if got, want := h.last(p.id).Text, h.text.Text(c.lang, "survey.later", map[string]any{"Command": "rate"}); got != want {
			t.Errorf("«%s» at the intro: %q; want %q", c.typed, got, want)
		}
	}
	p := person{id: 9861, lang: "uk"}
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	h.settle()
	h.says(p, "Я там ще не була, можна заповнити пізніше?")
	h.settle()
	if got, want := h.last(p.id).Text, h.text.Text("uk", "survey.saved_for_later", map[string]any{"Command": "mystery"}); got != want {
		t.Errorf("putting the questionnaire off: %q; want %q", got, want)
	}
	// What comes next is not taken for the step.
	h.says(p, "як записатися на іспит?")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "Крок") {
		t.Errorf("after putting it off, a question got the step: %q", got)
	}
	// At a score step too.
	r := person{id: 9862, lang: "ru"}
	h.says(r, "/rate")
	h.taps(r, h.nth(r.id, 1), "qs:r:go")
	h.rateLowUntil(r, "staff", "")
	h.says(r, "давайте потом, я спешу")
	h.settle()
	if got, want := h.last(r.id).Text, h.text.Text("ru", "survey.saved_for_later", map[string]any{"Command": "rate"}); got != want {
		t.Errorf("putting the rating off at a score step: %q; want %q", got, want)
	}
	h.says(p, "/mystery")
	h.settle()
	if !hasButton(h.last(p.id), "qs:m:cont") {
		t.Errorf("/mystery after putting it off does not offer to go on: %q %s", h.last(p.id).Text, h.last(p.id).ReplyMarkup)
	}
	h.noRejects()
}

// «назад» typed at the centre step goes back as the button does; it was
// looked for as a town («За запитом «назад» центру не знайшлося»).
func TestBackTypedAtTheCentreStep(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9871, lang: "uk"}
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	h.settle()
	h.says(p, "назад")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "«назад»") {
		t.Errorf("«назад» at the centre step was looked for as a town: %q", got)
	}
	h.noRejects()
}

// «хочу поговорити з оператором» typed mid-questionnaire is the request
// for a person it is anywhere else: the answers wait (and the person is
// told how to go on), and the bot asks what the question is. It was kept
// as words for the comment.
func TestOperatorAskedForMidQuestionnaire(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9881, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "queue", "")
	n := len(h.srv.Messages(p.id))
	h.says(p, "хочу поговорити з оператором")
	h.settle()
	got := h.srv.Messages(p.id)[n:]
	if len(got) != 2 || got[0].Text != h.text.Text("uk", "survey.saved_for_later", map[string]any{"Command": "rate"}) || got[1].Text != h.text.Text("uk", "ticket.describe") {
		t.Fatalf("asking for a person mid-questionnaire: %+v", got)
	}
	if _, ok := h.draft(p, dialogs.KindRating).Answers["time"]; !ok {
		t.Error("the answers given were lost")
	}
	h.noRejects()
}

// Words typed at a button step are kept for the general comment, as the
// step promises («добавим к комментарию»): not for «why a second visit?»,
// nor for what happened with a bribe, which the integrity team reads.
// A complaint about rudeness typed at a score reached the staff card as
// the reason for a second visit and the integrity chat as the bribe.
func TestNoteKeptGoesToTheCommentAlone(t *testing.T) {
	for _, c := range []struct{ pack, at, typed string }{
		{"mfc", "staff_polite", "сотрудница в окне 5 кричала на пенсионерку"},
		{"hsc", "services", "экзамен по вождению и права"},
	} {
		t.Run(c.pack, func(t *testing.T) {
			h := newHarnessWith(t, []models.Chat{{ID: integrityChat, Type: models.ChatTypeSupergroup, Title: "Integrity"}},
				func(cfg *Config) { cfg.Pack, cfg.IntegrityChatID = c.pack, integrityChat })
			q, _ := h.app.Pack.Questionnaire(dialogs.KindMystery)
			const why, bribe = "Не хватило одной справки", "Охранник просил 500 рублей за место в очереди"
			pick := func(qq *dialogs.Question) string {
				switch {
				case qq.ID == "one_visit":
					return dialogs.ChoiceNo
				case qq.Integrity:
					return dialogs.ChoiceYes
				case qq.ID == "one_visit_why":
					return why
				case slices.Contains(q.IntegrityQuestions(), qq):
					return bribe
				}
				return typical(qq)
			}
			p := person{id: 9931, lang: "ru"}
			h.mysteryAt(p, c.at, c.typed)
			if got := h.last(p.id).Text; !strings.HasPrefix(got, h.text.Text("ru", "survey.note_kept_choose")) {
				t.Fatalf("«%s» at %s: %q; want it kept for the comment", c.typed, c.at, got)
			}
			for _, id := range []string{"one_visit_why", "integrity_details"} {
				h.walkSurvey(p, dialogs.KindMystery, id, pick)
				if step := h.lastInline(p.id); strings.Contains(step.Text, c.typed) || hasButton(step, "qd:m:"+id) {
					t.Errorf("%s offers the words kept for the comment: %q %s", id, step.Text, step.ReplyMarkup)
				}
			}
			h.walkSurvey(p, dialogs.KindMystery, "comment", pick)
			step := h.lastInline(p.id)
			if !strings.Contains(step.Text, c.typed) || !hasButton(step, "qd:m:comment") {
				t.Fatalf("the comment does not offer the words kept: %q %s", step.Text, step.ReplyMarkup)
			}
			h.taps(p, step, "qd:m:comment")
			h.walkSurvey(p, dialogs.KindMystery, "", pick)
			ans := h.draft(p, dialogs.KindMystery).Answers
			if ans["comment"].Text != c.typed || ans["one_visit_why"].Text != why || ans["integrity_details"].Text != bribe {
				t.Errorf("comment %q, why a second visit %q, what happened %q; want %q, %q, %q",
					ans["comment"].Text, ans["one_visit_why"].Text, ans["integrity_details"].Text, c.typed, why, bribe)
			}
			h.taps(p, h.lastInline(p.id), "qs:m:send")
			h.settle()
			reported := false
			for _, m := range h.srv.Messages(integrityChat) {
				reported = reported || strings.Contains(m.Text, "500 рублей")
				if strings.Contains(m.Text, c.typed) {
					t.Errorf("the integrity chat got the words kept for the comment: %q", m.Text)
				}
			}
			if !reported {
				t.Errorf("the integrity chat has no report: %+v", h.srv.Messages(integrityChat))
			}
			whyLabel := h.app.Pack.Local(q.Question("one_visit_why").Short(), h.app.StaffLang())
			carded := false
			for _, m := range h.srv.Messages(staffChat) {
				for _, line := range strings.Split(m.Text, "\n") {
					carded = carded || strings.Contains(line, c.typed)
					if strings.Contains(line, whyLabel) && strings.Contains(line, c.typed) {
						t.Errorf("the staff card gives the words kept as the reason for a second visit: %q", line)
					}
				}
			}
			if !carded {
				t.Errorf("no staff card shows the comment: %+v", h.srv.Messages(staffChat))
			}
			h.noRejects()
		})
	}
}

// Words typed at a bribe question without a yes or no wait for its
// description, which a "yes" asks for, and are said to; answered "no"
// throughout, they are sent nowhere: not in the comment staff read.
func TestWordsTypedAtABribeQuestionStayWithItsDescription(t *testing.T) {
	h := newHarness(t)
	q, _ := h.app.Pack.Questionnaire(dialogs.KindMystery)
	const told = "охранник предлагал пройти без очереди за 500 рублей"
	label := h.app.Pack.Local(q.Question("integrity_details").Short(), "ru")
	for i, answer := range []string{dialogs.ChoiceYes, dialogs.ChoiceNo} {
		p := person{id: int64(9941 + i), lang: "ru"}
		h.mysteryAt(p, "slot_for_money", told)
		if got, want := h.last(p.id).Text, h.text.Text("ru", "survey.note_kept_if_yes", map[string]any{"Yes": h.text.Text("ru", "survey.yes"), "Question": label}); !strings.HasPrefix(got, want) {
			t.Errorf("«%s» at the bribe question: %q; want %q", told, got, want)
		}
		pick := func(qq *dialogs.Question) string {
			if qq.Integrity {
				return answer
			}
			return typical(qq)
		}
		if answer == dialogs.ChoiceYes {
			h.walkSurvey(p, dialogs.KindMystery, "integrity_details", pick)
			if step := h.lastInline(p.id); !strings.Contains(step.Text, told) {
				t.Errorf("the bribe's description does not offer what was told: %q", step.Text)
			}
			continue
		}
		h.walkSurvey(p, dialogs.KindMystery, "", pick)
		for id, ans := range h.draft(p, dialogs.KindMystery).Answers {
			if strings.Contains(ans.Text, "500") {
				t.Errorf("answered «no», what was told at the bribe question is kept in %s: %q", id, ans.Text)
			}
		}
	}
	h.noRejects()
}

// A text step that offers «↩️ Оставить как было» or «✔️ Этого
// достаточно» takes those words typed («оставить как было», «готово»,
// «ок», «всё верно») as the button: the answer given stays (it was
// replaced by «оставить как было», and the staff card read «Что пошло не
// так — отправить»). At the summary alone, «отправить» or «надіслати»
// typed sends it.
func TestButtonWordsTypedAtATextStep(t *testing.T) {
	h := newHarness(t, func(cfg *Config) { cfg.Pack = "mfc" })
	const complaint = "Ждала два часа, сотрудница нахамила"
	p := person{id: 9951, lang: "ru"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "what_wrong", "")
	h.says(p, complaint)
	h.settle()
	h.taps(p, h.lastInline(p.id), "qa:r:followup:no")
	h.settle()
	for _, typed := range []string{"оставить как было", "готово", "отправить", "ок", "дальше", "всё верно"} {
		h.taps(p, h.lastInline(p.id), "qe:r:what_wrong")
		h.settle()
		if step := h.lastInline(p.id); !hasButton(step, "qd:r:what_wrong") {
			t.Fatalf("«what went wrong?» asked again offers no «keep»: %q %s", step.Text, step.ReplyMarkup)
		}
		h.says(p, typed)
		h.settle()
		if got := h.draft(p, dialogs.KindRating).Answers["what_wrong"]; got.Text != complaint || got.Pending {
			t.Errorf("«%s» typed where «↩️ Оставить как было» waits: what went wrong is %+v; want %q kept", typed, got, complaint)
		}
		if !hasButton(h.last(p.id), "qs:r:send") {
			t.Errorf("«%s» typed where «↩️ Оставить как было» waits: %q; want the summary", typed, h.last(p.id).Text)
		}
	}
	h.says(p, "отправить")
	h.settle()
	if got, want := h.last(p.id).Text, "✅"; !strings.HasPrefix(got, want) || hasButton(h.last(p.id), "qs:r:send") {
		t.Errorf("«отправить» typed at the summary: %q; want the thanks", got)
	}
	if _, err := store.DraftOf(context.Background(), h.st.DB(), p.id, dialogs.KindRating); err == nil {
		t.Error("«отправить» typed at the summary did not send the rating")
	}

	// «этого достаточно» where words kept at a score wait.
	const note = "Очередь жуткая, стояла почти три часа"
	p = person{id: 9952, lang: "ru"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "queue", "")
	h.says(p, note)
	h.settle()
	h.rateLowUntil(p, "what_wrong", "")
	h.says(p, "этого достаточно")
	h.settle()
	if got := h.draft(p, dialogs.KindRating).Answers["what_wrong"].Text; got != note {
		t.Errorf("«этого достаточно» typed where words kept wait: what went wrong is %q; want %q", got, note)
	}

	// «надіслати» from a Ukrainian speaker.
	p = person{id: 9953, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "", "Довга черга")
	h.says(p, "надіслати")
	h.settle()
	if _, err := store.DraftOf(context.Background(), h.st.DB(), p.id, dialogs.KindRating); err == nil {
		t.Errorf("«надіслати» typed at the summary: %q; want the rating sent", h.last(p.id).Text)
	}
	h.noRejects()
}

// A questionnaire put off in words («давайте потом», «хочу поговорить с
// оператором») is taken up again by a button of its step: after the score
// tapped, the comment typed is its answer. It went to the FAQ (or became
// the operator's request), and the comment was lost.
func TestPausedQuestionnaireResumesWithItsButtons(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	for i, putOff := range []string{"давайте потом", "хочу поговорить с оператором"} {
		p := person{id: int64(9961 + i), lang: "ru"}
		h.says(p, "/start r_"+centre.ID)
		h.taps(p, h.nth(p.id, 1), "qs:r:go")
		h.walkSurvey(p, dialogs.KindRating, "info", typical)
		step := h.lastInline(p.id)
		h.says(p, putOff)
		h.settle()
		h.taps(p, step, "qa:r:info:5")
		h.settle()
		var got bottest.Message
		for _, m := range h.srv.Messages(p.id) {
			if m.ID == step.ID {
				got = m
			}
		}
		if !hasButton(got, "qk:r:comment") {
			t.Fatalf("«%s», then 5 tapped: %q %s; want the comment asked", putOff, got.Text, got.ReplyMarkup)
		}
		const comment = "Всё понравилось, сотрудница всё объяснила"
		h.says(p, comment)
		h.settle()
		if got := h.draft(p, dialogs.KindRating).Answers["comment"].Text; got != comment {
			t.Errorf("«%s», 5 tapped, then the comment typed: the comment is %q, the bot said %q; want %q", putOff, got, h.last(p.id).Text, comment)
		}
		if !hasButton(h.last(p.id), "qs:r:send") {
			t.Errorf("«%s», 5 tapped, then the comment typed: %q; want the summary", putOff, h.last(p.id).Text)
		}
		if _, err := store.OpenTicketOf(context.Background(), h.st.DB(), p.id); err == nil {
			t.Errorf("«%s», 5 tapped, then the comment typed: the comment opened a request", putOff)
		}
	}
	h.noRejects()
}

// Where no staff chat is, no one would answer: the questionnaires' intros
// promise no operator, a low rating does not ask «Чи хочете, щоб з вами
// зв’язався оператор?», and «хочу поговорити з оператором» typed mid-way
// is told so, the step asked again, not put off.
func TestQuestionnairesWithoutAStaffChatPromiseNoOperator(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.StaffChatID = 0 })
	p := person{id: 9971, lang: "uk"}
	h.says(p, "/mystery")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "оператор") || !strings.Contains(got, "Telegram ID") {
		t.Errorf("the mystery shopper's intro without a staff chat: %q", got)
	}
	h.says(p, "/rate")
	h.settle()
	if got := h.last(p.id).Text; strings.Contains(got, "оператор") || !strings.Contains(got, "лише щоб уникнути повторних оцінок. ") {
		t.Errorf("the rating's intro without a staff chat: %q", got)
	}
	h.taps(p, h.last(p.id), "qs:r:go")
	h.rateLowUntil(p, "queue", "")
	h.says(p, "хочу поговорити з оператором")
	h.settle()
	if got := h.last(p.id); !strings.HasPrefix(got.Text, h.text.Text("uk", "survey.no_operator")) || !hasButton(got, "qa:r:queue:1") {
		t.Errorf("asking for an operator mid-way without a staff chat: %q %s; want no operator said, the step again", got.Text, got.ReplyMarkup)
	}
	h.says(p, "1")
	h.settle()
	if got := h.draft(p, dialogs.KindRating).Answers["queue"].Number; got == nil || *got != 1 {
		t.Errorf("a score typed after asking for an operator: %v, the bot said %q", got, h.last(p.id).Text)
	}
	h.rateLowUntil(p, "what_wrong", "")
	h.says(p, "Довга черга")
	h.settle()
	summary := h.last(p.id)
	if !hasButton(summary, "qs:r:send") || strings.Contains(summary.Text, "оператор") || strings.Contains(summary.Text, "Зворотний зв") {
		t.Fatalf("after «what went wrong?» without a staff chat: %q %s; want the summary, no operator asked", summary.Text, summary.ReplyMarkup)
	}
	h.taps(p, summary, "qs:r:send")
	h.settle()
	if _, err := store.DraftOf(context.Background(), h.st.DB(), p.id, dialogs.KindRating); err == nil {
		t.Errorf("the rating was not sent: %q", h.last(p.id).Text)
	}
	h.noRejects()
}

// A bribe told at a score step is kept for the comment, which the centre's
// staff read: the step also says where it is reported to the integrity
// team (/report).
func TestBribeToldInARatingPointsToReport(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9891, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "queue", "")
	h.says(p, "інспектор сказав, що без 200 доларів я не здам")
	h.settle()
	if got := h.last(p.id).Text; !strings.Contains(got, h.text.Text("uk", "survey.bribe_report")) {
		t.Errorf("a bribe told at a score step: %q; want /report pointed to", got)
	}
	h.says(p, "/rate")
	h.settle()
	q := person{id: 9892, lang: "uk"}
	h.says(q, "/rate")
	h.taps(q, h.nth(q.id, 1), "qs:r:go")
	h.rateLowUntil(q, "queue", "")
	h.says(q, "черга була жахлива, стояли три години")
	h.settle()
	if got := h.last(q.id).Text; strings.Contains(got, "/report") {
		t.Errorf("a complaint with no bribe points to /report: %q", got)
	}
	h.noRejects()
}

// «⬅️ Назад» at a questionnaire's first step goes back to its intro and
// «▶️ Почати» (it did nothing: an empty toast, no message); with answers
// given further on, it says this is the first step and they stay.
func TestBackAtTheFirstStepShowsTheIntro(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9891, lang: "uk"}
	for _, k := range []string{"m", "r"} {
		h.says(p, map[string]string{"m": "/mystery", "r": "/rate"}[k])
		h.settle()
		h.taps(p, h.last(p.id), "qs:"+k+":go")
		h.settle()
		n := len(h.srv.Messages(p.id))
		h.taps(p, h.lastInline(p.id), turn.CbSurveyBack+":"+k)
		h.settle()
		intro := h.lastInline(p.id)
		if !hasButton(intro, "qs:"+k+":go") || len(h.srv.Messages(p.id)) != n {
			t.Errorf("%s: «Назад» at the first step: %q %s", k, intro.Text, intro.ReplyMarkup)
		}
		// «Почати» begins it again, at its first step.
		h.taps(p, intro, "qs:"+k+":go")
		h.settle()
		if got := h.lastInline(p.id); hasButton(got, "qs:"+k+":go") || strings.Contains(got.Text, h.text.Text("uk", "survey.continue")) {
			t.Errorf("%s: «Почати» after «Назад»: %q", k, got.Text)
		}
	}
	// The rating's centre step with an answer given further on.
	h.pickCentre(p, h.lastInline(p.id), "r")
	h.settle()
	h.taps(p, h.lastInline(p.id), turn.CbSurveyAns+":r:time:4")
	h.settle()
	for range 3 {
		h.taps(p, h.lastInline(p.id), turn.CbSurveyBack+":r")
		h.settle()
	}
	if got := h.lastInline(p.id).Text; !strings.Contains(got, h.text.Text("uk", "survey.first_step")) {
		t.Errorf("«Назад» at the centre step with answers given: %q", got)
	}
	if _, ok := h.draft(p, "rating").Answers["time"]; !ok {
		t.Error("the answer given was lost")
	}
	h.noRejects()
}

// «російською, будь ласка» typed mid-questionnaire is the language asked
// for: the step is shown again in it (it got «Поставте цілу оцінку»).
func TestLanguageAskedMidQuestionnaire(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9895, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "queue", "")
	h.says(p, "російською, будь ласка")
	h.settle()
	got := h.last(p.id).Text
	if !strings.HasPrefix(got, h.text.Text("ru", "language.set")) || !strings.Contains(got, "Шаг ") {
		t.Errorf("«російською, будь ласка» mid-questionnaire: %q", got)
	}
	h.noRejects()
}

// «готово» typed at a text step with nothing written is not its answer
// («Причина повторного візиту: готово»): an optional step is skipped.
func TestDoneTypedAtAnEmptyTextStep(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9897, lang: "uk"}
	h.says(p, "/mystery")
	h.taps(p, h.nth(p.id, 1), "qs:m:go")
	h.walkSurvey(p, dialogs.KindMystery, "one_visit_why", typical)
	h.says(p, "готово")
	h.settle()
	if got := h.draft(p, dialogs.KindMystery).Answers["one_visit_why"]; got.Text != "" || !got.Skipped {
		t.Errorf("«готово» at an empty optional text step: %+v; want it skipped", got)
	}
	// Thanked for too.
	q := person{id: 9898, lang: "uk"}
	h.says(q, "/mystery")
	h.taps(q, h.nth(q.id, 1), "qs:m:go")
	h.walkSurvey(q, dialogs.KindMystery, "one_visit_why", typical)
	h.says(q, "дякую, це все")
	h.settle()
	if got := h.draft(q, dialogs.KindMystery).Answers["one_visit_why"]; got.Text != "" || !got.Skipped {
		t.Errorf("«дякую, це все» at an empty optional text step: %+v; want it skipped", got)
	}
	h.noRejects()
}

// A short question typed at a score step that the FAQ does not know
// («Крок який? скільки ще?») is not kept as the visitor's complaint.
func TestShortQuestionAtAScoreStepIsNoComplaint(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9899, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "queue", "")
	h.says(p, "Крок який? скільки ще?")
	h.settle()
	if got := h.draft(p, dialogs.KindRating).Answers[dialogs.NoteKey].Text; got != "" {
		t.Errorf("a short question at a score step was kept as a complaint: %q", got)
	}
	if got := h.last(p.id).Text; !strings.HasPrefix(got, h.text.Text("uk", "survey.small_talk")) {
		t.Errorf("a short question at a score step is answered %q; want the step again, not a wrong answer scolded", got)
	}
	h.noRejects()
}
