package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/outbox"
	"servicebot/dialogs"
	"servicebot/store"
)

// dialogCentres waits for a location or a town after a FAQ entry that
// finds centres ("where is the nearest service centre").
const dialogCentres = "centres"

// askWhere answers an entry that finds centres: its text, the location
// button, and a wait for the location or a town.
func (a *App) askWhere(ctx context.Context, t *Turn, e dialogs.Entry) error {
	if err := store.SaveConversation(ctx, t.Tx, store.Conversation{ChatID: t.Chat, Dialog: dialogCentres, Step: "where"}); err != nil {
		return err
	}
	a.sendWithLocationButton(t, a.renderAnswer(e, t.Lang))
	return nil
}

// sendWithLocationButton sends text with a reply keyboard whose one button
// shares the person's location: Telegram asks for a location only through
// a reply keyboard, never an inline one.
func (a *App) sendWithLocationButton(t *Turn, text string) {
	t.Do(outbox.Send(t.Chat, text, &models.ReplyKeyboardMarkup{
		Keyboard:       [][]models.KeyboardButton{{{Text: a.text.Text(t.Lang, "centre.share_location"), RequestLocation: true}}},
		ResizeKeyboard: true, OneTimeKeyboard: true,
	}))
}

// whereOf is the point a message shares: a location or a venue's.
func whereOf(m *models.Message) (lat, lon float64, ok bool) {
	switch {
	case m.Location != nil:
		return m.Location.Latitude, m.Location.Longitude, true
	case m.Venue != nil:
		return m.Venue.Location.Latitude, m.Venue.Location.Longitude, true
	}
	return 0, 0, false
}

// continueCentres takes the location or the town asked for. Text that
// names no centre ends the wait and goes to the FAQ, so nothing is lost.
func (a *App) continueCentres(ctx context.Context, t *Turn, m *models.Message) error {
	if _, err := store.EndConversation(ctx, t.Tx, t.Chat); err != nil {
		return err
	}
	if lat, lon, ok := whereOf(m); ok {
		a.showNearest(ctx, t, lat, lon)
		return nil
	}
	found := a.pack.FindCentres(m.Text)
	if len(found) == 0 {
		return a.onCitizenMessage(ctx, t, m)
	}
	a.showCards(ctx, t, found)
	return nil
}

// showCards answers with the cards of centres asked for by name.
func (a *App) showCards(ctx context.Context, t *Turn, found []dialogs.Centre) {
	if len(found) > foundMax {
		found = found[:foundMax]
	}
	now := time.Now()
	cards := make([]string, 0, len(found))
	for _, c := range found {
		cards = append(cards, a.centreCard(t.Lang, c, dialogs.Nearby{}, now))
	}
	a.replyCards(ctx, t, a.text.Text(t.Lang, "centre.cards_found"), cards)
}

// showNearest answers a shared location with the nearest centres' cards.
func (a *App) showNearest(ctx context.Context, t *Turn, lat, lon float64) {
	near := a.pack.Nearest(lat, lon, nearestCount)
	if len(near) == 0 {
		a.reply(ctx, t, a.text.Text(t.Lang, "centre.none_near"), a.menuKeyboard(t.Lang))
		return
	}
	now := time.Now()
	cards := make([]string, 0, len(near))
	for _, n := range near {
		cards = append(cards, a.centreCard(t.Lang, n.Centre, n, now))
	}
	a.replyCards(ctx, t, a.text.Text(t.Lang, "centre.nearest"), cards)
}

// replyCards sends centre cards under a title, in as few messages as
// Telegram's length allows, never cutting a card.
func (a *App) replyCards(ctx context.Context, t *Turn, title string, cards []string) {
	const limit = 4000
	msg := title
	for i, c := range cards {
		if dialogs.UTF16Len(msg)+2+dialogs.UTF16Len(c) > limit {
			a.reply(ctx, t, msg, nil)
			msg = c
		} else {
			msg += "\n\n" + c
		}
		if i == len(cards)-1 {
			a.reply(ctx, t, msg, a.menuKeyboard(t.Lang))
		}
	}
}

// locationOutsideDialog answers a location sent with nothing waiting for
// it: the nearest centres.
func (a *App) locationOutsideDialog(ctx context.Context, t *Turn, m *models.Message) bool {
	lat, lon, ok := whereOf(m)
	if ok {
		a.showNearest(ctx, t, lat, lon)
	}
	return ok
}

var errNoCentre = errors.New("no such centre")

// centresNamed finds the centres staff mean by an argument: a centre's id,
// its number, or a town.
func (a *App) centresNamed(arg string) ([]dialogs.Centre, error) {
	if c, ok := a.pack.Centre(arg); ok {
		return []dialogs.Centre{c}, nil
	}
	if strings.TrimSpace(arg) == "" {
		return nil, errNoCentre
	}
	found := a.pack.FindCentres(arg)
	if len(found) == 0 {
		return nil, errNoCentre
	}
	return found, nil
}
