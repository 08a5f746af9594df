// Package integrity takes anti-corruption reports: the reporter's side
// (/report, anonymous under a pseudonym unless they choose otherwise,
// evidence of any kind, answering the team's questions) and the integrity
// team's chat (questions by reply, closing). The link from a report to
// its reporter is sealed (keys.go) and erased after a while.
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
