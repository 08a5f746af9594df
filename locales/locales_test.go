package locales

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"

	"servicebot/dialogs"
)

func TestEveryMessageInEveryLanguage(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ref := map[string]bool{}
	for _, lang := range Languages {
		for _, id := range b.IDs(lang) {
			ref[id] = true
		}
	}
	if len(ref) < 10 {
		t.Fatalf("only %d messages loaded", len(ref))
	}
	for _, lang := range Languages {
		have := map[string]bool{}
		for _, id := range b.IDs(lang) {
			have[id] = true
		}
		for id := range ref {
			if !have[id] {
				t.Errorf("%s lacks %q", lang, id)
			}
		}
	}
}

// Ukrainian texts are Ukrainian (і, ї, є, no ы, ё, э, ъ), Russian texts are
// Russian (no і, ї, є, ґ).
func TestAlphabets(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range b.IDs(Ukrainian) {
		s := strings.ToLower(b.Text(Ukrainian, id, map[string]any{"Org": ""}))
		if strings.ContainsAny(s, "ыёэъ") {
			t.Errorf("uk %s has Russian letters: %q", id, s)
		}
	}
	for _, id := range b.IDs(Russian) {
		s := strings.ToLower(b.Text(Russian, id, map[string]any{"Org": ""}))
		if strings.ContainsAny(s, "іїєґ") {
			t.Errorf("ru %s has Ukrainian letters: %q", id, s)
		}
	}
	for _, id := range b.IDs(English) {
		s := b.Text(English, id, map[string]any{"Org": ""})
		for _, r := range s {
			if unicode.Is(unicode.Cyrillic, r) && id != "language.choose" {
				t.Errorf("en %s has Cyrillic: %q", id, s)
				break
			}
		}
	}
}

func TestUnknownLanguageFallsBackToEnglish(t *testing.T) {
	b, _ := Load()
	if got, want := b.Text("de", "menu.title"), b.Text(English, "menu.title"); got != want {
		t.Errorf("de: %q, want the English %q", got, want)
	}
}

// Every message renders, in every language; a message with plural forms
// renders with 1, 2, 5 and 21, which take different forms in Ukrainian and
// Russian, so each form the language needs is there. Every field a
// template names is given, so «<no value>» in the output means a template
// and its callers disagree; none may stay unrendered either.
func TestEveryMessageRendersWithEveryCount(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	field := regexp.MustCompile(`\{\{\s*\.([A-Za-z]+)\s*\}\}`)
	for _, lang := range Languages {
		raw, err := files.ReadFile(lang + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		data := map[string]any{}
		for _, m := range field.FindAllStringSubmatch(string(raw), -1) {
			data[m[1]] = "x"
		}
		plurals := 0
		for _, id := range b.IDs(lang) {
			var outs []string
			if _, plural := doc[id].(map[string]any); plural {
				plurals++
				for _, n := range []int{1, 2, 5, 21} {
					outs = append(outs, b.Count(lang, id, n, data))
				}
			} else {
				outs = append(outs, b.Text(lang, id, data))
			}
			for _, got := range outs {
				if got == id || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
					t.Errorf("%s %s renders as %q", lang, id, got)
				}
			}
		}
		if plurals == 0 {
			t.Errorf("%s: no message with plural forms was checked", lang)
		}
	}
}

// A word typed where several buttons wait is read as the button whose label
// or «_typed» forms it is, in any language, folded as dialogs.Fold folds it
// (turn.Env.TypedForm): no folded form may name two of the buttons read
// together, or the person's «ні» could be taken for «так».
func TestTypedFormsNameOneChoice(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	groups := [][]string{
		{"survey.yes", "survey.no", "survey.na"},
		{"survey.today", "survey.yesterday"},
		{"report.anonymous", "report.named"},
		{"survey.score_typed_1", "survey.score_typed_2", "survey.score_typed_3", "survey.score_typed_4", "survey.score_typed_5"},
	}
	for _, keys := range groups {
		owner := map[string]string{}
		for _, key := range keys {
			for _, lang := range Languages {
				forms := strings.Split(b.Text(lang, key+"_typed"), "|")
				if !strings.HasPrefix(key, "survey.score_typed") {
					forms = append(forms, b.Text(lang, key))
				} else {
					forms = strings.Split(b.Text(lang, key), "|")
				}
				for _, f := range forms {
					folded := dialogs.Fold(f)
					if f == key+"_typed" || folded == "" {
						continue
					}
					if o, ok := owner[folded]; ok && o != key {
						t.Errorf("%s: «%s» (%s) folds to «%s», which %s already names", key, f, lang, folded, o)
					}
					owner[folded] = key
				}
			}
		}
	}
}
