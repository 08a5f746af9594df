package desk

import (
	"testing"
	"time"

	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/locales"
)

// Ages read as staff say them, with each language's plurals.
func TestAgesReadAsPeopleSayThem(t *testing.T) {
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	h := func(n float64) time.Duration { return time.Duration(n * float64(time.Hour)) }
	cases := map[string][]struct {
		d    time.Duration
		days bool
		want string
	}{
		"hsc": {
			{20 * time.Second, true, "щойно"},
			{time.Minute, true, "1 хвилина"},
			{3 * time.Minute, true, "3 хвилини"},
			{11 * time.Minute, true, "11 хвилин"},
			{21 * time.Minute, true, "21 хвилина"},
			{h(3), true, "3 год"},
			{h(3) + 20*time.Minute, true, "3 год 20 хв"},
			{h(24), true, "1 день"},
			{h(51), true, "2 дні 3 год"},
			{h(24*5 + 1), true, "5 днів 1 год"},
			{h(24 * 21), true, "21 день"},
			{h(51), false, "51 год"},
		},
		"mfc": {
			{20 * time.Second, true, "только что"},
			{time.Minute, true, "1 минута"},
			{3 * time.Minute, true, "3 минуты"},
			{11 * time.Minute, true, "11 минут"},
			{h(3) + 20*time.Minute, true, "3 ч 20 мин"},
			{h(51), true, "2 дня 3 ч"},
			{h(24 * 5), true, "5 дней"},
			{h(24 * 21), true, "21 день"},
		},
	}
	for packID, cs := range cases {
		pack, err := dialogs.LoadShippedPack(packID)
		if err != nil {
			t.Fatal(err)
		}
		a := &Desk{Env: &turn.Env{Text: text, Pack: pack}}
		for _, c := range cs {
			if got := a.age(c.d, c.days); got != c.want {
				t.Errorf("%s: age(%v, days %v) = %q, want %q", packID, c.d, c.days, got, c.want)
			}
		}
	}
}
