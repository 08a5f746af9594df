package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"golang.org/x/time/rate"
)

// Limits are Telegram's sending limits. The defaults are Telegram's own; a
// self-hosted Bot API server still forwards to Telegram, so only the
// benchmark's fake server should ever be given more.
type Limits struct {
	PerSecond      float64 // all chats together (Telegram: about 30 a second)
	ChatPerSecond  float64 // one chat (about 1 a second)
	ChatBurst      int     // a short burst one chat may get before pacing
	GroupPerMinute int     // one group or channel (20 a minute)
}

// TelegramLimits are the limits Telegram documents for bots.
func TelegramLimits() Limits {
	return Limits{PerSecond: 30, ChatPerSecond: 1, ChatBurst: 3, GroupPerMinute: 20}
}

var (
	// ErrBlocked means Telegram answered 403: the user blocked the bot, or
	// the bot was removed from the chat. Not retried.
	ErrBlocked = errors.New("bot: the chat does not accept messages from the bot (403)")
	// ErrRejected means Telegram refused the request (400 and the like):
	// retrying the same request cannot help.
	ErrRejected = errors.New("bot: Telegram rejected the request")
	// ErrUnavailable means Telegram could not be reached, or kept answering
	// 5xx or 429, for longer than the sender waits.
	ErrUnavailable = errors.New("bot: Telegram is unavailable")
)

// Sender keeps Telegram's limits for the whole process: the Deliverer
// paces every message by it (wait, pause), and Call makes the bot's other
// calls, waiting out 429 retry_after, retrying 5xx and network errors with
// backoff, and reporting 403 as ErrBlocked without retrying. Its counts
// (Stats) cover both.
type Sender struct {
	log         *slog.Logger
	limits      Limits
	global      *rate.Limiter
	maxAttempts int           // for 5xx and network errors
	maxWait     time.Duration // for 429s, added up
	backoff     time.Duration // first backoff; doubles per attempt

	mu        sync.Mutex
	chats     map[int64]*chatPace
	lastSweep time.Time

	// Counters for operators and tests.
	statMu       sync.Mutex
	tooMany      int
	serverErrors int
	blockedChats int
}

type chatPace struct {
	chat   *rate.Limiter // per-second pacing
	group  *rate.Limiter // per-minute pacing for groups, nil for private chats
	paused time.Time     // after a 429: nothing goes to this chat before then
	used   time.Time
}

// NewSender returns a Sender keeping to limits.
func NewSender(limits Limits, log *slog.Logger) *Sender {
	burst := int(limits.PerSecond / 3)
	if burst < 1 {
		burst = 1
	}
	return &Sender{
		log:         log,
		limits:      limits,
		global:      rate.NewLimiter(rate.Limit(limits.PerSecond), burst),
		maxAttempts: 6,
		maxWait:     2 * time.Minute,
		backoff:     500 * time.Millisecond,
		chats:       map[int64]*chatPace{},
	}
}

// Call makes a call outside the outbox, one that sends no message (getMe,
// getChat, setMyCommands, setWebhook...), retrying 429s and 5xx. Messages
// go through the outbox, whose Deliverer paces them by the same limits.
func (s *Sender) Call(ctx context.Context, call func(ctx context.Context) error) error {
	const chatID = 0 // for the logs: no chat
	var waited time.Duration
	failures := 0
	for {
		err := call(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var tooMany *tg.TooManyRequestsError
		var srv *ServerError
		switch {
		case errors.As(err, &tooMany):
			s.count(&s.tooMany)
			after := time.Duration(tooMany.RetryAfter) * time.Second
			if after <= 0 {
				after = time.Second
			}
			if waited+after > s.maxWait {
				return fmt.Errorf("%w: still 429 after waiting %s: %v", ErrUnavailable, waited, err)
			}
			waited += after
			s.pause(chatID, after)
			s.log.Warn("telegram asked to slow down", "chat_id", chatID, "retry_after_s", tooMany.RetryAfter)
			if err := Sleep(ctx, after); err != nil {
				return err
			}
		case errors.Is(err, tg.ErrorForbidden):
			s.count(&s.blockedChats)
			return fmt.Errorf("%w: %v", ErrBlocked, err)
		case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorNotFound),
			errors.Is(err, tg.ErrorUnauthorized), errors.Is(err, tg.ErrorConflict), tg.IsMigrateError(err):
			return fmt.Errorf("%w: %v", ErrRejected, err)
		default:
			// 5xx, a network error, or an answer we could not read: Telegram
			// may or may not have acted on it. Retrying risks a duplicate
			// message; not retrying risks losing one. We retry.
			if errors.As(err, &srv) {
				s.count(&s.serverErrors)
			}
			failures++
			if failures >= s.maxAttempts {
				return fmt.Errorf("%w: %d attempts: %v", ErrUnavailable, failures, err)
			}
			d := s.backoff << (failures - 1)
			d += time.Duration(rand.Int64N(int64(d)/2 + 1))
			s.log.Warn("telegram call failed, retrying", "chat_id", chatID, "attempt", failures, "in", d.String(), "err", err)
			if err := Sleep(ctx, d); err != nil {
				return err
			}
		}
	}
}

// wait blocks until a call of n messages (an album is several) may go to
// chatID. quiet calls (that send nothing, see Effect.Quiet) keep to the
// chat's pace but not the bot's overall one. An album counts as its
// messages in a group's minute and in the bot's second, as that many
// messages sent apart would, and once in the chat's pace (Telegram
// documents neither; it takes an album of ten to a person at once).
func (s *Sender) wait(ctx context.Context, chatID int64, quiet bool, n int) error {
	p := s.pace(chatID)
	s.mu.Lock()
	paused := time.Until(p.paused)
	s.mu.Unlock()
	if paused > 0 {
		if err := Sleep(ctx, paused); err != nil {
			return err
		}
	}
	// One at a time: n may be more than a limiter's burst.
	for range n {
		if p.group == nil {
			break
		}
		if err := p.group.Wait(ctx); err != nil {
			return err
		}
	}
	if err := p.chat.Wait(ctx); err != nil {
		return err
	}
	if quiet {
		return nil
	}
	for range n {
		if err := s.global.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sender) pace(chatID int64) *chatPace {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if now.Sub(s.lastSweep) > time.Minute {
		for id, p := range s.chats {
			if now.Sub(p.used) > time.Minute && now.After(p.paused) {
				delete(s.chats, id)
			}
		}
		s.lastSweep = now
	}
	p := s.chats[chatID]
	if p == nil {
		burst := s.limits.ChatBurst
		if burst < 1 {
			burst = 1
		}
		p = &chatPace{chat: rate.NewLimiter(rate.Limit(s.limits.ChatPerSecond), burst)}
		if chatID < 0 && s.limits.GroupPerMinute > 0 {
			// Groups have negative ids. At most GroupPerMinute in any minute:
			// a burst of b plus refills over 60 s must not exceed it.
			b := 3
			if s.limits.GroupPerMinute < 6 {
				b = 1
			}
			p.group = rate.NewLimiter(rate.Limit(float64(s.limits.GroupPerMinute-b)/60), b)
		}
		s.chats[chatID] = p
	}
	p.used = now
	return p
}

func (s *Sender) pause(chatID int64, d time.Duration) {
	p := s.pace(chatID)
	s.mu.Lock()
	if until := time.Now().Add(d); until.After(p.paused) {
		p.paused = until
	}
	s.mu.Unlock()
}

func (s *Sender) count(n *int) {
	s.statMu.Lock()
	*n++
	s.statMu.Unlock()
}

// SenderStats are counts since start.
type SenderStats struct{ TooMany, ServerErrors, Blocked int }

// Stats returns the counts since start.
func (s *Sender) Stats() SenderStats {
	s.statMu.Lock()
	defer s.statMu.Unlock()
	return SenderStats{TooMany: s.tooMany, ServerErrors: s.serverErrors, Blocked: s.blockedChats}
}

// Sleep waits d, or until ctx ends (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ServerError is what the HTTP client reports for a 5xx answer, so that the
// sender can tell "Telegram is having trouble" from "the request is wrong".
type ServerError struct{ Status int }

func (e *ServerError) Error() string { return fmt.Sprintf("Bot API answered HTTP %d", e.Status) }
