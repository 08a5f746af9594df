package bot

import (
	"context"
	"fmt"
	"html"
	"io"
	"os"
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

func (a *App) showStats(ctx context.Context, t *Turn, m *models.Message, args string) {
	f, period, ok := a.staffFilter(args)
	if !ok {
		a.replyStaff(ctx, t, m, a.staffText("stats.usage"))
		return
	}
	counts, tallies, err := store.ResponseTallies(ctx, a.st.Reader(), f)
	if err != nil {
		t.Fail(err)
		return
	}
	qs := map[string]*dialogs.Questionnaire{}
	for _, kind := range []string{"mystery", "rating"} {
		if q, ok := a.questionnaire(kind); ok {
			qs[kind] = q
		}
	}
	type group struct {
		count   int
		tallies []dialogs.Tally
	}
	byKind := map[string]*group{}
	byCentre := map[string]*group{}
	at := func(m map[string]*group, k string) *group {
		if m[k] == nil {
			m[k] = &group{}
		}
		return m[k]
	}
	for _, c := range counts {
		at(byKind, c.Kind).count += c.N
		at(byCentre, c.Centre).count += c.N
	}
	for _, tl := range tallies {
		at(byKind, tl.Kind).tallies = append(at(byKind, tl.Kind).tallies, tl)
		at(byCentre, tl.Centre).tallies = append(at(byCentre, tl.Centre).tallies, tl)
	}
	summary := func(m map[string]*group, k string) dialogs.Summary {
		g := at(m, k)
		return dialogs.SummarizeTallies(qs, g.count, g.tallies)
	}
	lang := a.staffLang()
	var b strings.Builder
	scope := a.staffText("stats.all_centres")
	if c, ok := a.pack.Centre(f.Centre); ok {
		scope = html.EscapeString(a.text2(c.Name, lang))
	}
	b.WriteString(a.staffText("stats.title", map[string]any{"Scope": scope, "Period": html.EscapeString(period)}))
	for _, kind := range []string{"rating", "mystery"} {
		s := summary(byKind, kind)
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
			s := summary(byCentre, id)
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
}

func (a *App) replyStaff(ctx context.Context, t *Turn, m *models.Message, text string) {
	if _, err := a.sendStaff(ctx, m.MessageThreadID, text, nil, &models.ReplyParameters{MessageID: m.ID, AllowSendingWithoutReply: true}); err != nil {
		t.Fail(err)
	}
}

// exportCSV sends the responses of a period as a CSV file. The rows go
// from PostgreSQL to a temporary file as they are read, so an export of
// any size takes the memory of one row.
func (a *App) exportCSV(ctx context.Context, t *Turn, m *models.Message, args string) {
	f, period, ok := a.staffFilter(args)
	if !ok {
		a.replyStaff(ctx, t, m, a.staffText("stats.usage"))
		return
	}
	var qs []*dialogs.Questionnaire
	for _, kind := range []string{"mystery", "rating"} {
		if q, ok := a.questionnaire(kind); ok {
			qs = append(qs, q)
		}
	}
	file, err := os.CreateTemp("", "servicebot-export-*.csv")
	if err != nil {
		t.Fail(err)
		return
	}
	defer os.Remove(file.Name())
	defer file.Close()
	n, err := store.ExportCSV(ctx, a.st.Reader(), f, qs, file)
	if err != nil {
		t.Fail(err)
		return
	}
	name := fmt.Sprintf("responses-%s-%s.csv", a.pack.ID, strings.ReplaceAll(period, "/", "-"))
	err = a.send.Message(ctx, a.cfg.StaffChatID, func(ctx context.Context) error {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err := a.tg.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID: a.cfg.StaffChatID, MessageThreadID: m.MessageThreadID,
			Document:  &models.InputFileUpload{Filename: name, Data: file},
			Caption:   a.staffText("stats.export_caption", map[string]any{"Count": n, "Period": html.EscapeString(period)}),
			ParseMode: models.ParseModeHTML,
		})
		return err
	})
	if err != nil {
		t.Fail(err)
	}
}
