package dialogs

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Fuzz targets for the text people and Telegram hand the domain: deep-link
// payloads, questions typed for the FAQ, Telegram HTML, and questionnaire
// answers. `go test` runs the seeds and testdata/fuzz; `go test -fuzz
// '^FuzzX$'` explores further (see .ci/run).

var startPayload = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// FuzzParseStartLink: what ParseStartLink accepts is what a t.me link can
// carry, and it splits into parts that make the payload again.
func FuzzParseStartLink(f *testing.F) {
	for _, s := range []string{
		"r_kyiv1_3", "m_kyiv1", "r", "r_", "r__x", "_r", "-", "--_", "", "ü", "r kyiv1", "r_kyiv1\n",
		strings.Repeat("a", 64), strings.Repeat("a", 65), "r_kyiv1_3_4_5_6_7_8_9", "%72_kyiv1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		l, err := ParseStartLink(payload)
		if err != nil {
			if !errors.Is(err, ErrBadStartPayload) {
				t.Errorf("%q: error %v is not ErrBadStartPayload", payload, err)
			}
			if startPayload.MatchString(payload) && !strings.HasPrefix(payload, "_") {
				t.Errorf("%q is a payload a link can carry, yet refused", payload)
			}
			return
		}
		if !startPayload.MatchString(payload) {
			t.Errorf("%q accepted; a t.me link cannot carry it", payload)
		}
		if l.Raw != payload || l.Kind == "" {
			t.Errorf("%q parsed as %+v", payload, l)
		}
		if got := strings.Join(append([]string{l.Kind}, l.Args...), "_"); got != payload {
			t.Errorf("%q splits into %+v, which make %q", payload, l, got)
		}
	})
}

// packQueries are the test questions of both packs (testdata/*_queries.yaml).
func packQueries(f *testing.F) []string {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "*_queries.yaml"))
	var out []string
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var qs []struct {
			Q string `yaml:"q"`
		}
		if err := yaml.Unmarshal(raw, &qs); err != nil {
			f.Fatalf("%s: %v", p, err)
		}
		for _, q := range qs {
			out = append(out, q.Q)
		}
	}
	if len(out) == 0 {
		f.Fatal("no test questions in testdata")
	}
	return out
}

// FuzzFold: normalizing what people type never panics, folding twice
// changes nothing, and what comes out has no upper case.
func FuzzFold(f *testing.F) {
	for _, q := range packQueries(f) {
		f.Add(q)
	}
	for _, s := range []string{"", "ǅ Σς İ ẞ K", "об'єкт обʼєкт об’єкт", "SHCHUKA tsya", "0671234567 +38 (067) 123-45-67", "\xff\xfe", "a\u0301й"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		folded := Fold(s)
		terms := Terms(s)
		masked := MaskDigits(s)
		if !utf8.ValidString(s) {
			return // people's text arrives as UTF-8
		}
		if again := Fold(folded); again != folded {
			t.Errorf("Fold(%q) = %q, and folded again %q", s, folded, again)
		}
		for _, r := range folded {
			if unicode.IsUpper(r) {
				t.Errorf("Fold(%q) = %q keeps the upper-case %q (%U)", s, folded, r, r)
				break
			}
		}
		for _, w := range terms {
			if w == "" || strings.ContainsRune(w, ' ') {
				t.Errorf("Terms(%q) = %q: an empty or spaced term", s, terms)
				break
			}
		}
		if utf8.RuneCountInString(masked) != utf8.RuneCountInString(s) {
			t.Errorf("MaskDigits(%q) = %q changes the length", s, masked)
		}
	})
}

var entityTypes = map[string]bool{
	"bold": true, "italic": true, "underline": true, "strikethrough": true, "spoiler": true, "code": true, "pre": true,
	"text_link": true, "custom_emoji": true, "blockquote": true, "expandable_blockquote": true,
}

// FuzzParseHTML: the Telegram HTML parser never panics, and what it
// accepts gives plain text no longer than the source and entities inside it.
func FuzzParseHTML(f *testing.F) {
	for _, id := range ShippedPacks() {
		p, err := LoadShippedPack(id)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range p.Entries {
			for _, lang := range p.Languages {
				f.Add(e.Answer.In(lang))
			}
		}
	}
	for _, s := range []string{
		"", "&", "&amp;&lt;&gt;&quot;&#39;&#x1F602;&#55357;", "<b>a<i>b</i></b>", "<b>a</i>", "</b>", "<a href=\"https://x/?a=1&b=2\">x</a>",
		"<a href=x>y</a>", "<a>https://x</a>", "<pre><code class=\"language-go\">x</code></pre>", "<span class=\"tg-spoiler\">s</span>",
		"<tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>", "<blockquote expandable>q</blockquote>", "<b ", "<b x=1 y='2' z=\"3\">a</b>",
		"<B>a</B>", "<br>", "a\x00b", "<b>\xff</b>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		plain, ents, err := ParseHTML(src)
		if err != nil {
			var he *HTMLError
			if !errors.As(err, &he) {
				t.Errorf("%q: error %v is not an HTMLError", src, err)
			}
			return
		}
		if len(plain) > len(src) {
			t.Errorf("%q gives the longer plain text %q", src, plain)
		}
		if !utf8.ValidString(src) {
			return // the Bot API refuses text that is not UTF-8 before parsing it
		}
		n := UTF16Len(plain)
		for i, e := range ents {
			if !entityTypes[e.Type] || e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > n {
				t.Errorf("%q: entity %+v outside the plain text %q (%d UTF-16 units)", src, e, plain, n)
			}
			if i > 0 && ents[i-1].Offset > e.Offset {
				t.Errorf("%q: entities out of order: %+v", src, ents)
			}
		}
	})
}

// FuzzApply walks the hsc mystery-shopper questionnaire with whatever a
// person may press or type. Apply never panics and never changes the answers
// it is given; an error leaves them as they were; an accepted answer leaves
// only answers to questions that are asked, and Next, Complete and Progress
// agree with Visible.
//
// Each step takes two bytes of script: the question (even: the next one
// asked; odd: any question, asked or not) and what the person does.
func FuzzApply(f *testing.F) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		f.Fatal(err)
	}
	q, ok := p.Questionnaire("mystery")
	if !ok {
		f.Fatal("the hsc pack has no mystery questionnaire")
	}
	var centres []string
	for _, c := range p.Centres {
		centres = append(centres, c.ID)
	}
	var all []*Question
	for si := range q.Sections {
		for qi := range q.Sections[si].Questions {
			all = append(all, &q.Sections[si].Questions[qi])
		}
	}
	today := time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)

	f.Add(slices.Repeat([]byte{0, 0}, 60), "")
	f.Add(slices.Repeat([]byte{0, 1, 0, 9, 0, 2}, 30), "12.06")
	f.Add(slices.Repeat([]byte{0, 3, 0, 4, 0, 6}, 30), "Черга була довга, але персонал ввічливий")
	f.Add([]byte{1, 5, 3, 7, 5, 0, 7, 8, 0, 255, 0, 254, 9, 3}, "2025-06-14")
	f.Add(slices.Repeat([]byte{0, 7, 0, 0, 2, 5}, 40), " 5 ")
	f.Fuzz(func(t *testing.T, script []byte, text string) {
		if len(script) > 400 || len(text) > 4000 {
			return
		}
		ans := Answers{}
		for i := 0; i+1 < len(script); i += 2 {
			var qq *Question
			if script[i]%2 == 0 {
				if qq, _ = q.Next(ans); qq == nil {
					qq = all[int(script[i]/2)%len(all)]
				}
			} else {
				qq = all[int(script[i]/2)%len(all)]
			}
			in := fuzzInput(qq, script[i+1], text, centres, today)
			before := copyAnswers(ans)
			out, err := q.Apply(ans, qq.ID, in, centres)
			if !reflect.DeepEqual(ans, before) {
				t.Fatalf("Apply(%s, %+v) changed the answers it was given:\nbefore %v\nafter  %v", qq.ID, in, before, ans)
			}
			if err != nil {
				if !reflect.DeepEqual(out, ans) {
					t.Fatalf("Apply(%s, %+v) failed (%v) but returned other answers", qq.ID, in, err)
				}
				continue
			}
			checkAnswers(t, q, out, qq.ID, in)
			ans = out
		}
	})
}

// fuzzInput is what a person does at qq, chosen by b: a right button, a
// wrong one, typed text, a photo, Skip or Done.
func fuzzInput(qq *Question, b byte, text string, centres []string, today time.Time) Input {
	in := Input{Today: today}
	var choices []string
	for _, o := range qq.Options {
		choices = append(choices, o.ID)
	}
	choices = append(choices, qq.Choices()...)
	switch qq.Type {
	case QuestionRating5, QuestionScale10:
		for n := 0; n <= 10; n++ {
			choices = append(choices, strconv.Itoa(n))
		}
	case QuestionDate:
		choices = append(choices, ChoiceToday, ChoiceYesterday)
	case QuestionCentre:
		choices = append(choices, centres...)
	}
	choices = append(choices, "", "zz", "-1", "yes", "1")
	switch k := b % 8; {
	case k <= 2:
		in.Choice = choices[int(b/8)%len(choices)]
	case k == 3:
		in.Text = text
	case k == 4:
		in.Photo = "AgACAgIAAxkBAAIBQ2" + strconv.Itoa(int(b))
	case k == 5:
		in.Skip = true
	case k == 6:
		in.Done = true
	default:
		in.Choice, in.Text = choices[int(b/8)%len(choices)], text
	}
	return in
}

func copyAnswers(a Answers) Answers {
	if a == nil {
		return nil
	}
	out := make(Answers, len(a))
	for k, v := range a {
		v.Choice = slices.Clone(v.Choice)
		if v.Number != nil {
			n := *v.Number
			v.Number = &n
		}
		out[k] = v
	}
	return out
}

// checkAnswers checks answers Apply accepted for question id.
func checkAnswers(t *testing.T, q *Questionnaire, ans Answers, id string, in Input) {
	t.Helper()
	visible := q.Visible(ans)
	shown := map[string]bool{}
	for _, qq := range visible {
		shown[qq.ID] = true
	}
	// A multiple-choice question is being ticked (or has just had its last
	// option unticked) until Done.
	pending := !in.Done && q.Question(id) != nil && q.Question(id).Type == QuestionMulti
	for _, a := range ans {
		pending = pending || a.Pending
	}
	for k := range maps.Keys(ans) {
		// While a multiple-choice question is being ticked, answers its
		// change would hide are kept until Done (by design: ticking the
		// exam again must not lose the examiner's answers).
		if !shown[k] && !pending {
			t.Fatalf("after Apply(%s, %+v) question %s is not asked but keeps its answer %+v", id, in, k, ans[k])
		}
	}
	if a, ok := ans[id]; ok {
		if !a.Skipped && !a.Pending && len(a.Choice) == 0 && a.Number == nil && a.Text == "" {
			t.Fatalf("Apply(%s, %+v) stored an empty answer", id, in)
		}
	} else if !in.Done && !in.Skip && q.Question(id).Type != QuestionMulti {
		// Only a multi question's last option unticked leaves no answer;
		// anything else accepted must be stored, unless it hid its own
		// question, which conditions on earlier questions cannot do.
		t.Fatalf("Apply(%s, %+v) accepted the answer but did not keep it", id, in)
	}
	next, more := q.Next(ans)
	if more != !q.Complete(ans) {
		t.Fatalf("Next says more=%v, Complete says %v", more, q.Complete(ans))
	}
	if more {
		if !shown[next.ID] {
			t.Fatalf("Next is %s, which is not asked", next.ID)
		}
		if a, ok := ans[next.ID]; ok && !a.Pending {
			t.Fatalf("Next is %s, which is answered: %+v", next.ID, a)
		}
		if step, total, _ := q.Progress(ans, next.ID); step < 1 || step > total || total != len(visible) {
			t.Fatalf("Progress of %s: %d of %d, with %d questions asked", next.ID, step, total, len(visible))
		}
	}
}
