package dialogs

import "strings"

// LanguageFromTelegram maps Telegram's IETF language_code to the language the
// bot should speak. ok is false when the person should be asked to choose:
// only Ukrainian and Russian are taken for granted.
func LanguageFromTelegram(code string) (lang string, ok bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	switch code {
	case "uk":
		return "uk", true
	case "ru":
		return "ru", true
	}
	return "", false
}
