// Package turn is what every room of the bot decides with: the Turn (one
// update, its transaction, who sent it, in which language to answer, and
// the effects it decided), the Env the rooms share (settings, store,
// texts, the content pack and its live FAQ), the replies every room sends,
// and the one registry of callback prefixes and dialog names.
//
// Nothing here calls Telegram: a turn's effects are kept in the outbox
// with its state and delivered after it commits (see bot/outbox).
package turn

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/outbox"
	"servicebot/store"
)

// Turn is one update being handled: its transaction, who sent it, in
// which language to answer, and what it decided should happen in Telegram.
type Turn struct {
	Tx     *sqlx.Tx
	Update *models.Update
	Chat   int64       // the chat to answer in
	User   *store.User // the citizen, in private chats
	// Seen is the private chat's user as read with the claim of the
	// update (store.Claimed.Seen): recorded as seen lately, so the turn
	// does not record them again. Nil when unknown.
	Seen   *store.User
	Lang   string
	Status int // store.InboxDone unless the update was ignored

	// What the turn wants to happen in Telegram: kept in the outbox with
	// the turn's state when it commits, and delivered after.
	effects []outbox.Effect
	// forget: the turn's effects leave no outbox rows once delivered
	// (/forget's answer).
	forget bool
	// onCommit: what to do once the turn's batch has committed.
	onCommit []func()
	// dropKeyboard: the reply keyboard (the location button) is to go with
	// the turn's first message that can carry its removal.
	dropKeyboard bool
}

// DropReplyKeyboard asks for the reply keyboard under the input field (the
// «📍 share location» button) to go. The turn's first message to the chat
// without buttons of its own carries the removal. When every one has
// buttons (Telegram takes one keyboard a message: a questionnaire's
// steps), nothing is sent for it: a note of its own before the step would
// be a second answer to one tap, which people (and the benchmark's
// citizens) take for the answer.
func (t *Turn) DropReplyKeyboard() { t.dropKeyboard = true }

// DropsReplyKeyboard tells whether the turn is to take the reply keyboard
// away, so that a message may leave its buttons off to carry the removal.
func (t *Turn) DropsReplyKeyboard() bool { return t.dropKeyboard }

// placeKeyboardRemoval carries out DropReplyKeyboard once the turn has
// decided everything else.
func (t *Turn) placeKeyboardRemoval() {
	if !t.dropKeyboard {
		return
	}
	t.dropKeyboard = false
	remove := &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	for i, e := range t.effects {
		if e.Chat != t.Chat || e.Method != "sendMessage" {
			continue
		}
		var p map[string]json.RawMessage
		if json.Unmarshal(e.Params, &p) != nil {
			continue
		}
		if _, has := p["reply_markup"]; has {
			continue
		}
		p["reply_markup"], _ = json.Marshal(remove)
		if raw, err := json.Marshal(p); err == nil {
			t.effects[i].Params = raw
			return
		}
	}
}

// OnCommit asks for f to be called once the turn has committed (never if
// it does not): to wake a background job that must find what the turn
// wrote.
func (t *Turn) OnCommit(f func()) { t.onCommit = append(t.onCommit, f) }

// Committed is what the turn asked to be done once it has committed.
func (t *Turn) Committed() []func() { return t.onCommit }

// Do adds effects to the turn. Nothing reaches Telegram unless the turn
// commits.
func (t *Turn) Do(effects ...outbox.Effect) {
	t.effects = append(t.effects, effects...)
}

// LeaveNoTrace makes the turn's effects leave no outbox rows once they are
// delivered (the answer to /forget).
func (t *Turn) LeaveNoTrace() { t.forget = true }

// Effects are what the turn decided, to be kept with its state.
func (t *Turn) Effects() []outbox.Effect {
	t.placeKeyboardRemoval()
	t.answerOnce()
	if t.forget {
		for i := range t.effects {
			t.effects[i] = t.effects[i].Forgotten()
		}
	}
	return t.effects
}

// answerOnce keeps one answer to the turn's callback query: Telegram
// refuses a second («query is too old … or query ID is invalid»), and a
// turn may make two (an Ack, then a stale button's own). The one that
// says something wins, else the first.
func (t *Turn) answerOnce() {
	n := 0
	for _, e := range t.effects {
		if e.Method == "answerCallbackQuery" {
			n++
		}
	}
	if n < 2 {
		return
	}
	keep := -1
	for i, e := range t.effects {
		if e.Method != "answerCallbackQuery" {
			continue
		}
		if keep < 0 || saysSomething(e) && !saysSomething(t.effects[keep]) {
			keep = i
		}
	}
	out := t.effects[:0]
	for i, e := range t.effects {
		if e.Method != "answerCallbackQuery" || i == keep {
			out = append(out, e)
		}
	}
	t.effects = out
}

// saysSomething tells an answer to a callback query that shows a text.
func saysSomething(e outbox.Effect) bool {
	var p struct {
		Text string `json:"text"`
	}
	json.Unmarshal(e.Params, &p)
	return p.Text != ""
}

// Handler decides what one update means: it reads and writes through t.Tx
// and adds to t what should happen in Telegram. An error rolls the turn
// back, effects and all; the update is tried again or set aside.
type Handler func(ctx context.Context, t *Turn) error

// ErrNotMine is what a room's handler returns for a message it was waiting
// for but cannot take (text where a questionnaire wanted a choice that it
// does not name, a town that names no centre): the message is then handled
// as if nothing had waited for it, so nothing a person types is lost.
var ErrNotMine = errors.New("turn: the message is not this dialog's")
