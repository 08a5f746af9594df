// Package desk is the moderators' side: tickets in the staff forum group
// (one topic and a card per ticket, messages both ways, /take, /close,
// /reopen, /block, /faq, /tickets, the SLA reminder), questionnaire review
// cards and digests, /stats and /export.
//
// At about 1,950 lines it is over the ~1,500 the rooms keep to, knowingly:
// its parts answer in the same staff chat through the same few helpers
// (replyStaff, deskNote, TicketPost, the staff language and the pack's
// centres named for staff), and a room split off would have to export them
// all. /stats and /export (stats.go) are the part to move into a room of
// their own when the desk grows further.
package desk

import (
	"servicebot/bot/faqedit"
	"servicebot/bot/turn"
)

// Desk is the moderators' room.
type Desk struct {
	*turn.Env
	edit *faqedit.Editor // a ticket's question becomes a FAQ entry
}

// New is the desk for env.
func New(env *turn.Env, edit *faqedit.Editor) *Desk { return &Desk{Env: env, edit: edit} }
