package desk

import (
	"strings"
	"testing"

	"servicebot/dialogs"
)

// /stats lists criteria in the order the questionnaire asks them, the same
// every time, not in the order of their ids.
func TestStatsCriteriaInTheQuestionnairesOrder(t *testing.T) {
	pack, err := dialogs.LoadShippedPack("hsc")
	if err != nil {
		t.Fatal(err)
	}
	q, _ := pack.Questionnaire(dialogs.KindRating)
	var want []string
	for _, sec := range q.Sections {
		for _, qq := range sec.Questions {
			if qq.Type == dialogs.QuestionRating5 && qq.Criterion != "" {
				want = append(want, qq.Criterion)
			}
		}
	}
	crit := map[string]float64{}
	for _, c := range want {
		crit[c] = 4
	}
	if got := criteriaInOrder(q, crit); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("criteria in %v; want the questionnaire's order %v", got, want)
	}
}
