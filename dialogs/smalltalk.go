package dialogs

import "strings"

// Kinds of small talk: what a person says that is not a question.
const (
	SmallTalkGreeting = "greeting" // «привіт», «добрий день», «здравствуйте»
	SmallTalkThanks   = "thanks"   // «дякую», «спасибо»
	SmallTalkAck      = "ack"      // «ок», «добре», «понятно»
	SmallTalkEmpty    = "empty"    // «?», «...», an emoji: no word at all
)

// smallTalk maps the folded words of small talk to their kind. A message
// is small talk when every word of it is here (or it has none).
var smallTalk = func() map[string]string {
	m := map[string]string{}
	for kind, words := range map[string]string{
		SmallTalkGreeting: `привіт привітик вітаю доброго добрий доброї день дня добридень добрий-день ранку ранок вечора вечір вечер здрастуйте здоровенькі були слава україні
			привет приветик здравствуйте здравствуй добрый доброе утро вечера hello hi hey салют хай`,
		SmallTalkThanks: `дякую дякуємо дяки спасибі спасибо спс благодарю благодарим пасиб thanks thank you thx
			велике щиро большое огромное дуже очень вам тобі тебе дякс допомогло помогло допомогли помогли вирішено решено
			до побачення свидания бувайте всього всего
			за допомогу відповідь консультацію інформацію помощь ответ консультацию информацию`,
		SmallTalkAck: `ок окей ok okay добре гаразд зрозуміло ясно зрозумів зрозуміла понятно поняла понял хорошо ладно
			ага угу так да ясненько чудово супер класно отлично круто все всё досить хватит стоп`,
	} {
		for _, w := range strings.Fields(Fold(words)) {
			if _, seen := m[w]; !seen {
				m[w] = kind
			}
		}
	}
	return m
}()

// preface are the words that announce a question without asking it
// («підкажіть, будь ласка», «у меня вопрос»): said alone, or with a
// greeting, they are answered as a greeting is, with a word that invites
// the question.
var preface = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(Fold(`підкажіть підскажіть скажіть допоможіть будь ласка у в мене мені є маю одне питання запитання хочу спитати запитати можна потрібна допомога
		подскажите скажите помогите пожалуйста меня мне есть один вопрос спросить задать можно нужна помощь а ещё еще ще ось`)) {
		m[w] = true
	}
	return m
}()

// SmallTalk tells whether text is small talk rather than a question, and
// which kind: thanks over a greeting over an acknowledgement, so that
// «привіт, дякую» is thanks. It returns "" for anything else.
func SmallTalk(text string) string {
	words := strings.Fields(Fold(text))
	if len(words) == 0 {
		t := strings.TrimSpace(strings.ReplaceAll(text, "\uFE0F", ""))
		switch {
		case t == "":
			return ""
		case strings.Trim(t, "👍👌🆗✅ ") == "":
			return SmallTalkAck // «👍»: as «ок»
		case strings.Trim(t, "🙏❤💙💛🤝 ") == "":
			return SmallTalkThanks
		}
		return SmallTalkEmpty
	}
	if len(words) > 6 {
		return ""
	}
	kinds := map[string]bool{}
	for _, w := range words {
		kind, ok := smallTalk[w]
		switch {
		case ok:
			kinds[kind] = true
		case preface[w]:
			kinds[SmallTalkGreeting] = true
		default:
			return ""
		}
	}
	for _, k := range []string{SmallTalkThanks, SmallTalkGreeting, SmallTalkAck} {
		if kinds[k] {
			return k
		}
	}
	return ""
}
