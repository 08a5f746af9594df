package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/time/rate"

	"servicebot/dialogs"
	"servicebot/locales"
	"servicebot/store"
)

const (
	PathDashboard     = "/dashboard"
	pathLogin         = "/dashboard/login"
	pathLoginNeeded   = "/dashboard/login-needed"
	pathLogout        = "/dashboard/logout"
	SessionCookie     = "servicebot_session"
	LoginLinkTTL      = 10 * time.Minute
	LoginLinksPerHour = 5
	sessionTTL        = 12 * time.Hour
	lowRatingsShown   = 500
)

// ErrTooManyLinks: an admin asked for more login links in an hour than
// LoginLinksPerHour.
var ErrTooManyLinks = errors.New("web: too many login links this hour")

// NewLoginToken returns 32 random bytes as URL-safe text, and its hash for the
// database.
func NewLoginToken() (plain, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, hashSecret(plain)
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// LoginLink makes a one-time login link for an admin. It is stored at
// once, outside the turn's transaction, so that it works the moment the
// message with it arrives.
func LoginLink(ctx context.Context, st *store.Store, publicURL string, userID int64, lang string) (string, error) {
	db := st.DB()
	n, err := store.WebLoginsSince(ctx, db, userID, time.Now().Add(-time.Hour))
	if err != nil {
		return "", err
	}
	if n >= LoginLinksPerHour {
		return "", ErrTooManyLinks
	}
	token, hash := NewLoginToken()
	if err := store.CreateWebLogin(ctx, db, hash, userID, time.Now().Add(LoginLinkTTL)); err != nil {
		return "", err
	}
	link := strings.TrimRight(publicURL, "/") + pathLogin + "?token=" + token
	if isWebLang(lang) {
		// The page opens in the language the admin speaks to the bot.
		link += "&lang=" + lang
	}
	return link, nil
}

// loginForm is the «Sign in» button of a login link's page. CSRF is also
// set as a cookie on the page: a form posted from another site carries no
// such cookie (SameSite=Strict), so nobody can sign a staff member in to a
// session of someone else's choosing.
type loginForm struct{ Token, CSRF string }

const loginCSRFCookie = "servicebot_login"

// loginAttempts bounds how fast anyone may try login tokens: 10 at once,
// then one a second (an admin signs in a few times a day; a guesser of a
// 256-bit token gets nowhere either way, and the log stays quiet).
func newLoginLimiter() *rate.Limiter { return rate.NewLimiter(rate.Every(time.Second), 10) }

// secureCookies reports whether people reach the pages over https.
func (a *Pages) secureCookies() bool {
	u, err := url.Parse(a.PublicURL)
	return err == nil && u.Scheme == "https" // url.Parse lower-cases the scheme
}

func (a *Pages) serveLogin(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	p := a.newPage(r, lang, "web.login.title")
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	if a.PublicURL == "" {
		a.dashboardOff(w, r)
		return
	}
	if r.Method == http.MethodGet {
		token := r.URL.Query().Get("token")
		if token == "" {
			http.Redirect(w, r, pathLoginNeeded+"?lang="+lang, http.StatusSeeOther)
			return
		}
		csrf, _ := NewLoginToken()
		http.SetCookie(w, &http.Cookie{
			Name: loginCSRFCookie, Value: csrf, Path: pathLogin, MaxAge: int(LoginLinkTTL.Seconds()),
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: a.secureCookies(),
		})
		p.Switch = nil // the switch would copy the token into more URLs
		p.Body = noticeBody{Text: p.T("web.login.confirm"), Form: &loginForm{Token: token, CSRF: csrf}}
		a.render(w, http.StatusOK, "notice", p)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if l := r.PostFormValue("lang"); isWebLang(l) {
		lang = l
		p = a.newPage(r, lang, "web.login.title")
	}
	if c, err := r.Cookie(loginCSRFCookie); err != nil || c.Value == "" ||
		subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		p.Body = noticeBody{Text: p.T("web.login.stale")}
		a.render(w, http.StatusForbidden, "notice", p)
		return
	}
	if !a.loginAttempts.Allow() {
		w.Header().Set("Retry-After", "10")
		p.Body = noticeBody{Text: p.T("web.login.too_many")}
		a.render(w, http.StatusTooManyRequests, "notice", p)
		return
	}
	ctx := r.Context()
	var cookie string
	err := a.St.InTx(ctx, func(tx *sqlx.Tx) error {
		userID, err := store.UseWebLogin(ctx, tx, hashSecret(r.PostFormValue("token")))
		if err != nil {
			return err
		}
		if !a.IsStaff(ctx, userID, 0) {
			return store.ErrNotFound
		}
		plain, hash := NewLoginToken()
		csrf, _ := NewLoginToken()
		cookie = plain
		return store.CreateWebSession(ctx, tx, hash, store.WebSession{UserID: userID, CSRF: csrf, ExpiresAt: time.Now().Add(sessionTTL)})
	})
	if errors.Is(err, store.ErrNotFound) {
		p.Body = noticeBody{Text: p.T("web.login.invalid")}
		a.render(w, http.StatusForbidden, "notice", p)
		return
	}
	if err != nil {
		a.Log.Warn("dashboard: cannot sign in", "err", err)
		http.Error(w, "cannot sign in now; try again later", http.StatusServiceUnavailable)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: cookie, Path: PathDashboard, MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secureCookies(),
	})
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Path: pathLogin, MaxAge: -1})
	http.Redirect(w, r, PathDashboard+"?lang="+lang, http.StatusSeeOther)
}

func (a *Pages) serveLoginNeeded(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	p := a.newPage(r, lang, "web.login.title")
	p.NoIndex = true
	p.Body = noticeBody{Text: p.T("web.login.needed"), Back: PathRatings + "?lang=" + lang, BackText: p.T("web.ratings.title")}
	a.render(w, http.StatusUnauthorized, "notice", p)
}

// dashboardOff answers while PUBLIC_URL is unset: the dashboard is off,
// whatever sessions or links exist from before.
func (a *Pages) dashboardOff(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	p := a.newPage(r, lang, "web.login.title")
	p.NoIndex = true
	p.Body = noticeBody{Text: p.T("web.dash.off"), Back: PathRatings + "?lang=" + lang, BackText: p.T("web.ratings.title")}
	a.render(w, http.StatusNotFound, "notice", p)
}

// session returns the request's live session of a current admin. With
// PUBLIC_URL unset the dashboard is off and no session counts.
func (a *Pages) session(r *http.Request) (store.WebSession, string, bool) {
	if a.PublicURL == "" {
		return store.WebSession{}, "", false
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return store.WebSession{}, "", false
	}
	hash := hashSecret(c.Value)
	s, err := store.WebSessionOf(r.Context(), a.St.DB(), hash)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.Log.Warn("dashboard: cannot read a session", "err", err)
		}
		return store.WebSession{}, "", false
	}
	// Rights taken away end the session's use at once.
	if !a.IsStaff(r.Context(), s.UserID, 0) {
		return store.WebSession{}, "", false
	}
	return s, hash, true
}

// staffOnly lets a request through with a session, and sends anyone else
// to the notice that says how to sign in.
func (a *Pages) staffOnly(next func(http.ResponseWriter, *http.Request, *webPage)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.PublicURL == "" {
			a.dashboardOff(w, r)
			return
		}
		s, _, ok := a.session(r)
		lang := a.pageLang(r)
		if !ok {
			http.Redirect(w, r, pathLoginNeeded+"?lang="+lang, http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		p := a.newPage(r, lang, "web.dash.title")
		p.Staff, p.CSRF, p.NoIndex = true, s.CSRF, true
		next(w, r, p)
	}
}

func (a *Pages) serveLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s, hash, ok := a.session(r)
	if !ok {
		http.Redirect(w, r, pathLoginNeeded, http.StatusSeeOther)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.CSRF)) != 1 {
		http.Error(w, "the form is stale or forged: reload the page and try again", http.StatusForbidden)
		return
	}
	if err := store.DeleteWebSession(r.Context(), a.St.DB(), hash); err != nil {
		a.Log.Warn("dashboard: cannot end a session", "err", err)
		http.Error(w, "cannot sign out now; try again later", http.StatusServiceUnavailable)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: PathDashboard, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, PathRatings, http.StatusSeeOther)
}

// webFilter is the dashboard's centre and period choice.
type webFilter struct {
	Centres []webOption
	Periods []webOption
	Query   string // a centre's number or a town, typed
	NoMatch bool
	filter  store.ResponseFilter
	period  string
}

type webOption struct {
	ID, Name string
	Selected bool
}

var webPeriods = []string{"7d", "30d", "90d", "365d", "all"}

func (a *Pages) webFilter(r *http.Request, p *webPage) *webFilter {
	f := &webFilter{period: r.URL.Query().Get("period")}
	if !slices.Contains(webPeriods, f.period) {
		f.period = "30d"
	}
	centre := r.URL.Query().Get("centre")
	for _, c := range a.Pack.Centres {
		if c.ID == centre {
			f.filter.Centre = centre
		}
		// «Одеса · ТСЦ МВС № 5154»: staff look for a town first, and
		// find the list in the alphabet's order.
		name := a.Pack.Local(c.City, p.Lang) + " · " + a.Pack.Local(c.Name, p.Lang)
		f.Centres = append(f.Centres, webOption{ID: c.ID, Name: name, Selected: c.ID == centre})
	}
	byName := collate.New(language.Make(p.Lang))
	slices.SortStableFunc(f.Centres, func(x, y webOption) int { return byName.CompareString(x.Name, y.Name) })
	// A number or a town typed by staff wins over the list.
	if f.Query = strings.TrimSpace(r.URL.Query().Get("q")); f.Query != "" {
		found, err := a.Pack.CentresNamed(f.Query)
		f.NoMatch = err != nil
		f.filter.Centre = ""
		switch {
		case len(found) == 1:
			f.filter.Centre = found[0].ID
		case len(found) > 1:
			for _, c := range found {
				f.filter.Centres = append(f.filter.Centres, c.ID)
			}
		default:
			f.filter.Centres = []string{"-"} // nothing matches, so nothing is shown
		}
	}
	for _, id := range webPeriods {
		f.Periods = append(f.Periods, webOption{ID: id, Name: p.T("web.period." + id), Selected: id == f.period})
	}
	f.filter.Since, f.filter.Until, _ = dialogs.ParsePeriod(f.period, time.Now().In(a.Pack.Hours().Location()))
	p.Filter = f
	return f
}

type overviewBody struct {
	Tickets       store.TicketStats
	FirstResponse string
	CSAT          string
	Integrity     int
	Unanswered    []store.Unanswered
}

func (a *Pages) serveOverview(w http.ResponseWriter, r *http.Request, p *webPage) {
	if r.URL.Path != PathDashboard {
		http.NotFound(w, r)
		return
	}
	f := a.webFilter(r, p)
	f.Centres = nil // tickets and reports belong to no centre
	ctx := r.Context()
	var b overviewBody
	var err error
	if b.Tickets, err = store.TicketStatsOf(ctx, a.St.Reader(), f.filter.Since, f.filter.Until); err == nil {
		b.Integrity, err = store.IntegrityReportsSince(ctx, a.St.Reader(), f.filter.Since, f.filter.Until)
	}
	if err == nil {
		b.Unanswered, err = store.TopUnanswered(ctx, a.St.Reader(), a.Pack.ID, 20)
	}
	if err != nil {
		a.webUnavailable(w, err)
		return
	}
	b.FirstResponse = "—"
	if b.Tickets.Answered > 0 {
		b.FirstResponse = a.duration(p.Lang, b.Tickets.FirstResponse)
	}
	b.CSAT = "—"
	if b.Tickets.Rated > 0 {
		b.CSAT = fmt.Sprintf("%.0f%%", b.Tickets.CSAT())
	}
	p.Nav, p.Body = "overview", b
	a.render(w, http.StatusOK, "overview", p)
}

func (a *Pages) webUnavailable(w http.ResponseWriter, err error) {
	a.Log.Warn("dashboard: cannot read the database", "err", err)
	http.Error(w, "the dashboard is unavailable; try again later", http.StatusServiceUnavailable)
}

// lowRating is one rating with a score of 2 or below, as staff read it.
type lowRating struct {
	Ref, Date, Centre string
	Scores            []string // per criterion, in the questionnaire's order
	Low               []bool
	Comment           string
}

type lowRatingsBody struct {
	Criteria []string
	Ratings  []lowRating
	Total    int
	CSV      string
}

// lowRatings lists the newest ratings of the filter with a low score.
func (a *Pages) lowRatings(ctx context.Context, f store.ResponseFilter, lang string) (lowRatingsBody, error) {
	q, crit := a.ratingCriteria()
	var b lowRatingsBody
	if q == nil {
		return b, nil
	}
	for _, c := range crit {
		b.Criteria = append(b.Criteria, a.criterionName(lang, c))
	}
	list, total, err := store.LowRatings(ctx, a.St.Reader(), f, criterionIDs(crit), dialogs.LowScore, lowRatingsShown)
	if err != nil {
		return b, err
	}
	b.Total = total
	loc := a.Pack.Hours().Location()
	for _, r := range list {
		lr := lowRating{Ref: dialogs.Ref(r.Kind, r.ID), Date: r.SubmittedAt.In(loc).Format("2006-01-02 15:04"), Centre: r.Centre}
		if c, ok := a.Pack.Centre(r.Centre); ok {
			lr.Centre = a.Pack.Local(c.Name, lang)
		}
		for _, c := range crit {
			ans := r.Answers[c.ID]
			s, low := "—", false
			if ans.Number != nil && !ans.Skipped {
				s, low = fmt.Sprint(*ans.Number), *ans.Number <= dialogs.LowScore
			}
			lr.Scores = append(lr.Scores, s)
			lr.Low = append(lr.Low, low)
		}
		var words []string
		for _, id := range []string{"what_wrong", "comment"} {
			if t := strings.TrimSpace(r.Answers[id].Text); t != "" {
				words = append(words, t)
			}
		}
		lr.Comment = strings.Join(words, " / ")
		b.Ratings = append(b.Ratings, lr)
	}
	return b, nil
}

func (a *Pages) serveLowRatings(w http.ResponseWriter, r *http.Request, p *webPage) {
	f := a.webFilter(r, p)
	b, err := a.lowRatings(r.Context(), f.filter, p.Lang)
	if err != nil {
		a.webUnavailable(w, err)
		return
	}
	q := r.URL.Query()
	q.Set("period", f.period)
	b.CSV = "/dashboard/ratings.csv?" + q.Encode()
	p.Nav, p.Body = "low", b
	a.render(w, http.StatusOK, "lowratings", p)
}

// serveLowRatingsCSV downloads what the low-ratings page shows.
func (a *Pages) serveLowRatingsCSV(w http.ResponseWriter, r *http.Request, p *webPage) {
	f := a.webFilter(r, p)
	q, crit := a.ratingCriteria()
	list, _, err := store.LowRatings(r.Context(), a.St.Reader(), f.filter, criterionIDs(crit), dialogs.LowScore, lowRatingsShown)
	if err != nil {
		a.webUnavailable(w, err)
		return
	}
	subs := make([]dialogs.Submission, 0, len(list))
	for _, r := range list {
		subs = append(subs, r.Submission())
	}
	var buf bytes.Buffer
	if err := dialogs.WriteCSV(&buf, []*dialogs.Questionnaire{q}, subs); err != nil {
		a.webUnavailable(w, err)
		return
	}
	name := fmt.Sprintf("low-ratings-%s-%s.csv", a.Pack.ID, f.period)
	if f.filter.Centre != "" {
		name = fmt.Sprintf("low-ratings-%s-%s-%s.csv", a.Pack.ID, f.filter.Centre, f.period)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}

type mysteryCentre struct {
	Name     string
	Count    int
	Sections barChart
}

type mysteryBody struct {
	Centres []mysteryCentre
}

// duration says a span as a person reads it in lang: «1 год 5 хв»,
// «12 хв», «40 с» (abbreviated units need no plural forms), not Go's «1h5m0s».
func (a *Pages) duration(lang string, d time.Duration) string {
	switch {
	case d < time.Minute:
		return a.Text.Text(lang, "web.dur.s", map[string]any{"S": int(d.Round(time.Second).Seconds())})
	case d < time.Hour:
		return a.Text.Text(lang, "web.dur.m", map[string]any{"M": int(d.Round(time.Minute).Minutes())})
	}
	d = d.Round(time.Minute)
	return a.Text.Text(lang, "web.dur.hm", map[string]any{"H": int(d.Hours()), "M": int(d.Minutes()) % 60})
}

// serveMystery shows the mystery-shopper results per centre: the average
// score of each section that has 1–5 questions.
func (a *Pages) serveMystery(w http.ResponseWriter, r *http.Request, p *webPage) {
	f := a.webFilter(r, p)
	f.filter.Kind = dialogs.KindMystery
	counts, tallies, err := store.ResponseTallies(r.Context(), a.St.Reader(), f.filter)
	if err != nil {
		a.webUnavailable(w, err)
		return
	}
	q, ok := a.Pack.Questionnaire(dialogs.KindMystery)
	var b mysteryBody
	if ok {
		count := map[string]int{}
		for _, c := range counts {
			count[c.Centre] += c.N
		}
		byCentre := map[string][]dialogs.Tally{}
		for _, t := range tallies {
			byCentre[t.Centre] = append(byCentre[t.Centre], t)
		}
		for _, c := range a.Pack.Centres {
			if count[c.ID] == 0 {
				continue
			}
			avg := dialogs.SectionAveragesOf(q, byCentre[c.ID])
			var items []chartItem
			for _, s := range q.Sections {
				if v, ok := avg[s.ID]; ok {
					name := a.Pack.Local(s.Title, p.Lang)
					items = append(items, chartItem{Label: name, Value: v, Title: name + ": " + locales.Decimal(p.Lang, v)})
				}
			}
			b.Centres = append(b.Centres, mysteryCentre{
				Name: a.Pack.Local(c.Name, p.Lang), Count: count[c.ID],
				Sections: criteriaChart(p.Lang, p.T("web.dash.sections"), items),
			})
		}
	}
	p.Nav, p.Body = "mystery", b
	a.render(w, http.StatusOK, "mystery", p)
}
