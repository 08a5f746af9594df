package dialogs

import (
	"flag"
	"fmt"
	"testing"
)

var tune = flag.Bool("tune", false, "sweep the matcher's decision thresholds on half of the development set")

// judged is a question of the development set and what the models said.
type judged struct {
	q   EvalQuestion
	v   verdict
	ok  bool
	cat map[string]string
}

func judgeDevSet(t *testing.T) []judged {
	t.Helper()
	qs := readDevSet(t)
	var out []judged
	for _, id := range []string{"hsc", "mfc"} {
		p, err := LoadShippedPack(id)
		if err != nil {
			t.Fatal(err)
		}
		ix := NewIndex(p.Entries, p.Matching)
		cat := map[string]string{}
		for _, e := range p.Entries {
			cat[e.ID] = e.Category
		}
		for _, q := range qs {
			if q.Pack == id {
				v, ok := ix.judge(q.Question)
				out = append(out, judged{q, v, ok, cat})
			}
		}
	}
	return out
}

// tally is what the thresholds make of part of the set.
type tally struct{ in, right, wrong, offered, off, offAnswered, offOffered int }

func (o tally) String() string {
	return fmt.Sprintf("%d in scope: %d right at once, %d wrong, %d offered; %d off-topic, %d answered, %d offered something",
		o.in, o.right, o.wrong, o.offered, o.off, o.offAnswered, o.offOffered)
}

func count(js []judged, keep func(i int) bool, answerAt, ambiguity, suggestAt, declineAt float64) tally {
	var o tally
	for i, j := range js {
		if !keep(i) {
			continue
		}
		var r Result
		if j.ok {
			r = j.v.decide(answerAt, ambiguity, suggestAt, declineAt)
		}
		right := func(id string) bool {
			for _, tp := range j.q.Topics {
				if j.cat[id] == tp {
					return true
				}
			}
			return false
		}
		if !j.q.InScope() {
			o.off++
			if r.Best != "" {
				o.offAnswered++
			}
			if len(r.Suggestions) > 0 {
				o.offOffered++
			}
			continue
		}
		o.in++
		offered := r.Best != "" && right(r.Best)
		for _, s := range r.Suggestions {
			offered = offered || right(s.ID)
		}
		switch {
		case r.Best != "" && right(r.Best):
			o.right++
		case r.Best != "":
			o.wrong++
		}
		if offered {
			o.offered++
		}
	}
	return o
}

// TestTuneThresholds is how AnswerAt, Ambiguity and SuggestAt were chosen:
// it sweeps them on the odd lines of dialogs/testdata/dev_questions.tsv
// (at most 2% answered wrong, at most one off-topic question in ten
// answered and half offered something; then the most answered right, then
// the most offered) and
// reports them on the even lines, which the sweep did not see.
//
//	go test -run TestTuneThresholds -v ./dialogs/ -args -tune
func TestTuneThresholds(t *testing.T) {
	if !*tune {
		t.Skip("run with -tune")
	}
	js := judgeDevSet(t)
	odd := func(i int) bool { return js[i].q.Line%2 == 1 }
	even := func(i int) bool { return js[i].q.Line%2 == 0 }
	best, bestScore := [4]float64{}, -1.0
	for a := 0.10; a <= 0.9; a += 0.025 {
		for m := 0.0; m <= 0.3; m += 0.025 {
			for sg := 0.01; sg <= 0.1; sg += 0.01 {
				for d := 0.3; d <= 1.01; d += 0.1 {
					o := count(js, odd, a, m, sg, d)
					if o.wrong*50 > o.in || o.offAnswered*10 > o.off || o.offOffered*10 > o.off*5 {
						continue
					}
					score := float64(o.right) + 0.5*float64(o.offered)
					if score > bestScore {
						best, bestScore = [4]float64{a, m, sg, d}, score
					}
				}
			}
		}
	}
	t.Logf("best on the odd lines: AnswerAt %.3f Ambiguity %.3f SuggestAt %.2f DeclineAt %.1f", best[0], best[1], best[2], best[3])
	t.Logf("  odd lines (tuned on): %v", count(js, odd, best[0], best[1], best[2], best[3]))
	t.Logf("  even lines (not seen): %v", count(js, even, best[0], best[1], best[2], best[3]))
	for _, h := range []struct {
		name string
		keep func(int) bool
	}{{"odd", odd}, {"even", even}} {
		in, top1, top3 := ranking(js, h.keep)
		t.Logf("%s lines: likeliest topic right %d of %d, a right entry in the first three %d", h.name, top1, in, top3)
	}
	t.Logf("matcher.go's constants, odd lines: %v", count(js, odd, AnswerAt, Ambiguity, SuggestAt, DeclineAt))
	t.Logf("matcher.go's constants, even lines: %v", count(js, even, AnswerAt, Ambiguity, SuggestAt, DeclineAt))
}

// ranking counts, per half, how often the likeliest topic is right and how
// often a right entry is among the first three: what the thresholds can
// at best make of.
func ranking(js []judged, keep func(i int) bool) (in, top1, top3 int) {
	for i, j := range js {
		if !keep(i) || !j.q.InScope() {
			continue
		}
		in++
		right := func(id string) bool {
			for _, tp := range j.q.Topics {
				if j.cat[id] == tp {
					return true
				}
			}
			return false
		}
		if j.ok && j.v.best != "" && right(j.v.best) {
			top1++
		}
		for _, m := range j.v.ranked {
			if right(m.ID) {
				top3++
				break
			}
		}
	}
	return in, top1, top3
}
