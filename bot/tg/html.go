package tg

import (
	"html"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"servicebot/dialogs"
)

// entityTags are the HTML tags of the entities kept, by entity type.
var entityTags = map[models.MessageEntityType]string{
	models.MessageEntityTypeBold:          "b",
	models.MessageEntityTypeItalic:        "i",
	models.MessageEntityTypeUnderline:     "u",
	models.MessageEntityTypeStrikethrough: "s",
	models.MessageEntityTypeSpoiler:       "tg-spoiler",
	models.MessageEntityTypeCode:          "code",
	models.MessageEntityTypePre:           "pre",
	models.MessageEntityTypeBlockquote:    "blockquote",
	models.MessageEntityTypeTextLink:      "a",
}

// EntitiesToHTML turns a message's text and formatting entities (what a
// Telegram client sends when staff use bold, italics, links) into the HTML
// the bot sends, escaping everything else.
func EntitiesToHTML(text string, ents []models.MessageEntity) string {
	units := utf16.Encode([]rune(text))
	type mark struct {
		at         int
		open       bool
		start, end int // the entity's range
		idx        int // its place among the entities, for ties
		tag        string
	}
	var marks []mark
	for i, e := range ents {
		tag, ok := entityTags[e.Type]
		if !ok {
			continue
		}
		open, close := "<"+tag+">", "</"+tag+">"
		if e.Type == models.MessageEntityTypeTextLink {
			open = `<a href="` + html.EscapeString(e.URL) + `">`
		}
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(units) {
			continue
		}
		marks = append(marks, mark{e.Offset, true, e.Offset, e.Offset + e.Length, i, open}, mark{e.Offset + e.Length, false, e.Offset, e.Offset + e.Length, i, close})
	}
	// At one position closing comes before opening; tags nest: of two
	// opening together the longer opens first, and of two closing together
	// the one that opened later closes first.
	sort.SliceStable(marks, func(i, j int) bool {
		x, y := marks[i], marks[j]
		if x.at != y.at {
			return x.at < y.at
		}
		if x.open != y.open {
			return !x.open
		}
		if x.open {
			if x.end != y.end {
				return x.end > y.end
			}
			return x.idx < y.idx
		}
		if x.start != y.start {
			return x.start > y.start
		}
		return x.idx > y.idx
	})
	var out []byte
	pos := 0
	flush := func(to int) {
		if to > pos {
			out = append(out, html.EscapeString(string(utf16.Decode(units[pos:to])))...)
			pos = to
		}
	}
	for _, m := range marks {
		flush(m.at)
		out = append(out, m.tag...)
	}
	flush(len(units))
	return string(out)
}

// HasFormatting reports whether a message carries formatting entities.
func HasFormatting(ents []models.MessageEntity) bool {
	for _, e := range ents {
		switch e.Type {
		case models.MessageEntityTypeBold, models.MessageEntityTypeItalic, models.MessageEntityTypeUnderline,
			models.MessageEntityTypeStrikethrough, models.MessageEntityTypeSpoiler, models.MessageEntityTypeCode,
			models.MessageEntityTypePre, models.MessageEntityTypeBlockquote, models.MessageEntityTypeTextLink:
			return true
		}
	}
	return false
}

// JoinWithin joins pieces of Telegram HTML, each well formed on its own,
// while the text Telegram will show stays within limit characters (UTF-16
// units, after parsing). The first piece that would not fit, and every
// one after it, is left out and "…" says so: a cut never falls inside a
// tag or an entity such as &amp;, which Telegram would refuse.
func JoinWithin(pieces []string, limit int) string {
	var b strings.Builder
	n := 0
	for i, p := range pieces {
		l := VisibleLen(p)
		if n+l > limit || (i < len(pieces)-1 && n+l > limit-2) {
			b.WriteString("\n…")
			break
		}
		b.WriteString(p)
		n += l
	}
	return b.String()
}

// VisibleLen is how many UTF-16 units Telegram counts in an HTML text.
func VisibleLen(s string) int {
	plain, _, err := dialogs.ParseHTML(s)
	if err != nil {
		return dialogs.UTF16Len(s)
	}
	return dialogs.UTF16Len(plain)
}
