package dialogs

import (
	"slices"
	"testing"
)

func TestParseHTMLEntities(t *testing.T) {
	tests := []struct {
		src   string
		plain string
		ents  []HTMLEntity
	}{
		{"😀<b>x</b>", "😀x", []HTMLEntity{{Type: "bold", Offset: 2, Length: 1}}},
		{"<b>a<i>б</i></b>", "aб", []HTMLEntity{{Type: "bold", Offset: 0, Length: 2}, {Type: "italic", Offset: 1, Length: 1}}},
		{`<a href="https://e.com/?a=1&amp;b=2">l</a>`, "l", []HTMLEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "https://e.com/?a=1&b=2"}}},
		{`<pre><code class="language-go">x</code></pre>`, "x", []HTMLEntity{{Type: "pre", Offset: 0, Length: 1, Language: "go"}}},
		{`<code>c</code>`, "c", []HTMLEntity{{Type: "code", Offset: 0, Length: 1}}},
		{`<blockquote expandable>q</blockquote>`, "q", []HTMLEntity{{Type: "expandable_blockquote", Offset: 0, Length: 1}}},
		{`<span class="tg-spoiler">s</span>`, "s", []HTMLEntity{{Type: "spoiler", Offset: 0, Length: 1}}},
		{`&lt;&#60;&#x3C;&quot;`, `<<<"`, nil},
		{`<b></b>x`, "x", nil},
	}
	for _, tc := range tests {
		plain, ents, err := ParseHTML(tc.src)
		if err != nil || plain != tc.plain || !slices.Equal(ents, tc.ents) {
			t.Errorf("ParseHTML(%q) = %q %+v %v, want %q %+v", tc.src, plain, ents, err, tc.plain, tc.ents)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	if n := UTF16Len("aж😀"); n != 4 {
		t.Fatalf("utf16Len = %d", n)
	}
}
