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
	thread, err := a.reviewsThread(ctx, tx)
	if err != nil {
		return err
	}
	if len(show) <= reviewCards {
		for _, r := range show {
			if _, err := a.sendStaff(ctx, thread, a.reviewCard(r), nil, nil); err != nil {
				return err
			}
		}
	} else if _, err := a.sendStaff(ctx, thread, a.reviewDigest(show), nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// reviewsThread is the staff forum's «Reviews» topic, made once.
func (a *App) reviewsThread(ctx context.Context, tx *sqlx.Tx) (int, error) {
	forum, err := a.staffIsForum(ctx)
	if err != nil || !forum {
		return 0, err
	}
	v, err := store.BotState(ctx, tx, "reviews_thread")
	if err != nil {
		return 0, err
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n, nil
	}
	var thread int
	err = a.send.Message(ctx, a.cfg.StaffChatID, func(ctx context.Context) error {
		topic, err := a.tg.CreateForumTopic(ctx, &tg.CreateForumTopicParams{ChatID: a.cfg.StaffChatID, Name: a.staffText("review.topic")})
		if err == nil {
			thread = topic.MessageThreadID
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return thread, store.SetBotState(ctx, tx, "reviews_thread", strconv.Itoa(thread))
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
	var b strings.Builder
	b.WriteString(a.reviewHeader(r))
	var section string
	for _, qq := range q.Visible(r.Answers) {
		ans, ok := r.Answers[qq.ID]
		if !ok {
			continue
		}
		if s := q.SectionOf(qq.ID); s != nil && s.ID != section {
			section = s.ID
			b.WriteString("\n\n<b>" + html.EscapeString(a.text2(s.Title, lang)) + "</b>")
		}
		mark := ""
		if ans.Number != nil && qq.Type == dialogs.QuestionRating5 && *ans.Number <= reviewLowScore {
			mark = "❗"
		}
		if qq.Integrity && containsStr(ans.Choice, dialogs.ChoiceYes) {
			mark = "🛡"
		}
		fmt.Fprintf(&b, "\n%s%s: %s", mark, html.EscapeString(cut(a.text2(qq.Text, lang), 80)), html.EscapeString(cut(a.answerLabel(lang, qq, ans), 600)))
	}
	return cut(b.String(), 3900)
}

// reviewDigest lists many responses in one message.
func (a *App) reviewDigest(rs []store.Response) string {
	var b strings.Builder
	b.WriteString(a.staffText("review.digest", map[string]any{"Count": len(rs)}))
	for _, r := range rs {
		b.WriteString("\n• " + a.reviewHeader(r))
		q, _ := a.questionnaire(r.Kind)
		if low := q.LowScores(r.Answers, reviewLowScore); len(low) > 0 {
			b.WriteString(" ❗" + strconv.Itoa(len(low)))
		}
	}
	b.WriteString("\n\n" + a.staffText("review.digest_hint"))
	return cut(b.String(), 3900)
}
