package bot

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
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

// staffFilter reads "[centre] [period]" arguments.
func (a *App) staffFilter(args string) (store.ResponseFilter, string, bool) {
	var f store.ResponseFilter
	period := ""
	now := time.Now().In(a.schedule().Location())
	for _, w := range strings.Fields(args) {
		if _, ok := a.pack.Centre(w); ok {
			f.Centre = w
			continue
		}
		period = w
	}
	since, until, ok := parsePeriod(period, now)
	f.Since, f.Until = since, until
	if period == "" {
		period = "30d"
	}
	return f, period, ok
}

// staffResponses reads /stats' and /export's arguments (centre, period)
// and the responses submitted in them, with the pack's questionnaires. On
// bad arguments it shows the usage and reports !ok.
func (a *App) staffResponses(ctx context.Context, t *Turn, m *models.Message, args string) (f store.ResponseFilter, list []store.Response, period string, qs []*dialogs.Questionnaire, ok bool, err error) {
	f, period, ok = a.staffFilter(args)
	if !ok {
		a.replyStaff(ctx, t, m, a.staffText("stats.usage"))
		return f, nil, "", nil, false, nil
	}
	list, err = store.SubmittedResponses(ctx, t.Tx, f)
	if err != nil {
		return f, nil, "", nil, false, err
	}
	for _, kind := range []string{"mystery", "rating"} {
		if q, ok := a.questionnaire(kind); ok {
			qs = append(qs, q)
		}
	}
	return f, list, period, qs, true, nil
}

func (a *App) showStats(ctx context.Context, t *Turn, m *models.Message, args string) error {
	f, list, period, found, ok, err := a.staffResponses(ctx, t, m, args)
	if err != nil || !ok {
		return err
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
	if c, ok := a.pack.Centre(f.Centre); ok {
		scope = html.EscapeString(a.text2(c.Name, lang))
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
			}
			fmt.Fprintf(&b, "\n• %s: %d · CSAT %.0f%%", html.EscapeString(name), s.Count, s.CSAT)
			if s.NPSCount > 0 {
				fmt.Fprintf(&b, " · NPS %+.0f", s.NPS)
			}
		}
	}
	a.replyStaff(ctx, t, m, cut(b.String(), 4000))
	return nil
}

func (a *App) replyStaff(ctx context.Context, t *Turn, m *models.Message, text string) {
	t.Do(a.staffPost(m.MessageThreadID, text, m.ID))
}

// exportCSV sends the responses of a period as a CSV file.
func (a *App) exportCSV(ctx context.Context, t *Turn, m *models.Message, args string) error {
	_, list, period, qs, ok, err := a.staffResponses(ctx, t, m, args)
	if err != nil || !ok {
		return err
	}
	subs := make([]dialogs.Submission, 0, len(list))
	for _, r := range list {
		subs = append(subs, r.Submission())
	}
	var buf bytes.Buffer
	if err := dialogs.WriteCSV(&buf, qs, subs); err != nil {
		return err
	}
	name := fmt.Sprintf("responses-%s-%s.csv", a.pack.ID, strings.ReplaceAll(period, "/", "-"))
	caption := a.staffText("stats.export_caption", map[string]any{"Count": len(subs), "Period": html.EscapeString(period)})
	t.Do(outbox.Document(a.cfg.StaffChatID, m.MessageThreadID, name, buf.Bytes(), caption))
	return nil
}
