// Package metrics is what the bot tells Prometheus on /metrics.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"servicebot/bot/tg"
)

// Metrics are what the bot tells Prometheus on /metrics. Each App has a
// registry of its own: the tests run many Apps in one process. Every method
// may be called on a nil *Metrics, and then does nothing.
type Metrics struct {
	reg *prometheus.Registry

	updatesReceived *prometheus.CounterVec // kind
	updatesHandled  *prometheus.CounterVec // kind, outcome
	handling        prometheus.Histogram
	handlerErrors   *prometheus.CounterVec // reason
	inboxPending    prometheus.Gauge
	inboxOldest     prometheus.Gauge
	outboxPending   prometheus.Gauge
	outboxOldest    prometheus.Gauge
	outboxSetAside  prometheus.Gauge
	telegramCalls   *prometheus.CounterVec // method, status
	tooMany         prometheus.Counter
	effects         *prometheus.CounterVec // outcome
	ticketsOpen     prometheus.Gauge
	responses       *prometheus.CounterVec // kind
	dbErrors        *prometheus.CounterVec // operation
	retained        *prometheus.CounterVec // table
	handedOut       *prometheus.CounterVec // via
}

// Outcomes of handling an update, as recorded in the inbox.
const (
	OutcomeDone    = "done"
	OutcomeSkipped = "skipped"
	OutcomeFailed  = "failed"
	OutcomeRetry   = "retry"
	OutcomeRefused = "refused" // PostgreSQL would not store it: set aside at intake
)

// How the dispatcher found the chats it handed out.
const (
	ViaOffer = "offer"
	ViaInbox = "inbox"
)

// Database operations whose errors are counted.
const (
	OpClaim         = "claim"
	OpCommit        = "commit"
	OpRollback      = "rollback"
	OpRecordFailure = "record_failure"
	OpStoreUpdates  = "store_updates"
	OpStats         = "stats"
	OpRetention     = "retention"
)

// New makes the metrics in a fresh registry, with the Go runtime's
// and the process's own, and the pool's when db is given.
func New(db *sql.DB) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		reg.MustRegister(collectors.NewDBStatsCollector(db, "servicebot"))
	}
	f := promauto.With(reg)
	m := &Metrics{
		reg: reg,
		updatesReceived: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_updates_received_total",
			Help: "Updates Telegram delivered and the inbox stored, by kind (a redelivery counts again).",
		}, []string{"kind"}),
		updatesHandled: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_updates_handled_total",
			Help: "Handling attempts committed, by update kind and outcome (done, skipped, failed, retry).",
		}, []string{"kind", "outcome"}),
		handling: f.NewHistogram(prometheus.HistogramOpts{
			Name:    "servicebot_update_handling_seconds",
			Help:    "Time from claiming an update to committing its outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 180},
		}),
		handlerErrors: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_handler_errors_total",
			Help: "Updates whose handling failed, by reason (panic, permanent, last_attempt, error, outage).",
		}, []string{"reason"}),
		inboxPending: f.NewGauge(prometheus.GaugeOpts{
			Name: "servicebot_inbox_pending",
			Help: "Updates stored and not yet handled (refreshed every few seconds).",
		}),
		inboxOldest: f.NewGauge(prometheus.GaugeOpts{
			Name: "servicebot_inbox_oldest_pending_seconds",
			Help: "Age of the oldest update not yet handled; 0 when none waits.",
		}),
		outboxPending: f.NewGauge(prometheus.GaugeOpts{
			Name: "servicebot_outbox_pending",
			Help: "Effects (replies, staff posts, calls) decided and not yet delivered to Telegram (refreshed every few seconds).",
		}),
		outboxOldest: f.NewGauge(prometheus.GaugeOpts{
			Name: "servicebot_outbox_oldest_pending_seconds",
			Help: "How long the oldest effect not yet delivered has waited since it was queued; 0 when none waits.",
		}),
		outboxSetAside: f.NewGauge(prometheus.GaugeOpts{
			Name: "servicebot_outbox_set_aside",
			Help: "Effects Telegram refused for good, kept for operators (servicebot outbox lists them).",
		}),
		telegramCalls: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_telegram_requests_total",
			Help: "Bot API requests by method and answer: ok, the HTTP status for 4xx (400, 403, 429...), 5xx, network.",
		}, []string{"method", "status"}),
		tooMany: f.NewCounter(prometheus.CounterOpts{
			Name: "servicebot_telegram_429_total",
			Help: "Bot API answers 429 Too Many Requests (the bot waits retry_after and tries again).",
		}),
		effects: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_effects_total",
			Help: "Effects (calls turns decided on) by how their delivery went: sent, retry, throttled, replaced, refused, blocked, failed (set aside for good).",
		}, []string{"outcome"}),
		ticketsOpen: f.NewGauge(prometheus.GaugeOpts{
			Name: "servicebot_tickets_open",
			Help: "Tickets open in the moderators' desk (refreshed every few seconds).",
		}),
		responses: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_responses_submitted_total",
			Help: "Questionnaire responses submitted, by questionnaire kind.",
		}, []string{"kind"}),
		dbErrors: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_db_errors_total",
			Help: "Database errors by operation.",
		}, []string{"operation"}),
		retained: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_retention_rows_total",
			Help: "Rows deleted (inbox) or anonymized (tickets, ticket_messages, faq_unanswered) by retention.",
		}, []string{"table"}),
		handedOut: f.NewCounterVec(prometheus.CounterOpts{
			Name: "servicebot_chats_handed_out_total",
			Help: "Chats with updates handed to workers, by how they were found: offered by this process's intake (offer), or read from the inbox (inbox: another process's updates, retries, or what was pending at start).",
		}, []string{"via"}),
	}
	// Series that alerts watch exist from the start, at 0.
	for _, via := range []string{ViaOffer, ViaInbox} {
		m.handedOut.WithLabelValues(via)
	}
	for _, op := range []string{OpClaim, OpCommit, OpRollback, OpRecordFailure, OpStoreUpdates, OpStats, OpRetention} {
		m.dbErrors.WithLabelValues(op)
	}
	for _, r := range []string{"panic", "permanent", "last_attempt", "error", "outage", "conflict"} {
		m.handlerErrors.WithLabelValues(r)
	}
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is where the metrics are registered, for a caller that adds its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ResponseSubmitted counts a questionnaire response of the given kind.
func (m *Metrics) ResponseSubmitted(kind string) {
	if m == nil {
		return
	}
	m.responses.WithLabelValues(kind).Inc()
}

// Received counts an update stored by the intake, by kind.
func (m *Metrics) Received(kind string) {
	if m == nil {
		return
	}
	m.updatesReceived.WithLabelValues(kindLabel(kind)).Inc()
}

// SetAside counts an update the database refused to store, kept as failed.
func (m *Metrics) SetAside(kind string) {
	if m == nil {
		return
	}
	m.updatesReceived.WithLabelValues(kindLabel(kind)).Inc()
	m.updatesHandled.WithLabelValues(kindLabel(kind), OutcomeRefused).Inc()
}

// Handled records an update's committed outcome and how long it was held.
func (m *Metrics) Handled(kind, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.updatesHandled.WithLabelValues(kindLabel(kind), outcome).Inc()
	m.handling.Observe(took.Seconds())
}

// HandlerError counts a turn that failed, by reason.
func (m *Metrics) HandlerError(reason string) {
	if m == nil {
		return
	}
	m.handlerErrors.WithLabelValues(reason).Inc()
}

// Effect counts an effect's delivery outcome.
func (m *Metrics) Effect(outcome string) {
	if m == nil {
		return
	}
	m.effects.WithLabelValues(outcome).Inc()
}

// HandedOut counts chats handed to workers, found via ViaOffer or ViaInbox.
func (m *Metrics) HandedOut(via string, n int) {
	if m == nil || n == 0 {
		return
	}
	m.handedOut.WithLabelValues(via).Add(float64(n))
}

// DBError counts a failed database operation (the Op constants).
func (m *Metrics) DBError(op string) {
	if m == nil {
		return
	}
	m.dbErrors.WithLabelValues(op).Inc()
}

// TelegramAnswer counts one Bot API request: status is an HTTP status, or 0
// when no answer came (a network error).
func (m *Metrics) TelegramAnswer(method string, status int) {
	if m == nil {
		return
	}
	label := "network"
	switch {
	case status == 0:
	case status >= 200 && status < 300:
		label = "ok"
	case status >= 500:
		label = "5xx"
	default:
		label = strconv.Itoa(status)
	}
	m.telegramCalls.WithLabelValues(methodLabel(method), label).Inc()
	if status == http.StatusTooManyRequests {
		m.tooMany.Inc()
	}
}

// SetBacklog sets the inbox and ticket gauges.
func (m *Metrics) SetBacklog(pending int, oldest time.Duration, openTickets int) {
	if m == nil {
		return
	}
	m.inboxPending.Set(float64(pending))
	m.inboxOldest.Set(oldest.Seconds())
	m.ticketsOpen.Set(float64(openTickets))
}

// SetOutboxBacklog sets the outbox gauges.
func (m *Metrics) SetOutboxBacklog(pending int, oldest time.Duration, setAside int) {
	if m == nil {
		return
	}
	m.outboxPending.Set(float64(pending))
	m.outboxOldest.Set(oldest.Seconds())
	m.outboxSetAside.Set(float64(setAside))
}

// RetainedRows counts rows deleted or blanked by retention, by table.
func (m *Metrics) RetainedRows(table string, n int64) {
	if m == nil || n == 0 {
		return
	}
	m.retained.WithLabelValues(table).Add(float64(n))
}

// kindLabel keeps the kind label to the kinds this build knows: a newer Bot
// API's kinds are "other".
func kindLabel(kind string) string {
	if tg.KnownKinds[kind] || kind == "empty" {
		return kind
	}
	return "other"
}

// methodLabel is the Bot API method named by the last element of a request
// path (/bot<token>/sendMessage), or "other".
func methodLabel(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if path == "" || len(path) > 64 {
		return "other"
	}
	for _, r := range path {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return "other"
		}
	}
	return path
}
