package dialogs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalization for matching what people type against the FAQ. Ukrainian,
// Russian, surzhyk and Latin transliteration all fold into one skeleton:
// lower case, apostrophes dropped, Latin letters transliterated, and the
// letters the two languages (and careless typing) swap folded together
// (і ї и ы й → и, е є э ё → е, ґ → г, ь ъ dropped). Words are then cut to a
// light stem, so «записатися», «записаться» and «запис» meet.

// Fold returns s in the folded alphabet, words separated by single spaces.
// A Latin h becomes г, as in Ukrainian; the matcher also tries х.
func Fold(s string) string {
	b := make([]byte, 0, len(s))
	eachWord(s, func(word []rune) {
		// A word may fold to nothing («ь»): then it leaves no space either.
		n := len(b)
		if n > 0 {
			b = append(b, ' ')
		}
		b = foldWord(b, word, 'г')
		if len(b) == n+1 {
			b = b[:n]
		}
	})
	return string(b)
}

// eachWord calls f with each word of s in lower case: letters and digits,
// apostrophes dropped. f may keep no reference to the slice.
func eachWord(s string, f func(word []rune)) {
	word := make([]rune, 0, 32)
	flush := func() {
		if len(word) > 0 {
			f(word)
			word = word[:0]
		}
	}
	for _, r := range s {
		switch {
		case isApostrophe(r):
			// «об'єкт», «обʼєкт», «об’єкт» and «обєкт» are one word.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if unicode.IsUpper(r) {
				// A capital with no small form (ϔ): nobody types it in a
				// question; dropping it keeps the output in lower case.
				continue
			}
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', 'ʼ', '’', '‘', 'ʹ', '´', 'ʻ', '′':
		return true
	}
	return false
}

// latin lists transliterations, longest first within each leading letter.
var latin = []struct{ from, to string }{
	{"shch", "ш"}, {"tsya", "тся"}, {"tsia", "тся"}, {"tsja", "тся"}, {"sch", "ш"}, {"zh", "ж"}, {"kh", "х"}, {"ch", "ч"}, {"sh", "ш"},
	{"ts", "ц"}, {"tz", "ц"}, {"ya", "я"}, {"ja", "я"}, {"ia", "я"}, {"yu", "ю"}, {"ju", "ю"}, {"iu", "ю"},
	{"ye", "е"}, {"je", "е"}, {"ie", "е"}, {"yi", "и"}, {"ji", "и"}, {"yo", "ио"}, {"jo", "ио"},
	{"a", "а"}, {"b", "б"}, {"c", "ц"}, {"d", "д"}, {"e", "е"}, {"f", "ф"}, {"g", "г"},
	{"i", "и"}, {"j", "и"}, {"k", "к"}, {"l", "л"}, {"m", "м"}, {"n", "н"}, {"o", "о"}, {"p", "п"},
	{"q", "к"}, {"r", "р"}, {"s", "с"}, {"t", "т"}, {"u", "у"}, {"v", "в"}, {"w", "в"}, {"x", "кс"},
	{"y", "и"}, {"z", "з"},
}

// foldWord appends w folded to b; a Latin h that is not part of zh, kh,
// ch, sh becomes h: г in Ukrainian transliteration, х in Russian.
func foldWord(b []byte, w []rune, h rune) []byte {
	for i := 0; i < len(w); {
		r := w[i]
		if r >= 'a' && r <= 'z' {
			if r == 'h' {
				b = utf8.AppendRune(b, h)
				i++
				continue
			}
			for _, t := range latin {
				if hasPrefix(w[i:], t.from) {
					b = append(b, t.to...)
					i += len(t.from)
					break
				}
			}
			continue
		}
		i++
		switch r {
		case 'і', 'ї', 'ы', 'й':
			b = append(b, "и"...)
		case 'є', 'э', 'ё':
			b = append(b, "е"...)
		case 'ґ':
			b = append(b, "г"...)
		case 'щ':
			b = append(b, "ш"...)
		case 'ь', 'ъ':
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// hasPrefix reports whether w begins with the ASCII letters of p.
func hasPrefix(w []rune, p string) bool {
	if len(w) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if w[i] != rune(p[i]) {
			return false
		}
	}
	return true
}

// suffixes are folded endings of Ukrainian and Russian words, longest
// first; stem strips at most two of them.
var suffixes = strings.Fields(Fold(`
		ировать ування ювання увати ювати овать евать ывать ання ення іння ться тися тись
		ами ями ого ому его ему ими ах ях ов ев ів їв ей ий ій ой ую юю ая яя ое ее ие ою ею ия ья
		ом ем ам ям их ти ся ла ло ли ет ут ют ат ят ит им
		а я о е и у ю`))

// stem cuts a folded word to its light stem.
func stem(w string) string {
	if len([]rune(w)) <= 3 || isNumber(w) {
		return w
	}
	for pass := 0; pass < 2; pass++ {
		cut := false
		for _, s := range suffixes {
			if strings.HasSuffix(w, s) && len([]rune(w))-len([]rune(s)) >= 3 {
				w = w[:len(w)-len(s)]
				cut = true
				break
			}
		}
		if !cut {
			break
		}
	}
	return w
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// stopwords carry no meaning for matching (folded).
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(Fold(`
		я ти ви ми мене мені мне меня мой мій моя моє мое мои мої наш ваш вас вам нам
		як как хто кто куди куда звідки откуда что що шо де где коли когда чи ли чому почему зачем навіщо який яка яке які какой какая какое какие
		і й и та а але но або или в у на з зі із с со до по за від от для про о об при під под над без через
		це цей ця ці это этот эта эти то те тот та той той
		є е есть бути быть був была було был
		можна можно треба надо потрібно нужно хочу хочемо хотів хотел хотела підкажіть подскажите скажіть скажите
		будь ласка пожалуйста будьласка плиз please привіт привет здравствуйте добрий добрый день вечір вечер
		не ні нет так да вже уже ще еще ещё дуже очень ну же б бы
		яким каким якою какой скільки сколько`)) {
		m[w] = true
	}
	return m
}()

// Terms returns the stems of the meaningful words of s.
func Terms(s string) []string {
	words := strings.Fields(Fold(s))
	out := words[:0]
	for _, w := range words {
		if stopwords[w] {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// MaskDigits hides runs of seven or more digits (phone numbers, document
// numbers) in text kept for staff, who need the question, not the number.
func MaskDigits(s string) string {
	r := []rune(s)
	for i := 0; i < len(r); {
		j := i
		digits := 0
		for j < len(r) && (r[j] >= '0' && r[j] <= '9' || (digits > 0 && strings.ContainsRune(" -()+", r[j]))) {
			if r[j] >= '0' && r[j] <= '9' {
				digits++
			}
			j++
		}
		if digits >= 7 {
			for k := i; k < j; k++ {
				if r[k] >= '0' && r[k] <= '9' {
					r[k] = '•'
				}
			}
		}
		if j == i {
			j++
		}
		i = j
	}
	return string(r)
}
