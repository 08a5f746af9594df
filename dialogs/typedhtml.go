package dialogs

import (
	"regexp"
	"strings"
)

// HTMLProblem says what is wrong with a text that uses Telegram's HTML tags
// and breaks them, in terms a person can act on. Kind is one of the
// HTMLProblem... codes; Tag is the tag as it was written («<br>», «</i>»);
// Want is the end tag expected instead, when there is one.
type HTMLProblem struct {
	Kind string
	Tag  string
	Want string
	Err  error // the parser's own words, for a log
}

func (p *HTMLProblem) Error() string {
	return "dialogs: " + p.Kind + " " + p.Tag + ": " + p.Err.Error()
}

// The kinds of HTMLProblem.
const (
	HTMLUnknownTag = "unknown_tag" // an HTML tag Telegram has not (<br>, <p>)
	HTMLUnclosed   = "unclosed"    // <b> with no </b>
	HTMLStrayEnd   = "stray_end"   // </b> with no <b>
	HTMLCrossed    = "crossed"     // <b><i></b></i>
	HTMLBadTag     = "bad_tag"     // a known tag written wrong (<a href=https://…>, <span>)
	HTMLOther      = "other"       // anything else (a character reference)
)

// tagLike is what reads as an HTML tag: «<», maybe «/», a Latin name, and
// «>», with attributes between.
var tagLike = regexp.MustCompile(`^</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>`)

// commonTags are HTML tags that Telegram does not have but that someone who
// writes HTML would use: typed, they mean markup, not text.
var commonTags = map[string]bool{
	"br": true, "p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "img": true, "hr": true, "font": true, "table": true, "tr": true,
	"td": true, "th": true, "sup": true, "sub": true, "small": true, "big": true, "mark": true, "center": true,
	"html": true, "body": true, "head": true, "title": true, "script": true, "style": true, "iframe": true,
	"section": true, "article": true, "header": true, "footer": true, "nav": true, "abbr": true, "q": true,
	"cite": true, "kbd": true, "var": true, "tt": true, "label": true, "button": true, "input": true,
	"form": true, "nobr": true, "wbr": true, "dl": true, "dt": true, "dd": true,
}

// TypedHTML makes what a person typed into Telegram HTML that shows as they
// meant it. Valid HTML stays as it is. Otherwise a «&» that begins no
// character reference and a «<» that begins no HTML tag are escaped, so
// «Вартість < 500 грн & без черги > 2 год» shows exactly as typed; and if
// the tags themselves are broken, the error is an *HTMLProblem.
func TypedHTML(src string) (string, error) {
	if _, _, err := ParseHTML(src); err == nil {
		return src, nil
	}
	var b strings.Builder
	var tags []string
	for i := 0; i < len(src); {
		switch src[i] {
		case '&':
			if _, size, ok := decodeEntity(src[i:]); ok {
				b.WriteString(src[i : i+size])
				i += size
				continue
			}
			b.WriteString("&amp;")
			i++
		case '<':
			if m := tagLike.FindStringSubmatch(src[i:]); m != nil {
				if name := strings.ToLower(m[1]); htmlTags[name] || commonTags[name] {
					b.WriteString(m[0])
					tags = append(tags, m[0])
					i += len(m[0])
					continue
				}
			}
			b.WriteString("&lt;")
			i++
		default:
			b.WriteByte(src[i])
			i++
		}
	}
	fixed := b.String()
	_, _, err := ParseHTML(fixed)
	if err == nil {
		return fixed, nil
	}
	return "", diagnoseTags(tags, err)
}

// diagnoseTags finds the first thing wrong with tags, in the order written.
func diagnoseTags(tags []string, err error) *HTMLProblem {
	name := func(tag string) string {
		return strings.ToLower(tagLike.FindStringSubmatch(tag)[1])
	}
	type open struct{ tag, name string }
	var stack []open
	for _, tag := range tags {
		n := name(tag)
		if !htmlTags[n] {
			return &HTMLProblem{Kind: HTMLUnknownTag, Tag: tag, Err: err}
		}
		if strings.HasPrefix(tag, "</") {
			switch {
			case len(stack) == 0:
				return &HTMLProblem{Kind: HTMLStrayEnd, Tag: tag, Err: err}
			case stack[len(stack)-1].name != n:
				return &HTMLProblem{Kind: HTMLCrossed, Tag: tag, Want: "</" + stack[len(stack)-1].name + ">", Err: err}
			}
			stack = stack[:len(stack)-1]
			continue
		}
		// A start tag on its own, closed at once, shows whether it is
		// written as Telegram takes it (attributes, a link's address).
		if _, _, e := ParseHTML(tag + "x</" + n + ">"); e != nil {
			return &HTMLProblem{Kind: HTMLBadTag, Tag: tag, Err: err}
		}
		stack = append(stack, open{tag, n})
	}
	if len(stack) > 0 {
		o := stack[len(stack)-1]
		return &HTMLProblem{Kind: HTMLUnclosed, Tag: o.tag, Want: "</" + o.name + ">", Err: err}
	}
	return &HTMLProblem{Kind: HTMLOther, Err: err}
}
