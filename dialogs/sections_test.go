package dialogs

import "testing"

func TestSectionAverages(t *testing.T) {
	q := &Questionnaire{ID: "m", Kind: "mystery", Sections: []Section{
		{ID: "a", Questions: []Question{{ID: "a1", Type: QuestionRating5}, {ID: "a2", Type: QuestionRating5}, {ID: "a3", Type: QuestionYesNo}}},
		{ID: "b", Questions: []Question{{ID: "b1", Type: QuestionRating5}}},
		{ID: "c", Questions: []Question{{ID: "c1", Type: QuestionText}}},
	}}
	n := func(v int) *int { return &v }
	for _, tc := range []struct {
		name string
		rs   []Submission
		want map[string]float64
	}{
		{"none", nil, map[string]float64{}},
		{"one", []Submission{{Answers: Answers{"a1": {Number: n(4)}, "a2": {Number: n(2)}, "b1": {Number: n(5)}}}}, map[string]float64{"a": 3, "b": 5}},
		{"skipped and other types do not count", []Submission{
			{Answers: Answers{"a1": {Number: n(5)}, "a2": {Skipped: true}, "a3": {Choice: []string{ChoiceYes}}, "c1": {Text: "5"}}},
			{Answers: Answers{"a1": {Number: n(3)}, "gone": {Number: n(1)}}},
		}, map[string]float64{"a": 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SectionAverages(q, tc.rs)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("section %s: got %v, want %v", k, got[k], v)
				}
			}
		})
	}
}
