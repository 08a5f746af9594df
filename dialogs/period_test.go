package dialogs

import (
	"testing"
	"time"
)

// Staff type periods in their own language; each means what its Latin
// code means.
func TestCanonicalPeriod(t *testing.T) {
	now := time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC) // a Saturday
	for in, want := range map[string]string{
		"7д": "7d", "30днів": "30d", "90дней": "90d", "30дн": "30d", "1день": "1d", "7d": "7d",
		"сьогодні": "today", "Сегодня": "today", "усе": "all", "все": "all",
		"вчора": "yesterday", "Вчера": "yesterday", "тиждень": "7d", "неделя": "7d", "місяць": "30d", "месяц": "30d",
		"2тижні": "14d", "3недели": "21d",
		"2026-11": "2026-11", "2026-1": "2026-01", "11.2026": "2026-11", "2025-11-01": "2025-11-01", "5.11.2025": "2025-11-05",
		"2026-13": "2026-13",
		"Одеса":   "Одеса", "д": "д", "5154": "5154",
	} {
		if got := CanonicalPeriod(in, now); got != want {
			t.Errorf("CanonicalPeriod(%q) = %q; want %q", in, got, want)
		}
	}
}

// A month named, this or the last week, month or quarter, and all the
// time, in the words staff use: each is the calendar's, said as dates.
func TestCanonicalPeriodInWords(t *testing.T) {
	now := time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC) // a Saturday
	for in, want := range map[string]string{
		"листопад": "2026-11", "листопада": "2026-11", "у листопаді": "2026-11", "Ноябрь": "2026-11", "ноября": "2026-11", "в ноябре": "2026-11",
		"грудень": "2025-12", "декабре": "2025-12", "січня": "2026-01", "май": "2026-05", "листопад 2025": "2025-11", "в ноябре 2024": "2024-11",
		"минулий тиждень": "2026-11-16/2026-11-22", "минулого тижня": "2026-11-16/2026-11-22", "на минулому тижні": "2026-11-16/2026-11-22",
		"попередній тиждень": "2026-11-16/2026-11-22", "прошлая неделя": "2026-11-16/2026-11-22", "на прошлой неделе": "2026-11-16/2026-11-22",
		"цей тиждень": "2026-11-23/2026-11-28", "поточний тиждень": "2026-11-23/2026-11-28", "эта неделя": "2026-11-23/2026-11-28", "на этой неделе": "2026-11-23/2026-11-28",
		"минулий місяць": "2026-10", "попереднього місяця": "2026-10", "прошлый месяц": "2026-10", "в прошлом месяце": "2026-10",
		"цей місяць": "2026-11", "поточного місяця": "2026-11", "этот месяц": "2026-11", "текущий месяц": "2026-11",
		"квартал": "2026-10-01/2026-11-28", "цей квартал": "2026-10-01/2026-11-28", "минулий квартал": "2026-07-01/2026-09-30", "прошлом квартале": "2026-07-01/2026-09-30",
		"цей рік": "2026-01-01/2026-11-28", "этот год": "2026-01-01/2026-11-28", "минулий рік": "2025-01-01/2025-12-31", "в прошлом году": "2025-01-01/2025-12-31", "рік": "365d",
		"весь час": "all", "увесь час": "all", "всё время": "all", "все время": "all",
		"30 днів": "30d", "2 тижні": "14d",
		"цей": "цей", "минулий": "минулий", "Кривий Ріг": "Кривий Ріг", "у 5154": "у 5154", "листопад 5": "листопад 5", "ноябрь 5154": "ноябрь 5154",
	} {
		if got := CanonicalPeriod(in, now); got != want {
			t.Errorf("CanonicalPeriod(%q) = %q; want %q", in, got, want)
		}
	}
	// January's last month and quarter are last year's.
	jan := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC) // a Monday
	for in, want := range map[string]string{
		"минулий місяць": "2026-12", "минулий квартал": "2026-10-01/2026-12-31", "квартал": "2027-01-01/2027-01-04",
		"цей тиждень": "2027-01-04/2027-01-04", "минулий тиждень": "2026-12-28/2027-01-03", "грудень": "2026-12", "січень": "2027-01",
	} {
		if got := CanonicalPeriod(in, jan); got != want {
			t.Errorf("on 4 January 2027, CanonicalPeriod(%q) = %q; want %q", in, got, want)
		}
	}
	since, until, ok := ParsePeriod("2026-11-16/2026-11-22", now)
	if !ok || !since.Equal(time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)) || !until.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("2026-11-16/2026-11-22: %v – %v (%v)", since, until, ok)
	}
	if _, _, ok := ParsePeriod("2026-11-22/2026-11-16", now); ok {
		t.Error("a period that ends before it starts is taken")
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
		p := CanonicalPeriod(in, now)
		if !LooksLikePeriod(p) {
			t.Errorf("%q (%q) does not look like a period", in, p)
		}
		if _, _, ok := ParsePeriod(p, now); ok != valid {
			t.Errorf("ParsePeriod(%q) ok = %v; want %v", p, ok, valid)
		}
	}
	for _, in := range []string{"5154", "Одеса", "odesa5154", "днів", "2026", "Кривий"} {
		if p := CanonicalPeriod(in, now); LooksLikePeriod(p) {
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
