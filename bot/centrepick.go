package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"servicebot/dialogs"
	"servicebot/store"
)

// Choosing a centre, wherever one is chosen (the rating, the mystery
// shopper): a shared location gives the nearest three, a typed town or
// number the centres there, and the buttons browse region → town → centre.
// «My centre is not in the list» takes a short description instead.
//
// Callback data (k is m or r):
//
//	qy:k:r:<page>                  the regions
//	qy:k:t:<region>:<page>         a region's towns
//	qy:k:c:<region>:<town>:<page>  a town's centres (town: its index in Towns)
//	qy:k:l                         the button that shares a location
//	qy:k:o                         my centre is not in the list
const (
	nearestCount   = 3
	foundMax       = 12
	centreNoteMax  = 200
	unlistedCentre = "-" // a centre question's answer when the centre is not in the list
	stepCentreNote = "centre_note"
)

// centreView is where in the browser the person is.
type centreView struct {
	level  string // r, t or c
	region string
	town   int
	page   int
}

func parseCentreView(parts []string) centreView {
	at := func(i int) string {
		if i < len(parts) {
			return parts[i]
		}
		return ""
	}
	v := centreView{level: at(0)}
	switch v.level {
	case "t":
		v.region = at(1)
		v.page, _ = strconv.Atoi(at(2))
	case "c":
		v.region = at(1)
		v.town, _ = strconv.Atoi(at(2))
		v.page, _ = strconv.Atoi(at(3))
	default:
		v.level = "r"
		v.page, _ = strconv.Atoi(at(1))
	}
	return v
}

// topView is where browsing starts: the regions, or a pack's only
// region's towns.
func (a *App) topView() centreView {
	regions := a.pack.RegionsWithCentres()
	if len(regions) == 0 {
		return centreView{level: "t"}
	}
	if len(regions) == 1 {
		return centreView{level: "t", region: regions[0].ID}
	}
	return centreView{level: "r"}
}

// needsCentre reports whether a rating still waits for its centre.
func needsCentre(r store.Response) bool {
	return r.Kind == "rating" && r.Centre == "" && r.CentreNote == ""
}

// centreQuestion is the id the chosen centre answers: the rating's own
// step, or the questionnaire's centre question.
func centreQuestion(q *dialogs.Questionnaire, r store.Response) string {
	if next, ok := q.Next(r.Answers); ok && next.Type == dialogs.QuestionCentre && r.Kind != "rating" {
		return next.ID
	}
	return centreStep
}

// centreLabel is a centre's button: its number and street, which people
// know, else its name.
func (a *App) centreLabel(c dialogs.Centre, lang string) string {
	addr := a.text2(c.Address, lang)
	if c.Number != "" {
		return cut("№ "+c.Number+" · "+addr, 60)
	}
	return cut(a.text2(c.Name, lang)+" · "+addr, 60)
}

// renderCentres shows the browser at view, with what else the person can do.
func (a *App) renderCentres(ctx context.Context, t *Turn, q *dialogs.Questionnaire, r store.Response, v centreView, note string) {
	k := letterOf(r.Kind)
	lang := a.contentLang(t.Lang)
	qid := centreQuestion(q, r)
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	b.WriteString(a.text.Text(t.Lang, "survey.pick_centre"))
	var items []Button
	var back *Button
	to := func(p int) (string, string) { return cbSurveyPlace, fmt.Sprintf("%s:r:%d", k, p) }
	switch v.level {
	case "c":
		towns := a.pack.Towns(v.region)
		if v.town < 0 || v.town >= len(towns) {
			a.renderCentres(ctx, t, q, r, a.topView(), note)
			return
		}
		b.WriteString("\n<b>" + html.EscapeString(a.text2(towns[v.town].Name, lang)) + "</b>")
		for _, c := range towns[v.town].Centres {
			items = append(items, button(a.centreLabel(c, lang), cbSurveyAns, k+":"+qid+":"+c.ID))
		}
		to = func(p int) (string, string) {
			return cbSurveyPlace, fmt.Sprintf("%s:c:%s:%d:%d", k, v.region, v.town, p)
		}
		up := button(a.text.Text(t.Lang, "centre.other_town"), cbSurveyPlace, fmt.Sprintf("%s:t:%s:0", k, v.region))
		back = &up
	case "t":
		if reg, ok := a.pack.Region(v.region); ok {
			b.WriteString("\n<b>" + html.EscapeString(a.text2(reg.Name, lang)) + "</b>")
		}
		for i, tw := range a.pack.Towns(v.region) {
			label := a.text2(tw.Name, lang)
			if n := len(tw.Centres); n > 1 {
				label += fmt.Sprintf(" (%d)", n)
			}
			items = append(items, button(label, cbSurveyPlace, fmt.Sprintf("%s:c:%s:%d:0", k, v.region, i)))
		}
		to = func(p int) (string, string) { return cbSurveyPlace, fmt.Sprintf("%s:t:%s:%d", k, v.region, p) }
		if a.topView().level == "r" {
			up := button(a.text.Text(t.Lang, "centre.other_region"), cbSurveyPlace, k+":r:0")
			back = &up
		}
	default:
		for _, reg := range a.pack.RegionsWithCentres() {
			items = append(items, button(a.text2(reg.Name, lang), cbSurveyPlace, fmt.Sprintf("%s:t:%s:0", k, reg.ID)))
		}
	}
	from, until, nav := paged(len(items), surveyPerPage, v.page, to)
	var rows [][]Button
	for _, it := range items[from:until] {
		rows = append(rows, []Button{it})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	if back != nil {
		rows = append(rows, []Button{*back})
	}
	// Browsing comes first: the location button sends a message of its own.
	rows = append(rows,
		[]Button{button(a.text.Text(t.Lang, "centre.near_me"), cbSurveyPlace, k+":l")},
		[]Button{button(a.text.Text(t.Lang, "centre.not_listed"), cbSurveyPlace, k+":o")})
	b.WriteString("\n<i>" + a.text.Text(t.Lang, "centre.find_hint") + "</i>")
	var qq *dialogs.Question
	if qid != centreStep {
		qq = q.Question(qid)
	}
	rows = append(rows, a.surveyNav(t.Lang, k, qq))
	a.showStep(ctx, t, r, b.String(), keyboard(rows...))
}

// offerLocation sends the text textID with the button that shares the
// person's location.
func (a *App) offerLocation(t *Turn, textID string) {
	a.sendWithLocationButton(t, a.text.Text(t.Lang, textID))
}

// pickFromFound answers typed text at the centre step: a number or a town.
func (a *App) pickFromFound(ctx context.Context, t *Turn, q *dialogs.Questionnaire, r store.Response, text string) error {
	// «Мого центру немає в списку» typed rather than pressed.
	for _, lang := range a.pack.Languages {
		if typed := dialogs.Fold(text); typed != "" && typed == dialogs.Fold(a.text.Text(lang, "centre.not_listed")) {
			return a.askCentreNote(ctx, t, q, r)
		}
	}
	found := a.pack.FindCentres(text)
	if len(found) == 0 {
		a.renderCentres(ctx, t, q, r, a.topView(), a.text.Text(t.Lang, "centre.none_found", map[string]any{"Query": html.EscapeString(cut(strings.TrimSpace(text), 40))}))
		return nil
	}
	if len(found) > foundMax {
		found = found[:foundMax]
	}
	lang := a.contentLang(t.Lang)
	k := letterOf(r.Kind)
	qid := centreQuestion(q, r)
	var rows [][]Button
	for _, c := range found {
		rows = append(rows, []Button{button(a.centreLabel(c, lang), cbSurveyAns, k+":"+qid+":"+c.ID)})
	}
	text = a.text.Text(t.Lang, "centre.found", map[string]any{"Town": html.EscapeString(a.text2(found[0].City, lang))})
	a.showPicked(ctx, t, q, r, text, rows)
	return nil
}

// pickNearest answers a shared location at the centre step: the nearest
// centres as cards, and a button for each.
func (a *App) pickNearest(ctx context.Context, t *Turn, q *dialogs.Questionnaire, r store.Response, lat, lon float64) {
	near := a.pack.Nearest(lat, lon, nearestCount)
	if len(near) == 0 {
		a.renderCentres(ctx, t, q, r, a.topView(), a.text.Text(t.Lang, "centre.none_near"))
		return
	}
	lang := a.contentLang(t.Lang)
	k := letterOf(r.Kind)
	qid := centreQuestion(q, r)
	var b strings.Builder
	b.WriteString(a.text.Text(t.Lang, "centre.nearest"))
	var rows [][]Button
	for _, n := range near {
		b.WriteString("\n\n" + a.centreCard(t.Lang, n.Centre, n, time.Now()))
		rows = append(rows, []Button{button(a.centreLabel(n.Centre, lang)+" · "+a.distance(t.Lang, n), cbSurveyAns, k+":"+qid+":"+n.Centre.ID)})
	}
	a.showPicked(ctx, t, q, r, b.String(), rows)
}

// showPicked shows centres to choose from, with the ways back to browsing.
func (a *App) showPicked(ctx context.Context, t *Turn, q *dialogs.Questionnaire, r store.Response, text string, rows [][]Button) {
	k := letterOf(r.Kind)
	rows = append(rows,
		[]Button{button(a.text.Text(t.Lang, "centre.browse"), cbSurveyPlace, k+":r:0")},
		[]Button{button(a.text.Text(t.Lang, "centre.near_me"), cbSurveyPlace, k+":l")},
		[]Button{button(a.text.Text(t.Lang, "centre.not_listed"), cbSurveyPlace, k+":o")},
	)
	var qq *dialogs.Question
	if qid := centreQuestion(q, r); qid != centreStep {
		qq = q.Question(qid)
	}
	rows = append(rows, a.surveyNav(t.Lang, k, qq))
	a.showStep(ctx, t, r, text, keyboard(rows...))
}

// askCentreNote waits for the person's own words about their centre.
func (a *App) askCentreNote(ctx context.Context, t *Turn, q *dialogs.Questionnaire, r store.Response) error {
	raw, _ := json.Marshal(surveyState{Kind: r.Kind})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: dialogSurvey, Step: stepCentreNote, Data: raw}); err != nil {
		return err
	}
	k := letterOf(r.Kind)
	a.showStep(ctx, t, r, a.text.Text(t.Lang, "centre.note_ask", map[string]any{"Max": centreNoteMax}), keyboard(
		[]Button{button(a.text.Text(t.Lang, "centre.browse"), cbSurveyPlace, k+":r:0")},
		[]Button{button(a.text.Text(t.Lang, "survey.cancel"), cbSurvey, k+":x")},
	))
	return nil
}

// takeCentreNote stores the description and goes on with the questions.
func (a *App) takeCentreNote(ctx context.Context, t *Turn, q *dialogs.Questionnaire, r store.Response, text string) error {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" || len([]rune(text)) > centreNoteMax {
		a.reply(ctx, t, a.text.Text(t.Lang, "centre.note_bad", map[string]any{"Max": centreNoteMax}), nil)
		return nil
	}
	if err := a.keepSurveyDialog(ctx, t, r.Kind); err != nil {
		return err
	}
	r.CentreNote = text
	if qid := centreQuestion(q, r); qid != centreStep {
		ids := append(a.centreIDs(), unlistedCentre)
		ans, err := q.Apply(r.Answers, qid, dialogs.Input{Choice: unlistedCentre}, ids)
		if err != nil {
			a.renderStep(ctx, t, q, r, a.surveyError(t.Lang, q, qid, err))
			return nil
		}
		r.Answers = ans
	} else {
		r.Centre = ""
	}
	return a.saveAndRender(ctx, t, q, r, "")
}

// km is a distance as people read it: "850 м", "2,3 км", "41 км".
func (a *App) km(lang string, km float64) string {
	switch {
	case km < 1:
		return a.text.Text(lang, "centre.metres", map[string]any{"M": int(km*1000/10+0.5) * 10})
	case km < 10:
		s := strconv.FormatFloat(km, 'f', 1, 64)
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return a.text.Text(lang, "centre.km", map[string]any{"Km": s})
	}
	return a.text.Text(lang, "centre.km", map[string]any{"Km": strconv.Itoa(int(km + 0.5))})
}

// distance is how far a centre is, "≈" when only its settlement's place
// is known.
func (a *App) distance(lang string, n dialogs.Nearby) string {
	if n.Approx {
		return a.text.Text(lang, "centre.approx", map[string]any{"Distance": a.km(lang, n.Km)})
	}
	return a.km(lang, n.Km)
}

// centreCard tells where a centre is and whether it is open: number, town
// and address, today's hours, the map and the e-queue; the distance when
// near is from Nearest (a zero Nearby leaves it out).
func (a *App) centreCard(lang string, c dialogs.Centre, near dialogs.Nearby, now time.Time) string {
	cl := a.contentLang(lang)
	var b strings.Builder
	b.WriteString("🏢 <b>" + html.EscapeString(a.text2(c.Name, cl)) + "</b>")
	if near.Centre.ID != "" {
		b.WriteString(" · " + a.distance(lang, near))
	}
	b.WriteString("\n📍 " + html.EscapeString(a.text2(c.City, cl)))
	if addr := a.text2(c.Address, cl); addr != "" {
		b.WriteString(", " + html.EscapeString(addr))
	}
	if n := a.text2(c.Note, cl); n != "" {
		b.WriteString("\nℹ️ " + html.EscapeString(n))
	}
	today, open, known, err := a.pack.Opening(c, now)
	switch {
	case err != nil:
	case !known:
		if h := a.text2(c.Hours, cl); h != "" {
			b.WriteString("\n🕗 " + html.EscapeString(h))
		}
	case len(today) == 0:
		b.WriteString("\n🕗 " + a.text.Text(lang, "centre.closed_today"))
	default:
		var spans []string
		for _, s := range today {
			spans = append(spans, s.Open+"–"+s.Close)
		}
		state := "centre.closed_now"
		if open {
			state = "centre.open_now"
		}
		b.WriteString("\n🕗 " + a.text.Text(lang, "centre.today", map[string]any{"Hours": strings.Join(spans, ", ")}) + " · " + a.text.Text(lang, state))
	}
	var links []string
	if c.Map != "" {
		links = append(links, `<a href="`+html.EscapeString(c.Map)+`">`+a.text.Text(lang, "centre.map")+"</a>")
	}
	for _, ch := range a.pack.Channels {
		if ch.Kind == "booking" && ch.URL != "" {
			links = append(links, `<a href="`+html.EscapeString(ch.URL)+`">`+html.EscapeString(a.text2(ch.Title, cl))+"</a>")
			break
		}
	}
	if len(links) > 0 {
		b.WriteString("\n" + strings.Join(links, " · "))
	}
	if len(c.Services) == 0 {
		b.WriteString("\n<i>" + a.text.Text(lang, "centre.services_unknown") + "</i>")
	}
	return b.String()
}
