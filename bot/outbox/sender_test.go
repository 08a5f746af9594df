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
	if err := s.wait(ctx, 42, true, 1); err != nil {
		t.Fatal(err)
	}
	if got := s.global.Tokens(); got < full-0.5 {
		t.Errorf("a quiet call took an overall token: %.2f left of %.2f", got, full)
	}
	if chat := s.pace(42).chat.Tokens(); chat > 99.5 {
		t.Errorf("a quiet call took nothing from its chat's pace: %.2f", chat)
	}
	if err := s.wait(ctx, 43, false, 1); err != nil {
		t.Fatal(err)
	}
	if got := s.global.Tokens(); got > full-0.5 {
		t.Errorf("a message took no overall token: %.2f left of %.2f", got, full)
	}
}

// An album of three counts as three messages in a group's minute and in
// the bot's second, as many separate messages would, and once in the
// chat's pace.
func TestAlbumCountsAsItsMessages(t *testing.T) {
	s := NewSender(Limits{PerSecond: 30, ChatPerSecond: 1, ChatBurst: 3, GroupPerMinute: 20}, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	const group = -100500
	global, groupFull := s.global.Tokens(), s.pace(group).group.Tokens()
	if err := s.wait(ctx, group, false, 3); err != nil {
		t.Fatal(err)
	}
	p := s.pace(group)
	if got := p.group.Tokens(); got > groupFull-2.5 {
		t.Errorf("the group's minute: %.2f left of %.2f after an album of three", got, groupFull)
	}
	if got := s.global.Tokens(); got > global-2.5 {
		t.Errorf("the bot's second: %.2f left of %.2f after an album of three", got, global)
	}
	if got := p.chat.Tokens(); got < 1.5 {
		t.Errorf("the chat's pace: %.2f left of 3 after one album", got)
	}
}
