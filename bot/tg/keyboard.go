package tg

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// CallbackData joins a button's action and argument: short ASCII, never
// text a person reads (Telegram allows 64 bytes).
func CallbackData(action, arg string) string { return action + ":" + arg }

// ParseCallback splits callback data into its action and argument.
func ParseCallback(data string) (action, arg string) {
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

// CallbackButton is a button that sends action and arg back when pressed.
func CallbackButton(text, action, arg string) Button {
	return Button{Text: text, CallbackData: CallbackData(action, arg)}
}

// NewKeyboard lays buttons out in rows.
func NewKeyboard(rows ...[]Button) *Keyboard {
	return &Keyboard{InlineKeyboard: rows}
}

// Paged cuts n items into pages of size: it returns the bounds of page
// (clamped to the pages there are) and, when there is more than one page,
// the row that moves between them; to(p) is the callback action and
// argument that shows page p.
func Paged(n, size, page int, to func(p int) (action, arg string)) (from, until int, nav []Button) {
	pages := max(1, (n+size-1)/size)
	page = min(max(page, 0), pages-1)
	if pages > 1 {
		if page > 0 {
			action, arg := to(page - 1)
			nav = append(nav, CallbackButton("◀️", action, arg))
		}
		action, arg := to(page)
		nav = append(nav, CallbackButton(fmt.Sprintf("%d / %d", page+1, pages), action, arg))
		if page < pages-1 {
			action, arg := to(page + 1)
			nav = append(nav, CallbackButton("▶️", action, arg))
		}
	}
	return page * size, min(n, (page+1)*size), nav
}

// ShortLabel is the longest label (in characters) that still reads whole
// in one of two buttons side by side on a phone.
const ShortLabel = 20

// PairUp lays buttons out two to a row, in order, where both labels are
// short enough to be read side by side; a long one gets a row of its own.
func PairUp(buttons []Button, short int) [][]Button {
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
