package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/store"
)

// A citizen who deletes their data (/forget) while a request is open
// leaves moderators no ghost: the topic says so and is closed, its name
// loses the question, the card loses the citizen's name and its buttons;
// an answer, /reopen or /take afterwards is told plainly that nobody is
// there, and /tickets no longer lists it.
func TestForgetClosesTheOpenRequestForModerators(t *testing.T) {
	h := newHarness(t)
	p := person{id: 32001, lang: "uk"}
	topic := h.openTicketFor(p, "Де забрати номерні знаки?")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/take"})
	answer := h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Зараз перевірю."})
	h.settle()
	h.says(p, "/forget")
	h.settle()
	h.taps(p, h.last(p.id), "fg:y")
	h.settle()

	note := h.text.Text("uk", "desk.forgotten_closed", map[string]any{"ID": 1})
	if got := lastInThread(h, topic.ThreadID).Text; got != note {
		t.Errorf("the topic's last word is %q, want %q", got, note)
	}
	for _, tp := range h.srv.Topics(staffChat) {
		if tp.ThreadID != topic.ThreadID {
			continue
		}
		if !tp.Closed {
			t.Error("the forgotten citizen's topic is still open")
		}
		if strings.Contains(tp.Name, "знаки") {
			t.Errorf("the topic is still named after the citizen's words: %q", tp.Name)
		}
	}
	card := inThread(h.srv.Messages(staffChat), topic.ThreadID)[0]
	if len(card.Buttons()) != 0 || strings.Contains(card.Text, "Олена") || strings.Contains(card.Text, "32001") {
		t.Errorf("the card still names the citizen or offers buttons: %q %v", card.Text, card.Buttons())
	}

	before := len(h.srv.Messages(p.id))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Знаки можна забрати в ТСЦ 8041"})
	h.settle()
	if got := lastInThread(h, 0).Text; !strings.Contains(got, "видалив свої дані") || strings.Contains(got, "/reopen") {
		t.Errorf("an answer after /forget: General says %q", got)
	}
	// An answer from before, corrected: there is nobody to correct it for.
	var answerID int
	h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE update_id = $1`, answer).Scan(&answerID)
	if answerID == 0 {
		t.Fatal("the moderator's answer is not in the inbox")
	}
	now := int(time.Now().Unix())
	h.srv.Push(models.Update{EditedMessage: &models.Message{
		ID: answerID, Date: now, EditDate: now, From: moderator, MessageThreadID: topic.ThreadID, IsTopicMessage: true,
		Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true}, Text: "Зараз перевірю в реєстрі.",
	}})
	h.settle()
	for _, cmd := range []string{"/reopen", "/take", "/block"} {
		h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: cmd})
		h.settle()
		want := h.text.Text("uk", "desk.about_closed", map[string]any{"ID": 1, "Text": h.text.Text("uk", "desk.forgotten")})
		if got := lastInThread(h, 0).Text; got != want {
			t.Errorf("%s after /forget: %q, want %q", cmd, got, want)
		}
	}
	if n := len(h.srv.Messages(p.id)); n != before {
		t.Errorf("the citizen who was forgotten got %d more messages", n-before)
	}
	var open int
	h.st.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM tickets WHERE status = 'open'`).Scan(&open)
	var blocked int
	h.st.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM blocked_users`).Scan(&blocked)
	if open != 0 || blocked != 0 {
		t.Errorf("%d requests open, %d people blocked after /forget", open, blocked)
	}
	h.staffPost(staffChat, 0, 0, &models.Message{Text: "/tickets"})
	h.settle()
	if got := h.last(staffChat).Text; got != h.text.Text("uk", "desk.no_open") {
		t.Errorf("/tickets after /forget: %q", got)
	}
	if _, err := store.OpenTicketOf(context.Background(), h.st.DB(), 0); err == nil {
		t.Error("a request of nobody is open")
	}
	h.noRejects()
}
