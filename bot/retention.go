package bot

import (
	"context"
	"time"

	"servicebot/store"
)

// schedule is how often the background jobs run; tests shorten it.
type schedule struct {
	stats          time.Duration // refreshing the gauges read from the database
	retention      time.Duration
	retentionDelay time.Duration // after start
}

// defaultSchedule: retention hourly, first a minute after start (not at
// once, so that a crash loop does not hammer the database with it); the
// gauges every few seconds.
func defaultSchedule() schedule {
	return schedule{stats: 5 * time.Second, retention: time.Hour, retentionDelay: time.Minute}
}

// retentionLoop applies the retention settings now and then until ctx ends.
// With several replicas each tries; a lock in the store lets one work.
func (a *App) retentionLoop(ctx context.Context, delay, every time.Duration) {
	policy := store.Retention{Inbox: a.cfg.InboxRetention, PersonalData: a.cfg.PersonalDataRetention}
	if policy.Inbox <= 0 && policy.PersonalData <= 0 {
		return
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a.applyRetention(ctx, policy)
		t.Reset(every)
	}
}

func (a *App) applyRetention(ctx context.Context, policy store.Retention) {
	start := time.Now()
	// Spent login links and ended sessions are of no use to anyone.
	if err := store.DeleteExpiredWeb(ctx, a.st.DB()); err != nil && ctx.Err() == nil {
		a.log.Warn("cannot drop expired dashboard logins", "err", err)
	}
	done, err := a.st.ApplyRetention(ctx, policy)
	a.metrics.retainedRows("inbox", done.InboxDeleted)
	a.metrics.retainedRows("outbox", done.OutboxDeleted)
	a.metrics.retainedRows("tickets", done.Tickets)
	a.metrics.retainedRows("ticket_messages", done.TicketMessages)
	a.metrics.retainedRows("faq_unanswered", done.UnansweredFAQ)
	a.metrics.retainedRows("responses", done.Responses+done.Drafts)
	if err != nil {
		if ctx.Err() == nil {
			a.metrics.dbError(opRetention)
			a.log.Error("retention failed; it runs again in an hour", "err", err)
		}
		return
	}
	if !done.Ran {
		a.log.Debug("retention is running in another process")
		return
	}
	a.log.Info("retention applied", "inbox_deleted", done.InboxDeleted, "outbox_deleted", done.OutboxDeleted,
		"tickets_cleared", done.Tickets, "ticket_messages_cleared", done.TicketMessages,
		"unanswered_cleared", done.UnansweredFAQ, "responses_unlinked", done.Responses,
		"drafts_deleted", done.Drafts, "took", time.Since(start).Round(time.Millisecond).String())
}
