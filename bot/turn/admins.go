package turn

import (
	"context"
	"slices"
	"sync"
	"time"
)

// adminCache remembers for a while who administers the staff chat, so that
// every staff button does not cost a getChatMember call.
type adminCache struct {
	mu   sync.Mutex
	seen map[int64]adminSeen
}

type adminSeen struct {
	admin bool
	at    time.Time
}

const (
	adminTTL   = 5 * time.Minute
	adminsKept = 1000 // answers kept before the old ones are dropped
)

// adminAskTimeout bounds the wait for Telegram's answer to getChatMember.
const adminAskTimeout = 2 * time.Second

// KnownAdmin tells, without asking Telegram, whether the user is known to
// be staff: listed in ADMIN_USER_IDS or seen as an administrator of the
// staff chat since the bot started (however long ago).
func (a *Env) KnownAdmin(userID int64) bool {
	if slices.Contains(a.Cfg.AdminIDs, userID) {
		return true
	}
	a.admins.mu.Lock()
	defer a.admins.mu.Unlock()
	s, ok := a.admins.seen[userID]
	return ok && s.admin
}

// IsAdmin reports whether the user may edit content: listed in
// ADMIN_USER_IDS, or an administrator of the staff chat (Telegram's answer
// kept for adminTTL).
func (a *Env) IsAdmin(ctx context.Context, userID int64) bool {
	return a.IsAdminWithin(ctx, userID, adminTTL)
}

// IsAdminWithin is isAdmin with Telegram's answer at most maxAge old; the
// dashboard asks with 0, so that rights taken away end a session at once.
func (a *Env) IsAdminWithin(ctx context.Context, userID int64, maxAge time.Duration) bool {
	if slices.Contains(a.Cfg.AdminIDs, userID) {
		return true
	}
	if a.Cfg.StaffChatID == 0 {
		return false
	}
	a.admins.mu.Lock()
	s, ok := a.admins.seen[userID]
	a.admins.mu.Unlock()
	if ok && time.Since(s.at) < maxAge {
		return s.admin
	}
	// The one Bot API call a turn may make: a read, cached, asked once and
	// briefly, so that no transaction waits on Telegram for long (the
	// sender's retries could hold it for minutes).
	cctx, cancel := context.WithTimeout(ctx, adminAskTimeout)
	defer cancel()
	admin, err := a.AskAdmin(cctx, userID)
	if err != nil {
		// Unknown means no: staff rights are never granted by an outage.
		a.Log.Warn("cannot check staff rights", "user_id", userID, "err", err)
		return false
	}
	a.admins.mu.Lock()
	if a.admins.seen == nil {
		a.admins.seen = map[int64]adminSeen{}
	}
	// Everyone who ever tried a staff command would stay in the map: past
	// a size, answers older than adminTTL go.
	if len(a.admins.seen) >= adminsKept {
		for id, old := range a.admins.seen {
			if time.Since(old.at) >= adminTTL {
				delete(a.admins.seen, id)
			}
		}
	}
	a.admins.seen[userID] = adminSeen{admin: admin, at: time.Now()}
	a.admins.mu.Unlock()
	return admin
}
