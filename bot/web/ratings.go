package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

const (
	PathRatings = "/ratings"
	trendMonths = 12
)

// centreScore is one centre as the public pages show it.
type centreScore struct {
	ID, Name, City string
	region         string
	Shown          bool // enough ratings to show figures
	Count          int
	Overall        string
	overall        float64
	Rank           int // in the country (the pack)
	RegionRank     int // in the centre's region
	Criteria       barChart
	Trend          barChart
	HasTrend       bool
	// Figures of fewer than RatingsMinCount ratings are left out: a month
	// or a criterion with one or two would reveal single visits' scores.
	HiddenMonths   bool
	HiddenCriteria bool
}

type ratingsBody struct {
	Regions []regionScores
	Ranked  int
	Min     int
	Query   string // a town or a centre's number the list is cut to
	NoMatch bool   // the query found no centre
}

// regionScores is one region's centres, ranked within it.
type regionScores struct {
	Name    string
	Ranked  int
	Centres []centreScore
}

type centreBody struct {
	Centre centreScore
	Ranked int
	Min    int
}

// ratingCriteria are the rating questionnaire's 1–5 questions, in order.
func (a *Pages) ratingCriteria() (*dialogs.Questionnaire, []*dialogs.Question) {
	q, ok := a.Pack.Questionnaire(dialogs.KindRating)
	if !ok {
		return nil, nil
	}
	var out []*dialogs.Question
	for _, s := range q.Sections {
		for i := range s.Questions {
			if s.Questions[i].Type == dialogs.QuestionRating5 {
				out = append(out, &s.Questions[i])
			}
		}
	}
	return q, out
}

// ratingsTTL is how long the public pages serve the same aggregates.
const ratingsTTL = time.Minute

// ratingsData are the aggregates the public pages are drawn from.
type ratingsData struct {
	centres []store.CentreRatings
	months  []store.MonthRatings
	at      time.Time
}

// ratingsCache holds the latest aggregates. However many people open the
// pages, PostgreSQL computes them at most once a ratingsTTL, on the reader
// pool; while a newer copy is computed the older one is served.
type ratingsCache struct {
	mu      sync.Mutex
	data    *ratingsData
	err     error
	loading chan struct{} // closed when the read under way ends; nil when none is
	reads   atomic.Int64  // aggregates computed, for tests
}

// ratings returns the aggregates, fresh within ratingsTTL when it can.
func (a *Pages) ratings(ctx context.Context) (*ratingsData, error) {
	c := &a.ratingsCache
	c.mu.Lock()
	d := c.data
	if d != nil && time.Since(d.at) < ratingsTTL {
		c.mu.Unlock()
		return d, nil
	}
	if c.loading == nil {
		c.loading = make(chan struct{})
		go a.loadRatings(c.loading)
	}
	loading := c.loading
	c.mu.Unlock()
	if d != nil {
		return d, nil // stale while the new one is read
	}
	select {
	case <-loading:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data == nil {
		return nil, c.err
	}
	return c.data, nil
}

// loadRatings computes the aggregates and closes done.
func (a *Pages) loadRatings(done chan struct{}) {
	c := &a.ratingsCache
	ctx, cancel := context.WithTimeout(context.Background(), store.ReadTimeout)
	defer cancel()
	d, err := a.readRatings(ctx)
	c.reads.Add(1)
	c.mu.Lock()
	if err == nil {
		c.data = d
	}
	c.err = err
	c.loading = nil
	c.mu.Unlock()
	close(done)
}

// criterionIDs are the questions' ids.
func criterionIDs(qs []*dialogs.Question) []string {
	ids := make([]string, 0, len(qs))
	for _, q := range qs {
		ids = append(ids, q.ID)
	}
	return ids
}

func (a *Pages) readRatings(ctx context.Context) (*ratingsData, error) {
	_, crit := a.ratingCriteria()
	ids := criterionIDs(crit)
	at := time.Now()
	rows, err := store.RatingsByCentre(ctx, a.St.Reader(), a.Pack.ID, ids)
	if err != nil {
		return nil, err
	}
	loc := a.Pack.Hours().Location()
	y, m, _ := at.In(loc).Date()
	since := time.Date(y, m, 1, 0, 0, 0, 0, loc).AddDate(0, -(trendMonths - 1), 0)
	months, err := store.RatingsByMonth(ctx, a.St.Reader(), a.Pack.ID, ids, loc.String(), since)
	if err != nil {
		return nil, err
	}
	return &ratingsData{centres: rows, months: months, at: at}, nil
}

// centreScores ranks every centre of the pack from the cached aggregates.
func (a *Pages) centreScores(r *http.Request, lang string) ([]centreScore, int, error) {
	_, crit := a.ratingCriteria()
	data, err := a.ratings(r.Context())
	if err != nil {
		return nil, 0, err
	}
	rows, months := data.centres, data.months
	byCentre := map[string]store.CentreRatings{}
	for _, row := range rows {
		byCentre[row.Centre] = row
	}
	min := a.RatingsMinCount
	var out []centreScore
	for _, c := range a.Pack.Centres {
		s := centreScore{ID: c.ID, Name: a.Pack.Local(c.Name, lang), City: a.Pack.Local(c.City, lang), region: c.Region}
		row := byCentre[c.ID]
		if row.Count >= min && row.Count > 0 {
			s.Shown, s.Count = true, row.Count
			var items []chartItem
			var sum float64
			for _, q := range crit {
				if row.Scores[q.ID] < min {
					s.HiddenCriteria = true
					continue
				}
				v := row.Criteria[q.ID]
				sum += v
				items = append(items, chartItem{Label: a.criterionName(lang, q), Value: v, Title: a.criterionName(lang, q) + ": " + locales.Decimal(lang, v)})
			}
			if len(items) > 0 {
				s.overall = sum / float64(len(items))
			}
			s.Overall = locales.Decimal(lang, s.overall)
			s.Criteria = criteriaChart(lang, a.Text.Text(lang, "web.ratings.criteria"), items)
			var trend []chartItem
			for _, mr := range months {
				if mr.Centre == c.ID && mr.Count < min {
					s.HiddenMonths = true
				}
				if mr.Centre == c.ID && mr.Count >= min {
					trend = append(trend, chartItem{
						Label: mr.Month.Format("01.06"), Value: mr.Average,
						Title: mr.Month.Format("01.2006") + ": " + locales.Decimal(lang, mr.Average) + " · " + a.Text.Text(lang, "web.ratings.count", map[string]any{"Count": mr.Count}),
					})
				}
			}
			s.Trend = trendChart(lang, a.Text.Text(lang, "web.ratings.trend"), trend)
			s.HasTrend = len(trend) > 0
		}
		out = append(out, s)
	}
	// Rank by the overall average among centres with figures; the rest
	// follow by name.
	slices.SortStableFunc(out, func(x, y centreScore) int {
		if x.Shown != y.Shown {
			if x.Shown {
				return -1
			}
			return 1
		}
		if x.Shown {
			if c := cmp.Compare(y.overall, x.overall); c != 0 {
				return c
			}
		}
		return strings.Compare(x.Name, y.Name)
	})
	ranked := 0
	inRegion := map[string]int{}
	for i := range out {
		if out[i].Shown {
			ranked++
			out[i].Rank = ranked
			inRegion[out[i].region]++
			out[i].RegionRank = inRegion[out[i].region]
		}
	}
	return out, ranked, nil
}

// byRegion groups ranked centres by the pack's regions, in their order;
// centres of no region come last, under no name.
func (a *Pages) byRegion(list []centreScore, lang string) []regionScores {
	idx := map[string]int{}
	var out []regionScores
	add := func(id, name string) {
		idx[id] = len(out)
		out = append(out, regionScores{Name: name})
	}
	for _, r := range a.Pack.Regions {
		add(r.ID, a.Pack.Local(r.Name, lang))
	}
	for _, s := range list {
		i, ok := idx[s.region]
		if !ok {
			add(s.region, "")
			i = idx[s.region]
		}
		out[i].Centres = append(out[i].Centres, s)
		if s.Shown {
			out[i].Ranked++
		}
	}
	return slices.DeleteFunc(out, func(r regionScores) bool { return len(r.Centres) == 0 })
}

// criterionName is a 1–5 question's short name: the staff's criterion name
// when it has one, else its text.
func (a *Pages) criterionName(lang string, q *dialogs.Question) string {
	if q.Criterion != "" {
		return a.Text.Text(lang, "stats.criterion."+q.Criterion)
	}
	return a.Pack.Local(q.Short(), lang)
}

func (a *Pages) serveRatings(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	list, ranked, err := a.centreScores(r, lang)
	if err != nil {
		a.Log.Warn("ratings page: cannot read ratings", "err", err)
		http.Error(w, "the ratings are unavailable; try again later", http.StatusServiceUnavailable)
		return
	}
	body := ratingsBody{Ranked: ranked, Min: a.RatingsMinCount, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if body.Query != "" {
		// A town or a number: only its centres, ranks still the country's.
		found, _ := a.Pack.CentresNamed(body.Query)
		keep := map[string]bool{}
		for _, c := range found {
			keep[c.ID] = true
		}
		list = slices.DeleteFunc(list, func(s centreScore) bool { return !keep[s.ID] })
		body.NoMatch = len(list) == 0
	}
	body.Regions = a.byRegion(list, lang)
	p := a.newPage(r, lang, "web.ratings.title")
	p.Body = body
	a.render(w, http.StatusOK, "ratings", p)
}

func (a *Pages) serveCentreRatings(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	id := r.PathValue("centre")
	if c, ok := a.Pack.CentreByNumber(id); ok {
		id = c.ID // /ratings/5154
	}
	if _, ok := a.Pack.Centre(id); !ok {
		p := a.newPage(r, lang, "web.ratings.title")
		p.Body = noticeBody{Text: p.T("web.ratings.no_centre"), Back: PathRatings + "?lang=" + lang, BackText: p.T("web.ratings.all")}
		a.render(w, http.StatusNotFound, "notice", p)
		return
	}
	list, ranked, err := a.centreScores(r, lang)
	if err != nil {
		a.Log.Warn("ratings page: cannot read ratings", "err", err)
		http.Error(w, "the ratings are unavailable; try again later", http.StatusServiceUnavailable)
		return
	}
	var c centreScore
	for _, s := range list {
		if s.ID == id {
			c = s
		}
	}
	p := a.newPage(r, lang, "web.ratings.title")
	p.Title = c.Name + " · " + p.Title
	p.Body = centreBody{Centre: c, Ranked: ranked, Min: a.RatingsMinCount}
	a.render(w, http.StatusOK, "centre", p)
}

// noticeBody is a page that only says something.
type noticeBody struct {
	Text, Back, BackText string
	Form                 *loginForm
}

// routes registers the public ratings and the staff dashboard. They
// answer once the pack is loaded, whether or not Telegram answers.
func (a *Pages) routes(mux *http.ServeMux) {
	handle := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-a.ready:
				h(w, r)
			default:
				w.Header().Set("Retry-After", "5")
				http.Error(w, "starting; try again in a few seconds", http.StatusServiceUnavailable)
			}
		})
	}
	handle("GET "+PathRatings, a.serveRatings)
	handle("GET "+PathRatings+"/{centre}", a.serveCentreRatings)
	handle(pathLogin, a.serveLogin)
	handle("GET "+pathLoginNeeded, a.serveLoginNeeded)
	handle(pathLogout, a.serveLogout)
	handle("GET "+PathDashboard, a.staffOnly(a.serveOverview))
	handle("GET "+PathDashboard+"/ratings", a.staffOnly(a.serveLowRatings))
	handle("GET "+PathDashboard+"/ratings.csv", a.staffOnly(a.serveLowRatingsCSV))
	handle("GET "+PathDashboard+"/mystery", a.staffOnly(a.serveMystery))
}

// RatingsComputed is how many times the public pages' aggregates were
// computed (the rest were served from the cache).
func (a *Pages) RatingsComputed() int64 { return a.ratingsCache.reads.Load() }
