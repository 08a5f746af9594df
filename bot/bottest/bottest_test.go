package bottest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
)

const (
	userID  = int64(1001)
	groupID = int64(-1001234567890)
	forumID = int64(-1009876543210)
)

func newClient(t *testing.T, s *bottest.Server) *bot.Bot {
	t.Helper()
	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

// pushPrivate makes userID's private chat known, as a real /start would.
func pushPrivate(s *bottest.Server, text string) int64 {
	return s.Push(models.Update{Message: &models.Message{
		From: &models.User{ID: userID, FirstName: "Ann", LanguageCode: "ru"},
		Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate, FirstName: "Ann"},
		Text: text,
	}})
}

type apiResp struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// raw posts a JSON body (or nothing) to URL/<path>.
func raw(t *testing.T, s *bottest.Server, path string, body any) (int, apiResp) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var r apiResp
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("POST %s: bad JSON %q: %v", path, data, err)
	}
	if r.ErrorCode != 0 && r.ErrorCode != resp.StatusCode {
		t.Fatalf("POST %s: HTTP %d but error_code %d", path, resp.StatusCode, r.ErrorCode)
	}
	return resp.StatusCode, r
}

func method(s *bottest.Server, name string) string { return "/bot" + s.Token() + "/" + name }

func assertNoRejected(t *testing.T, s *bottest.Server) {
	t.Helper()
	for _, r := range s.Rejected() {
		t.Errorf("rejected %s %v: %s", r.Method, r.Params, r.Description)
	}
}

// wantErr checks a go-telegram error against a Telegram description ("" = success).
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("accepted, want %q", want)
	case want != "" && !strings.HasSuffix(err.Error(), ", "+want):
		t.Fatalf("error %q, want description %q", err.Error(), want)
	}
}

func TestSendMessageAccepted(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	pushPrivate(s, "/start")

	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "Да", CallbackData: "yes"}, {Text: "Site", URL: "https://example.com/x"}},
	}}
	msg, err := b.SendMessage(ctx(t), &bot.SendMessageParams{
		ChatID: userID, Text: "<b>Привет</b>, мир", ParseMode: models.ParseModeHTML, ReplyMarkup: kb,
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Chat.ID != userID || msg.From == nil || msg.From.ID != s.BotUser().ID || msg.Text != "Привет, мир" || msg.ID <= 1 {
		t.Fatalf("unexpected result %+v", msg)
	}
	if len(msg.Entities) != 1 || msg.Entities[0].Type != models.MessageEntityTypeBold || msg.Entities[0].Length != 6 {
		t.Fatalf("entities %+v", msg.Entities)
	}
	if msg.ReplyMarkup == nil || msg.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "yes" {
		t.Fatalf("reply_markup not echoed: %+v", msg.ReplyMarkup)
	}
	got := s.Messages(userID)
	if len(got) != 1 || got[0].ID != msg.ID || got[0].Text != "<b>Привет</b>, мир" || got[0].ParseMode != "HTML" || got[0].Method != "sendMessage" {
		t.Fatalf("Messages = %+v", got)
	}
	if bt := got[0].Buttons(); len(bt) != 1 || bt[0][0] != (bottest.Button{Text: "Да", CallbackData: "yes"}) || bt[0][1].URL != "https://example.com/x" {
		t.Fatalf("Buttons = %+v", bt)
	}
	reqs := s.RequestsFor("sendmessage")
	if len(reqs) != 1 || reqs[0].Int("chat_id") != userID || reqs[0].Get("parse_mode") != "HTML" || reqs[0].Status != 200 {
		t.Fatalf("RequestsFor = %+v", reqs)
	}
	assertNoRejected(t, s)
}

func TestSendMessageValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ж", n-2) + "😀" } // the emoji is 2 UTF-16 units
	button := func(b models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{b}}}
	}
	tests := []struct {
		name string
		p    bot.SendMessageParams
		want string
	}{
		{"ok", bot.SendMessageParams{ChatID: userID, Text: "hi"}, ""},
		{"missing chat_id", bot.SendMessageParams{Text: "hi"}, "Bad Request: chat_id is empty"},
		{"missing text", bot.SendMessageParams{ChatID: userID}, "Bad Request: message text is empty"},
		{"blank text", bot.SendMessageParams{ChatID: userID, Text: " \n "}, "Bad Request: message text is empty"},
		{"unknown chat", bot.SendMessageParams{ChatID: 42, Text: "hi"}, "Bad Request: chat not found"},
		{"4096 units", bot.SendMessageParams{ChatID: userID, Text: long(4096)}, ""},
		{"4097 units", bot.SendMessageParams{ChatID: userID, Text: long(4097)}, "Bad Request: message is too long"},
		{"4096 after HTML", bot.SendMessageParams{ChatID: userID, Text: "<b>" + long(4096) + "</b>", ParseMode: models.ParseModeHTML}, ""},
		{"4097 after HTML", bot.SendMessageParams{ChatID: userID, Text: "&amp;" + long(4096), ParseMode: models.ParseModeHTML}, "Bad Request: message is too long"},
		{"callback 64 bytes", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyMarkup: button(models.InlineKeyboardButton{Text: "b", CallbackData: strings.Repeat("д", 32)})}, ""},
		{"callback 65 bytes", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyMarkup: button(models.InlineKeyboardButton{Text: "b", CallbackData: strings.Repeat("д", 32) + "x"})}, "Bad Request: BUTTON_DATA_INVALID"},
		{"bad url button", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyMarkup: button(models.InlineKeyboardButton{Text: "b", URL: "javascript:alert(1)"})}, "Bad Request: BUTTON_URL_INVALID"},
		{"tg url button", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyMarkup: button(models.InlineKeyboardButton{Text: "b", URL: "tg://user?id=1"})}, ""},
		{"text-only button", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyMarkup: button(models.InlineKeyboardButton{Text: "b"})}, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"reply keyboard", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyMarkup: &models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{{{Text: "Меню"}}}}}, ""},
		{"parse_mode bogus", bot.SendMessageParams{ChatID: userID, Text: "x", ParseMode: "XML"}, "Bad Request: unsupported parse_mode"},
		{"reply to unknown", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 999}}, "Bad Request: message to be replied not found"},
		{"reply to unknown allowed", bot.SendMessageParams{ChatID: userID, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 999, AllowSendingWithoutReply: true}}, ""},
	}
	html := []struct{ text, want string }{
		{"<b>x</b>", ""},
		{"&lt;script&gt; &amp; &quot;q&quot; &#1046; &#x1F600;", ""},
		{`<a href="https://example.com/?a=1&b=2">link</a> <i>i</i><u>u</u><s>s</s><tg-spoiler>sp</tg-spoiler><span class="tg-spoiler">sp</span>`, ""},
		{`<pre><code class="language-go">x := 1</code></pre><code>c</code><blockquote expandable>q</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, ""},
		{"<B>upper</B>", ""},
		{"<script>alert(1)</script>", `Bad Request: can't parse entities: Unsupported start tag "script" at byte offset 0`},
		{"<b>x", `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"x</b>", "Bad Request: can't parse entities: Unexpected end tag at byte offset 1"},
		{"<b>x</i>", `Bad Request: can't parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"a & b", "Bad Request: can't parse entities: Character entity expected at byte offset 2 (a bare '&' must be written as &amp;)"},
		{"&nbsp;", "Bad Request: can't parse entities: Character entity expected at byte offset 0 (a bare '&' must be written as &amp;)"},
		{"1 < 2", `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`},
		{"Привет <user@example.com>", `Bad Request: can't parse entities: Unsupported start tag "user@example.com" at byte offset 13`},
		{"<b", "Bad Request: can't parse entities: Unclosed start tag at byte offset 0"},
		{"<span>x</span>", `Bad Request: can't parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{"<br/>", `Bad Request: can't parse entities: Unsupported start tag "br/" at byte offset 0`},
		{"<b></b>", "Bad Request: message text is empty"},
	}
	for _, h := range html {
		tests = append(tests, struct {
			name string
			p    bot.SendMessageParams
			want string
		}{"html " + h.text, bot.SendMessageParams{ChatID: userID, Text: h.text, ParseMode: models.ParseModeHTML}, h.want})
	}
	tests = append(tests, struct {
		name string
		p    bot.SendMessageParams
		want string
	}{"parse_mode lower-case html", bot.SendMessageParams{ChatID: userID, Text: "<b>x", ParseMode: "html"}, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`})

	s := bottest.New(t)
	b := newClient(t, s)
	pushPrivate(s, "hi")
	sent := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			before := len(s.Rejected())
			_, err := b.SendMessage(ctx(t), &p)
			wantErr(t, err, tc.want)
			rejected := len(s.Rejected()) - before
			if (tc.want != "") != (rejected == 1) {
				t.Fatalf("Rejected grew by %d", rejected)
			}
			if tc.want == "" {
				sent++
			}
		})
	}
	if n := len(s.Messages(userID)); n != sent {
		t.Fatalf("Messages has %d, want %d", n, sent)
	}
}

func TestCaptionAndUpload(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	pushPrivate(s, "hi")
	_, err := b.SendPhoto(ctx(t), &bot.SendPhotoParams{ChatID: userID, Photo: &models.InputFileString{Data: "AgACAgIAAxkBAAIB"}, Caption: strings.Repeat("я", 1025)})
	wantErr(t, err, "Bad Request: message caption is too long")
	_, err = b.SendPhoto(ctx(t), &bot.SendPhotoParams{ChatID: userID, Caption: "no photo"})
	wantErr(t, err, "Bad Request: there is no photo in the request")

	msg, err := b.SendDocument(ctx(t), &bot.SendDocumentParams{
		ChatID:    userID,
		Document:  &models.InputFileUpload{Filename: "report.csv", Data: strings.NewReader("a,b\n1,2\n")},
		Caption:   "<i>Отчёт</i>",
		ParseMode: models.ParseModeHTML,
	})
	wantErr(t, err, "")
	if msg.Document == nil || msg.Document.FileName != "report.csv" || msg.Caption != "Отчёт" {
		t.Fatalf("document message %+v", msg)
	}
	r := s.RequestsFor("sendDocument")[0]
	if string(r.Files["document"].Data) != "a,b\n1,2\n" || !r.Has("document") {
		t.Fatalf("upload not recorded: %+v", r.Files)
	}
	m := s.Messages(userID)[0]
	if m.Method != "sendDocument" || m.Media != "attach:report.csv" || m.Text != "<i>Отчёт</i>" {
		t.Fatalf("Messages = %+v", m)
	}
}

func TestRoutingErrors(t *testing.T) {
	s := bottest.New(t)
	tests := []struct {
		path   string
		status int
		desc   string
	}{
		{method(s, "getMe"), 200, ""},
		{method(s, "GETME"), 200, ""},
		{method(s, "sendMessages"), 404, "Not Found"},
		{"/bot123:wrong/getMe", 401, "Unauthorized"},
		{"/nothing", 404, "Not Found"},
	}
	for _, tc := range tests {
		status, r := raw(t, s, tc.path, nil)
		if status != tc.status || r.Description != tc.desc {
			t.Errorf("%s: %d %q, want %d %q", tc.path, status, r.Description, tc.status, tc.desc)
		}
	}
	var me models.User
	_, r := raw(t, s, method(s, "getMe"), nil)
	if err := json.Unmarshal(r.Result, &me); err != nil || me.ID != 123456789 || me.ID != s.BotUser().ID || !me.IsBot ||
		me.FirstName != "Servicebot Test" || me.Username != "servicebot_test_bot" {
		t.Fatalf("getMe = %+v %v", me, err)
	}
	if got := s.Requests(); len(got) != 6 || got[1].Method != "getMe" || got[2].Status != 404 {
		t.Fatalf("Requests = %+v", got)
	}
	if n := len(s.Rejected()); n != 3 {
		t.Fatalf("Rejected = %d, want 3", n)
	}
}

func TestBodyEncodings(t *testing.T) {
	s := bottest.New(t)
	pushPrivate(s, "hi")
	u := s.URL() + method(s, "sendMessage")
	form := url.Values{"chat_id": {"1001"}, "text": {"form"}}
	resp, err := http.PostForm(u, form)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("urlencoded: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(u + "?chat_id=1001&text=query")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("query: %v %v", resp, err)
	}
	resp.Body.Close()
	status, r := raw(t, s, method(s, "sendMessage"), map[string]any{"chat_id": userID, "text": "json", "reply_markup": map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "a", "callback_data": "b"}}}}})
	if status != 200 {
		t.Fatalf("json: %d %s", status, r.Description)
	}
	reqs := s.RequestsFor("sendMessage")
	if reqs[2].Get("chat_id") != "1001" || reqs[2].Get("reply_markup") != `{"inline_keyboard":[[{"callback_data":"b","text":"a"}]]}` {
		t.Fatalf("JSON params = %v", reqs[2].Params)
	}
	status, r = raw(t, s, method(s, "sendMessage"), map[string]any{"chat_id": "abc", "text": "x"})
	if status != 400 || r.Description != "Bad Request: chat not found" {
		t.Fatalf("bad chat id: %d %s", status, r.Description)
	}
	status, r = raw(t, s, method(s, "sendMessage"), map[string]any{"chat_id": userID, "text": "x", "disable_notification": "maybe"})
	if status != 400 || r.Description != `Bad Request: field "disable_notification" must be of type Boolean` {
		t.Fatalf("bad bool: %d %s", status, r.Description)
	}
	status, r = raw(t, s, method(s, "sendMessage"), map[string]any{"chat_id": userID, "text": "x", "message_thread_id": "abc"})
	if status != 400 || r.Description != `Bad Request: field "message_thread_id" must be of type Integer` {
		t.Fatalf("bad int: %d %s", status, r.Description)
	}
	status, r = raw(t, s, method(s, "sendMessage"), map[string]any{"chat_id": userID, "text": "x", "reply_markup": "{not json"})
	if status != 400 || r.Description != "Bad Request: can't parse reply keyboard markup JSON object" {
		t.Fatalf("bad markup: %d %s", status, r.Description)
	}
	if got := len(s.Messages(userID)); got != 3 {
		t.Fatalf("Messages = %d", got)
	}
}

func TestFailInjection(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	pushPrivate(s, "hi")
	s.Fail("sendMessage", 1, 429, 7)
	s.Fail("SendMessage", 1, 500, 0)
	s.Fail("sendMessage", 1, 403, 0)

	_, err := b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "1"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 || !strings.Contains(tooMany.Message, "Too Many Requests: retry after 7") {
		t.Fatalf("want TooManyRequestsError retry 7, got %#v", err)
	}
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "2"})
	if err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
		t.Fatalf("want 500, got %v", err)
	}
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "3"})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("want forbidden, got %v", err)
	}
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "4"})
	wantErr(t, err, "")
	reqs := s.RequestsFor("sendMessage")
	if len(reqs) != 4 || reqs[0].Status != 429 || reqs[1].Status != 500 || reqs[2].Status != 403 || reqs[3].Status != 200 {
		t.Fatalf("statuses: %+v", reqs)
	}
	assertNoRejected(t, s)
}

func TestBlockedUser(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	pushPrivate(s, "hi")
	s.Block(userID)
	_, err := b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "x"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.HasSuffix(err.Error(), "Forbidden: bot was blocked by the user") {
		t.Fatalf("got %v", err)
	}
	assertNoRejected(t, s)
	s.Unblock(userID)

	// my_chat_member updates of the private chat block and unblock.
	status := func(st models.ChatMemberType) {
		bu := &models.User{ID: s.BotUser().ID, IsBot: true, FirstName: "Servicebot Test"}
		cm := func(t models.ChatMemberType) models.ChatMember {
			if t == models.ChatMemberTypeBanned {
				return models.ChatMember{Type: t, Banned: &models.ChatMemberBanned{User: bu}}
			}
			return models.ChatMember{Type: t, Member: &models.ChatMemberMember{User: bu}}
		}
		old := models.ChatMemberTypeMember
		if st == old {
			old = models.ChatMemberTypeBanned
		}
		s.Push(models.Update{MyChatMember: &models.ChatMemberUpdated{
			Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate}, From: models.User{ID: userID, FirstName: "Ann"},
			Date: 1, OldChatMember: cm(old), NewChatMember: cm(st),
		}})
	}
	status(models.ChatMemberTypeBanned)
	if !s.IsBlocked(userID) {
		t.Fatal("kicked my_chat_member should block")
	}
	status(models.ChatMemberTypeMember)
	if s.IsBlocked(userID) {
		t.Fatal("member my_chat_member should unblock")
	}
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "back"})
	wantErr(t, err, "")

	// the bot removed from a group
	s.AddChat(models.Chat{ID: groupID, Type: models.ChatTypeSupergroup, Title: "Staff"})
	s.SetChatMember(groupID, s.BotUser().ID, "kicked")
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: groupID, Text: "x"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.HasSuffix(err.Error(), "Forbidden: bot was kicked from the supergroup chat") {
		t.Fatalf("got %v", err)
	}
	assertNoRejected(t, s)
}

func TestGetUpdatesOffsetAndLimit(t *testing.T) {
	s := bottest.New(t)
	var ids []int64
	for i := 0; i < 3; i++ {
		ids = append(ids, pushPrivate(s, "m"))
	}
	if ids[0] >= ids[1] || ids[1] >= ids[2] {
		t.Fatalf("ids not increasing: %v", ids)
	}
	get := func(body map[string]any) []models.Update {
		t.Helper()
		status, r := raw(t, s, method(s, "getUpdates"), body)
		if status != 200 {
			t.Fatalf("getUpdates: %d %s", status, r.Description)
		}
		var ups []models.Update
		if err := json.Unmarshal(r.Result, &ups); err != nil {
			t.Fatal(err)
		}
		return ups
	}
	if ups := get(map[string]any{}); len(ups) != 3 || ups[0].Message.ID == 0 || ups[0].Message.Date == 0 {
		t.Fatalf("got %+v", ups)
	}
	if ups := get(map[string]any{"limit": 1}); len(ups) != 1 || ups[0].ID != ids[0] {
		t.Fatalf("limit 1: %+v", ups)
	}
	if ups := get(map[string]any{"offset": ids[1]}); len(ups) != 2 || ups[0].ID != ids[1] || s.Pending() != 2 {
		t.Fatalf("offset: %+v pending %d", ups, s.Pending())
	}
	if ups := get(map[string]any{"offset": ids[2] + 1}); len(ups) != 0 || s.Pending() != 0 {
		t.Fatalf("confirm all: %+v pending %d", ups, s.Pending())
	}
	// a later explicit lower update_id is renumbered to keep ids increasing
	id, err := s.PushJSON([]byte(`{"update_id":2,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"}}}`))
	if err != nil || id != ids[2]+1 {
		t.Fatalf("PushJSON = %d, %v", id, err)
	}
	// chat_member updates are not delivered unless allowed_updates asks for them
	s.Push(models.Update{ChatMember: &models.ChatMemberUpdated{
		Chat:          models.Chat{ID: groupID, Type: models.ChatTypeSupergroup},
		OldChatMember: models.ChatMember{Type: models.ChatMemberTypeLeft, Left: &models.ChatMemberLeft{User: &models.User{ID: 5}}},
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &models.User{ID: 5}}},
	}})
	if ups := get(map[string]any{"offset": id}); len(ups) != 1 || ups[0].Message == nil {
		t.Fatalf("default allowed_updates: %+v", ups)
	}
}

func TestLongPoll(t *testing.T) {
	s := bottest.New(t, bottest.WithLongPollCap(300*time.Millisecond))
	start := time.Now()
	status, r := raw(t, s, method(s, "getUpdates"), map[string]any{"timeout": 30})
	if el := time.Since(start); status != 200 || string(r.Result) != "[]" || el < 250*time.Millisecond || el > 2*time.Second {
		t.Fatalf("empty long poll: %d %s after %v", status, r.Result, el)
	}
	// A push wakes a hanging poll long before its cap (a generous one, so
	// that a loaded machine cannot make the push come after it).
	s2 := bottest.New(t, bottest.WithLongPollCap(10*time.Second))
	go func() {
		time.Sleep(50 * time.Millisecond)
		pushPrivate(s2, "wake")
	}()
	start = time.Now()
	_, r = raw(t, s2, method(s2, "getUpdates"), map[string]any{"timeout": 30})
	if el := time.Since(start); el > 5*time.Second || !strings.Contains(string(r.Result), "wake") {
		t.Fatalf("poll not woken: %s after %v", r.Result, el)
	}
}

func TestGetUpdatesConflicts(t *testing.T) {
	s := bottest.New(t, bottest.WithLongPollCap(2*time.Second))
	// a second getUpdates terminates the hanging one
	var wg sync.WaitGroup
	var first apiResp
	var firstStatus int
	wg.Add(1)
	go func() {
		defer wg.Done()
		firstStatus, first = raw(t, s, method(s, "getUpdates"), map[string]any{"timeout": 10})
	}()
	s.Wait(t, time.Second, "first getUpdates to hang", func(s *bottest.Server) bool {
		return len(s.RequestsFor("getUpdates")) == 1
	})
	time.Sleep(20 * time.Millisecond)
	status, _ := raw(t, s, method(s, "getUpdates"), map[string]any{"timeout": 0})
	wg.Wait()
	if status != 200 || firstStatus != 409 || first.Description != "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" {
		t.Fatalf("second %d, first %d %q", status, firstStatus, first.Description)
	}

	tests := []struct {
		body   map[string]any
		status int
		desc   string
	}{
		{map[string]any{"url": "http://example.com/hook"}, 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"},
		{map[string]any{"url": "https://example.com:8080/hook"}, 400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"},
		{map[string]any{"url": "https://example.com/hook", "secret_token": "s3cr3t_-", "allowed_updates": []string{"message", "callback_query"}}, 200, ""},
	}
	for _, tc := range tests {
		st, r := raw(t, s, method(s, "setWebhook"), tc.body)
		if st != tc.status || r.Description != tc.desc && tc.desc != "" {
			t.Fatalf("setWebhook %v: %d %q", tc.body, st, r.Description)
		}
	}
	if u, sec := s.Webhook(); u != "https://example.com/hook" || sec != "s3cr3t_-" {
		t.Fatalf("Webhook() = %q %q", u, sec)
	}
	b := newClient(t, s)
	info, err := b.GetWebhookInfo(ctx(t))
	if err != nil || info.URL != "https://example.com/hook" || len(info.AllowedUpdates) != 2 {
		t.Fatalf("getWebhookInfo %+v %v", info, err)
	}
	status, r := raw(t, s, method(s, "getUpdates"), map[string]any{})
	if status != 409 || r.Description != "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" {
		t.Fatalf("getUpdates with webhook: %d %q", status, r.Description)
	}
	if st, _ := raw(t, s, method(s, "deleteWebhook"), map[string]any{"drop_pending_updates": true}); st != 200 {
		t.Fatal("deleteWebhook failed")
	}
	if st, _ := raw(t, s, method(s, "getUpdates"), map[string]any{}); st != 200 {
		t.Fatal("getUpdates after deleteWebhook failed")
	}
	if rej := s.Rejected(); len(rej) != 2 || rej[0].Method != "setWebhook" {
		t.Fatalf("Rejected = %+v", rej) // the two bad setWebhook calls; 409s are not rejections
	}
}

func TestFixturesRoundTrip(t *testing.T) {
	fixtures := bottest.Fixtures()
	if len(fixtures) < 30 {
		t.Fatalf("%d fixtures, expected the whole set", len(fixtures))
	}
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			data := f.Raw
			s := bottest.New(t)
			id, err := s.PushJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			var head struct {
				UpdateID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(data, &head)
			if id != head.UpdateID {
				t.Fatalf("id %d, fixture update_id %d", id, head.UpdateID)
			}
			_, r := raw(t, s, method(s, "getUpdates"), map[string]any{"timeout": 0})
			var got []json.RawMessage
			if err := json.Unmarshal(r.Result, &got); err != nil || len(got) != 1 {
				t.Fatalf("result %s: %v", r.Result, err)
			}
			if !bytes.Equal(got[0], bytes.TrimSpace(data)) {
				t.Fatalf("not byte-identical:\n%s\nvs\n%s", got[0], data)
			}
			var u models.Update
			if err := json.Unmarshal(got[0], &u); err != nil {
				t.Fatal(err)
			}
			// the chat of a fixture message becomes known: the bot can answer there
			if u.Message != nil && u.Message.Chat.ID != 0 && u.Message.ID != 0 && u.Message.Chat.Type != models.ChatTypeChannel {
				b := newClient(t, s)
				p := &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "ok", ReplyParameters: &models.ReplyParameters{MessageID: u.Message.ID}}
				if u.Message.IsTopicMessage {
					p.MessageThreadID = u.Message.MessageThreadID
				}
				if _, err := b.SendMessage(ctx(t), p); err != nil {
					t.Fatalf("reply into fixture chat: %v", err)
				}
			}
		})
	}
}

func TestEditMessage(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	pushPrivate(s, "hi")
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: "a"}}}}
	msg, err := b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "<b>v1</b>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	wantErr(t, err, "")
	notModified := "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	tests := []struct {
		name string
		p    bot.EditMessageTextParams
		want string
	}{
		{"same text and markup", bot.EditMessageTextParams{ChatID: userID, MessageID: msg.ID, Text: "<b>v1</b>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb}, notModified},
		{"same result via strong", bot.EditMessageTextParams{ChatID: userID, MessageID: msg.ID, Text: "<strong>v1</strong>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb}, notModified},
		{"unknown message", bot.EditMessageTextParams{ChatID: userID, MessageID: 999, Text: "x"}, "Bad Request: message to edit not found"},
		{"user's message", bot.EditMessageTextParams{ChatID: userID, MessageID: 1, Text: "x"}, "Bad Request: message can't be edited"},
		{"no message id", bot.EditMessageTextParams{ChatID: userID, Text: "x"}, "Bad Request: message identifier is not specified"},
		{"bad html", bot.EditMessageTextParams{ChatID: userID, MessageID: msg.ID, Text: "<b>v2", ParseMode: models.ParseModeHTML}, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"new text keeps markup", bot.EditMessageTextParams{ChatID: userID, MessageID: msg.ID, Text: "<b>v2</b>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb}, ""},
		{"same text, markup dropped", bot.EditMessageTextParams{ChatID: userID, MessageID: msg.ID, Text: "<b>v2</b>", ParseMode: models.ParseModeHTML}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.EditMessageText(ctx(t), &tc.p)
			wantErr(t, err, tc.want)
		})
	}
	m := s.Messages(userID)[0]
	if m.Text != "<b>v2</b>" || m.Edits != 2 || m.ReplyMarkup != "" {
		t.Fatalf("after edits: %+v", m)
	}
	_, err = b.EditMessageReplyMarkup(ctx(t), &bot.EditMessageReplyMarkupParams{ChatID: userID, MessageID: msg.ID, ReplyMarkup: kb})
	wantErr(t, err, "")
	_, err = b.EditMessageReplyMarkup(ctx(t), &bot.EditMessageReplyMarkupParams{ChatID: userID, MessageID: msg.ID, ReplyMarkup: kb})
	wantErr(t, err, notModified)
	if bt := s.Messages(userID)[0].Buttons(); len(bt) != 1 || bt[0][0].CallbackData != "a" {
		t.Fatalf("buttons after markup edit: %+v", bt)
	}
	ok, err := b.DeleteMessage(ctx(t), &bot.DeleteMessageParams{ChatID: userID, MessageID: msg.ID})
	if err != nil || !ok || len(s.Messages(userID)) != 0 {
		t.Fatalf("delete: %v %v", ok, err)
	}
	_, err = b.DeleteMessage(ctx(t), &bot.DeleteMessageParams{ChatID: userID, MessageID: msg.ID})
	wantErr(t, err, "Bad Request: message to delete not found")
}

func TestForumTopics(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	s.AddChat(models.Chat{ID: forumID, Type: models.ChatTypeSupergroup, Title: "Support", IsForum: true})
	s.AddChat(models.Chat{ID: groupID, Type: models.ChatTypeSupergroup, Title: "Plain"})

	_, err := b.CreateForumTopic(ctx(t), &bot.CreateForumTopicParams{ChatID: groupID, Name: "x"})
	wantErr(t, err, "Bad Request: the chat is not a forum")
	topic, err := b.CreateForumTopic(ctx(t), &bot.CreateForumTopicParams{ChatID: forumID, Name: "Заявка #1", IconColor: 9367192})
	wantErr(t, err, "")
	if topic.MessageThreadID <= 0 || topic.Name != "Заявка #1" || topic.IconColor != 9367192 {
		t.Fatalf("topic %+v", topic)
	}
	tests := []struct {
		name   string
		chat   int64
		thread int
		want   string
	}{
		{"in topic", forumID, topic.MessageThreadID, ""},
		{"general", forumID, 0, ""},
		{"unknown thread", forumID, 777, "Bad Request: message thread not found"},
		{"thread ignored in non-forum", groupID, 777, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: tc.chat, MessageThreadID: tc.thread, Text: "hello"})
			wantErr(t, err, tc.want)
			if err == nil && tc.chat == forumID && tc.thread != 0 && (msg.MessageThreadID != tc.thread || !msg.IsTopicMessage) {
				t.Fatalf("result %+v", msg)
			}
		})
	}
	if m := s.Messages(forumID); len(m) != 2 || m[0].ThreadID != topic.MessageThreadID {
		t.Fatalf("Messages %+v", m)
	}
	_, err = b.EditForumTopic(ctx(t), &bot.EditForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, Name: "Заявка #1 (done)"})
	wantErr(t, err, "")
	_, err = b.CloseForumTopic(ctx(t), &bot.CloseForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID})
	wantErr(t, err, "")
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, Text: "closed"})
	wantErr(t, err, "Bad Request: TOPIC_CLOSED")
	_, err = b.ReopenForumTopic(ctx(t), &bot.ReopenForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID})
	wantErr(t, err, "")
	if tp := s.Topics(forumID); len(tp) != 1 || tp[0].Name != "Заявка #1 (done)" || tp[0].Closed {
		t.Fatalf("Topics %+v", tp)
	}
}

func TestCallbackCommandsMembers(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	s.Push(models.Update{CallbackQuery: &models.CallbackQuery{ID: "cb1", From: models.User{ID: userID, FirstName: "Ann"}, Data: "yes"}})

	for _, want := range []string{"", "Bad Request: query is too old and response timeout expired or query ID is invalid"} {
		_, err := b.AnswerCallbackQuery(ctx(t), &bot.AnswerCallbackQueryParams{CallbackQueryID: "cb1", Text: "ok"})
		wantErr(t, err, want)
	}
	if !s.CallbackAnswered("cb1") {
		t.Fatal("CallbackAnswered(cb1) = false")
	}
	// a callback whose message was "sent by our bot" before the test: the bot may edit it
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Да", CallbackData: "yes"}}}}
	s.Push(models.Update{CallbackQuery: &models.CallbackQuery{ID: "cb2", From: models.User{ID: userID, FirstName: "Ann"}, Data: "yes",
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{
			ID: 40, Date: 1700000000, Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate},
			From: &models.User{ID: s.BotUser().ID, IsBot: true, FirstName: "Servicebot Test"}, Text: "Вопрос?", ReplyMarkup: kb,
		}}}})
	_, err := b.EditMessageText(ctx(t), &bot.EditMessageTextParams{ChatID: userID, MessageID: 40, Text: "Вопрос?", ReplyMarkup: kb})
	wantErr(t, err, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	_, err = b.EditMessageText(ctx(t), &bot.EditMessageTextParams{ChatID: userID, MessageID: 40, Text: "Ответ: да"})
	wantErr(t, err, "")
	if m := s.Messages(userID); len(m) != 1 || m[0].Method != "update" || m[0].Text != "Ответ: да" || m[0].Edits != 1 {
		t.Fatalf("Messages = %+v", m)
	}

	_, err = b.AnswerCallbackQuery(ctx(t), &bot.AnswerCallbackQueryParams{CallbackQueryID: "nope"})
	wantErr(t, err, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	// the callback's user now has a known private chat
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "x"})
	wantErr(t, err, "")

	cmdTests := []struct {
		cmds []models.BotCommand
		lang string
		want string
	}{
		{[]models.BotCommand{{Command: "start", Description: "Начать"}, {Command: "new_ticket", Description: "Новая заявка"}}, "ru", ""},
		{[]models.BotCommand{{Command: "start", Description: "Start"}}, "", ""},
		{[]models.BotCommand{{Command: "Start", Description: "Start"}}, "", "Bad Request: BOT_COMMAND_INVALID"},
		{[]models.BotCommand{{Command: "/start", Description: "Start"}}, "", "Bad Request: BOT_COMMAND_INVALID"},
		{[]models.BotCommand{{Command: strings.Repeat("a", 33), Description: "x"}}, "", "Bad Request: BOT_COMMAND_INVALID"},
		{[]models.BotCommand{{Command: "help", Description: ""}}, "", "Bad Request: BOT_COMMAND_INVALID"},
	}
	for _, tc := range cmdTests {
		_, err := b.SetMyCommands(ctx(t), &bot.SetMyCommandsParams{Commands: tc.cmds, LanguageCode: tc.lang})
		wantErr(t, err, tc.want)
	}
	if ru := s.Commands("ru"); len(ru) != 2 || ru[1].Command != "new_ticket" {
		t.Fatalf("Commands(ru) = %+v", ru)
	}
	if all := s.Commands(""); len(all) != 1 {
		t.Fatalf("Commands('') = %+v", all)
	}
	got, err := b.GetMyCommands(ctx(t), &bot.GetMyCommandsParams{LanguageCode: "ru"})
	if err != nil || len(got) != 2 {
		t.Fatalf("getMyCommands %+v %v", got, err)
	}

	s.AddChat(models.Chat{ID: groupID, Type: models.ChatTypeSupergroup, Title: "Staff"})
	s.SetChatMember(groupID, 2002, "administrator")
	memberTests := []struct {
		chat, user int64
		status     models.ChatMemberType
		want       string
	}{
		{groupID, 2002, models.ChatMemberTypeAdministrator, ""},
		{groupID, userID, models.ChatMemberTypeLeft, ""},
		{groupID, 3003, "", "Bad Request: user not found"},
		{-100555, 2002, "", "Bad Request: chat not found"},
	}
	for _, tc := range memberTests {
		cm, err := b.GetChatMember(ctx(t), &bot.GetChatMemberParams{ChatID: tc.chat, UserID: tc.user})
		wantErr(t, err, tc.want)
		if err == nil && cm.Type != tc.status {
			t.Fatalf("getChatMember(%d,%d) = %s", tc.chat, tc.user, cm.Type)
		}
	}
	chat, err := b.GetChat(ctx(t), &bot.GetChatParams{ChatID: groupID})
	if err != nil || chat.Title != "Staff" || chat.Type != models.ChatTypeSupergroup {
		t.Fatalf("getChat %+v %v", chat, err)
	}
	_, err = b.SendChatAction(ctx(t), &bot.SendChatActionParams{ChatID: groupID, Action: models.ChatActionTyping})
	wantErr(t, err, "")
}

func TestCopyAndForward(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	s.AddChat(models.Chat{ID: groupID, Type: models.ChatTypeSupergroup, Title: "Staff"})
	pushPrivate(s, "Помогите")
	id, err := b.CopyMessage(ctx(t), &bot.CopyMessageParams{ChatID: groupID, FromChatID: userID, MessageID: 1})
	wantErr(t, err, "")
	fwd, err := b.ForwardMessage(ctx(t), &bot.ForwardMessageParams{ChatID: groupID, FromChatID: userID, MessageID: 1})
	wantErr(t, err, "")
	if fwd.ForwardOrigin == nil || fwd.Text != "Помогите" {
		t.Fatalf("forward %+v", fwd)
	}
	_, err = b.CopyMessage(ctx(t), &bot.CopyMessageParams{ChatID: groupID, FromChatID: userID, MessageID: 55})
	wantErr(t, err, "Bad Request: message to copy not found")
	m := s.Messages(groupID)
	if len(m) != 2 || m[0].ID != id.ID || m[0].Method != "copyMessage" || m[0].Text != "Помогите" || m[1].Method != "forwardMessage" {
		t.Fatalf("Messages %+v", m)
	}
}

// pushAlbum pushes an album a person sends, its first photo captioned,
// and returns its messages' ids: its parts share a media_group_id, and
// their files are the bot's to send by id.
func pushAlbum(s *bottest.Server, files ...string) []int {
	var ids []int
	for i, f := range files {
		m := &models.Message{
			ID:           11 + i,
			From:         &models.User{ID: userID, FirstName: "Ann"},
			Chat:         models.Chat{ID: userID, Type: models.ChatTypePrivate, FirstName: "Ann"},
			MediaGroupID: "album-1",
			Photo:        []models.PhotoSize{{FileID: f, FileUniqueID: "u" + f, Width: 90, Height: 90}},
		}
		if i == 0 {
			m.Caption = "Мої документи"
		}
		s.Push(models.Update{Message: m})
		ids = append(ids, m.ID)
	}
	return ids
}

func TestAlbums(t *testing.T) {
	s := bottest.New(t)
	b := newClient(t, s)
	s.AddChat(models.Chat{ID: groupID, Type: models.ChatTypeSupergroup, Title: "Staff"})
	ids := pushAlbum(s, "photo-a", "photo-b", "photo-c")
	s.Push(models.Update{Message: &models.Message{
		From: &models.User{ID: userID, FirstName: "Ann"}, Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate},
		Document: &models.Document{FileID: "doc-a", FileUniqueID: "ud"},
	}})
	album := func(media ...map[string]any) (int, apiResp) {
		return raw(t, s, method(s, "sendMediaGroup"), map[string]any{"chat_id": groupID, "media": media})
	}
	photo := func(id, caption string) map[string]any {
		return map[string]any{"type": "photo", "media": id, "caption": caption}
	}

	// The person's photos, sent on by their ids: one album of three.
	code, r := album(photo("photo-a", "<b>Оператор:</b> ось"), photo("photo-b", ""), photo("photo-c", ""))
	if code != http.StatusOK {
		t.Fatalf("sendMediaGroup: %d %s", code, r.Description)
	}
	var sent []models.Message
	json.Unmarshal(r.Result, &sent)
	ms := s.Messages(groupID)
	if len(sent) != 3 || len(ms) != 3 || sent[0].MediaGroupID == "" || ms[0].Album != sent[0].MediaGroupID ||
		ms[1].Album != ms[0].Album || ms[2].Album != ms[0].Album || ms[0].Text != "<b>Оператор:</b> ось" {
		t.Fatalf("the album as sent %+v, as kept %+v", sent, ms)
	}

	// What Telegram refuses: a file id it never gave, a file of another
	// kind, documents among photos, one item or eleven.
	for _, c := range []struct {
		media []map[string]any
		want  string
	}{
		{[]map[string]any{photo("photo-a", ""), photo("made-up", "")}, `Bad Request: failed to send message #2 with the error message "wrong file identifier/HTTP URL specified"`},
		{[]map[string]any{photo("photo-a", ""), photo("doc-a", "")}, `Bad Request: failed to send message #2 with the error message "type of file mismatch"`},
		{[]map[string]any{photo("photo-a", ""), {"type": "document", "media": "doc-a"}}, "Bad Request: documents and audio files can be only grouped in an album with messages of the same type"},
		{[]map[string]any{photo("photo-a", "")}, "Bad Request: wrong number of media items in the album: must be 2-10"},
	} {
		if code, r := album(c.media...); code != http.StatusBadRequest || r.Description != c.want {
			t.Errorf("%v: %d %q, want %q", c.media, code, r.Description, c.want)
		}
	}

	// copyMessages keeps the album; copyMessage makes a message on its own.
	copied, err := b.CopyMessages(ctx(t), &bot.CopyMessagesParams{ChatID: groupID, FromChatID: userID, MessageIDs: ids})
	wantErr(t, err, "")
	single, err := b.CopyMessage(ctx(t), &bot.CopyMessageParams{ChatID: groupID, FromChatID: userID, MessageID: ids[0]})
	wantErr(t, err, "")
	ms = s.Messages(groupID)
	copies := ms[3:6]
	if len(copied) != 3 || copies[0].Album == "" || copies[0].Album == ms[0].Album || copies[1].Album != copies[0].Album ||
		copies[2].Album != copies[0].Album || copies[0].Text != "Мої документи" {
		t.Errorf("copyMessages made %+v", copies)
	}
	if last := ms[len(ms)-1]; last.ID != single.ID || last.Album != "" {
		t.Errorf("copyMessage made %+v", last)
	}
	_, err = b.CopyMessages(ctx(t), &bot.CopyMessagesParams{ChatID: groupID, FromChatID: userID, MessageIDs: []int{ids[1], ids[0]}})
	wantErr(t, err, "Bad Request: message identifiers must be specified in a strictly increasing order")
	// Those not found are skipped.
	some, err := b.CopyMessages(ctx(t), &bot.CopyMessagesParams{ChatID: groupID, FromChatID: userID, MessageIDs: []int{ids[0], 90}})
	wantErr(t, err, "")
	if len(some) != 1 {
		t.Errorf("copyMessages of one message and a missing one made %d", len(some))
	}
}

func TestTelegramLimits(t *testing.T) {
	s := bottest.New(t, bottest.WithTelegramLimits())
	b := newClient(t, s)
	pushPrivate(s, "hi")
	s.AddChat(models.Chat{ID: groupID, Type: models.ChatTypeGroup, Title: "G"})
	for i := 0; i < 3; i++ {
		_, err := b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "burst"})
		wantErr(t, err, "")
	}
	_, err := b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: userID, Text: "too fast"})
	var tm *bot.TooManyRequestsError
	if !errors.As(err, &tm) || tm.RetryAfter != 1 {
		t.Fatalf("private flood: %v", err)
	}
	for i := 0; i < 18; i++ {
		_, err := b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: groupID, Text: "g"})
		wantErr(t, err, "")
	}
	// An album counts as its messages in a group's minute: three do not
	// fit in the two left, two do.
	ids := pushAlbum(s, "photo-a", "photo-b", "photo-c")
	_, err = b.CopyMessages(ctx(t), &bot.CopyMessagesParams{ChatID: groupID, FromChatID: userID, MessageIDs: ids})
	if !errors.As(err, &tm) || tm.RetryAfter < 55 || tm.RetryAfter > 60 {
		t.Fatalf("an album of three with room for two: %v", err)
	}
	_, err = b.CopyMessages(ctx(t), &bot.CopyMessagesParams{ChatID: groupID, FromChatID: userID, MessageIDs: ids[:2]})
	wantErr(t, err, "")
	_, err = b.SendMessage(ctx(t), &bot.SendMessageParams{ChatID: groupID, Text: "g"})
	if !errors.As(err, &tm) || tm.RetryAfter < 55 || tm.RetryAfter > 60 {
		t.Fatalf("group flood: %v", err)
	}
	if len(s.Throttled()) != 3 {
		t.Fatalf("Throttled = %d", len(s.Throttled()))
	}
	assertNoRejected(t, s)
}

// TestRealBotLoop runs the go-telegram long-polling loop against the server.
func TestRealBotLoop(t *testing.T) {
	s := bottest.New(t, bottest.WithLongPollCap(200*time.Millisecond))
	replied := make(chan error, 10)
	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL()),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
			if u.Message == nil {
				return
			}
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID: u.Message.Chat.ID, Text: "Эхо: " + u.Message.Text,
				ReplyParameters: &models.ReplyParameters{MessageID: u.Message.ID},
			})
			replied <- err
		}))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Start(runCtx); close(done) }()
	defer func() { cancel(); <-done }()

	pushPrivate(s, "раз")
	pushPrivate(s, "два")
	msgs := s.WaitMessages(t, userID, 2, 3*time.Second)
	for i := 0; i < 2; i++ {
		if err := <-replied; err != nil {
			t.Fatalf("reply: %v", err)
		}
	}
	texts := map[string]bool{msgs[0].Text: true, msgs[1].Text: true}
	if !texts["Эхо: раз"] || !texts["Эхо: два"] || msgs[0].ReplyTo == 0 {
		t.Fatalf("replies %+v", msgs)
	}
	s.Wait(t, 2*time.Second, "updates confirmed", func(s *bottest.Server) bool { return s.Pending() == 0 })
	assertNoRejected(t, s)
}
