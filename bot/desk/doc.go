// Package desk is the moderators' side: tickets in the staff forum group
// (one topic and a card per ticket, messages both ways, /take, /close,
// /reopen, /block, /faq, /tickets, the SLA reminder), questionnaire review
// cards and digests, /stats and /export.
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
