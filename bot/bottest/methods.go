package bottest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// call is a validated request being handled (under s.mu).
type call struct {
	m    *specMethod
	req  *Request
	chat *chatState // resolved chat_id, if sent
	from *chatState // resolved from_chat_id, if sent
	now  time.Time
}

func (c *call) name() string { return c.m.Name }

// sends reports whether the method posts into the chat.
func (c *call) sends() bool {
	n := c.m.Name
	return strings.HasPrefix(n, "send") || strings.HasPrefix(n, "copyMessage") || strings.HasPrefix(n, "forwardMessage")
}

// createsMessages reports whether the method counts for flood limits.
func (c *call) createsMessages() bool { return c.sends() && c.m.Name != "sendChatAction" }

func returnsMessage(m *specMethod) bool { return len(m.Returns) == 1 && m.Returns[0] == "Message" }

func (s *Server) resolveChatLocked(v string) (*chatState, *apiError) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "@") {
		if st := s.chatByUsername(v); st != nil {
			return st, nil
		}
		return nil, errChatNotFound()
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, errChatNotFound()
	}
	if st := s.chats[id]; st != nil {
		return st, nil
	}
	return nil, errChatNotFound()
}

// newCall resolves chats and checks what applies to every chat method:
// unknown chats, blocked users, forum threads and reply targets.
func (s *Server) newCall(m *specMethod, req *Request) (*call, *apiError) {
	c := &call{m: m, req: req, now: time.Now()}
	if f := m.field("chat_id"); f != nil && isPresent(f, req) {
		st, err := s.resolveChatLocked(req.Params["chat_id"])
		if err != nil {
			return nil, err
		}
		c.chat = st
	}
	if f := m.field("from_chat_id"); f != nil && isPresent(f, req) {
		st, err := s.resolveChatLocked(req.Params["from_chat_id"])
		if err != nil {
			return nil, err
		}
		c.from = st
	}
	if c.chat == nil {
		return c, nil
	}
	if c.chat.chat.Type == models.ChatTypePrivate && s.blocked[c.chat.chat.ID] &&
		(c.sends() || strings.HasPrefix(m.Name, "editMessage")) {
		return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
	}
	if c.chat.chat.Type != models.ChatTypePrivate && (c.sends() || strings.HasPrefix(m.Name, "editMessage")) {
		kind := string(c.chat.chat.Type)
		if kind == "" {
			kind = "group"
		}
		switch c.chat.members[s.botUser.ID] {
		case "kicked":
			return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was kicked from the " + kind + " chat"}
		case "left":
			return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot is not a member of the " + kind + " chat"}
		}
	}
	if c.sends() {
		if tid := int(req.Int("message_thread_id")); tid != 0 && c.chat.chat.IsForum {
			if _, err := c.topic(tid, true); err != nil {
				return nil, err
			}
		}
		if err := s.checkReply(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// topic finds a forum topic of the call's chat; thread 1 is the General topic.
func (c *call) topic(tid int, forSend bool) (*Topic, *apiError) {
	if !c.chat.chat.IsForum {
		return nil, badRequest("the chat is not a forum")
	}
	if tid == 1 && forSend {
		return nil, nil
	}
	t := c.chat.topics[tid]
	if t == nil {
		return nil, badRequest("message thread not found")
	}
	if forSend && t.Closed {
		return nil, badRequest("TOPIC_CLOSED")
	}
	return t, nil
}

type replyParams struct {
	MessageID                int             `json:"message_id"`
	ChatID                   json.RawMessage `json:"chat_id"`
	AllowSendingWithoutReply bool            `json:"allow_sending_without_reply"`
}

// replyTo returns the message id the call replies to (0 if none).
func (c *call) replyTo() (replyParams, bool) {
	var rp replyParams
	if v := c.req.Get("reply_parameters"); v != "" && v != "null" {
		if json.Unmarshal([]byte(v), &rp) == nil {
			return rp, true
		}
	}
	if id := c.req.Int("reply_to_message_id"); id != 0 {
		rp.MessageID = int(id)
		rp.AllowSendingWithoutReply, _ = parseBool(c.req.Get("allow_sending_without_reply"))
		return rp, true
	}
	return rp, false
}

func (s *Server) checkReply(c *call) *apiError {
	rp, ok := c.replyTo()
	if !ok || rp.AllowSendingWithoutReply {
		return nil
	}
	st := c.chat
	if len(rp.ChatID) > 0 && string(rp.ChatID) != "null" {
		other, err := s.resolveChatLocked(strings.Trim(string(rp.ChatID), `"`))
		if err != nil {
			return err
		}
		st = other
	}
	if rp.MessageID <= 0 || !st.known[rp.MessageID] {
		return badRequest("message to be replied not found")
	}
	return nil
}

// throttle counts a request of n messages against the flood limits (see
// limiter.allow), or refuses it with 429.
func (s *Server) throttle(c *call, n int) *apiError {
	if s.limits == nil || c.chat == nil {
		return nil
	}
	if ra, ok := s.limits.allow(c.chat.chat, c.now, n); !ok {
		return &apiError{code: http.StatusTooManyRequests, desc: fmt.Sprintf("Too Many Requests: retry after %d", ra), retryAfter: ra}
	}
	return nil
}

type handler func(s *Server, c *call) (any, error)

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"getMe":                  hGetMe,
		"logOut":                 hTrue,
		"close":                  hTrue,
		"setWebhook":             hSetWebhook,
		"deleteWebhook":          hDeleteWebhook,
		"getWebhookInfo":         hGetWebhookInfo,
		"sendMessage":            hSend,
		"sendMediaGroup":         hSendMediaGroup,
		"copyMessage":            hCopyOrForward,
		"forwardMessage":         hCopyOrForward,
		"copyMessages":           hCopyOrForwardMany,
		"forwardMessages":        hCopyOrForwardMany,
		"editMessageText":        hEditText,
		"editMessageCaption":     hEditCaption,
		"editMessageReplyMarkup": hEditMarkup,
		"editMessageMedia":       hEditMedia,
		"deleteMessage":          hDeleteMessage,
		"deleteMessages":         hDeleteMessages,
		"answerCallbackQuery":    hAnswerCallback,
		"createForumTopic":       hCreateTopic,
		"editForumTopic":         hEditTopic,
		"closeForumTopic":        hCloseTopic,
		"reopenForumTopic":       hReopenTopic,
		"deleteForumTopic":       hDeleteTopic,
		"setMyCommands":          hSetCommands,
		"getMyCommands":          hGetCommands,
		"deleteMyCommands":       hDeleteCommands,
		"getChatMember":          hGetChatMember,
		"getChat":                hGetChat,
		"sendChatAction":         hChatAction,
		"getFile":                hGetFile,
	}
}

func hTrue(*Server, *call) (any, error) { return true, nil }

func hGetMe(s *Server, _ *call) (any, error) {
	return map[string]any{
		"id":                          s.botUser.ID,
		"is_bot":                      true,
		"first_name":                  s.botUser.FirstName,
		"username":                    s.botUser.Username,
		"can_join_groups":             true,
		"can_read_all_group_messages": false,
		"supports_inline_queries":     false,
		"can_connect_to_business":     false,
		"has_main_web_app":            false,
	}, nil
}

func (s *Server) defaultResult(c *call) (any, error) {
	r0 := ""
	if len(c.m.Returns) > 0 {
		r0 = c.m.Returns[0]
	}
	if slices.Contains(c.m.Returns, "Message") && c.chat != nil {
		if m := c.chat.botMessage(int(c.req.Int("message_id"))); m != nil {
			m.Edits++
			m.editedAt = c.now
			return s.messageJSON(c.chat, m), nil
		}
	}
	switch {
	case r0 == "Boolean":
		return true, nil
	case r0 == "Integer":
		if c.chat != nil {
			return len(c.chat.members) + 1, nil
		}
		return 0, nil
	case r0 == "String":
		return "https://t.me/+bottest", nil
	case strings.HasPrefix(r0, "Array of"):
		return []any{}, nil
	}
	return map[string]any{}, nil
}

// ---- sending ----

func (s *Server) nextFileID() (fileID, uniqueID string) {
	s.fileSeq++
	return fmt.Sprintf("BQACAgIAAxkBAAIBbottest%06d", s.fileSeq), fmt.Sprintf("AgADbottest%06d", s.fileSeq)
}

// mediaRef resolves an InputFile|String param to (Message.Media, file_id,
// file name) for a file of kind ("photo", "document"...). A file sent by
// its id must be one the bot was given, of that kind.
func (s *Server) mediaRef(req *Request, v, field, kind string) (ref, fileID, uniqueID, filename string, err *apiError) {
	upload := func(name string) (string, string, string, string, *apiError) {
		fileID, uniqueID = s.nextFileID()
		s.files[fileID] = kind
		return "attach:" + name, fileID, uniqueID, name, nil
	}
	if f, ok := req.Files[field]; ok {
		return upload(f.Filename)
	}
	if name, ok := strings.CutPrefix(v, "attach://"); ok {
		return upload(req.Files[name].Filename)
	}
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		fileID, uniqueID = s.nextFileID()
		s.files[fileID] = kind
		return v, fileID, uniqueID, v[strings.LastIndexByte(v, '/')+1:], nil
	}
	switch known, ok := s.files[v]; {
	case !ok:
		return "", "", "", "", badRequest("wrong file identifier/HTTP URL specified")
	case known != kind && !(kind == "document" && known == "animation"):
		return "", "", "", "", badRequest("type of file mismatch")
	}
	_, uniqueID = s.nextFileID()
	return v, v, uniqueID, "", nil
}

// mediaPayload builds the media fields of a Message for a media kind.
func mediaPayload(kind, fileID, uniqueID, filename string, req *Request) map[string]any {
	file := func(extra map[string]any) map[string]any {
		o := map[string]any{"file_id": fileID, "file_unique_id": uniqueID, "file_size": 1024}
		for k, v := range extra {
			o[k] = v
		}
		return o
	}
	duration := int(req.Int("duration"))
	if duration <= 0 {
		duration = 1
	}
	if filename == "" {
		filename = kind
	}
	switch kind {
	case "photo":
		return map[string]any{"photo": []any{
			file(map[string]any{"width": 90, "height": 90}),
			file(map[string]any{"width": 320, "height": 320}),
		}}
	case "document":
		return map[string]any{"document": file(map[string]any{"file_name": filename, "mime_type": "application/octet-stream"})}
	case "voice":
		return map[string]any{"voice": file(map[string]any{"duration": duration, "mime_type": "audio/ogg"})}
	case "audio":
		return map[string]any{"audio": file(map[string]any{"duration": duration, "file_name": filename})}
	case "video":
		return map[string]any{"video": file(map[string]any{"width": 640, "height": 360, "duration": duration})}
	case "animation":
		anim := file(map[string]any{"width": 320, "height": 240, "duration": duration, "file_name": filename})
		return map[string]any{"animation": anim, "document": file(map[string]any{"file_name": filename})}
	case "video_note":
		return map[string]any{"video_note": file(map[string]any{"length": 240, "duration": duration})}
	case "sticker":
		return map[string]any{"sticker": file(map[string]any{"type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false})}
	}
	return map[string]any{}
}

var mediaFields = map[string]string{
	"sendPhoto": "photo", "sendDocument": "document", "sendVoice": "voice", "sendAudio": "audio",
	"sendVideo": "video", "sendAnimation": "animation", "sendVideoNote": "video_note", "sendSticker": "sticker",
}

func float(req *Request, name string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(req.Get(name)), 64)
	return f
}

// newMessage allocates a bot message in the call's chat from its params.
func (s *Server) newMessage(c *call, textField string) *Message {
	st := c.chat
	m := &Message{ID: st.allocID(), ChatID: st.chat.ID, Method: c.name(), At: c.now, payload: map[string]any{}}
	m.ThreadID = int(c.req.Int("message_thread_id"))
	if rp, ok := c.replyTo(); ok {
		m.ReplyTo = rp.MessageID
	}
	if v := c.req.Get("reply_markup"); v != "" && v != "null" {
		m.ReplyMarkup = v
	}
	if textField != "" {
		m.setText(c.req, textField)
	}
	return m
}

// setText sets Text/ParseMode/PlainText/Entities from a text or caption param.
func (m *Message) setText(req *Request, field string) {
	m.Text = req.Get(field)
	m.ParseMode = req.Get("parse_mode")
	m.PlainText, m.Entities, _ = formatted(m.Text, m.ParseMode)
	entField := "entities"
	if field == "caption" {
		entField = "caption_entities"
	}
	if m.ParseMode == "" {
		if v := req.Get(entField); v != "" {
			_ = json.Unmarshal([]byte(v), &m.Entities)
		}
	}
}

func (s *Server) sendGeneric(c *call) (any, error) {
	req := c.req
	field, media := mediaFields[c.name()]
	var ref, fid, uid, fname string
	if media {
		var err *apiError
		if ref, fid, uid, fname, err = s.mediaRef(req, req.Get(field), field, field); err != nil {
			return nil, err
		}
	}
	if err := s.throttle(c, 1); err != nil {
		return nil, err
	}
	textField := ""
	if c.m.field("caption") != nil {
		textField = "caption"
	}
	m := s.newMessage(c, textField)
	if media {
		m.Media = ref
		m.payload = mediaPayload(field, fid, uid, fname, req)
		m.captionable = field != "sticker" && field != "video_note"
	}
	switch c.name() {
	case "sendLocation":
		m.payload["location"] = map[string]any{"latitude": float(req, "latitude"), "longitude": float(req, "longitude")}
	case "sendVenue":
		loc := map[string]any{"latitude": float(req, "latitude"), "longitude": float(req, "longitude")}
		m.payload["location"] = loc
		m.payload["venue"] = map[string]any{"location": loc, "title": req.Get("title"), "address": req.Get("address")}
		m.Text = req.Get("title")
	case "sendContact":
		ct := map[string]any{"phone_number": req.Get("phone_number"), "first_name": req.Get("first_name")}
		if v := req.Get("last_name"); v != "" {
			ct["last_name"] = v
		}
		m.payload["contact"] = ct
		m.Text = req.Get("phone_number")
	case "sendDice":
		emoji := req.Get("emoji")
		if emoji == "" {
			emoji = "🎲"
		}
		m.payload["dice"] = map[string]any{"emoji": emoji, "value": 1}
	case "sendPoll":
		var opts []map[string]any
		_ = json.Unmarshal([]byte(req.Get("options")), &opts)
		var out []any
		for _, o := range opts {
			out = append(out, map[string]any{"text": o["text"], "voter_count": 0})
		}
		s.fileSeq++
		m.payload["poll"] = map[string]any{
			"id": strconv.Itoa(5000000 + s.fileSeq), "question": req.Get("question"), "options": out,
			"total_voter_count": 0, "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false,
		}
		m.Text = req.Get("question")
	}
	c.chat.msgs = append(c.chat.msgs, m)
	return s.messageJSON(c.chat, m), nil
}

func hSend(s *Server, c *call) (any, error) {
	if err := s.throttle(c, 1); err != nil {
		return nil, err
	}
	m := s.newMessage(c, "text")
	m.textual = true
	c.chat.msgs = append(c.chat.msgs, m)
	return s.messageJSON(c.chat, m), nil
}

func chatJSON(c models.Chat) map[string]any {
	o := map[string]any{"id": c.ID, "type": c.Type}
	if c.Title != "" {
		o["title"] = c.Title
	}
	if c.Username != "" {
		o["username"] = c.Username
	}
	if c.FirstName != "" {
		o["first_name"] = c.FirstName
	}
	if c.LastName != "" {
		o["last_name"] = c.LastName
	}
	if c.IsForum {
		o["is_forum"] = true
	}
	return o
}

func (s *Server) userJSON(u models.User) map[string]any {
	o := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.LastName != "" {
		o["last_name"] = u.LastName
	}
	if u.Username != "" {
		o["username"] = u.Username
	}
	if u.LanguageCode != "" {
		o["language_code"] = u.LanguageCode
	}
	return o
}

// messageJSON renders a bot message as the Bot API Message object.
func (s *Server) messageJSON(st *chatState, m *Message) map[string]any {
	o := map[string]any{
		"message_id": m.ID,
		"date":       m.At.Unix(),
		"chat":       chatJSON(st.chat),
	}
	if st.chat.Type == models.ChatTypeChannel {
		o["sender_chat"] = chatJSON(st.chat)
	} else {
		o["from"] = s.userJSON(s.botUser)
	}
	if m.ThreadID != 0 && st.chat.IsForum {
		o["message_thread_id"] = m.ThreadID
		if m.ThreadID != 1 {
			o["is_topic_message"] = true
		}
	}
	for k, v := range m.payload {
		o[k] = v
	}
	if m.Album != "" {
		o["media_group_id"] = m.Album
	}
	if m.PlainText != "" {
		if m.textual {
			o["text"] = m.PlainText
			if len(m.Entities) > 0 {
				o["entities"] = m.Entities
			}
		} else if m.captionable {
			o["caption"] = m.PlainText
			if len(m.Entities) > 0 {
				o["caption_entities"] = m.Entities
			}
		}
	}
	if strings.Contains(m.ReplyMarkup, `"inline_keyboard"`) {
		o["reply_markup"] = json.RawMessage(canonicalJSON(m.ReplyMarkup))
	}
	if m.ReplyTo != 0 && st.known[m.ReplyTo] {
		o["reply_to_message"] = map[string]any{"message_id": m.ReplyTo, "chat": chatJSON(st.chat), "date": m.At.Unix()}
	}
	if m.Edits > 0 {
		o["edit_date"] = m.editedAt.Unix()
	}
	return o
}

// albumItem is one InputMedia of sendMediaGroup.
type albumItem struct {
	Type            string   `json:"type"`
	Media           string   `json:"media"`
	Caption         string   `json:"caption"`
	ParseMode       string   `json:"parse_mode"`
	CaptionEntities []Entity `json:"caption_entities"`
}

func hSendMediaGroup(s *Server, c *call) (any, error) {
	var items []albumItem
	if err := json.Unmarshal([]byte(c.req.Get("media")), &items); err != nil {
		return nil, badRequest("can't parse media JSON array")
	}
	if len(items) < 2 || len(items) > 10 {
		return nil, badRequest("wrong number of media items in the album: must be 2-10")
	}
	kinds := map[string]bool{}
	for i, it := range items {
		switch it.Type {
		case "photo", "video", "document", "audio", "live_photo":
		default:
			return nil, badRequest("can't parse InputMedia: unsupported media type \"%s\"", it.Type)
		}
		kinds[it.Type] = true
		if it.Media == "" {
			return nil, badRequest("can't parse InputMedia: Field \"media\" must be of type String")
		}
		if name, ok := strings.CutPrefix(it.Media, "attach://"); ok {
			if _, ok := c.req.Files[name]; !ok {
				return nil, badRequest("can't find attached file \"%s\" of media #%d", name, i)
			}
		}
		plain, _, err := formatted(it.Caption, it.ParseMode)
		if err != nil {
			return nil, err
		}
		if utf16Len(plain) > maxCaptionLen {
			return nil, badRequest("message caption is too long")
		}
	}
	// Documents go only with documents, audio only with audio (the
	// method's description); the wording of the refusal is the fake's.
	if len(kinds) > 1 && (kinds["document"] || kinds["audio"]) {
		return nil, badRequest("documents and audio files can be only grouped in an album with messages of the same type")
	}
	// Telegram sends the album's messages one by one, and names the one
	// that failed.
	type ref struct{ media, fid, uid, fname string }
	refs := make([]ref, len(items))
	for i, it := range items {
		var err *apiError
		r := &refs[i]
		if r.media, r.fid, r.uid, r.fname, err = s.mediaRef(c.req, it.Media, "", it.Type); err != nil {
			return nil, badRequest("failed to send message #%d with the error message \"%s\"", i+1, strings.TrimPrefix(err.desc, "Bad Request: "))
		}
	}
	if err := s.throttle(c, len(items)); err != nil {
		return nil, err
	}
	s.fileSeq++
	group := strconv.Itoa(13000000000000000 + s.fileSeq)
	var out []any
	for i, it := range items {
		m := s.newMessage(c, "")
		m.ReplyMarkup = ""
		m.Text, m.ParseMode = it.Caption, it.ParseMode
		m.PlainText, m.Entities, _ = formatted(it.Caption, it.ParseMode)
		if it.ParseMode == "" && len(it.CaptionEntities) > 0 {
			m.Entities = it.CaptionEntities
		}
		m.Media = refs[i].media
		m.payload = mediaPayload(it.Type, refs[i].fid, refs[i].uid, refs[i].fname, c.req)
		m.Album = group
		m.captionable = true
		c.chat.msgs = append(c.chat.msgs, m)
		out = append(out, s.messageJSON(c.chat, m))
	}
	return out, nil
}

// copyInto creates in the call's chat a copy of message id of c.from.
func (s *Server) copyInto(c *call, id int, forward bool) (*Message, *apiError) {
	src := c.from
	if id <= 0 || !src.known[id] {
		if forward {
			return nil, badRequest("message to forward not found")
		}
		return nil, badRequest("message to copy not found")
	}
	m := s.newMessage(c, "")
	m.FromChat, m.FromMsgID = src.chat.ID, id
	if orig := src.botMessage(id); orig != nil {
		m.Text, m.ParseMode, m.PlainText = orig.Text, orig.ParseMode, orig.PlainText
		m.Entities = slices.Clone(orig.Entities)
		m.Media, m.textual, m.captionable = orig.Media, orig.textual, orig.captionable
		maps.Copy(m.payload, orig.payload)
		delete(m.payload, "forward_origin")
	} else {
		m.Text = src.texts[id]
		m.PlainText = m.Text
		if kind := src.kinds[id]; kind != "" {
			m.captionable = kind != "sticker" && kind != "video_note"
		} else {
			m.textual = true
		}
	}
	if !forward && c.req.Has("caption") && m.captionable {
		m.setText(c.req, "caption")
	}
	if !forward && m.captionable && c.req.Get("remove_caption") == "true" {
		m.Text, m.ParseMode, m.PlainText, m.Entities = "", "", "", nil
	}
	if forward {
		m.ReplyMarkup = ""
		var origin map[string]any
		switch src.chat.Type {
		case models.ChatTypePrivate:
			u := s.users[src.chat.ID]
			origin = map[string]any{"type": "user", "sender_user": s.userJSON(u), "date": c.now.Unix()}
		case models.ChatTypeChannel:
			origin = map[string]any{"type": "channel", "chat": chatJSON(src.chat), "message_id": id, "date": c.now.Unix()}
		default:
			origin = map[string]any{"type": "chat", "sender_chat": chatJSON(src.chat), "date": c.now.Unix()}
		}
		m.payload["forward_origin"] = origin
	}
	c.chat.msgs = append(c.chat.msgs, m)
	return m, nil
}

func hCopyOrForward(s *Server, c *call) (any, error) {
	if err := s.throttle(c, 1); err != nil {
		return nil, err
	}
	forward := c.name() == "forwardMessage"
	m, err := s.copyInto(c, int(c.req.Int("message_id")), forward)
	if err != nil {
		return nil, err
	}
	if forward {
		return s.messageJSON(c.chat, m), nil
	}
	return map[string]any{"message_id": m.ID}, nil
}

// hCopyOrForwardMany is copyMessages and forwardMessages: the messages
// found are copied in order, the others skipped; the parts of an album
// copied together make an album again.
func hCopyOrForwardMany(s *Server, c *call) (any, error) {
	var ids []int
	if err := json.Unmarshal([]byte(c.req.Get("message_ids")), &ids); err != nil {
		return nil, badRequest("can't parse message_ids JSON array")
	}
	if len(ids) == 0 || len(ids) > 100 {
		return nil, badRequest("message_ids must contain 1-100 message identifiers")
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			// The wording is the fake's: the spec says only that they must be.
			return nil, badRequest("message identifiers must be specified in a strictly increasing order")
		}
	}
	found := slices.DeleteFunc(slices.Clone(ids), func(id int) bool { return !c.from.known[id] })
	if len(found) == 0 {
		return nil, badRequest("messages to copy not found")
	}
	if err := s.throttle(c, len(found)); err != nil {
		return nil, err
	}
	forward := c.name() == "forwardMessages"
	// An album's parts copied together share a new media_group_id.
	albums := map[string]int{}
	for _, id := range found {
		if g := c.from.albumOf(id); g != "" {
			albums[g]++
		}
	}
	regrouped := map[string]string{}
	out := []any{}
	for _, id := range found {
		m, err := s.copyInto(c, id, forward)
		if err != nil {
			return nil, err
		}
		if g := c.from.albumOf(id); albums[g] > 1 {
			if regrouped[g] == "" {
				s.fileSeq++
				regrouped[g] = strconv.Itoa(13000000000000000 + s.fileSeq)
			}
			m.Album = regrouped[g]
		}
		out = append(out, map[string]any{"message_id": m.ID})
	}
	return out, nil
}

// ---- editing ----

const errNotModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editTarget(c *call) (*Message, *apiError) {
	id := int(c.req.Int("message_id"))
	m := c.chat.botMessage(id)
	if m == nil {
		if c.chat.known[id] {
			return nil, badRequest("message can't be edited")
		}
		return nil, badRequest("message to edit not found")
	}
	return m, nil
}

func sameEntities(a, b []Entity) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}

func markupOf(req *Request) string {
	v := req.Get("reply_markup")
	if v == "null" {
		return ""
	}
	return v
}

func (s *Server) finishEdit(c *call, m *Message) (any, error) {
	m.Edits++
	m.editedAt = c.now
	return s.messageJSON(c.chat, m), nil
}

func hEditText(s *Server, c *call) (any, error) {
	if c.req.Get("inline_message_id") != "" {
		return true, nil
	}
	m, err := s.editTarget(c)
	if err != nil {
		return nil, err
	}
	if !m.textual {
		return nil, badRequest("there is no text in the message to edit")
	}
	plain, ents, _ := formatted(c.req.Get("text"), c.req.Get("parse_mode"))
	if c.req.Get("parse_mode") == "" && c.req.Get("entities") != "" {
		_ = json.Unmarshal([]byte(c.req.Get("entities")), &ents)
	}
	markup := markupOf(c.req)
	if plain == m.PlainText && sameEntities(ents, m.Entities) && canonicalJSON(markup) == canonicalJSON(m.ReplyMarkup) {
		return nil, badRequest(errNotModified)
	}
	m.setText(c.req, "text")
	m.ReplyMarkup = markup
	return s.finishEdit(c, m)
}

func hEditCaption(s *Server, c *call) (any, error) {
	if c.req.Get("inline_message_id") != "" {
		return true, nil
	}
	m, err := s.editTarget(c)
	if err != nil {
		return nil, err
	}
	if !m.captionable {
		return nil, badRequest("there is no caption in the message to edit")
	}
	plain, ents, _ := formatted(c.req.Get("caption"), c.req.Get("parse_mode"))
	if c.req.Get("parse_mode") == "" && c.req.Get("caption_entities") != "" {
		_ = json.Unmarshal([]byte(c.req.Get("caption_entities")), &ents)
	}
	markup := markupOf(c.req)
	if plain == m.PlainText && sameEntities(ents, m.Entities) && canonicalJSON(markup) == canonicalJSON(m.ReplyMarkup) {
		return nil, badRequest(errNotModified)
	}
	m.setText(c.req, "caption")
	m.ReplyMarkup = markup
	return s.finishEdit(c, m)
}

func hEditMarkup(s *Server, c *call) (any, error) {
	if c.req.Get("inline_message_id") != "" {
		return true, nil
	}
	m, err := s.editTarget(c)
	if err != nil {
		return nil, err
	}
	markup := markupOf(c.req)
	if canonicalJSON(markup) == canonicalJSON(m.ReplyMarkup) {
		return nil, badRequest(errNotModified)
	}
	m.ReplyMarkup = markup
	return s.finishEdit(c, m)
}

func hEditMedia(s *Server, c *call) (any, error) {
	if c.req.Get("inline_message_id") != "" {
		return true, nil
	}
	m, err := s.editTarget(c)
	if err != nil {
		return nil, err
	}
	var it struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(c.req.Get("media")), &it); err != nil || it.Media == "" {
		return nil, badRequest("can't parse InputMedia JSON object")
	}
	if !m.captionable {
		return nil, badRequest("there is no media in the message to edit")
	}
	plain, ents, perr := formatted(it.Caption, it.ParseMode)
	if perr != nil {
		return nil, perr
	}
	if utf16Len(plain) > maxCaptionLen {
		return nil, badRequest("message caption is too long")
	}
	ref, fid, uid, fname, err := s.mediaRef(c.req, it.Media, "", it.Type)
	if err != nil {
		return nil, err
	}
	m.Media = ref
	m.payload = mediaPayload(it.Type, fid, uid, fname, c.req)
	m.Text, m.ParseMode, m.PlainText, m.Entities = it.Caption, it.ParseMode, plain, ents
	m.ReplyMarkup = markupOf(c.req)
	return s.finishEdit(c, m)
}

func (st *chatState) deleteMessage(id int) bool {
	if !st.known[id] {
		return false
	}
	delete(st.known, id)
	delete(st.texts, id)
	st.msgs = slices.DeleteFunc(st.msgs, func(m *Message) bool { return m.ID == id })
	return true
}

func hDeleteMessage(s *Server, c *call) (any, error) {
	if !c.chat.deleteMessage(int(c.req.Int("message_id"))) {
		return nil, badRequest("message to delete not found")
	}
	return true, nil
}

func hDeleteMessages(s *Server, c *call) (any, error) {
	var ids []int
	if err := json.Unmarshal([]byte(c.req.Get("message_ids")), &ids); err != nil {
		return nil, badRequest("can't parse message_ids JSON array")
	}
	if len(ids) == 0 || len(ids) > 100 {
		return nil, badRequest("message_ids must contain 1-100 message identifiers")
	}
	for _, id := range ids {
		c.chat.deleteMessage(id)
	}
	return true, nil
}

func hAnswerCallback(s *Server, c *call) (any, error) {
	id := c.req.Get("callback_query_id")
	answered, ok := s.callbacks[id]
	if !ok || answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf16Len(c.req.Get("text")) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.callbacks[id] = true
	return true, nil
}

// ---- forum topics ----

var topicColors = map[int]bool{7322096: true, 16766590: true, 13338331: true, 9367192: true, 16749490: true, 16478047: true}

func checkTopicName(name string) *apiError {
	if n := utf16Len(name); n < 1 || n > 128 {
		return badRequest("TOPIC_TITLE_INVALID")
	}
	return nil
}

func topicJSON(t *Topic) map[string]any {
	o := map[string]any{"message_thread_id": t.ThreadID, "name": t.Name, "icon_color": t.IconColor}
	if t.IconCustomEmojiID != "" {
		o["icon_custom_emoji_id"] = t.IconCustomEmojiID
	}
	return o
}

func hCreateTopic(s *Server, c *call) (any, error) {
	if !c.chat.chat.IsForum {
		return nil, badRequest("the chat is not a forum")
	}
	name := c.req.Get("name")
	if err := checkTopicName(name); err != nil {
		return nil, err
	}
	color := 7322096
	if c.req.Has("icon_color") {
		color = int(c.req.Int("icon_color"))
		if !topicColors[color] {
			return nil, badRequest("invalid icon_color specified")
		}
	}
	t := &Topic{ThreadID: c.chat.allocID(), Name: name, IconColor: color, IconCustomEmojiID: c.req.Get("icon_custom_emoji_id")}
	c.chat.topics[t.ThreadID] = t
	return topicJSON(t), nil
}

func hEditTopic(s *Server, c *call) (any, error) {
	t, err := c.topic(int(c.req.Int("message_thread_id")), false)
	if err != nil {
		return nil, err
	}
	changed := false
	if c.req.Has("name") {
		name := c.req.Get("name")
		if err := checkTopicName(name); err != nil {
			return nil, err
		}
		changed = changed || name != t.Name
		t.Name = name
	}
	if c.req.Has("icon_custom_emoji_id") {
		v := c.req.Get("icon_custom_emoji_id")
		changed = changed || v != t.IconCustomEmojiID
		t.IconCustomEmojiID = v
	}
	if !changed {
		return nil, badRequest("TOPIC_NOT_MODIFIED")
	}
	return true, nil
}

func setTopicClosed(c *call, closed bool) (any, error) {
	t, err := c.topic(int(c.req.Int("message_thread_id")), false)
	if err != nil {
		return nil, err
	}
	if t.Closed == closed {
		return nil, badRequest("TOPIC_NOT_MODIFIED")
	}
	t.Closed = closed
	return true, nil
}

func hCloseTopic(_ *Server, c *call) (any, error)  { return setTopicClosed(c, true) }
func hReopenTopic(_ *Server, c *call) (any, error) { return setTopicClosed(c, false) }

func hDeleteTopic(_ *Server, c *call) (any, error) {
	tid := int(c.req.Int("message_thread_id"))
	if _, err := c.topic(tid, false); err != nil {
		return nil, err
	}
	delete(c.chat.topics, tid)
	for _, m := range slices.Clone(c.chat.msgs) {
		if m.ThreadID == tid {
			c.chat.deleteMessage(m.ID)
		}
	}
	return true, nil
}

// ---- commands ----

var (
	commandRe  = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	langCodeRe = regexp.MustCompile(`^[a-z]{2}$`)
)

// scopeKey canonicalises a BotCommandScope param (see CommandsScope).
func (s *Server) scopeKey(c *call) (string, *apiError) {
	lang := c.req.Get("language_code")
	if lang != "" && !langCodeRe.MatchString(lang) {
		return "", badRequest("invalid language code specified")
	}
	raw := c.req.Get("scope")
	if raw == "" || raw == "null" {
		return "default|" + lang, nil
	}
	var sc struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(raw), &sc); err != nil {
		return "", badRequest("can't parse scope JSON object")
	}
	chatID := func() (string, *apiError) {
		if len(sc.ChatID) == 0 {
			return "", badRequest("can't parse scope JSON object: Field \"chat_id\" must be of type Integer or String")
		}
		st, err := s.resolveChatLocked(strings.Trim(string(sc.ChatID), `"`))
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(st.chat.ID, 10), nil
	}
	switch sc.Type {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		return sc.Type + "|" + lang, nil
	case "chat", "chat_administrators":
		id, err := chatID()
		if err != nil {
			return "", err
		}
		return sc.Type + ":" + id + "|" + lang, nil
	case "chat_member":
		id, err := chatID()
		if err != nil {
			return "", err
		}
		if _, ok := s.users[sc.UserID]; !ok {
			return "", badRequest("user not found")
		}
		return fmt.Sprintf("chat_member:%s:%d|%s", id, sc.UserID, lang), nil
	}
	return "", badRequest("unsupported bot command scope type \"%s\"", sc.Type)
}

func hSetCommands(s *Server, c *call) (any, error) {
	key, err := s.scopeKey(c)
	if err != nil {
		return nil, err
	}
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(c.req.Get("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON array")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, cmd := range cmds {
		if !commandRe.MatchString(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(cmd.Description); n < 1 || n > 256 || strings.TrimSpace(cmd.Description) == "" {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
	}
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	return true, nil
}

func hGetCommands(s *Server, c *call) (any, error) {
	key, err := s.scopeKey(c)
	if err != nil {
		return nil, err
	}
	if cmds := s.commands[key]; cmds != nil {
		return cmds, nil
	}
	return []any{}, nil
}

func hDeleteCommands(s *Server, c *call) (any, error) {
	key, err := s.scopeKey(c)
	if err != nil {
		return nil, err
	}
	delete(s.commands, key)
	return true, nil
}

// ---- chats ----

func hGetChatMember(s *Server, c *call) (any, error) {
	uid := c.req.Int("user_id")
	u, known := s.users[uid]
	status, member := c.chat.members[uid]
	if !known && !member {
		return nil, badRequest("user not found")
	}
	if !member {
		switch {
		case c.chat.chat.Type == models.ChatTypePrivate && (uid == c.chat.chat.ID || uid == s.botUser.ID):
			status = "member"
		case uid == s.botUser.ID:
			status = "member"
		default:
			status = "left"
		}
	}
	o := map[string]any{"status": status, "user": s.userJSON(u)}
	switch status {
	case "creator":
		o["is_anonymous"] = false
	case "administrator":
		for _, k := range []string{"can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
			"can_promote_members", "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
			"can_delete_stories", "can_pin_messages", "can_manage_topics"} {
			o[k] = true
		}
		o["can_be_edited"] = false
		o["is_anonymous"] = false
	case "restricted":
		o["is_member"] = true
		o["until_date"] = 0
		for _, k := range []string{"can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
			"can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
			"can_send_other_messages", "can_add_web_page_previews", "can_change_info", "can_invite_users",
			"can_pin_messages", "can_manage_topics"} {
			o[k] = false
		}
	case "kicked":
		o["until_date"] = 0
	}
	return o, nil
}

func hGetChat(s *Server, c *call) (any, error) {
	o := chatJSON(c.chat.chat)
	o["accent_color_id"] = 0
	o["max_reaction_count"] = 11
	o["accepted_gift_types"] = map[string]any{
		"unlimited_gifts": false, "limited_gifts": false, "unique_gifts": false, "premium_subscription": false,
	}
	return o, nil
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true, "record_voice": true,
	"upload_voice": true, "upload_document": true, "choose_sticker": true, "find_location": true,
	"record_video_note": true, "upload_video_note": true,
}

func hChatAction(_ *Server, c *call) (any, error) {
	if !chatActions[c.req.Get("action")] {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

func hGetFile(_ *Server, c *call) (any, error) {
	id := c.req.Get("file_id")
	return map[string]any{
		"file_id": id, "file_unique_id": "AgADbottest" + strconv.Itoa(len(id)), "file_size": 1024,
		"file_path": "documents/file_" + strconv.Itoa(len(id)) + ".bin",
	}, nil
}
