package citizen

import (
	"context"
	"errors"
	"html"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/turn"
	"servicebot/dialogs"
	"servicebot/store"
)

// askWhere answers an entry that finds centres: its text, the location
// button, and a wait for the location or a town.
func (a *Citizens) askWhere(ctx context.Context, t *turn.Turn, e dialogs.Entry) error {
	return a.askWhereWith(ctx, t, a.RenderAnswer(e, t.Lang))
}

func (a *Citizens) askWhereWith(ctx context.Context, t *turn.Turn, text string) error {
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: turn.DialogCentres, Step: "where"}); err != nil {
		return err
	}
	a.SendWithLocationButton(t, text)
	return nil
}

// OnCentresCommand is /centres: where the citizen's centre is.
func (a *Citizens) OnCentresCommand(ctx context.Context, t *turn.Turn) error {
	return a.findCentre(ctx, t)
}

// findCentre answers the menu's «addresses and hours»: the FAQ entry that
// finds centres, as if it had been asked, or the bot's own question when
// staff have hidden that entry.
func (a *Citizens) findCentre(ctx context.Context, t *turn.Turn) error {
	a.Ack(ctx, t, "")
	for _, e := range a.Book().Pack.Entries {
		if e.Action != dialogs.ActionFindCentre {
			continue
		}
		// Read fresh: an edit by staff shows at once.
		fresh, err := store.FAQEntry(ctx, t.Tx, a.Pack.ID, e.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil && !fresh.Hidden {
			return a.askWhere(ctx, t, fresh)
		}
	}
	return a.askWhereWith(ctx, t, a.Text.Text(t.Lang, "centre.ask_where"))
}

// continueCentres takes the location or the town asked for. Text that
// names no centre ends the wait and goes to the FAQ, so nothing is lost.
func (a *Citizens) continueCentres(ctx context.Context, t *turn.Turn, m *models.Message) error {
	_, _, shared := turn.LocationOf(m)
	if !shared && m.Text != "" && len(a.Pack.FindCentres(m.Text)) == 0 && !a.answers(m.Text) {
		end := func() error {
			if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
				return err
			}
			a.DropLocationButton(t)
			return nil
		}
		// «у Рівному»: a town with centres, in another case.
		if found := a.Pack.TownIn(m.Text); len(found) > 0 {
			if err := end(); err != nil {
				return err
			}
			a.showCards(ctx, t, found)
			return nil
		}
		// «Коростишів», a place with no centre: the centres nearest it
		// (a place GeoNames knows the people of: «Сергій» and «Маяк» are
		// villages too, unknown).
		if pl, ok := a.Pack.PlaceNamed(m.Text); ok && pl.Population > 0 {
			if err := end(); err != nil {
				return err
			}
			a.showNearPlace(ctx, t, pl)
			return nil
		}
		// Meant as a place, and none found: the wait goes on, with the
		// location button, rather than «no answer».
		if _, ok := dialogs.MetroNamed(m.Text); ok && a.Pack.FoundByDistrict() {
			a.SendWithLocationButton(t, a.Text.Text(t.Lang, "centre.metro"))
			return nil
		}
		a.SendWithLocationButton(t, a.noneFound(t, m.Text))
		return nil
	}
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	// The location button is done with, whatever came.
	a.DropLocationButton(t)
	if lat, lon, ok := turn.LocationOf(m); ok {
		a.showNearest(ctx, t, lat, lon, "")
		return nil
	}
	found := a.Pack.FindCentres(m.Text)
	if len(found) == 0 {
		return a.onCitizenMessage(ctx, t, m)
	}
	a.showCards(ctx, t, found)
	return nil
}

// placeUnknown answers «где мфц в Простоквашино», a place the bot does
// not know after a centre's word, where the pack's list covers only some
// places: it says none was found and what the list covers, and waits for
// a location or another name, rather than offer unrelated questions. done
// is false where the text is not such (the FAQ knows its words: «мфц в
// субботу»).
func (a *Citizens) placeUnknown(ctx context.Context, t *turn.Turn, text string) (done bool, err error) {
	cov := a.CoverageNote(t.Lang)
	place, ok := dialogs.PlaceAfterCentre(text)
	if cov == "" || !ok {
		return false, nil
	}
	if res := a.Book().Index.Ask(place); res.Best != "" || len(res.Suggestions) > 0 {
		return false, nil
	}
	return true, a.askWhereWith(ctx, t, a.noneFound(t, place))
}

// noneFound says that no centre was found by the place typed, and asks
// for another name or the location. The pack's coverage («only Moscow's
// offices») follows only where the gazetteer knows the place: said of
// «Чистые пруды» or «Простоквашино», names it does not know, it would
// tell the person their place is beyond the list, which nothing says.
func (a *Citizens) noneFound(t *turn.Turn, place string) string {
	text := a.Text.Text(t.Lang, "centre.none_found_wait", map[string]any{"Query": html.EscapeString(turn.Cut(place, 60))})
	if _, known := a.Pack.PlaceNamed(place); known {
		if cov := a.CoverageNote(t.Lang); cov != "" {
			text += "\n\n" + cov
		}
	}
	return text
}

// answers tells whether text typed where a place was asked for is better
// answered by the FAQ: a question, small talk, or words an entry answers.
func (a *Citizens) answers(text string) bool {
	if dialogs.LooksLikeQuestion(text) || dialogs.SmallTalk(text) != "" || len(a.Pack.CentresAsked(text)) > 0 {
		return true
	}
	_, ok := a.Book().Best(text)
	return ok
}

// showCards answers with the cards of centres asked for by name.
// More than turn.FoundMax are cut, and the cards say how to see the
// nearest instead.
func (a *Citizens) showCards(ctx context.Context, t *turn.Turn, found []dialogs.Centre) {
	total := len(found)
	if total > turn.FoundMax {
		found = found[:turn.FoundMax]
	}
	now := time.Now()
	cards := make([]string, 0, len(found)+1)
	for _, c := range found {
		cards = append(cards, a.CentreCard(t.Lang, c, dialogs.Nearby{}, now))
	}
	if total > len(found) {
		cards = append(cards, a.Text.Text(t.Lang, "centre.more_found", map[string]any{"Shown": len(found), "Total": total}))
	}
	a.replyCards(ctx, t, a.Text.Text(t.Lang, "centre.cards_found"), cards)
}

// showNearPlace answers a place typed that no centre of the list is in:
// the centres nearest it, and those of its region the list does not place.
func (a *Citizens) showNearPlace(ctx context.Context, t *turn.Turn, pl dialogs.GazetteerPlace) {
	title := a.Text.Text(t.Lang, "centre.nearest_to_place", map[string]any{"Place": html.EscapeString(turn.Cut(pl.NameIn(t.Lang), 60))})
	a.showNearest(ctx, t, pl.Lat, pl.Lon, title, a.Pack.Unplaced(pl.Region)...)
}

// beyondCoverageKm is how far a location's nearest centre may be before
// the pack's coverage is told.
const beyondCoverageKm = 30

// showNearest answers with the centres nearest a point, under title (the
// nearest to «you» when "").
func (a *Citizens) showNearest(ctx context.Context, t *turn.Turn, lat, lon float64, title string, unplaced ...dialogs.Centre) {
	near := a.Pack.Nearest(lat, lon, turn.NearestCount)
	if len(near) == 0 {
		a.Reply(ctx, t, a.Text.Text(t.Lang, "centre.none_near"), a.MenuKeyboard(t.Lang))
		return
	}
	if cov := a.CoverageNote(t.Lang); cov != "" && near[0].Km > turn.BeyondReachKm {
		// «Санкт-Петербург»: the coverage is the answer, not Zelenograd's
		// offices 600 km off.
		a.replyCards(ctx, t, a.Text.Text(t.Lang, "centre.none_within"), []string{cov})
		return
	}
	now := time.Now()
	cards := make([]string, 0, len(near)+1)
	for _, n := range near {
		cards = append(cards, a.CentreCard(t.Lang, n.Centre, n, now))
	}
	// Centres placed only by their town's point are all as near as each
	// other: the few shown are not the nearest of them, so the town's
	// whole list is offered.
	for _, n := range near {
		if !n.Approx {
			continue
		}
		shown, total := 0, 0
		for _, m := range near {
			if m.Centre.Region == n.Centre.Region && m.Centre.City.In(a.Pack.Languages[0]) == n.Centre.City.In(a.Pack.Languages[0]) {
				shown++
			}
		}
		for _, c := range a.Pack.Centres {
			if c.Region == n.Centre.Region && c.City.In(a.Pack.Languages[0]) == n.Centre.City.In(a.Pack.Languages[0]) {
				total++
			}
		}
		if total > shown {
			town := html.EscapeString(a.Pack.Local(n.Centre.City, a.ContentLang(t.Lang)))
			cards = append(cards, a.Text.Text(t.Lang, "centre.more_in_town", map[string]any{"Town": town, "Total": total}))
		}
		break
	}
	if len(unplaced) > 0 {
		// After the cards: the region's centres the list cannot place may
		// be near or far (Vynarivka is not Irpin's).
		cards = append(cards, a.UnplacedNote(t.Lang, unplaced))
	}
	if cov := a.CoverageNote(t.Lang); cov != "" && (title != "" || near[0].Km > beyondCoverageKm) {
		// «Химки», or a location in St Petersburg: the list knows
		// Moscow's offices only, and says so rather than let them pass
		// for the place's own.
		cards = append([]string{cov}, cards...)
	}
	if title == "" {
		title = a.Text.Text(t.Lang, "centre.nearest")
	}
	a.replyCards(ctx, t, title, cards)
}

// replyCards sends centre cards under a title, in as few messages as
// Telegram's length allows, never cutting a card.
func (a *Citizens) replyCards(ctx context.Context, t *turn.Turn, title string, cards []string) {
	const limit = 4000
	msg := title
	for i, c := range cards {
		if dialogs.UTF16Len(msg)+2+dialogs.UTF16Len(c) > limit {
			a.Reply(ctx, t, msg, nil)
			msg = c
		} else {
			msg += "\n\n" + c
		}
		if i == len(cards)-1 {
			// The cards carry away the location button when it is up
			// (one keyboard a message): the menu is then left off.
			kb := a.MenuKeyboard(t.Lang)
			if t.DropsReplyKeyboard() {
				kb = nil
			}
			a.Reply(ctx, t, msg, kb)
		}
	}
}

// locationOutsideDialog answers a location sent with nothing waiting for
// it: the nearest centres.
func (a *Citizens) locationOutsideDialog(ctx context.Context, t *turn.Turn, m *models.Message) bool {
	lat, lon, ok := turn.LocationOf(m)
	if ok {
		a.showNearest(ctx, t, lat, lon, "")
	}
	return ok
}
