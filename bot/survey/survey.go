package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	telegram "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// The mystery-shopper questionnaire and the quick visit rating: one
// question per message, edited in place, saved after every step.
//
// Callback data, k being m (mystery) or r (rating):
//
//	qs:k:<go|cont|new|send|x>  start, continue, start over, send, cancel
//	qa:k:<question>:<choice>   an answer button
//	qd:k:<question>            Done (multiple choice)
//	qk:k:<question>            Skip
//	qb:k                       Back
//	qe:k:<question>            change an answer from the summary
//	qy:k:…                     choosing a centre (centrepick.go)
const (
	// CentreStep is the rating's centre, asked by the bot before the
	// questions.
	CentreStep    = "_centre"
	surveyPerPage = 8
	// stepLeave: «вийти», «досить» typed with answers given; the
	// questionnaire asks whether to leave, and loses them, first.
	stepLeave = "leave"
)

type surveyState struct {
	Kind string `json:"kind"`
	// Since is the update that asked «Вийти з анкети?» (stepLeave): a
	// button pressed after it means the person went on.
	Since int64 `json:"since,omitempty"`
}

// OnMysteryCommand offers the mystery shopper's questionnaire (/mystery).
func (a *Surveys) OnMysteryCommand(ctx context.Context, t *turn.Turn) error {
	return a.OfferSurvey(ctx, t, dialogs.KindMystery, "", 0, 0)
}

// OnRateCommand offers the quick visit rating (/rate).
func (a *Surveys) OnRateCommand(ctx context.Context, t *turn.Turn) error {
	return a.OfferSurvey(ctx, t, dialogs.KindRating, "", 0, 0)
}

// RateFromLink starts the quick rating from a QR deep link r_<centre>[_<desk>].
// An unknown or malformed one falls back to choosing the centre.
func (a *Surveys) RateFromLink(ctx context.Context, t *turn.Turn, link dialogs.StartLink) error {
	centre, desk := "", 0
	if len(link.Args) >= 1 {
		if _, ok := a.Pack.Centre(link.Args[0]); ok {
			centre = link.Args[0]
		}
	}
	if centre != "" && len(link.Args) >= 2 {
		if n, err := strconv.Atoi(link.Args[1]); err == nil && n > 0 && n < 1000 {
			desk = n
		}
	}
	return a.OfferSurvey(ctx, t, dialogs.KindRating, centre, desk, 0)
}

// OfferSurvey shows what is stored and why, or offers to continue a draft.
func (a *Surveys) OfferSurvey(ctx context.Context, t *turn.Turn, kind, centre string, desk, msgID int) error {
	q, ok := a.questionnaire(kind)
	if !ok {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "survey.unavailable"), a.MenuKeyboard(t.Lang))
		return nil
	}
	k := turn.LetterOf(kind)
	if d, err := store.DraftOf(ctx, t.Tx, t.User.ID, kind); err == nil {
		offer := "survey.continue_offer"
		step, total, final := q.Progress(d.Answers, firstUnanswered(q, d))
		if !final {
			offer = "survey.continue_offer_open"
		}
		a.Show(ctx, t, msgID, a.Text.Text(t.Lang, offer, map[string]any{"Step": step, "Total": total}), tg.NewKeyboard(
			[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.continue"), turn.CbSurvey, k+":cont")},
			[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.start_over"), turn.CbSurvey, k+":new")},
		))
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// The centre and desk from a QR code wait in the conversation until Start.
	raw, _ := json.Marshal(map[string]any{"kind": kind, "centre": centre, "desk": desk})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogSurvey, Step: "intro", Data: raw}); err != nil {
		return err
	}
	// «Почати» carries the QR code's centre too: the conversation goes
	// when the person types something else first.
	goData := k + ":go"
	if centre != "" {
		goData += ":" + centre + ":" + strconv.Itoa(desk)
	}
	lang := a.ContentLang(t.Lang)
	intro := a.Pack.Local(q.Intro, lang)
	if a.Cfg.StaffChatID == 0 {
		// No one would answer: the intro promises no operator.
		intro = strings.Replace(intro, a.Pack.Local(q.IntroOperator, lang), "", 1)
	}
	text := "<b>" + html.EscapeString(a.Pack.Local(q.Title, lang)) + "</b>\n\n" + html.EscapeString(intro)
	if centre != "" {
		c, _ := a.Pack.Centre(centre)
		text += "\n\n🏢 " + html.EscapeString(a.CentreName(t.Lang, c))
	}
	a.Show(ctx, t, msgID, text, tg.NewKeyboard(
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.start"), turn.CbSurvey, goData)},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "nav.menu"), turn.CbMenu, "menu")},
	))
	return nil
}

// followUpQuestion is the rating's «shall an operator contact you?»: a
// "yes" opens a request for the staff.
const followUpQuestion = "followup"

// questionnaire is the pack's questionnaire of kind as this deployment
// asks it: where no staff chat is, no one would contact the person, and
// «Хочете, щоб з вами зв’язався оператор?» is not asked.
func (a *Surveys) questionnaire(kind string) (*dialogs.Questionnaire, bool) {
	q, ok := a.Pack.Questionnaire(kind)
	if !ok || a.Cfg.StaffChatID != 0 {
		return q, ok
	}
	return q.Without(followUpQuestion), true
}

// introCentre is the centre and desk of a QR code, kept in the intro's
// conversation until «Почати».
type introCentre struct {
	Centre string `json:"centre"`
	Desk   int    `json:"desk"`
}

func introCentreOf(conv store.Conversation) introCentre {
	var c introCentre
	json.Unmarshal(conv.Data, &c)
	return c
}

// currentStep is the step the questionnaire waits for: the centre (for a
// rating without one), the first unanswered question, or "" at the summary.
func currentStep(q *dialogs.Questionnaire, r store.Response) string {
	if NeedsCentre(r) {
		return CentreStep
	}
	return firstUnanswered(q, r)
}

func firstUnanswered(q *dialogs.Questionnaire, r store.Response) string {
	if next, ok := q.Next(r.Answers); ok {
		return next.ID
	}
	return ""
}

// OnSurveyButton follows a questionnaire's buttons.
func (a *Surveys) OnSurveyButton(ctx context.Context, t *turn.Turn) error {
	u := t.Update
	action, arg := tg.ParseCallback(u.CallbackQuery.Data)
	parts := strings.Split(arg, ":")
	kind := turn.KindOf(parts[0])
	q, ok := a.questionnaire(kind)
	if !ok {
		a.StaleButton(ctx, t)
		return nil
	}
	at := func(i int) string {
		if i < len(parts) {
			return parts[i]
		}
		return ""
	}
	msgID := tg.CallbackMessageID(u)
	if action == turn.CbSurvey && (at(1) == "go" || at(1) == "new") {
		a.Ack(ctx, t, "")
		return a.beginSurvey(ctx, t, q, kind, msgID, at(2), at(3))
	}
	r, err := store.DraftOf(ctx, t.Tx, t.User.ID, kind)
	if errors.Is(err, store.ErrNotFound) {
		// A button of a questionnaire already sent or cancelled.
		a.Ack(ctx, t, a.Text.Text(t.Lang, "survey.gone"))
		return nil
	}
	if err != nil {
		return err
	}
	// A button of a step already passed (the message above the one typed
	// into, say) does nothing but say so: its «Skip» must not erase an
	// answer given since.
	stale := at(1) != currentStep(q, r)
	if stale && at(1) == CentreStep && r.Kind == dialogs.KindRating {
		// The centre chosen again from the summary (✏️ 🏢).
		conv, err := store.GetConversation(ctx, t.Tx, t.Chat)
		stale = err != nil || conv.Step != stepCentreAgain
	}
	if (action == turn.CbSurveyAns || action == turn.CbSurveyDone || action == turn.CbSurveySkip) && stale {
		e := outbox.Call(t.Chat, "answerCallbackQuery", &telegram.AnswerCallbackQueryParams{
			CallbackQueryID: u.CallbackQuery.ID, Text: a.Text.Text(t.Lang, "survey.step_passed"), ShowAlert: true,
		}).MayBeRefused()
		e.Urgent = true
		t.Do(e)
		return nil
	}
	a.Ack(ctx, t, "")
	r.MessageID = msgID
	if r.Paused && (action != turn.CbSurvey || at(1) == "cont") {
		// Put off («давайте потом», an operator asked for) and taken up
		// again with a button of its step: what is typed next is for it
		// again, not for the FAQ or the operator's request.
		if err := a.keepSurveyDialog(ctx, t, kind); err != nil {
			return err
		}
		if err := store.SetDraftPaused(ctx, t.Tx, t.User.ID, kind, false); err != nil {
			return err
		}
	}
	switch action {
	case turn.CbSurvey:
		switch at(1) {
		case "cont":
			if err := a.keepSurveyDialog(ctx, t, kind); err != nil {
				return err
			}
			a.renderStep(ctx, t, q, r, "")
		case "send":
			if err := a.submitSurvey(ctx, t, q, r); err != nil {
				return err
			}
		case "x":
			return a.leave(ctx, t, kind, msgID, "survey.cancelled")
		}
	case turn.CbSurveyAns:
		if err := a.answerSurvey(ctx, t, q, r, at(1), dialogs.Input{Choice: at(2)}); err != nil {
			return err
		}
	case turn.CbSurveyDone:
		if err := a.answerSurvey(ctx, t, q, r, at(1), dialogs.Input{Done: true}); err != nil {
			return err
		}
	case turn.CbSurveySkip:
		if err := a.answerSurvey(ctx, t, q, r, at(1), dialogs.Input{Skip: true}); err != nil {
			return err
		}
	case turn.CbSurveyBack:
		if err := a.stepBack(ctx, t, q, r); err != nil {
			return err
		}
	case turn.CbSurveyEdit:
		if at(1) == CentreStep && kind == dialogs.KindRating {
			// The rating's centre, chosen again from the summary: the one
			// given stays until another is picked (Back leaves it).
			raw, _ := json.Marshal(surveyState{Kind: kind})
			if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogSurvey, Step: stepCentreAgain, Data: raw}); err != nil {
				return err
			}
			a.renderCentres(ctx, t, q, r, a.topView(), "")
			return nil
		}
		if q.Question(at(1)) == nil {
			a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.not_shown"))
			return nil
		}
		// Asked again with the earlier answer marked, as after Back.
		if prev, ok := r.Answers[at(1)]; ok && !prev.Skipped {
			prev.Pending = true
			r.Answers[at(1)] = prev
		} else {
			delete(r.Answers, at(1))
		}
		if err := a.saveAndRender(ctx, t, q, r, ""); err != nil {
			return err
		}
	case turn.CbSurveyPlace:
		switch at(1) {
		case "o":
			return a.askCentreNote(ctx, t, q, r)
		case "l":
			a.offerLocation(t, "centre.location_offer")
			return nil
		}
		// Back from the note to the list.
		if err := a.keepSurveyDialog(ctx, t, kind); err != nil {
			return err
		}
		a.renderCentres(ctx, t, q, r, parseCentreView(parts[1:]), "")
	}
	return nil
}

func (a *Surveys) keepSurveyDialog(ctx context.Context, t *turn.Turn, kind string) error {
	raw, _ := json.Marshal(surveyState{Kind: kind})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogSurvey, Step: "q", Data: raw}); err != nil {
		return err
	}
	return nil
}

func (a *Surveys) beginSurvey(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, kind string, msgID int, centre, desk string) error {
	var pending introCentre
	if conv, err := store.GetConversation(ctx, t.Tx, t.Chat); err == nil && conv.Dialog == turn.DialogSurvey {
		pending = introCentreOf(conv)
	} else if _, ok := a.Pack.Centre(centre); ok && kind == dialogs.KindRating {
		// From «Почати»'s own data, when the intro's conversation has gone.
		pending.Centre = centre
		if n, err := strconv.Atoi(desk); err == nil && n > 0 && n < 1000 {
			pending.Desk = n
		}
	}
	nr := q.NewResponse()
	r, err := store.StartResponse(ctx, t.Tx, store.Response{
		Kind: kind, Questionnaire: nr.Questionnaire, Version: nr.Version, Pack: a.Pack.ID,
		UserID: t.User.ID, Lang: t.Lang, Answers: nr.Answers, Centre: pending.Centre, Desk: pending.Desk,
	})
	if err != nil {
		return err
	}
	r.MessageID = msgID
	if err := a.keepSurveyDialog(ctx, t, kind); err != nil {
		return err
	}
	// A QR code's centre already rated today: say so now, and let them
	// choose another, rather than at «Send».
	note := ""
	if full, err := a.dailyLimitReached(ctx, t, kind, r.Centre); err != nil {
		return err
	} else if full && kind == dialogs.KindRating {
		r.Centre, r.Desk = "", 0
		note = a.Text.Text(t.Lang, "survey.err.daily_limit_centre")
	}
	return a.saveAndRender(ctx, t, q, r, note)
}

// answerSurvey applies an input to a question and shows what comes next,
// or the problem with the input.
func (a *Surveys) answerSurvey(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, qid string, in dialogs.Input) error {
	return a.answerSaying(ctx, t, q, r, qid, in, "")
}

// answerSaying is answerSurvey with said above what comes next.
func (a *Surveys) answerSaying(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, qid string, in dialogs.Input, said string) error {
	if qid == CentreStep {
		if _, ok := a.Pack.Centre(in.Choice); !ok || r.Kind != dialogs.KindRating {
			a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.unknown_centre"))
			return nil
		}
		// The daily limit is told as soon as the centre is known, with
		// the choice of another, not after every step at «Send».
		if full, err := a.dailyLimitReached(ctx, t, r.Kind, in.Choice); err != nil || full {
			if full {
				a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.daily_limit_centre"))
			}
			return err
		}
		r.Centre, r.CentreNote = in.Choice, ""
		if err := a.keepSurveyDialog(ctx, t, r.Kind); err != nil { // no longer choosing again
			return err
		}
		return a.saveAndRender(ctx, t, q, r, "")
	}
	in.Today = time.Now().In(a.Pack.Hours().Location())
	if in.Today.Location() == nil {
		in.Today = time.Now()
	}
	before := r.Answers
	note := ""
	var kept dialogs.Answer
	noted, noteKey := false, ""
	if qq := q.Question(qid); qq != nil && qq.Type == dialogs.QuestionText {
		noteKey = dialogs.NoteOf(qq)
		kept, noted = r.Answers[noteKey]
		// A phone number (or a tax number) in a comment is not kept: the
		// questionnaire asks for none, and says so.
		if masked, ok := dialogs.MaskPhones(in.Text); ok {
			in.Text, note = masked, a.Text.Text(t.Lang, "survey.phone_removed")
			// Nor in the inbox's copy of the message.
			if err := store.ScrubInboxUpdate(ctx, t.Tx, t.Update.ID); err != nil {
				return err
			}
		}
		if noted {
			// What was written at a button step before («ні, довелося
			// прийти вдруге») is this answer's beginning; «Пропустити»,
			// «Цього досить» keep it alone.
			switch prev := r.Answers[qid]; {
			case in.Text != "":
				in.Text = qq.AddNote(in.Text, kept.Text, true)
			case in.Done && prev.Pending:
				in = dialogs.Input{Text: qq.AddNote(prev.Text, kept.Text, false), Today: in.Today}
			case in.Done || in.Skip:
				in = dialogs.Input{Text: kept.Text, Today: in.Today}
			}
		}
	}
	ans, err := q.Apply(r.Answers, qid, in, a.centreIDs())
	if err != nil {
		a.renderStep(ctx, t, q, r, joinNotes(said, a.surveyError(t.Lang, q, qid, err)))
		return nil
	}
	if noted {
		delete(ans, noteKey)
	}
	if reflect.DeepEqual(ans, before) && t.Update.CallbackQuery != nil {
		return nil // a double tap: the answer is already so
	}
	if qq := q.Question(qid); qq != nil && qq.Type == dialogs.QuestionCentre {
		if full, err := a.dailyLimitReached(ctx, t, r.Kind, ans[qid].Text); err != nil || full {
			if full {
				a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.daily_limit_centre"))
			}
			return err
		}
		r.Centre, r.CentreNote = ans[qid].Text, ""
	}
	r.Answers = ans
	for _, id := range q.IntegrityFlags(ans) {
		if !slices.Contains(q.IntegrityFlags(before), id) {
			note = a.integrityNote(t.Lang)
		}
	}
	return a.saveAndRender(ctx, t, q, r, joinNotes(said, note))
}

// surveyReport is the integrity report a questionnaire makes (plain text):
// the integrity answers, and where and when the visit was, for what.
func (a *Surveys) surveyReport(q *dialogs.Questionnaire, r store.Response, flags []string) string {
	lang := a.StaffLang()
	var b strings.Builder
	b.WriteString(a.Text.Text(lang, "survey.integrity_from"))
	line := func(qq *dialogs.Question) {
		if ans, ok := r.Answers[qq.ID]; ok && !ans.Skipped {
			fmt.Fprintf(&b, "\n• %s %s", a.Pack.Local(qq.Text, lang), a.AnswerLabel(lang, qq, ans))
		}
	}
	for _, qq := range q.IntegrityQuestions() {
		line(qq)
	}
	if c, ok := a.Pack.Centre(r.Centre); ok {
		b.WriteString("\n🏢 " + a.CentreName(lang, c))
	}
	for _, qq := range q.Visible(r.Answers) {
		if qq.Type == dialogs.QuestionDate || qq.ID == "services" {
			line(qq)
		}
	}
	return b.String()
}

// integrityNote points to the official channels when someone says they
// were asked for money; a report is filed when the questionnaire is sent.
func (a *Surveys) integrityNote(lang string) string {
	note := a.Text.Text(lang, "survey.integrity_note")
	// The pack's integrity channels alone (a rating site is none), and
	// no «report directly:» when the pack has no sourced one.
	if channels := a.ChannelList(lang, "integrity"); channels != "" {
		note += " " + a.Text.Text(lang, "survey.integrity_direct") + channels
	}
	return note
}

func (a *Surveys) centreIDs() []string {
	ids := make([]string, 0, len(a.Pack.Centres))
	for _, c := range a.Pack.Centres {
		ids = append(ids, c.ID)
	}
	return ids
}

func (a *Surveys) surveyError(lang string, q *dialogs.Questionnaire, qid string, err error) string {
	key := "survey.err.other"
	data := map[string]any{}
	if out := (*dialogs.DateOutOfRange)(nil); errors.As(err, &out) {
		// «5 березня» in November: read, but too long ago to be asked
		// about; said with the date as read, not as a date not read.
		key = "survey.err.date_too_old"
		if out.Date.After(out.Earliest) {
			key = "survey.err.date_future"
		}
		return a.Text.Text(lang, key, map[string]any{"Date": out.Date.Format("02.01.2006"), "Earliest": out.Earliest.Format("02.01.2006")})
	}
	for _, e := range []struct {
		err error
		key string
	}{
		{dialogs.ErrExpectedButton, "expected_button"}, {dialogs.ErrExpectedText, "expected_text"},
		{dialogs.ErrExpectedPhoto, "expected_photo"}, {dialogs.ErrTooLong, "too_long"},
		{dialogs.ErrNotOptional, "not_optional"}, {dialogs.ErrBadChoice, "bad_choice"},
		{dialogs.ErrBadDate, "bad_date"}, {dialogs.ErrEmpty, "empty"},
		{dialogs.ErrUnknownCentre, "unknown_centre"}, {dialogs.ErrNotShown, "not_shown"},
	} {
		if errors.Is(err, e.err) {
			key = "survey.err." + e.key
			break
		}
	}
	if qq := q.Question(qid); qq != nil {
		if key == "survey.err.empty" && qq.Type == dialogs.QuestionMulti {
			// «Готово» with nothing ticked: there is no text to type.
			key = "survey.err.none_ticked"
		}
		if (qq.Type == dialogs.QuestionRating5 || qq.Type == dialogs.QuestionScale10) && (key == "survey.err.expected_button" || key == "survey.err.bad_choice") {
			// «4,5», «5 хвилин»: say what a score is here.
			key = "survey.err.expected_score"
			data["Lo"], data["Hi"] = 1, 5
			if qq.Type == dialogs.QuestionScale10 {
				data["Lo"], data["Hi"] = 0, 10
			}
		}
		data["Max"] = qq.Limit()
		if key == "survey.err.too_long" {
			return a.Text.Count(lang, key, qq.Limit(), data)
		}
	}
	return a.Text.Text(lang, key, data)
}

func (a *Surveys) saveAndRender(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, note string) error {
	// Words kept for a text step that did not come (typed at the last
	// yes/no) are in the last comment the summary shows and sends.
	r.Answers = q.PlaceNote(r.Answers)
	if err := store.SaveDraft(ctx, t.Tx, r); err != nil {
		return err
	}
	a.renderStep(ctx, t, q, r, note)
	return nil
}

// renderStep shows the next question, or the summary when all are answered.
func (a *Surveys) renderStep(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, note string) {
	k := turn.LetterOf(r.Kind)
	if NeedsCentre(r) {
		a.renderCentres(ctx, t, q, r, a.topView(), note)
		return
	}
	qq, ok := q.Next(r.Answers)
	if !ok {
		a.renderSummary(ctx, t, q, r, note)
		return
	}
	if qq.Type == dialogs.QuestionCentre {
		a.renderCentres(ctx, t, q, r, a.topView(), note)
		return
	}
	lang := a.ContentLang(t.Lang)
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	b.WriteString("<i>" + a.progress(t.Lang, q, r.Answers, qq.ID) + "</i>")
	if s := q.SectionOf(qq.ID); s != nil {
		b.WriteString(" · <b>" + html.EscapeString(a.Pack.Local(s.Title, lang)) + "</b>")
	}
	b.WriteString("\n\n" + html.EscapeString(a.Pack.Local(qq.Text, lang)))
	if h := a.Pack.Local(qq.Hint, lang); h != "" {
		b.WriteString("\n<i>" + html.EscapeString(h) + "</i>")
	}
	var rows [][]tg.Button
	// Asked again after Back: what was chosen before is marked.
	before := r.Answers[qq.ID]
	chosen := func(choice string) bool {
		if !before.Pending {
			return false
		}
		if before.Number != nil {
			return strconv.Itoa(*before.Number) == choice
		}
		return slices.Contains(before.Choice, choice)
	}
	ans := func(choice, label string) tg.Button {
		if qq.Type != dialogs.QuestionMulti && chosen(choice) {
			label = "✅ " + label
		}
		return tg.CallbackButton(label, turn.CbSurveyAns, k+":"+qq.ID+":"+choice)
	}
	switch qq.Type {
	case dialogs.QuestionSingle:
		for _, o := range qq.Options {
			rows = append(rows, []tg.Button{ans(o.ID, a.Pack.Local(o.Text, lang))})
		}
	case dialogs.QuestionMulti:
		picked := r.Answers[qq.ID].Choice
		for _, o := range qq.Options {
			mark := "▫️ "
			if slices.Contains(picked, o.ID) {
				mark = "✅ "
			}
			rows = append(rows, []tg.Button{ans(o.ID, mark+a.Pack.Local(o.Text, lang))})
		}
		rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.done"), turn.CbSurveyDone, k+":"+qq.ID)})
		b.WriteString("\n<i>" + a.Text.Text(t.Lang, "survey.multi_hint") + "</i>")
	case dialogs.QuestionRating5:
		var row []tg.Button
		for i := 1; i <= 5; i++ {
			row = append(row, ans(strconv.Itoa(i), strconv.Itoa(i)))
		}
		rows = append(rows, row)
	case dialogs.QuestionScale10:
		var r1, r2 []tg.Button
		for i := 0; i <= 10; i++ {
			if i <= 5 {
				r1 = append(r1, ans(strconv.Itoa(i), strconv.Itoa(i)))
			} else {
				r2 = append(r2, ans(strconv.Itoa(i), strconv.Itoa(i)))
			}
		}
		rows = append(rows, r1, r2)
	case dialogs.QuestionYesNo, dialogs.QuestionYesNoNA:
		row := []tg.Button{ans(dialogs.ChoiceYes, a.Text.Text(t.Lang, "survey.yes")), ans(dialogs.ChoiceNo, a.Text.Text(t.Lang, "survey.no"))}
		if qq.Type == dialogs.QuestionYesNoNA {
			row = append(row, ans(dialogs.ChoiceNA, a.Text.Text(t.Lang, "survey.na")))
		}
		rows = append(rows, row)
	case dialogs.QuestionDate:
		rows = append(rows, []tg.Button{ans(dialogs.ChoiceToday, a.Text.Text(t.Lang, "survey.today")), ans(dialogs.ChoiceYesterday, a.Text.Text(t.Lang, "survey.yesterday"))})
		b.WriteString("\n<i>" + a.Text.Text(t.Lang, "survey.date_hint") + "</i>")
	case dialogs.QuestionText:
		b.WriteString("\n<i>" + a.Text.Count(t.Lang, "survey.text_hint", qq.Limit(), map[string]any{"Max": qq.Limit()}) + "</i>")
		if before.Pending && before.Text != "" {
			b.WriteString("\n\n" + a.Text.Text(t.Lang, "survey.previous_answer", map[string]any{"Text": html.EscapeString(quotable(turn.Cut(before.Text, 300)))}))
			rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.keep_answer"), turn.CbSurveyDone, k+":"+qq.ID)})
		}
		if kept := r.Answers[dialogs.NoteOf(qq)].Text; kept != "" {
			// Written at a button step before: it is this answer's
			// beginning, and may be enough.
			b.WriteString("\n\n" + a.Text.Text(t.Lang, "survey.note_waiting", map[string]any{
				"Text": html.EscapeString(quotable(turn.Cut(kept, 300))), "Button": a.Text.Text(t.Lang, "survey.note_enough"),
			}))
			if !before.Pending || before.Text == "" {
				rows = append(rows, []tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.note_enough"), turn.CbSurveyDone, k+":"+qq.ID)})
			}
		}
	case dialogs.QuestionPhoto:
		b.WriteString("\n<i>" + a.Text.Text(t.Lang, "survey.photo_hint") + "</i>")
	}
	rows = append(rows, a.surveyNav(t.Lang, k, qq))
	a.showStep(ctx, t, r, b.String(), tg.NewKeyboard(rows...))
}

// typedChoice reads typed text as one of the step's buttons when it is
// that button's label («так», «ні», «вчора», an option's text) or one of
// the words that say the same (the locale's «<label>_typed»), compared as
// turn.Env.TypedForm compares them: folded (dialogs.Fold), so case,
// punctuation, apostrophes, Latin letters («tak») and the letters the two
// languages swap aside.
func (a *Surveys) typedChoice(lang string, qq *dialogs.Question, text string) (string, bool) {
	if qq.Type == dialogs.QuestionRating5 || qq.Type == dialogs.QuestionScale10 {
		return a.typedScore(lang, qq, text)
	}
	typed := dialogs.Fold(text)
	if typed == "" {
		return "", false
	}
	if qq.Type == dialogs.QuestionSingle {
		for _, o := range qq.Options {
			for _, l := range a.Pack.Languages {
				if dialogs.Fold(a.Pack.Local(o.Text, l)) == typed {
					return o.ID, true
				}
			}
		}
		// «хвилин 20», «півгодини» where the options are ranges of minutes.
		if id, ok := qq.MinutesOption(text); ok {
			return id, true
		}
		return a.optionNamed(qq, text)
	}
	// The choice each label key stands for, in the order they are tried.
	type labelled struct{ choice, key string }
	var keys []labelled
	switch qq.Type {
	case dialogs.QuestionYesNo, dialogs.QuestionYesNoNA:
		keys = []labelled{{dialogs.ChoiceYes, "survey.yes"}, {dialogs.ChoiceNo, "survey.no"}}
		if qq.Type == dialogs.QuestionYesNoNA {
			keys = append(keys, labelled{dialogs.ChoiceNA, "survey.na"})
		}
	case dialogs.QuestionDate:
		keys = []labelled{{dialogs.ChoiceToday, "survey.today"}, {dialogs.ChoiceYesterday, "survey.yesterday"}}
	}
	for _, k := range keys {
		if a.TypedForm(lang, k.key, text) {
			return k.choice, true
		}
	}
	// «так, звертався», «ні, не просили»: the first word answers, unless
	// another word takes it back («да нет», «так, але не дзвоніть») or the
	// words ask something: then the person is asked again.
	// A leading «не» is no answer by itself: it says no to the word after
	// it («не знаю», «не впевнений»).
	if words := strings.Fields(typed); len(words) > 1 && len(words) <= 4 && words[0] != dialogs.Fold("не") {
		if choice, ok := a.typedChoice(lang, qq, words[0]); ok {
			if strings.Contains(text, "?") {
				// «так, а навіщо?»: a question about the step, not its
				// answer.
				return "", false
			}
			for _, w := range words[1:] {
				if other, ok := bareYesNo[w]; (ok && other != choice) || hedges[w] {
					return "", false
				}
			}
			return choice, true
		}
	}
	return "", false
}

// optionNamed reads a few typed words that fit one option's label alone
// («термінал» for «Талон у терміналі в центрі», «онлайн» for «Онлайн-запис
// через «Е-запис»»):
// each word begins like a word of that label, and of no other's.
func (a *Surveys) optionNamed(qq *dialogs.Question, text string) (string, bool) {
	var typed []string
	for _, w := range strings.Fields(dialogs.Fold(text)) {
		if len([]rune(w)) >= 4 && w != "через" { // «у», «без», «через»: in many labels
			typed = append(typed, w)
		}
	}
	if len(typed) == 0 || len(typed) > 4 {
		return "", false
	}
	stem := func(w string) string {
		r := []rune(w)
		return string(r[:min(len(r), 5)])
	}
	found := ""
	for _, o := range qq.Options {
		fits := false
		for _, l := range a.Pack.Languages {
			label := strings.Fields(dialogs.Fold(a.Pack.Local(o.Text, l)))
			all := true
			for _, w := range typed {
				if !slices.ContainsFunc(label, func(lw string) bool {
					return len([]rune(lw)) >= 3 && (strings.HasPrefix(lw, stem(w)) || strings.HasPrefix(w, stem(lw)))
				}) {
					all = false
					break
				}
			}
			fits = fits || all
		}
		if fits {
			if found != "" {
				return "", false // fits two: not told apart
			}
			found = o.ID
		}
	}
	return found, found != ""
}

// yesNoBecause reads «да, охранник предлагал пройти без очереди за 500
// рублей», «ні, довелося прийти вдруге» at a yes/no step: a message that
// begins with a bare yes or no (bareYesNo; «так» with a comma or a dash
// after it, as «так» also begins sentences) is that answer, however long,
// unless a word takes it back: a hedge («але», «хотя»), the other answer's
// word, «не» right after it («да не…»), or a question mark. reason is the
// rest, when it says something (three words or more); «ні, не просили»
// gives none.
func yesNoBecause(qq *dialogs.Question, text string) (choice, reason string, ok bool) {
	if (qq.Type != dialogs.QuestionYesNo && qq.Type != dialogs.QuestionYesNoNA) || strings.Contains(text, "?") {
		return "", "", false
	}
	text = strings.TrimSpace(text)
	end := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	if end <= 0 {
		return "", "", false
	}
	first := dialogs.Fold(text[:end])
	choice, ok = bareYesNo[first]
	if !ok || first == dialogs.Fold("не") {
		return "", "", false
	}
	const stops = ",.!:;—–-"
	after := strings.TrimSpace(text[end:])
	if next, _ := utf8.DecodeRuneInString(after); first == dialogs.Fold("так") && after != "" && !strings.ContainsRune(stops, next) {
		return "", "", false // «так от…», «так само»
	}
	rest := strings.TrimLeftFunc(after, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(stops, r) })
	words := strings.Fields(dialogs.Fold(rest))
	for i, w := range words {
		if other, bare := bareYesNo[w]; hedges[w] || bare && other != choice && (w != dialogs.Fold("не") || i == 0) {
			return "", "", false
		}
	}
	if len(words) >= 3 {
		reason = strings.TrimSpace(rest)
	}
	return choice, reason, true
}

// optionSeparator parts options named in one message («паспорт, податки»,
// «паспорт і пільги»).
var optionSeparator = regexp.MustCompile(`\s*[,;+/]\s*|\s+(?:и|і|й|та|а также|а також)\s+`)

// tickTyped takes text typed at a multiple-choice step: its «Готово»
// typed is Done; options named by their labels' words («паспорт»,
// «паспорт, пільги»), each as optionNamed reads a single choice, are
// ticked (a ticked one stays ticked: typed, it is not taken back) and the
// step stays, saying what was ticked, for more or «Готово». It reports
// whether it took the text.
func (a *Surveys) tickTyped(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, qq *dialogs.Question, text string) (bool, error) {
	if a.TypedForm(t.Lang, "survey.done", text) {
		return true, a.answerSurvey(ctx, t, q, r, qq.ID, dialogs.Input{Done: true})
	}
	single := *qq
	single.Type = dialogs.QuestionSingle
	var named []string
	for _, part := range optionSeparator.Split(strings.TrimSpace(text), -1) {
		id, ok := a.typedChoice(t.Lang, &single, part)
		if !ok {
			return false, nil
		}
		if !slices.Contains(named, id) {
			named = append(named, id)
		}
	}
	ans := r.Answers
	var labels []string
	for _, id := range named {
		if !slices.Contains(ans[qq.ID].Choice, id) {
			var err error
			if ans, err = q.Apply(ans, qq.ID, dialogs.Input{Choice: id}, a.centreIDs()); err != nil {
				return false, nil
			}
		}
		o, _ := qq.Option(id)
		labels = append(labels, "«"+html.EscapeString(a.Pack.Local(o.Text, a.ContentLang(t.Lang)))+"»")
	}
	r.Answers = ans
	return true, a.saveAndRender(ctx, t, q, r, a.Text.Text(t.Lang, "survey.ticked", map[string]any{"Options": strings.Join(labels, ", ")}))
}

// bareYesNo are the words that alone say yes or no («не» too): one of
// them after the other's word takes it back («да не», «так ні»). Words
// that say yes only in a phrase («хочу») do not: «ні, не хочу» is no.
var bareYesNo = func() map[string]string {
	m := map[string]string{}
	for _, w := range strings.Fields("так да yes ага") {
		m[dialogs.Fold(w)] = dialogs.ChoiceYes
	}
	for _, w := range strings.Fields("ні нет no не нє неа") {
		m[dialogs.Fold(w)] = dialogs.ChoiceNo
	}
	return m
}()

// hedges take back a yes or a no typed before them («так, але…», «так
// собі»).
var hedges = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("але проте однак тільки лише но однако только хотя хоча but собі себе") {
		m[dialogs.Fold(w)] = true
	}
	return m
}()

// greetsOrThanks tells «привіт», «дякую»: said where an answer is awaited,
// the step is shown again kindly, not as a wrong answer.
func greetsOrThanks(text string) bool {
	k := dialogs.SmallTalk(text)
	return k == dialogs.SmallTalkGreeting || k == dialogs.SmallTalkThanks
}

// saysLater tells «не зараз», «потім», «можна заповнити пізніше?»: a few
// words with one of survey.later_typed among them, in any language.
func (a *Surveys) saysLater(text string) bool {
	f := " " + dialogs.Fold(text) + " "
	if len(strings.Fields(f)) > 12 {
		return false
	}
	for _, w := range a.TypedWords("survey.later_typed") {
		if w = dialogs.Fold(w); w != "" && strings.Contains(f, " "+w+" ") {
			return true
		}
	}
	return false
}

// putOff ends the typed dialog of a questionnaire the person puts off
// («я там ще не була, можна пізніше?»): the draft waits, and they are told
// how to come back to it.
func (a *Surveys) putOff(ctx context.Context, t *turn.Turn, kind string) error {
	if err := a.pause(ctx, t, kind); err != nil {
		return err
	}
	a.Reply(ctx, t, a.Text.Text(t.Lang, "survey.saved_for_later", map[string]any{"Command": commandOf(kind)}), a.MenuKeyboard(t.Lang))
	return nil
}

// pause ends the typed dialog of a questionnaire put off, its draft kept
// and marked so: a button of its step pressed later takes it up again.
func (a *Surveys) pause(ctx context.Context, t *turn.Turn, kind string) error {
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	return store.SetDraftPaused(ctx, t.Tx, t.User.ID, kind, true)
}

// commandOf is the command that begins or continues a questionnaire of
// kind.
func commandOf(kind string) string {
	if kind == dialogs.KindRating {
		return "rate"
	}
	return kind
}

// keepsTyped tells text typed at text question qq that is its Done
// button's words, when the step shows one: the earlier answer kept
// («↩️ Залишити як було»: «залишити», «все вірно», «ок», «надіслати») or
// the words kept from a button step taken as enough («✔️ Цього досить»),
// or «готово», «далі». Without such a button they are the answer.
func (a *Surveys) keepsTyped(lang string, r store.Response, qq *dialogs.Question, text string) bool {
	prev := r.Answers[qq.ID]
	if !(prev.Pending && prev.Text != "") && r.Answers[dialogs.NoteOf(qq)].Text == "" {
		return false
	}
	for _, key := range []string{"survey.keep_answer", "survey.note_enough", "survey.done"} {
		if a.TypedForm(lang, key, text) {
			return true
		}
	}
	return false
}

// typedSkip tells text that declines an optional step: its «Пропустити»
// typed, «ні», «нічого», «без коментарів», a lone dash (survey.skip_typed,
// in any language).
func (a *Surveys) typedSkip(lang, text string) bool {
	t := strings.TrimSpace(text)
	if t == "-" || t == "—" || t == "–" || t == "." {
		return true
	}
	return a.TypedForm(lang, "survey.skip", text)
}

// scoreOutOf is «5/5», «5 з 5», «4 из 5», «5 of 5»: a score and the top
// of its scale.
var scoreOutOf = regexp.MustCompile(`^\s*(\d{1,2})\s*(?:/|з|із|зі|из|of)\s*(\d{1,2})\s*$`)

var digits = regexp.MustCompile(`\d+`)

// minusNumber is a dash at a number («-5», «3-», «4-5»), not one inside a
// word («где-то 4»).
var minusNumber = regexp.MustCompile(`-\s*\d|\d\s*-`)

// scoreWords may stand beside a typed score.
var scoreWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`на оцінка оценка оцінюю оцениваю ставлю бал бали балів балла баллов бала зірка зірки зірок звезда звезды звёзд звезд star stars points out
		ну десь мабуть напевно певно приблизно где-то где то наверно наверное думаю я б би бы поставив поставила поставлю поставил поставила дам дав дала`) {
		m[dialogs.Fold(w)] = true
	}
	return m
}()

// typedScore reads a typed score: a number alone or with score words
// around it («5 зірок», «на 4», «5/5»), or on the 1–5 scale a word for it
// («відмінно», «п'ять», «погано»; survey.score_typed_N).
func (a *Surveys) typedScore(lang string, qq *dialogs.Question, text string) (string, bool) {
	lo, hi := 1, 5
	if qq.Type == dialogs.QuestionScale10 {
		lo, hi = 0, 10
	}
	inRange := func(s string) (string, bool) {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return "", false
		}
		return strconv.Itoa(n), true
	}
	// «⭐⭐⭐⭐», «*****»: as many stars as the score.
	if stars := strings.TrimFunc(text, unicode.IsSpace); stars != "" && qq.Type == dialogs.QuestionRating5 {
		n, only := 0, true
		for _, r := range stars {
			switch r {
			case '⭐', '★', '*':
				n++
			case '\uFE0F', ' ':
			default:
				only = false
			}
		}
		if only {
			return inRange(strconv.Itoa(n))
		}
	}
	if minusNumber.MatchString(text) {
		return "", false // «-5», «3-», «4-5»: not a plain score
	}
	if m := scoreOutOf.FindStringSubmatch(strings.ToLower(text)); m != nil {
		if top, _ := strconv.Atoi(m[2]); top == hi {
			return inRange(m[1])
		}
		return "", false
	}
	if nums := digits.FindAllString(text, -1); len(nums) == 1 {
		// «5 зірок», «на 4»; not «5 хвилин» (minutes waited, not a score).
		for _, w := range strings.Fields(dialogs.Fold(digits.ReplaceAllString(text, " "))) {
			if !scoreWords[w] {
				return "", false
			}
		}
		return inRange(nums[0])
	} else if len(nums) > 1 {
		return "", false
	}
	typed := dialogs.Fold(text)
	for _, lead := range []string{"на", "все", "всё", "усе", "всьо"} { // «на трійку», «все добре»
		typed = strings.TrimPrefix(typed, dialogs.Fold(lead)+" ")
	}
	if n, ok := dialogs.NumberWord(typed); ok && !strings.Contains(typed, " ") {
		return inRange(strconv.Itoa(n)) // «десять»
	}
	if qq.Type != dialogs.QuestionRating5 {
		return "", false
	}
	// In the person's language, then in the others («хорошо» from a
	// Ukrainian speaker).
	for _, l := range append([]string{lang}, locales.Languages...) {
		for n := 1; n <= 5; n++ {
			key := fmt.Sprintf("survey.score_typed_%d", n)
			for _, f := range strings.Split(a.Text.Text(l, key), "|") {
				if f != "" && f != key && dialogs.Fold(f) == typed {
					return strconv.Itoa(n), true
				}
			}
		}
	}
	return "", false
}

func (a *Surveys) surveyNav(lang, k string, qq *dialogs.Question) []tg.Button {
	nav := []tg.Button{tg.CallbackButton(a.Text.Text(lang, "survey.back"), turn.CbSurveyBack, k)}
	if qq != nil && qq.Optional {
		nav = append(nav, tg.CallbackButton(a.Text.Text(lang, "survey.skip"), turn.CbSurveySkip, k+":"+qq.ID))
	}
	return append(nav, tg.CallbackButton(a.Text.Text(lang, "survey.cancel"), turn.CbSurvey, k+":x"))
}

// progress is «Крок 4 з 17», or «Крок 4 (усього до 20)» while the number
// of steps can still change with an answer to come.
func (a *Surveys) progress(lang string, q *dialogs.Questionnaire, ans dialogs.Answers, id string) string {
	step, total, final := q.Progress(ans, id)
	if !final {
		return a.Text.Text(lang, "survey.progress_open", map[string]any{"Step": step, "Most": q.MostSteps(ans)})
	}
	return a.Text.Text(lang, "survey.progress", map[string]any{"Step": step, "Total": total})
}

// showStep edits the questionnaire's message in place, or sends a new one
// (after typed input, so that it stands below what the person wrote).
func (a *Surveys) showStep(ctx context.Context, t *turn.Turn, r store.Response, text string, kb *tg.Keyboard) {
	// Whichever message shows the step, its id is kept with the draft.
	draft := store.Slot{Kind: store.SlotDraftMessage, Key: r.ID}
	if t.Update.CallbackQuery == nil || r.MessageID == 0 {
		if r.MessageID != 0 {
			dropStepButtons(t, r)
		}
		t.Do(outbox.Send(t.Chat, text, tg.Markup(kb)).Keeping(draft))
		return
	}
	t.Do(outbox.Edit(t.Chat, r.MessageID, text, tg.Markup(kb)).Keeping(draft))
}

// dropStepButtons takes the buttons off the step the person answered by
// typing: a «Пропустити» left on it would only be a trap. The message is
// the one the draft's slot holds when this is delivered, before a new
// step's message takes its place.
func dropStepButtons(t *turn.Turn, r store.Response) {
	t.Do(outbox.Call(t.Chat, "editMessageReplyMarkup",
		&telegram.EditMessageReplyMarkupParams{ChatID: t.Chat}).Changing(store.Slot{Kind: store.SlotDraftMessage, Key: r.ID}).MayBeRefused().Silent())
}

// stepBack goes back one step, as «⬅️ Назад» does.
func (a *Surveys) stepBack(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response) error {
	// No longer waiting for a centre's description.
	if err := a.keepSurveyDialog(ctx, t, r.Kind); err != nil {
		return err
	}
	current := firstUnanswered(q, r)
	if NeedsCentre(r) {
		current = CentreStep
	}
	prev, ans := "", r.Answers
	if current != CentreStep {
		// The rating's own centre step comes before every question.
		prev, ans = q.Back(r.Answers, current)
	}
	note := ""
	switch {
	case prev != "":
	case r.Kind == dialogs.KindRating && current != CentreStep && r.Desk == 0:
		// Back from the first rating question: choose the centre again.
		r.Centre, r.CentreNote = "", ""
	case len(r.Answers) == 0:
		// The first step, nothing answered: back to the intro and its
		// «Почати» (a QR code's centre kept), as if not yet begun.
		return a.backToIntro(ctx, t, r)
	default:
		// The first step, with answers given further on: they stay.
		note = a.Text.Text(t.Lang, "survey.first_step")
	}
	r.Answers = ans
	return a.saveAndRender(ctx, t, q, r, note)
}

// backToIntro drops the draft r, begun but not answered, and shows the
// questionnaire's intro in the step's place.
func (a *Surveys) backToIntro(ctx context.Context, t *turn.Turn, r store.Response) error {
	if _, err := store.DeleteDraft(ctx, t.Tx, t.User.ID, r.Kind); err != nil {
		return err
	}
	msgID := r.MessageID
	if t.Update.CallbackQuery == nil {
		// «назад» typed: the intro comes below it, and the step above
		// loses its buttons.
		if msgID != 0 {
			dropStepButtons(t, r)
		}
		msgID = 0
	}
	return a.OfferSurvey(ctx, t, r.Kind, r.Centre, r.Desk, msgID)
}

// ContinueSurvey takes typed text or a photo for the current question.
func (a *Surveys) ContinueSurvey(ctx context.Context, t *turn.Turn, conv store.Conversation, m *models.Message) error {
	var st surveyState
	json.Unmarshal(conv.Data, &st)
	q, ok := a.questionnaire(st.Kind)
	if !ok {
		store.EndConversation(ctx, t.Tx, t.Chat)
		return turn.ErrNotMine
	}
	if conv.Step == "intro" {
		// «почати», «так», «давайте» typed is «▶️ Почати». Anything else
		// is not for a questionnaire not yet begun: the message is taken
		// as any other (a question answered), and the intro above keeps
		// its «Почати», with the QR code's centre in it.
		if a.TypedForm(t.Lang, "survey.start", m.Text) {
			return a.beginSurvey(ctx, t, q, st.Kind, 0, "", "")
		}
		if a.saysLater(m.Text) {
			// «не зараз», «потім»: not now, and how to come back.
			if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
				return err
			}
			a.Reply(ctx, t, a.Text.Text(t.Lang, "survey.later", map[string]any{"Command": commandOf(st.Kind)}), a.MenuKeyboard(t.Lang))
			return nil
		}
		if a.TypedForm(t.Lang, "survey.no", m.Text) {
			// «ні»: not now; nothing was begun.
			if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
				return err
			}
			a.Reply(ctx, t, a.Text.Text(t.Lang, "cancel.done"), a.MenuKeyboard(t.Lang))
			return nil
		}
		if text := turn.FirstNonEmpty(m.Text, m.Caption); dialogs.LooksLikeQuestion(text) {
			// A question the FAQ knows is answered, and the intro waits
			// above; «а навіщо?» is answered by the intro itself, shown
			// again with its buttons.
			if e, known, err := a.BestAnswer(ctx, t.Tx, text); err != nil {
				return err
			} else if known && e.Action == "" {
				a.Reply(ctx, t, a.RenderAnswer(e, t.Lang)+"\n\n"+a.Text.Text(t.Lang, "survey.faq_aside"), nil)
				return nil
			} else if !known {
				pending := introCentreOf(conv)
				return a.OfferSurvey(ctx, t, st.Kind, pending.Centre, pending.Desk, 0)
			}
		}
		if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
			return err
		}
		return turn.ErrNotMine
	}
	atCentre := func(r store.Response) bool {
		next, ok := q.Next(r.Answers)
		return NeedsCentre(r) || (ok && next.Type == dialogs.QuestionCentre) || conv.Step == stepCentreAgain
	}
	r, err := store.DraftOf(ctx, t.Tx, t.User.ID, st.Kind)
	if errors.Is(err, store.ErrNotFound) {
		store.EndConversation(ctx, t.Tx, t.Chat)
		return turn.ErrNotMine
	}
	if err != nil {
		return err
	}
	if conv.Step == stepLeave {
		// A button of the questionnaire's pressed since «Вийти з анкети?»
		// was asked: the person went on, and «так» typed now answers the
		// step, not the question.
		moved := false
		if st.Since != 0 {
			if moved, err = store.UpdatesBetween(ctx, t.Tx, t.Chat, st.Since, t.Update.ID); err != nil {
				return err
			}
		}
		if moved {
			conv.Step = "q"
			if err := a.keepSurveyDialog(ctx, t, r.Kind); err != nil {
				return err
			}
		}
	}
	if conv.Step == stepLeave {
		// «Вийти з анкети?» waits: «так» leaves, «ні» or «продовжити»
		// shows the step again; anything else is taken for the step.
		if a.TypedForm(t.Lang, "survey.yes", m.Text) || a.TypedForm(t.Lang, "survey.leave", m.Text) {
			return a.leave(ctx, t, r.Kind, 0, "survey.cancelled")
		}
		if err := a.keepSurveyDialog(ctx, t, r.Kind); err != nil {
			return err
		}
		conv.Step = "q"
		if a.TypedForm(t.Lang, "survey.no", m.Text) || a.TypedForm(t.Lang, "survey.continue", m.Text) {
			a.renderStep(ctx, t, q, r, "")
			return nil
		}
	}
	if a.TypedForm(t.Lang, "survey.leave", m.Text) {
		// «досить», «вийти» (the latter by way of TypedExit).
		if took, err := a.leaveTyped(ctx, t, q, r, m.Text); took || err != nil {
			return err
		}
		return a.leave(ctx, t, r.Kind, 0, "cancel.done")
	}
	if dialogs.AsksForPerson(m.Text) && a.Cfg.StaffChatID == 0 {
		// No one would answer: the questionnaire goes on, not put off.
		a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.no_operator"))
		return nil
	}
	if lang, ok := dialogs.AsksForLanguage(m.Text); ok && slices.Contains(a.OfferedLanguages(), lang) {
		// «російською, будь ласка» mid-way: the language asked for, as
		// /language would, and the step again in it.
		if err := a.ChooseLanguage(ctx, t, lang); err != nil {
			return err
		}
		a.renderStep(ctx, t, q, r, a.Text.Text(lang, "language.set"))
		return nil
	}
	if dialogs.AsksForPerson(m.Text) {
		// «хочу поговорити з оператором» mid-way: the answers wait, and
		// the request is the citizen's as it is anywhere else.
		if err := a.pause(ctx, t, r.Kind); err != nil {
			return err
		}
		a.Reply(ctx, t, a.Text.Text(t.Lang, "survey.saved_for_later", map[string]any{"Command": commandOf(r.Kind)}), nil)
		return turn.ErrNotMine
	}
	next, ok := q.Next(r.Answers)
	lat, lon, shared := turn.LocationOf(m)
	switch {
	case a.TypedForm(t.Lang, "survey.back", m.Text):
		// «назад» typed is «⬅️ Назад» (it was saved as the comment, and
		// looked for as a town at the centre step), at the summary too.
		return a.stepBack(ctx, t, q, r)
	case conv.Step == stepCentreNote && atCentre(r):
		return a.takeCentreNote(ctx, t, q, r, turn.FirstNonEmpty(m.Text, m.Caption))
	case atCentre(r) && shared:
		a.pickNearest(ctx, t, q, r, lat, lon, "", "")
	case atCentre(r):
		text := turn.FirstNonEmpty(m.Text, m.Caption)
		if strings.TrimSpace(text) == "" {
			// A sticker, a photo, a voice message: no words to look for
			// (it said «no centre for «»»).
			note := "survey.small_talk"
			if m.Voice != nil || m.Audio != nil || m.VideoNote != nil {
				note = "survey.err.voice"
			}
			a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, note))
			return nil
		}
		if a.saysLater(text) {
			return a.putOff(ctx, t, r.Kind)
		}
		if dialogs.SmallTalk(text) != "" && len(a.Pack.FindCentres(text)) == 0 {
			// «Привіт», «дякую»: no town to look for.
			a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.small_talk"))
			return nil
		}
		if len(a.Pack.FindCentres(text)) == 0 {
			// «як записатися онлайн?» at the centre step names no centre:
			// a question, answered, and the step shown again.
			if asked, err := a.faqAside(ctx, t, q, r, text, true); asked || err != nil {
				return err
			}
		}
		return a.pickFromFound(ctx, t, q, r, text)
	case !ok && a.TypedForm(t.Lang, "survey.send", m.Text):
		// «відправити», «готово» typed at the summary is its «✅
		// Надіслати» (here alone: at a step it is an answer, or «keep»).
		// The thanks come below what was typed, the summary's buttons go.
		if r.MessageID != 0 {
			dropStepButtons(t, r)
			r.MessageID = 0
		}
		return a.submitSurvey(ctx, t, q, r)
	case !ok:
		if asked, err := a.faqAside(ctx, t, q, r, m.Text, false); asked || err != nil {
			return err
		}
		a.renderSummary(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.use_buttons"))
	case m.Voice != nil || m.Audio != nil || m.VideoNote != nil:
		// Not «the answer is empty»: say what the bot can read.
		a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.voice"))
	default:
		if slices.Contains(q.IntegrityQuestions(), next) {
			// What the person wrote about corruption is not kept with their
			// name in the inbox, whatever is made of it.
			if err := store.ScrubInboxUpdate(ctx, t.Tx, t.Update.ID); err != nil {
				return err
			}
		}
		in := dialogs.Input{Text: m.Text}
		reason := "" // words after a yes or a no, kept for a comment
		if len(m.Photo) > 0 {
			in = dialogs.Input{Photo: m.Photo[len(m.Photo)-1].FileID}
		} else if m.Text == "" && m.Caption == "" {
			in = dialogs.Input{}
		} else if choice, ok := a.typedChoice(t.Lang, next, m.Text); ok {
			// «так», «вчора»: a button's label typed is that button.
			in = dialogs.Input{Choice: choice}
			_, reason, _ = yesNoBecause(next, m.Text)
		} else if choice, why, ok := yesNoBecause(next, m.Text); ok {
			// «ні, довелося прийти вдруге, бо не було бланка»: no, and why.
			in, reason = dialogs.Input{Choice: choice}, why
		}
		if next.Type == dialogs.QuestionText && a.keepsTyped(t.Lang, r, next, m.Text) {
			// «оставить как было», «готово», «ок» where the step offers
			// «↩️ Оставить как было» or «✔️ Этого достаточно»: that button,
			// not a new answer in those words.
			return a.answerSurvey(ctx, t, q, r, next.ID, dialogs.Input{Done: true})
		}
		if next.Type == dialogs.QuestionText && a.TypedForm(t.Lang, "survey.done", m.Text) {
			// «готово», «далі» where nothing is written yet: not the
			// answer («Причина повторного візиту: готово»). An optional
			// step is skipped; another asks for its words.
			if next.Optional {
				return a.answerSurvey(ctx, t, q, r, next.ID, dialogs.Input{Skip: true})
			}
			a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.words_needed"))
			return nil
		}
		if next.Optional && (next.Type == dialogs.QuestionText || next.Type == dialogs.QuestionPhoto) && a.typedSkip(t.Lang, m.Text) {
			// «ні», «нічого», «-» at an optional comment or photo: the
			// step is skipped, not answered with «ні».
			in = dialogs.Input{Skip: true}
		}
		if in.Text != "" && (next.Type != dialogs.QuestionText && greetsOrThanks(in.Text) || dialogs.SmallTalk(in.Text) == dialogs.SmallTalkGreeting) {
			// «дякую», «привіт» where a button is awaited, «привіт» where
			// a comment is: not an answer.
			a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.small_talk"))
			return nil
		}
		if in.Text != "" && next.Type == dialogs.QuestionMulti {
			// «паспорт», «готово» typed where options are ticked.
			if done, err := a.tickTyped(ctx, t, q, r, next, in.Text); done || err != nil {
				return err
			}
		}
		if in.Text != "" && next.Type != dialogs.QuestionText && a.saysLater(in.Text) {
			if _, err := q.Apply(r.Answers, next.ID, in, a.centreIDs()); err != nil {
				return a.putOff(ctx, t, r.Kind)
			}
		}
		asked := false
		if in.Text != "" && next.Type != dialogs.QuestionText {
			// Text that is no answer to the step may be a question of its
			// own («скільки коштує номерний знак?»): answered, not lost.
			if _, err := q.Apply(r.Answers, next.ID, in, a.centreIDs()); err != nil {
				if asked, err = a.faqAside(ctx, t, q, r, in.Text, false); err != nil {
					return err
				}
			}
		}
		shortQuestion := strings.HasSuffix(strings.TrimSpace(in.Text), "?") && len(strings.Fields(in.Text)) <= 6
		if !asked && !shortQuestion && in.Text != "" && next.Type != dialogs.QuestionText && next.Type != dialogs.QuestionDate && len(strings.Fields(in.Text)) >= 4 {
			// «Черга жахлива, стояли 3 години…» at a score step: kept for
			// the comment, and the step asked again. A short question the
			// FAQ does not know («Крок який? скільки ще?») is no
			// complaint: the step is shown again, with its count.
			home, ok := q.NoteHome(r.Answers, next, false)
			if _, applied := q.Apply(r.Answers, next.ID, in, a.centreIDs()); applied != nil && ok {
				said, err := a.keepNote(ctx, t, &r, dialogs.NoteOf(home), in.Text)
				if err != nil {
					return err
				}
				ask := a.Text.Text(t.Lang, "survey.note_kept_choose")
				switch {
				case !home.General:
					// At an integrity question: for its description, which
					// a "yes" asks for.
					ask = a.Text.Text(t.Lang, "survey.note_kept_if_yes", map[string]any{
						"Yes": a.Text.Text(t.Lang, "survey.yes"), "Question": html.EscapeString(a.Pack.Local(home.Short(), a.ContentLang(t.Lang))),
					})
				case next.Type == dialogs.QuestionPhoto:
					ask = joinNotes(a.Text.Text(t.Lang, "survey.note_kept"), a.surveyError(t.Lang, q, next.ID, applied))
				}
				if home.General && a.Offers("report") && dialogs.TellsOfBribe(in.Text) {
					// A bribe told in a comment reaches the centre's staff,
					// not the integrity team: where it is reported too.
					ask = joinNotes(ask, a.Text.Text(t.Lang, "survey.bribe_report"))
				}
				return a.saveAndRender(ctx, t, q, r, joinNotes(said, ask))
			}
		}
		if !asked && shortQuestion {
			if _, err := q.Apply(r.Answers, next.ID, in, a.centreIDs()); err != nil {
				// «скільки ще?»: no wrong answer to scold, the step again.
				a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.small_talk"))
				return nil
			}
		}
		if asked {
			return nil
		}
		said := ""
		if reason != "" {
			said, err = a.keepReason(ctx, t, q, &r, next, in, reason)
			if err != nil {
				return err
			}
		}
		return a.answerSaying(ctx, t, q, r, next.ID, in, said)
	}
	return nil
}

// keepReason keeps the words typed with a yes or a no («ні, довелося
// прийти вдруге») for the text question the answer in shows, or for the
// general comment (dialogs.Questionnaire.NoteHome), and returns what to
// say of them above the next step.
func (a *Surveys) keepReason(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r *store.Response, at *dialogs.Question, in dialogs.Input, reason string) (string, error) {
	after, err := q.Apply(r.Answers, at.ID, in, a.centreIDs())
	if err != nil {
		return "", nil
	}
	home, ok := q.NoteHome(after, at, true)
	if !ok {
		return "", nil
	}
	said, err := a.keepNote(ctx, t, r, dialogs.NoteOf(home), reason)
	if err != nil {
		return "", err
	}
	kept := a.Text.Text(t.Lang, "survey.note_kept")
	if !home.General {
		kept = a.Text.Text(t.Lang, "survey.note_kept_for", map[string]any{"Question": html.EscapeString(a.Pack.Local(home.Short(), a.ContentLang(t.Lang)))})
	}
	return joinNotes(said, kept), nil
}

// keepNote keeps words typed at a button step under key (dialogs.NoteOf
// the question they are for; after any kept there before), with phone
// numbers masked as a comment's are (and the inbox's copy scrubbed); r is
// saved by the caller. It returns what to say of a phone removed.
func (a *Surveys) keepNote(ctx context.Context, t *turn.Turn, r *store.Response, key, text string) (string, error) {
	said := ""
	if masked, ok := dialogs.MaskPhones(text); ok {
		text, said = masked, a.Text.Text(t.Lang, "survey.phone_removed")
		if err := store.ScrubInboxUpdate(ctx, t.Tx, t.Update.ID); err != nil {
			return "", err
		}
	}
	text = strings.TrimSpace(text)
	if kept := r.Answers[key].Text; kept != "" {
		text = kept + "\n\n" + text
	}
	if r.Answers == nil {
		r.Answers = dialogs.Answers{}
	}
	r.Answers[key] = dialogs.Answer{Text: turn.Cut(text, dialogs.MaxTextLen)}
	return said, nil
}

// joinNotes joins what is said above a step, a blank line between.
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "\n\n")
}

// faqAside answers a question typed in the middle of a questionnaire when
// the FAQ knows it: the answer, with a word that the questionnaire waits
// above. It reports whether it did. Only text written as a question is taken for
// one («реєстрація авто» at «which services» is an answer, even though
// the FAQ knows the words); the rest is left to the step.
func (a *Surveys) faqAside(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, text string, atCentre bool) (bool, error) {
	if !dialogs.LooksLikeQuestion(text) {
		return false, nil
	}
	e, ok, err := a.BestAnswer(ctx, t.Tx, text)
	if !ok || err != nil {
		return false, err
	}
	if e.Action == dialogs.ActionFindCentre && atCentre {
		// At the centre step itself: the step finds it.
		a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.centres_here", map[string]any{"Button": a.Text.Text(t.Lang, "centre.near_me")}))
		return true, nil
	}
	// One message: the step above keeps its buttons, and a second message
	// to the chat would wait a second behind the first (Telegram's pace
	// for a chat), and count against the bot's 30 a second.
	if e.Action == dialogs.ActionFindCentre {
		// Finding a centre is a dialog of its own: where to find it, not
		// in the middle of this one.
		a.Reply(ctx, t, a.Text.Text(t.Lang, "survey.centres_aside"), nil)
		return true, nil
	}
	answer := a.RenderAnswer(e, t.Lang)
	if with := answer + "\n\n" + a.Text.Text(t.Lang, "survey.faq_aside"); dialogs.UTF16Len(with) <= 4000 {
		answer = with
	}
	a.Reply(ctx, t, answer, nil)
	return true, nil
}

func (a *Surveys) renderSummary(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, note string) {
	k := turn.LetterOf(r.Kind)
	lang := a.ContentLang(t.Lang)
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	b.WriteString(a.Text.Text(t.Lang, "survey.summary"))
	if c, ok := a.Pack.Centre(r.Centre); ok && r.Kind == dialogs.KindRating {
		b.WriteString("\n🏢 " + html.EscapeString(a.CentreName(t.Lang, c)))
	}
	if r.CentreNote != "" {
		b.WriteString("\n🏢 " + a.Text.Text(t.Lang, "centre.unlisted") + ": " + html.EscapeString(r.CentreNote))
	}
	var rows [][]tg.Button
	var row []tg.Button
	if r.Kind == dialogs.KindRating && r.Desk == 0 {
		// The centre can be changed too (a QR code's desk fixes it).
		row = append(row, tg.CallbackButton("✏️ 🏢", turn.CbSurveyEdit, k+":"+CentreStep))
	}
	for i, qq := range q.Visible(r.Answers) {
		ans, ok := r.Answers[qq.ID]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "\n%d. %s — <b>%s</b>", i+1, html.EscapeString(turn.Cut(a.Pack.Local(qq.Short(), lang), 60)), html.EscapeString(turn.Cut(a.AnswerLabel(t.Lang, qq, ans), 80)))
		row = append(row, tg.CallbackButton(fmt.Sprintf("✏️ %d", i+1), turn.CbSurveyEdit, k+":"+qq.ID))
		if len(row) == 6 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	rows = append(rows,
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.send"), turn.CbSurvey, k+":send")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.back"), turn.CbSurveyBack, k), tg.CallbackButton(a.Text.Text(t.Lang, "survey.cancel"), turn.CbSurvey, k+":x")})
	text := b.String()
	if dialogs.UTF16Len(text) > 4000 {
		text = turn.Cut(text, 3900)
	}
	a.showStep(ctx, t, r, text, tg.NewKeyboard(rows...))
}

// dailyLimitReached reports whether the person has sent as many
// questionnaires of the kind about the centre today as SURVEY_DAILY_LIMIT
// allows.
func (a *Surveys) dailyLimitReached(ctx context.Context, t *turn.Turn, kind, centre string) (bool, error) {
	limit := a.Cfg.SurveyDailyLimit
	if limit <= 0 || centre == "" {
		return false, nil
	}
	now := time.Now().In(a.Pack.Hours().Location())
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	n, err := store.SubmittedSince(ctx, t.Tx, t.User.ID, kind, centre, midnight)
	return n >= limit, err
}

// submitSurvey sends a complete questionnaire: at most one per person per
// centre per day, an integrity report for a "yes" to being asked for
// money, a ticket when a low rating asks for a call back.
func (a *Surveys) submitSurvey(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response) error {
	if !q.Complete(r.Answers) {
		a.renderStep(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.incomplete"))
		return nil
	}
	if full, err := a.dailyLimitReached(ctx, t, r.Kind, r.Centre); err != nil {
		return err
	} else if full {
		// Checked at the centre already; this is a second tab, or a day
		// that turned while the questionnaire was open.
		a.renderSummary(ctx, t, q, r, a.Text.Text(t.Lang, "survey.err.daily_limit"))
		return nil
	}
	// What the person said about corruption goes to the integrity team
	// only: out of the response staff review and export, which then
	// belongs to no one.
	reportText := ""
	if flags := q.IntegrityFlags(r.Answers); len(flags) > 0 && a.Cfg.IntegrityChatID != 0 {
		reportText = a.surveyReport(q, r, flags)
		r.Answers = q.WithoutIntegrity(r.Answers)
	}
	var ok bool
	var err error
	if reportText != "" {
		ok, err = store.SubmitUnlinkedResponse(ctx, t.Tx, r.ID, r.Answers)
	} else {
		ok, err = store.SubmitResponse(ctx, t.Tx, r.ID)
	}
	if err != nil || !ok {
		if err != nil {
			return err
		}
		return nil
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	ref := dialogs.Ref(r.Kind, r.ID)
	a.Show(ctx, t, r.MessageID, a.Text.Text(t.Lang, "survey.thanks", map[string]any{"Ref": ref}), a.MenuKeyboard(t.Lang))
	a.Metrics.ResponseSubmitted(r.Kind)
	// Woken before the commit, the poster would not find it yet.
	t.OnCommit(a.WakeReviews)
	if reportText != "" {
		if _, err := a.integrity.AddReport(ctx, t, false, "questionnaire", reportText, nil); err != nil {
			return err
		}
	}
	if yes := r.Answers[followUpQuestion]; slices.Contains(yes.Choice, dialogs.ChoiceYes) && a.Cfg.StaffChatID != 0 {
		id, err := a.desk.FollowUp(ctx, t, a.followUpText(q, r), ref)
		if err != nil {
			return err
		}
		if err := store.SetResponseTicket(ctx, t.Tx, r.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// Drop deletes the draft of the questionnaire conv is waiting in (/cancel).
func (a *Surveys) Drop(ctx context.Context, t *turn.Turn, conv store.Conversation) error {
	var st surveyState
	json.Unmarshal(conv.Data, &st)
	_, err := store.DeleteDraft(ctx, t.Tx, t.User.ID, st.Kind)
	return err
}

// TypedExit takes «вийти», «передумала», «скасувати» typed while a
// questionnaire waits (/cancel's words, which leave any dialog): at an
// optional comment «вийти» is «nothing to add»; where answers given would
// be lost, the person is asked first. It reports false when nothing
// would be lost: then the words are /cancel.
func (a *Surveys) TypedExit(ctx context.Context, t *turn.Turn, conv store.Conversation, text string) (bool, error) {
	var st surveyState
	json.Unmarshal(conv.Data, &st)
	q, ok := a.questionnaire(st.Kind)
	if !ok || conv.Step == "intro" {
		return false, nil
	}
	r, err := store.DraftOf(ctx, t.Tx, t.User.ID, st.Kind)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if conv.Step == stepLeave {
		// Asked whether to leave, and said so again.
		return true, a.leave(ctx, t, r.Kind, 0, "survey.cancelled")
	}
	return a.leaveTyped(ctx, t, q, r, text)
}

// leaveTyped answers words that leave a questionnaire: at an optional
// comment or photo, «вийти» and «досить» skip it (a finished rating is not
// lost for its last step); with answers given, «Вийти з анкети?» asks
// first, as they would be deleted. It reports false when no answer would
// be lost: the questionnaire may simply end.
func (a *Surveys) leaveTyped(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, text string) (bool, error) {
	next, ok := q.Next(r.Answers)
	if ok && next.Optional && (next.Type == dialogs.QuestionText || next.Type == dialogs.QuestionPhoto) && !NeedsCentre(r) && a.TypedForm(t.Lang, "survey.leave", text) {
		if err := a.keepSurveyDialog(ctx, t, r.Kind); err != nil {
			return true, err
		}
		return true, a.answerSurvey(ctx, t, q, r, next.ID, dialogs.Input{Skip: true})
	}
	if !slices.ContainsFunc(slices.Collect(maps.Values(r.Answers)), func(ans dialogs.Answer) bool { return !ans.Pending || ans.Again }) {
		return false, nil
	}
	raw, _ := json.Marshal(surveyState{Kind: r.Kind, Since: t.Update.ID})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogSurvey, Step: stepLeave, Data: raw}); err != nil {
		return true, err
	}
	k := turn.LetterOf(r.Kind)
	a.showStep(ctx, t, r, a.Text.Text(t.Lang, "survey.leave_confirm"), tg.NewKeyboard([]tg.Button{
		tg.CallbackButton(a.Text.Text(t.Lang, "survey.continue"), turn.CbSurvey, k+":cont"),
		tg.CallbackButton(a.Text.Text(t.Lang, "survey.leave"), turn.CbSurvey, k+":x"),
	}))
	return true, nil
}

// leave deletes the questionnaire's draft and ends it, saying so (the
// message key said) in place of the message msgID (0: a new message).
func (a *Surveys) leave(ctx context.Context, t *turn.Turn, kind string, msgID int, said string) error {
	if _, err := store.DeleteDraft(ctx, t.Tx, t.User.ID, kind); err != nil {
		return err
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	a.Show(ctx, t, msgID, a.Text.Text(t.Lang, said), a.MenuKeyboard(t.Lang))
	return nil
}

// followUpText is what the moderators read when a rating asks to be
// contacted: what went wrong in the person's words, then the centre and
// every score (plain text; the ticket escapes it).
func (a *Surveys) followUpText(q *dialogs.Questionnaire, r store.Response) string {
	lang := a.StaffLang()
	var b strings.Builder
	if what := r.Answers["what_wrong"].Text; what != "" {
		b.WriteString(what + "\n\n")
	}
	b.WriteString(dialogs.Ref(r.Kind, r.ID))
	if c, ok := a.Pack.Centre(r.Centre); ok {
		b.WriteString(" · " + a.CentreName(lang, c))
	} else if r.CentreNote != "" {
		b.WriteString(" · " + r.CentreNote)
	}
	for _, qq := range q.Visible(r.Answers) {
		if ans, ok := r.Answers[qq.ID]; ok && qq.Type == dialogs.QuestionRating5 && ans.Number != nil {
			fmt.Fprintf(&b, "\n%s: %d/5", a.Pack.Local(qq.Short(), lang), *ans.Number)
		}
	}
	return b.String()
}

// quotable is a typed answer to quote in «…» with a full stop after the
// closing quote: its own final full stop goes (not an ellipsis, «?» or
// «!»), so that it does not read «…відповів.».
func quotable(text string) string {
	text = strings.TrimSpace(text)
	if strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "..") {
		return strings.TrimSuffix(text, ".")
	}
	return text
}
