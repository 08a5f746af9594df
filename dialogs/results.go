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
	if kind == "mystery" {
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
	for _, r := range rs {
		for id := range r.Answers {
			if !seen[id] {
				seen[id] = true
				extra = append(extra, id)
			}
		}
	}
	sort.Strings(extra)
	cols = append(cols, extra...)
	cw := csv.NewWriter(w)
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
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rs {
		desk := ""
		if r.Desk != 0 {
			desk = strconv.Itoa(r.Desk)
		}
		row := []string{r.Ref, r.Kind, r.Questionnaire, strconv.Itoa(r.Version), r.Centre, desk, r.Lang,
			r.Started.UTC().Format(time.RFC3339), r.Submitted.UTC().Format(time.RFC3339)}
		for _, c := range cols {
			a, ok := r.Answers[c]
			cell := ""
			if ok && !a.Pending {
				cell = a.Cell()
			}
			row = append(row, cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the results as a JSON array.
func WriteJSON(w io.Writer, rs []Submission) error {
	if rs == nil {
		rs = []Submission{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rs)
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

// Summarize computes averages per criterion, CSAT over every 1–5 score, and
// NPS over the 0–10 question.
func Summarize(qs map[string]*Questionnaire, rs []Submission) Summary {
	s := Summary{Criteria: map[string]float64{}}
	sums := map[string]int{}
	counts := map[string]int{}
	good, promoters, detractors := 0, 0, 0
	for _, r := range rs {
		s.Count++
		q := qs[r.Kind]
		for id, a := range r.Answers {
			if a.Number == nil || a.Skipped {
				continue
			}
			var qq *Question
			if q != nil {
				qq = q.Question(id)
			}
			switch {
			case qq != nil && qq.Type == QuestionRating5:
				s.Scores++
				if *a.Number >= 4 {
					good++
				}
				c := qq.Criterion
				if c == "" {
					c = "overall_" + qq.ID
				}
				sums[c] += *a.Number
				counts[c]++
			case qq != nil && qq.Type == QuestionScale10:
				s.NPSCount++
				if *a.Number >= 9 {
					promoters++
				} else if *a.Number <= 6 {
					detractors++
				}
			}
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
	sums := map[string]int{}
	counts := map[string]int{}
	for _, r := range rs {
		for id, a := range r.Answers {
			qq := q.Question(id)
			if qq == nil || qq.Type != QuestionRating5 || a.Number == nil || a.Skipped {
				continue
			}
			if s := q.SectionOf(id); s != nil {
				sums[s.ID] += *a.Number
				counts[s.ID]++
			}
		}
	}
	out := map[string]float64{}
	for id, n := range counts {
		out[id] = float64(sums[id]) / float64(n)
	}
	return out
}
