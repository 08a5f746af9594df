// Package locales holds every text a person reads, in Ukrainian, Russian and
// English, as go-i18n message files, and the bundle that loads them.
//
// Texts are sent with parse_mode HTML: they may hold Telegram's HTML tags, and
// any value a caller puts into a template must already be HTML-escaped.
package locales

import (
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// The languages servicebot speaks. Default is used when a person's language
// is neither Ukrainian nor Russian.
const (
	Ukrainian = "uk"
	Russian   = "ru"
	English   = "en"
	Default   = English
)

// Languages lists the supported languages in the order they are offered.
var Languages = []string{Ukrainian, Russian, English}

// Bundle renders messages by id in a given language.
type Bundle struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	ids        map[string][]string
}

// Load parses the embedded message files.
func Load() (*Bundle, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	out := &Bundle{bundle: b, localizers: map[string]*i18n.Localizer{}, ids: map[string][]string{}}
	for _, lang := range Languages {
		name := lang + ".yaml"
		raw, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", name, err)
		}
		mf, err := b.ParseMessageFileBytes(raw, name)
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			out.ids[lang] = append(out.ids[lang], m.ID)
		}
		sort.Strings(out.ids[lang])
		out.localizers[lang] = i18n.NewLocalizer(b, lang)
	}
	return out, nil
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Text renders message id in lang with optional template data. An unknown
// language falls back to Default. A missing message renders as its id, which
// the tests forbid, so a person never sees one.
func (b *Bundle) Text(lang, id string, data ...map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := b.localizer(lang).Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Count renders a message with plural forms for n; n is also available to
// the template as {{.Count}}.
func (b *Bundle) Count(lang, id string, n int, data map[string]any) string {
	td := map[string]any{"Count": n}
	for k, v := range data {
		td[k] = v
	}
	s, err := b.localizer(lang).Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: td})
	if err != nil {
		return id
	}
	return s
}

// IDs lists the message ids defined for lang, sorted.
func (b *Bundle) IDs(lang string) []string { return b.ids[lang] }

func (b *Bundle) localizer(lang string) *i18n.Localizer {
	if l, ok := b.localizers[lang]; ok {
		return l
	}
	return b.localizers[Default]
}

// Decimal writes v with two decimals as people of lang read it: «4,60» in
// Ukrainian and Russian, «4.60» in English.
func Decimal(lang string, v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if lang == Ukrainian || lang == Russian {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
