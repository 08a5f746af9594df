package tg

import (
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// Command is a bot command found in a message: "/start r_kyiv1" is Name
// "start", Args "r_kyiv1".
type Command struct {
	Name string // lower case, without the slash
	Bot  string // the @username it was addressed to, "" if none
	Args string
}

// ParseCommand finds the command in a message. Telegram marks it with a
// bot_command entity whose offset and length count UTF-16 code units, so a
// command after Cyrillic text or an emoji must be cut out by UTF-16 position
// (go-telegram/bot cuts by bytes and misses it). A message without entities
// (some clients, forwarded text) is read from its leading "/word".
func ParseCommand(m *models.Message) (Command, bool) {
	if m == nil || m.Text == "" {
		return Command{}, false
	}
	for _, e := range m.Entities {
		if e.Type != models.MessageEntityTypeBotCommand {
			continue
		}
		cmd, rest, ok := cutUTF16(m.Text, e.Offset, e.Length)
		if !ok {
			continue
		}
		return splitCommand(cmd, rest)
	}
	if len(m.Entities) == 0 && strings.HasPrefix(m.Text, "/") {
		end := strings.IndexAny(m.Text, " \n\t")
		if end < 0 {
			end = len(m.Text)
		}
		return splitCommand(m.Text[:end], m.Text[end:])
	}
	return Command{}, false
}

// splitCommand reads "/name@bot" and the text after it.
func splitCommand(cmd, rest string) (Command, bool) {
	cmd = strings.TrimPrefix(cmd, "/")
	name, bot, _ := strings.Cut(cmd, "@")
	if name == "" || len(name) > 32 {
		return Command{}, false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return Command{}, false
		}
	}
	return Command{Name: strings.ToLower(name), Bot: bot, Args: strings.TrimSpace(rest)}, true
}

// cutUTF16 returns the part of s at a UTF-16 offset and length, and what
// follows it.
func cutUTF16(s string, offset, length int) (part, rest string, ok bool) {
	if offset < 0 || length <= 0 {
		return "", "", false
	}
	pos := 0 // in UTF-16 units
	start, end := -1, -1
	for i, r := range s {
		if pos == offset {
			start = i
		}
		if pos == offset+length {
			end = i
			break
		}
		pos += len(utf16.Encode([]rune{r}))
	}
	if start < 0 {
		return "", "", false
	}
	if end < 0 {
		if pos != offset+length {
			return "", "", false
		}
		end = len(s)
	}
	return s[start:end], s[end:], true
}
