package dialogs

import (
	"fmt"
	"strings"
	"time"
)

// ParsePeriod reads 7d, 30d, 90d, all, today or a month (2026-11); the
// default is the last 30 days.
func ParsePeriod(s string, now time.Time) (since, until time.Time, ok bool) {
	switch {
	case s == "":
		return now.AddDate(0, 0, -30), time.Time{}, true
	case s == "all":
		return time.Time{}, time.Time{}, true
	case s == "today":
		y, m, d := now.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, now.Location()), time.Time{}, true
	case strings.HasSuffix(s, "d"):
		var n int
		if _, err := fmt.Sscanf(s, "%dd", &n); err == nil && n > 0 && n <= 3660 {
			return now.AddDate(0, 0, -n), time.Time{}, true
		}
	default:
		if t, err := time.ParseInLocation("2006-01", s, now.Location()); err == nil {
			return t, t.AddDate(0, 1, 0), true
		}
	}
	return time.Time{}, time.Time{}, false
}

// CanonicalPeriod reads a period as staff may type it in Ukrainian or
// Russian («7д», «30днів», «90 дней» run together, «сьогодні», «сегодня»,
// «усе», «все») and returns the form ParsePeriod takes (7d, today, all);
// anything else comes back as it was.
func CanonicalPeriod(s string) string {
	low := strings.ToLower(strings.TrimSpace(s))
	switch low {
	case "сьогодні", "сегодня":
		return "today"
	case "усе", "все", "весь", "всё":
		return "all"
	}
	// A number of days: digits, then a unit.
	if i := strings.IndexFunc(low, func(r rune) bool { return r < '0' || r > '9' }); i > 0 {
		switch low[i:] {
		case "d", "д", "дн", "день", "дні", "днів", "дня", "дней":
			return low[:i] + "d"
		}
	}
	return s
}
