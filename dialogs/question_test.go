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

func TestTownTypedAloneAndExactly(t *testing.T) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"Львів": true, "львов": true, "м. Ізмаїл": true, "5154": true, "тсц Одеса": true,
		"Одеас": false, "дякую": false, "права": false, "де оформити права у Львові": false,
	} {
		if got := len(p.TownTyped(text)) > 0; got != want {
			t.Errorf("TownTyped(%q) found %v, want %v", text, got, want)
		}
	}
}
