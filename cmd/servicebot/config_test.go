package main

import (
	"bytes"
	"servicebot/cmd/internal/config"
	"strings"
	"testing"
)

const goodToken = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestConfigDefaults(t *testing.T) {
	c, err := config.Load(env("TELEGRAM_TOKEN", goodToken), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Bot.APIURL != "https://api.telegram.org" || c.Bot.Pack != "hsc" || c.Bot.ListenAddr != ":8080" || c.Bot.Workers != 16 || c.Bot.Batch != 8 {
		t.Errorf("defaults: %+v", c.Bot)
	}
	if c.Bot.Limits.PerSecond != 30 || c.Bot.Limits.ChatPerSecond != 1 || c.Bot.Limits.GroupPerMinute != 20 {
		t.Errorf("default limits are not Telegram's: %+v", c.Bot.Limits)
	}
	if c.DatabaseURL != "" || c.DataDir == "" {
		t.Errorf("database: url %q dir %q", c.DatabaseURL, c.DataDir)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	tests := []struct {
		env  []string
		want string // the variable named in the error
	}{
		{env: []string{}, want: "TELEGRAM_TOKEN: required"},
		{env: []string{"TELEGRAM_TOKEN", "not-a-token"}, want: "TELEGRAM_TOKEN"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "TELEGRAM_API_URL", "ftp://x"}, want: "TELEGRAM_API_URL"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "STAFF_CHAT_ID", "staff"}, want: "STAFF_CHAT_ID"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "INTEGRITY_CHAT_ID", "1.5"}, want: "INTEGRITY_CHAT_ID"},
		// A person's id where a group's belongs.
		{env: []string{"TELEGRAM_TOKEN", goodToken, "STAFF_CHAT_ID", "123456789"}, want: "STAFF_CHAT_ID: expected a group's id"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "INTEGRITY_CHAT_ID", "123456789"}, want: "INTEGRITY_CHAT_ID: expected a group's id"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "INTEGRITY_KEY", "c2hvcnQ="}, want: "INTEGRITY_KEY"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "INTEGRITY_LINK_DAYS", "0"}, want: "INTEGRITY_LINK_DAYS"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "ADMIN_USER_IDS", "12, abc"}, want: "ADMIN_USER_IDS"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "WEBHOOK_URL", "http://bot.example.org/x", "WEBHOOK_SECRET", "abc"}, want: "WEBHOOK_URL"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "WEBHOOK_URL", "https://bot.example.org/x"}, want: "WEBHOOK_SECRET: required"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "WEBHOOK_SECRET", "has space"}, want: "WEBHOOK_SECRET"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "LISTEN_ADDR", "8080"}, want: "LISTEN_ADDR"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "DIALOGS_PACK", "xyz"}, want: "DIALOGS_PACK"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "LOG_LEVEL", "loud"}, want: "LOG_LEVEL"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "WORKERS", "0"}, want: "WORKERS"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "WORKER_BATCH", "0"}, want: "WORKER_BATCH"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "WORKER_BATCH", "eight"}, want: "WORKER_BATCH"},
		{env: []string{"TELEGRAM_TOKEN", goodToken, "DATABASE_URL", "mysql://x"}, want: "DATABASE_URL"},
	}
	for _, tt := range tests {
		_, err := config.Load(env(tt.env...), true)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("env %v: error %v; want one naming %q", tt.env, err, tt.want)
		}
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	secretish := "999:sup3r-secret-value-that-is-long-enough"
	_, err := config.Load(env("TELEGRAM_TOKEN", secretish+" x", "WEBHOOK_SECRET", "bad secret!"), true)
	if err == nil {
		t.Fatal("bad values accepted")
	}
	if strings.Contains(err.Error(), "sup3r") || strings.Contains(err.Error(), "bad secret") {
		t.Errorf("a secret leaked into the error: %v", err)
	}
}

// A WEBHOOK_URL that carries the token or the secret in its path is
// refused, when it is wrong, without quoting either.
func TestWebhookURLErrorsHideTheTokenAndSecret(t *testing.T) {
	hash := strings.SplitN(goodToken, ":", 2)[1]
	for _, u := range []string{
		"http://bot.example.org/tg/" + goodToken,
		"https://bot.example.org/ratings/" + goodToken,
		"https://bot.example.org/ratings/Wh00kS3cret",
		"https://bot.example.org/tg/" + goodToken + "%zz",
	} {
		_, err := config.Load(env("TELEGRAM_TOKEN", goodToken, "WEBHOOK_URL", u, "WEBHOOK_SECRET", "Wh00kS3cret"), true)
		if err == nil || !strings.Contains(err.Error(), "WEBHOOK_URL") {
			t.Errorf("%s: error %v; want one naming WEBHOOK_URL", u, err)
			continue
		}
		if strings.Contains(err.Error(), hash) || strings.Contains(err.Error(), "Wh00kS3cret") {
			t.Errorf("the error shows a secret: %v", err)
		}
	}
}

func TestMigrateNeedsNoToken(t *testing.T) {
	if _, err := config.Load(env(), false); err != nil {
		t.Errorf("migrate without a token: %v", err)
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"help"}, env(), &out, &out); code != 0 {
		t.Fatalf("help exited %d", code)
	}
	for _, s := range config.Settings {
		if !strings.Contains(out.String(), s.Name) {
			t.Errorf("help does not list %s", s.Name)
		}
	}
	if !strings.Contains(out.String(), "https://api.telegram.org") {
		t.Error("help does not show defaults")
	}
	var errOut bytes.Buffer
	if code := run([]string{"frobnicate"}, env(), &errOut, &errOut); code != 2 || !strings.Contains(errOut.String(), "unknown command") || strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("an unknown command: exit %d, %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"run"}, env("STAFF_CHAT_ID", "x"), &errOut, &errOut); code != 1 || !strings.Contains(errOut.String(), "TELEGRAM_TOKEN") || !strings.Contains(errOut.String(), "STAFF_CHAT_ID") {
		t.Errorf("run with a bad environment: exit %d, %q", code, errOut.String())
	}
}

// A DATABASE_URL whose password holds characters a URL reserves is
// refused with what is wrong and how to mend it, never with the URL or any
// piece of the password.
func TestDatabaseURLErrorsNeverShowThePassword(t *testing.T) {
	for _, c := range []struct{ url, password string }{
		{"postgres://servicebot:Ab3/Kx9+qZ=@127.0.0.1:5432/servicebot?sslmode=disable", "Ab3/Kx9+qZ="},
		{"postgres://servicebot:Ab3%Kx9qZ@127.0.0.1:5432/servicebot?sslmode=disable", "Ab3%Kx9qZ"},
		{"postgres://servicebot:Ab3#Kx9qZ@127.0.0.1:5432/servicebot?sslmode=disable", "Ab3#Kx9qZ"},
		{"postgres://servicebot:Ab3 Kx9qZ@127.0.0.1:5432/servicebot?sslmode=disable", "Ab3 Kx9qZ"},
		{"postgres://servicebot:Ab3?Kx9qZ@127.0.0.1:5432/servicebot?sslmode=disable", "Ab3?Kx9qZ"},
		{"postgres://servicebot:123/456789@127.0.0.1:5432/servicebot", "123/456789"},
		{"postgres://servicebot@127.0.0.1:5432/servicebot?sslmode=disable&password=Ab3%zz", "Ab3%zz"},
	} {
		var out bytes.Buffer
		code := run([]string{"migrate"}, env("DATABASE_URL", c.url), &out, &out)
		msg := out.String()
		if code == 0 {
			t.Errorf("%s: accepted", c.url)
		}
		if !strings.Contains(msg, "DATABASE_URL") || !strings.Contains(msg, "percent-encoded") && !strings.Contains(msg, "percent-encode") {
			t.Errorf("%s: the error does not say what to mend: %s", c.url, msg)
		}
		for _, piece := range passwordPieces(c.password) {
			if strings.Contains(msg, piece) {
				t.Errorf("%s: the error shows %q of the password: %s", c.url, piece, msg)
			}
		}
	}
}

// passwordPieces are the password's runs of three characters.
func passwordPieces(pw string) []string {
	var out []string
	for i := 0; i+3 <= len(pw); i++ {
		out = append(out, pw[i:i+3])
	}
	return out
}
