package dialogs

import "testing"

// Staff type periods in their own language; each means what its Latin
// code means.
func TestCanonicalPeriod(t *testing.T) {
	for in, want := range map[string]string{
		"7д": "7d", "30днів": "30d", "90дней": "90d", "30дн": "30d", "1день": "1d", "7d": "7d",
		"сьогодні": "today", "Сегодня": "today", "усе": "all", "все": "all",
		"2026-11": "2026-11", "Одеса": "Одеса", "д": "д", "5154": "5154",
	} {
		if got := CanonicalPeriod(in); got != want {
			t.Errorf("CanonicalPeriod(%q) = %q; want %q", in, got, want)
		}
	}
}
