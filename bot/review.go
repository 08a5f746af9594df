package bot

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/jmoiron/sqlx"

	"servicebot/bot/outbox"
	"servicebot/dialogs"
	"servicebot/store"
)

// Staff review: each submitted questionnaire, and each rating with a score
// of 2 or below, is posted to the staff chat (in a «Reviews» topic when it
// is a forum) as a readable card. Telegram allows a group 20 messages a
// minute, so when more are waiting they go as one digest: nothing is
// dropped, and citizens never wait for the staff chat.

const (
	reviewCards    = 3 // at most this many cards at once; more make a digest
	reviewLowScore = 2
)

func (a *App) wakeReviews() {
	select {
	case a.review <- struct{}{}:
	default:
	}
}

func (a *App) reviewLoop(ctx context.Context) {
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-a.review:
		}
		if err := a.postReviews(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("cannot post reviews to the staff chat", "err", err)
		}
	}
}

// postReviews posts what has been submitted since the last time. Responses
// are marked shown in the same transaction that posts them.
func (a *App) postReviews(ctx context.Context) error {
	if a.cfg.StaffChatID == 0 {
		return nil
	}
	tx, err := a.st.Begin(ctx)
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
		q, ok := a.questionnaire(r.Kind)
		if !ok {
			continue
		}
		if r.Kind == "mystery" || len(q.LowScores(r.Answers, reviewLowScore)) > 0 {
			show = append(show, r)
		}
	}
	if len(show) == 0 {
		return tx.Commit()
	}
	var posts []outbox.Effect
	if a.staffIsForum() {
		topic, err := a.reviewsTopic(ctx, tx)
		if err != nil {
			return err
		}
		posts = append(posts, topic...)
	}
	post := func(text string) {
		e := outbox.Send(a.cfg.StaffChatID, text, nil)
		if a.staffIsForum() {
			e = e.InThread(store.Slot{Kind: store.SlotReviewsThread})
		}
		posts = append(posts, e)
	}
	if len(show) <= reviewCards {
		for _, r := range show {
			post(a.reviewCard(r))
		}
	} else {
		post(a.reviewDigest(show))
	}
	// The posts commit with the responses marked shown: each is posted
	// once, and the row locks are let go before anything is sent.
	if err := outbox.Add(ctx, tx, 0, posts...); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	a.out.Committed(ctx, []int64{a.cfg.StaffChatID})
	return nil
}

// reviewsTopic makes the staff forum's «Reviews» topic, the first time:
// the topic's id goes into the bot's state when it is made, and the state
// says "asked" meanwhile, so that it is asked for once.
func (a *App) reviewsTopic(ctx context.Context, tx *sqlx.Tx) ([]outbox.Effect, error) {
	v, err := store.BotState(ctx, tx, "reviews_thread")
	if err != nil || v != "" {
		return nil, err
	}
	if err := store.SetBotState(ctx, tx, "reviews_thread", "asked"); err != nil {
		return nil, err
	}
	return []outbox.Effect{outbox.Call(a.cfg.StaffChatID, "createForumTopic",
		&tg.CreateForumTopicParams{ChatID: a.cfg.StaffChatID, Name: a.staffText("review.topic")}).
		Keeping(store.Slot{Kind: store.SlotReviewsThread})}, nil
}

func (a *App) reviewHeader(r store.Response) string {
	lang := a.staffLang()
	title := "review.mystery"
	if r.Kind == "rating" {
		title = "review.rating"
	}
	var b strings.Builder
	b.WriteString(a.staffText(title, map[string]any{"Ref": dialogs.Ref(r.Kind, r.ID)}))
	if c, ok := a.pack.Centre(r.Centre); ok {
		b.WriteString(" · " + html.EscapeString(a.text2(c.Name, lang)))
	}
	if r.CentreNote != "" {
		b.WriteString(" · " + a.staffText("centre.unlisted") + ": «" + html.EscapeString(r.CentreNote) + "»")
	}
	if r.Desk != 0 {
		b.WriteString(" · " + a.staffText("review.desk", map[string]any{"Desk": r.Desk}))
	}
	b.WriteString(" · " + strings.ToUpper(r.Lang))
	return b.String()
}

// reviewCard renders every answer, section by section.
func (a *App) reviewCard(r store.Response) string {
	q, _ := a.questionnaire(r.Kind)
	lang := a.staffLang()
	parts := []string{a.reviewHeader(r)}
	var section string
	for _, qq := range q.Visible(r.Answers) {
		ans, ok := r.Answers[qq.ID]
		if !ok {
			continue
		}
		if s := q.SectionOf(qq.ID); s != nil && s.ID != section {
			section = s.ID
			parts = append(parts, "\n\n<b>"+html.EscapeString(a.text2(s.Title, lang))+"</b>")
		}
		mark := ""
		if ans.Number != nil && qq.Type == dialogs.QuestionRating5 && *ans.Number <= reviewLowScore {
			mark = "❗"
		}
		if qq.Integrity && containsStr(ans.Choice, dialogs.ChoiceYes) {
			mark = "🛡"
		}
		parts = append(parts, fmt.Sprintf("\n%s%s: %s", mark, html.EscapeString(cut(a.text2(qq.Text, lang), 80)), html.EscapeString(cut(a.answerLabel(lang, qq, ans), 600))))
	}
	return joinWithin(parts, cardLimit)
}

// cardLimit is how long a staff card may be, as Telegram counts a message
// (after its HTML is parsed), with room to spare under the 4096 allowed.
const cardLimit = 3900

// reviewDigest lists many responses in one message.
func (a *App) reviewDigest(rs []store.Response) string {
	hint := "\n\n" + a.staffText("review.digest_hint")
	parts := []string{a.staffText("review.digest", map[string]any{"Count": len(rs)})}
	for _, r := range rs {
		line := "\n• " + a.reviewHeader(r)
		q, _ := a.questionnaire(r.Kind)
		if low := q.LowScores(r.Answers, reviewLowScore); len(low) > 0 {
			line += " ❗" + strconv.Itoa(len(low))
		}
		parts = append(parts, line)
	}
	return joinWithin(parts, cardLimit-visibleLen(hint)) + hint
}
