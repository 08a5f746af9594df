package turn

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/dialogs"
)

// whereOf is the point a message shares: a location or a venue's.
func LocationOf(m *models.Message) (lat, lon float64, ok bool) {
	switch {
	case m.Location != nil:
		return m.Location.Latitude, m.Location.Longitude, true
	case m.Venue != nil:
		return m.Venue.Location.Latitude, m.Venue.Location.Longitude, true
	}
	return 0, 0, false
}

// km is a distance as people read it: "850 м", "2,3 км", "41 км".
func (a *Env) km(lang string, km float64) string {
	switch {
	case km < 1:
		return a.Text.Text(lang, "centre.metres", map[string]any{"M": int(km*1000/10+0.5) * 10})
	case km < 10:
		s := strconv.FormatFloat(km, 'f', 1, 64)
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return a.Text.Text(lang, "centre.km", map[string]any{"Km": s})
	}
	return a.Text.Text(lang, "centre.km", map[string]any{"Km": strconv.Itoa(int(km + 0.5))})
}

// Distance is how far a centre is, "≈" when only its settlement's place
// is known.
func (a *Env) Distance(lang string, n dialogs.Nearby) string {
	if n.Approx && n.Km < sameTownKm {
		// Placed only by its town's point, a centre in the person's own
		// town is «≈ 510 m» away whichever it is and wherever it stands
		// (three Kyiv centres 10 km apart all came out so): its town is
		// what can be said truly.
		if town := a.Pack.Local(n.Centre.City, a.ContentLang(lang)); town != "" {
			return town
		}
	}
	if n.Approx {
		return a.Text.Text(lang, "centre.approx", map[string]any{"Distance": a.km(lang, n.Km)})
	}
	return a.km(lang, n.Km)
}

// sameTownKm: a person this close to a town's point is taken to be in the
// town (a city's middle to its edge, for most of them).
const sameTownKm = 10

// CentreName is a centre named on one line, as a summary names it: its
// name and its town, «ТСЦ МВС № 6341 · Харків» (dialogs.Pack.NameAndTown).
// A town the name already holds («…, поселение Сосенское») is not said
// twice. Plain text: escape it for HTML.
func (a *Env) CentreName(lang string, c dialogs.Centre) string {
	cl := a.ContentLang(lang)
	name, town := a.Pack.NameAndTown(c, cl)
	if city := a.Pack.Local(c.City, cl); city != "" && strings.Contains(name, city) {
		town = strings.TrimPrefix(strings.TrimPrefix(town, city), " · ")
	}
	if town == "" {
		return name
	}
	return name + " · " + town
}

// CentreCard tells where a centre is and whether it is open: number, town
// and address, today's hours, the map and the e-queue; the distance when
// near is from Nearest (a zero Nearby leaves it out).
func (a *Env) CentreCard(lang string, c dialogs.Centre, near dialogs.Nearby, now time.Time) string {
	cl := a.ContentLang(lang)
	var b strings.Builder
	b.WriteString("🏢 <b>" + html.EscapeString(a.Pack.Local(c.Name, cl)) + "</b>")
	if near.Centre.ID != "" {
		b.WriteString(" · " + a.Distance(lang, near))
	}
	b.WriteString("\n📍 " + html.EscapeString(a.Pack.Local(c.City, cl)))
	if addr := a.Pack.Local(c.Address, cl); addr != "" {
		b.WriteString(", " + html.EscapeString(addr))
	}
	if n := a.Pack.Local(c.Note, cl); n != "" {
		b.WriteString("\nℹ️ " + html.EscapeString(n))
	}
	today, open, known, err := a.Pack.Opening(c, now)
	switch {
	case err != nil:
	case !known:
		if h := a.Pack.Local(c.Hours, cl); h != "" {
			b.WriteString("\n🕗 " + html.EscapeString(h))
		}
	case len(today) == 0:
		b.WriteString("\n🕗 " + a.Text.Text(lang, "centre.closed_today"))
	default:
		var spans []string
		for _, s := range today {
			spans = append(spans, s.Open+"–"+s.Close)
		}
		state := "centre.closed_now"
		if open {
			state = "centre.open_now"
		}
		b.WriteString("\n🕗 " + a.Text.Text(lang, "centre.today", map[string]any{"Hours": strings.Join(spans, ", ")}) + " · " + a.Text.Text(lang, state))
	}
	var links []string
	if c.Map != "" {
		links = append(links, `<a href="`+html.EscapeString(c.Map)+`">`+a.Text.Text(lang, "centre.map")+"</a>")
	}
	for _, ch := range a.Pack.Channels {
		if ch.Kind == "booking" && ch.URL != "" {
			links = append(links, `<a href="`+html.EscapeString(ch.URL)+`">`+html.EscapeString(a.Pack.Local(ch.Title, cl))+"</a>")
			break
		}
	}
	if len(links) > 0 {
		b.WriteString("\n" + strings.Join(links, " · "))
	}
	if len(c.Services) == 0 {
		// Where the pack's source sends people: the e-queue (hsc), mos.ru
		// and Gosuslugi (mfc).
		b.WriteString("\n<i>" + a.Text.Text(lang, "centre.services_unknown."+a.Cfg.Pack) + "</i>")
	}
	return b.String()
}

// AnswerLabel renders an answer for the summary and staff cards.
func (a *Env) AnswerLabel(lang string, qq *dialogs.Question, ans dialogs.Answer) string {
	switch {
	case ans.Skipped:
		return "—"
	case ans.Number != nil:
		if qq.Type == dialogs.QuestionScale10 {
			return fmt.Sprintf("%d/10", *ans.Number)
		}
		return fmt.Sprintf("%d/5", *ans.Number)
	case qq.Type == dialogs.QuestionYesNo || qq.Type == dialogs.QuestionYesNoNA:
		if len(ans.Choice) > 0 {
			return a.Text.Text(lang, "survey."+ans.Choice[0])
		}
	case qq.Type == dialogs.QuestionSingle || qq.Type == dialogs.QuestionMulti:
		var names []string
		for _, id := range ans.Choice {
			if o, ok := qq.Option(id); ok {
				names = append(names, a.Pack.Local(o.Text, a.ContentLang(lang)))
			}
		}
		return strings.Join(names, ", ")
	case qq.Type == dialogs.QuestionCentre:
		if c, ok := a.Pack.Centre(ans.Text); ok {
			return a.CentreName(lang, c)
		}
		if ans.Text == UnlistedCentre {
			return a.Text.Text(lang, "centre.unlisted")
		}
	case qq.Type == dialogs.QuestionPhoto:
		return "📷"
	case qq.Type == dialogs.QuestionDate:
		if d, err := time.Parse("2006-01-02", ans.Text); err == nil {
			return d.Format("02.01.2006")
		}
	}
	return ans.Text
}

// UnlistedCentre is a centre question's answer when the person's centre is
// not in the list (they describe it in their own words).
const UnlistedCentre = "-"

// How many centres a list of them shows: the nearest to a location, and
// the most found by a town or number typed.
const (
	NearestCount = 3
	FoundMax     = 12
)

// BeyondReachKm is how far from every centre a place is beyond a pack's
// coverage for sure (Saint Petersburg for Moscow's offices): the coverage
// is told, and no centre, hundreds of kilometres off, passes for its own.
const BeyondReachKm = 150

// UnplacedNote names centres of a region that the list does not place on
// the map (so never among the nearest), with their settlements.
func (a *Env) UnplacedNote(lang string, centres []dialogs.Centre) string {
	names := make([]string, len(centres))
	for i, c := range centres {
		names[i] = html.EscapeString(a.CentreName(lang, c))
	}
	return a.Text.Text(lang, "centre.unplaced", map[string]any{"Centres": strings.Join(names, "; ")})
}
