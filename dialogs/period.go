package dialogs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParsePeriod reads 7d, 30d, 90d, all, today, yesterday, a month (2026-11),
// a day (2026-11-05) or days from one to another, both included
// (2026-11-16/2026-11-22); the default is the last 30 days.
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
	case strings.Contains(s, "/"):
		from, to, _ := strings.Cut(s, "/")
		first, err1 := time.ParseInLocation("2006-01-02", from, now.Location())
		last, err2 := time.ParseInLocation("2006-01-02", to, now.Location())
		if err1 == nil && err2 == nil && !last.Before(first) {
			return first, last.AddDate(0, 0, 1), true
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
	dayRange  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$`)
	countUnit = regexp.MustCompile(`^(\d+) ?(\pL+)$`)
	monthYear = regexp.MustCompile(`^(\pL+) (\d{4})$`)
	spaceRun  = regexp.MustCompile(`\s+`)
)

// The words of «минулий тиждень», «цього місяця», «в прошлом квартале»:
// which one (the last or this) and of what.
var (
	lastWords = []string{"минул", "попередн", "прошл", "предыдущ"} // beginnings
	thisWords = map[string]bool{
		"цей": true, "ця": true, "цю": true, "цього": true, "цієї": true, "цьому": true, "цій": true,
		"этот": true, "эта": true, "эту": true, "этого": true, "этой": true, "этом": true,
	}
	thisBeginnings = []string{"поточн", "текущ"}
	unitWords      = map[string]string{
		"тиждень": "week", "тижня": "week", "тижні": "week", "неделя": "week", "неделю": "week", "недели": "week", "неделе": "week",
		"місяць": "month", "місяця": "month", "місяці": "month", "месяц": "month", "месяца": "month", "месяце": "month",
		"квартал": "quarter", "кварталу": "quarter", "кварталі": "quarter", "квартала": "quarter", "квартале": "quarter",
		"рік": "year", "року": "year", "році": "year", "год": "year", "года": "year", "году": "year",
	}
	prepositions = map[string]bool{"у": true, "в": true, "во": true, "на": true, "за": true}
)

// CanonicalPeriod reads a period as staff may type it in Ukrainian or
// Russian («7д», «30 днів», «90 дней», «сьогодні», «вчора», «тиждень»,
// «місяць», «усе», «за весь час»; a month by its name, «листопад», «у
// листопаді», «ноябрь 2025»; «минулий тиждень», «цей місяць», «квартал»; a
// month or a day as the bot writes it, «11.2026», «05.11.2026») and returns
// the form ParsePeriod takes (7d, today, yesterday, all, 2026-11,
// 2026-11-05, 2026-11-16/2026-11-22); anything else comes back as it was.
// A month named without a year is this year's, or last year's when it is
// still to come; a week starts on Monday; this week, month or quarter ends
// today.
func CanonicalPeriod(s string, now time.Time) string {
	low := spaceRun.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), " ")
	if first, rest, ok := strings.Cut(low, " "); ok && prepositions[first] {
		low = rest // «у листопаді», «на минулому тижні»
	}
	switch low {
	case "сьогодні", "сегодня":
		return "today"
	case "вчора", "учора", "вчера":
		return "yesterday"
	case "тиждень", "неделя", "неделю", "week":
		return "7d"
	case "місяць", "месяц", "month":
		return "30d"
	case "усе", "все", "весь", "всё", "всі", "усі", "завжди", "всегда", "all-time",
		"весь час", "увесь час", "весь період", "всё время", "все время", "весь период":
		return "all"
	case "рік", "год", "year":
		return "365d"
	case "квартал", "кварталу", "квартала":
		return calendarPeriod("this", "quarter", now)
	}
	if m := monthNames[Fold(low)]; m != 0 && !strings.Contains(low, " ") {
		year := now.Year()
		if time.Month(m) > now.Month() {
			year--
		}
		return fmt.Sprintf("%d-%02d", year, m)
	}
	// «листопад 2025», a year that has been: «ноябрь 5154» is November and
	// centre 5154.
	if m := monthYear.FindStringSubmatch(low); m != nil && monthNames[Fold(m[1])] != 0 {
		if y, _ := strconv.Atoi(m[2]); y >= 2000 && y <= now.Year() {
			return fmt.Sprintf("%s-%02d", m[2], monthNames[Fold(m[1])])
		}
	}
	if which, unit, ok := strings.Cut(low, " "); ok && unitWords[unit] != "" {
		switch {
		case thisWords[which] || beginsWith(which, thisBeginnings):
			return calendarPeriod("this", unitWords[unit], now)
		case beginsWith(which, lastWords):
			return calendarPeriod("last", unitWords[unit], now)
		}
	}
	if m := isoDate.FindStringSubmatch(low); m != nil {
		return datePeriod(m[1], m[2], m[3])
	}
	if m := dottyDate.FindStringSubmatch(low); m != nil {
		return datePeriod(m[3], m[2], m[1])
	}
	// A number of days or weeks: digits, then a unit.
	if m := countUnit.FindStringSubmatch(low); m != nil {
		switch m[2] {
		case "d", "д", "дн", "день", "дні", "днів", "дня", "дней":
			return m[1] + "d"
		case "w", "тиж", "тиждень", "тижні", "тижнів", "нед", "неделя", "недели", "недель":
			if n, err := strconv.Atoi(m[1]); err == nil && n <= MaxPeriodDays {
				return strconv.Itoa(n*7) + "d"
			}
			return m[1] + "w"
		}
	}
	return s
}

func beginsWith(word string, beginnings []string) bool {
	for _, b := range beginnings {
		if strings.HasPrefix(word, b) {
			return true
		}
	}
	return false
}

// calendarPeriod is the calendar week, month, quarter or year now is in (which
// "this", up to today) or the one before it ("last"), as CanonicalPeriod
// returns it.
func calendarPeriod(which, unit string, now time.Time) string {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	var start time.Time
	switch unit {
	case "week":
		start = today.AddDate(0, 0, -(int(today.Weekday())+6)%7)
	case "month":
		start = time.Date(y, m, 1, 0, 0, 0, 0, now.Location())
	case "quarter":
		start = time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, now.Location())
	case "year":
		start = time.Date(y, 1, 1, 0, 0, 0, 0, now.Location())
	}
	end := today
	if which == "last" {
		end = start.AddDate(0, 0, -1)
		switch unit {
		case "week":
			start = start.AddDate(0, 0, -7)
		case "month":
			start = start.AddDate(0, -1, 0)
		case "quarter":
			start = start.AddDate(0, -3, 0)
		case "year":
			start = start.AddDate(-1, 0, 0)
		}
	}
	if unit == "month" {
		return start.Format("2006-01") // the whole month, as 2026-11 reads
	}
	return start.Format("2006-01-02") + "/" + end.Format("2006-01-02")
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
		isoDate.MatchString(canonical) || dayRange.MatchString(canonical)
}
