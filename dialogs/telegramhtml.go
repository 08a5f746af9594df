package dialogs

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HTMLEntity is a MessageEntity produced by parsing Telegram HTML.
type HTMLEntity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`
	Language      string `json:"language,omitempty"`
	CustomEmojiID string `json:"custom_emoji_id,omitempty"`
}

// HTMLError says why Telegram would refuse a text as HTML; its Error() is
// the part of Telegram's answer after "Bad Request: can't parse entities: ".
type HTMLError struct{ msg string }

func (e *HTMLError) Error() string { return e.msg }

func perr(format string, args ...any) error {
	return &HTMLError{msg: fmt.Sprintf(format, args...)}
}

var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "s": true, "strike": true, "del": true,
	"u": true, "ins": true, "tg-spoiler": true, "tg-emoji": true, "span": true, "pre": true, "code": true,
	"blockquote": true,
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func isAlnum(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// decodeEntity decodes a strict HTML character reference at the start of s
// (s[0] == '&'): &lt; &gt; &amp; &quot; &#NNN; &#xHH;. The terminating ';'
// is required (Telegram tolerates its absence; we are strict on purpose).
func decodeEntity(s string) (r rune, size int, ok bool) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return 0, 0, false
	}
	name := s[1:end]
	switch name {
	case "lt":
		return '<', end + 1, true
	case "gt":
		return '>', end + 1, true
	case "amp":
		return '&', end + 1, true
	case "quot":
		return '"', end + 1, true
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return 0, 0, false
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if !('0' <= c && c <= '9') && !(base == 16 && (('a' <= c && c <= 'f') || ('A' <= c && c <= 'F'))) {
			return 0, 0, false
		}
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || v == 0 || v >= 0x10ffff {
		return 0, 0, false
	}
	return rune(v), end + 1, true
}

func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// utf16Len is the length of s in UTF-16 code units, which is how Telegram
// counts message length and entity offsets.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Units(r)
	}
	return n
}

type openTag struct {
	tag        string
	arg        string
	expandable bool
	offset     int // UTF-16 offset in the output
	begin      int // byte offset in the output
}

// ParseHTML parses Telegram's HTML subset strictly, the way the Bot API
// (tdlib parse_html) does, plus rejection of a bare '&'. It returns the
// plain text and the entities.
func ParseHTML(src string) (string, []HTMLEntity, error) {
	out := make([]byte, 0, len(src))
	u16 := 0
	var stack []openTag
	var ents []HTMLEntity
	n := len(src)
	for i := 0; i < n; {
		c := src[i]
		if c == '&' {
			r, size, ok := decodeEntity(src[i:])
			if !ok {
				return "", nil, perr("Character entity expected at byte offset %d (a bare '&' must be written as &amp;)", i)
			}
			if r >= 0xd800 && r <= 0xdfff {
				return "", nil, perr("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")
			}
			out = utf8.AppendRune(out, r)
			u16 += utf16Units(r)
			i += size
			continue
		}
		if c != '<' {
			if c&0xc0 != 0x80 {
				u16++
				if c >= 0xf0 {
					u16++
				}
			}
			out = append(out, c)
			i++
			continue
		}

		begin := i
		i++
		if i < n && src[i] == '/' {
			// end tag
			if len(stack) == 0 {
				return "", nil, perr("Unexpected end tag at byte offset %d", begin)
			}
			j := i + 1
			for j < n && !isHTMLSpace(src[j]) && src[j] != '>' {
				j++
			}
			name := strings.ToLower(src[i+1 : j])
			for j < n && isHTMLSpace(src[j]) {
				j++
			}
			if j >= n || src[j] != '>' {
				return "", nil, perr("Unclosed end tag at byte offset %d", begin)
			}
			top := stack[len(stack)-1]
			if name != "" && name != top.tag {
				return "", nil, perr("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.tag, name)
			}
			i = j + 1
			stack = stack[:len(stack)-1]
			if u16 > top.offset {
				e, err := closeEntity(top, u16, out, ents)
				if err != nil {
					return "", nil, err
				}
				if e != nil {
					ents = append(ents, *e)
				}
			}
			continue
		}

		// start tag
		j := i
		for j < n && !isHTMLSpace(src[j]) && src[j] != '>' {
			j++
		}
		if j >= n {
			return "", nil, perr("Unclosed start tag at byte offset %d", begin)
		}
		name := strings.ToLower(src[i:j])
		if !htmlTags[name] {
			return "", nil, perr("Unsupported start tag \"%s\" at byte offset %d", name, begin)
		}
		tag := openTag{tag: name, offset: u16, begin: len(out)}
		for {
			for j < n && isHTMLSpace(src[j]) {
				j++
			}
			if j >= n {
				return "", nil, perr("Unclosed start tag \"%s\" at byte offset %d", name, begin)
			}
			if src[j] == '>' {
				break
			}
			ab := j
			for j < n && !isHTMLSpace(src[j]) && src[j] != '=' && src[j] != '>' {
				j++
			}
			attr := src[ab:j]
			if attr == "" {
				return "", nil, perr("Empty attribute name in the tag \"%s\" at byte offset %d", name, begin)
			}
			for j < n && isHTMLSpace(src[j]) {
				j++
			}
			if j >= n {
				return "", nil, perr("Unclosed start tag \"%s\" at byte offset %d", name, begin)
			}
			if src[j] != '=' {
				if name == "blockquote" && attr == "expandable" {
					tag.expandable = true
					continue
				}
				return "", nil, perr("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, begin)
			}
			j++
			for j < n && isHTMLSpace(src[j]) {
				j++
			}
			if j >= n {
				return "", nil, perr("Unclosed start tag \"%s\" at byte offset %d", name, begin)
			}
			var val string
			if q := src[j]; q != '\'' && q != '"' {
				tb := j
				for j < n && (isAlnum(src[j]) || src[j] == '.' || src[j] == '-') {
					j++
				}
				val = strings.ToLower(src[tb:j])
				if j >= n {
					return "", nil, perr("Unclosed start tag at byte offset %d", begin)
				}
				if !isHTMLSpace(src[j]) && src[j] != '>' {
					return "", nil, perr("Unexpected end of name token at byte offset %d", tb)
				}
			} else {
				j++
				var vb []byte
				for j < n && src[j] != q {
					if src[j] == '&' {
						// Like Telegram, an undecodable '&' inside an
						// attribute value (e.g. a URL query) is kept as is.
						if r, size, ok := decodeEntity(src[j:]); ok {
							vb = utf8.AppendRune(vb, r)
							j += size
							continue
						}
					}
					vb = append(vb, src[j])
					j++
				}
				if j >= n {
					return "", nil, perr("Unclosed start tag at byte offset %d", begin)
				}
				j++
				val = string(vb)
			}
			switch {
			case name == "a" && attr == "href":
				tag.arg = val
			case name == "code" && attr == "class" && strings.HasPrefix(val, "language-"):
				tag.arg = val[len("language-"):]
			case name == "span" && attr == "class" && strings.HasPrefix(val, "tg-"):
				tag.arg = val[len("tg-"):]
			case name == "tg-emoji" && attr == "emoji-id":
				tag.arg = val
			}
		}
		if name == "span" && tag.arg != "spoiler" {
			return "", nil, perr("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
		}
		stack = append(stack, tag)
		i = j + 1
	}
	if len(stack) > 0 {
		return "", nil, perr("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].tag)
	}
	sort.SliceStable(ents, func(a, b int) bool {
		if ents[a].Offset != ents[b].Offset {
			return ents[a].Offset < ents[b].Offset
		}
		return ents[a].Length > ents[b].Length
	})
	return string(out), ents, nil
}

func closeEntity(t openTag, u16 int, out []byte, ents []HTMLEntity) (*HTMLEntity, error) {
	e := &HTMLEntity{Offset: t.offset, Length: u16 - t.offset}
	last := func() *HTMLEntity {
		if len(ents) == 0 {
			return nil
		}
		l := &ents[len(ents)-1]
		if l.Offset == e.Offset && l.Length == e.Length {
			return l
		}
		return nil
	}
	switch t.tag {
	case "i", "em":
		e.Type = "italic"
	case "b", "strong":
		e.Type = "bold"
	case "s", "strike", "del":
		e.Type = "strikethrough"
	case "u", "ins":
		e.Type = "underline"
	case "tg-spoiler", "span":
		e.Type = "spoiler"
	case "tg-emoji":
		id, err := strconv.ParseInt(t.arg, 10, 64)
		if err != nil || id == 0 {
			return nil, perr("Invalid custom emoji identifier specified")
		}
		e.Type, e.CustomEmojiID = "custom_emoji", t.arg
	case "a":
		url := t.arg
		if url == "" {
			url = string(out[t.begin:])
		}
		e.Type, e.URL = "text_link", url
	case "pre":
		if l := last(); l != nil && l.Type == "code" && l.Language != "" {
			l.Type = "pre"
			return nil, nil
		}
		e.Type = "pre"
	case "code":
		if l := last(); l != nil && l.Type == "pre" && t.arg != "" {
			l.Language = t.arg
			return nil, nil
		}
		e.Type, e.Language = "code", t.arg
	case "blockquote":
		e.Type = "blockquote"
		if t.expandable {
			e.Type = "expandable_blockquote"
		}
	default:
		return nil, nil
	}
	return e, nil
}

// markdownV2Plain is a rough, never-overcounting approximation of the plain
// text of a MarkdownV2 message, used only for the length limit.
