package main

import (
	"servicebot/cmd/internal/config"
	"strings"
	"testing"
	"time"
)

func TestRetentionSettings(t *testing.T) {
	c, err := config.Load(env("TELEGRAM_TOKEN", goodToken), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Bot.InboxRetention != 7*24*time.Hour || c.Bot.PersonalDataRetention != 0 {
		t.Errorf("default retention: inbox %s, personal data %s; want 7 days and keep", c.Bot.InboxRetention, c.Bot.PersonalDataRetention)
	}
	c, err = config.Load(env("TELEGRAM_TOKEN", goodToken, "INBOX_RETENTION_DAYS", "0", "PERSONAL_DATA_RETENTION_DAYS", "90"), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Bot.InboxRetention != 0 || c.Bot.PersonalDataRetention != 90*24*time.Hour {
		t.Errorf("retention 0 and 90: got %s and %s", c.Bot.InboxRetention, c.Bot.PersonalDataRetention)
	}
	for _, bad := range [][]string{
		{"INBOX_RETENTION_DAYS", "-1"},
		{"INBOX_RETENTION_DAYS", "1.5"},
		{"PERSONAL_DATA_RETENTION_DAYS", "a week"},
		{"PERSONAL_DATA_RETENTION_DAYS", "99999999"},
	} {
		_, err := config.Load(env("TELEGRAM_TOKEN", goodToken, bad[0], bad[1]), true)
		if err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: error %v; want one naming the variable", bad[0], bad[1], err)
		}
	}
}

func TestWebhookPathIsNotAnOperatorEndpoint(t *testing.T) {
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		_, err := config.Load(env("TELEGRAM_TOKEN", goodToken, "WEBHOOK_URL", "https://bot.example.org"+path, "WEBHOOK_SECRET", "abc"), true)
		if err == nil || !strings.Contains(err.Error(), "WEBHOOK_URL") {
			t.Errorf("WEBHOOK_URL on %s: error %v; want one naming WEBHOOK_URL", path, err)
		}
	}
	if _, err := config.Load(env("TELEGRAM_TOKEN", goodToken, "WEBHOOK_URL", "https://bot.example.org/telegram", "WEBHOOK_SECRET", "abc"), true); err != nil {
		t.Errorf("an ordinary webhook path: %v", err)
	}
}
