package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"servicebot/bot/tg"
	"servicebot/bot/turn"
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
	centreNoteMax  = 200
	stepCentreNote = "centre_note"
	// stepCentreAgain: the rating's centre is being chosen again from the
	// summary; a town typed now looks for centres.
	stepCentreAgain = "centre_again"
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
func (a *Surveys) topView() centreView {
	regions := a.Pack.RegionsWithCentres()
	if len(regions) == 0 {
		return centreView{level: "t"}
	}
	if len(regions) == 1 {
		return centreView{level: "t", region: regions[0].ID}
	}
	return centreView{level: "r"}
}

// NeedsCentre reports whether a rating still waits for its centre.
func NeedsCentre(r store.Response) bool {
	return r.Kind == dialogs.KindRating && r.Centre == "" && r.CentreNote == ""
}

// centreQuestion is the id the chosen centre answers: the rating's own
// step, or the questionnaire's centre question.
func centreQuestion(q *dialogs.Questionnaire, r store.Response) string {
	if next, ok := q.Next(r.Answers); ok && next.Type == dialogs.QuestionCentre && r.Kind != dialogs.KindRating {
		return next.ID
	}
	return CentreStep
}

// centreLabel is a centre's button: its number and street, which people
// know, else its district and street (Moscow's offices share all but the
// district in their names: cut to fit, two in one district read the same),
// else its name; without the street when the source gives none.
func (a *Surveys) centreLabel(c dialogs.Centre, lang string) string {
	label := a.Pack.Local(c.Name, lang)
	if district := a.Pack.Local(c.District, lang); district != "" {
		label = district
	}
	if c.Number != "" {
		label = "№ " + c.Number
	}
	if addr := a.Pack.Local(c.Address, lang); addr != "" {
		label += " · " + addr
	}
	return turn.Cut(label, 60)
}

// renderCentres shows the browser at view, with what else the person can do.
func (a *Surveys) renderCentres(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, v centreView, note string) {
	k := turn.LetterOf(r.Kind)
	lang := a.ContentLang(t.Lang)
	qid := centreQuestion(q, r)
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	if qid != CentreStep {
		// The mystery shopper's centre is its first step, and says so.
		b.WriteString("<i>" + a.progress(t.Lang, q, r.Answers, qid) + "</i>\n\n")
	}
	b.WriteString(a.Text.Text(t.Lang, "survey.pick_centre"))
	var items []tg.Button
	var back *tg.Button
	to := func(p int) (string, string) { return turn.CbSurveyPlace, fmt.Sprintf("%s:r:%d", k, p) }
	switch v.level {
	case "c":
		towns := a.Pack.Towns(v.region)
		if v.town < 0 || v.town >= len(towns) {
			a.renderCentres(ctx, t, q, r, a.topView(), note)
			return
		}
		b.WriteString("\n<b>" + html.EscapeString(a.Pack.Local(towns[v.town].Name, lang)) + "</b>")
		for _, c := range towns[v.town].Centres {
			items = append(items, tg.CallbackButton(a.centreLabel(c, lang), turn.CbSurveyAns, k+":"+qid+":"+c.ID))
		}
		to = func(p int) (string, string) {
			return turn.CbSurveyPlace, fmt.Sprintf("%s:c:%s:%d:%d", k, v.region, v.town, p)
		}
		up := tg.CallbackButton(a.Text.Text(t.Lang, "centre.other_town"), turn.CbSurveyPlace, fmt.Sprintf("%s:t:%s:0", k, v.region))
		back = &up
	case "t":
		if reg, ok := a.Pack.Region(v.region); ok {
			b.WriteString("\n<b>" + html.EscapeString(a.Pack.Local(reg.Name, lang)) + "</b>")
		}
		for i, tw := range a.Pack.Towns(v.region) {
			label := a.Pack.Local(tw.Name, lang)
			if n := len(tw.Centres); n > 1 {
				label += fmt.Sprintf(" (%d)", n)
			}
			items = append(items, tg.CallbackButton(label, turn.CbSurveyPlace, fmt.Sprintf("%s:c:%s:%d:0", k, v.region, i)))
		}
		to = func(p int) (string, string) { return turn.CbSurveyPlace, fmt.Sprintf("%s:t:%s:%d", k, v.region, p) }
		if a.topView().level == "r" {
			up := tg.CallbackButton(a.Text.Text(t.Lang, "centre.other_region"), turn.CbSurveyPlace, k+":r:0")
			back = &up
		}
	default:
		for _, reg := range a.Pack.RegionsWithCentres() {
			items = append(items, tg.CallbackButton(a.Pack.Local(reg.Name, lang), turn.CbSurveyPlace, fmt.Sprintf("%s:t:%s:0", k, reg.ID)))
		}
	}
	from, until, nav := tg.Paged(len(items), surveyPerPage, v.page, to)
	var rows [][]tg.Button
	for _, it := range items[from:until] {
		rows = append(rows, []tg.Button{it})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	if back != nil {
		rows = append(rows, []tg.Button{*back})
	}
	// Browsing comes first: the location button sends a message of its own.
	rows = append(rows,
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "centre.near_me"), turn.CbSurveyPlace, k+":l")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "centre.not_listed"), turn.CbSurveyPlace, k+":o")})
	b.WriteString("\n<i>" + a.Text.Text(t.Lang, a.findHint()) + "</i>")
	var qq *dialogs.Question
	if qid != CentreStep {
		qq = q.Question(qid)
	}
	rows = append(rows, a.surveyNav(t.Lang, k, qq))
	a.showStep(ctx, t, r, b.String(), tg.NewKeyboard(rows...))
}

// offerLocation sends the text textID with the button that shares the
// person's location.
func (a *Surveys) offerLocation(t *turn.Turn, textID string) {
	a.SendWithLocationButton(t, a.Text.Text(t.Lang, textID))
}

// pickFromFound answers typed text at the centre step: a number or a town.
func (a *Surveys) pickFromFound(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, text string) error {
	// «Мого центру немає в списку» typed rather than pressed.
	for _, lang := range a.Pack.Languages {
		if typed := dialogs.Fold(text); typed != "" && typed == dialogs.Fold(a.Text.Text(lang, "centre.not_listed")) {
			return a.askCentreNote(ctx, t, q, r)
		}
	}
	found := a.Pack.FindCentres(text)
	if len(found) == 0 {
		found = a.Pack.TownIn(text) // «у Рівному»
	}
	if len(found) == 0 {
		// A place with no centre («Коростишів»): the centres nearest it
		// (one GeoNames knows the people of: not «Сергій» or «Маяк»).
		if pl, ok := a.Pack.PlaceNamed(text); ok && pl.Population > 0 {
			a.pickNearest(ctx, t, q, r, pl.Lat, pl.Lon, a.Text.Text(t.Lang, "centre.nearest_to_place", map[string]any{"Place": html.EscapeString(turn.Cut(pl.NameIn(t.Lang), 60))}), pl.Region)
			return nil
		}
		note := a.Text.Text(t.Lang, "centre.none_found", map[string]any{"Query": html.EscapeString(turn.Cut(strings.TrimSpace(text), 40))})
		if _, ok := dialogs.MetroNamed(text); ok && a.Pack.FoundByDistrict() {
			// «метро Китай-город»: the list has no stations, as
			// outside a questionnaire.
			note = a.Text.Text(t.Lang, "centre.metro")
		}
		a.renderCentres(ctx, t, q, r, a.topView(), note)
		return nil
	}
	if len(found) > turn.FoundMax {
		found = found[:turn.FoundMax]
	}
	lang := a.ContentLang(t.Lang)
	k := turn.LetterOf(r.Kind)
	qid := centreQuestion(q, r)
	var rows [][]tg.Button
	for _, c := range found {
		rows = append(rows, []tg.Button{tg.CallbackButton(a.centreLabel(c, lang), turn.CbSurveyAns, k+":"+qid+":"+c.ID)})
	}
	text = a.Text.Text(t.Lang, "centre.found", map[string]any{"Town": html.EscapeString(a.Pack.Local(found[0].City, lang))})
	a.showPicked(ctx, t, q, r, text, rows)
	return nil
}

// pickNearest answers a shared location at the centre step: the nearest
// centres as cards, and a button for each.
// A place typed (region != "") has its region's centres without
// coordinates offered after the nearest.
func (a *Surveys) pickNearest(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, lat, lon float64, title, region string) {
	near := a.Pack.Nearest(lat, lon, turn.NearestCount)
	if len(near) == 0 {
		a.renderCentres(ctx, t, q, r, a.topView(), a.Text.Text(t.Lang, "centre.none_near"))
		return
	}
	if cov := a.CoverageNote(t.Lang); cov != "" && near[0].Km > turn.BeyondReachKm {
		// «Санкт-Петербург»: no centre hundreds of kilometres off passes
		// for its own; the list to choose from, with what it covers.
		a.renderCentres(ctx, t, q, r, a.topView(), a.Text.Text(t.Lang, "centre.none_near")+"\n\n"+cov)
		return
	}
	lang := a.ContentLang(t.Lang)
	k := turn.LetterOf(r.Kind)
	qid := centreQuestion(q, r)
	var b strings.Builder
	if title == "" {
		title = a.Text.Text(t.Lang, "centre.nearest")
	}
	b.WriteString(title)
	var rows [][]tg.Button
	for _, n := range near {
		b.WriteString("\n\n" + a.CentreCard(t.Lang, n.Centre, n, time.Now()))
		rows = append(rows, []tg.Button{tg.CallbackButton(a.centreLabel(n.Centre, lang)+" · "+a.Distance(t.Lang, n), turn.CbSurveyAns, k+":"+qid+":"+n.Centre.ID)})
	}
	if region != "" {
		if un := a.Pack.Unplaced(region); len(un) > 0 {
			// After the nearest: the region's centres the list cannot
			// place may be near or far (Vynarivka is not Irpin's).
			for _, c := range un {
				rows = append(rows, []tg.Button{tg.CallbackButton(a.centreLabel(c, lang), turn.CbSurveyAns, k+":"+qid+":"+c.ID)})
			}
			b.WriteString("\n\n" + a.UnplacedNote(t.Lang, un))
		}
	}
	if cov := a.CoverageNote(t.Lang); cov != "" && title != a.Text.Text(t.Lang, "centre.nearest") {
		// «Люберцы» at the centre step: Moscow's offices are not the
		// town's own.
		b.WriteString("\n\n" + cov)
	}
	a.showPicked(ctx, t, q, r, b.String(), rows)
}

// showPicked shows centres to choose from, with the ways back to browsing.
func (a *Surveys) showPicked(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, text string, rows [][]tg.Button) {
	k := turn.LetterOf(r.Kind)
	rows = append(rows,
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "centre.browse"), turn.CbSurveyPlace, k+":r:0")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "centre.near_me"), turn.CbSurveyPlace, k+":l")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "centre.not_listed"), turn.CbSurveyPlace, k+":o")},
	)
	var qq *dialogs.Question
	if qid := centreQuestion(q, r); qid != CentreStep {
		qq = q.Question(qid)
	}
	rows = append(rows, a.surveyNav(t.Lang, k, qq))
	a.showStep(ctx, t, r, text, tg.NewKeyboard(rows...))
}

// askCentreNote waits for the person's own words about their centre.
func (a *Surveys) askCentreNote(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response) error {
	raw, _ := json.Marshal(surveyState{Kind: r.Kind})
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogSurvey, Step: stepCentreNote, Data: raw}); err != nil {
		return err
	}
	k := turn.LetterOf(r.Kind)
	a.showStep(ctx, t, r, a.Text.Count(t.Lang, "centre.note_ask", centreNoteMax, map[string]any{"Max": centreNoteMax}), tg.NewKeyboard(
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "centre.browse"), turn.CbSurveyPlace, k+":r:0")},
		[]tg.Button{tg.CallbackButton(a.Text.Text(t.Lang, "survey.cancel"), turn.CbSurvey, k+":x")},
	))
	return nil
}

// takeCentreNote stores the description and goes on with the questions.
func (a *Surveys) takeCentreNote(ctx context.Context, t *turn.Turn, q *dialogs.Questionnaire, r store.Response, text string) error {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" || len([]rune(text)) > centreNoteMax {
		a.Reply(ctx, t, a.Text.Count(t.Lang, "centre.note_bad", centreNoteMax, map[string]any{"Max": centreNoteMax}), nil)
		return nil
	}
	if err := a.keepSurveyDialog(ctx, t, r.Kind); err != nil {
		return err
	}
	r.CentreNote = text
	if qid := centreQuestion(q, r); qid != CentreStep {
		ids := append(a.centreIDs(), turn.UnlistedCentre)
		ans, err := q.Apply(r.Answers, qid, dialogs.Input{Choice: turn.UnlistedCentre}, ids)
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

// findHint is how to find a centre in this pack: by number and region
// where centres have numbers people know (the MVS centres), by town or
// district where they have none (Moscow's offices).
func (a *Surveys) findHint() string {
	for _, c := range a.Pack.Centres {
		if c.Number != "" {
			return "centre.find_hint"
		}
	}
	return "centre.find_hint_plain"
}
