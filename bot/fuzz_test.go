package bot

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/intake"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
)

// Fuzz targets for what arrives from outside: updates as Telegram (or anyone
// who finds the webhook) sends them, and what staff format in their messages.
// `go test` runs the seeds and testdata/fuzz; `go test -fuzz '^FuzzX$'`
// explores further (see .ci/run).

// fixtureUpdates are bottest's real update fixtures.
func fixtureUpdates(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, fx := range bottest.Fixtures() {
		out = append(out, fx.Raw)
	}
	if len(out) == 0 {
		f.Fatal("no update fixtures")
	}
	return out
}

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// FuzzUpdate feeds raw update bodies to what reads them before any turn.Handler
// runs: the intake's classify, JSON decoding, and the routing helpers
// (commands, callback data, chat and sender). Nothing may panic, and the
// chat an update is ordered by must be the chat it is answered in.
func FuzzUpdate(f *testing.F) {
	for _, raw := range fixtureUpdates(f) {
		f.Add(raw)
	}
	for _, s := range []string{
		`{"update_id":1}`,
		`{"update_id":-1,"message":{}}`,
		`{"update_id":2,"message":null,"edited_message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"x"}}`,
		`{"update_id":3,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A"},"text":"/start@servicebot_test_bot r_kyiv1","entities":[{"type":"bot_command","offset":0,"length":28}]}}`,
		`{"update_id":4,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"Лол 😂 /help","entities":[{"type":"bot_command","offset":6,"length":5}]}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5,"is_bot":false,"first_name":"A"},"chat_instance":"c","data":"fc:booking:9999999999999999999","message":{"message_id":3,"date":0,"chat":{"id":5,"type":"private"}}}}`,
		`{"update_id":6,"callback_query":{"id":"q","from":{"id":5,"is_bot":false,"first_name":"A"},"chat_instance":"c","inline_message_id":"i","data":"m:faq"}}`,
	} {
		f.Add([]byte(s))
	}
	a := &turn.Env{Username: "servicebot_test_bot"}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 16<<10 {
			return // long inputs only slow the search
		}
		in, classifyErr := intake.Classify(raw)
		var u models.Update
		if err := json.Unmarshal(raw, &u); err != nil {
			return
		}
		chat, _ := tg.ChatOf(&u)
		tg.SenderOf(&u)
		tg.CallbackOf(&u)
		for _, m := range []*models.Message{u.Message, u.EditedMessage, u.ChannelPost} {
			c, ok := tg.ParseCommand(m)
			if !ok {
				continue
			}
			if !commandName.MatchString(c.Name) {
				t.Errorf("command name %q from %q", c.Name, m.Text)
			}
			if c.Args != strings.TrimSpace(c.Args) {
				t.Errorf("command arguments %q are not trimmed", c.Args)
			}
		}
		if c, ok := a.Command(&u); ok && c.Bot != "" && !strings.EqualFold(c.Bot, a.Username) {
			t.Errorf("a command for @%s was taken as ours", c.Bot)
		}
		if q := u.CallbackQuery; q != nil {
			action, arg := tg.ParseCallback(q.Data)
			if strings.Contains(q.Data, ":") && tg.CallbackData(action, arg) != q.Data {
				t.Errorf("callback data %q splits into %q and %q", q.Data, action, arg)
			}
		}
		// Telegram sends one kind per update; with more, which one the
		// intake picks is not defined.
		if classifyErr != nil || in.Skip || kinds(raw) != 1 || chat == 0 {
			return
		}
		if in.ChatKey != chat {
			t.Errorf("ordered by chat %d, answered in chat %d:\n%s", in.ChatKey, chat, raw)
		}
	})
}

// kinds counts the update's non-null fields besides update_id.
func kinds(raw []byte) int {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return 0
	}
	n := 0
	for k, v := range fields {
		if k != "update_id" && string(v) != "null" {
			n++
		}
	}
	return n
}

// FuzzCallbackData checks that callback data splits into an action and an
// argument that put together give it back, whatever a client sends.
func FuzzCallbackData(f *testing.F) {
	for _, s := range []string{
		"", ":", "::", "fr:", "fc:booking:0", "fc:booking:-1", "fq:booking_online", "fv:booking_online:u", "fn:",
		"l:uk", "m:faq", "m:menu", "x", "fc", "fc:", "fc::", "\x00:\xff", strings.Repeat("fq:", 30),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		action, arg := tg.ParseCallback(data)
		if strings.Contains(action, ":") {
			t.Errorf("action %q of %q holds a colon", action, data)
		}
		switch {
		case strings.Contains(data, ":"):
			if got := tg.CallbackData(action, arg); got != data {
				t.Errorf("%q splits into %q, %q, which make %q", data, action, arg, got)
			}
		case action != data || arg != "":
			t.Errorf("%q without a colon splits into %q, %q", data, action, arg)
		}
	})
}

// The formatting entities entitiesToHTML knows, and links with characters
// HTML must escape.
var (
	fuzzEntityTypes = []models.MessageEntityType{
		models.MessageEntityTypeBold, models.MessageEntityTypeItalic, models.MessageEntityTypeUnderline,
		models.MessageEntityTypeStrikethrough, models.MessageEntityTypeSpoiler, models.MessageEntityTypeCode,
		models.MessageEntityTypePre, models.MessageEntityTypeBlockquote, models.MessageEntityTypeTextLink,
		models.MessageEntityTypeMention, models.MessageEntityTypeURL, models.MessageEntityTypeBotCommand,
	}
	fuzzURLs = []string{"https://hsc.gov.ua/", `https://e.example/?a=1&b="2"&c='3'<>`, "", "tg://user?id=1"}
)

// decodeEntities turns fuzz bytes into entities over text: four bytes each,
// type, offset, length and link, offsets kept within the text.
func decodeEntities(text string, spec []byte) []models.MessageEntity {
	units := len(utf16.Encode([]rune(text)))
	var ents []models.MessageEntity
	for i := 0; i+4 <= len(spec) && len(ents) < 16; i += 4 {
		off := int(spec[i+1]) % (units + 1)
		ents = append(ents, models.MessageEntity{
			Type:   fuzzEntityTypes[int(spec[i])%len(fuzzEntityTypes)],
			Offset: off,
			Length: 1 + int(spec[i+2])%max(1, units-off),
			URL:    fuzzURLs[int(spec[i+3])%len(fuzzURLs)],
		})
	}
	return ents
}

// encodeEntities is decodeEntities' inverse, for seeds.
func encodeEntities(ents []models.MessageEntity) []byte {
	var b []byte
	for _, e := range ents {
		t := 0
		for i, ft := range fuzzEntityTypes {
			if ft == e.Type {
				t = i
			}
		}
		u := 0
		for i, fu := range fuzzURLs {
			if fu == e.URL {
				u = i
			}
		}
		b = append(b, byte(t), byte(e.Offset), byte(max(0, e.Length-1)), byte(u))
	}
	return b
}

// telegramCouldSend reports whether Telegram could deliver these entities:
// they never cut a character in two, and two that share characters nest
// (https://core.telegram.org/bots/api#messageentity). Entities over the very
// same text nest both ways; Telegram sends those (bold italic).
func telegramCouldSend(text string, ents []models.MessageEntity) bool {
	units := utf16.Encode([]rune(text))
	inside := func(at int) bool {
		return at > 0 && at < len(units) && utf16.IsSurrogate(rune(units[at])) && units[at] >= 0xdc00
	}
	for i, a := range ents {
		if inside(a.Offset) || inside(a.Offset+a.Length) {
			return false
		}
		for _, b := range ents[:i] {
			aEnd, bEnd := a.Offset+a.Length, b.Offset+b.Length
			disjoint := aEnd <= b.Offset || bEnd <= a.Offset
			nested := a.Offset <= b.Offset && bEnd <= aEnd || b.Offset <= a.Offset && aEnd <= bEnd
			if !disjoint && !nested {
				return false
			}
		}
	}
	return true
}

// FuzzEntitiesToHTML checks what the bot makes of a staff member's formatted
// message: Telegram must accept it as HTML, and the citizen must read the
// very text staff typed.
func FuzzEntitiesToHTML(f *testing.F) {
	for _, raw := range fixtureUpdates(f) {
		var u models.Update
		if json.Unmarshal(raw, &u) != nil || u.Message == nil {
			continue
		}
		m := u.Message
		if m.Text != "" {
			f.Add(m.Text, encodeEntities(m.Entities))
		}
		if m.Caption != "" {
			f.Add(m.Caption, encodeEntities(m.CaptionEntities))
		}
	}
	f.Add("Запис <b>онлайн</b> & \"швидко\" 😂 's", []byte{0, 0, 4, 0, 8, 6, 3, 1, 1, 20, 2, 0})
	f.Add("a\r\nb\tc", []byte{6, 0, 4, 0, 0, 1, 1, 0})
	f.Fuzz(func(t *testing.T, text string, spec []byte) {
		if !utf8.ValidString(text) || len(text) > 1024 || len(spec) > 64 {
			return // Telegram's texts are UTF-8; JSON decoding makes sure of it
		}
		ents := decodeEntities(text, spec)
		if !telegramCouldSend(text, ents) {
			return
		}
		out := tg.EntitiesToHTML(text, ents)
		plain, _, err := dialogs.ParseHTML(out)
		if err != nil {
			t.Fatalf("Telegram would refuse the HTML: %v\ntext %q\nentities %+v\nhtml %q", err, text, ents, out)
		}
		if plain != text {
			t.Fatalf("the citizen would read %q, staff wrote %q\nentities %+v\nhtml %q", plain, text, ents, out)
		}
	})
}
