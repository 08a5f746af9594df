package dialogs

import "testing"

func TestMinutesOption(t *testing.T) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		t.Fatal(err)
	}
	q, _ := p.Questionnaire(KindMystery)
	wait := q.Question("wait")
	for text, want := range map[string]string{
		"хвилин 20": "m15_30", "20 хв": "m15_30", "20": "m15_30", "півгодини": "m15_30", "полчаса": "m15_30",
		"годину": "m30_60", "2 години": "over60", "півтори години": "over60", "3 минуты": "under5", "15": "m5_15",
		"довго": "", "не пам'ятаю": "", "15-30 хвилин": "m15_30", "двадцять хвилин": "m15_30", "хвилин десять": "m5_15",
		"1 година 20 хвилин": "over60", "1,5 години": "over60", "одразу": "under5", "не ждал": "under5", "дві години": "over60",
	} {
		got, _ := wait.MinutesOption(text)
		if got != want {
			t.Errorf("MinutesOption(%q) = %q, want %q", text, got, want)
		}
	}
	// A question whose options are not minutes takes nothing this way.
	for _, s := range q.Sections {
		for i := range s.Questions {
			if qq := &s.Questions[i]; qq.Type == QuestionSingle && qq.ID != "wait" {
				if got, ok := qq.MinutesOption("20 хвилин"); ok {
					t.Errorf("%s took «20 хвилин» as %s", qq.ID, got)
				}
			}
		}
	}
}
