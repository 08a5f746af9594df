package dialogs

import (
	"errors"
	"strings"
)

// MaxStartPayload is Telegram's limit for a deep-link start parameter.
const MaxStartPayload = 64

// ErrBadStartPayload is returned for a payload Telegram would never produce
// from a t.me link: empty, too long, or with characters outside A-Z a-z 0-9 _ -.
var ErrBadStartPayload = errors.New("dialogs: malformed start payload")

// StartLink is a parsed deep-link payload (https://t.me/<bot>?start=<payload>).
// The payload is a kind followed by arguments, joined by underscores:
// "r_kyiv1_3" is Kind "r" with Args ["kyiv1", "3"].
type StartLink struct {
	Raw  string
	Kind string
	Args []string
}

// ParseStartLink validates and splits a deep-link payload.
func ParseStartLink(payload string) (StartLink, error) {
	if payload == "" || len(payload) > MaxStartPayload {
		return StartLink{}, ErrBadStartPayload
	}
	for i := 0; i < len(payload); i++ {
		c := payload[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return StartLink{}, ErrBadStartPayload
		}
	}
	parts := strings.Split(payload, "_")
	if parts[0] == "" {
		return StartLink{}, ErrBadStartPayload
	}
	return StartLink{Raw: payload, Kind: parts[0], Args: parts[1:]}, nil
}
