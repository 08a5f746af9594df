package dialogs

import (
	"fmt"
	"os"
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
	ix := NewIndex(p.Entries)
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
// the pack's phrasings, and on off-topic ones it must not answer.
func TestMatcherQuality(t *testing.T) {
	for _, c := range []struct{ pack, file string }{
		{"hsc", "testdata/hsc_queries.yaml"},
		{"mfc", "testdata/mfc_queries.yaml"},
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
		if m.wrong*20 > onTopic {
			t.Errorf("%s: %d of %d answered with the wrong entry (more than 5%%)", c.pack, m.wrong, onTopic)
		}
		if (m.answered+m.suggested)*10 < onTopic*9 {
			t.Errorf("%s: the right entry was answered or offered for %d of %d (under 90%%)", c.pack, m.answered+m.suggested, onTopic)
		}
		if m.answered*2 < onTopic {
			t.Errorf("%s: only %d of %d answered at once (under half)", c.pack, m.answered, onTopic)
		}
	}
}

func TestMatcherCases(t *testing.T) {
	p, _ := LoadShippedPack("hsc")
	ix := NewIndex(p.Entries)
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
	ix := NewIndex(entries)
	for _, m := range ix.Search("загубив права", 10) {
		if m.ID == "lost_licence" {
			t.Fatal("a hidden entry was found")
		}
	}
}
