package locales

import (
	"strings"
	"testing"
	"unicode"
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
