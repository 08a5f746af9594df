package dialogs

import (
	"strings"
	"unicode"
)

// kmu2010 is the Ukrainian–Latin transliteration of the Cabinet of
// Ministers' resolution No. 55 of 27.01.2010, the one road signs, passports
// and GeoNames' Ukrainian names use. The second form is for the start of a
// word.
var kmu2010 = map[rune][2]string{
	'а': {"a", "a"}, 'б': {"b", "b"}, 'в': {"v", "v"}, 'г': {"h", "h"}, 'ґ': {"g", "g"},
	'д': {"d", "d"}, 'е': {"e", "e"}, 'є': {"ie", "ye"}, 'ж': {"zh", "zh"}, 'з': {"z", "z"},
	'и': {"y", "y"}, 'і': {"i", "i"}, 'ї': {"i", "yi"}, 'й': {"i", "y"}, 'к': {"k", "k"},
	'л': {"l", "l"}, 'м': {"m", "m"}, 'н': {"n", "n"}, 'о': {"o", "o"}, 'п': {"p", "p"},
	'р': {"r", "r"}, 'с': {"s", "s"}, 'т': {"t", "t"}, 'у': {"u", "u"}, 'ф': {"f", "f"},
	'х': {"kh", "kh"}, 'ц': {"ts", "ts"}, 'ч': {"ch", "ch"}, 'ш': {"sh", "sh"}, 'щ': {"shch", "shch"},
	'ь': {"", ""}, 'ю': {"iu", "yu"}, 'я': {"ia", "ya"},
}

// Latin writes a Ukrainian name in Latin letters by the KMU 2010 rules:
// «Одеса» → "Odesa", «Біла Церква» → "Bila Tserkva", «Знам'янка» →
// "Znamianka". Apostrophes are dropped and «зг» is "zgh"; letters
// outside the Ukrainian alphabet are kept.
func Latin(s string) string {
	var b strings.Builder
	rs := []rune(s)
	start := true
	for i, r := range rs {
		lower := unicode.ToLower(r)
		if isApostrophe(r) {
			continue
		}
		t, ok := kmu2010[lower]
		if !ok {
			b.WriteRune(r)
			start = !unicode.IsLetter(r)
			continue
		}
		out := t[0]
		if start {
			out = t[1]
		}
		if lower == 'г' && i > 0 && unicode.ToLower(rs[i-1]) == 'з' {
			out = "gh"
		}
		if unicode.IsUpper(r) && out != "" {
			out = strings.ToUpper(out[:1]) + out[1:]
		}
		b.WriteString(out)
		start = false
	}
	return b.String()
}

// LatinSkeleton compares Latin names loosely: «Izmayil» and «Izmail»,
// «Chornomors’k» and «Chornomorsk», «Pidhorodnye» and «Pidhorodne» meet.
func LatinSkeleton(s string) string {
	s = strings.ToLower(strings.NewReplacer("’", "", "'", "", "ʼ", "", "-", " ", "y", "i", "ë", "e", "Ë", "e").Replace(s))
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == 'i' && i+1 < len(rs) && strings.ContainsRune("aeiou", rs[i+1]) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
