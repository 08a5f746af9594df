// Package citizen is what a citizen can do in a private chat: start (and
// QR codes' links), the menu and languages, the FAQ by topic or typed,
// "where is my centre", the way to a person (tickets) and their verdict
// on it, /forget; and what a message typed while a dialog waits for it
// means (dialog.go). Questionnaires and integrity reports have rooms of
// their own, which this one hands to.
package citizen

import (
	"servicebot/bot/desk"
	"servicebot/bot/faqedit"
	"servicebot/bot/integrity"
	"servicebot/bot/survey"
	"servicebot/bot/turn"
)

// Citizens is the citizens' room.
type Citizens struct {
	*turn.Env
	survey    *survey.Surveys
	desk      *desk.Desk
	integrity *integrity.Integrity
	edit      *faqedit.Editor
}

// New is the citizens' room for env, handing to the other rooms.
func New(env *turn.Env, s *survey.Surveys, d *desk.Desk, i *integrity.Integrity, e *faqedit.Editor) *Citizens {
	return &Citizens{Env: env, survey: s, desk: d, integrity: i, edit: e}
}
