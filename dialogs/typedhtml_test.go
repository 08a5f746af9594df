package dialogs

import (
	"errors"
	"strings"
	"testing"
)

func TestTypedHTML(t *testing.T) {
	for _, c := range []struct {
		typed, want    string // want: the HTML kept, or "" when refused
		plain          string
		kind, tag, end string
	}{
		// Valid HTML stays as it is.
		{typed: "Вартість <b>500 грн</b> &amp; без черги", want: "Вартість <b>500 грн</b> &amp; без черги", plain: "Вартість 500 грн & без черги"},
		{typed: `Див. <a href="https://hsc.gov.ua/?a=1&b=2">сайт</a>`, want: `Див. <a href="https://hsc.gov.ua/?a=1&b=2">сайт</a>`, plain: "Див. сайт"},
		// Text with no tags shows as typed.
		{typed: "Вартість < 500 грн & без черги > 2 год", want: "Вартість &lt; 500 грн &amp; без черги > 2 год", plain: "Вартість < 500 грн & без черги > 2 год"},
		{typed: "Талон <швидкий> & VIP", want: "Талон &lt;швидкий> &amp; VIP", plain: "Талон <швидкий> & VIP"},
		{typed: "Натисніть <Enter>, a<b", want: "Натисніть &lt;Enter>, a&lt;b", plain: "Натисніть <Enter>, a<b"},
		// Tags that work, with a bare sign beside them.
		{typed: "<b>Ціна < 500 грн</b> & без черги", want: "<b>Ціна &lt; 500 грн</b> &amp; без черги", plain: "Ціна < 500 грн & без черги"},
		// Tags that try and fail.
		{typed: "Нова відповідь <b>без закриття", kind: HTMLUnclosed, tag: "<b>", end: "</b>"},
		{typed: "Рядок<br>другий", kind: HTMLUnknownTag, tag: "<br>"},
		{typed: "<p>Абзац</p>", kind: HTMLUnknownTag, tag: "<p>"},
		{typed: "текст</i> далі", kind: HTMLStrayEnd, tag: "</i>"},
		{typed: "<b><i>текст</b></i>", kind: HTMLCrossed, tag: "</b>", end: "</i>"},
		{typed: `<a href=https://x.ua>сайт</a> & ще`, kind: HTMLBadTag, tag: `<a href=https://x.ua>`},
		{typed: "<span>текст</span>", kind: HTMLBadTag, tag: "<span>"},
	} {
		got, err := TypedHTML(c.typed)
		if c.kind == "" {
			if err != nil || got != c.want {
				t.Errorf("TypedHTML(%q) = %q, %v; want %q", c.typed, got, err, c.want)
				continue
			}
			if plain, _, err := ParseHTML(got); err != nil || plain != c.plain {
				t.Errorf("TypedHTML(%q) shows %q (%v), want %q", c.typed, plain, err, c.plain)
			}
			continue
		}
		var p *HTMLProblem
		if !errors.As(err, &p) || p.Kind != c.kind || p.Tag != c.tag || p.Want != c.end {
			t.Errorf("TypedHTML(%q) = %q, %#v; want %s %q %q", c.typed, got, err, c.kind, c.tag, c.end)
		}
	}
}

// Whatever is typed, TypedHTML gives HTML that Telegram takes or says what
// is wrong; text with no tag in it always shows exactly as typed.
func FuzzTypedHTML(f *testing.F) {
	for _, s := range []string{"Вартість < 500 грн & без черги > 2 год", "<b>x</b> & y", "<b>", "&#xD800;", "a<b c>d", "<a href='x&y'>z</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		out, err := TypedHTML(typed)
		if err != nil {
			var p *HTMLProblem
			if !errors.As(err, &p) {
				t.Fatalf("TypedHTML(%q): %v is no HTMLProblem", typed, err)
			}
			return
		}
		plain, _, perr := ParseHTML(out)
		if perr != nil {
			t.Fatalf("TypedHTML(%q) = %q, which does not parse: %v", typed, out, perr)
		}
		if !strings.Contains(typed, "<") && !strings.Contains(typed, "&") && plain != typed {
			t.Fatalf("TypedHTML(%q) shows %q", typed, plain)
		}
	})
}
