package bottest

import (
	"strings"

	"servicebot/dialogs"
)

// Entity is a MessageEntity produced by parsing formatted text.
type Entity = dialogs.HTMLEntity

func parseHTML(src string) (string, []Entity, error) { return dialogs.ParseHTML(src) }

func utf16Len(s string) int { return dialogs.UTF16Len(s) }

func markdownV2Plain(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '*', '_', '~', '|', '`', '[', ']':
		case '(':
			// drop "(url)" right after "]"
			if i > 0 && s[i-1] == ']' {
				if k := strings.IndexByte(s[i:], ')'); k >= 0 {
					i += k
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// markdownPlain approximates legacy Markdown plain text.
func markdownPlain(s string) string {
	return strings.NewReplacer("*", "", "_", "", "`", "", "[", "", "]", "").Replace(s)
}
