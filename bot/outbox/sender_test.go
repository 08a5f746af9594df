package outbox

import (
	"context"
	"log/slog"
	"testing"
)

// An edit that only takes buttons away sends the person nothing: it keeps
// to the chat's pace but takes nothing from the bot's messages a second,
// so that tidying a questionnaire does not slow everyone's replies.
func TestQuietCallsTakeNothingFromTheOverallLimit(t *testing.T) {
	s := NewSender(Limits{PerSecond: 1, ChatPerSecond: 100, ChatBurst: 100}, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	full := s.global.Tokens()
	if err := s.wait(ctx, 42, true); err != nil {
		t.Fatal(err)
	}
	if got := s.global.Tokens(); got < full-0.5 {
		t.Errorf("a quiet call took an overall token: %.2f left of %.2f", got, full)
	}
	if chat := s.pace(42).chat.Tokens(); chat > 99.5 {
		t.Errorf("a quiet call took nothing from its chat's pace: %.2f", chat)
	}
	if err := s.wait(ctx, 43, false); err != nil {
		t.Fatal(err)
	}
	if got := s.global.Tokens(); got > full-0.5 {
		t.Errorf("a message took no overall token: %.2f left of %.2f", got, full)
	}
}
