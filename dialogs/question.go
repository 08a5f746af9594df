package dialogs

import "strings"

// questionWords open a question in Ukrainian or Russian.
var questionWords = foldedSet(`як де коли скільки чи що чому навіщо куди звідки який яка яке які якого кому хто можна потрібно треба
	как где когда сколько что почему зачем куда откуда какой какая какое какие какого кому кто можно нужно надо ли
	підкажіть скажіть поясніть подскажите скажите объясните`)

// leadWords may come before the question word: «а можна…», «ну як…».
var leadWords = foldedSet("а і й и ну то так ще ещё")

// OpensWithQuestionWord tells text that a question word opens (after
// «а», «ну»…): «куди повідомити про хабар?», «сколько рублей стоит
// паспорт?»; not a statement put as a question, «мені натякнули на
// подяку, що робити?».
func OpensWithQuestionWord(text string) bool {
	words := strings.Fields(Fold(text))
	for len(words) > 1 && leadWords[words[0]] {
		words = words[1:]
	}
	return len(words) > 0 && questionWords[words[0]]
}

// LooksLikeQuestion tells text written as a question («як записатися
// онлайн», «сколько стоит номер?») from a short answer or a name
// («реєстрація авто», «взяв талон у терміналі», «Житомир»): it has a
// question mark, or a question word opens it (after «а», «ну»…), or «чи» / «ли» is in it.
// Where a step waits for an answer, only text that reads as a question is
// taken for one.
func LooksLikeQuestion(text string) bool {
	if strings.ContainsAny(text, "?¿") {
		return true
	}
	if OpensWithQuestionWord(text) {
		return true
	}
	words := strings.Fields(Fold(text))
	for len(words) > 1 && leadWords[words[0]] {
		words = words[1:]
	}
	for _, w := range words[min(1, len(words)):] {
		if w == Fold("чи") || w == Fold("ли") {
			return true
		}
	}
	return false
}
