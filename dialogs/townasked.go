package dialogs

import "strings"

// Words around a town asked after in a short message: leadWords («а», «і»,
// «ну») open a follow-up, «в», «у» put the town, and askAfterWords ask
// whether there is a centre there («є», «есть», «там», «теж», «тсц»).
var askAfterWords = foldedSet("є есть чи ли там теж тоже також тсц сц мрео мрэо мфц центр центри центры сервісний сервисный сервісні сервисные")

// maxTownWords is how long a town's name asked after may be: «Біла
// Церква», «Софіївська Борщагівка».
const maxTownWords = 2

// TownAsked reads a short message that asks only about a town, as a
// follow-up to centres shown or a centre asked about: «а в Білій
// Церкві?», «в Ірпені є?», «у Львові?», «а є в Бучі тсц?», «а Фастів?».
// It returns the town's words as typed; ok is false for a message that
// says anything more, or that has neither «а»/«і» before the town nor
// «в»/«у» (a name alone is TownTyped's and PlaceNamed's). Whether the
// words are a town is for FindCentres, TownIn or PlaceNamed to say.
func TownAsked(text string) (town string, ok bool) {
	var words []string
	for _, w := range strings.Fields(text) {
		w = strings.TrimFunc(w, func(r rune) bool { return strings.ContainsRune(".,!?;:«»\"()…", r) })
		if w != "" {
			words = append(words, w)
		}
	}
	fold := func(i int) string { return Fold(words[i]) }
	from, until := 0, len(words)
	led, put := false, false
	for from < until && (leadWords[fold(from)] || askAfterWords[fold(from)]) {
		led = led || leadWords[fold(from)]
		from++
	}
	if from < until && (fold(from) == "в" || fold(from) == "у" || fold(from) == "во") {
		put = true
		from++
	}
	for until > from && askAfterWords[fold(until-1)] {
		until--
	}
	n := until - from
	if !led && !put || n < 1 || n > maxTownWords {
		return "", false
	}
	for i := from; i < until; i++ {
		if isDigits(fold(i)) || stopwords[fold(i)] || questionWords[fold(i)] {
			return "", false
		}
	}
	return strings.Join(words[from:until], " "), true
}
