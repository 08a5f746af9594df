package dialogs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParsePeriod reads 7d, 30d, 90d, all, today, yesterday, a month (2026-11)
// or a day (2026-11-05); the default is the last 30 days.
func ParsePeriod(s string, now time.Time) (since, until time.Time, ok bool) {
	y, m, d := now.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	switch {
	case s == "":
		return now.AddDate(0, 0, -30), time.Time{}, true
	case s == "all":
		return time.Time{}, time.Time{}, true
	case s == "today":
		return midnight, time.Time{}, true
	case s == "yesterday":
		return midnight.AddDate(0, 0, -1), midnight, true
	case strings.HasSuffix(s, "d"):
		var n int
		if _, err := fmt.Sscanf(s, "%dd", &n); err == nil && n > 0 && n <= MaxPeriodDays {
			return now.AddDate(0, 0, -n), time.Time{}, true
		}
	case len(s) == len("2006-01-02"):
		if t, err := time.ParseInLocation("2006-01-02", s, now.Location()); err == nil {
			return t, t.AddDate(0, 0, 1), true
		}
	default:
		if t, err := time.ParseInLocation("2006-01", s, now.Location()); err == nil {
			return t, t.AddDate(0, 1, 0), true
		}
	}
	return time.Time{}, time.Time{}, false
}

// MaxPeriodDays is the longest period in days ParsePeriod takes (ten years).
const MaxPeriodDays = 3660

var (
	isoDate   = regexp.MustCompile(`^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$`)
	dottyDate = regexp.MustCompile(`^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$`)
	dayCount  = regexp.MustCompile(`^\d+d$`)
)

// CanonicalPeriod reads a period as staff may type it in Ukrainian or
// Russian («7д», «30днів», «90 дней» run together, «сьогодні», «вчора»,
// «тиждень», «місяць», «усе»; a month or a day as the bot writes it,
// «11.2026», «05.11.2026») and returns the form ParsePeriod takes (7d,
// today, yesterday, all, 2026-11, 2026-11-05); anything else comes back as
// it was.
func CanonicalPeriod(s string) string {
	low := strings.ToLower(strings.TrimSpace(s))
	switch low {
	case "сьогодні", "сегодня":
		return "today"
	case "вчора", "учора", "вчера":
		return "yesterday"
	case "тиждень", "неделя", "неделю", "week":
		return "7d"
	case "місяць", "месяц", "month":
		return "30d"
	case "усе", "все", "весь", "всё", "всі", "усі", "завжди", "всегда", "all-time":
		return "all"
	case "рік", "год", "year":
		return "365d"
	}
	if m := isoDate.FindStringSubmatch(low); m != nil {
		return datePeriod(m[1], m[2], m[3])
	}
	if m := dottyDate.FindStringSubmatch(low); m != nil {
		return datePeriod(m[3], m[2], m[1])
	}
	// A number of days or weeks: digits, then a unit.
	if i := strings.IndexFunc(low, func(r rune) bool { return r < '0' || r > '9' }); i > 0 {
		switch low[i:] {
		case "d", "д", "дн", "день", "дні", "днів", "дня", "дней":
			return low[:i] + "d"
		case "w", "тиж", "тиждень", "тижні", "тижнів", "нед", "неделя", "недели", "недель":
			if n, err := strconv.Atoi(low[:i]); err == nil && n <= MaxPeriodDays {
				return strconv.Itoa(n*7) + "d"
			}
			return low[:i] + "w"
		}
	}
	return s
}

// datePeriod writes a month (day "") or a day with two digits each, as
// ParsePeriod reads them; an impossible one (month 13) stays impossible.
func datePeriod(year, month, day string) string {
	mo, _ := strconv.Atoi(month)
	if day == "" {
		return fmt.Sprintf("%s-%02d", year, mo)
	}
	d, _ := strconv.Atoi(day)
	return fmt.Sprintf("%s-%02d-%02d", year, mo, d)
}

// LooksLikePeriod tells a period, valid or not (2026-13, 0d), from a
// centre's name or number, in the form CanonicalPeriod returns.
func LooksLikePeriod(canonical string) bool {
	switch canonical {
	case "all", "today", "yesterday":
		return true
	}
	return dayCount.MatchString(canonical) || strings.HasSuffix(canonical, "w") && dayCount.MatchString(strings.TrimSuffix(canonical, "w")+"d") ||
		isoDate.MatchString(canonical)
}
