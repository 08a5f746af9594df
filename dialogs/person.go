package dialogs

import (
	"regexp"
	"strings"
)

// Words of a request for a person, folded. A message asks for one when
// every word of it is one of these and it names a person to talk to
// («оператор», «позовите оператора», «хочу поговорити з живою людиною»),
// like SmallTalk: «оператор сказав, що треба довідку» is a question, and
// «номер телефону оператора» asks for a number.
var (
	// staffStems name someone at the other end on their own.
	staffStems = strings.Fields(Fold("оператор консультант спеціаліст специалист менеджер сотрудник працівник співробітник operator human"))
	// humanStems name a person only with a word saying so («жива
	// людина», «поговорить с человеком»).
	humanStems = strings.Fields(Fold("людин люди человек жива живая живий живою живим живої живой живым живого реальн"))
	// talkStems ask to talk; askStems ask, and fillers say nothing.
	talkStems = strings.Fields(Fold("поговор говор спілку общ позов поклич покли зєдна зєднай соедин звяж звяз связ переключ"))
	askStems  = strings.Fields(Fold("напис хочу хотів хотіла хотел дайте дай треба потрібен потрібна потрібно нужен нужна нужно можна можно"))
	fillers   = wordSet(Fold("будь ласка пожалуйста плиз please pls мене меня мені мне з із зі с со до к ко на а ну я є есть тут хтось кто-нибудь нибудь небудь там"))
)

// AsksForPerson tells whether text asks for a person (a moderator) rather
// than for an answer.
func AsksForPerson(text string) bool {
	words := strings.Fields(Fold(text))
	if len(words) == 0 || len(words) > 8 {
		return false
	}
	staff, human, talk, alive, asked := false, false, false, false, false
	for _, w := range words {
		switch {
		case hasStem(w, staffStems):
			staff = true
		case hasStem(w, humanStems):
			human = true
			alive = alive || strings.HasPrefix(w, "жив") || strings.HasPrefix(w, "реальн")
		case hasStem(w, talkStems):
			talk = true
		case hasStem(w, askStems):
			asked = true
		case fillers[w]:
		default:
			return false
		}
	}
	// «оператора», «живий чоловік» no; «жива людина», «поговорити з
	// людиною», «дайте людину» yes.
	return staff || human && (talk || alive || asked)
}

func hasStem(w string, stems []string) bool {
	for _, s := range stems {
		if strings.HasPrefix(w, s) {
			return true
		}
	}
	return false
}

// whoWords make up «хто ви?», «ти бот?», «з ким я говорю?»; whoAnchors are
// the words without which such a message asks nothing of the kind.
var (
	whoWords   = wordSet(Fold("хто кто ви вы ти ты бот робот ботом роботом це это чи ли є есть з с ким кем я говорю розмовляю разговариваю спілкуюся общаюсь такий такой така такая справжній настоящий живий живой жива живая людина человек можна можно поговорити поговорить"))
	whoAnchors = wordSet(Fold("хто кто бот робот ботом роботом ким кем"))
)

// AsksWhoItIs tells whether text asks who or what answers: «хто ви?»,
// «ти бот?», «с кем я говорю?».
func AsksWhoItIs(text string) bool {
	words := strings.Fields(Fold(text))
	if len(words) == 0 || len(words) > 6 {
		return false
	}
	anchored := false
	for _, w := range words {
		if !whoWords[w] {
			return false
		}
		anchored = anchored || whoAnchors[w]
	}
	return anchored
}

// phoneLike is a run of 10 to 13 digits, spaces, dashes, dots and
// brackets, perhaps after «+»: a phone number («+38 (067) 123-45-67»,
// «0671234567», «8 916 123 45 67») or a tax number, not a date, a sum or a
// centre's number.
var phoneLike = regexp.MustCompile(`\+?\(?\d[\d\s().-]{8,18}\d`)

// documentLike is a document's series and number («ЕХА 123456», «КВ
// 123456») or a car's VIN, set off from the words around it.
var documentLike = regexp.MustCompile(`(?:^|[^\p{L}\d])(\p{Lu}{2,3}\s?№?\s?\d{6}|[A-HJ-NPR-Z0-9]{17})(?:$|[^\p{L}\d])`)

// labelledNumber is a number that the word before it names as a document's
// or a tax number: an ID card's nine digits («ID-картка 001234567»), a tax
// number («РНОКПП 3012345678», «ИНН …»), a passport's or a СНИЛС.
var labelledNumber = regexp.MustCompile(`(?i)(?:^|[^\p{L}\d])(?:id|айді|паспорт\p{L}*|картк\p{L}*|карт\p{L}*|документ\p{L}*|рнокпп|іпн|ипн|инн|снилс|податков\p{L}*\s+номер\p{L}*|ідентифікаційн\p{L}*\s+(?:код|номер)\p{L}*)[\s:№#-]*(\d(?:[\s-]?\d){8,11})(?:$|[^\p{L}\d])`)

// cardLike is a bank card's sixteen digits, in fours or not.
var cardLike = regexp.MustCompile(`(?:^|[^\d])(\d{4}(?:[\s-]?\d{4}){3})(?:$|[^\d])`)

// dateLike is a date or a time of day written in digits («12.03.2025»,
// «2025-03-12», «10:30»): kept as written, and never the start of a phone
// number with the hour after it.
var dateLike = regexp.MustCompile(`(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])[./](?:19|20)?\d{2}|(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|\d{1,2}:\d{2}`)

// MaskPhones replaces what looks like a phone number in text with «☎ ***»,
// and a document's number, a tax number or a VIN with «📄 ***»; ok reports
// whether there was one. Dates and times are kept as written.
func MaskPhones(text string) (masked string, ok bool) {
	for _, re := range []*regexp.Regexp{cardLike, labelledNumber} {
		for {
			loc := re.FindStringSubmatchIndex(text)
			if loc == nil {
				break
			}
			text, ok = text[:loc[2]]+"📄 ***"+text[loc[3]:], true
		}
	}
	for {
		loc := documentLike.FindStringSubmatchIndex(text)
		if loc == nil {
			break
		}
		v := text[loc[2]:loc[3]]
		if len(v) == 17 && (!strings.ContainsAny(v, "0123456789") || strings.Trim(v, "0123456789") == "") {
			break // seventeen letters, or digits alone: not a VIN
		}
		text, ok = text[:loc[2]]+"📄 ***"+text[loc[3]:], true
	}
	// A phone is looked for between the dates and times, which are kept.
	var b strings.Builder
	last := 0
	for _, d := range dateLike.FindAllStringIndex(text, -1) {
		phones, had := maskPhones(text[last:d[0]])
		b.WriteString(phones + text[d[0]:d[1]])
		ok, last = ok || had, d[1]
	}
	phones, had := maskPhones(text[last:])
	b.WriteString(phones)
	return b.String(), ok || had
}

func maskPhones(text string) (masked string, ok bool) {
	masked = phoneLike.ReplaceAllStringFunc(text, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 10 || digits > 13 || strings.Count(m, ".") >= 2 && digits <= 12 && !strings.ContainsAny(m, " -()+") {
			return m
		}
		if d := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m); strings.HasPrefix(d, "0800") || strings.HasPrefix(d, "8800") {
			return m // a free hotline («0 800 500 202», «8 800 …»), nobody's own
		}
		ok = true
		return "☎ ***"
	})
	return masked, ok
}
