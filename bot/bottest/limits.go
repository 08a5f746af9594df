package bottest

import (
	"math"
	"time"

	"github.com/go-telegram/bot/models"
)

// Telegram's flood limits (Bots FAQ), as used by WithTelegramLimits.
const (
	privateBurst    = 3
	privateRate     = 1.0 // messages per second, sustained
	groupPerMinute  = 20
	globalPerSecond = 30
)

type bucket struct {
	tokens float64
	last   time.Time
}

type limiter struct {
	private map[int64]*bucket
	group   map[int64][]time.Time
	global  []time.Time
}

func newLimiter() *limiter {
	return &limiter{private: map[int64]*bucket{}, group: map[int64][]time.Time{}}
}

func prune(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= window {
		i++
	}
	return ts[i:]
}

func ceilSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return s
}

// allow records a request of n messages to the chat (an album is several)
// if the limits permit it; otherwise it returns the retry_after in seconds
// and records nothing. Each message counts in a group's minute and in the
// bot's second; in a private chat's pace the request counts once. Telegram
// documents neither for albums, but bots send people albums of ten, which
// a count of ten against a burst of three would never let through.
func (l *limiter) allow(chat models.Chat, now time.Time, n int) (int, bool) {
	var wait time.Duration

	// A request of more messages than a window holds waits for an empty
	// one, and fills it.
	l.global = prune(l.global, now, time.Second)
	if over := len(l.global) + min(n, globalPerSecond) - globalPerSecond; over > 0 {
		wait = max(wait, l.global[over-1].Add(time.Second).Sub(now))
	}

	var b *bucket
	switch chat.Type {
	case models.ChatTypePrivate:
		b = l.private[chat.ID]
		if b == nil {
			b = &bucket{tokens: privateBurst, last: now}
			l.private[chat.ID] = b
		}
		b.tokens = math.Min(privateBurst, b.tokens+now.Sub(b.last).Seconds()*privateRate)
		b.last = now
		if b.tokens < 1 {
			wait = max(wait, time.Duration((1-b.tokens)/privateRate*float64(time.Second)))
		}
	default:
		l.group[chat.ID] = prune(l.group[chat.ID], now, time.Minute)
		g := l.group[chat.ID]
		if over := len(g) + min(n, groupPerMinute) - groupPerMinute; over > 0 {
			wait = max(wait, g[over-1].Add(time.Minute).Sub(now))
		}
	}

	if wait > 0 {
		return ceilSeconds(wait), false
	}
	for range n {
		l.global = append(l.global, now)
	}
	if b != nil {
		b.tokens--
	} else {
		for range n {
			l.group[chat.ID] = append(l.group[chat.ID], now)
		}
	}
	return 0, true
}
