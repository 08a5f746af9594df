package dialogs

import (
	"testing"
	"time"
)

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
		"без черги": "under5",
		// A sentence or a sum is no wait: kept for the comment instead.
		"так, охоронець пропонував пройти без черги за 500 гривень": "", "охоронець пропонував пройти без черги": "",
		"500 гривень": "", "$200": "",
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

func TestDatesTypedInWords(t *testing.T) {
	today := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	for text, want := range map[string]string{
		"позавчора": "2026-11-26", "Позавчера": "2026-11-26", "21 листопада": "2026-11-21", "21 ноября 2026": "2026-11-21",
		"30 грудня": "2025-12-30", "21.11": "2026-11-21", "5 марта": "2026-03-05", "5-го березня": "2026-03-05",
		// 28.11.2026 is a Saturday: the latest such day up to today.
		"у понеділок": "2026-11-23", "в среду": "2026-11-25", "в суботу": "2026-11-28", "п'ятниця": "2026-11-27", "у неділю": "2026-11-22",
	} {
		got, ok := parseDate(text, today)
		if !ok || got.Format(time.DateOnly) != want {
			t.Errorf("parseDate(%q) = %v %v, want %s", text, got, ok, want)
		}
	}
	for _, text := range []string{"21 чогось", "колись"} {
		if got, ok := parseDate(text, today); ok {
			t.Errorf("parseDate(%q) = %v", text, got)
		}
	}
}
