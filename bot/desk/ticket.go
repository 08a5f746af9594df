package desk

import (
	"context"
	"errors"
	"html"
	"strings"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/store"
)

// OpenTicket opens a ticket with its first message (msg, or text when
// there is no message to copy), its topic and card in the staff chat.
func (a *Desk) OpenTicket(ctx context.Context, t *turn.Turn, msg *models.Message, text, source, sourceText string) error {
	_, err := a.openTicket(ctx, t, msg, text, source, sourceText)
	return err
}

// FollowUp hands a low rating whose visitor asked to be contacted to the
// moderators: a request of its own, or, when the visitor has one open
// already, a message in it that staff and the visitor are told of. It
// returns the request's id.
func (a *Desk) FollowUp(ctx context.Context, t *turn.Turn, text, ref string) (int64, error) {
	if tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
		if err := a.RelayToStaff(ctx, t, tk, nil, text); err != nil {
			return 0, err
		}
		t.Do(a.TicketPost(tk, a.StaffText("desk.followup_joined", map[string]any{"Ref": ref}), nil))
		a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.followup_joined", map[string]any{"ID": tk.ID}), nil)
		return tk.ID, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	tk, err := a.openTicket(ctx, t, nil, text, "rating", ref)
	return tk.ID, err
}

func (a *Desk) openTicket(ctx context.Context, t *turn.Turn, msg *models.Message, text, source, sourceText string) (store.Ticket, error) {
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return store.Ticket{}, err
	}
	if a.Cfg.StaffChatID == 0 {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.unavailable"), a.MenuKeyboard(t.Lang))
		return store.Ticket{}, nil
	}
	if tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID); err == nil {
		// A double tap on the offer: the ticket exists; this is one more message.
		return tk, a.RelayToStaff(ctx, t, tk, msg, text)
	}
	subject := text
	if subject == "" && msg != nil {
		subject = turn.FirstNonEmpty(msg.Text, msg.Caption)
	}
	// The topic is named after the first paragraph: a rating's follow-up
	// puts the person's words first and the scores after a blank line.
	subject, _, _ = strings.Cut(strings.TrimSpace(subject), "\n\n")
	tk, err := store.OpenTicket(ctx, t.Tx, t.User.ID, t.Lang, turn.Cut(strings.Join(strings.Fields(subject), " "), 60), source, sourceText)
	if err != nil {
		return store.Ticket{}, err
	}
	// The topic, the card and the first message are effects of this turn:
	// should anything below fail, none of them is made.
	a.PostCard(t, tk, tg.SenderOf(t.Update))
	if err := a.RelayToStaff(ctx, t, tk, msg, text); err != nil {
		return store.Ticket{}, err
	}
	note := a.Text.Text(t.Lang, "ticket.opened", map[string]any{"ID": tk.ID})
	if s := a.Pack.Hours(); !s.Open(time.Now()) {
		note += "\n\n" + a.Text.Text(t.Lang, "ticket.after_hours", map[string]any{
			"Hours": a.DescribeHours(t.Lang), "Next": a.DescribeWhen(t.Lang, s.NextOpen(time.Now())),
		})
	}
	a.Reply(ctx, t, note, nil)
	return tk, nil
}

// RelayToStaff copies a citizen's message into the ticket, or keeps it
// without relaying when moderators have blocked the citizen.
func (a *Desk) RelayToStaff(ctx context.Context, t *turn.Turn, tk store.Ticket, msg *models.Message, text string) error {
	blocked, notify, err := store.BlockState(ctx, t.Tx, t.User.ID)
	if err != nil {
		return err
	}
	rec := store.TicketMessage{TicketID: tk.ID, Direction: "in", Author: t.User.ID, Relayed: !blocked, Text: text}
	if msg != nil {
		rec.CitizenMessageID, rec.MediaGroup = int64(msg.ID), tg.AlbumOf(msg)
		if rec.Text == "" {
			rec.Text = turn.FirstNonEmpty(msg.Text, msg.Caption)
		}
	}
	id, err := store.AddTicketMessage(ctx, t.Tx, rec)
	if err != nil {
		return err
	}
	if !blocked {
		if err := store.MarkWaiting(ctx, t.Tx, tk.ID); err != nil {
			return err
		}
	}
	if blocked {
		if notify {
			a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.blocked")+a.ChannelList(t.Lang, "booking", "website", "app"), nil)
		}
		return nil
	}
	var relay outbox.Effect
	if msg != nil {
		relay = outbox.Call(a.Cfg.StaffChatID, "copyMessage", &telegram.CopyMessageParams{ChatID: a.Cfg.StaffChatID, FromChatID: t.Chat, MessageID: msg.ID})
		if item, ok := tg.AlbumItem(msg, msg.Caption, msg.CaptionEntities, ""); ok && tg.AlbumOf(msg) != "" {
			// Photos sent together reach the moderators together.
			relay = relay.InAlbum(tg.AlbumOf(msg), item, nil)
		}
	} else {
		relay = outbox.Send(a.Cfg.StaffChatID, "💬 "+html.EscapeString(text), nil)
	}
	relay = relay.InThread(turn.TicketThread(tk))
	if msg != nil && msg.ReplyToMessage != nil {
		// The citizen answered one of the moderator's messages: keep the thread.
		if m, err := store.TicketMessageByCitizen(ctx, t.Tx, tk.ID, msg.ReplyToMessage.ID); err == nil {
			relay = relay.Replying(store.Slot{Kind: store.SlotStaffCopy, Key: m.ID})
		}
	}
	if relay.ReplyTo == nil && !a.StaffIsForum() {
		// No forum: every message replies to the card, so moderators see
		// whose it is.
		relay = relay.Replying(store.Slot{Kind: store.SlotTicketCard, Key: tk.ID})
	}
	t.Do(relay.Keeping(store.Slot{Kind: store.SlotStaffCopy, Key: id}))
	return nil
}

// RelayMore is RelayToStaff for what a citizen writes while their request
// is open («а коли мені дадуть відповідь?»): a 👌 on it says it reached
// the operators, without a message more (nothing said it before).
func (a *Desk) RelayMore(ctx context.Context, t *turn.Turn, tk store.Ticket, msg *models.Message) error {
	if err := a.RelayToStaff(ctx, t, tk, msg, ""); err != nil {
		return err
	}
	if blocked, _, err := store.BlockState(ctx, t.Tx, t.User.ID); err != nil || blocked {
		return err
	}
	t.Do(a.Reaction(msg, "👌").Silent())
	return nil
}

// MirrorEdit mirrors a citizen's edit of a relayed message into the staff
// chat: a corrected text, or a photo's (document's, video's…) corrected
// caption, so that moderators read what the citizen now says.
func (a *Desk) MirrorEdit(ctx context.Context, t *turn.Turn, m *models.Message) {
	tk, err := store.OpenTicketOf(ctx, t.Tx, t.User.ID)
	if err != nil || (m.Text == "" && !captioned(m)) {
		t.Status = store.InboxSkipped
		return
	}
	rec, err := store.TicketMessageByCitizen(ctx, t.Tx, tk.ID, m.ID)
	if err != nil || !rec.Relayed {
		t.Status = store.InboxSkipped
		return
	}
	copyOf := store.Slot{Kind: store.SlotStaffCopy, Key: rec.ID}
	if m.Text == "" {
		t.Do(outbox.Call(a.Cfg.StaffChatID, "editMessageCaption", &telegram.EditMessageCaptionParams{
			ChatID: a.Cfg.StaffChatID, Caption: m.Caption, CaptionEntities: m.CaptionEntities, ShowCaptionAboveMedia: m.ShowCaptionAboveMedia,
		}).Changing(copyOf).MayBeRefused())
		return
	}
	t.Do(outbox.Call(a.Cfg.StaffChatID, "editMessageText", &telegram.EditMessageTextParams{ChatID: a.Cfg.StaffChatID, Text: m.Text, Entities: m.Entities}).
		Changing(copyOf).MayBeRefused())
}
