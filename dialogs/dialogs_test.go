package dialogs

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseStartLink(t *testing.T) {
	tests := []struct {
		in   string
		want StartLink
		err  bool
	}{
		{in: "r_kyiv1_3", want: StartLink{Raw: "r_kyiv1_3", Kind: "r", Args: []string{"kyiv1", "3"}}},
		{in: "mystery", want: StartLink{Raw: "mystery", Kind: "mystery", Args: []string{}}},
		{in: "a-b_C9", want: StartLink{Raw: "a-b_C9", Kind: "a-b", Args: []string{"C9"}}},
		{in: strings.Repeat("x", 64), want: StartLink{Raw: strings.Repeat("x", 64), Kind: strings.Repeat("x", 64), Args: []string{}}},
		{in: "", err: true},
		{in: strings.Repeat("x", 65), err: true},
		{in: "r kyiv", err: true},
		{in: "r_київ", err: true},
		{in: "<script>", err: true},
		{in: "_r", err: true},
		{in: "r%20x", err: true},
	}
	for _, tt := range tests {
		got, err := ParseStartLink(tt.in)
		if tt.err {
			if !errors.Is(err, ErrBadStartPayload) {
				t.Errorf("ParseStartLink(%q) err = %v, want ErrBadStartPayload", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseStartLink(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseStartLink(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestLanguageFromTelegram(t *testing.T) {
	tests := []struct {
		code string
		lang string
		ok   bool
	}{
		{"uk", "uk", true},
		{"uk-UA", "uk", true},
		{"UK", "uk", true},
		{"ru", "ru", true},
		{"ru-RU", "ru", true},
		{"en", "", false},
		{"be", "", false},
		{"", "", false},
		{"pt-br", "", false},
	}
	for _, tt := range tests {
		lang, ok := LanguageFromTelegram(tt.code)
		if lang != tt.lang || ok != tt.ok {
			t.Errorf("LanguageFromTelegram(%q) = %q, %v; want %q, %v", tt.code, lang, ok, tt.lang, tt.ok)
		}
	}
}
