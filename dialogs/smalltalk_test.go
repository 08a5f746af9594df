package dialogs

import "testing"

func TestSmallTalk(t *testing.T) {
	tests := []struct{ text, want string }{
		{"привіт", SmallTalkGreeting},
		{"Добрий день!", SmallTalkGreeting},
		{"Здравствуйте", SmallTalkGreeting},
		{"привет", SmallTalkGreeting},
		{"дякую", SmallTalkThanks},
		{"Дуже дякую!!!", SmallTalkThanks},
		{"спасибо большое", SmallTalkThanks},
		{"привіт, дякую", SmallTalkThanks},
		{"Дякую за допомогу", SmallTalkThanks},
		{"Дякую за відповідь!", SmallTalkThanks},
		{"Дякую, все зрозуміло", SmallTalkThanks},
		{"дякс", SmallTalkThanks},
		{"Спасибо за помощь", SmallTalkThanks},
		{"спасибо за ответ", SmallTalkThanks},
		{"Спасибо, всё понятно", SmallTalkThanks},
		{"все ок", SmallTalkAck},
		{"ок", SmallTalkAck},
		{"Окей", SmallTalkAck},
		{"понятно", SmallTalkAck},
		{"добре", SmallTalkAck},
		{"?", SmallTalkEmpty},
		{"...", SmallTalkEmpty},
		{"👍", SmallTalkAck},
		{"🙏🙏", SmallTalkThanks}, {"🤔", SmallTalkEmpty},
		// A question announced, not asked yet: invited as a greeting is.
		{"Добрий день, подскажите пожалуйста", SmallTalkGreeting}, {"у меня вопрос", SmallTalkGreeting},
		{"Підкажіть, будь ласка", SmallTalkGreeting}, {"можна питання?", SmallTalkGreeting},
		{"хватит", SmallTalkAck}, {"досить", SmallTalkAck},
		{"спасибо, помогло", SmallTalkThanks}, {"спасибо большое, помогло", SmallTalkThanks}, {"помогло, спасибо", SmallTalkThanks}, {"дякую, допомогло", SmallTalkThanks},
		{"до свидания", SmallTalkThanks}, {"Всього доброго!", SmallTalkThanks}, {"до якого числа", ""},
		{"а можно ещё вопрос?", SmallTalkGreeting}, {"а можна ще питання?", SmallTalkGreeting}, {"помогло ли это", ""},
		{"Доброго дня!", SmallTalkGreeting}, {"Добридень", SmallTalkGreeting}, {"Слава Україні!", SmallTalkGreeting},
		{"Доброго дня, мені потрібна допомога", SmallTalkGreeting}, {"мне нужна помощь с правами", ""},
		{"подскажите пожалуйста где взять справку", ""}, {"у меня вопрос по правам", ""},
		// questions, however short, are not small talk
		{"", ""},
		{"привіт, як записатися в тсц?", ""},
		{"дякую, а скільки коштує заміна прав", ""},
		{"дякую за відповідь, а де взяти довідку", ""},
		{"здравствуйте потерял права", ""},
		{"права", ""},
		{"0919", ""},
	}
	for _, tt := range tests {
		if got := SmallTalk(tt.text); got != tt.want {
			t.Errorf("SmallTalk(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
