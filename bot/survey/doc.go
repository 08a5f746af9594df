// Package survey walks a citizen through the pack's questionnaires: the
// mystery shopper's («Таємний клієнт», /mystery) and the one-minute visit
// rating (/rate, or a QR code's link), saved after every step, with the
// centre chosen by location, by a town or number typed, or from a list.
//
// At about 2,000 lines it is over the ~1,500 the rooms keep to, knowingly:
// most of it reads what people type at a step (scores, yes or no with a
// reason, an option named by a word, «назад», «потім», a complaint kept for
// the comment) against the one draft and the step it is shown at, and
// answers by showing that step again; split, the draft, the step's
// rendering and the typed-forms lookup would all have to be exported to
// the other half. The reading of typed answers (typedChoice, typedScore,
// optionNamed, yesNoBecause and their word lists) is the part to move into
// a room of its own, behind a small interface, when it grows further.
package survey

import (
	"servicebot/bot/desk"
	"servicebot/bot/integrity"
	"servicebot/bot/turn"
)

// Surveys is the questionnaires' room.
type Surveys struct {
	*turn.Env
	desk      *desk.Desk           // a low rating or a complaint opens a ticket
	integrity *integrity.Integrity // answers that flag a bribe make a report
}

// New is the questionnaires' room for env.
func New(env *turn.Env, d *desk.Desk, i *integrity.Integrity) *Surveys {
	return &Surveys{Env: env, desk: d, integrity: i}
}
