// Package bot is everything that speaks Telegram: intake, ordering, routing,
// sending, keyboards, and the citizen, moderator and staff handlers.
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
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"
	"golang.org/x/time/rate"

	"servicebot/bot/outbox"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// Limits are Telegram's sending limits (see outbox.Limits).
type Limits = outbox.Limits

// TelegramLimits are the limits Telegram documents for bots.
func TelegramLimits() Limits { return outbox.TelegramLimits() }

// Config is what the bot needs to know about its deployment.
type Config struct {
	Token           string
	APIURL          string // Bot API server, https://api.telegram.org unless self-hosted
	StaffChatID     int64  // the moderators' forum supergroup
	IntegrityChatID int64  // where integrity reports go
	AdminIDs        []int64
	WebhookURL      string // webhook mode when set; long polling otherwise
	WebhookSecret   string
	ListenAddr      string // HTTP endpoints (health, readiness, metrics, webhook); "" in polling mode: none
	Pack            string // content pack: hsc or mfc
	Workers         int    // updates handled at once (different chats)
	Batch           int    // most updates (of different chats) a worker handles in one transaction
	Limits          Limits
	// IntegrityKeys seal the link from a report to its reporter
	// (INTEGRITY_KEY: the current secret first, then older ones still
	// opening links); none: derived from the bot token.
	IntegrityKeys [][]byte
	// IntegrityLinkTTL is how long a reporter can be reached (default 90
	// days); then the link is erased.
	IntegrityLinkTTL time.Duration
	// DeliveryLanes is how many chats the deliverer sends to at once; it
	// is also the most replies a crash can send twice (default 4).
	DeliveryLanes int
	// deliveryBackoff is the deliverer's first wait after a failed call
	// (default 500 ms); tests shorten it.
	deliveryBackoff time.Duration
	PollTimeout     time.Duration
	MaxAttempts     int           // a failing update is tried this often, then marked failed
	SLA             time.Duration // a ticket waiting this long in business hours gets a reminder
	// SurveyDailyLimit is how many questionnaires of a kind one person may
	// send about one centre a day (0: no limit).
	SurveyDailyLimit int
	// Retention: handled inbox rows are deleted, and citizens' words
	// blanked, this long after; 0 keeps them.
	InboxRetention        time.Duration
	PersonalDataRetention time.Duration
	// PublicURL is where people reach LISTEN_ADDR from outside (the
	// dashboard's login links); "" turns /dashboard off.
	PublicURL string
	// RatingsMinCount is how many ratings a centre needs before the public
	// ratings page shows its figures.
	RatingsMinCount int
	// HTTPTimeout bounds reading a request (headers and body) and writing
	// its answer on LISTEN_ADDR; 0: 30 s.
	HTTPTimeout time.Duration
}

// App is the running bot.
type App struct {
	cfg  Config
	st   *store.Store
	text *locales.Bundle
	log  *slog.Logger
	tg   *tg.Bot
	send *outbox.Sender
	out  *outbox.Deliverer
	in   *Intake
	disp *Dispatcher

	metrics       *Metrics
	ratingsCache  ratingsCache  // the public pages' aggregates
	loginAttempts *rate.Limiter // dashboard sign-ins tried, all together
	stopping      atomic.Bool   // set once Run is told to stop; readiness fails from then on
	every         schedule      // how often the background jobs run

	username string // the bot's @username, known after getMe

	pack   *dialogs.Pack // the content pack (its FAQ lives in the database)
	faq    faqHolder
	table  []route // see routes
	admins adminCache
	review chan struct{} // wakes the review poster
	keys   *reporterKeys // seal the links from integrity reports to reporters

	mu         sync.Mutex
	addr       net.Addr
	ready      chan struct{}
	pagesReady chan struct{} // closed once the pack is loaded: the web pages need no Telegram
	staffKnown bool          // whether staffForum has been asked of Telegram
	staffForum bool
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
	keys, err := newReporterKeys(cfg.IntegrityKeys, cfg.Token)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, st: st, text: text, log: log, ready: make(chan struct{}), pagesReady: make(chan struct{}), review: make(chan struct{}, 1), loginAttempts: newLoginLimiter(), keys: keys}
	var db *sql.DB
	if st != nil {
		db = st.DB().DB
	}
	a.metrics = NewMetrics(db)
	a.every = defaultSchedule()
	client := apiClient{http: apiHTTPClient(cfg.Workers), metrics: a.metrics}
	api, err := tg.New(cfg.Token,
		tg.WithServerURL(cfg.APIURL),
		tg.WithSkipGetMe(),
		tg.WithNotAsyncHandlers(),
		tg.WithHTTPClient(time.Minute, client),
		tg.WithErrorsHandler(func(err error) { log.Warn("telegram client", "err", redact(err.Error(), cfg.Token)) }),
	)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	a.tg = api
	a.send = outbox.NewSender(cfg.Limits, log)
	a.out = outbox.NewDeliverer(st, a.send, client, log, outbox.Options{
		APIURL: cfg.APIURL, Token: cfg.Token, Lanes: cfg.DeliveryLanes, Count: a.metrics.effect,
		Backoff: cfg.deliveryBackoff,
	})
	a.table = a.routes()
	a.disp = newDispatcher(&Dispatcher{
		st: st, log: log, handle: a.handle, onFailed: a.apologise, committed: a.out.Committed,
		workers: cfg.Workers, maxBatch: cfg.Batch, maxAttempts: cfg.MaxAttempts, turnTimeout: 3 * time.Minute,
		instance: instanceName(), metrics: a.metrics,
	})
	a.in = &Intake{
		st: st, log: log, stored: a.disp.Signal,
		apiURL: cfg.APIURL, token: cfg.Token, secret: cfg.WebhookSecret,
		http:    &http.Client{Timeout: cfg.PollTimeout + 15*time.Second},
		timeout: cfg.PollTimeout,
		metrics: a.metrics,
	}
	return a, nil
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

// Metrics are the bot's Prometheus metrics, also served on /metrics.
func (a *App) Metrics() *Metrics { return a.metrics }

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
	// Health answers while the bot waits for Telegram or the database.
	ep, err := a.listen(fail)
	if err != nil {
		return err
	}
	defer ep.shutdown()
	// The pack and the FAQ need only the database: the public pages and
	// the dashboard serve from here on, while Telegram may still be away.
	if err := a.prepareFAQ(ctx); err != nil {
		return err
	}
	close(a.pagesReady)
	me, err := a.whoAmI(ctx)
	if err != nil {
		return err
	}
	a.username = me.Username
	if err := a.readStaffChat(ctx); err != nil {
		return err
	}
	if err := a.sealOldReporters(ctx); err != nil {
		return err
	}
	a.log.Info("bot started", "bot_id", me.ID, "username", me.Username, "mode", a.mode())
	go a.registerCommands(ctx)
	go a.remindLoop(ctx, a.cfg.SLA)
	go a.statsLoop(ctx, a.every.stats)
	go a.retentionLoop(ctx, a.every.retentionDelay, a.every.retention)
	go a.reviewLoop(ctx)
	go a.expireReporterLinks(ctx, a.every.retention)

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

	if a.cfg.WebhookURL != "" {
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
	ep.shutdown()
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
	if a.cfg.WebhookURL != "" {
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
		a.log.Warn("cannot reach Telegram yet; retrying", "err", err)
		if sleep(ctx, 5*time.Second) != nil {
			return nil, ctx.Err()
		}
	}
}

func (a *App) dropWebhook(ctx context.Context) error {
	// A webhook left set makes getUpdates fail with 409. Pending updates are
	// kept: Telegram hands them to getUpdates instead.
	return a.send.Call(ctx, func(ctx context.Context) error {
		_, err := a.tg.DeleteWebhook(ctx, &tg.DeleteWebhookParams{DropPendingUpdates: false})
		return err
	})
}

// setWebhook tells Telegram where to post updates.
func (a *App) setWebhook(ctx context.Context) error {
	err := a.send.Call(ctx, func(ctx context.Context) error {
		_, err := a.tg.SetWebhook(ctx, &tg.SetWebhookParams{
			URL: a.cfg.WebhookURL, SecretToken: a.cfg.WebhookSecret,
			AllowedUpdates: allowedUpdates, MaxConnections: 40,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: setWebhook: %w", err)
	}
	path, _ := webhookPath(a.cfg.WebhookURL)
	a.log.Info("webhook set", "path", path)
	return nil
}

// handle is the Dispatcher's handler: it decides one update inside the
// update's transaction and keeps the effects decided with it.
func (a *App) handle(ctx context.Context, c *store.Claimed, tx *sqlx.Tx) (int, []int64, error) {
	var upd models.Update
	if err := json.Unmarshal(c.Payload, &upd); err != nil {
		return 0, nil, fmt.Errorf("%w: cannot decode update: %v", errPermanent, err)
	}
	t := &Turn{Tx: tx, Update: &upd, Status: store.InboxDone}
	if err := a.decide(ctx, t); err != nil {
		return 0, nil, err
	}
	// The turn's effects commit with its state, or not at all.
	if t.forget {
		for i := range t.effects {
			t.effects[i].Forget = true
		}
	}
	if err := outbox.Add(ctx, tx, c.UpdateID, t.effects...); err != nil {
		return 0, nil, err
	}
	chats := make([]int64, 0, len(t.effects))
	for _, e := range t.effects {
		chats = append(chats, e.Chat)
	}
	return t.Status, chats, nil
}

// apologise tells a citizen whose update could not be handled to try
// again: an effect in tx, where the failure is recorded.
func (a *App) apologise(ctx context.Context, tx *sqlx.Tx, c *store.Claimed) error {
	var upd models.Update
	if json.Unmarshal(c.Payload, &upd) != nil {
		return nil
	}
	chat, private := chatOf(&upd)
	if !private {
		return nil
	}
	// The failed turn's writes were rolled back, so a first-time user may
	// not be stored yet: Telegram's language_code is the fallback.
	lang := locales.Default
	if u, err := store.GetUser(ctx, tx, chat); err == nil && u.Language != "" {
		lang = u.Language
	} else if from := senderOf(&upd); from != nil {
		if l, ok := dialogs.LanguageFromTelegram(from.LanguageCode); ok {
			lang = l
		}
	}
	return outbox.Add(ctx, tx, c.UpdateID, outbox.Send(chat, a.text.Text(lang, "error.retry"), nil))
}

// instanceName tells this process from other replicas in the inbox.
func instanceName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}
