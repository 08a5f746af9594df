package dialogs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Kyiv, a Saturday afternoon.
var qToday = time.Date(2026, 3, 14, 15, 30, 0, 0, time.FixedZone("EET", 2*60*60))

func shippedQuestionnaire(t *testing.T, pack, kind string) (*Questionnaire, []string) {
	t.Helper()
	p, err := LoadShippedPack(pack)
	if err != nil {
		t.Fatal(err)
	}
	q, ok := p.Questionnaire(kind)
	if !ok {
		t.Fatalf("pack %s has no %s questionnaire", pack, kind)
	}
	var centres []string
	for _, c := range p.Centres {
		centres = append(centres, c.ID)
	}
	return q, centres
}

func press(c string) Input { return Input{Choice: c, Today: qToday} }
func typed(s string) Input { return Input{Text: s, Today: qToday} }

var (
	done = Input{Done: true}
	skip = Input{Skip: true}
)

// ticks ticks options of a multi question, then presses Done.
func ticks(ids ...string) []Input {
	var in []Input
	for _, id := range ids {
		in = append(in, press(id))
	}
	return append(in, done)
}

// walk answers the questionnaire as a person would, question by question
// as Next asks them, until it is complete: with the inputs given for a
// question, else with a plain answer of its type.
func walk(t *testing.T, q *Questionnaire, centres []string, ans Answers, given map[string][]Input) Answers {
	t.Helper()
	for range 100 {
		qq, more := q.Next(ans)
		if !more {
			return ans
		}
		ins, ok := given[qq.ID]
		if !ok {
			ins = []Input{plain(qq, centres)}
			if qq.Type == QuestionMulti {
				ins = ticks(qq.Options[0].ID)
			}
		}
		for _, in := range ins {
			var err error
			if ans, err = q.Apply(ans, qq.ID, in, centres); err != nil {
				t.Fatalf("%s: %+v: %v", qq.ID, in, err)
			}
		}
	}
	t.Fatal("the questionnaire never ends")
	return nil
}

func plain(qq *Question, centres []string) Input {
	switch qq.Type {
	case QuestionSingle:
		return press(qq.Options[0].ID)
	case QuestionRating5:
		return press("5")
	case QuestionScale10:
		return press("10")
	case QuestionYesNo:
		return press(ChoiceNo)
	case QuestionYesNoNA:
		return press(ChoiceNA)
	case QuestionDate:
		return press(ChoiceToday)
	case QuestionCentre:
		return press(centres[0])
	case QuestionText:
		return typed("Усе добре")
	case QuestionPhoto:
		return Input{Photo: "AgACAgIAAxkBAAIB"}
	}
	return Input{}
}

func visibleIDs(q *Questionnaire, ans Answers) []string {
	var ids []string
	for _, qq := range q.Visible(ans) {
		ids = append(ids, qq.ID)
	}
	return ids
}

func TestQuestionnaireConditions(t *testing.T) {
	tests := []struct {
		name       string
		pack, kind string
		given      map[string][]Input
		shown      []string
		hidden     []string
	}{
		{
			name: "no exam: no examiner",
			pack: "hsc", kind: "mystery",
			given:  map[string][]Input{"services": ticks("licence_exchange")},
			hidden: []string{"exam_rules", "exam_conduct", "exam_result", "inspected", "expert_time"},
		},
		{
			name: "a theory exam: the examiner section",
			pack: "hsc", kind: "mystery",
			given: map[string][]Input{"services": ticks("licence_first", "exam_theory")},
			shown: []string{"exam_rules", "exam_conduct", "exam_result"},
		},
		{
			name: "a practical exam alone is enough",
			pack: "hsc", kind: "mystery",
			given: map[string][]Input{"services": ticks("exam_practical")},
			shown: []string{"exam_rules"},
		},
		{
			name: "a registration asks about the inspection; no inspection, no Expert Service",
			pack: "hsc", kind: "mystery",
			given:  map[string][]Input{"services": ticks("vehicle_registration"), "inspected": {press("no")}},
			shown:  []string{"inspected"},
			hidden: []string{"expert_time", "expert_polite", "exam_rules"},
		},
		{
			name: "an inspection: the Expert Service section",
			pack: "hsc", kind: "mystery",
			given: map[string][]Input{"services": ticks("vehicle_registration"), "inspected": {press("yes")}},
			shown: []string{"expert_time", "expert_polite"},
		},
		{
			name: "never at the information desk, never called: both sections hidden",
			pack: "hsc", kind: "mystery",
			given:  map[string][]Input{"desk_asked": {press("no")}, "called": {press("no")}},
			hidden: []string{"desk_polite", "desk_advice", "desk_badge", "call_reach", "call_answer"},
		},
		{
			name: "at the desk and called: both sections shown",
			pack: "hsc", kind: "mystery",
			given: map[string][]Input{"desk_asked": {press("yes")}, "called": {press("yes")}},
			shown: []string{"desk_polite", "desk_advice", "desk_badge", "call_reach", "call_answer"},
		},
		{
			name: "served in one visit: no reason asked",
			pack: "hsc", kind: "mystery",
			given: map[string][]Input{"one_visit": {press("yes")}}, hidden: []string{"one_visit_why"},
		},
		{
			name: "a second visit: the reason asked",
			pack: "hsc", kind: "mystery",
			given: map[string][]Input{"one_visit": {press("no")}}, shown: []string{"one_visit_why"},
		},
		{
			name: "nobody asked for money: no details asked",
			pack: "hsc", kind: "mystery",
			hidden: []string{"integrity_details"},
		},
		{
			name: "asked for an unofficial payment: details asked",
			pack: "hsc", kind: "mystery",
			given: map[string][]Input{"unofficial_payment": {press("yes")}},
			shown: []string{"integrity_details"},
		},
		{
			name: "all fours: no follow-up",
			pack: "hsc", kind: "rating",
			given:  map[string][]Input{"time": {press("4")}, "queue": {press("4")}, "staff": {press("4")}, "comfort": {press("4")}, "info": {press("4")}},
			shown:  []string{"time", "info", "comment"},
			hidden: []string{"what_wrong", "followup"},
		},
		{
			name: "one three: what went wrong and the follow-up",
			pack: "hsc", kind: "rating",
			given:  map[string][]Input{"queue": {press("3")}},
			shown:  []string{"what_wrong", "followup"},
			hidden: []string{"comment"}, // what went wrong is asked already
		},
		{
			name: "mfc: a one for comfort",
			pack: "mfc", kind: "rating",
			given: map[string][]Input{"comfort": {press("1")}},
			shown: []string{"what_wrong", "followup"},
		},
		{
			name: "mfc mystery has no examiner and no Expert Service",
			pack: "mfc", kind: "mystery",
			given:  map[string][]Input{"services": ticks("licence_exchange")},
			hidden: []string{"exam_rules", "inspected", "expert_time"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, centres := shippedQuestionnaire(t, tt.pack, tt.kind)
			ans := walk(t, q, centres, Answers{}, tt.given)
			ids := visibleIDs(q, ans)
			for _, id := range tt.shown {
				if !slices.Contains(ids, id) {
					t.Errorf("%s not asked; asked %v", id, ids)
				}
				if _, ok := ans[id]; !ok {
					t.Errorf("%s not answered", id)
				}
			}
			for _, id := range tt.hidden {
				if q.Question(id) == nil && tt.pack == "hsc" {
					t.Errorf("%s is not in the questionnaire at all", id)
				}
				if slices.Contains(ids, id) {
					t.Errorf("%s asked; it should not be", id)
				}
				if _, ok := ans[id]; ok {
					t.Errorf("%s answered; it should not be", id)
				}
			}
		})
	}
}

func TestApplyRejects(t *testing.T) {
	q, centres := shippedQuestionnaire(t, "hsc", "mystery")
	ago := func(days int) string { return qToday.AddDate(0, 0, -days).Format("02.01.2006") }
	tests := []struct {
		name string
		id   string
		in   Input
		want error
	}{
		{"text where a button is expected", "booking", typed("через сайт"), ErrExpectedButton},
		{"a photo for yes/no", "desk_asked", Input{Photo: "AgAC"}, ErrExpectedButton},
		{"an option that is not there", "booking", press("bribe"), ErrBadChoice},
		{"not applicable for a plain yes/no", "desk_asked", press("na"), ErrBadChoice},
		{"rating 6", "find_way", press("6"), ErrBadChoice},
		{"rating 0", "find_way", press("0"), ErrBadChoice},
		{"a rating typed as a word", "find_way", typed("відмінно"), ErrExpectedButton},
		{"scale 11", "recommend", press("11"), ErrBadChoice},
		{"a comment over 1000 characters", "comment", typed(strings.Repeat("ї", 1001)), ErrTooLong},
		{"a blank comment", "comment", typed("   "), ErrEmpty},
		{"a button for a text question", "comment", press("yes"), ErrExpectedText},
		{"tomorrow", "date", typed(qToday.AddDate(0, 0, 1).Format("02.01.2006")), ErrBadDate},
		{"91 days ago", "date", typed(ago(91)), ErrBadDate},
		{"31 February", "date", typed("31.02.2026"), ErrBadDate},
		{"a word for a date", "date", typed("минулого тижня"), ErrBadDate},
		{"a date button that is not there", "date", press("tomorrow"), ErrBadChoice},
		{"an unknown centre", "centre", press("atlantis1"), ErrUnknownCentre},
		{"a centre typed instead of picked", "centre", typed("Київ"), ErrExpectedButton},
		{"skipping a required question", "centre", skip, ErrNotOptional},
		{"skipping a rating", "overall", skip, ErrNotOptional},
		{"text for a photo", "photo", typed("фото"), ErrExpectedPhoto},
		{"Done with nothing ticked", "services", done, ErrEmpty},
		{"Done on a single question", "booking", done, ErrBadChoice},
		{"the examiner without an exam", "exam_rules", press("5"), ErrNotShown},
		{"a question that does not exist", "favourite_colour", press("1"), ErrNotShown},
	}
	before := Answers{"centre": {Text: centres[0]}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := q.Apply(before, tt.id, tt.in, centres)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Apply(%s, %+v) = %v; want %v", tt.id, tt.in, err, tt.want)
			}
			if !reflect.DeepEqual(got, before) || len(before) != 1 {
				t.Errorf("a rejected answer changed the answers: %v", got)
			}
		})
	}
}

func TestApplyAccepts(t *testing.T) {
	q, centres := shippedQuestionnaire(t, "hsc", "mystery")
	n := func(i int) *int { return &i }
	newYear := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		id   string
		in   Input
		want Answer
	}{
		{"today", "date", press("today"), Answer{Text: "2026-03-14"}},
		{"yesterday", "date", press("yesterday"), Answer{Text: "2026-03-13"}},
		{"dd.mm", "date", typed("12.03"), Answer{Text: "2026-03-12"}},
		{"d.m.yyyy", "date", typed("1.3.2026"), Answer{Text: "2026-03-01"}},
		{"yyyy-mm-dd", "date", typed("2026-02-01"), Answer{Text: "2026-02-01"}},
		{"90 days ago is still in", "date", typed(qToday.AddDate(0, 0, -90).Format("02.01.2006")), Answer{Text: qToday.AddDate(0, 0, -90).Format(time.DateOnly)}},
		{"30.12 typed in January is last year's", "date", Input{Text: "30.12", Today: newYear}, Answer{Text: "2025-12-30"}},
		{"a typed digit for a rating", "find_way", typed(" 4 "), Answer{Number: n(4)}},
		{"zero on the 0–10 scale", "recommend", press("0"), Answer{Number: n(0)}},
		{"a known centre", "centre", press(centres[1]), Answer{Text: centres[1]}},
		{"a comment, trimmed", "comment", typed("  Дякую!\n"), Answer{Text: "Дякую!"}},
		{"a comment of exactly 1000", "comment", typed(strings.Repeat("ї", 1000)), Answer{Text: strings.Repeat("ї", 1000)}},
		{"skipping the comment", "comment", skip, Answer{Skipped: true}},
		{"skipping the photo", "photo", skip, Answer{Skipped: true}},
		{"a photo", "photo", Input{Photo: "AgACAgIAAxkBAAIB"}, Answer{Text: "AgACAgIAAxkBAAIB"}},
		{"not applicable", "queue_screen", press("na"), Answer{Choice: []string{"na"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := q.Apply(Answers{}, tt.id, tt.in, centres)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[tt.id], tt.want) {
				t.Errorf("answer %+v; want %+v", got[tt.id], tt.want)
			}
		})
	}
}

func TestMultiTogglesUntilDone(t *testing.T) {
	q, centres := shippedQuestionnaire(t, "hsc", "mystery")
	ans := walk(t, q, centres, Answers{}, nil)
	ans = Answers{"centre": ans["centre"], "date": ans["date"]}
	steps := []struct {
		in      Input
		choice  []string
		pending bool
		next    string
	}{
		{press("exam_theory"), []string{"exam_theory"}, true, "services"},
		{press("vehicle_registration"), []string{"vehicle_registration", "exam_theory"}, true, "services"},
		{press("exam_theory"), []string{"vehicle_registration"}, true, "services"},
		{press("licence_first"), []string{"vehicle_registration", "licence_first"}, true, "services"},
		{press("exam_practical"), []string{"vehicle_registration", "licence_first", "exam_practical"}, true, "services"},
		{done, []string{"vehicle_registration", "licence_first", "exam_practical"}, false, "booking"},
	}
	for i, s := range steps {
		var err error
		if ans, err = q.Apply(ans, "services", s.in, centres); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		a := ans["services"]
		if !slices.Equal(a.Choice, s.choice) || a.Pending != s.pending {
			t.Errorf("step %d: %+v; want %v pending=%v", i, a, s.choice, s.pending)
		}
		if next, _ := q.Next(ans); next.ID != s.next {
			t.Errorf("step %d: next %s; want %s", i, next.ID, s.next)
		}
		// Ticking an exam shows the examiner only once Done is pressed.
		if examiner := slices.Contains(visibleIDs(q, ans), "exam_rules"); examiner != !s.pending {
			t.Errorf("step %d: examiner asked = %v", i, examiner)
		}
	}

	// Unticking everything leaves nothing, and Done then asks for a choice.
	ans, _ = q.Apply(Answers{}, "services", press("other"), centres)
	ans, _ = q.Apply(ans, "services", press("other"), centres)
	if _, ok := ans["services"]; ok {
		t.Errorf("nothing ticked, yet an answer: %+v", ans["services"])
	}
	if _, err := q.Apply(ans, "services", done, centres); !errors.Is(err, ErrEmpty) {
		t.Errorf("Done with nothing ticked: %v; want ErrEmpty", err)
	}
}

func TestBack(t *testing.T) {
	rating, rc := shippedQuestionnaire(t, "hsc", "rating")
	mystery, mc := shippedQuestionnaire(t, "hsc", "mystery")

	goodScores := Answers{}
	for _, id := range []string{"time", "queue", "staff", "comfort", "info"} {
		goodScores, _ = rating.Apply(goodScores, id, press("5"), rc)
	}
	lowScores, _ := rating.Apply(goodScores, "staff", press("2"), rc)
	lowScores, _ = rating.Apply(lowScores, "what_wrong", typed("Грубили"), rc)
	lowScores, _ = rating.Apply(lowScores, "followup", press("yes"), rc)
	complete := walk(t, rating, rc, lowScores, nil)
	completeGood := walk(t, rating, rc, goodScores, map[string][]Input{"comment": {typed("Усе добре")}})

	// A visit with no exam, no inspection and no call, answered up to
	// the integrity section.
	visit := walk(t, mystery, mc, Answers{}, map[string][]Input{"services": ticks("licence_exchange")})
	for _, id := range []string{"slot_for_money", "unofficial_payment", "overall", "recommend", "comment", "photo"} {
		delete(visit, id)
	}
	pending, _ := mystery.Apply(Answers{"centre": {Text: mc[0]}, "date": {Text: "2026-03-14"}}, "services", press("other"), mc)

	tests := []struct {
		name     string
		q        *Questionnaire
		ans      Answers
		current  string
		prev     string
		removed  []string
		kept     []string
		nextWant string
	}{
		{"from the comment over the hidden follow-up", rating, goodScores, "comment", "info", []string{"info"}, []string{"time", "staff"}, "info"},
		{"from the summary to the follow-up", rating, complete, "", "followup", []string{"followup"}, []string{"what_wrong", "staff"}, "followup"},
		{"from the summary to the comment", rating, completeGood, "", "comment", []string{"comment"}, []string{"info"}, "comment"},
		{"at the first question", rating, Answers{}, "time", "", nil, nil, "time"},
		{"over the examiner, Expert Service and contact centre", mystery, visit, "slot_for_money", "receipt", []string{"receipt"}, []string{"one_visit", "services"}, "receipt"},
		{"from a multi with options ticked", mystery, pending, "services", "date", []string{"date", "services"}, []string{"centre"}, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if next, ok := tt.q.Next(tt.ans); tt.current != "" && (!ok || next.ID != tt.current) {
				t.Fatalf("the test is at %v, not at %s", next, tt.current)
			}
			prev, out := tt.q.Back(tt.ans, tt.current)
			if prev != tt.prev {
				t.Errorf("Back = %q; want %q", prev, tt.prev)
			}
			for _, id := range tt.removed {
				a, ok := out[id]
				if id == tt.prev && !tt.ans[id].Skipped {
					// Asked again, showing what was chosen before.
					if !ok || !a.Pending || !reflect.DeepEqual(a.Choice, tt.ans[id].Choice) || a.Text != tt.ans[id].Text {
						t.Errorf("%s: %+v; want the earlier answer %+v kept, pending", id, a, tt.ans[id])
					}
					continue
				}
				if ok {
					t.Errorf("%s still answered", id)
				}
			}
			for _, id := range tt.kept {
				if _, ok := out[id]; !ok {
					t.Errorf("%s lost", id)
				}
			}
			if next, _ := tt.q.Next(out); next == nil || next.ID != tt.nextWant {
				t.Errorf("next %v; want %s", next, tt.nextWant)
			}
			if len(tt.removed) > 0 && reflect.DeepEqual(out, tt.ans) {
				t.Error("Back changed the answers it was given")
			}
		})
	}
}

func TestChangeFromSummary(t *testing.T) {
	q, centres := shippedQuestionnaire(t, "hsc", "mystery")
	ans := walk(t, q, centres, Answers{}, map[string][]Input{
		"services": ticks("licence_first", "exam_theory", "exam_practical"),
	})
	if !q.Complete(ans) {
		t.Fatal("not complete")
	}
	examiner := []string{"exam_rules", "exam_conduct", "exam_result"}
	for _, id := range examiner {
		if _, ok := ans[id]; !ok {
			t.Fatalf("%s not answered", id)
		}
	}

	// Adding a service keeps the exam and the examiner's answers.
	kept := ans
	for _, in := range ticks("other") {
		var err error
		if kept, err = q.Apply(kept, "services", in, centres); err != nil {
			t.Fatal(err)
		}
	}
	// "other" may mean an inspection: that question is now asked.
	if next, _ := q.Next(kept); next == nil || next.ID != "inspected" {
		t.Errorf("after adding other, next %v; want inspected", next)
	}
	for _, id := range examiner {
		if _, ok := kept[id]; !ok {
			t.Errorf("%s dropped though the exam stays", id)
		}
	}

	// Dropping both exams drops the examiner's answers, and nothing else.
	changed := ans
	for _, in := range ticks("exam_theory", "exam_practical") {
		var err error
		if changed, err = q.Apply(changed, "services", in, centres); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range examiner {
		if _, ok := changed[id]; ok {
			t.Errorf("%s kept though no exam was taken", id)
		}
	}
	if len(changed) != len(ans)-len(examiner) {
		t.Errorf("%d answers after the change; want %d", len(changed), len(ans)-len(examiner))
	}
	if !q.Complete(changed) {
		t.Errorf("no longer complete: next %v", must(q.Next(changed)))
	}
	if got := changed["services"].Choice; !slices.Equal(got, []string{"licence_first"}) {
		t.Errorf("services %v; want [licence_first]", got)
	}
	// The original answers are untouched.
	if _, ok := ans["exam_rules"]; !ok {
		t.Error("Apply changed the answers it was given")
	}

	// Raising the only low score of a quick rating drops what went wrong.
	rq, rc := shippedQuestionnaire(t, "hsc", "rating")
	r := walk(t, rq, rc, Answers{}, map[string][]Input{"time": {press("2")}, "what_wrong": {typed("Довго")}, "followup": {press("yes")}})
	r, err := rq.Apply(r, "time", press("4"), rc)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"what_wrong", "followup"} {
		if _, ok := r[id]; ok {
			t.Errorf("%s kept after the score was raised", id)
		}
	}
	// With every score good now, the comment (asked only when nothing
	// went wrong) is the one step left.
	if next, ok := rq.Next(r); !ok || next.ID != "comment" {
		t.Errorf("after raising the score: next %v; want the comment", next)
	}
}

func must(q *Question, _ bool) string {
	if q == nil {
		return ""
	}
	return q.ID
}

func TestProgress(t *testing.T) {
	rq, rc := shippedQuestionnaire(t, "hsc", "rating")
	mq, mc := shippedQuestionnaire(t, "hsc", "mystery")
	low, _ := rq.Apply(Answers{}, "time", press("3"), rc)
	good := Answers{}
	for _, id := range []string{"time", "queue", "staff", "comfort", "info"} {
		good, _ = rq.Apply(good, id, press("5"), rc)
	}
	exam := walk(t, mq, mc, Answers{}, map[string][]Input{"services": ticks("exam_theory"), "desk_asked": {press("yes")}})
	plainVisit := walk(t, mq, mc, Answers{}, map[string][]Input{"services": ticks("licence_exchange"), "one_visit": {press("yes")}})
	tests := []struct {
		name        string
		q           *Questionnaire
		ans         Answers
		id          string
		step, total int
		final       bool // the total can no longer change
	}{
		{"the first of the quick rating: the total is open", rq, Answers{}, "time", 1, 5, false},
		{"the comment with good scores", rq, good, "comment", 6, 6, true},
		{"after a low score two more steps", rq, low, "what_wrong", 6, 7, false},
		{"no comment after a low score", rq, low, "comment", 0, 7, false},
		{"a hidden question has no step", rq, Answers{}, "followup", 0, 5, false},
		{"the centre", mq, Answers{}, "centre", 1, 23, false},
		{"the examiner counts when an exam was taken", mq, exam, "exam_rules", 22, 30, true},
		{"the last step of a plain visit", mq, plainVisit, "photo", 23, 23, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, total, final := tt.q.Progress(tt.ans, tt.id)
			if step != tt.step || total != tt.total || final != tt.final {
				t.Errorf("Progress(%s) = %d of %d, final %v; want %d of %d, final %v", tt.id, step, total, final, tt.step, tt.total, tt.final)
			}
		})
	}
}

func TestResponseRecordsVersion(t *testing.T) {
	q, centres := shippedQuestionnaire(t, "hsc", "mystery")
	r := q.NewResponse()
	if r.Questionnaire != "mystery" || r.Version != q.Version || q.Version < 1 {
		t.Fatalf("response %+v for %s version %d", r, q.ID, q.Version)
	}
	r.Answers = walk(t, q, centres, r.Answers, nil)
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), fmt.Sprintf(`"version":%d`, q.Version)) {
		t.Errorf("stored response lacks the version: %s", raw)
	}
	var back Response
	if err := json.Unmarshal(raw, &back); err != nil || !reflect.DeepEqual(back, r) {
		t.Errorf("response does not survive JSON: %v\n%+v\n%+v", err, back, r)
	}

	next := *q
	next.Version++
	if v := next.NewResponse().Version; v != q.Version+1 {
		t.Errorf("a new version's response says version %d", v)
	}
	if q.NewResponse().Version != q.Version {
		t.Error("bumping a copy changed the original")
	}
}

func TestLowScoresAndIntegrityFlags(t *testing.T) {
	rq, rc := shippedQuestionnaire(t, "hsc", "rating")
	r := walk(t, rq, rc, Answers{}, map[string][]Input{"queue": {press("1")}, "comfort": {press("3")}, "info": {press("4")}})
	if got := rq.LowScores(r, 3); !slices.Equal(got, []string{"queue", "comfort"}) {
		t.Errorf("LowScores = %v", got)
	}
	if got := rq.LowScores(r, 1); !slices.Equal(got, []string{"queue"}) {
		t.Errorf("LowScores(1) = %v", got)
	}

	mq, mc := shippedQuestionnaire(t, "hsc", "mystery")
	clean := walk(t, mq, mc, Answers{}, nil)
	if got := mq.IntegrityFlags(clean); len(got) != 0 {
		t.Errorf("IntegrityFlags of a clean visit = %v", got)
	}
	bribe := walk(t, mq, mc, Answers{}, map[string][]Input{"unofficial_payment": {press("yes")}})
	if got := mq.IntegrityFlags(bribe); !slices.Equal(got, []string{"unofficial_payment"}) {
		t.Errorf("IntegrityFlags = %v", got)
	}
}

func TestShippedQuestionnaires(t *testing.T) {
	for _, id := range ShippedPacks() {
		p, err := LoadShippedPack(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range Validate(p) {
			t.Errorf("%s", pr)
		}
		for _, kind := range []string{"mystery", "rating"} {
			q, ok := p.Questionnaire(kind)
			if !ok {
				t.Errorf("%s has no %s questionnaire", id, kind)
				continue
			}
			var integrity, criteria []string
			for _, s := range q.Sections {
				for _, qq := range s.Questions {
					if qq.Integrity {
						integrity = append(integrity, qq.ID)
					}
					if qq.Criterion != "" && !slices.Contains(criteria, qq.Criterion) {
						criteria = append(criteria, qq.Criterion)
					}
					if qq.Type == QuestionCentre && kind == "rating" {
						t.Errorf("%s rating asks for the centre; it comes from the deep link or the picker", id)
					}
				}
			}
			switch kind {
			case "mystery":
				if len(integrity) != 2 {
					t.Errorf("%s mystery: integrity questions %v; want two", id, integrity)
				}
				for _, must := range []string{"centre", "date", "services", "overall", "recommend", "comment", "photo"} {
					if q.Question(must) == nil {
						t.Errorf("%s mystery has no %s question", id, must)
					}
				}
			case "rating":
				slices.Sort(criteria)
				if !slices.Equal(criteria, []string{"comfort", "info", "queue", "staff", "time"}) {
					t.Errorf("%s rating criteria %v", id, criteria)
				}
			}
			// A person can go through it to the end.
			var centres []string
			for _, c := range p.Centres {
				centres = append(centres, c.ID)
			}
			ans := walk(t, q, centres, Answers{}, nil)
			if !q.Complete(ans) {
				t.Errorf("%s %s: not complete after walking it", id, kind)
			}
		}
	}
	mfc, _ := LoadShippedPack("mfc")
	for _, q := range mfc.Questionnaires {
		for _, s := range q.Sections {
			for _, qq := range s.Questions {
				if strings.HasPrefix(qq.ID, "exam_") || strings.HasPrefix(qq.ID, "expert_") || qq.ID == "inspected" {
					t.Errorf("mfc %s asks %s", q.ID, qq.ID)
				}
			}
		}
	}
}

func TestValidateQuestionnaireNamesFileAndLine(t *testing.T) {
	broken := `id: mystery
kind: mystery
version: 0
title: {uk: "Анкета", ru: "Анкета"}
intro: {uk: "Що зберігаємо", ru: "Что храним"}
sections:
  - id: visit
    title: {uk: "Візит", ru: "Визит"}
    when: {question: overall, any_of: ["yes"]}
    questions:
      - id: services
        type: multi
        text: {uk: "Послуги", ru: "Услуги"}
        options:
          - id: exam
            text: {uk: "Іспит", ru: "Экзамен"}
          - id: other
            text: {uk: "Інша послуга, яку тут описано надто довгим рядком", ru: "Другая"}
      - id: booking
        type: single
        text: {uk: "Як записалися?", ru: "Как записались?"}
      - id: services
        type: yesno
        text: {uk: "Ще раз", ru: "Ещё раз"}
      - id: comment
        type: text
        max_len: 5000
        text: {uk: "Коментар"}
      - id: mood
        type: stars
        text: {uk: "Настрій", ru: "Настроение"}
  - id: exam
    title: {uk: "Іспит", ru: "Экзамен"}
    when: {question: services, any_of: [exam_theory]}
    questions:
      - id: exam_rules
        type: rating5
        criterion: price
        text: {uk: "Правила", ru: "Правила"}
        when: {question: booking, at_most: 3}
      - id: exam_late
        type: yesno
        integrity: true
        text: {uk: "Запізнився?", ru: "Опоздал?"}
        when: {question: overall, any_of: ["yes"]}
  - id: end
    title: {uk: "Кінець", ru: "Конец"}
    questions:
      - id: overall
        type: rating5
        text: {uk: "Загалом", ru: "В целом"}
`
	rating := `id: rating
kind: rating
version: 1
title: {uk: "Оцінка", ru: "Оценка"}
intro: {uk: "Що зберігаємо", ru: "Что храним"}
sections:
  - id: scores
    title: {uk: "Оцінка", ru: "Оценка"}
    questions:
      - id: time
        type: rating5
        criterion: time
        text: {uk: "Час", ru: "Время"}
      - id: queue
        type: rating5
        text: {uk: "Черга", ru: "Очередь"}
      - id: what_wrong
        type: text
        text: {uk: "Що не так?", ru: "Что не так?"}
        when: {any: [{question: time, at_most: 3}, {question: queue, any_of: ["no"]}]}
`
	fsys := fstest.MapFS{
		"p/pack.yaml":                    {Data: []byte("id: p\nname: {uk: П, ru: П}\nlanguages: [uk, ru]\n")},
		"p/questionnaires/mystery.yaml":  {Data: []byte(broken)},
		"p/questionnaires/rating.yaml":   {Data: []byte(rating)},
		"p/questionnaires/rating2.yaml":  {Data: []byte(strings.Replace(rating, "id: rating\n", "id: rating2\n", 1))},
		"p/questionnaires/README.md":     {Data: []byte("not a questionnaire")},
		"p/questionnaires/old/gone.yaml": {Data: []byte("not: read")},
	}
	p, err := LoadPack(fsys, "p")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pr := range Validate(p) {
		got = append(got, pr.String())
	}
	all := strings.Join(got, "\n")
	at := func(file, text, marker string) string {
		i := strings.Index(text, marker)
		if i < 0 {
			t.Fatalf("no %q in the fixture", marker)
		}
		return fmt.Sprintf("p/questionnaires/%s:%d: ", file, strings.Count(text[:i], "\n")+1)
	}
	m, r := "mystery.yaml", "rating.yaml"
	for _, want := range []string{
		at(m, broken, "id: mystery") + `questionnaire mystery: version 0; want 1 or more`,
		at(m, broken, "- id: visit") + `questionnaire mystery section visit: when: question "overall" does not come before it`,
		at(m, broken, "- id: services\n        type: multi") + `questionnaire mystery question services option other (uk): 49 characters, at most 40`,
		at(m, broken, "- id: booking") + `questionnaire mystery question booking: a single question needs at least two options`,
		at(m, broken, "- id: services\n        type: yesno") + `questionnaire mystery: question id "services" is used twice (first at ` + strings.TrimSuffix(at(m, broken, "- id: services\n        type: multi"), ": ") + ")",
		at(m, broken, "- id: comment") + `questionnaire mystery question comment: max_len 5000; want 1–3000`,
		at(m, broken, "- id: comment") + `questionnaire mystery question comment text: no ru text`,
		at(m, broken, "- id: mood") + `questionnaire mystery question mood: type "stars" is not one of`,
		at(m, broken, "- id: exam\n    title") + `questionnaire mystery section exam: when: services has no option "exam_theory"`,
		at(m, broken, "- id: exam_rules") + `questionnaire mystery question exam_rules: criterion "price" is not one of time, queue, staff, comfort, info`,
		at(m, broken, "- id: exam_rules") + `questionnaire mystery question exam_rules: when: at_most needs a rating5 or scale10 question; booking is single`,
		at(m, broken, "- id: exam_late") + `questionnaire mystery question exam_late: when: question "overall" does not come before it`,
		at(r, rating, "- id: queue") + `questionnaire rating question queue: a rating5 of the quick rating needs a criterion`,
		at(r, rating, "id: rating") + `questionnaire rating: no question rates criterion staff`,
		at(r, rating, "- id: what_wrong") + `questionnaire rating question what_wrong: when: any_of needs a choice or yes/no question; queue is rating5`,
		`p/pack.yaml:1: pack: 2 questionnaires of kind rating (p/questionnaires/rating.yaml:1, p/questionnaires/rating2.yaml:1); want exactly one`,
	} {
		found := false
		for _, line := range got {
			found = found || strings.HasPrefix(line, want) || (strings.HasSuffix(want, "not one of") && strings.Contains(line, want))
		}
		if !found {
			t.Errorf("missing problem %q in:\n%s", want, all)
		}
	}
	if strings.Contains(all, "gone.yaml") || strings.Contains(all, "README") {
		t.Errorf("read files that are not questionnaires:\n%s", all)
	}
}

func TestLoadQuestionnaireRejectsUnknownKeys(t *testing.T) {
	text := `id: rating
kind: rating
version: 1
sections:
  - id: scores
    questions:
      - id: comment
        type: text
        optinal: true
`
	fsys := fstest.MapFS{
		"p/pack.yaml":                  {Data: []byte("id: p\nname: {uk: П}\nlanguages: [uk]\n")},
		"p/questionnaires/rating.yaml": {Data: []byte(text)},
	}
	_, err := LoadPack(fsys, "p")
	if err == nil || !strings.Contains(err.Error(), "p/questionnaires/rating.yaml:9: field optinal not found") {
		t.Errorf("LoadPack = %v; want the misspelt key named with file:line", err)
	}
}

func TestPackWithoutQuestionnaires(t *testing.T) {
	// An FAQ-only pack (as `dialogs export` writes one) is still valid.
	fsys := fstest.MapFS{"p/pack.yaml": {Data: []byte("id: p\nname: {uk: П}\nlanguages: [uk]\n")}}
	p, err := LoadPack(fsys, "p")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Questionnaires) != 0 {
		t.Errorf("questionnaires from nowhere: %v", p.Questionnaires)
	}
	for _, pr := range Validate(p) {
		if strings.Contains(pr.Msg, "questionnaire") {
			t.Errorf("%s", pr)
		}
	}
}

// Back twice, a score changed, and the way forward again shows each
// answer given before: nothing typed is lost on the way.
func TestBackThenForwardKeepsEveryAnswer(t *testing.T) {
	rq, rc := shippedQuestionnaire(t, "hsc", "rating")
	ans := Answers{}
	for _, id := range []string{"time", "queue", "staff", "comfort", "info"} {
		ans, _ = rq.Apply(ans, id, press("1"), rc)
	}
	ans, _ = rq.Apply(ans, "what_wrong", typed("Довго чекала"), rc)
	ans, _ = rq.Apply(ans, "followup", press("no"), rc)

	_, ans = rq.Back(ans, "")           // to the follow-up
	_, ans = rq.Back(ans, "followup")   // to what went wrong
	_, ans = rq.Back(ans, "what_wrong") // to the last score
	if got := ans["what_wrong"]; got.Text != "Довго чекала" || got.Pending {
		t.Fatalf("what went wrong after going back past it: %+v", got)
	}
	ans, err := rq.Apply(ans, "info", press("3"), rc)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := rq.Next(ans)
	if next == nil || next.ID != "what_wrong" || ans["what_wrong"].Text != "Довго чекала" {
		t.Fatalf("after the changed score: next %v, what went wrong %+v; want it asked with the text kept", next, ans["what_wrong"])
	}
	ans, _ = rq.Apply(ans, "what_wrong", Input{Done: true}, rc)
	if next, _ := rq.Next(ans); next == nil || next.ID != "followup" || !ans["followup"].Pending || ans["followup"].Choice[0] != "no" {
		t.Fatalf("after keeping the text: next %v, follow-up %+v", next, ans["followup"])
	}
	ans, _ = rq.Apply(ans, "followup", press("no"), rc)
	if !rq.Complete(ans) || ans["what_wrong"].Text != "Довго чекала" || *ans["info"].Number != 3 {
		t.Errorf("at the end: %+v", ans)
	}
}

// With one low score only, Back to it and a changed score keep what went
// wrong: while the score is asked again, its section must not be pruned.
func TestBackToTheOnlyLowScoreKeepsWhatWentWrong(t *testing.T) {
	rq, rc := shippedQuestionnaire(t, "hsc", "rating")
	ans := Answers{}
	for _, id := range []string{"time", "queue", "staff", "comfort"} {
		ans, _ = rq.Apply(ans, id, press("5"), rc)
	}
	ans, _ = rq.Apply(ans, "info", press("1"), rc)
	ans, _ = rq.Apply(ans, "what_wrong", typed("Не працював термінал"), rc)
	_, ans = rq.Back(ans, "followup")
	_, ans = rq.Back(ans, "what_wrong")
	if got := ans["what_wrong"]; got.Text != "Не працював термінал" {
		t.Fatalf("back at the score, what went wrong is %+v", got)
	}
	ans, _ = rq.Apply(ans, "info", press("3"), rc)
	if next, _ := rq.Next(ans); next == nil || next.ID != "what_wrong" || ans["what_wrong"].Text != "Не працював термінал" {
		t.Errorf("after the score changed to 3: next %v, what went wrong %+v", next, ans["what_wrong"])
	}
}

// MostSteps bounds the steps from above: never fewer than are finally
// asked, and the total itself once nothing can change it.
func TestMostSteps(t *testing.T) {
	pack := hscPack(t)
	var centres []string
	for _, c := range pack.Centres[:3] {
		centres = append(centres, c.ID)
	}
	for _, kind := range []string{KindRating, KindMystery} {
		q, ok := pack.Questionnaire(kind)
		if !ok {
			t.Fatalf("no %s questionnaire", kind)
		}
		rnd := rand.New(rand.NewPCG(1, uint64(len(kind))))
		for run := 0; run < 100; run++ {
			ans := Answers{}
			var most []int
			for i := 0; i < 2000; i++ {
				next, more := q.Next(ans)
				if !more {
					break
				}
				if len(most) == 0 || i%7 == 0 {
					most = append(most, q.MostSteps(ans))
				}
				if out, err := q.Apply(ans, next.ID, fuzzInput(next, byte(rnd.IntN(256)), "довго чекали", centres, time.Now()), centres); err == nil {
					ans = out
				}
			}
			asked := len(q.Visible(ans))
			for i, m := range most {
				if m < asked {
					t.Fatalf("%s, run %d: at most %d steps said (%d), but %d were asked", kind, run, m, i, asked)
				}
			}
			if _, total, final := q.Progress(ans, ""); final && q.MostSteps(ans) != total {
				t.Errorf("%s: finished with %d steps, MostSteps says %d", kind, total, q.MostSteps(ans))
			}
		}
	}
}

// A note kept at a button step (NoteKey) outlives the answers that follow
// it, and once the questionnaire is complete goes into the answer of the
// last text question asked, within its limit.
func TestPlaceNote(t *testing.T) {
	rq, rc := shippedQuestionnaire(t, "hsc", "rating")
	ans := Answers{NoteKey: {Text: "Черга дві години"}}
	for _, id := range []string{"time", "queue", "staff", "comfort", "info"} {
		ans, _ = rq.Apply(ans, id, press("2"), rc)
	}
	ans, _ = rq.Apply(ans, "what_wrong", skip, rc)
	if ans[NoteKey].Text == "" {
		t.Fatalf("the note went with the answers: %v", ans)
	}
	if got := rq.PlaceNote(ans); !reflect.DeepEqual(got, ans) {
		t.Errorf("placed before the questionnaire is complete: %v", got)
	}
	ans, _ = rq.Apply(ans, "followup", press(ChoiceNo), rc)
	got := rq.PlaceNote(ans)
	if _, kept := got[NoteKey]; kept || got["what_wrong"].Text != "Черга дві години" || got["what_wrong"].Skipped {
		t.Errorf("placed: %+v", got)
	}

	qq := rq.Question("what_wrong")
	for _, c := range []struct {
		text, note string
		first      bool
		want       string
	}{
		{"Грубили", "Черга", true, "Черга\n\nГрубили"},
		{"Грубили", "Черга", false, "Грубили\n\nЧерга"},
		{"", "Черга", true, "Черга"},
		{"Грубили", "", false, "Грубили"},
		{strings.Repeat("а", 990), "Черга дві години", false, strings.Repeat("а", 990) + "\n\nЧерга д…"},
	} {
		if got := qq.AddNote(c.text, c.note, c.first); got != c.want || UTF16Len(got) > qq.Limit() {
			t.Errorf("AddNote(%.20q, %q, %v) = %.40q; want %.40q", c.text, c.note, c.first, got, c.want)
		}
	}
}

// Words typed at a button step go to the general comment, to the question
// the answer typed with them shows, or, at an integrity question, to its
// description alone; never to a question about something else.
func TestNoteHome(t *testing.T) {
	q, _ := shippedQuestionnaire(t, "mfc", "mystery")
	no, yes := Answers{"one_visit": {Choice: []string{ChoiceNo}}}, Answers{"slot_for_money": {Choice: []string{ChoiceYes}}}
	for _, c := range []struct {
		ans      Answers
		at       string
		answered bool
		want     string // "": none
	}{
		{Answers{}, "staff_polite", false, "comment"},
		{no, "one_visit", true, "one_visit_why"},
		{Answers{"one_visit": {Choice: []string{ChoiceYes}}}, "one_visit", true, "comment"},
		{no, "fee_clear", false, "comment"},
		{Answers{}, "slot_for_money", false, "integrity_details"},
		{yes, "slot_for_money", true, "integrity_details"},
		{Answers{"slot_for_money": {Choice: []string{ChoiceNo}}}, "slot_for_money", true, ""},
		{yes, "overall", false, "comment"},
	} {
		home, ok := q.NoteHome(c.ans, q.Question(c.at), c.answered)
		got := ""
		if ok {
			got = home.ID
		}
		if got != c.want {
			t.Errorf("NoteHome(%v, %s, %v) = %q; want %q", c.ans, c.at, c.answered, got, c.want)
		}
	}
}

// A questionnaire without a question asks the rest as if it were not in
// it: the rating without «shall an operator contact you?» is complete
// once «what went wrong?» is answered, in six steps, and the pack's own
// questionnaire still asks it.
func TestQuestionnaireWithout(t *testing.T) {
	full, rc := shippedQuestionnaire(t, "hsc", "rating")
	q := full.Without("followup")
	var ans Answers
	for _, id := range Criteria {
		ans, _ = q.Apply(ans, id, press("1"), rc)
	}
	ans, _ = q.Apply(ans, "what_wrong", typed("Довга черга"), rc)
	if !q.Complete(ans) || q.Question("followup") != nil {
		t.Errorf("without followup, after «what went wrong?»: complete %v; next %v", q.Complete(ans), q.Visible(ans))
	}
	if _, total, final := q.Progress(ans, "what_wrong"); total != 6 || !final {
		t.Errorf("without followup: %d steps (final %v); want 6", total, final)
	}
	if full.Complete(ans) || full.Question("followup") == nil {
		t.Error("Without changed the pack's questionnaire")
	}
}
