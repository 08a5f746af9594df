// Package config reads servicebot's settings from the environment, for the
// bot (cmd/servicebot) and the benchmark (cmd/servicebot-bench) alike.
package config

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"servicebot/bot"
	"servicebot/bot/web"
	"servicebot/store"
)

// Setting is one environment variable: its name, default and meaning.
type Setting struct {
	Name, Default, Help string
	Secret              bool // never printed
}

var Settings = []Setting{
	{Name: "TELEGRAM_TOKEN", Help: "the bot's token from @BotFather (required for run)", Secret: true},
	{Name: "TELEGRAM_API_URL", Default: "https://api.telegram.org", Help: "Bot API server; set it for a self-hosted server or a test fake"},
	{Name: "DATABASE_URL", Help: "PostgreSQL URL, e.g. postgres://user:pass@host:5432/db?sslmode=disable (percent-encode / ? # @ % : and spaces in the password, or set it in PGPASSWORD instead); unset: a private PostgreSQL under DATA_DIR"},
	{Name: "DATA_DIR", Default: "$XDG_DATA_HOME/servicebot or ~/.local/share/servicebot", Help: "where the private PostgreSQL keeps its files when DATABASE_URL is unset"},
	{Name: "STAFF_CHAT_ID", Help: "the moderators' forum supergroup, e.g. -1001234567890 (a group's id is negative); unset: no hand-off to a person"},
	{Name: "INTEGRITY_CHAT_ID", Help: "the group that receives integrity (anti-corruption) reports (negative id); unset: /report is off"},
	{Name: "INTEGRITY_KEY", Help: "seals the link from an integrity report to its reporter: base64 of 32 random bytes (openssl rand -base64 32); comma-separated, the first seals and all open (rotation); unset: derived from TELEGRAM_TOKEN", Secret: true},
	{Name: "INTEGRITY_LINK_DAYS", Default: "90", Help: "days a reporter can be reached through their integrity report; then the link is erased"},
	{Name: "ADMIN_USER_IDS", Help: "comma-separated Telegram user ids of staff who edit content (besides the staff chat's administrators)"},
	{Name: "WEBHOOK_URL", Help: "https URL Telegram posts updates to; unset: long polling"},
	{Name: "WEBHOOK_SECRET", Help: "1-256 characters A-Z a-z 0-9 _ -; required with WEBHOOK_URL", Secret: true},
	{Name: "LISTEN_ADDR", Default: ":8080", Help: "HTTP address for /healthz, /readyz, /metrics, the public /ratings, the staff /dashboard and, in webhook mode, the webhook"},
	{Name: "PUBLIC_URL", Help: "the URL people reach LISTEN_ADDR at, e.g. https://bot.example.org, for the dashboard's login links; unset: /dashboard is off"},
	{Name: "RATINGS_MIN_COUNT", Default: "5", Help: "ratings a centre needs before /ratings shows its figures"},
	{Name: "DIALOGS_PACK", Default: "hsc", Help: "content pack: hsc (Ukraine's MVS service centres) or mfc (Russia's MFC)"},
	{Name: "LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
	{Name: "BOT_USERNAME", Help: "only for `servicebot qr`: the bot's @username in the deep links (or --bot)"},
	{Name: "SURVEY_DAILY_LIMIT", Default: "1", Help: "questionnaires of a kind one person may send about one centre a day (0: no limit)"},
	{Name: "SLA_MINUTES", Default: "30", Help: "minutes of business hours a ticket may wait before moderators get a reminder"},
	{Name: "WORKERS", Default: "16", Help: "updates handled at once (each from a different chat)"},
	{Name: "WORKER_BATCH", Default: "8", Help: "most updates (of different chats) a worker handles in one transaction when there is more work than workers; 1: one each"},
	{Name: "DELIVERY_LANES", Default: "4", Help: "chats the outbox sends to at once; also the most replies a crash can send twice"},
	{Name: "SEND_PER_SECOND", Default: "30", Help: "messages per second to all chats (Telegram's limit)"},
	{Name: "SEND_PER_CHAT_SECOND", Default: "1", Help: "messages per second to one chat, after a burst of 3"},
	{Name: "SEND_PER_GROUP_MINUTE", Default: "20", Help: "messages per minute to one group"},
	{Name: "INBOX_RETENTION_DAYS", Default: "7", Help: "days handled updates stay in the inbox; 0 keeps them"},
	{Name: "PERSONAL_DATA_RETENTION_DAYS", Default: "0", Help: "days after which closed tickets' texts, unanswered questions and old responses are anonymized; 0 keeps them"},
}

// Config is everything read from the environment.
type Config struct {
	Bot         bot.Config
	DatabaseURL string
	DataDir     string // the private PostgreSQL's, when DatabaseURL is ""
	LogLevel    slog.Level
}

var KnownPacks = map[string]bool{"hsc": true, "mfc": true}

var (
	tokenPattern  = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// Load reads and checks the environment. needToken is true for run.
// Every problem is reported, each naming the variable and what it expects;
// secrets are never quoted back.
func Load(getenv func(string) string, needToken bool) (Config, error) {
	var c Config
	var problems []string
	bad := func(name, format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}
	get := func(name string) string {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			for _, s := range Settings {
				if s.Name == name && !strings.Contains(s.Default, " ") {
					return s.Default
				}
			}
		}
		return v
	}
	chatID := func(name string) int64 {
		v := get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil || n == 0:
			bad(name, "expected a Telegram chat id, an integer such as -1001234567890; got %q", v)
		case n > 0:
			// A person's id (private chats have positive ids): pasted by
			// mistake for the group's, the hand-off would go to one person.
			bad(name, "expected a group's id, negative, such as -1001234567890; %d is a user's (private chat's) id. "+
				"Add the bot to the group and read its id (see Setting up Telegram in the README)", n)
		}
		return n
	}
	days := func(name string) time.Duration {
		v := get(name)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 36500 {
			bad(name, "expected a whole number of days, 0 or more (0 keeps for ever); got %q", v)
			return 0
		}
		return time.Duration(n) * 24 * time.Hour
	}
	number := func(name string, lo, hi float64) float64 {
		v := get(name)
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < lo || n > hi {
			bad(name, "expected a number from %g to %g; got %q", lo, hi, v)
		}
		return n
	}

	b := &c.Bot
	b.Token = get("TELEGRAM_TOKEN")
	switch {
	case b.Token == "" && needToken:
		bad("TELEGRAM_TOKEN", "required: the token @BotFather gave you, like 123456789:AA...")
	case b.Token != "" && !tokenPattern.MatchString(b.Token):
		bad("TELEGRAM_TOKEN", "does not look like a bot token (digits, a colon, then 20 or more of A-Z a-z 0-9 _ -)")
	}
	b.APIURL = get("TELEGRAM_API_URL")
	if u, err := url.Parse(b.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("TELEGRAM_API_URL", "expected an http(s) URL such as https://api.telegram.org; got %q", b.APIURL)
	}
	c.DatabaseURL = get("DATABASE_URL")
	if c.DatabaseURL != "" {
		// Never the URL itself: it may carry the password.
		if scheme, _, ok := strings.Cut(c.DatabaseURL, "://"); ok && scheme != "postgres" && scheme != "postgresql" {
			bad("DATABASE_URL", "expected a postgres:// URL; got another scheme")
		} else if err := store.CheckURL(c.DatabaseURL); err != nil {
			bad("DATABASE_URL", "%v", err)
		}
	}
	c.DataDir = get("DATA_DIR")
	if c.DataDir == "" {
		c.DataDir = defaultDataDir(getenv)
	}
	b.StaffChatID = chatID("STAFF_CHAT_ID")
	b.IntegrityChatID = chatID("INTEGRITY_CHAT_ID")
	if v := get("INTEGRITY_KEY"); v != "" {
		for _, f := range strings.Split(v, ",") {
			k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(f))
			if err != nil || len(k) < 32 {
				// Never the value itself: it is a secret.
				bad("INTEGRITY_KEY", "expected base64 of at least 32 bytes (openssl rand -base64 32), comma-separated; one of them is not")
				continue
			}
			b.IntegrityKeys = append(b.IntegrityKeys, k)
		}
	}
	b.IntegrityLinkTTL = time.Duration(number("INTEGRITY_LINK_DAYS", 1, 3650)) * 24 * time.Hour
	if v := get("ADMIN_USER_IDS"); v != "" {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil || n <= 0 {
				bad("ADMIN_USER_IDS", "expected comma-separated Telegram user ids (positive integers); %q is not one", f)
				continue
			}
			b.AdminIDs = append(b.AdminIDs, n)
		}
	}
	b.WebhookURL = get("WEBHOOK_URL")
	b.WebhookSecret = get("WEBHOOK_SECRET")
	if b.WebhookURL != "" {
		// Never the URL itself: some put the token in its path.
		if u, err := url.Parse(b.WebhookURL); err != nil {
			bad("WEBHOOK_URL", "expected an https URL (Telegram only calls https), such as https://bot.example.org/telegram; it does not parse as a URL")
		} else if u.Scheme != "https" || u.Host == "" {
			bad("WEBHOOK_URL", "expected an https URL (Telegram only calls https), such as https://bot.example.org/telegram; got scheme %q, host %q", u.Scheme, u.Host)
		}
		if b.WebhookSecret == "" {
			bad("WEBHOOK_SECRET", "required with WEBHOOK_URL: 1-256 characters of A-Z a-z 0-9 _ -")
		}
		if u, err := url.Parse(b.WebhookURL); err == nil && web.IsOperatorPath(u.Path) {
			bad("WEBHOOK_URL", "its path %s is taken by an operator's endpoint; use another, such as /telegram", web.RedactPath(u.Path, b.Token, b.WebhookSecret))
		}
	}
	if b.WebhookSecret != "" && !secretPattern.MatchString(b.WebhookSecret) {
		bad("WEBHOOK_SECRET", "expected 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)")
	}
	b.ListenAddr = get("LISTEN_ADDR")
	if _, _, err := net.SplitHostPort(b.ListenAddr); err != nil {
		bad("LISTEN_ADDR", "expected host:port or :port, such as :8080; got %q", b.ListenAddr)
	}
	b.PublicURL = strings.TrimRight(get("PUBLIC_URL"), "/")
	if b.PublicURL != "" {
		if u, err := url.Parse(b.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			bad("PUBLIC_URL", "expected an http(s) URL without a query, such as https://bot.example.org; got %q", b.PublicURL)
		}
	}
	b.RatingsMinCount = int(number("RATINGS_MIN_COUNT", 1, 1000000))
	b.Pack = get("DIALOGS_PACK")
	if !KnownPacks[b.Pack] {
		bad("DIALOGS_PACK", "expected hsc or mfc; got %q", b.Pack)
	}
	switch lv := strings.ToLower(get("LOG_LEVEL")); lv {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("LOG_LEVEL", "expected debug, info, warn or error; got %q", lv)
	}
	b.Workers = int(number("WORKERS", 1, 512))
	b.Batch = int(number("WORKER_BATCH", 1, 64))
	b.DeliveryLanes = int(number("DELIVERY_LANES", 1, 64))
	b.SLA = time.Duration(number("SLA_MINUTES", 1, 10080)) * time.Minute
	b.SurveyDailyLimit = int(number("SURVEY_DAILY_LIMIT", 0, 1000))
	b.Limits = bot.Limits{
		PerSecond:      number("SEND_PER_SECOND", 0.1, 100000),
		ChatPerSecond:  number("SEND_PER_CHAT_SECOND", 0.01, 100000),
		ChatBurst:      3,
		GroupPerMinute: int(number("SEND_PER_GROUP_MINUTE", 1, 1000000)),
	}
	b.PollTimeout = 25 * time.Second
	b.InboxRetention = days("INBOX_RETENTION_DAYS")
	b.PersonalDataRetention = days("PERSONAL_DATA_RETENTION_DAYS")
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration:\n  %s\nRun `servicebot help` for every setting.", strings.Join(problems, "\n  "))
	}
	return c, nil
}

func defaultDataDir(getenv func(string) string) string {
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "servicebot")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "servicebot")
	}
	return "servicebot-data"
}

// NewLogger is the JSON logger on w that every command writes to stderr.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
