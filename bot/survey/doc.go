// Package survey walks a citizen through the pack's questionnaires: the
// mystery shopper's («Таємний клієнт», /mystery) and the one-minute visit
// rating (/rate, or a QR code's link), saved after every step, with the
// centre chosen by location, by a town or number typed, or from a list.
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
