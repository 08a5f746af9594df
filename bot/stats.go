package bot

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"servicebot/dialogs"
	"servicebot/store"
)

// /stats [centre] [period] and /export [period] in the staff chat.

// parsePeriod reads 7d, 30d, 90d, all, today or a month (2026-11); the
// default is the last 30 days.
func parsePeriod(s string, now time.Time) (since, until time.Time, ok bool) {
	switch {
	case s == "":
		return now.AddDate(0, 0, -30), time.Time{}, true
	case s == "all":
		return time.Time{}, time.Time{}, true
	case s == "today":
		y, m, d := now.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, now.Location()), time.Time{}, true
	case strings.HasSuffix(s, "d"):
		var n int
		if _, err := fmt.Sscanf(s, "%dd", &n); err == nil && n > 0 && n <= 3660 {
			return now.AddDate(0, 0, -n), time.Time{}, true
		}
	default:
		if t, err := time.ParseInLocation("2006-01", s, now.Location()); err == nil {
			return t, t.AddDate(0, 1, 0), true
		}
	}
	return time.Time{}, time.Time{}, false
}

// staffFilter reads "[centre] [period]" arguments. The centre is what
// staff know: the pack's id, the number («5154») or a town («Одеса», «Кривий
// Ріг»), whose centres are then taken together; scope names it.
func (a *App) staffFilter(args string) (f store.ResponseFilter, period, scope string, ok bool) {
	now := time.Now().In(a.schedule().Location())
	words := strings.Fields(args)
	if n := len(words); n > 0 {
		if _, _, isPeriod := parsePeriod(words[n-1], now); isPeriod {
			period, words = words[n-1], words[:n-1]
		}
	}
	if len(words) > 0 {
		found, err := a.centresNamed(strings.Join(words, " "))
		if err != nil {
			return f, "", "", false
		}
		lang := a.staffLang()
		if len(found) == 1 {
			f.Centre = found[0].ID
			scope = a.text2(found[0].Name, lang)
		} else {
			var numbers []string
			for _, c := range found {
				f.Centres = append(f.Centres, c.ID)
				numbers = append(numbers, a.text2(c.Name, lang))
			}
			scope = a.text2(found[0].City, lang) + ": " + strings.Join(numbers, ", ")
		}
	}
	since, until, ok := parsePeriod(period, now)
	f.Since, f.Until = since, until
	if period == "" {
		period = "30d"
	}
	return f, period, scope, ok
}

// staffResponses reads /stats' and /export's arguments (centre, period)
// and the responses submitted in them, with the pack's questionnaires. On
// bad arguments it shows the usage; on an error it fails the turn.
func (a *App) staffResponses(ctx context.Context, t *Turn, m *models.Message, args string) (f store.ResponseFilter, list []store.Response, period, scope string, qs []*dialogs.Questionnaire, ok bool) {
	f, period, scope, ok = a.staffFilter(args)
	if !ok {
		a.replyStaff(ctx, t, m, a.staffText("stats.usage"))
		return f, nil, "", "", nil, false
	}
	list, err := store.SubmittedResponses(ctx, t.Tx, f)
	if err != nil {
		t.Fail(err)
		return f, nil, "", "", nil, false
	}
	for _, kind := range []string{"mystery", "rating"} {
		if q, ok := a.questionnaire(kind); ok {
			qs = append(qs, q)
		}
	}
	return f, list, period, scope, qs, true
}

func (a *App) showStats(ctx context.Context, t *Turn, m *models.Message, args string) {
	f, list, period, scopeName, found, ok := a.staffResponses(ctx, t, m, args)
	if !ok {
		return
	}
	qs := map[string]*dialogs.Questionnaire{}
	for _, q := range found {
		qs[q.Kind] = q
	}
	byKind := map[string][]dialogs.Submission{}
	byCentre := map[string][]dialogs.Submission{}
	for _, r := range list {
		s := r.Submission()
		byKind[r.Kind] = append(byKind[r.Kind], s)
		byCentre[r.Centre] = append(byCentre[r.Centre], s)
	}
	lang := a.staffLang()
	var b strings.Builder
	scope := a.staffText("stats.all_centres")
	if scopeName != "" {
		scope = html.EscapeString(scopeName)
	}
	b.WriteString(a.staffText("stats.title", map[string]any{"Scope": scope, "Period": html.EscapeString(period)}))
	for _, kind := range []string{"rating", "mystery"} {
		s := dialogs.Summarize(qs, byKind[kind])
		b.WriteString("\n\n" + a.staffText("stats.kind."+kind, map[string]any{"Count": s.Count}))
		if s.Count == 0 {
			continue
		}
		var crit []string
		for c := range s.Criteria {
			crit = append(crit, c)
		}
		sort.Strings(crit)
		for _, c := range crit {
			name := a.staffText("stats.criterion." + c)
			if strings.HasPrefix(c, "overall_") {
				name = strings.TrimPrefix(c, "overall_")
				if q := qs[kind]; q != nil && q.Question(name) != nil {
					name = html.EscapeString(cut(a.text2(q.Question(name).Text, lang), 50))
				}
			}
			fmt.Fprintf(&b, "\n• %s: %.2f", name, s.Criteria[c])
		}
		fmt.Fprintf(&b, "\nCSAT: %.0f%%", s.CSAT)
		if s.NPSCount > 0 {
			fmt.Fprintf(&b, " · NPS: %+.0f (%d)", s.NPS, s.NPSCount)
		}
	}
	if f.Centre == "" && len(byCentre) > 0 {
		b.WriteString("\n\n" + a.staffText("stats.by_centre"))
		var ids []string
		for id := range byCentre {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			s := dialogs.Summarize(qs, byCentre[id])
			name := id
			if c, ok := a.pack.Centre(id); ok {
				name = a.text2(c.Name, lang)
			} else if id == "" {
				name = a.staffText("centre.unlisted") // described by the person, not in the list
			}
			fmt.Fprintf(&b, "\n• %s: %d · CSAT %.0f%%", html.EscapeString(name), s.Count, s.CSAT)
			if s.NPSCount > 0 {
				fmt.Fprintf(&b, " · NPS %+.0f", s.NPS)
			}
		}
	}
	a.replyStaff(ctx, t, m, cut(b.String(), 4000))
}

func (a *App) replyStaff(ctx context.Context, t *Turn, m *models.Message, text string) {
	if _, err := a.sendStaff(ctx, m.MessageThreadID, text, nil, &models.ReplyParameters{MessageID: m.ID, AllowSendingWithoutReply: true}); err != nil {
		t.Fail(err)
	}
}

// exportCSV sends the responses of a period as a CSV file.
func (a *App) exportCSV(ctx context.Context, t *Turn, m *models.Message, args string) {
	_, list, period, _, qs, ok := a.staffResponses(ctx, t, m, args)
	if !ok {
		return
	}
	subs := make([]dialogs.Submission, 0, len(list))
	for _, r := range list {
		subs = append(subs, r.Submission())
	}
	var buf bytes.Buffer
	if err := dialogs.WriteCSV(&buf, qs, subs); err != nil {
		t.Fail(err)
		return
	}
	name := fmt.Sprintf("responses-%s-%s.csv", a.pack.ID, strings.ReplaceAll(period, "/", "-"))
	err := a.send.Message(ctx, a.cfg.StaffChatID, func(ctx context.Context) error {
		_, err := a.tg.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID: a.cfg.StaffChatID, MessageThreadID: m.MessageThreadID,
			Document:  &models.InputFileUpload{Filename: name, Data: bytes.NewReader(buf.Bytes())},
			Caption:   a.staffText("stats.export_caption", map[string]any{"Count": len(subs), "Period": html.EscapeString(period)}),
			ParseMode: models.ParseModeHTML,
		})
		return err
	})
	if err != nil {
		t.Fail(err)
	}
}
