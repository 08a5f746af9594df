package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Callback data is short ASCII: a prefix naming the action, a colon, and an
// argument. Never text a person reads; Telegram allows 64 bytes.
const (
	cbLanguage = "l" // l:uk — choose a language
	cbMenu     = "m" // m:help — a main-menu item
)

func callbackData(action, arg string) string { return action + ":" + arg }

// parseCallback splits callback data into its action and argument.
func parseCallback(data string) (action, arg string) {
	action, arg, _ = strings.Cut(data, ":")
	return action, arg
}

// Keyboard is an inline keyboard as the Bot API takes it. It is ours, not
// go-telegram/bot's models.InlineKeyboardMarkup, because that one sends
// "copy_text":{"text":""} on every button, which Telegram refused with
// BUTTON_COPY_TEXT_INVALID at least once (go-telegram/bot PR #167); we send
// only the fields we mean.
type Keyboard struct {
	InlineKeyboard [][]Button `json:"inline_keyboard"`
}

// Button is an inline keyboard button with callback data or a URL.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

func button(text, action, arg string) Button {
	return Button{Text: text, CallbackData: callbackData(action, arg)}
}

func keyboard(rows ...[]Button) *Keyboard {
	return &Keyboard{InlineKeyboard: rows}
}

// menuKeyboard is the citizen's main menu.
func (a *App) menuKeyboard(lang string) *Keyboard {
	return keyboard(
		[]Button{button(a.text.Text(lang, "menu.faq"), cbMenu, "faq")},
		[]Button{
			button(a.text.Text(lang, "menu.rate"), cbMenu, "rate"),
			button(a.text.Text(lang, "menu.mystery"), cbMenu, "mystery"),
		},
		[]Button{button(a.text.Text(lang, "ticket.ask_person"), cbOperator, "m")},
		[]Button{button(a.text.Text(lang, "menu.report"), cbMenu, "report")},
		[]Button{
			button(a.text.Text(lang, "menu.help"), cbMenu, "help"),
			button(a.text.Text(lang, "menu.language"), cbMenu, "lang"),
		},
	)
}

// paged cuts n items into pages of size: it returns the bounds of page
// (clamped to the pages there are) and, when there is more than one page,
// the row that moves between them; to(p) is the callback action and
// argument that shows page p.
func paged(n, size, page int, to func(p int) (action, arg string)) (from, until int, nav []Button) {
	pages := max(1, (n+size-1)/size)
	page = min(max(page, 0), pages-1)
	if pages > 1 {
		if page > 0 {
			action, arg := to(page - 1)
			nav = append(nav, button("◀️", action, arg))
		}
		action, arg := to(page)
		nav = append(nav, button(fmt.Sprintf("%d / %d", page+1, pages), action, arg))
		if page < pages-1 {
			action, arg := to(page + 1)
			nav = append(nav, button("▶️", action, arg))
		}
	}
	return page * size, min(n, (page+1)*size), nav
}

// seal appends to a button's argument a short MAC of it and the person it
// is shown to, so that a forged press (another citizen's question id, say)
// is recognised: only the bot, which knows its token, can make one.
func (a *App) seal(userID int64, arg string) string {
	return arg + "." + a.mac(userID, arg)
}

// unseal returns the argument of a sealed button pressed by userID, and
// whether it is genuine.
func (a *App) unseal(userID int64, sealed string) (string, bool) {
	i := strings.LastIndexByte(sealed, '.')
	if i < 0 {
		return "", false
	}
	arg := sealed[:i]
	return arg, hmac.Equal([]byte(sealed[i+1:]), []byte(a.mac(userID, arg)))
}

func (a *App) mac(userID int64, arg string) string {
	m := hmac.New(sha256.New, []byte("servicebot button seal\x00"+a.cfg.Token))
	fmt.Fprintf(m, "%d\x00%s", userID, arg)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:9]) // 12 characters
}

// channelList lists the pack's official channels of the given kinds, one
// a line with its link and note, for a message in HTML.
func (a *App) channelList(lang string, kinds ...string) string {
	var b strings.Builder
	content := a.contentLang(lang)
	for _, c := range a.pack.Channels {
		if !slices.Contains(kinds, c.Kind) {
			continue
		}
		fmt.Fprintf(&b, "\n• <a href=\"%s\">%s</a>", html.EscapeString(c.URL), html.EscapeString(a.text2(c.Title, content)))
		if note := a.text2(c.Note, content); note != "" {
			b.WriteString(" — " + html.EscapeString(note))
		}
	}
	return b.String()
}

// shortLabel is the longest label (in characters) that still reads whole
// in one of two buttons side by side on a phone.
const shortLabel = 20

// pairUp lays buttons out two to a row, in order, where both labels are
// short enough to be read side by side; a long one gets a row of its own.
func pairUp(buttons []Button, short int) [][]Button {
	var rows [][]Button
	for i := 0; i < len(buttons); i++ {
		b := buttons[i]
		if i+1 < len(buttons) && utf8.RuneCountInString(b.Text) <= short && utf8.RuneCountInString(buttons[i+1].Text) <= short {
			rows = append(rows, []Button{b, buttons[i+1]})
			i++
			continue
		}
		rows = append(rows, []Button{b})
	}
	return rows
}
