package dialogs

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

type query struct {
	Q  string  `yaml:"q"`
	ID *string `yaml:"id"`
}

// quality runs the queries in testdata against a pack and counts outcomes.
type quality struct {
	total, answered, suggested, wrong, missed, nulls, falseAnswers int
	problems                                                       []string
}

func measure(t *testing.T, pack, file string) quality {
	t.Helper()
	p, err := LoadShippedPack(pack)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var qs []query
	if err := yaml.Unmarshal(raw, &qs); err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(p.Entries, p.Matching)
	var m quality
	for _, q := range qs {
		m.total++
		r := ix.Ask(q.Q)
		if q.ID == nil {
			m.nulls++
			if r.Best != "" {
				m.falseAnswers++
				m.problems = append(m.problems, fmt.Sprintf("off-topic %q answered with %s (%.2f)", q.Q, r.Best, r.Score))
			}
			continue
		}
		switch {
		case r.Best == *q.ID:
			m.answered++
		case r.Best != "":
			m.wrong++
			m.problems = append(m.problems, fmt.Sprintf("%q answered with %s (%.2f), want %s", q.Q, r.Best, r.Score, *q.ID))
		default:
			found := false
			for _, s := range r.Suggestions {
				found = found || s.ID == *q.ID
			}
			if found {
				m.suggested++
			} else {
				m.missed++
				m.problems = append(m.problems, fmt.Sprintf("%q: %s not offered (suggestions %v)", q.Q, *q.ID, r.Suggestions))
			}
		}
	}
	return m
}

// The matcher is judged on questions written the way people type them
// (typos, surzhyk, transliteration, both languages) that are not copies of
// the pack's phrasings, and on off-topic ones it must not answer. The
// floors are a little under what the matcher reaches (see the README's
// Measured section): a change that loses accuracy fails here.
func TestMatcherQuality(t *testing.T) {
	for _, c := range []struct {
		pack, file          string
		right, wrong, found int // per cent of the on-topic questions: floors, a ceiling, a floor
	}{
		{"hsc", "testdata/hsc_queries.yaml", 96, 3, 98},
		{"mfc", "testdata/mfc_queries.yaml", 96, 3, 98},
	} {
		m := measure(t, c.pack, c.file)
		onTopic := m.total - m.nulls
		t.Logf("%s: %d questions: %d answered right, %d suggested, %d answered wrong, %d missed; %d off-topic, %d of them answered",
			c.pack, m.total, m.answered, m.suggested, m.wrong, m.missed, m.nulls, m.falseAnswers)
		for _, p := range m.problems {
			t.Logf("  %s", p)
		}
		if m.falseAnswers > 0 {
			t.Errorf("%s: %d off-topic questions got an answer", c.pack, m.falseAnswers)
		}
		if m.wrong*100 > onTopic*c.wrong {
			t.Errorf("%s: %d of %d answered with the wrong entry (more than %d%%)", c.pack, m.wrong, onTopic, c.wrong)
		}
		if (m.answered+m.suggested)*100 < onTopic*c.found {
			t.Errorf("%s: the right entry was answered or offered for %d of %d (under %d%%)", c.pack, m.answered+m.suggested, onTopic, c.found)
		}
		if m.answered*100 < onTopic*c.right {
			t.Errorf("%s: only %d of %d answered right at once (under %d%%)", c.pack, m.answered, onTopic, c.right)
		}
	}
}

// The development set of issue 14 (testdata/dev_questions.tsv), judged by
// topic as `servicebot faq eval` does. Its thresholds were tuned on its
// odd lines, so these floors are for catching losses, not for bragging.
func TestMatcherDevSet(t *testing.T) {
	checkEvalSet(t, readDevSet(t), 222, 20, devRightFloor)
}

// The blind set (testdata/blind_questions.tsv) was written by someone who
// saw only the packs' topics and titles, never their phrasings or the
// development set, after the last content round: nothing was tuned or
// written from it. It is the better guess at questions nobody has seen.
func TestMatcherBlindSet(t *testing.T) {
	checkEvalSet(t, readEvalSet(t, "testdata/blind_questions.tsv"), 162, 20, blindRightFloor)
}

// blindRightFloor: the blind set reads 95.7% right at once.
const blindRightFloor = 93

// checkEvalSet judges qs with both shipped packs and holds the floors:
// rightFloor per cent answered right at once, and the development set's
// bounds on wrong answers, offers and off-topic questions.
func checkEvalSet(t *testing.T, qs []EvalQuestion, inScope, offTopic, rightFloor int) {
	t.Helper()
	var total EvalRow
	for _, id := range []string{"hsc", "mfc"} {
		p, err := LoadShippedPack(id)
		if err != nil {
			t.Fatal(err)
		}
		total.Add(Evaluate(p, NewIndex(p.Entries, p.Matching), qs).Total(id))
	}
	t.Logf("%d in scope: %d right at once, %d wrong, %d offered; %d off-topic, %d answered",
		total.InScope, total.Right, total.Wrong, total.Offered, total.OffTopic, total.OffAnswered)
	if total.InScope != inScope || total.OffTopic != offTopic {
		t.Fatalf("the set has %d in scope and %d off-topic questions; want %d and %d", total.InScope, total.OffTopic, inScope, offTopic)
	}
	if total.Right*100 < total.InScope*rightFloor {
		t.Errorf("%d of %d answered right at once (under %d%%)", total.Right, total.InScope, rightFloor)
	}
	if total.Wrong*100 > total.InScope*devWrongCeiling {
		t.Errorf("%d of %d answered wrong at once (over %d%%)", total.Wrong, total.InScope, devWrongCeiling)
	}
	if total.Offered*100 < total.InScope*devOfferedFloor {
		t.Errorf("the right topic answered or offered for %d of %d (under %d%%)", total.Offered, total.InScope, devOfferedFloor)
	}
	if total.OffAnswered*100 > total.OffTopic*(100-devDeclinedFloor) {
		t.Errorf("%d of %d off-topic questions answered (more than %d%%)", total.OffAnswered, total.OffTopic, 100-devDeclinedFloor)
	}
}

// Floors on the development set, in per cent, a little under what the
// matcher reaches.
const (
	devRightFloor    = 91
	devWrongCeiling  = 2
	devOfferedFloor  = 98
	devDeclinedFloor = 90
	// devTop1Floor is for the ranking the thresholds work with: the
	// likeliest topic right, answered or not.
	devTop1Floor = 95
)

// The likeliest topic bounds what any thresholds make of the development
// set: nine in ten answered at once needs it right nine times in ten.
func TestMatcherDevSetRanking(t *testing.T) {
	js := judgeDevSet(t)
	in, top1, top3 := ranking(js, func(int) bool { return true })
	t.Logf("%d in scope: the likeliest topic right for %d, a right entry in the first three for %d", in, top1, top3)
	if top1*100 < in*devTop1Floor {
		t.Errorf("the likeliest topic is right for %d of %d (under %d%%)", top1, in, devTop1Floor)
	}
}

func TestMatcherCases(t *testing.T) {
	p, _ := LoadShippedPack("hsc")
	ix := NewIndex(p.Entries, p.Matching)
	tests := []struct {
		q    string
		want string // "" means: no confident answer
	}{
		{"загубив права", "lost_licence"},
		{"ЗАГУБИВ ПРАВА!!!", "lost_licence"},
		{"потерял права что делать", "lost_licence"},
		{"zagubyv prava", "lost_licence"},
		{"загубив посвідчення водія", "lost_licence"},
		{"купив машину як переоформити", "vreg_after_purchase"},
		{"купил авто как переоформить", "vreg_after_purchase"},
		{"хабар за іспит", "corruption_report"},
		{"погода в києві завтра", ""},
		{"привіт", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ix.Ask(tt.q).Best; got != tt.want {
			t.Errorf("Ask(%q) = %q, want %q (top %v)", tt.q, got, tt.want, ix.Search(tt.q, 3))
		}
	}
}

func TestHiddenEntriesAreNotFound(t *testing.T) {
	p, _ := LoadShippedPack("hsc")
	entries := append([]Entry(nil), p.Entries...)
	for i := range entries {
		if entries[i].ID == "lost_licence" {
			entries[i].Hidden = true
		}
	}
	ix := NewIndex(entries, Matching{})
	for _, m := range ix.Search("загубив права", 10) {
		if m.ID == "lost_licence" {
			t.Fatal("a hidden entry was found")
		}
	}
}

// A 2,000-entry pack is scored sparsely (only the entries a question's
// features weigh for, the rest through their biases): it must still find
// the entry a question was made from, and answer nothing off-topic.
func TestMatcherLargePack(t *testing.T) {
	entries, queries, want := labelledFAQ(2000)
	ix := NewIndex(entries, Matching{})
	var on, first, right, wrong, offAnswered int
	for i, q := range queries {
		r := ix.Ask(q)
		if want[i] == "" {
			if r.Best != "" {
				offAnswered++
			}
			continue
		}
		on++
		if s := ix.Search(q, 1); len(s) == 1 && s[0].ID == want[i] {
			first++
		}
		switch r.Best {
		case "":
		case want[i]:
			right++
		default:
			wrong++
		}
	}
	t.Logf("%d questions: the entry first %d, answered right %d, wrong %d; %d off-topic answered", on, first, right, wrong, offAnswered)
	if first*100 < on*60 {
		t.Errorf("the entry a question was made from came first for %d of %d (under 60%%)", first, on)
	}
	if right*100 < on*25 || wrong*100 > on*2 {
		t.Errorf("%d of %d answered right, %d wrong; want at least 25%% right and at most 2%% wrong", right, on, wrong)
	}
	if offAnswered > 0 {
		t.Errorf("%d off-topic questions answered", offAnswered)
	}
}

// A phrasing is also learnt with one word left out, at distinct places;
// two words are too few to drop one.
func TestDropOneWord(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"загубив права", nil},
		{"де мій техпаспорт", []string{"де мій", "де техпаспорт", "мій техпаспорт"}},
		{"як замінити права після закінчення терміну", []string{"як замінити права закінчення терміну", "як замінити права після закінчення", "як права після закінчення терміну"}},
	} {
		got := dropOneWord(c.in)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("dropOneWord(%q) = %q, want %q", c.in, got, want)
		}
	}
}
