package bot

import (
	"context"
	"time"

	"servicebot/bot/metrics"
	"servicebot/bot/outbox"
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
	policy := store.Retention{Inbox: a.Cfg.InboxRetention, PersonalData: a.Cfg.PersonalDataRetention}
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
	if err := store.DeleteExpiredWeb(ctx, a.St.DB()); err != nil && ctx.Err() == nil {
		a.Log.Warn("cannot drop expired dashboard logins", "err", err)
	}
	done, err := a.St.ApplyRetention(ctx, policy)
	a.Metrics.RetainedRows("inbox", done.InboxDeleted)
	a.Metrics.RetainedRows("outbox", done.OutboxDeleted)
	a.Metrics.RetainedRows("tickets", done.Tickets)
	a.Metrics.RetainedRows("ticket_messages", done.TicketMessages)
	a.Metrics.RetainedRows("faq_unanswered", done.UnansweredFAQ)
	a.Metrics.RetainedRows("responses", done.Responses+done.Drafts)
	if err != nil {
		if ctx.Err() == nil {
			a.Metrics.DBError(metrics.OpRetention)
			a.Log.Error("retention failed; it runs again in an hour", "err", err)
		}
		return
	}
	if !done.Ran {
		a.Log.Debug("retention is running in another process")
		return
	}
	a.Log.Info("retention applied", "inbox_deleted", done.InboxDeleted, "outbox_deleted", done.OutboxDeleted,
		"tickets_cleared", done.Tickets, "ticket_messages_cleared", done.TicketMessages,
		"unanswered_cleared", done.UnansweredFAQ, "responses_unlinked", done.Responses,
		"drafts_deleted", done.Drafts, "took", time.Since(start).Round(time.Millisecond).String())
}

// statsLoop keeps the inbox, outbox and ticket gauges fresh until ctx ends.
func (a *App) statsLoop(ctx context.Context, every time.Duration) {
	failing := false
	for {
		st, err := a.St.ReadStats(ctx)
		switch {
		case err == nil:
			a.Metrics.SetBacklog(st.InboxPending, st.OldestPending, st.OpenTickets)
			a.Metrics.SetOutboxBacklog(st.OutboxPending, st.OutboxOldest, st.OutboxSetAside)
			failing = false
		case ctx.Err() != nil:
			return
		default:
			a.Metrics.DBError(metrics.OpStats)
			if !failing { // once per outage, not every few seconds
				a.Log.Warn("cannot read the inbox backlog for metrics", "err", err)
			}
			failing = true
		}
		if outbox.Sleep(ctx, every) != nil {
			return
		}
	}
}
