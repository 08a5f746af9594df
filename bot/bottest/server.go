// Package bottest is a fake Telegram Bot API server over real HTTP, for
// tests (New) and the benchmark (Start).
//
// It validates every request against the Bot API spec, embedded from
// apispec/bot-api.json (sources and licence in apispec/SOURCE.md), and answers what Telegram would answer,
// including Telegram's error JSON, so tests can drive the real
// github.com/go-telegram/bot client (bot.WithServerURL(s.URL())) and raw
// HTTP calls against it.
//
// At about 3,300 lines it is the one package of bot/ over 1,500, on
// purpose: it imitates one server, whose methods (methods.go), state
// (state.go), validation against the spec (validate.go) and limits share
// one set of chats, messages and topics under one lock. Split, that state
// would have to be exported to its own parts and to every test, which
// should see only what Telegram shows a client.
package bottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// DefaultToken is the token used unless WithToken is given.
const DefaultToken = "123456789:TEST-token_abcdefghijklmnopqrstuvwx"

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token (default DefaultToken). Its numeric part
// before ':' is the bot's user id.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithLongPollCap sets the longest time a getUpdates call may hang
// (default 1s). A smaller `timeout` parameter is honoured.
func WithLongPollCap(d time.Duration) Option { return func(s *Server) { s.longPollCap = d } }

// WithTelegramLimits enables Telegram's flood limits on methods that send
// messages: about 1 msg/s per private chat (burst of 3), 20 msgs/min per
// group, supergroup or channel, 30 msgs/s overall. Exceeding them is
// answered 429 with a computed retry_after (see Throttled).
func WithTelegramLimits() Option { return func(s *Server) { s.limits = newLimiter() } }

// Request is one HTTP request received by the server.
type Request struct {
	Method      string            // canonical name from the spec ("" if unknown)
	Params      map[string]string // raw values as sent; JSON body values re-encoded (strings as-is, others compact JSON)
	Files       map[string]File   // multipart file parts by field name
	At          time.Time         // when the request was fully read
	Status      int               // HTTP status answered (499: client went away before the answer)
	Description string            // error description if not ok
	Path        string            // URL path

	injected bool // answered with a Fail() error
	counted  bool // counts as a validation rejection
}

// File is an uploaded multipart file part.
type File struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Get returns the raw value of a parameter ("" if absent).
func (r Request) Get(name string) string { return r.Params[name] }

// Int returns a parameter parsed as an integer (0 if absent or invalid).
func (r Request) Int(name string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(r.Params[name]), 10, 64)
	return v
}

// Has reports whether a parameter or file part with that name was sent.
func (r Request) Has(name string) bool {
	if _, ok := r.Params[name]; ok {
		return true
	}
	_, ok := r.Files[name]
	return ok
}

// OK reports whether the request was answered successfully.
func (r Request) OK() bool { return r.Status == http.StatusOK }

func (r Request) clone() Request {
	c := r
	c.Params = make(map[string]string, len(r.Params))
	for k, v := range r.Params {
		c.Params[k] = v
	}
	if r.Files != nil {
		c.Files = make(map[string]File, len(r.Files))
		for k, v := range r.Files {
			c.Files[k] = v
		}
	}
	return c
}

// Message is a message the bot has in a chat, with its current content.
type Message struct {
	ID          int
	ChatID      int64
	ThreadID    int    // message_thread_id if given
	Method      string // sendMessage, copyMessage, sendPhoto, sendDocument, ...; "update" if learned from a pushed update
	Text        string // text or caption, as sent (HTML source if parse_mode HTML)
	ParseMode   string
	ReplyMarkup string // raw JSON of reply_markup, "" if none
	ReplyTo     int    // from reply_parameters.message_id or reply_to_message_id
	Edits       int
	At          time.Time

	Media     string // file_id / URL sent, or "attach:<filename>" for an upload ("" for text)
	PlainText string // Text after entity parsing (what the user sees)
	Entities  []Entity
	FromChat  int64 // copyMessage/forwardMessage: source chat
	FromMsgID int   // copyMessage/forwardMessage: source message id
	// Album is the media_group_id the messages sent together as one
	// album share ("" for a message on its own).
	Album string

	textual     bool           // has text (not caption)
	captionable bool           // media that can have a caption
	payload     map[string]any // media fields of the Message JSON
	editedAt    time.Time
}

// Button is one button of a keyboard.
type Button struct{ Text, CallbackData, URL string }

// Buttons decodes the inline keyboard of ReplyMarkup (or, for a reply
// keyboard, the button texts). Nil if there is none.
func (m Message) Buttons() [][]Button {
	if m.ReplyMarkup == "" {
		return nil
	}
	var mk struct {
		Inline   [][]Button          `json:"inline_keyboard"`
		Keyboard [][]json.RawMessage `json:"keyboard"`
	}
	if err := json.Unmarshal([]byte(m.ReplyMarkup), &mk); err != nil {
		return nil
	}
	if mk.Inline != nil {
		return mk.Inline
	}
	var rows [][]Button
	for _, row := range mk.Keyboard {
		var r []Button
		for _, raw := range row {
			var b struct {
				Text string `json:"text"`
			}
			if json.Unmarshal(raw, &b) != nil {
				_ = json.Unmarshal(raw, &b.Text)
			}
			r = append(r, Button{Text: b.Text})
		}
		rows = append(rows, r)
	}
	return rows
}

// UnmarshalJSON lets Button decode an InlineKeyboardButton.
func (b *Button) UnmarshalJSON(data []byte) error {
	var v struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data"`
		URL          string `json:"url"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*b = Button{Text: v.Text, CallbackData: v.CallbackData, URL: v.URL}
	return nil
}

// Topic is a forum topic known to the server.
type Topic struct {
	ThreadID          int
	Name              string
	IconColor         int
	IconCustomEmojiID string
	Closed            bool
}

type chatState struct {
	chat    models.Chat
	nextID  int
	known   map[int]bool   // message ids that exist in the chat (any sender)
	texts   map[int]string // text/caption of messages learned from updates
	kinds   map[int]string // media field of messages learned from updates ("photo", "sticker"...; "" for text)
	albums  map[int]string // media_group_id of messages learned from updates
	msgs    []*Message     // the bot's messages, in send order
	topics  map[int]*Topic
	members map[int64]string
}

type pendingUpdate struct {
	id   int64
	kind string
	raw  []byte
}

type failure struct {
	code        int
	retryAfter  int
	description string
}

type poller struct {
	kill chan string
}

// Server is a fake Telegram Bot API server.
type Server struct {
	tb          testing.TB // nil outside a test (Start)
	srv         *httptest.Server
	spec        *apiSpec
	token       string
	botUser     models.User
	longPollCap time.Duration
	limits      *limiter

	closeOnce sync.Once
	closed    chan struct{}

	mu           sync.Mutex
	queue        []pendingUpdate
	lastUpdateID int64
	pushedAny    bool
	notify       chan struct{} // closed and replaced whenever an update is pushed
	poller       *poller
	allowed      []string // allowed_updates in effect (nil: default)

	webhookURL     string
	webhookSecret  string
	webhookMaxConn int
	webhookAllowed []string

	chats     map[int64]*chatState
	users     map[int64]models.User
	blocked   map[int64]bool
	callbacks map[string]bool // callback_query id -> answered
	commands  map[string][]models.BotCommand
	failures  map[string][]failure
	requests  []*Request
	fileSeq   int
	// files are the file ids the bot was given (in updates, or in the
	// answers to its sends), with the kind of file each names ("photo",
	// "video"...): Telegram takes no other id in place of a file.
	files map[string]string

	conns    atomic.Int64 // TCP connections accepted
	observer atomic.Pointer[func(method string, status int, body []byte, at time.Time)]
}

// New starts a fake Bot API server for a test; tb.Cleanup closes it.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake Bot API server outside a test (the benchmark's load
// process); the caller closes it.
func Start(opts ...Option) (*Server, error) {
	spec, err := loadSpec()
	if err != nil {
		return nil, fmt.Errorf("bottest: cannot load the Bot API spec: %w", err)
	}
	s := &Server{
		spec:        spec,
		token:       DefaultToken,
		longPollCap: time.Second,
		closed:      make(chan struct{}),
		notify:      make(chan struct{}),
		chats:       map[int64]*chatState{},
		users:       map[int64]models.User{},
		blocked:     map[int64]bool{},
		callbacks:   map[string]bool{},
		commands:    map[string][]models.BotCommand{},
		failures:    map[string][]failure{},
		files:       map[string]string{},
	}
	for _, o := range opts {
		o(s)
	}
	idPart, _, ok := strings.Cut(s.token, ":")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if !ok || err != nil || id <= 0 {
		return nil, fmt.Errorf("bottest: token %q has no numeric bot id before ':'", s.token)
	}
	s.botUser = models.User{
		ID:            id,
		IsBot:         true,
		FirstName:     "Servicebot Test",
		Username:      "servicebot_test_bot",
		CanJoinGroups: true,
	}
	s.users[id] = s.botUser
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	return s, nil
}

// Observe has f called after each request is answered, with the method
// (as Telegram spells it; "" for an unknown one), the HTTP status, the
// answer's body and when the request came: a load generator's view of what
// reached Telegram. A request whose client went away before it was whole
// was never carried out and is not observed.
func (s *Server) Observe(f func(method string, status int, body []byte, at time.Time)) {
	s.observer.Store(&f)
}

// Connections is how many TCP connections clients have opened to the
// server: a client that keeps its connections open opens few.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// Close stops the server, releasing any hanging getUpdates. Safe to call twice.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// URL is the base URL (use with bot.WithServerURL); requests go to URL/bot<token>/<method>.
func (s *Server) URL() string { return s.srv.URL }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// BotUser is what getMe returns.
func (s *Server) BotUser() models.User { return s.botUser }

// SpecVersion is the Bot API version of the spec in use.
func (s *Server) SpecVersion() string { return s.spec.Version }

// AddChat registers a group, supergroup or channel (IsForum for forum
// supergroups). Private chats are known automatically from pushed updates,
// but may be added too.
func (s *Server) AddChat(c models.Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chatLocked(c.ID)
	if st == nil {
		st = s.newChatLocked(c)
	}
	st.chat = c
}

// SetChatMember sets a user's status in a chat for getChatMember:
// "creator", "administrator", "member", "restricted", "left" or "kicked".
// The user becomes known to the server. Setting the bot itself (BotUser().ID)
// to "kicked" or "left" makes sends to the chat fail with 403.
func (s *Server) SetChatMember(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chatLocked(chatID)
	if st == nil {
		typ := models.ChatTypeSupergroup
		if chatID > 0 {
			typ = models.ChatTypePrivate
		}
		st = s.newChatLocked(models.Chat{ID: chatID, Type: typ, Title: fmt.Sprintf("Chat %d", chatID)})
	}
	if _, ok := s.users[userID]; !ok {
		s.users[userID] = models.User{ID: userID, FirstName: fmt.Sprintf("User %d", userID)}
	}
	st.members[userID] = status
}

// Block makes sends to this user's private chat fail with 403
// "Forbidden: bot was blocked by the user" (also done by pushing a
// my_chat_member update with new status "kicked"; undone by one with "member").
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
	if _, ok := s.users[userID]; !ok {
		s.learnUserLocked(models.User{ID: userID, FirstName: fmt.Sprintf("User %d", userID)})
	}
}

// Unblock undoes Block.
func (s *Server) Unblock(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, userID)
}

// Fail makes the next `times` calls of method fail: 429 → "Too Many
// Requests: retry after N" with parameters.retry_after; 500 → "Internal
// Server Error"; 502 → "Bad Gateway"; 403 → "Forbidden: bot was blocked by
// the user"; 409 → getUpdates conflict; other codes → their status text.
// Injected failures are recorded in Requests but not in Rejected.
func (s *Server) Fail(method string, times int, code int, retryAfter int) {
	var desc string
	switch code {
	case http.StatusTooManyRequests:
		if retryAfter <= 0 {
			retryAfter = 1
		}
		desc = fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case http.StatusInternalServerError:
		desc = "Internal Server Error"
	case http.StatusBadGateway:
		desc = "Bad Gateway"
	case http.StatusForbidden:
		desc = "Forbidden: bot was blocked by the user"
	case http.StatusConflict:
		desc = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case http.StatusBadRequest:
		desc = "Bad Request: injected failure"
	default:
		desc = http.StatusText(code)
	}
	s.addFailures(method, times, failure{code: code, retryAfter: retryAfter, description: desc})
}

// FailWith is Fail with a custom description (e.g. 400 "Bad Request: chat not found").
// For 429 the retry_after parameter is parsed from "retry after N".
func (s *Server) FailWith(method string, times int, code int, description string) {
	f := failure{code: code, description: description}
	if code == http.StatusTooManyRequests {
		if i := strings.LastIndex(description, "retry after "); i >= 0 {
			f.retryAfter, _ = strconv.Atoi(strings.TrimSpace(description[i+len("retry after "):]))
		}
	}
	s.addFailures(method, times, f)
}

func (s *Server) addFailures(method string, times int, f failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	for i := 0; i < times; i++ {
		s.failures[key] = append(s.failures[key], f)
	}
}

// Push enqueues an update for getUpdates. If u.ID is 0 (or not greater
// than every earlier id) the next id is assigned. A Message/EditedMessage/
// ChannelPost with message_id 0 gets the chat's next message id, and date 0
// becomes now. Returns the update id.
func (s *Server) Push(u models.Update) int64 {
	if s.tb != nil {
		s.tb.Helper()
	}
	s.mu.Lock()
	if u.ID <= s.lastUpdateID && (s.pushedAny || u.ID <= 0) {
		u.ID = s.lastUpdateID + 1
	}
	now := int(time.Now().Unix())
	fix := func(m *models.Message) *models.Message {
		if m == nil {
			return nil
		}
		c := *m
		if c.ID == 0 {
			st := s.chatLocked(c.Chat.ID)
			if st == nil {
				st = s.newChatLocked(c.Chat)
			}
			c.ID = st.allocID()
		}
		if c.Date == 0 {
			c.Date = now
		}
		return &c
	}
	u.Message = fix(u.Message)
	u.EditedMessage = fix(u.EditedMessage)
	u.ChannelPost = fix(u.ChannelPost)
	u.EditedChannelPost = fix(u.EditedChannelPost)
	s.mu.Unlock()
	raw, err := json.Marshal(&u)
	if err != nil {
		s.fatalf("bottest: Push: cannot marshal update: %v", err)
	}
	id, err := s.PushJSON(raw)
	if err != nil {
		s.fatalf("bottest: Push: %v", err)
	}
	return id
}

// fatalf fails the test the server was made for, or panics outside a test:
// a Push that cannot be carried out is a mistake in the caller.
func (s *Server) fatalf(format string, args ...any) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf(format, args...)
	}
	panic(fmt.Sprintf(format, args...))
}

// PushJSON enqueues a raw Update JSON (e.g. a fixture), returned verbatim by
// getUpdates (only surrounding whitespace is trimmed). Its update_id is kept
// if present and greater than every earlier id (any id >= 0 for the first
// push); otherwise the next id is written into it (only that number changes). Chats, users, message ids,
// forum topics and callback query ids in it become known to the server.
func (s *Server) PushJSON(raw []byte) (int64, error) {
	raw = bytes.TrimSpace(raw)
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return 0, fmt.Errorf("update is not a JSON object: %w", err)
	}
	var u models.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return 0, fmt.Errorf("update does not decode into models.Update: %w", err)
	}
	kind := ""
	for k := range probe {
		if k != "update_id" {
			kind = k
			break
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	id := int64(0)
	if v, ok := probe["update_id"]; ok {
		id, _ = strconv.ParseInt(string(v), 10, 64)
	}
	if _, ok := probe["update_id"]; !ok || id < 0 || (s.pushedAny && id <= s.lastUpdateID) {
		id = s.lastUpdateID + 1
		var err error
		raw, err = setUpdateID(raw, id)
		if err != nil {
			return 0, err
		}
	}
	s.lastUpdateID, s.pushedAny = id, true
	s.learnUpdateLocked(raw)
	s.queue = append(s.queue, pendingUpdate{id: id, kind: kind, raw: slices.Clone(raw)})
	close(s.notify)
	s.notify = make(chan struct{})
	return id, nil
}

// Pending is the number of pushed updates not yet confirmed by a getUpdates offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Requests returns every request received, in arrival order.
func (s *Server) Requests() []Request {
	return s.filterRequests(func(*Request) bool { return true })
}

// RequestsFor returns the requests of one method (case-insensitive).
func (s *Server) RequestsFor(method string) []Request {
	return s.filterRequests(func(r *Request) bool { return strings.EqualFold(r.Method, method) })
}

// Rejected returns the requests answered with a 4xx because they were
// invalid (bad token, unknown method, validation, unknown chat/message...).
// Injected failures (Fail), flood limits (Throttled), 403 from Block and
// getUpdates conflicts are not included.
func (s *Server) Rejected() []Request {
	return s.filterRequests(func(r *Request) bool { return r.counted })
}

// Throttled returns the requests answered 429 by WithTelegramLimits.
func (s *Server) Throttled() []Request {
	return s.filterRequests(func(r *Request) bool {
		return r.Status == http.StatusTooManyRequests && !r.injected
	})
}

func (s *Server) filterRequests(keep func(*Request) bool) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if keep(r) {
			out = append(out, r.clone())
		}
	}
	return out
}

// Messages returns the messages the bot has in a chat, in send order, with
// their current content (deleted messages are gone).
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chats[chatID]
	if st == nil {
		return nil
	}
	out := make([]Message, 0, len(st.msgs))
	for _, m := range st.msgs {
		c := *m
		c.Entities = slices.Clone(m.Entities)
		out = append(out, c)
	}
	return out
}

// WaitMessages waits until the bot has at least n messages in the chat.
func (s *Server) WaitMessages(tb testing.TB, chatID int64, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages(chatID)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for _, m := range msgs {
				fmt.Fprintf(&b, "\n  #%d %s %q", m.ID, m.Method, m.Text)
			}
			if rej := s.Rejected(); len(rej) > 0 {
				b.WriteString("\n rejected requests:")
				for _, r := range rej {
					fmt.Fprintf(&b, "\n  %s: %s", r.Method, r.Description)
				}
			}
			tb.Fatalf("bottest: timed out after %v waiting for %d messages in chat %d, have %d:%s", timeout, n, chatID, len(msgs), b.String())
			return msgs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Wait polls cond every ~10ms until it is true or the timeout passes.
func (s *Server) Wait(tb testing.TB, timeout time.Duration, what string, cond func(s *Server) bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond(s) {
		if time.Now().After(deadline) {
			tb.Fatalf("bottest: timed out waiting for %s", what)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Webhook returns the webhook URL and secret token set by setWebhook ("" if none).
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

// Commands returns the commands set for the default scope and a language
// code ("" for all languages).
func (s *Server) Commands(languageCode string) []models.BotCommand {
	return s.CommandsScope("default", languageCode)
}

// CommandsScope returns the commands set for a scope: "default",
// "all_private_chats", "all_group_chats", "all_chat_administrators",
// "chat:<chat_id>", "chat_administrators:<chat_id>" or
// "chat_member:<chat_id>:<user_id>".
func (s *Server) CommandsScope(scope, languageCode string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[scope+"|"+languageCode])
}

// Topics returns the known forum topics of a chat, by thread id.
func (s *Server) Topics(chatID int64) []Topic {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chats[chatID]
	if st == nil {
		return nil
	}
	var out []Topic
	for _, t := range st.topics {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Topic) int { return a.ThreadID - b.ThreadID })
	return out
}

// IsBlocked reports whether the user blocked the bot.
func (s *Server) IsBlocked(userID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[userID]
}

// CallbackAnswered reports whether a pushed callback query was answered.
func (s *Server) CallbackAnswered(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbacks[id]
}

// setUpdateID writes id as the top-level update_id of raw (inserting it if absent).
func setUpdateID(raw []byte, id int64) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("update is not a JSON object")
	}
	num := strconv.FormatInt(id, 10)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if t == "update_id" {
			end := int(dec.InputOffset())
			start := end - len(v)
			out := make([]byte, 0, len(raw)+len(num))
			out = append(out, raw[:start]...)
			out = append(out, num...)
			return append(out, raw[end:]...), nil
		}
	}
	i := bytes.IndexByte(raw, '{')
	ins := `"update_id":` + num
	if len(bytes.TrimSpace(raw[i+1:])) > 1 {
		ins += ","
	}
	out := append([]byte{}, raw[:i+1]...)
	out = append(out, ins...)
	return append(out, raw[i+1:]...), nil
}

// Learn records what an update tells Telegram's side (its chats, users,
// callback query ids, blocks) without queueing it for getUpdates: for
// updates a test delivers to the bot's webhook itself.
func (s *Server) Learn(raw []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.learnUpdateLocked(raw)
}
