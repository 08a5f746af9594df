package dialogs

import "strings"

// numberAskWords ask where a centre is or when it is open, besides
// askWords: «режим роботи 8046», «адресу 5154».
var numberAskWords = foldedSet("режим адресу розташування расположение")

// CentresAskedByNumber finds the centre a question names by its number
// when it asks where the centre is or when it is open: «Який графік роботи
// центру 8046?», «коли працює 5154», «де знаходиться 8046». The number is
// the centre's name here, where CentresAsked wants a word such as «тсц»
// beside it. nil when the question asks neither, or names no centre's
// number.
func (p *Pack) CentresAskedByNumber(question string) []Centre {
	words := strings.Fields(Fold(question))
	asks := false
	number := ""
	for _, w := range words {
		asks = asks || askWords[w] || numberAskWords[w]
		if isDigits(w) {
			if c, ok := p.CentreByNumber(w); ok {
				number = c.Number
			}
		}
	}
	if !asks || number == "" {
		return nil
	}
	return p.FindCentres(number)
}
