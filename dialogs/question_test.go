package dialogs

import "testing"

func TestLooksLikeQuestion(t *testing.T) {
	for text, want := range map[string]bool{
		"як записатися в тсц через телефон онлайн": true,
		"Скільки коштує номерний знак":             true,
		"сколько стоит замена прав?":               true,
		"а можна без запису":                       true,
		"ну як там із записом":                     true,
		"підкажіть адресу":                         true,
		"так":                                      false,
		"права загубив, що робити?":                true,
		"записатися можна чи ні":                   true,
		"где ближайший мфц":                        true,
		"реєстрація авто":                          false,
		"заміна прав":                              false,
		"взяв талон у терміналі":                   false,
		"електронна черга":                         false,
		"Житомир":                                  false,
		"тсц житомир":                              false,
		"":                                         false,
	} {
		if got := LooksLikeQuestion(text); got != want {
			t.Errorf("LooksLikeQuestion(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestOpensWithQuestionWord(t *testing.T) {
	for text, want := range map[string]bool{
		"куди повідомити про хабар?":                         true,
		"а сколько рублей стоит паспорт?":                    true,
		"Что делать, если просят деньги?":                    true,
		"мені натякнули на подяку, що робити?":               false,
		"Охранник берёт 100 рублей за очередь, это законно?": false,
		"а": false,
		"":  false,
	} {
		if got := OpensWithQuestionWord(text); got != want {
			t.Errorf("OpensWithQuestionWord(%q) = %v, want %v", text, got, want)
		}
	}
}
