// Package faqedit is how staff edit the FAQ from Telegram: /faq and
// /unanswered, every field in every language, new entries (from an
// unanswered question or a ticket), hiding, deleting, and each change's
// history with a way back.
package faqedit

import "servicebot/bot/turn"

// Editor is the FAQ editor's room.
type Editor struct{ *turn.Env }

// New is the editor for env.
func New(env *turn.Env) *Editor { return &Editor{env} }
