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
// 20», «двадцять хвилин», «15-30 хвилин» (the middle), «півгодини»,
// «полчаса», «годину», «2 години», «1,5 години», «1 година 20 хвилин»,
// «одразу».
func typedMinutes(text string) (float64, bool) {
	f := Fold(text)
	// A wait is told in a few words; a sentence («охоронець пропонував
	// пройти без черги за 500 гривень») or a sum is something else, not
	// «без черги» nor 500 minutes.
	if w := strings.Fields(f); len(w) > 5 || hasPrefixAny(w, "грн", "гривн", "гривен", "долар", "доллар", "руб", "євро", "евро", "usd", "uah") || strings.ContainsAny(text, "$€₴") {
		return 0, false
	}
	for _, z := range []string{"одразу", "відразу", "сразу", "не чекав", "не чекала", "не чекали", "не ждал", "не ждала", "не ждали", "без черги", "без очереди"} {
		if strings.Contains(f, Fold(z)) && len(strings.Fields(f)) <= 3 {
			return 0, true
		}
	}
	switch {
	case strings.Contains(f, Fold("півгодин")) || strings.Contains(f, Fold("пів годин")) || strings.Contains(f, Fold("полчас")) || strings.Contains(f, Fold("пол час")):
		return 30, true
	case strings.Contains(f, Fold("півтор")) || strings.Contains(f, Fold("полтор")):
		return 90, true
	}
	var nums []float64
	for _, m := range decimalRe.FindAllString(text, -1) {
		n, _ := strconv.ParseFloat(strings.ReplaceAll(m, ",", "."), 64)
		nums = append(nums, n)
	}
	words := strings.Fields(f)
	if len(nums) == 0 {
		for _, w := range words {
			if n, ok := numberWords[w]; ok {
				nums = append(nums, float64(n))
			}
		}
	}
	hours := hasPrefixAny(words, "год", "час", "hour")
	switch {
	case len(nums) == 1 && hours:
		return nums[0] * 60, true
	case len(nums) == 1:
		return nums[0], true
	case len(nums) == 2 && hours:
		return nums[0]*60 + nums[1], true // «1 година 20 хвилин»
	case len(nums) == 2:
		return (nums[0] + nums[1]) / 2, true // «15-30 хвилин»
	case len(nums) == 0 && hours && len(words) <= 2:
		return 60, true // «годину», «около часа»
	}
	return 0, false
}

var decimalRe = regexp.MustCompile(`\d+(?:[.,]\d+)?`)

// numberWords are numbers written in words, in Ukrainian and Russian, as
// scores and waits are typed («десять», «двадцять хвилин»).
var numberWords = func() map[string]int {
	m := map[string]int{}
	for n, forms := range map[int]string{
		0: "нуль ноль", 1: "один одна одну", 2: "два дві две", 3: "три", 4: "чотири четыре", 5: "п'ять пять",
		6: "шість шесть", 7: "сім семь", 8: "вісім восемь", 9: "дев'ять девять", 10: "десять",
		15: "п'ятнадцять пятнадцать", 20: "двадцять двадцать", 30: "тридцять тридцать", 40: "сорок",
		50: "п'ятдесят пятьдесят",
	} {
		for _, w := range strings.Fields(forms) {
			m[Fold(w)] = n
		}
	}
	return m
}()

// NumberWord reads a number written as one word («десять», «п'ять»).
func NumberWord(w string) (int, bool) {
	n, ok := numberWords[Fold(w)]
	return n, ok
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
