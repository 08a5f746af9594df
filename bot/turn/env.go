package turn

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/metrics"
	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

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
	Limits          outbox.Limits
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
	// DeliveryBackoff is the deliverer's first wait after a failed call
	// (default 500 ms); tests shorten it.
	DeliveryBackoff time.Duration
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
	// ReviewEvery is how often the review poster looks for questionnaires
	// to show the staff without being woken (default 15 s; a turn that
	// submits one wakes it once committed).
	ReviewEvery time.Duration
	// RatingsMinCount is how many ratings a centre needs before the public
	// ratings page shows its figures.
	RatingsMinCount int
	// HTTPTimeout bounds reading a request (headers and body) and writing
	// its answer on LISTEN_ADDR; 0: 30 s.
	HTTPTimeout time.Duration
}

// Env is what the rooms share: the deployment's settings, the store, the
// texts, the content pack with its live FAQ, and what the bot has learnt
// of Telegram outside any turn (its own username, whether the staff chat
// has topics, who administers it).
type Env struct {
	Cfg     Config
	St      *store.Store
	Text    *locales.Bundle
	Log     *slog.Logger
	Metrics *metrics.Metrics
	// Pack is the content pack (its FAQ lives in the database: see Book),
	// set by PrepareFAQ before any turn.
	Pack *dialogs.Pack
	// Username is the bot's @username, known after getMe, before any turn.
	Username string
	// AskAdmin asks Telegram whether a user administers the staff chat;
	// IsAdmin caches its answers.
	AskAdmin func(ctx context.Context, userID int64) (bool, error)
	// Committed wakes the deliverer for chats whose effects a background
	// job (not a turn) has just committed.
	Committed func(ctx context.Context, chats []int64)

	faq    faqHolder
	admins adminCache
	review chan struct{} // wakes the review poster

	mu         sync.Mutex
	staffForum bool
}

// NewEnv is an Env for cfg; PrepareFAQ loads its pack.
func NewEnv(cfg Config, st *store.Store, text *locales.Bundle, log *slog.Logger, m *metrics.Metrics) *Env {
	return &Env{Cfg: cfg, St: st, Text: text, Log: log, Metrics: m, review: make(chan struct{}, 1)}
}

// SetStaffForum records whether the staff chat has topics (read from
// Telegram before the first turn).
func (a *Env) SetStaffForum(forum bool) {
	a.mu.Lock()
	a.staffForum = forum
	a.mu.Unlock()
}

// Reviews wakes the review poster: a questionnaire was sent.
func (a *Env) Reviews() <-chan struct{} { return a.review }

// OfferedLanguages are the languages a person may choose: those of the
// pack (its FAQ, questionnaires and centres) that the bot also speaks.
func (a *Env) OfferedLanguages() []string {
	var out []string
	for _, lang := range locales.Languages {
		if slices.Contains(a.Pack.Languages, lang) {
			out = append(out, lang)
		}
	}
	if len(out) == 0 {
		out = []string{locales.Default}
	}
	return out
}

// ChoosesLanguage tells whether people choose a language: the pack speaks
// more than one that the bot speaks too.
func (a *Env) ChoosesLanguage() bool { return len(a.OfferedLanguages()) > 1 }

// Offers tells whether a citizen's command leads anywhere in this
// deployment: /operator and /reopen need the moderators' chat, /report the
// integrity chat or an official channel it can point to, /language a
// choice of languages. What does not is left out of /help, the menu and
// Telegram's command list.
func (a *Env) Offers(command string) bool {
	switch command {
	case "operator", "reopen":
		return a.Cfg.StaffChatID != 0
	case "report":
		return a.Cfg.IntegrityChatID != 0 || a.ChannelList(locales.Default, "integrity") != ""
	case "language":
		return a.ChoosesLanguage()
	}
	return true
}

// ChooseLanguage records lang as the person's choice (/language, its
// buttons, or asked for in words), which what they write later does not
// change, and speaks it from this turn on.
func (a *Env) ChooseLanguage(ctx context.Context, t *Turn, lang string) error {
	if err := store.ChooseUserLanguage(ctx, t.Tx, t.User.ID, lang); err != nil {
		return err
	}
	t.User.Language, t.Lang = lang, lang
	return nil
}

// Help is the citizen's /help, without the commands this deployment does
// not offer (Offers).
func (a *Env) Help(lang string) string {
	help := a.Text.Text(lang, "help")
	for _, c := range []string{"operator", "reopen", "report", "language"} {
		if !a.Offers(c) {
			help = dialogs.WithoutCommand(help, "/"+c)
		}
	}
	return help
}

// FirstNonEmpty is the first of s that is not "".
func FirstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// DescribeHours renders the pack's business hours: «вт–пт 08:00–17:00, сб 08:00–15:45».
func (a *Env) DescribeHours(lang string) string {
	var parts []string
	for _, h := range a.Pack.BusinessHours {
		if len(h.Days) == 0 {
			continue
		}
		days := a.Text.Text(lang, "weekday."+h.Days[0])
		if len(h.Days) > 1 {
			days += "–" + a.Text.Text(lang, "weekday."+h.Days[len(h.Days)-1])
		}
		parts = append(parts, fmt.Sprintf("%s %s–%s", days, h.Open, h.Close))
	}
	return strings.Join(parts, ", ")
}

// DescribeWhen renders a moment in the pack's timezone: «сб 08:00».
func (a *Env) DescribeWhen(lang string, t time.Time) string {
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	return a.Text.Text(lang, "weekday."+names[t.Weekday()]) + " " + t.Format("15:04")
}

// Cut shortens s to at most n characters, with an ellipsis.
func Cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// MenuKeyboard is the citizen's main menu, without what the deployment
// does not offer (Offers).
func (a *Env) MenuKeyboard(lang string) *tg.Keyboard {
	rows := [][]tg.Button{
		{tg.CallbackButton(a.Text.Text(lang, "menu.faq"), CbMenu, "faq")},
		{tg.CallbackButton(a.Text.Text(lang, "menu.centres"), CbMenu, "centres")},
		{
			tg.CallbackButton(a.Text.Text(lang, "menu.rate"), CbMenu, "rate"),
			tg.CallbackButton(a.Text.Text(lang, "menu.mystery"), CbMenu, "mystery"),
		},
	}
	if a.Offers("operator") {
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(lang, "ticket.ask_person"), CbOperator, "m")})
	}
	if a.Offers("report") {
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(lang, "menu.report"), CbMenu, "report")})
	}
	return tg.NewKeyboard(append(rows, a.helpRow(lang))...)
}

// helpRow is the menu's last row: help, and the language choice when the
// pack speaks more than one (a choice of one is none).
func (a *Env) helpRow(lang string) []tg.Button {
	row := []tg.Button{tg.CallbackButton(a.Text.Text(lang, "menu.help"), CbMenu, "help")}
	if a.Offers("language") {
		row = append(row, tg.CallbackButton(a.Text.Text(lang, "menu.language"), CbMenu, "lang"))
	}
	return row
}

// Seal appends to a button's argument a short MAC of it and the person it
// is shown to, so that a forged press (another citizen's question id, say)
// is recognised: only the bot, which knows its token, can make one.
func (a *Env) Seal(userID int64, arg string) string {
	return arg + "." + a.mac(userID, arg)
}

// Unseal returns the argument of a sealed button pressed by userID, and
// whether it is genuine.
func (a *Env) Unseal(userID int64, sealed string) (string, bool) {
	i := strings.LastIndexByte(sealed, '.')
	if i < 0 {
		return "", false
	}
	arg := sealed[:i]
	return arg, hmac.Equal([]byte(sealed[i+1:]), []byte(a.mac(userID, arg)))
}

func (a *Env) mac(userID int64, arg string) string {
	m := hmac.New(sha256.New, []byte("servicebot button seal\x00"+a.Cfg.Token))
	fmt.Fprintf(m, "%d\x00%s", userID, arg)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:9]) // 12 characters
}

// ChannelList lists the pack's official channels of the given kinds, one
// a line with its link and note, for a message in HTML.
func (a *Env) ChannelList(lang string, kinds ...string) string {
	var b strings.Builder
	content := a.ContentLang(lang)
	for _, c := range a.Pack.Channels {
		if !slices.Contains(kinds, c.Kind) {
			continue
		}
		fmt.Fprintf(&b, "\n• <a href=\"%s\">%s</a>", html.EscapeString(c.URL), html.EscapeString(a.Pack.Local(c.Title, content)))
		if note := a.Pack.Local(c.Note, content); note != "" {
			b.WriteString(" — " + html.EscapeString(note))
		}
	}
	return b.String()
}

// Command returns the command in a private-chat message addressed to this
// bot (no @username, or ours).
func (a *Env) Command(u *models.Update) (tg.Command, bool) {
	if u.Message == nil || u.Message.Chat.Type != models.ChatTypePrivate {
		return tg.Command{}, false
	}
	c, ok := tg.ParseCommand(u.Message)
	if !ok {
		return tg.Command{}, false
	}
	if c.Bot != "" && !strings.EqualFold(c.Bot, a.Username) {
		return tg.Command{}, false
	}
	return c, true
}
