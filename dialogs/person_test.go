package dialogs

import "testing"

// A request for a person typed in words is told from questions that
// mention one.
func TestAsksForPerson(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"оператор", true}, {"Оператора!", true}, {"позовите оператора", true}, {"соедините с оператором", true},
		{"хочу поговорить с живым человеком", true}, {"хочу поговорити з людиною", true}, {"з'єднайте з оператором, будь ласка", true},
		{"жива людина є?", true}, {"дайте консультанта", true}, {"мне нужен оператор", true}, {"зв'яжіть мене з оператором", true},
		{"оператор сказав що треба довідку", false}, {"номер телефону оператора", false}, {"коли відповість оператор", false},
		{"людина в окні нагрубила", false}, {"скільки людей у черзі", false}, {"привіт", false}, {"", false},
		{"оператор мобільного зв'язку", false}, {"дайте людину", true}, {"скільки людей треба", false},
	} {
		if got := AsksForPerson(c.text); got != c.want {
			t.Errorf("AsksForPerson(%q) = %v; want %v", c.text, got, c.want)
		}
	}
}

// The language a message is plainly written in; mixed and short text
// tells nothing.
func TestWrittenIn(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"Добрий день, скільки коштує заміна прав?", "uk"}, {"як записатися на іспит, що треба", "uk"},
		{"Здравствуйте, сколько стоит замена прав?", "ru"}, {"как записаться и что нужно", "ru"}, {"а сколько стоит замена прав", ""},
		{"так", ""}, {"5154", ""}, {"hello", ""}, {"Київ или Харьков, подскажите", ""}, {"права", ""}, {"Коростышев", ""}, {"Київ", ""}, {"в Ірпені", ""}, {"Подскажите адрес центра Біла Церква", ""},
		{"Я не понимаю по-украински, отвечайте по-русски пожалуйста", "ru"},
	} {
		got, ok := WrittenIn(c.text)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("WrittenIn(%q) = %q, %v; want %q", c.text, got, ok, c.want)
		}
	}
}

func TestAsksWhoItIs(t *testing.T) {
	for text, want := range map[string]bool{
		"хто ви?": true, "ти бот?": true, "Ви бот чи людина": true, "с кем я говорю": true, "это бот?": true, "кто ты такой": true,
		"бот": true, "хто видає права": false, "з ким можна поговорити?": true, "ви жива людина чи робот": true, "привіт": false, "ботаніка": false,
	} {
		if got := AsksWhoItIs(text); got != want {
			t.Errorf("AsksWhoItIs(%q) = %v; want %v", text, got, want)
		}
	}
}

func TestMaskPhones(t *testing.T) {
	for text, want := range map[string]string{
		"мій телефон 0671234567":                    "мій телефон ☎ ***",
		"дзвоніть +38 (067) 123-45-67, після 18":    "дзвоніть ☎ ***, після 18",
		"номер 8 916 123 45 67":                     "номер ☎ ***",
		"чекав 40 хвилин, талон 15, центр 5154":     "",
		"було 21.11.2026 о 10:30, заплатив 500 грн": "",
		"сума 1 200 грн":                            "",
		"дзвонила на 0 800 500 202, ніхто не бере":  "",
		"посвідчення серії ЕХА 123456 не видали":    "посвідчення серії 📄 *** не видали",
		"VIN WVWZZZ1JZXW000001, колір сірий":        "VIN 📄 ***, колір сірий",
		"ТСЦ 5154, вікно 12":                        "",
	} {
		got, ok := MaskPhones(text)
		if want == "" && (ok || got != text) || want != "" && (!ok || got != want) {
			t.Errorf("MaskPhones(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}
