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
