package dialogs

import (
	"strings"
	"unicode"
)

// LanguageFromTelegram maps Telegram's IETF language_code to the language the
// bot should speak. ok is false when the person should be asked to choose:
// only Ukrainian and Russian are taken for granted.
func LanguageFromTelegram(code string) (lang string, ok bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	switch code {
	case "uk":
		return "uk", true
	case "ru":
		return "ru", true
	}
	return "", false
}

// Letters only one of the two languages has, and short words that mark
// one of them: «скільки», «як» are Ukrainian; «сколько», «как» Russian.
var (
	ukOnlyLetters  = "іїєґІЇЄҐ"
	ruOnlyLetters  = "ыэъёЫЭЪЁ"
	ukrainianWords = wordSet("як що де коли чи скільки можна треба потрібно мені мене мій свій свою своє найближчий найближче найближча будь ласка дякую вітаю але або також підкажіть скажіть розумію відповідайте українською добрий привіт")
	russianWords   = wordSet("как что где когда ли сколько можно нужно надо мне меня мой свой свою своё ближайший ближайшее ближайшая пожалуйста спасибо здравствуйте но или также подскажите скажите понимаю отвечайте русски русском добрый привет")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// WrittenIn tells the language text is plainly written in, Ukrainian or
// Russian: letters only one of them has, or at least two of its marker
// words, and nothing of the other. Mixed text, fewer than three words or
// Latin text tells nothing (ok is false). Words in quotation marks are
// someone else's: «В ТСЦ ответили «треба довідка», она обязательна?» is
// written in Russian.
func WrittenIn(text string) (lang string, ok bool) {
	text = withoutQuotes(text)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) < 3 {
		return "", false // «Коростышев», «в Ірпені»: a town's name, not a language
	}
	ukw, ruw := 0, 0
	for _, w := range words {
		if ukrainianWords[w] {
			ukw++
		}
		if russianWords[w] {
			ruw++
		}
	}
	uk := strings.ContainsAny(text, ukOnlyLetters)
	ru := strings.ContainsAny(text, ruOnlyLetters)
	// Letters alone can be a town's name («Біла Церква» in a Russian
	// sentence): with at least one word of the language, or two words.
	switch {
	case (uk && ukw >= 1 || ukw >= 2) && !ru && ruw == 0:
		return "uk", true
	case (ru && ruw >= 1 || ruw >= 2) && !uk && ukw == 0:
		return "ru", true
	}
	return "", false
}

// quotePairs are the quotation marks people type, opening and closing.
var quotePairs = [][2]rune{{'«', '»'}, {'„', '“'}, {'“', '”'}, {'"', '"'}}

// withoutQuotes is text without what stands in quotation marks (the marks
// too); an unclosed mark leaves the rest as it is.
func withoutQuotes(text string) string {
	for _, q := range quotePairs {
		for {
			i := strings.IndexRune(text, q[0])
			if i < 0 {
				break
			}
			j := strings.IndexRune(text[i+len(string(q[0])):], q[1])
			if j < 0 {
				break
			}
			text = text[:i] + " " + text[i+len(string(q[0]))+j+len(string(q[1])):]
		}
	}
	return text
}

// languageNames are the stems that name a language in a request for it
// («українською», «по-русски», «на русском языке», «English»), and
// requestWords what may stand around them («відповідайте», «будь ласка»,
// «мова»).
var (
	languageNames = map[string]string{"українськ": "uk", "украинск": "uk", "ukrain": "uk", "російськ": "ru", "русск": "ru", "russian": "ru", "english": "en", "англ": "en"}
	requestWords  = wordSet(`а відповідайте відповідай говоріть говори пишіть пиши спілкуймося давайте можна мова мовою будь ласка на по я хочу прошу перейдіть перейти
		отвечайте отвечай говорите говори пишите пиши давайте можно язык языке языком пожалуйста на по я хочу прошу перейдите перейти please speak answer in`)
)

// AsksForLanguage tells a typed request for a language: «українською
// будь ласка», «отвечайте по-русски», «русский язык», «English please».
// Text that says more than that (a question mentioning Russian) is not
// one.
func AsksForLanguage(text string) (lang string, ok bool) {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) == 0 || len(words) > 6 {
		return "", false
	}
	for _, w := range words {
		named := ""
		for stem, l := range languageNames {
			if strings.HasPrefix(w, stem) {
				named = l
			}
		}
		switch {
		case named != "" && lang != "" && named != lang:
			return "", false // two languages named
		case named != "":
			lang = named
		case !requestWords[w]:
			return "", false
		}
	}
	return lang, lang != ""
}
