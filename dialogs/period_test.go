package dialogs

import (
	"testing"
	"time"
)

// Staff type periods in their own language; each means what its Latin
// code means.
func TestCanonicalPeriod(t *testing.T) {
	for in, want := range map[string]string{
		"7д": "7d", "30днів": "30d", "90дней": "90d", "30дн": "30d", "1день": "1d", "7d": "7d",
		"сьогодні": "today", "Сегодня": "today", "усе": "all", "все": "all",
		"вчора": "yesterday", "Вчера": "yesterday", "тиждень": "7d", "неделя": "7d", "місяць": "30d", "месяц": "30d",
		"2тижні": "14d", "3недели": "21d",
		"2026-11": "2026-11", "2026-1": "2026-01", "11.2026": "2026-11", "2025-11-01": "2025-11-01", "5.11.2025": "2025-11-05",
		"2026-13": "2026-13",
		"Одеса":   "Одеса", "д": "д", "5154": "5154",
	} {
		if got := CanonicalPeriod(in); got != want {
			t.Errorf("CanonicalPeriod(%q) = %q; want %q", in, got, want)
		}
	}
}

// What looks like a period is one, valid or not; a centre's number or town
// is not.
func TestLooksLikePeriod(t *testing.T) {
	now := time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)
	for in, valid := range map[string]bool{
		"7d": true, "today": true, "yesterday": true, "all": true, "2026-11": true, "2025-11-01": true,
		"0d": false, "9999d": false, "2026-13": false, "2025-02-30": false, "99999тижнів": false,
	} {
		p := CanonicalPeriod(in)
		if !LooksLikePeriod(p) {
			t.Errorf("%q (%q) does not look like a period", in, p)
		}
		if _, _, ok := ParsePeriod(p, now); ok != valid {
			t.Errorf("ParsePeriod(%q) ok = %v; want %v", p, ok, valid)
		}
	}
	for _, in := range []string{"5154", "Одеса", "odesa5154", "днів", "2026", "Кривий"} {
		if p := CanonicalPeriod(in); LooksLikePeriod(p) {
			t.Errorf("%q (%q) looks like a period", in, p)
		}
	}
	// Yesterday and a day are whole days in the pack's time.
	since, until, _ := ParsePeriod("yesterday", now)
	if !since.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) || !until.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("yesterday: %v – %v", since, until)
	}
	since, until, _ = ParsePeriod("2025-11-01", now)
	if !since.Equal(time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)) || !until.Equal(time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("2025-11-01: %v – %v", since, until)
	}
}
