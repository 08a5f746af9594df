package bot

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
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"
	"golang.org/x/time/rate"

	"servicebot/bot/outbox"
	"servicebot/dialogs"
	"servicebot/store"
)

// The staff dashboard. An admin types /dashboard in a private chat and gets
// a one-time link (10 minutes, single use, at most 5 an hour); opening it
// and pressing «Sign in» starts a session kept in an HttpOnly cookie. Only
// hashes of the link's token and of the cookie are stored. The sign-in is a
// POST so that a link preview or a prefetch cannot spend the link.

const (
	PathDashboard     = "/dashboard"
	pathLogin         = "/dashboard/login"
	pathLoginNeeded   = "/dashboard/login-needed"
	pathLogout        = "/dashboard/logout"
	sessionCookie     = "servicebot_session"
	loginLinkTTL      = 10 * time.Minute
	loginLinksPerHour = 5
	sessionTTL        = 12 * time.Hour
	lowRatingsShown   = 500
)

var errTooManyLinks = errors.New("bot: too many login links this hour")

// secret returns 32 random bytes as URL-safe text, and its hash for the
// database.
func secret() (plain, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, hashSecret(plain)
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// dashboardLink makes a one-time login link for an admin. It is stored at
// once, outside the turn's transaction, so that it works the moment the
// message with it arrives.
func (a *App) dashboardLink(ctx context.Context, userID int64) (string, error) {
	db := a.st.DB()
	n, err := store.WebLoginsSince(ctx, db, userID, time.Now().Add(-time.Hour))
	if err != nil {
		return "", err
	}
	if n >= loginLinksPerHour {
		return "", errTooManyLinks
	}
	token, hash := secret()
	if err := store.CreateWebLogin(ctx, db, hash, userID, time.Now().Add(loginLinkTTL)); err != nil {
		return "", err
	}
	return strings.TrimRight(a.cfg.PublicURL, "/") + pathLogin + "?token=" + token, nil
}

func (a *App) onDashboardCommand(ctx context.Context, t *Turn) error {
	if !a.isAdmin(ctx, t.User.ID) {
		a.reply(ctx, t, a.text.Text(t.Lang, "staff.only"), a.menuKeyboard(t.Lang))
		return nil
	}
	if a.cfg.PublicURL == "" {
		a.reply(ctx, t, a.text.Text(t.Lang, "dashboard.not_configured"), nil)
		return nil
	}
	link, err := a.dashboardLink(ctx, t.User.ID)
	if errors.Is(err, errTooManyLinks) {
		a.reply(ctx, t, a.text.Text(t.Lang, "dashboard.too_many", map[string]any{"Count": loginLinksPerHour}), nil)
		return nil
	}
	if err != nil {
		return err
	}
	text := a.text.Text(t.Lang, "dashboard.link", map[string]any{"URL": html.EscapeString(link), "Minutes": int(loginLinkTTL.Minutes())})
	off := true
	p := &tg.SendMessageParams{ChatID: t.Chat, Text: text, ParseMode: models.ParseModeHTML, LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: &off}}
	t.Do(outbox.Call(t.Chat, "sendMessage", p))
	return nil
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
func (a *App) secureCookies() bool {
	u, err := url.Parse(a.cfg.PublicURL)
	return err == nil && u.Scheme == "https" // url.Parse lower-cases the scheme
}

func (a *App) serveLogin(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	p := a.newPage(r, lang, "web.login.title")
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	if a.cfg.PublicURL == "" {
		a.dashboardOff(w, r)
		return
	}
	if r.Method == http.MethodGet {
		token := r.URL.Query().Get("token")
		if token == "" {
			http.Redirect(w, r, pathLoginNeeded+"?lang="+lang, http.StatusSeeOther)
			return
		}
		csrf, _ := secret()
		http.SetCookie(w, &http.Cookie{
			Name: loginCSRFCookie, Value: csrf, Path: pathLogin, MaxAge: int(loginLinkTTL.Seconds()),
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
	err := a.st.InTx(ctx, func(tx *sqlx.Tx) error {
		userID, err := store.UseWebLogin(ctx, tx, hashSecret(r.PostFormValue("token")))
		if err != nil {
			return err
		}
		if !a.isAdmin(ctx, userID) {
			return store.ErrNotFound
		}
		plain, hash := secret()
		csrf, _ := secret()
		cookie = plain
		return store.CreateWebSession(ctx, tx, hash, store.WebSession{UserID: userID, CSRF: csrf, ExpiresAt: time.Now().Add(sessionTTL)})
	})
	if errors.Is(err, store.ErrNotFound) {
		p.Body = noticeBody{Text: p.T("web.login.invalid")}
		a.render(w, http.StatusForbidden, "notice", p)
		return
	}
	if err != nil {
		a.log.Warn("dashboard: cannot sign in", "err", err)
		http.Error(w, "cannot sign in now; try again later", http.StatusServiceUnavailable)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: cookie, Path: PathDashboard, MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secureCookies(),
	})
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Path: pathLogin, MaxAge: -1})
	http.Redirect(w, r, PathDashboard+"?lang="+lang, http.StatusSeeOther)
}

func (a *App) serveLoginNeeded(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	p := a.newPage(r, lang, "web.login.title")
	p.NoIndex = true
	p.Body = noticeBody{Text: p.T("web.login.needed"), Back: PathRatings + "?lang=" + lang, BackText: p.T("web.ratings.title")}
	a.render(w, http.StatusUnauthorized, "notice", p)
}

// dashboardOff answers while PUBLIC_URL is unset: the dashboard is off,
// whatever sessions or links exist from before.
func (a *App) dashboardOff(w http.ResponseWriter, r *http.Request) {
	lang := a.pageLang(r)
	p := a.newPage(r, lang, "web.login.title")
	p.NoIndex = true
	p.Body = noticeBody{Text: p.T("web.dash.off"), Back: PathRatings + "?lang=" + lang, BackText: p.T("web.ratings.title")}
	a.render(w, http.StatusNotFound, "notice", p)
}

// session returns the request's live session of a current admin. With
// PUBLIC_URL unset the dashboard is off and no session counts.
func (a *App) session(r *http.Request) (store.WebSession, string, bool) {
	if a.cfg.PublicURL == "" {
		return store.WebSession{}, "", false
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return store.WebSession{}, "", false
	}
	hash := hashSecret(c.Value)
	s, err := store.WebSessionOf(r.Context(), a.st.DB(), hash)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.log.Warn("dashboard: cannot read a session", "err", err)
		}
		return store.WebSession{}, "", false
	}
	// Rights taken away end the session's use at once.
	if !a.isAdminWithin(r.Context(), s.UserID, 0) {
		return store.WebSession{}, "", false
	}
	return s, hash, true
}

// staffOnly lets a request through with a session, and sends anyone else
// to the notice that says how to sign in.
func (a *App) staffOnly(next func(http.ResponseWriter, *http.Request, *webPage)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.cfg.PublicURL == "" {
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

func (a *App) serveLogout(w http.ResponseWriter, r *http.Request) {
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
	if err := store.DeleteWebSession(r.Context(), a.st.DB(), hash); err != nil {
		a.log.Warn("dashboard: cannot end a session", "err", err)
		http.Error(w, "cannot sign out now; try again later", http.StatusServiceUnavailable)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: PathDashboard, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
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

func (a *App) webFilter(r *http.Request, p *webPage) *webFilter {
	f := &webFilter{period: r.URL.Query().Get("period")}
	if !slices.Contains(webPeriods, f.period) {
		f.period = "30d"
	}
	centre := r.URL.Query().Get("centre")
	for _, c := range a.pack.Centres {
		if c.ID == centre {
			f.filter.Centre = centre
		}
		f.Centres = append(f.Centres, webOption{ID: c.ID, Name: a.text2(c.Name, p.Lang), Selected: c.ID == centre})
	}
	// A number or a town typed by staff wins over the list.
	if f.Query = strings.TrimSpace(r.URL.Query().Get("q")); f.Query != "" {
		found, err := a.centresNamed(f.Query)
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
	f.filter.Since, f.filter.Until, _ = parsePeriod(f.period, time.Now().In(a.schedule().Location()))
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

func (a *App) serveOverview(w http.ResponseWriter, r *http.Request, p *webPage) {
	if r.URL.Path != PathDashboard {
		http.NotFound(w, r)
		return
	}
	f := a.webFilter(r, p)
	f.Centres = nil // tickets and reports belong to no centre
	ctx := r.Context()
	var b overviewBody
	var err error
	if b.Tickets, err = store.TicketStatsOf(ctx, a.st.Reader(), f.filter.Since, f.filter.Until); err == nil {
		b.Integrity, err = store.IntegrityReportsSince(ctx, a.st.Reader(), f.filter.Since, f.filter.Until)
	}
	if err == nil {
		b.Unanswered, err = store.TopUnanswered(ctx, a.st.Reader(), a.pack.ID, 20)
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

func (a *App) webUnavailable(w http.ResponseWriter, err error) {
	a.log.Warn("dashboard: cannot read the database", "err", err)
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
func (a *App) lowRatings(ctx context.Context, f store.ResponseFilter, lang string) (lowRatingsBody, error) {
	q, crit := a.ratingCriteria()
	var b lowRatingsBody
	if q == nil {
		return b, nil
	}
	for _, c := range crit {
		b.Criteria = append(b.Criteria, a.criterionName(lang, c))
	}
	list, total, err := store.LowRatings(ctx, a.st.Reader(), f, criterionIDs(crit), reviewLowScore, lowRatingsShown)
	if err != nil {
		return b, err
	}
	b.Total = total
	loc := a.schedule().Location()
	for _, r := range list {
		lr := lowRating{Ref: dialogs.Ref(r.Kind, r.ID), Date: r.SubmittedAt.In(loc).Format("2006-01-02 15:04"), Centre: r.Centre}
		if c, ok := a.pack.Centre(r.Centre); ok {
			lr.Centre = a.text2(c.Name, lang)
		}
		for _, c := range crit {
			ans := r.Answers[c.ID]
			s, low := "—", false
			if ans.Number != nil && !ans.Skipped {
				s, low = fmt.Sprint(*ans.Number), *ans.Number <= reviewLowScore
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

func (a *App) serveLowRatings(w http.ResponseWriter, r *http.Request, p *webPage) {
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
func (a *App) serveLowRatingsCSV(w http.ResponseWriter, r *http.Request, p *webPage) {
	f := a.webFilter(r, p)
	q, crit := a.ratingCriteria()
	list, _, err := store.LowRatings(r.Context(), a.st.Reader(), f.filter, criterionIDs(crit), reviewLowScore, lowRatingsShown)
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
	name := fmt.Sprintf("low-ratings-%s-%s.csv", a.pack.ID, f.period)
	if f.filter.Centre != "" {
		name = fmt.Sprintf("low-ratings-%s-%s-%s.csv", a.pack.ID, f.filter.Centre, f.period)
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
func (a *App) duration(lang string, d time.Duration) string {
	switch {
	case d < time.Minute:
		return a.text.Text(lang, "web.dur.s", map[string]any{"S": int(d.Round(time.Second).Seconds())})
	case d < time.Hour:
		return a.text.Text(lang, "web.dur.m", map[string]any{"M": int(d.Round(time.Minute).Minutes())})
	}
	d = d.Round(time.Minute)
	return a.text.Text(lang, "web.dur.hm", map[string]any{"H": int(d.Hours()), "M": int(d.Minutes()) % 60})
}

// serveMystery shows the mystery-shopper results per centre: the average
// score of each section that has 1–5 questions.
func (a *App) serveMystery(w http.ResponseWriter, r *http.Request, p *webPage) {
	f := a.webFilter(r, p)
	f.filter.Kind = "mystery"
	counts, tallies, err := store.ResponseTallies(r.Context(), a.st.Reader(), f.filter)
	if err != nil {
		a.webUnavailable(w, err)
		return
	}
	q, ok := a.questionnaire("mystery")
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
		for _, c := range a.pack.Centres {
			if count[c.ID] == 0 {
				continue
			}
			avg := dialogs.SectionAveragesOf(q, byCentre[c.ID])
			var items []chartItem
			for _, s := range q.Sections {
				if v, ok := avg[s.ID]; ok {
					name := a.text2(s.Title, p.Lang)
					items = append(items, chartItem{Label: name, Value: v, Title: name + ": " + number(p.Lang, v)})
				}
			}
			b.Centres = append(b.Centres, mysteryCentre{
				Name: a.text2(c.Name, p.Lang), Count: count[c.ID],
				Sections: criteriaChart(p.Lang, p.T("web.dash.sections"), items),
			})
		}
	}
	p.Nav, p.Body = "mystery", b
	a.render(w, http.StatusOK, "mystery", p)
}
