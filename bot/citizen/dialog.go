package citizen

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

// continueDialog takes text a person typed while a dialog waits for it.
// «скасувати», «отмена» typed alone is /cancel, whatever waits (a
// questionnaire with answers given asks first).
func (a *Citizens) continueDialog(ctx context.Context, t *turn.Turn, conv store.Conversation, msg *models.Message) error {
	if a.isCancel(msg.Text) {
		if conv.Dialog == turn.DialogSurvey {
			// «вийти» at a questionnaire's last comment, or with answers
			// that would be lost: the questionnaire's to answer.
			if took, err := a.survey.TypedExit(ctx, t, conv, msg.Text); took || err != nil {
				return err
			}
		}
		return a.OnCancel(ctx, t)
	}
	switch conv.Dialog {
	case turn.DialogSurvey:
		err := a.survey.ContinueSurvey(ctx, t, conv, msg)
		if errors.Is(err, turn.ErrNotMine) {
			return a.onCitizenMessage(ctx, t, msg)
		}
		if err != nil {
			return err
		}
	case turn.DialogCentres:
		if err := a.continueCentres(ctx, t, msg); err != nil {
			return err
		}
	case turn.DialogTicket:
		if a.Typed("ticket.refuse_typed", msg.Text) {
			// «не треба, дякую», «досить»: no request after all, rather
			// than one named «не треба, дякую».
			if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
				return err
			}
			a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.not_opened"), a.MenuKeyboard(t.Lang))
			return nil
		}
		if isSmallTalk(msg) || dialogs.AsksForPerson(msg.Text) {
			// «добрий день», a sticker, «оператор» again: not yet the
			// question, which the request (and its topic's name) is made
			// of.
			a.Reply(ctx, t, a.Text.Text(t.Lang, "ticket.describe_again"), nil)
			return nil
		}
		var d ticketDraft
		json.Unmarshal(conv.Data, &d)
		if err := a.desk.OpenTicket(ctx, t, msg, "", d.Source, d.SourceText); err != nil {
			return err
		}
	case turn.DialogReport:
		// A report draft from before migration 00009 kept it here, readable.
		if err := a.integrity.FileOldDraft(ctx, t, msg); err != nil {
			return err
		}
	case turn.DialogFAQEdit:
		err := a.edit.ContinueEdit(ctx, t, conv, msg)
		if errors.Is(err, turn.ErrNotMine) {
			return a.onCitizenMessage(ctx, t, msg)
		}
		if err != nil {
			return err
		}
	default:
		// A dialog this version does not know: drop it, take the message.
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		if err := a.onCitizenMessage(ctx, t, msg); err != nil {
			return err
		}
	}
	return nil
}

// isCancel tells «скасувати», «отмена» typed instead of /cancel: the
// locales' cancel_typed, in any language.
func (a *Citizens) isCancel(text string) bool { return a.Typed("cancel_typed", text) }
