package desk

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	telegram "github.com/go-telegram/bot"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

const (
	reviewCards = 3 // at most this many cards at once; more make a digest
)

// ReviewLoop posts questionnaires worth staff's attention to the staff
// chat, when woken and every Cfg.ReviewEvery, until ctx ends.
func (a *Desk) ReviewLoop(ctx context.Context) {
	every := a.Cfg.ReviewEvery
	if every <= 0 {
		every = 15 * time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-a.Reviews():
		}
		if err := a.postReviews(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("cannot post reviews to the staff chat", "err", err)
		}
	}
}

// postReviews posts what has been submitted since the last time. Responses
// are marked shown in the same transaction that posts them.
func (a *Desk) postReviews(ctx context.Context) error {
	if a.Cfg.StaffChatID == 0 {
		return nil
	}
	tx, err := a.St.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	list, err := store.ToReview(ctx, tx, 200)
	if err != nil || len(list) == 0 {
		return err
	}
	var show []store.Response
	for _, r := range list {
		q, ok := a.Pack.Questionnaire(r.Kind)
		if !ok {
			continue
		}
		if r.Kind == dialogs.KindMystery || len(q.LowScores(r.Answers, dialogs.LowScore)) > 0 {
			show = append(show, r)
		}
	}
	if len(show) == 0 {
		return tx.Commit()
	}
	// In the order they came (UPDATE … RETURNING keeps none).
	slices.SortFunc(show, func(x, y store.Response) int { return cmp.Compare(x.ID, y.ID) })
	var posts []outbox.Effect
	if a.StaffIsForum() {
		topic, err := a.reviewsTopic(ctx, tx)
		if err != nil {
			return err
		}
		posts = append(posts, topic...)
	}
	post := func(text string) {
		e := outbox.Send(a.Cfg.StaffChatID, text, nil)
		if a.StaffIsForum() {
			e = e.InThread(store.Slot{Kind: store.SlotReviewsThread})
		}
		posts = append(posts, e)
	}
	if len(show) <= reviewCards {
		for _, r := range show {
			post(a.ReviewCard(r))
		}
	} else {
		post(a.ReviewDigest(show))
	}
	// The posts commit with the responses marked shown: each is posted
	// once, and the row locks are let go before anything is sent.
	if err := outbox.Add(ctx, tx, 0, posts...); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	a.Committed(ctx, []int64{a.Cfg.StaffChatID})
	return nil
}

// reviewsTopic makes the staff forum's «Reviews» topic, the first time:
// the topic's id goes into the bot's state when it is made, and the state
// says "asked" meanwhile, so that it is asked for once.
func (a *Desk) reviewsTopic(ctx context.Context, tx *sqlx.Tx) ([]outbox.Effect, error) {
	v, err := store.BotState(ctx, tx, "reviews_thread")
	if err != nil || v != "" {
		return nil, err
	}
	if err := store.SetBotState(ctx, tx, "reviews_thread", "asked"); err != nil {
		return nil, err
	}
	return []outbox.Effect{outbox.Call(a.Cfg.StaffChatID, "createForumTopic",
		&telegram.CreateForumTopicParams{ChatID: a.Cfg.StaffChatID, Name: a.StaffText("review.topic")}).
		Keeping(store.Slot{Kind: store.SlotReviewsThread})}, nil
}

func (a *Desk) reviewHeader(r store.Response) string {
	lang := a.StaffLang()
	title := "review.mystery"
	if r.Kind == dialogs.KindRating {
		title = "review.rating"
	}
	var b strings.Builder
	b.WriteString(a.StaffText(title, map[string]any{"Ref": dialogs.Ref(r.Kind, r.ID)}))
	if c, ok := a.Pack.Centre(r.Centre); ok {
		b.WriteString(" · " + html.EscapeString(a.CentreName(lang, c)))
	}
	if r.CentreNote != "" {
		b.WriteString(" · " + a.StaffText("centre.unlisted") + ": «" + html.EscapeString(r.CentreNote) + "»")
	}
	if r.Desk != 0 {
		b.WriteString(" · " + a.StaffText("review.desk", map[string]any{"Desk": r.Desk}))
	}
	b.WriteString(" · " + strings.ToUpper(r.Lang))
	if r.TicketID != 0 {
		// The visitor asked to be contacted: the request it went to.
		b.WriteString(" · " + a.StaffText("review.follow_up", map[string]any{"ID": r.TicketID}))
	}
	return b.String()
}

// ReviewCard renders every answer, section by section.
func (a *Desk) ReviewCard(r store.Response) string {
	q, _ := a.Pack.Questionnaire(r.Kind)
	lang := a.StaffLang()
	parts := []string{a.reviewHeader(r)}
	var section, title string
	for _, qq := range q.Visible(r.Answers) {
		ans, ok := r.Answers[qq.ID]
		if !ok {
			continue
		}
		if s := q.SectionOf(qq.ID); s != nil && s.ID != section {
			section, title = s.ID, a.Pack.Local(s.Title, lang)
			parts = append(parts, "\n\n<b>"+html.EscapeString(title)+"</b>")
		}
		// A question named as its section («Що пішло не так») is not
		// named twice: its answer stands under the section's title.
		label := html.EscapeString(turn.Cut(a.Pack.Local(qq.Short(), lang), 80)) + ": "
		if strings.EqualFold(strings.TrimSpace(a.Pack.Local(qq.Short(), lang)), strings.TrimSpace(title)) {
			label = ""
		}
		mark := ""
		if ans.Number != nil && qq.Type == dialogs.QuestionRating5 && *ans.Number <= dialogs.LowScore {
			mark = "❗ "
		}
		if qq.Integrity && slices.Contains(ans.Choice, dialogs.ChoiceYes) {
			mark = "🛡 "
		}
		parts = append(parts, fmt.Sprintf("\n%s%s%s", mark, label, html.EscapeString(turn.Cut(a.AnswerLabel(lang, qq, ans), 600))))
	}
	return tg.JoinWithin(parts, cardLimit)
}

// cardLimit is how long a staff card may be, as Telegram counts a message
// (after its HTML is parsed), with room to spare under the 4096 allowed.
const cardLimit = 3900

// ReviewDigest lists many responses in one message.
func (a *Desk) ReviewDigest(rs []store.Response) string {
	hint := "\n\n" + a.StaffText("review.digest_hint")
	parts := []string{a.StaffText("review.digest", map[string]any{"Count": len(rs)})}
	for _, r := range rs {
		line := "\n• " + a.reviewHeader(r)
		q, _ := a.Pack.Questionnaire(r.Kind)
		if low := q.LowScores(r.Answers, dialogs.LowScore); len(low) > 0 {
			line += " ❗" + strconv.Itoa(len(low))
		}
		parts = append(parts, line)
	}
	return tg.JoinWithin(parts, cardLimit-tg.VisibleLen(hint)) + hint
}
