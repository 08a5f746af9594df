// Package bot builds the bot from its rooms and runs it: the Env the rooms
// share, the route table, the dispatcher that decides turns, the deliverer
// that sends what they decided, the intake, and the HTTP server. What
// each kind of person can do lives in the rooms (bot/citizen, bot/survey,
// bot/desk, bot/integrity, bot/faqedit, bot/web); the Bot API edge in
// bot/tg.
package bot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/citizen"
	"servicebot/bot/desk"
	"servicebot/bot/dispatch"
	"servicebot/bot/faqedit"
	"servicebot/bot/intake"
	"servicebot/bot/integrity"
	"servicebot/bot/metrics"
	"servicebot/bot/outbox"
	"servicebot/bot/survey"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/bot/web"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// Limits are Telegram's sending limits (see outbox.Limits).
type Limits = outbox.Limits

// TelegramLimits are the limits Telegram documents for bots.
func TelegramLimits() Limits { return outbox.TelegramLimits() }

// Config is what the bot needs to know about its deployment.
type Config = turn.Config

// App is the running bot: the rooms on one Env, the route table, the
// dispatcher that decides turns, the deliverer that sends what they
// decided, the intake, and the HTTP server.
type App struct {
	*turn.Env
	tg   *telegram.Bot
	send *outbox.Sender
	out  *outbox.Deliverer
	in   *intake.Intake
	disp *dispatch.Dispatcher

	citizen   *citizen.Citizens
	survey    *survey.Surveys
	desk      *desk.Desk
	integrity *integrity.Integrity
	edit      *faqedit.Editor
	pages     *web.Pages

	table    []route     // see routes
	stopping atomic.Bool // set once Run is told to stop; readiness fails from then on
	every    schedule    // how often the background jobs run

	mu    sync.Mutex
	addr  net.Addr
	ready chan struct{}
}

// New builds the bot. It makes no network call.
func New(cfg Config, st *store.Store, text *locales.Bundle, log *slog.Logger) (*App, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.telegram.org"
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 8
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = TelegramLimits()
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 25 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.SLA <= 0 {
		cfg.SLA = 30 * time.Minute
	}
	if cfg.Pack == "" {
		cfg.Pack = "hsc"
	}
	if cfg.RatingsMinCount <= 0 {
		cfg.RatingsMinCount = 5
	}
	if cfg.IntegrityLinkTTL <= 0 {
		cfg.IntegrityLinkTTL = 90 * 24 * time.Hour
	}
	var db *sql.DB
	if st != nil {
		db = st.DB().DB
	}
	m := metrics.New(db)
	a := &App{Env: turn.NewEnv(cfg, st, text, log, m), ready: make(chan struct{}), every: defaultSchedule()}
	client := tg.APIClient{HTTP: apiHTTPClient(cfg.Workers), Count: m.TelegramAnswer}
	api, err := telegram.New(cfg.Token,
		telegram.WithServerURL(cfg.APIURL),
		telegram.WithSkipGetMe(),
		telegram.WithNotAsyncHandlers(),
		telegram.WithHTTPClient(time.Minute, client),
		telegram.WithErrorsHandler(func(err error) { log.Warn("telegram client", "err", tg.Redact(err.Error(), cfg.Token)) }),
	)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	a.tg = api
	a.send = outbox.NewSender(cfg.Limits, log)
	a.out = outbox.NewDeliverer(st, a.send, client, log, outbox.Options{
		APIURL: cfg.APIURL, Token: cfg.Token, Lanes: cfg.DeliveryLanes, Count: m.Effect,
		Backoff: cfg.DeliveryBackoff,
	})
	a.AskAdmin = a.askAdmin
	a.Committed = a.out.Committed

	a.edit = faqedit.New(a.Env)
	if a.integrity, err = integrity.New(a.Env); err != nil {
		return nil, err
	}
	a.desk = desk.New(a.Env, a.edit)
	a.survey = survey.New(a.Env, a.desk, a.integrity)
	a.citizen = citizen.New(a.Env, a.survey, a.desk, a.integrity, a.edit)
	if st != nil {
		a.pages = web.NewPages(st, text, log, cfg.PublicURL, cfg.RatingsMinCount, a.IsAdminWithin)
	}
	a.table = a.routes()

	a.disp = dispatch.New(dispatch.Config{
		Store: st, Log: log, Handle: a.handle, OnFailed: a.apologise,
		Committed: a.out.Committed,
		Workers:   cfg.Workers, Batch: cfg.Batch, MaxAttempts: cfg.MaxAttempts, TurnTimeout: 3 * time.Minute,
		Metrics: m,
	})
	a.in = &intake.Intake{
		Store: st, Log: log, Stored: a.disp.Offer,
		APIURL: cfg.APIURL, Token: cfg.Token, Secret: cfg.WebhookSecret,
		HTTP:    &http.Client{Timeout: cfg.PollTimeout + 15*time.Second},
		Timeout: cfg.PollTimeout,
		Metrics: m,
	}
	return a, nil
}

// askAdmin asks Telegram whether a user administers the staff chat.
func (a *App) askAdmin(ctx context.Context, userID int64) (bool, error) {
	m, err := a.tg.GetChatMember(ctx, &telegram.GetChatMemberParams{ChatID: a.Cfg.StaffChatID, UserID: userID})
	if err != nil {
		return false, err
	}
	return m.Type == models.ChatMemberTypeOwner || m.Type == models.ChatMemberTypeAdministrator, nil
}

// apiHTTPClient is the client for Bot API calls. Go's default transport
// keeps 2 idle connections per host, so with more workers than that most
// calls would open a new connection (a TLS handshake with Telegram): it
// keeps one per worker, and some for the background jobs.
func apiHTTPClient(workers int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = workers + 4
	tr.MaxIdleConns = max(tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	return &http.Client{Timeout: 30 * time.Second, Transport: tr}
}

// Sender returns the sender every outgoing call goes through.
func (a *App) Sender() *outbox.Sender { return a.send }

// Ready is closed once the bot takes updates.
func (a *App) Ready() <-chan struct{} { return a.ready }

// Addr is where the HTTP endpoints listen (nil when there are none), valid
// after Ready.
func (a *App) Addr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}

// Run takes updates and handles them until ctx ends. Then it stops taking
// updates, finishes those in hand, and returns.
func (a *App) Run(ctx context.Context) error {
	ctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	context.AfterFunc(ctx, func() { a.stopping.Store(true) })
	a.warnSwitchedOff()
	// Health answers while the bot waits for Telegram or the database.
	ep, err := a.listen(fail)
	if err != nil {
		return err
	}
	defer ep.Shutdown()
	// The pack and the FAQ need only the database: the public pages and
	// the dashboard serve from here on, while Telegram may still be away.
	if err := a.PrepareFAQ(ctx); err != nil {
		return err
	}
	if a.pages != nil {
		a.pages.Open(a.Pack)
	}
	me, err := a.whoAmI(ctx)
	if err != nil {
		return err
	}
	a.Username = me.Username
	if err := a.readStaffChat(ctx, me.ID); err != nil {
		return err
	}
	if err := a.integrity.SealOldReporters(ctx); err != nil {
		return err
	}
	a.Log.Info("bot started", "bot_id", me.ID, "username", me.Username, "mode", a.mode())
	go a.registerCommands(ctx)
	go a.desk.RemindLoop(ctx, a.Cfg.SLA)
	go a.statsLoop(ctx, a.every.stats)
	go a.retentionLoop(ctx, a.every.retentionDelay, a.every.retention)
	go a.desk.ReviewLoop(ctx)
	go a.integrity.ExpireReporterLinks(ctx, a.every.retention)

	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	done := make(chan struct{})
	go func() {
		a.disp.Run(work)
		close(done)
	}()
	// The deliverer goes on until the updates in hand are handled, so
	// that their replies leave before the process does.
	deliver, stopDelivering := context.WithCancel(context.WithoutCancel(ctx))
	defer stopDelivering()
	delivered := make(chan struct{})
	go func() {
		a.out.Run(deliver)
		close(delivered)
	}()
	// Updates left pending by an earlier run (a crash, a restart) come first.
	a.disp.Signal()
	// Ready means taking a share of the work: hearing of the updates other
	// processes store.
	select {
	case <-a.disp.Listening():
	case <-ctx.Done():
	}

	if a.Cfg.WebhookURL != "" {
		if err = a.setWebhook(ctx); err == nil {
			close(a.ready)
			<-ctx.Done()
		}
	} else {
		close(a.ready)
		err = a.in.Poll(ctx, a.dropWebhook)
	}
	// Stop taking updates (those answered 200 are in the inbox), then
	// finish the ones in hand.
	ep.Shutdown()
	stopWork()
	<-done
	stopDelivering()
	<-delivered
	if cause := context.Cause(ctx); err == nil && !errors.Is(cause, context.Canceled) {
		err = cause // the HTTP server failed
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func (a *App) mode() string {
	if a.Cfg.WebhookURL != "" {
		return "webhook"
	}
	return "polling"
}

// whoAmI asks Telegram for the bot's own user, waiting out an outage.
func (a *App) whoAmI(ctx context.Context) (*models.User, error) {
	for {
		var me *models.User
		err := a.send.Call(ctx, func(ctx context.Context) (err error) {
			me, err = a.tg.GetMe(ctx)
			return err
		})
		switch {
		case err == nil:
			return me, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, outbox.ErrRejected):
			return nil, fmt.Errorf("bot: Telegram refused getMe; check TELEGRAM_TOKEN and TELEGRAM_API_URL: %w", err)
		}
		a.Log.Warn("cannot reach Telegram yet; retrying", "err", err)
		if outbox.Sleep(ctx, 5*time.Second) != nil {
			return nil, ctx.Err()
		}
	}
}

func (a *App) dropWebhook(ctx context.Context) error {
	// A webhook left set makes getUpdates fail with 409. Pending updates are
	// kept: Telegram hands them to getUpdates instead.
	return a.send.Call(ctx, func(ctx context.Context) error {
		_, err := a.tg.DeleteWebhook(ctx, &telegram.DeleteWebhookParams{DropPendingUpdates: false})
		return err
	})
}

// setWebhook tells Telegram where to post updates.
func (a *App) setWebhook(ctx context.Context) error {
	err := a.send.Call(ctx, func(ctx context.Context) error {
		_, err := a.tg.SetWebhook(ctx, &telegram.SetWebhookParams{
			URL: a.Cfg.WebhookURL, SecretToken: a.Cfg.WebhookSecret,
			AllowedUpdates: intake.AllowedUpdates, MaxConnections: 40,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: setWebhook: %w", err)
	}
	path, _ := web.WebhookPath(a.Cfg.WebhookURL)
	a.Log.Info("webhook set", "path", web.RedactPath(path, a.secrets()...))
	return nil
}

// secrets are what must never reach a log: the bot token (and its part
// after the colon, the secret one) and the webhook secret.
func (a *App) secrets() []string {
	out := []string{a.Cfg.Token, a.Cfg.WebhookSecret}
	if _, hash, ok := strings.Cut(a.Cfg.Token, ":"); ok {
		out = append(out, hash)
	}
	return out
}

// handle is the Dispatcher's handler: it decides one update inside the
// update's transaction and keeps the effects decided with it.
func (a *App) handle(ctx context.Context, c *store.Claimed, tx *sqlx.Tx) (dispatch.Outcome, error) {
	var upd models.Update
	if err := json.Unmarshal(c.Payload, &upd); err != nil {
		return dispatch.Outcome{}, fmt.Errorf("%w: cannot decode update: %v", dispatch.ErrPermanent, err)
	}
	t := &turn.Turn{Tx: tx, Update: &upd, Status: store.InboxDone, Seen: c.Seen}
	if err := a.decide(ctx, t); err != nil {
		return dispatch.Outcome{}, err
	}
	// The turn's effects commit with its state, or not at all: the
	// dispatcher writes them with the record of the update.
	rows, err := outbox.Rows(c.UpdateID, t.Effects()...)
	if err != nil {
		return dispatch.Outcome{}, err
	}
	return dispatch.Outcome{Status: t.Status, Effects: rows, OnCommit: t.Committed()}, nil
}

// apologise tells a citizen whose update could not be handled to try
// again: an effect in tx, where the failure is recorded.
func (a *App) apologise(ctx context.Context, tx *sqlx.Tx, c *store.Claimed) error {
	var upd models.Update
	if json.Unmarshal(c.Payload, &upd) != nil {
		return nil
	}
	chat, private := tg.ChatOf(&upd)
	if !private {
		return nil
	}
	// The failed turn's writes were rolled back, so a first-time user may
	// not be stored yet: Telegram's language_code is the fallback.
	lang := locales.Default
	if u, err := store.GetUser(ctx, tx, chat); err == nil && u.Language != "" {
		lang = u.Language
	} else if from := tg.SenderOf(&upd); from != nil {
		if l, ok := dialogs.LanguageFromTelegram(from.LanguageCode); ok {
			lang = l
		}
	}
	return outbox.Add(ctx, tx, c.UpdateID, outbox.Send(chat, a.Text.Text(lang, "error.retry"), nil))
}

// listen starts the HTTP server on LISTEN_ADDR (nil when there is none:
// polling mode without LISTEN_ADDR).
func (a *App) listen(fail func(error)) (*web.Server, error) {
	if a.Cfg.ListenAddr == "" && a.Cfg.WebhookURL == "" {
		return nil, nil
	}
	cfg := web.ServerConfig{
		Addr: a.Cfg.ListenAddr, Timeout: a.Cfg.HTTPTimeout, Log: a.Log,
		Ready: a.notReady, Metrics: a.Metrics.Handler(), Pages: a.pages,
	}
	if a.Cfg.WebhookURL != "" {
		path, err := web.WebhookPath(a.Cfg.WebhookURL)
		if err != nil {
			return nil, err
		}
		cfg.WebhookPath, cfg.Webhook = path, a.in
	}
	srv, err := web.Listen(cfg, fail)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.addr = srv.Addr()
	a.mu.Unlock()
	return srv, nil
}

// notReady says why the bot should get no traffic now, or "" when it may.
func (a *App) notReady(ctx context.Context) string {
	if a.stopping.Load() {
		return "stopping"
	}
	select {
	case <-a.ready:
	default:
		return "starting: not taking updates yet"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := a.St.Ping(ctx); err != nil {
		a.Log.Warn("readiness: the database does not answer", "err", err)
		return "the database does not answer"
	}
	pending, err := a.St.MigrationsPending(ctx)
	if err != nil {
		a.Log.Warn("readiness: cannot read the database's migrations", "err", err)
		return "cannot read the database's migrations"
	}
	if pending {
		return "the database schema is behind this binary: run servicebot migrate"
	}
	return ""
}
