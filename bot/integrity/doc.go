// Package integrity takes anti-corruption reports: the reporter's side
// (/report, anonymous under a pseudonym unless they choose otherwise,
// evidence of any kind, answering the team's questions) and the integrity
// team's chat (questions by reply, closing). The link from a report to
// its reporter is sealed (keys.go) and erased after a while.
//
// At about 1,850 lines it is over the ~1,500 the rooms keep to, knowingly:
// anonymity is kept by one set of rules (the sealed dialog, turns that
// leave no trace on the person's row, masked numbers, the scrubbed inbox)
// that every step of the reporter's side and the team's must follow, and
// keeping them in one room keeps them where a reviewer can see them all.
// The team's chat (questions by reply, closing, the card) is the part to
// move out when it grows further: it needs only the report's store rows
// and the sealed link.
package integrity

import "servicebot/bot/turn"

// Integrity is the integrity reports' room.
type Integrity struct {
	*turn.Env
	keys *reporterKeys // seal the links from integrity reports to reporters
}

// New is the room for env; it fails when the integrity keys are unusable.
func New(env *turn.Env) (*Integrity, error) {
	keys, err := newReporterKeys(env.Cfg.IntegrityKeys, env.Cfg.Token)
	if err != nil {
		return nil, err
	}
	return &Integrity{Env: env, keys: keys}, nil
}
