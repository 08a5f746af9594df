package bot

import (
	"fmt"
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/intake"
	"servicebot/bot/tg"
)

// commandEntity marks the first "/word" in text as Telegram would, with a
// UTF-16 offset and length.
func commandEntity(text string) []models.MessageEntity {
	units := utf16.Encode([]rune(text))
	for i, u := range units {
		if u != '/' || (i > 0 && units[i-1] != ' ' && units[i-1] != '\n') {
			continue
		}
		j := i + 1
		for j < len(units) && units[j] != ' ' && units[j] != '\n' {
			j++
		}
		return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: i, Length: j - i}}
	}
	return nil
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text     string
		entities bool
		want     tg.Command
		ok       bool
	}{
		{text: "/start", entities: true, want: tg.Command{Name: "start"}, ok: true},
		{text: "/start r_kyiv1_3", entities: true, want: tg.Command{Name: "start", Args: "r_kyiv1_3"}, ok: true},
		{text: "/help@servicebot_test_bot", entities: true, want: tg.Command{Name: "help", Bot: "servicebot_test_bot"}, ok: true},
		{text: "/HELP", entities: true, want: tg.Command{Name: "help"}, ok: true},
		// After Cyrillic and an emoji the byte and UTF-16 offsets differ.
		{text: "Привіт 👋 /help", entities: true, want: tg.Command{Name: "help"}, ok: true},
		{text: "Підкажіть /language будь ласка", entities: true, want: tg.Command{Name: "language", Args: "будь ласка"}, ok: true},
		// Clients that send no entities.
		{text: "/start abc", entities: false, want: tg.Command{Name: "start", Args: "abc"}, ok: true},
		{text: "/menu@servicebot_test_bot", entities: false, want: tg.Command{Name: "menu", Bot: "servicebot_test_bot"}, ok: true},
		{text: "привіт", entities: true, ok: false},
		{text: "/", entities: false, ok: false},
		{text: "/київ", entities: false, ok: false},
		{text: "", ok: false},
	}
	for _, tt := range tests {
		m := &models.Message{Text: tt.text}
		if tt.entities {
			m.Entities = commandEntity(tt.text)
		}
		got, ok := tg.ParseCommand(m)
		if ok != tt.ok || got != tt.want {
			t.Errorf("tg.ParseCommand(%q) = %+v, %v; want %+v, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseCommandBadEntity(t *testing.T) {
	// An entity pointing past the text must not panic or match.
	m := &models.Message{Text: "/a", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 1, Length: 40}}}
	if c, ok := tg.ParseCommand(m); ok {
		t.Fatalf("parseCommand matched %+v from a broken entity", c)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		raw  string
		kind string
		key  int64
		skip bool
		err  bool
	}{
		{raw: `{"update_id":5,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"text":"x"}}`, kind: "message", key: 42},
		{raw: `{"update_id":6,"callback_query":{"id":"q","from":{"id":7},"message":{"message_id":1,"date":1,"chat":{"id":-100,"type":"supergroup"}},"data":"x"}}`, kind: "callback_query", key: -100},
		{raw: `{"update_id":7,"callback_query":{"id":"q","from":{"id":7},"inline_message_id":"i","data":"x"}}`, kind: "callback_query", key: 7},
		{raw: `{"update_id":8,"my_chat_member":{"chat":{"id":3,"type":"private"},"from":{"id":3}}}`, kind: "my_chat_member", key: 3},
		{raw: `{"update_id":9,"new_future_kind":{"chat":{"id":3}}}`, kind: "new_future_kind", key: 0, skip: true},
		{raw: `{"update_id":10}`, kind: "empty", skip: true},
		{raw: `{"message":{}}`, err: true},
		{raw: `[1,2]`, err: true},
		{raw: `{"update_id":-1,"message":{}}`, err: true},
		{raw: `{"update_id":"7","message":{}}`, err: true},
	}
	for _, tt := range tests {
		u, err := intake.Classify([]byte(tt.raw))
		if tt.err {
			if err == nil {
				t.Errorf("intake.Classify(%s) accepted it", tt.raw)
			}
			continue
		}
		if err != nil || u.Kind != tt.kind || u.ChatKey != tt.key || u.Skip != tt.skip {
			t.Errorf("intake.Classify(%s) = %+v, %v; want kind %s key %d skip %v", tt.raw, u, err, tt.kind, tt.key, tt.skip)
		}
	}
}

func TestPaged(t *testing.T) {
	to := func(p int) (string, string) { return "x", fmt.Sprint(p) }
	tests := []struct {
		n, page, from, until int
		nav                  []string
	}{
		{n: 5, page: 0, from: 0, until: 5},
		{n: 20, page: 0, from: 0, until: 8, nav: []string{"x:0", "x:1"}},
		{n: 20, page: 1, from: 8, until: 16, nav: []string{"x:0", "x:1", "x:2"}},
		{n: 20, page: 9, from: 16, until: 20, nav: []string{"x:1", "x:2"}}, // past the end: the last page
		{n: 20, page: -3, from: 0, until: 8, nav: []string{"x:0", "x:1"}},
		{n: 0, page: 0, from: 0, until: 0},
	}
	for _, tt := range tests {
		from, until, nav := tg.Paged(tt.n, 8, tt.page, to)
		var got []string
		for _, b := range nav {
			got = append(got, b.CallbackData)
		}
		if from != tt.from || until != tt.until || fmt.Sprint(got) != fmt.Sprint(tt.nav) {
			t.Errorf("tg.Paged(%d, 8, %d) = %d, %d, %v; want %d, %d, %v", tt.n, tt.page, from, until, got, tt.from, tt.until, tt.nav)
		}
	}
}
