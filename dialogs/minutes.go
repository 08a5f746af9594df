package dialogs

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

var numberRe = regexp.MustCompile(`\d+`)

// minuteRange reads an option's label as a range of minutes: «До 5
// хвилин» (0–5), «5–15 хвилин», «Понад годину» / «Больше часа» (60 and
// more); ok is false for a label that is no such range.
func minuteRange(label string) (lo, hi float64, ok bool) {
	nums := numberRe.FindAllString(label, -1) // Fold drops a «5–» before «15»
	words := strings.Fields(Fold(label))
	switch {
	case len(nums) == 2:
		a, _ := strconv.Atoi(nums[0])
		b, _ := strconv.Atoi(nums[1])
		return float64(a), float64(b), true
	case len(nums) == 1 && len(words) > 0 && words[0] == Fold("до"):
		a, _ := strconv.Atoi(nums[0])
		return 0, float64(a), true
	case len(nums) == 0 && hasAny(words, "понад", "більше", "больше", "over", "more") && hasPrefixAny(words, "годин", "час", "hour"):
		return 60, math.Inf(1), true
	}
	return 0, 0, false
}

// typedMinutes reads how long someone says they waited: «20», «хвилин
// 20», «20 хв», «півгодини», «полчаса», «годину», «2 години», «півтори
// години».
func typedMinutes(text string) (float64, bool) {
	f := Fold(text)
	words := strings.Fields(f)
	hours := hasPrefixAny(words, "год", "час", "hour")
	switch {
	case strings.Contains(f, Fold("півгодин")) || strings.Contains(f, Fold("пів годин")) || strings.Contains(f, Fold("полчас")) || strings.Contains(f, Fold("пол час")):
		return 30, true
	case strings.Contains(f, Fold("півтор")) || strings.Contains(f, Fold("полтор")):
		return 90, true
	}
	nums := numberRe.FindAllString(text, -1)
	switch {
	case len(nums) == 1:
		n, _ := strconv.Atoi(nums[0])
		if hours {
			return float64(n) * 60, true
		}
		return float64(n), true
	case len(nums) == 0 && hours && len(words) <= 2:
		return 60, true // «годину», «около часа»
	}
	return 0, false
}

// MinutesOption picks, for a question whose options are all ranges of
// minutes, the one a typed duration falls in («хвилин 20» → «15–30
// хвилин»; on a boundary, the lower range).
func (qq *Question) MinutesOption(text string) (string, bool) {
	if qq.Type != QuestionSingle || len(qq.Options) == 0 {
		return "", false
	}
	m, ok := typedMinutes(text)
	if !ok {
		return "", false
	}
	found := ""
	for _, o := range qq.Options {
		inRange := false
		for _, label := range o.Text {
			lo, hi, ok := minuteRange(label)
			if !ok {
				return "", false // not a question of minutes
			}
			inRange = inRange || (m >= lo && m <= hi)
		}
		if inRange && found == "" {
			found = o.ID
		}
	}
	return found, found != ""
}

func hasAny(words []string, want ...string) bool {
	for _, w := range words {
		for _, x := range want {
			if w == Fold(x) {
				return true
			}
		}
	}
	return false
}

func hasPrefixAny(words []string, prefixes ...string) bool {
	for _, w := range words {
		for _, p := range prefixes {
			if strings.HasPrefix(w, Fold(p)) {
				return true
			}
		}
	}
	return false
}
