package bottest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

func (s *Server) chatLocked(id int64) *chatState { return s.chats[id] }

func (s *Server) newChatLocked(c models.Chat) *chatState {
	st := &chatState{
		chat:    c,
		known:   map[int]bool{},
		texts:   map[int]string{},
		kinds:   map[int]string{},
		albums:  map[int]string{},
		topics:  map[int]*Topic{},
		members: map[int64]string{},
	}
	if c.Type != models.ChatTypePrivate {
		// message 1 of a group is its creation service message; in forums,
		// thread 1 is the General topic, so topics start at 2
		st.nextID = 1
	}
	s.chats[c.ID] = st
	return st
}

// allocID returns the next message id of the chat.
func (st *chatState) allocID() int {
	st.nextID++
	st.known[st.nextID] = true
	return st.nextID
}

// noteID records a message id that exists in the chat.
func (st *chatState) noteID(id int) {
	if id <= 0 {
		return
	}
	st.known[id] = true
	if id > st.nextID {
		st.nextID = id
	}
}

func (st *chatState) botMessage(id int) *Message {
	for _, m := range st.msgs {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// albumOf is the media_group_id of message id of the chat ("" when it is
// in no album).
func (st *chatState) albumOf(id int) string {
	if m := st.botMessage(id); m != nil {
		return m.Album
	}
	return st.albums[id]
}

// chatByUsername finds a group, supergroup or channel by "@username".
func (s *Server) chatByUsername(name string) *chatState {
	name = strings.TrimPrefix(name, "@")
	for _, st := range s.chats {
		// like Telegram, users can't be addressed by @username
		if st.chat.Type != models.ChatTypePrivate && st.chat.Username != "" && strings.EqualFold(st.chat.Username, name) {
			return st
		}
	}
	return nil
}

// learnChatLocked registers or refreshes a chat seen in an update.
func (s *Server) learnChatLocked(c models.Chat) *chatState {
	if c.ID == 0 {
		return nil
	}
	st := s.chats[c.ID]
	if st == nil {
		st = s.newChatLocked(c)
	} else {
		// keep what AddChat said unless the update says more
		if c.Type != "" {
			st.chat.Type = c.Type
		}
		if c.Title != "" {
			st.chat.Title = c.Title
		}
		if c.Username != "" {
			st.chat.Username = c.Username
		}
		if c.FirstName != "" {
			st.chat.FirstName = c.FirstName
		}
		if c.LastName != "" {
			st.chat.LastName = c.LastName
		}
		st.chat.IsForum = st.chat.IsForum || c.IsForum
	}
	if c.Type == models.ChatTypePrivate {
		if _, ok := s.users[c.ID]; !ok {
			s.users[c.ID] = models.User{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Username: c.Username}
		}
	}
	return st
}

// learnUserLocked registers a user; a non-bot user's private chat becomes known.
func (s *Server) learnUserLocked(u models.User) {
	if u.ID == 0 {
		return
	}
	if old, ok := s.users[u.ID]; !ok || u.FirstName != "" {
		if ok && u.FirstName == "" {
			u = old
		}
		s.users[u.ID] = u
	}
	if u.IsBot {
		return
	}
	if s.chats[u.ID] == nil {
		s.newChatLocked(models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username})
	}
}

var chatTypes = map[string]bool{"private": true, "group": true, "supergroup": true, "channel": true}

// learnUpdateLocked walks a raw update and learns chats, users, message ids,
// forum topics, callback query ids and block status from it.
func (s *Server) learnUpdateLocked(raw []byte) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return
	}
	s.walkLocked(root)
	if cq, ok := root["callback_query"].(map[string]any); ok {
		if id, ok := cq["id"].(string); ok && id != "" {
			if _, seen := s.callbacks[id]; !seen {
				s.callbacks[id] = false
			}
		}
	}
	if mcm, ok := root["my_chat_member"].(map[string]any); ok {
		chat, _ := mcm["chat"].(map[string]any)
		ncm, _ := mcm["new_chat_member"].(map[string]any)
		if chat != nil && ncm != nil && chat["type"] == "private" {
			id := jsonInt(chat["id"])
			switch ncm["status"] {
			case "kicked":
				s.blocked[id] = true
			case "member":
				delete(s.blocked, id)
			}
		}
	}
}

func jsonInt(v any) int64 {
	if n, ok := v.(json.Number); ok {
		i, err := n.Int64()
		if err == nil {
			return i
		}
	}
	return 0
}

func remarshal(v any, dst any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, dst) == nil
}

func (s *Server) walkLocked(v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			s.walkLocked(e)
		}
	case map[string]any:
		if _, hasID := x["id"]; hasID {
			if t, ok := x["type"].(string); ok && chatTypes[t] {
				var c models.Chat
				if remarshal(x, &c) {
					s.learnChatLocked(c)
				}
			}
			if _, ok := x["is_bot"]; ok {
				var u models.User
				if remarshal(x, &u) {
					s.learnUserLocked(u)
				}
			}
		}
		if chat, ok := x["chat"].(map[string]any); ok {
			if _, ok := x["message_id"]; ok {
				var c models.Chat
				if remarshal(chat, &c) {
					if st := s.learnChatLocked(c); st != nil {
						s.learnMessageLocked(st, x)
					}
				}
			}
		}
		for _, e := range x {
			s.walkLocked(e)
		}
	}
}

// userMediaFields are the media a message from an update may carry, for
// copies of it: all but stickers and video notes take a caption.
var userMediaFields = []string{"photo", "video", "animation", "document", "audio", "voice", "sticker", "video_note"}

func (s *Server) learnMessageLocked(st *chatState, m map[string]any) {
	id := int(jsonInt(m["message_id"]))
	st.noteID(id)
	if t, ok := m["text"].(string); ok && id > 0 {
		st.texts[id] = t
	} else if t, ok := m["caption"].(string); ok && id > 0 {
		st.texts[id] = t
	}
	for _, k := range userMediaFields {
		if media, ok := m[k]; ok && id > 0 {
			st.kinds[id] = k
			s.learnFilesLocked(k, media)
			break
		}
	}
	if group, ok := m["media_group_id"].(string); ok && group != "" && id > 0 {
		st.albums[id] = group
	}
	if from, ok := m["from"].(map[string]any); ok && id > 0 && jsonInt(from["id"]) == s.botUser.ID && st.botMessage(id) == nil {
		s.adoptBotMessageLocked(st, id, m)
	}
	if created, ok := m["forum_topic_created"].(map[string]any); ok && id > 0 {
		t := st.topics[id]
		if t == nil {
			t = &Topic{ThreadID: id}
			st.topics[id] = t
		}
		t.Name, _ = created["name"].(string)
		t.IconColor = int(jsonInt(created["icon_color"]))
		t.IconCustomEmojiID, _ = created["icon_custom_emoji_id"].(string)
	}
	if isTopic, _ := m["is_topic_message"].(bool); isTopic {
		if tid := int(jsonInt(m["message_thread_id"])); tid > 0 {
			t := st.topics[tid]
			if t == nil {
				t = &Topic{ThreadID: tid, IconColor: 7322096}
				st.topics[tid] = t
			}
			if _, ok := m["forum_topic_closed"]; ok {
				t.Closed = true
			}
			if _, ok := m["forum_topic_reopened"]; ok {
				t.Closed = false
			}
		}
	}
}

// learnFilesLocked records the file ids of a message's media (a photo's
// every size), which the bot may then send by id.
func (s *Server) learnFilesLocked(kind string, media any) {
	var sizes []any
	switch v := media.(type) {
	case []any:
		sizes = v
	case map[string]any:
		sizes = []any{v}
	}
	for _, size := range sizes {
		if f, ok := size.(map[string]any); ok {
			if id, ok := f["file_id"].(string); ok && id != "" {
				s.files[id] = kind
			}
		}
	}
}

// adoptBotMessageLocked records a message sent by our bot that appears in a
// pushed update (e.g. callback_query.message built by a test), so the bot
// can edit it like one it sent through the server.
func (s *Server) adoptBotMessageLocked(st *chatState, id int, m map[string]any) {
	msg := &Message{ID: id, ChatID: st.chat.ID, Method: "update", At: time.Unix(jsonInt(m["date"]), 0), payload: map[string]any{}}
	entKey := "entities"
	if t, ok := m["text"].(string); ok {
		msg.Text, msg.textual = t, true
	} else {
		msg.Text, _ = m["caption"].(string)
		msg.captionable = true
		entKey = "caption_entities"
		for _, k := range []string{"photo", "document", "video", "audio", "voice", "animation"} {
			if v, ok := m[k]; ok {
				msg.payload[k] = v
			}
		}
	}
	msg.PlainText = msg.Text
	if v, ok := m[entKey]; ok {
		remarshal(v, &msg.Entities)
	}
	if v, ok := m["reply_markup"]; ok {
		if b, err := json.Marshal(v); err == nil {
			msg.ReplyMarkup = string(b)
		}
	}
	if v, ok := m["message_thread_id"]; ok {
		msg.ThreadID = int(jsonInt(v))
	}
	i, _ := slices.BinarySearchFunc(st.msgs, id, func(x *Message, id int) int { return x.ID - id })
	st.msgs = slices.Insert(st.msgs, i, msg)
}
