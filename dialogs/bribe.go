package dialogs

import "strings"

// A message that tells of money demanded or offered for a service is
// about a bribe, whatever else it names: «інспектор сказав, що без 200
// доларів я не здам» speaks of the practical exam in every word but one,
// and the matcher answered it with the exam's entry. TellsOfBribe finds
// such a message by a few patterns, so that the pack's entry on reporting
// a bribe answers it.
var (
	// bribeStems name a bribe outright: «хабар», «взятка», «хабарник».
	bribeStems = stemList("хабар взятк взяточ магарич")
	// moneyStems begin words for money or a sum: «гроші», «денег», «200
	// доларів», «штука баксов», «доплата»; moneyWords are such words whole
	// («грн», «євро»: «європейського» is no money).
	moneyStems = stemList("грош деньг денег денеж деньж долар доллар бакс гривн гривен рубл тисяч тысяч доплат")
	moneyWords = wordSet(Fold("грн євро евро руб usd"))
	// demandStems ask for money or hint at it: «вимагав», «вымогают»,
	// «просили», «требовал», «натякають» («требуется» asks for nothing).
	demandStems = stemList("вимаг вымог требова требуют требует проси прося попрос натяк намек")
	// giveWords hand money over, told after the fact: «дав», «сунул»,
	// «заплатив» (to pay a fee is asked of in the future: «кому заплатити»).
	giveWords = wordSet(Fold("дав дала дали дал давав давала давали давал сунув сунула сунули сунул заплатив заплатила заплатили заплатил"))
	// takerStems name who takes it: an examiner, an inspector, staff.
	takerStems = stemList("інспектор екзаменатор экзаменатор інструктор працівник сотрудник адміністратор администратор посередник")
	// feeStems name a payment made the lawful way: «просили оплатити 340
	// грн за бланк» asks about a fee (unless it came «без квитанції»).
	feeStems = stemList("оплат квитанц мито мита пошлин збир сбор каса касс термінал терминал")
	// speedStems name the speeding up one pays for («за ускорение», «за
	// прискорення»).
	speedStems = stemList("ускорен прискорен")
)

// stemList folds words given as the beginnings of the words they stand for.
func stemList(words string) []string { return strings.Fields(Fold(words)) }

// bribeWindow is how many words apart a demand and the money it names may
// be: «просив у мене 500 гривень», «требовал за сдачу экзамена 300
// долларов».
const bribeWindow = 5

// TellsOfBribe tells whether text tells of money demanded or offered for a
// service: a bribe named («хабар», «взятка», «дать на лапу»), money
// demanded («вимагав гроші», «просили денег»; not «ніхто не просив
// грошей»), a condition put in money («без 200 доларів не здам», «без
// 500 грн не оформить»), money given to staff («дав гроші інспектору»),
// or paying for speed («за ускорение»).
func TellsOfBribe(text string) bool {
	words := strings.Fields(Fold(text))
	at := func(i int) string {
		if i < 0 || i >= len(words) {
			return ""
		}
		return words[i]
	}
	money := func(i int) bool { return hasStem(at(i), moneyStems) || moneyWords[at(i)] }
	near := func(i int, is func(int) bool) bool {
		for j := i - bribeWindow; j <= i+bribeWindow; j++ {
			if j != i && is(j) {
				return true
			}
		}
		return false
	}
	// A sum written with its sign («200$», «$200», «100 €») folds to the
	// number alone: the sign says it is money.
	signed := strings.ContainsAny(text, "$€₴")
	sum := func(i int) bool { return money(i) || signed && isNumber(at(i)) }
	negated := func(i int) bool { return at(i-1) == "не" || at(i-1) == "ни" }
	taker := func(i int) bool { return hasStem(at(i), takerStems) }
	hasNot, fee := false, false
	for i, w := range words {
		hasNot = hasNot || w == "не"
		fee = fee || hasStem(w, feeStems) && at(i-1) != "без"
	}
	for i, w := range words {
		switch {
		case hasStem(w, bribeStems):
			return true
		case w == "лапу" && at(i-1) == "на":
			return true
		case w == "за" && hasStem(at(i+1), speedStems):
			return true
		case hasStem(w, demandStems) && !negated(i) && !fee && near(i, sum):
			return true
		case w == "без" && hasNot && (sum(i+1) || sum(i+2)):
			return true
		case giveWords[w] && !negated(i) && near(i, sum) && near(i, taker):
			return true
		}
	}
	return false
}
