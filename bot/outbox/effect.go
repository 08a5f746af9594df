// Package outbox is the bot's one way to Telegram for what turns decide:
// an Effect is a Bot API call a turn (or a background job) adds to its own
// transaction, and the Deliverer makes the calls after the commit, in
// order per chat, within Telegram's limits, recording what Telegram
// answered where later turns look for it.
//
// At about 1,550 lines it is a little over the ~1,500 the rooms keep to:
// the deliverer, its sender's limits and its recorder share one lock on
// the outbox and one connection, and albums (an effect merged with its
// siblings at delivery) belong to how effects are sent.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"servicebot/store"
)

// Effect is one Bot API call to make once the transaction that decided it
// has committed. Its parameters are the Bot API's own JSON, built from
// go-telegram/bot's parameter types; the ids they need that Telegram has
// not given yet (the topic a ticket's messages go into, the message an edit
// changes) are named by slots and filled in when the effect is delivered.
type Effect struct {
	Chat    int64           `json:"c"`
	Method  string          `json:"m"`
	Params  json.RawMessage `json:"p"`
	Thread  *store.Slot     `json:"thread,omitempty"` // message_thread_id comes from this slot
	Target  *store.Slot     `json:"target,omitempty"` // message_id (the message an edit changes) comes from this slot
	ReplyTo *store.Slot     `json:"reply,omitempty"`  // reply_parameters.message_id comes from this slot
	Result  *store.Slot     `json:"result,omitempty"` // the message or topic made goes into this slot
	// Else is made instead when Telegram refuses this effect for good (an
	// edit of a message too old to edit becomes a new message).
	Else *Effect `json:"else,omitempty"`
	// Blocked is made instead when the chat does not take the bot's
	// messages (403: the citizen blocked the bot).
	Blocked *Effect `json:"blocked,omitempty"`
	// Refusable effects may be refused without harm: a callback answered
	// too late, a topic already closed, an edit of a message since deleted.
	Refusable bool `json:"refusable,omitempty"`
	// Forget effects leave no row once refused either (no delivered
	// effect keeps one): the report flow's, which would tie a person to an
	// integrity report, and /forget's own answer, which would name the
	// person forgotten.
	Forget bool `json:"forget,omitempty"`
	// Quiet effects send the person nothing (an edit that only takes
	// buttons away): they keep to the chat's pace, but do not count among
	// the bot's messages a second, which Telegram limits for what is sent.
	Quiet bool `json:"quiet,omitempty"`
	// Album makes the effect one part of an album (see InAlbum).
	Album *AlbumPart `json:"album,omitempty"`
	// Wait holds the effect as an album's part is held (WaitForAlbum).
	Wait bool `json:"wait,omitempty"`
	// Urgent effects go ahead of every queue: callback answers, which stop
	// the button's spinner and must come within Telegram's few seconds.
	Urgent   bool   `json:"-"`
	File     []byte `json:"-"`                // a document's content
	FileName string `json:"file,omitempty"`   // its name; Params holds the rest of sendDocument
	FileKey  string `json:"file_f,omitempty"` // the form field the file goes in ("document")
}

// Call is an effect calling method with params, one of go-telegram/bot's
// parameter types (tg.SendMessageParams...). chat is where it lands.
func Call(chat int64, method string, params any) Effect {
	raw, err := json.Marshal(params)
	if err != nil {
		// The parameter types are plain structs: this is a programming error.
		panic(fmt.Sprintf("outbox: cannot encode %s: %v", method, err))
	}
	return Effect{Chat: chat, Method: method, Params: raw}
}

// Send is a message of HTML text, with a keyboard when kb is not nil.
func Send(chat int64, text string, kb models.ReplyMarkup) Effect {
	p := &tg.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML}
	if !isNil(kb) {
		p.ReplyMarkup = kb
	}
	return Call(chat, "sendMessage", p)
}

// Edit puts HTML text (and the keyboard kb) in place of the bot's message
// msgID; when Telegram refuses (the message is too old, or gone) the text
// comes as a new message.
func Edit(chat int64, msgID int, text string, kb models.ReplyMarkup) Effect {
	p := &tg.EditMessageTextParams{ChatID: chat, MessageID: msgID, Text: text, ParseMode: models.ParseModeHTML}
	if !isNil(kb) {
		p.ReplyMarkup = kb
	}
	e := Call(chat, "editMessageText", p)
	send := Send(chat, text, kb)
	e.Else = &send
	return e
}

// Answer answers a callback query, so that the button stops spinning.
func Answer(chat int64, queryID, text string) Effect {
	e := Call(chat, "answerCallbackQuery", &tg.AnswerCallbackQueryParams{CallbackQueryID: queryID, Text: text})
	e.Urgent, e.Refusable = true, true
	return e
}

// Document sends a file with an HTML caption.
func Document(chat int64, thread int, name string, data []byte, caption string) Effect {
	e := Call(chat, "sendDocument", &struct {
		ChatID          int64            `json:"chat_id"`
		MessageThreadID int              `json:"message_thread_id,omitempty"`
		Caption         string           `json:"caption,omitempty"`
		ParseMode       models.ParseMode `json:"parse_mode,omitempty"`
	}{chat, thread, caption, models.ParseModeHTML})
	e.File, e.FileName, e.FileKey = data, name, "document"
	return e
}

// InThread takes the message's topic from slot.
func (e Effect) InThread(slot store.Slot) Effect { e.Thread = &slot; return e }

// Replying makes the message a reply to the one slot keeps (when it keeps one).
func (e Effect) Replying(slot store.Slot) Effect { e.ReplyTo = &slot; return e }

// Changing takes the message an edit changes from slot.
func (e Effect) Changing(slot store.Slot) Effect { e.Target = &slot; return e }

// Keeping writes what the effect makes (message or topic) into slot; its
// fallback, if any, keeps its result there too.
func (e Effect) Keeping(slot store.Slot) Effect {
	e.Result = &slot
	if e.Else != nil {
		alt := e.Else.Keeping(slot)
		e.Else = &alt
	}
	return e
}

// AlbumPart is an effect's place in an album: which album, and what the
// effect is in it, as an InputMedia of sendMediaGroup.
type AlbumPart struct {
	Group string          `json:"g"`              // the album: the chat it comes from and its media_group_id
	Lead  json.RawMessage `json:"lead"`           // the part as the album's first item
	Item  json.RawMessage `json:"item,omitempty"` // as any other item (Lead when empty)
}

// albumHold is how long an album's part waits for the others. Telegram
// brings an album as one update a part, all within a moment; each is
// decided by a turn of its own, one after another.
const albumHold = time.Second

// InAlbum makes e, a message copied from an album (Telegram's
// media_group_id, from the chat the album is in: group), one of its parts.
// The parts of one album queued for one chat and topic go together, as
// one album in one sendMediaGroup, in the place of the first: lead is
// what a part is as the album's first item, item what it is as any other
// (nil: the same). A part waits albumHold for the others; one that finds
// none is made as e (so is each part, should Telegram refuse the album).
func (e Effect) InAlbum(group string, lead, item models.InputMedia) Effect {
	part := &AlbumPart{Group: group, Lead: inputMedia(lead)}
	if item != nil {
		part.Item = inputMedia(item)
	}
	e.Album = part
	return e
}

func inputMedia(m models.InputMedia) json.RawMessage {
	raw, err := m.MarshalInputMedia()
	if err != nil {
		// The media types are plain structs: this is a programming error.
		panic(fmt.Sprintf("outbox: cannot encode an album's item: %v", err))
	}
	return raw
}

// OrElse makes alt instead when Telegram refuses e for good.
func (e Effect) OrElse(alt Effect) Effect { e.Else = &alt; return e }

// IfBlocked makes alt instead when the chat refuses the bot (403).
func (e Effect) IfBlocked(alt Effect) Effect { e.Blocked = &alt; return e }

// Forgotten marks e, and what it may become instead, to be deleted once
// done with.
func (e Effect) Forgotten() Effect {
	e.Forget = true
	if e.Else != nil {
		alt := e.Else.Forgotten()
		e.Else = &alt
	}
	if e.Blocked != nil {
		alt := e.Blocked.Forgotten()
		e.Blocked = &alt
	}
	return e
}

// MayBeRefused marks a refusal of e as harmless.
func (e Effect) MayBeRefused() Effect { e.Refusable = true; return e }

// Silent marks an effect that sends the person nothing (see Quiet).
func (e Effect) Silent() Effect { e.Quiet = true; return e }

// Add writes effects into tx, made for the update updateID (0 for
// background jobs). They are delivered once tx commits.
func Add(ctx context.Context, tx sqlx.ExecerContext, updateID int64, effects ...Effect) error {
	rows, err := Rows(updateID, effects...)
	if err != nil {
		return err
	}
	return store.AddEffects(ctx, tx, rows)
}

// Rows encodes effects made for the update updateID as the outbox keeps
// them, for a caller that writes them itself (the dispatcher, with the
// record of the updates handled).
func Rows(updateID int64, effects ...Effect) ([]store.Effect, error) {
	rows := make([]store.Effect, 0, len(effects))
	for _, e := range effects {
		r, err := e.row(updateID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func (e Effect) row(updateID int64) (store.Effect, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return store.Effect{}, fmt.Errorf("outbox: cannot encode %s: %w", e.Method, err)
	}
	r := store.Effect{
		ChatID: e.Chat, Urgent: e.Urgent, Body: body, File: e.File,
		UpdateID: updateID,
	}
	if e.Album != nil || e.Wait {
		r.Hold = albumHold
	}
	return r, nil
}

// WaitForAlbum holds e as an album's part is held, though it is not one:
// something made of a part of an album that a later part may take back
// (its «//» caption makes the whole album a note among staff).
func (e Effect) WaitForAlbum() Effect { e.Wait = true; return e }

func isNil(kb models.ReplyMarkup) bool {
	if kb == nil {
		return true
	}
	raw, _ := json.Marshal(kb)
	return string(raw) == "null"
}
