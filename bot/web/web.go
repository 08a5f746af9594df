// Package web is what the bot serves over HTTP on LISTEN_ADDR: health,
// readiness and metrics for operators, the public ratings (/ratings) and
// the staff dashboard (/dashboard). It knows no Telegram: it serves while
// Telegram is unreachable, from the database and the content pack.
package web

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// Pages serves the public ratings and the staff dashboard.
type Pages struct {
	St   *store.Store
	Text *locales.Bundle
	Log  *slog.Logger
	// Pack is the content pack; the pages answer 503 until Open sets it.
	Pack *dialogs.Pack
	// PublicURL is where people reach the pages ("" turns the dashboard
	// off); RatingsMinCount is how many ratings a centre needs before its
	// figures are shown.
	PublicURL       string
	RatingsMinCount int
	// IsStaff tells whether a user may see the dashboard, with Telegram's
	// answer at most maxAge old.
	IsStaff func(ctx context.Context, userID int64, maxAge time.Duration) bool

	ready         chan struct{} // closed by Open
	ratingsCache  ratingsCache  // the public pages' aggregates
	loginAttempts *rate.Limiter // dashboard sign-ins tried, all together
}

// NewPages makes the pages; they answer once Open is called.
func NewPages(st *store.Store, text *locales.Bundle, log *slog.Logger, publicURL string, ratingsMinCount int,
	isStaff func(ctx context.Context, userID int64, maxAge time.Duration) bool) *Pages {
	return &Pages{
		St: st, Text: text, Log: log, PublicURL: publicURL, RatingsMinCount: ratingsMinCount, IsStaff: isStaff,
		ready: make(chan struct{}), loginAttempts: newLoginLimiter(),
	}
}

// Open gives the pages the loaded pack; from then on they answer.
func (a *Pages) Open(pack *dialogs.Pack) {
	a.Pack = pack
	close(a.ready)
}
