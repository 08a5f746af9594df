package dialogs

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// OutOfScope is the topic of an evaluation question that no entry should
// answer.
const OutOfScope = "out_of_scope"

// EvalQuestion is one line of an evaluation set: a question as a citizen
// types it, and the topics (categories) whose entries answer it.
type EvalQuestion struct {
	Pack, Lang string
	Topics     []string // OutOfScope alone: nothing should answer
	Question   string
	Line       int
}

// InScope reports whether some topic should answer q.
func (q EvalQuestion) InScope() bool {
	return !(len(q.Topics) == 1 && q.Topics[0] == OutOfScope)
}

// ReadEvalSet reads a tab-separated evaluation set with the header
// "pack lang topic question"; a topic may be "a|b" when either is right.
func ReadEvalSet(r io.Reader) ([]EvalQuestion, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var out []EvalQuestion
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: %d columns; want 4 (pack, lang, topic, question)", n, len(f))
		}
		if n == 1 && f[0] == "pack" {
			continue
		}
		q := EvalQuestion{Pack: f[0], Lang: f[1], Topics: strings.Split(f[2], "|"), Question: f[3], Line: n}
		if q.Pack == "" || q.Lang == "" || f[2] == "" || strings.TrimSpace(q.Question) == "" {
			return nil, fmt.Errorf("line %d: an empty column", n)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// EvalRow counts what the matcher did with one group of questions.
type EvalRow struct {
	Pack, Lang  string
	InScope     int
	Right       int // answered at once with an entry of a right topic
	Wrong       int // answered at once with an entry of another topic
	Offered     int // a right topic in the answer or the suggestions
	OffTopic    int
	OffAnswered int // off-topic questions answered at once
}

// NoDirect is the in-scope questions not answered at once.
func (r EvalRow) NoDirect() int { return r.InScope - r.Right - r.Wrong }

func (r *EvalRow) Add(o EvalRow) {
	r.InScope += o.InScope
	r.Right += o.Right
	r.Wrong += o.Wrong
	r.Offered += o.Offered
	r.OffTopic += o.OffTopic
	r.OffAnswered += o.OffAnswered
}

// EvalMiss is a question the matcher did not answer right at once.
type EvalMiss struct {
	Q      EvalQuestion
	Result Result
	Kind   string // wrong, offered, missed, off-topic answered
}

// EvalReport is the outcome of an evaluation, per pack and language.
type EvalReport struct {
	Rows   []EvalRow
	Misses []EvalMiss
}

// Total sums the rows of pack ("" for all of them).
func (rep EvalReport) Total(pack string) EvalRow {
	t := EvalRow{Pack: pack, Lang: "all"}
	for _, r := range rep.Rows {
		if pack == "" || r.Pack == pack {
			t.Add(r)
		}
	}
	return t
}

// Evaluate asks ix each of qs that belongs to pack p and counts the
// outcomes by topic: an answer is right when its entry's category is one of
// the question's topics.
func Evaluate(p *Pack, ix *Index, qs []EvalQuestion) EvalReport {
	category := map[string]string{}
	for _, e := range p.Entries {
		category[e.ID] = e.Category
	}
	rows := map[string]*EvalRow{}
	var rep EvalReport
	for _, q := range qs {
		if q.Pack != p.ID {
			continue
		}
		row := rows[q.Lang]
		if row == nil {
			row = &EvalRow{Pack: q.Pack, Lang: q.Lang}
			rows[q.Lang] = row
		}
		res := ix.Ask(q.Question)
		right := func(id string) bool {
			for _, t := range q.Topics {
				if category[id] == t {
					return true
				}
			}
			return false
		}
		if !q.InScope() {
			row.OffTopic++
			if res.Best != "" {
				row.OffAnswered++
				rep.Misses = append(rep.Misses, EvalMiss{q, res, "off-topic answered"})
			}
			continue
		}
		row.InScope++
		offered := res.Best != "" && right(res.Best)
		for _, s := range res.Suggestions {
			offered = offered || right(s.ID)
		}
		if offered {
			row.Offered++
		}
		switch {
		case res.Best != "" && right(res.Best):
			row.Right++
		case res.Best != "":
			row.Wrong++
			rep.Misses = append(rep.Misses, EvalMiss{q, res, "wrong"})
		case offered:
			rep.Misses = append(rep.Misses, EvalMiss{q, res, "offered"})
		default:
			rep.Misses = append(rep.Misses, EvalMiss{q, res, "missed"})
		}
	}
	for _, r := range rows {
		rep.Rows = append(rep.Rows, *r)
	}
	sort.Slice(rep.Rows, func(i, j int) bool { return rep.Rows[i].Lang < rep.Rows[j].Lang })
	return rep
}
