package main

import (
	"encoding/base64"
	"fmt"
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
)

// setting is one environment variable: its name, default and meaning.
type setting struct {
	name, def, help string
	secret          bool // never printed
}

var settings = []setting{
	{name: "TELEGRAM_TOKEN", help: "the bot's token from @BotFather (required for run)", secret: true},
	{name: "TELEGRAM_API_URL", def: "https://api.telegram.org", help: "Bot API server; set it for a self-hosted server or a test fake"},
	{name: "DATABASE_URL", help: "PostgreSQL URL, e.g. postgres://user:pass@host:5432/db?sslmode=disable; unset: a private PostgreSQL under DATA_DIR"},
	{name: "DATA_DIR", def: "$XDG_DATA_HOME/servicebot or ~/.local/share/servicebot", help: "where the private PostgreSQL keeps its files when DATABASE_URL is unset"},
	{name: "STAFF_CHAT_ID", help: "the moderators' forum supergroup, e.g. -1001234567890"},
	{name: "INTEGRITY_CHAT_ID", help: "the chat that receives integrity (anti-corruption) reports"},
	{name: "INTEGRITY_KEY", help: "seals the link from an integrity report to its reporter: base64 of 32 random bytes (openssl rand -base64 32); comma-separated, the first seals and all open (rotation); unset: derived from TELEGRAM_TOKEN", secret: true},
	{name: "INTEGRITY_LINK_DAYS", def: "90", help: "days a reporter can be reached through their integrity report; then the link is erased"},
	{name: "ADMIN_USER_IDS", help: "comma-separated Telegram user ids of staff who edit content"},
	{name: "WEBHOOK_URL", help: "https URL Telegram posts updates to; unset: long polling"},
	{name: "WEBHOOK_SECRET", help: "1-256 characters A-Z a-z 0-9 _ -; required with WEBHOOK_URL", secret: true},
	{name: "LISTEN_ADDR", def: ":8080", help: "HTTP address for /healthz, /readyz, /metrics, the public /ratings, the staff /dashboard and, in webhook mode, the webhook"},
	{name: "PUBLIC_URL", help: "the URL people reach LISTEN_ADDR at, e.g. https://bot.example.org, for the dashboard's login links; unset: /dashboard is off"},
	{name: "RATINGS_MIN_COUNT", def: "5", help: "ratings a centre needs before /ratings shows its figures"},
	{name: "DIALOGS_PACK", def: "hsc", help: "content pack: hsc (Ukraine's MVS service centres) or mfc (Russia's MFC)"},
	{name: "LOG_LEVEL", def: "info", help: "debug, info, warn or error"},
	{name: "BOT_USERNAME", help: "only for `servicebot qr`: the bot's @username in the deep links (or --bot)"},
	{name: "SURVEY_DAILY_LIMIT", def: "1", help: "questionnaires of a kind one person may send about one centre a day (0: no limit)"},
	{name: "SLA_MINUTES", def: "30", help: "minutes of business hours a ticket may wait before moderators get a reminder"},
	{name: "WORKERS", def: "16", help: "updates handled at once (each from a different chat)"},
	{name: "WORKER_BATCH", def: "8", help: "most updates (of different chats) a worker handles in one transaction when there is more work than workers; 1: one each"},
	{name: "DELIVERY_LANES", def: "4", help: "chats the outbox sends to at once; also the most replies a crash can send twice"},
	{name: "SEND_PER_SECOND", def: "30", help: "messages per second to all chats (Telegram's limit)"},
	{name: "SEND_PER_CHAT_SECOND", def: "1", help: "messages per second to one chat, after a burst of 3"},
	{name: "SEND_PER_GROUP_MINUTE", def: "20", help: "messages per minute to one group"},
	{name: "INBOX_RETENTION_DAYS", def: "7", help: "days handled updates stay in the inbox; 0 keeps them"},
	{name: "PERSONAL_DATA_RETENTION_DAYS", def: "0", help: "days after which closed tickets' texts, unanswered questions and old responses are anonymized; 0 keeps them"},
}

// config is everything read from the environment.
type config struct {
	bot         bot.Config
	databaseURL string
	dataDir     string
	logLevel    slog.Level
}

var knownPacks = map[string]bool{"hsc": true, "mfc": true}

var (
	tokenPattern  = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// loadConfig reads and checks the environment. needToken is true for run.
// Every problem is reported, each naming the variable and what it expects;
// secrets are never quoted back.
func loadConfig(getenv func(string) string, needToken bool) (config, error) {
	var c config
	var problems []string
	bad := func(name, format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}
	get := func(name string) string {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			for _, s := range settings {
				if s.name == name && !strings.Contains(s.def, " ") {
					return s.def
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
		if err != nil || n == 0 {
			bad(name, "expected a Telegram chat id, an integer such as -1001234567890; got %q", v)
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

	b := &c.bot
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
	c.databaseURL = get("DATABASE_URL")
	if c.databaseURL != "" {
		if u, err := url.Parse(c.databaseURL); err == nil && u.Scheme != "" && u.Scheme != "postgres" && u.Scheme != "postgresql" {
			bad("DATABASE_URL", "expected a postgres:// URL; got scheme %q", u.Scheme)
		}
	}
	c.dataDir = get("DATA_DIR")
	if c.dataDir == "" {
		c.dataDir = defaultDataDir(getenv)
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
		if u, err := url.Parse(b.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			bad("WEBHOOK_URL", "expected an https URL (Telegram only calls https), such as https://bot.example.org/telegram; got %q", b.WebhookURL)
		}
		if b.WebhookSecret == "" {
			bad("WEBHOOK_SECRET", "required with WEBHOOK_URL: 1-256 characters of A-Z a-z 0-9 _ -")
		}
		if u, err := url.Parse(b.WebhookURL); err == nil && bot.IsOperatorPath(u.Path) {
			bad("WEBHOOK_URL", "its path %s is taken by an operator's endpoint; use another, such as /telegram", u.Path)
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
	if !knownPacks[b.Pack] {
		bad("DIALOGS_PACK", "expected hsc or mfc; got %q", b.Pack)
	}
	switch lv := strings.ToLower(get("LOG_LEVEL")); lv {
	case "debug":
		c.logLevel = slog.LevelDebug
	case "info":
		c.logLevel = slog.LevelInfo
	case "warn", "warning":
		c.logLevel = slog.LevelWarn
	case "error":
		c.logLevel = slog.LevelError
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
