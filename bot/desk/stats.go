package desk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

// periodName says a period as staff read it: «останні 30 днів», «увесь
// час», «сьогодні», «11.2026», «16.11.2026–22.11.2026», never the code
// typed (30d, all, 2026-11, 2026-11-16/2026-11-22).
func (a *Desk) periodName(period string) string {
	lang := a.StaffLang()
	switch {
	case period == "all":
		return a.Text.Text(lang, "stats.period.all")
	case period == "today":
		return a.Text.Text(lang, "stats.period.today")
	case period == "yesterday":
		return a.Text.Text(lang, "stats.period.yesterday")
	case strings.Contains(period, "/"):
		from, to, _ := strings.Cut(period, "/")
		return a.periodName(from) + "–" + a.periodName(to)
	case strings.HasSuffix(period, "d"):
		var n int
		if _, err := fmt.Sscanf(period, "%dd", &n); err == nil {
			return a.Text.Count(lang, "stats.period.days", n, nil)
		}
	default:
		if t, err := time.Parse("2006-01", period); err == nil {
			return t.Format("01.2006")
		}
		if t, err := time.Parse("2006-01-02", period); err == nil {
			return t.Format("02.01.2006")
		}
	}
	return period
}

// scopeListed is how many centres a town's /stats and /export name one by
// one; more are counted.
const scopeListed = 4

// staffFilter reads "[centre] [period]" arguments, the period before or
// after the centre. The centre is what staff know: the pack's id, the
// number («5154») or a town («Одеса», «Кривий Ріг»), whose centres are then
// taken together; scope names it. When the arguments cannot be read,
// refused is the answer that says why.
func (a *Desk) staffFilter(args string) (f store.ResponseFilter, period, scope, refused string) {
	now := time.Now().In(a.Pack.Hours().Location())
	// «за тиждень», «останні 7 днів», «за последнюю неделю»: the words
	// around a period that are not one (the locales'
	// stats.period_filler_typed, in any language).
	fillers := map[string]bool{}
	for _, w := range a.TypedWords("stats.period_filler_typed") {
		fillers[strings.ToLower(w)] = true
	}
	var kept []string
	for _, w := range strings.Fields(args) {
		if !fillers[strings.ToLower(w)] {
			kept = append(kept, w)
		}
	}
	period, typed, words := splitPeriod(kept, now)
	if _, _, ok := dialogs.ParsePeriod(period, now); !ok {
		return f, "", "", a.filterRefused("", typed)
	}
	if len(words) > 0 {
		found, err := a.Pack.CentresNamed(strings.Join(words, " "))
		if err != nil {
			return f, "", "", a.filterRefused(strings.Join(words, " "), "")
		}
		lang := a.StaffLang()
		switch {
		case len(found) == 1:
			f.Centre = found[0].ID
			scope = a.CentreName(lang, found[0])
		case len(found) > scopeListed:
			// Moscow's 118 offices: the town and how many, not a title
			// (or a file's caption) longer than Telegram takes.
			for _, c := range found {
				f.Centres = append(f.Centres, c.ID)
			}
			scope = a.Text.Count(lang, "stats.scope_town", len(found), map[string]any{"Town": a.Pack.Local(found[0].City, lang)})
		default:
			var numbers []string
			for _, c := range found {
				f.Centres = append(f.Centres, c.ID)
				name := a.Pack.Local(c.Name, lang)
				if slices.Contains(numbers, name) {
					// Konotop's office and its exam ground share a name.
					name += " (" + turn.FirstNonEmpty(a.Pack.Local(c.Note, lang), a.Pack.Local(c.Address, lang)) + ")"
				}
				numbers = append(numbers, name)
			}
			scope = a.Pack.Local(found[0].City, lang) + ": " + strings.Join(numbers, ", ")
		}
	}
	f.Since, f.Until, _ = dialogs.ParsePeriod(period, now)
	if period == "" {
		period = "30d"
	}
	return f, period, scope, ""
}

// splitPeriod takes the period from the end or the start of words: one
// word («7d», «вчора», «листопад») or up to three («30 днів», «минулий
// тиждень», «на минулому тижні»). The longest words that make a period
// valid now win, so that «цей місяць» is this month and not a centre «цей»
// and a month, and «5154 тиждень» a centre and a week, not 5154 weeks.
// When none is valid, whatever looks like a period counts, so that
// «2026-13» is a wrong period rather than a centre not found; typed is it
// as written.
func splitPeriod(words []string, now time.Time) (period, typed string, rest []string) {
	n := len(words)
	var spans [][2]int
	for k := 3; k >= 1; k-- {
		spans = append(spans, [2]int{n - k, n})
	}
	for k := 3; k >= 1; k-- {
		spans = append(spans, [2]int{0, k})
	}
	found := -1
	for i, r := range spans {
		from, to := r[0], r[1]
		if from < 0 || to > n {
			continue
		}
		p := dialogs.CanonicalPeriod(strings.Join(words[from:to], " "), now)
		if !dialogs.LooksLikePeriod(p) {
			continue
		}
		if _, _, ok := dialogs.ParsePeriod(p, now); ok {
			found = i
			break
		}
		if found < 0 {
			found = i
		}
	}
	if found < 0 {
		return "", "", words
	}
	from, to := spans[found][0], spans[found][1]
	return dialogs.CanonicalPeriod(strings.Join(words[from:to], " "), now), strings.Join(words[from:to], " "), append(slices.Clone(words[:from]), words[to:]...)
}

func (a *Desk) showStats(ctx context.Context, t *turn.Turn, m *models.Message, args string) error {
	f, period, scopeName, refused := a.staffFilter(args)
	if refused != "" {
		a.replyStaff(ctx, t, m, refused)
		return nil
	}
	counts, tallies, err := store.ResponseTallies(ctx, a.St.Reader(), f)
	if err != nil {
		return err
	}
	qs := map[string]*dialogs.Questionnaire{}
	for _, kind := range []string{dialogs.KindMystery, dialogs.KindRating} {
		if q, ok := a.Pack.Questionnaire(kind); ok {
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
	// By centre, each kind apart: a mystery shopper's scores are not a
	// visitor's satisfaction.
	centreKind := func(centre, kind string) string { return centre + "\x00" + kind }
	for _, c := range counts {
		at(byKind, c.Kind).count += c.N
		at(byCentre, centreKind(c.Centre, c.Kind)).count += c.N
	}
	for _, tl := range tallies {
		at(byKind, tl.Kind).tallies = append(at(byKind, tl.Kind).tallies, tl)
		k := centreKind(tl.Centre, tl.Kind)
		at(byCentre, k).tallies = append(at(byCentre, k).tallies, tl)
	}
	summary := func(m map[string]*group, k string) dialogs.Summary {
		g := at(m, k)
		return dialogs.SummarizeTallies(qs, g.count, g.tallies)
	}
	lang := a.StaffLang()
	var b strings.Builder
	scope := a.StaffText("stats.all_centres")
	if scopeName != "" {
		scope = html.EscapeString(scopeName)
	}
	b.WriteString(a.StaffText("stats.title", map[string]any{"Scope": scope, "Period": html.EscapeString(a.periodName(period))}))
	for _, kind := range []string{dialogs.KindRating, dialogs.KindMystery} {
		s := summary(byKind, kind)
		b.WriteString("\n\n" + a.StaffText("stats.kind."+kind, map[string]any{"Count": s.Count}))
		if s.Count == 0 {
			continue
		}
		crit := criteriaInOrder(qs[kind], s.Criteria)
		for _, c := range crit {
			name := a.StaffText("stats.criterion." + c)
			if strings.HasPrefix(c, "overall_") {
				name = strings.TrimPrefix(c, "overall_")
				if q := qs[kind]; q != nil && q.Question(name) != nil {
					name = html.EscapeString(turn.Cut(a.Pack.Local(q.Question(name).Short(), lang), 50))
				}
			}
			fmt.Fprintf(&b, "\n• %s: %s", name, locales.Decimal(lang, s.Criteria[c]))
		}
		b.WriteString("\n" + a.StaffText("stats.csat", map[string]any{"Pct": fmt.Sprintf("%.0f%%", s.CSAT)}))
		if s.NPSCount > 0 {
			fmt.Fprintf(&b, " · NPS: %+.0f (%d)", s.NPS, s.NPSCount)
		}
	}
	if f.Centre == "" && len(byCentre) > 0 {
		b.WriteString("\n\n" + a.StaffText("stats.by_centre"))
		names := map[string]string{}
		for k := range byCentre {
			id, _, _ := strings.Cut(k, "\x00")
			switch c, ok := a.Pack.Centre(id); {
			case ok:
				names[id] = a.CentreName(lang, c)
			case id == "":
				names[id] = a.StaffText("centre.unlisted") // described by the person, not in the list
			default:
				names[id] = id
			}
		}
		ids := make([]string, 0, len(names))
		for id := range names {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return names[ids[i]] < names[ids[j]] })
		for _, id := range ids {
			var parts []string
			if r := summary(byCentre, centreKind(id, dialogs.KindRating)); r.Count > 0 {
				line := a.StaffText("stats.centre_ratings", map[string]any{"Count": r.Count, "Pct": fmt.Sprintf("%.0f%%", r.CSAT)})
				if r.NPSCount > 0 {
					line += fmt.Sprintf(" · NPS %+.0f", r.NPS)
				}
				parts = append(parts, line)
			}
			if m := summary(byCentre, centreKind(id, dialogs.KindMystery)); m.Count > 0 {
				parts = append(parts, a.StaffText("stats.centre_mystery", map[string]any{"Count": m.Count}))
			}
			fmt.Fprintf(&b, "\n• %s: %s", html.EscapeString(names[id]), strings.Join(parts, "; "))
		}
	}
	a.replyStaff(ctx, t, m, turn.Cut(b.String(), 4000))
	return nil
}

// criteriaInOrder lists the summary's criteria in the order the
// questionnaire asks them (a criterion where its first question stands),
// so that every /stats reads the same way; unknown ones go last, sorted.
func criteriaInOrder(q *dialogs.Questionnaire, criteria map[string]float64) []string {
	pos := map[string]int{}
	if q != nil {
		i := 0
		for _, sec := range q.Sections {
			for _, qq := range sec.Questions {
				key := qq.Criterion
				if key == "" {
					key = "overall_" + qq.ID
				}
				if _, seen := pos[key]; !seen {
					pos[key] = i
				}
				i++
			}
		}
	}
	out := make([]string, 0, len(criteria))
	for c := range criteria {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		pi, iok := pos[out[i]]
		pj, jok := pos[out[j]]
		if iok != jok {
			return iok
		}
		if iok && pi != pj {
			return pi < pj
		}
		return out[i] < out[j]
	})
	return out
}

func (a *Desk) replyStaff(ctx context.Context, t *turn.Turn, m *models.Message, text string) {
	t.Do(a.StaffPost(m.MessageThreadID, text, m.ID))
}

// exportCSV sends the responses of a period as a CSV file, written as the
// rows are read: the file, never the responses decoded, is what it holds in
// memory, and a file larger than Telegram takes (50 MB) is refused with a
// word on what to do instead.
func (a *Desk) exportCSV(ctx context.Context, t *turn.Turn, m *models.Message, args string) error {
	f, period, scope, refused := a.staffFilter(args)
	if refused != "" {
		a.replyStaff(ctx, t, m, refused)
		return nil
	}
	var qs []*dialogs.Questionnaire
	for _, kind := range []string{dialogs.KindMystery, dialogs.KindRating} {
		if q, ok := a.Pack.Questionnaire(kind); ok {
			qs = append(qs, q)
		}
	}
	// The file starts with UTF-8's byte-order mark: without it Excel on
	// Windows reads the Cyrillic as mojibake.
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	n, err := store.ExportCSV(ctx, a.St.Reader(), f, qs, &capped{w: &buf, left: maxDocument - len(utf8BOM)})
	if errors.Is(err, errTooLarge) {
		a.replyStaff(ctx, t, m, a.StaffText("stats.export_too_large", map[string]any{"Period": html.EscapeString(a.periodName(period))}))
		return nil
	}
	if err != nil {
		return err
	}
	if n == 0 {
		// An empty file would only be opened to find nothing in it.
		a.replyStaff(ctx, t, m, a.StaffText("stats.export_empty", map[string]any{"Period": html.EscapeString(a.periodName(period)), "Scope": html.EscapeString(scope)}))
		return nil
	}
	// The file and its caption say what was exported: a centre's or a
	// town's answers are not the whole pack's.
	part := ""
	switch {
	case f.Centre != "":
		part = "-" + f.Centre
	case len(f.Centres) > 0:
		part = "-" + strings.TrimRight(f.Centres[0], "0123456789x")
	}
	name := fmt.Sprintf("responses-%s%s-%s.csv", a.Pack.ID, part, strings.ReplaceAll(period, "/", "-"))
	caption := a.StaffText("stats.export_caption", map[string]any{"Count": n, "Period": html.EscapeString(a.periodName(period))})
	if scope != "" {
		caption = a.StaffText("stats.export_caption_scoped", map[string]any{"Count": n, "Period": html.EscapeString(a.periodName(period)), "Scope": html.EscapeString(scope)})
	}
	t.Do(outbox.Document(a.Cfg.StaffChatID, m.MessageThreadID, name, buf.Bytes(), caption))
	return nil
}

// utf8BOM is the byte-order mark that tells spreadsheets a CSV is UTF-8.
const utf8BOM = "\uFEFF"

// maxDocument is the largest file a bot may send (Bot API: 50 MB).
const maxDocument = 50 << 20

var errTooLarge = errors.New("bot: the file would be larger than Telegram takes")

// capped writes to w until left bytes are used, then fails.
type capped struct {
	w    io.Writer
	left int
}

func (c *capped) Write(p []byte) (int, error) {
	if len(p) > c.left {
		return 0, errTooLarge
	}
	c.left -= len(p)
	return c.w.Write(p)
}

// filterRefused says what /stats or /export could not read, a centre or a
// period (named back), with the usage.
func (a *Desk) filterRefused(centre, period string) string {
	usage := a.StaffText("stats.usage")
	switch {
	case period != "":
		return a.StaffText("stats.bad_period", map[string]any{"Period": html.EscapeString(turn.Cut(period, 30))}) + "\n" + usage
	case centre != "":
		return a.StaffText("stats.no_centre", map[string]any{"Query": html.EscapeString(turn.Cut(centre, 60))}) + "\n" + usage
	}
	return usage
}
