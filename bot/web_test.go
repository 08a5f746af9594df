package bot

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"servicebot/bot/web"
	"servicebot/dialogs"
	"servicebot/store"
)

// The public ratings and the staff dashboard over plain HTTP.

// webCentres are the hsc pack's centres the tests rate: two with enough
// ratings, one under the threshold.
const (
	webTop   = "kharkiv6341" // 8 ratings, 5 in every criterion but queue (3)
	webOther = "kyiv8046"    // 6 ratings, 3 in every criterion
	webFew   = "lviv4641"    // 2 ratings: fewer than RATINGS_MIN_COUNT
	webEvil  = "<script>alert('x')</script>"
)

// seedRating stores one submitted rating, submitted monthsAgo months ago.
func seedRating(t *testing.T, st *store.Store, user int64, centre string, scores [5]int, comment string, monthsAgo int) {
	t.Helper()
	ctx := context.Background()
	ans := dialogs.Answers{}
	for i, id := range []string{"time", "queue", "staff", "comfort", "info"} {
		n := scores[i]
		ans[id] = dialogs.Answer{Number: &n}
	}
	if comment != "" {
		ans["what_wrong"] = dialogs.Answer{Text: comment}
	}
	r, err := store.StartResponse(ctx, st.DB(), store.Response{
		Kind: "rating", Questionnaire: "rating", Version: 1, Pack: "hsc", UserID: user, Centre: centre, Lang: "uk", Answers: ans,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SubmitResponse(ctx, st.DB(), r.ID); err != nil {
		t.Fatal(err)
	}
	if monthsAgo > 0 {
		_, err = st.DB().ExecContext(ctx, `UPDATE responses SET submitted_at = now() - make_interval(months => $2), reviewed = true WHERE id = $1`, r.ID, monthsAgo)
	} else {
		_, err = st.DB().ExecContext(ctx, `UPDATE responses SET reviewed = true WHERE id = $1`, r.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// seedRatings fills the database with the ratings the web tests expect.
func seedRatings(t *testing.T, st *store.Store) {
	t.Helper()
	user := int64(700000)
	for i := 0; i < 8; i++ {
		user++
		seedRating(t, st, user, webTop, [5]int{5, 3, 5, 5, 5}, "", i%3)
	}
	for i := 0; i < 6; i++ {
		user++
		seedRating(t, st, user, webOther, [5]int{3, 3, 3, 3, 3}, "", i%2)
	}
	seedRating(t, st, user+1, webFew, [5]int{1, 2, 1, 1, 1}, webEvil, 0)
	seedRating(t, st, user+2, webFew, [5]int{4, 4, 4, 4, 4}, "", 0)
}

const webAdmin = 555000111

func newWebHarness(t *testing.T, tweak ...func(*Config)) *harness {
	t.Helper()
	return newHarness(t, append([]func(*Config){func(c *Config) {
		c.ListenAddr = "127.0.0.1:0"
		c.PublicURL = "http://servicebot.test"
		c.AdminIDs = []int64{webAdmin}
	}}, tweak...)...)
}

func (h *harness) webURL(path string) string { return "http://" + h.app.Addr().String() + path }

// noRedirects is a client that shows redirects instead of following them.
func noRedirects() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// signIn opens a login link and presses «Sign in», as a browser does: the
// page's form and cookie carry its CSRF token.
func (h *harness) signIn(t *testing.T, c *http.Client, token, lang string) (*http.Response, string) {
	t.Helper()
	_, page := get(t, c, h.webURL("/dashboard/login?token="+token))
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the login page has no CSRF token: %s", page)
	}
	form := url.Values{"token": {token}, "csrf": {m[1]}}
	if lang != "" {
		form.Set("lang", lang)
	}
	return post(t, c, h.webURL("/dashboard/login"), form)
}

var tokenInLink = regexp.MustCompile(`/dashboard/login\?token=([A-Za-z0-9_-]+)`)

// dashboardToken asks the bot for a login link as an admin would, and
// returns the link's token ("" when the bot sent none).
func (h *harness) dashboardToken(admin person) (string, string) {
	h.t.Helper()
	before := len(h.srv.Messages(admin.id))
	h.says(admin, "/dashboard")
	msg := h.nth(admin.id, before+1)
	m := tokenInLink.FindStringSubmatch(msg.Text)
	if m == nil {
		return "", msg.PlainText
	}
	return m[1], msg.PlainText
}

func TestPublicRatingsShowFiguresAboveTheThresholdOnly(t *testing.T) {
	h := newWebHarness(t)
	seedRatings(t, h.st)
	c := noRedirects()

	resp, body := get(t, c, h.webURL("/ratings?lang=uk"))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/ratings: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"ТСЦ МВС № 6341", "4,60", "оцінок: 8", "ТСЦ МВС № 8046", "3,00", "оцінок: 6", "ТСЦ МВС № 4641", "Замало оцінок"} {
		if !strings.Contains(body, want) {
			t.Errorf("/ratings lacks %q", want)
		}
	}
	if strings.Contains(body, "alert") || strings.Contains(body, "<script") {
		t.Error("a citizen's comment reached the public page")
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("no strict CSP: %q", csp)
	}

	_, body = get(t, c, h.webURL("/ratings/"+webTop+"?lang=uk"))
	for _, want := range []string{"<svg", "4,60", "1 з 2", "Очікування в черзі", "3,00", "Середня оцінка за місяцями"} {
		if !strings.Contains(body, want) {
			t.Errorf("/ratings/%s lacks %q", webTop, want)
		}
	}
	_, body = get(t, c, h.webURL("/ratings/"+webFew+"?lang=uk"))
	if !strings.Contains(body, "потрібно щонайменше 5") || strings.Contains(body, "<svg") || strings.Contains(body, `id="count"`) {
		t.Errorf("a centre under the threshold shows figures: %s", body)
	}
	// Russian by the switch, and by the browser's language.
	_, body = get(t, c, h.webURL("/ratings/"+webTop+"?lang=ru"))
	if !strings.Contains(body, "ТСЦ МВД № 6341") || !strings.Contains(body, "Оценки по критериям") || !strings.Contains(body, `lang="ru"`) {
		t.Error("?lang=ru is not Russian")
	}
	_, body = get(t, c, h.webURL("/ratings"), "Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5")
	if !strings.Contains(body, "Оценки центров") {
		t.Error("Accept-Language ru is not honoured")
	}
	resp, _ = get(t, c, h.webURL("/ratings/nowhere"))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown centre: %d", resp.StatusCode)
	}
}

func TestDashboardNeedsASession(t *testing.T) {
	h := newWebHarness(t)
	c := noRedirects()
	for _, path := range []string{"/dashboard", "/dashboard/ratings", "/dashboard/ratings.csv", "/dashboard/mystery"} {
		resp, _ := get(t, c, h.webURL(path))
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/dashboard/login-needed") {
			t.Errorf("%s without a session: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	c.Jar.SetCookies(&url.URL{Scheme: "http", Host: h.app.Addr().String(), Path: "/dashboard"}, []*http.Cookie{{Name: web.SessionCookie, Value: "forged"}})
	if resp, _ := get(t, c, h.webURL("/dashboard")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a forged cookie: %d", resp.StatusCode)
	}
	resp, body := get(t, c, h.webURL("/dashboard/login-needed?lang=uk"))
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "/dashboard") {
		t.Errorf("the notice: %d %s", resp.StatusCode, body)
	}
}

func TestDashboardLoginLinkIsSingleUseAndSessionIsProtected(t *testing.T) {
	h := newWebHarness(t)
	seedRatings(t, h.st)
	admin := person{id: webAdmin, lang: "uk"}
	token, text := h.dashboardToken(admin)
	if token == "" {
		t.Fatalf("no login link: %q", text)
	}
	if !strings.Contains(text, "http://servicebot.test/dashboard/login?token=") {
		t.Errorf("the link does not start with PUBLIC_URL: %q", text)
	}
	// The page opens in the language the admin speaks to the bot.
	if !strings.Contains(text, "&lang=uk") {
		t.Errorf("the link names no language: %q", text)
	}
	c := noRedirects()
	// Opening the link only shows a button: a link preview spends nothing.
	resp, body := get(t, c, h.webURL("/dashboard/login?token="+token))
	if resp.StatusCode != 200 || !strings.Contains(body, `method="post"`) || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("login page: %d %s", resp.StatusCode, body)
	}
	resp, _ = h.signIn(t, c, token, "uk")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard?lang=uk" {
		t.Fatalf("sign in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookie := resp.Header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") || strings.Contains(cookie, token) {
		t.Errorf("session cookie: %q", cookie)
	}
	// The same link again, from another browser: refused.
	resp, body = h.signIn(t, noRedirects(), token, "uk")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, h.text.Text("uk", "web.login.invalid")) {
		t.Errorf("second use: %d", resp.StatusCode)
	}
	// A form posted without the page's cookie (from another site): refused,
	// even with a token.
	token2, _ := h.dashboardToken(admin)
	resp, body = post(t, noRedirects(), h.webURL("/dashboard/login"), url.Values{"token": {token2}, "csrf": {"forged"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, h.text.Text("uk", "web.login.stale")) {
		t.Errorf("a login form without the page's cookie: %d", resp.StatusCode)
	}

	resp, body = get(t, c, h.webURL("/dashboard?lang=uk"))
	if resp.StatusCode != 200 || !strings.Contains(body, "Відкриті звернення") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("overview: %d", resp.StatusCode)
	}
	// Tickets and reports belong to no centre: the overview offers no
	// centre filter that would do nothing.
	if strings.Contains(body, `name="centre"`) {
		t.Error("the overview offers a centre filter it does not apply")
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no CSRF token in the logout form")
	}
	// Staff see the low rating's comment, escaped.
	_, body = get(t, c, h.webURL("/dashboard/ratings?lang=uk&period=all"))
	if !strings.Contains(body, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || strings.Contains(body, webEvil) {
		t.Errorf("the comment is not escaped on the low-ratings page")
	}
	if !strings.Contains(body, "Оцінок з балом 2 або нижче: 1") {
		t.Error("the low-ratings count is wrong")
	}
	resp, body = get(t, c, h.webURL("/dashboard/ratings.csv?period=all&centre="+webFew))
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, webFew) || strings.Count(body, "\n") != 2 {
		t.Errorf("CSV: %s %q", resp.Header.Get("Content-Type"), body)
	}

	// Logout is a POST with the CSRF token.
	resp, _ = post(t, c, h.webURL("/dashboard/logout"), url.Values{})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout without a CSRF token: %d", resp.StatusCode)
	}
	resp, _ = post(t, c, h.webURL("/dashboard/logout"), url.Values{"csrf": {"wrong"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a wrong CSRF token: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, h.webURL("/dashboard")); resp.StatusCode != 200 {
		t.Fatalf("a refused logout ended the session: %d", resp.StatusCode)
	}
	resp, _ = post(t, c, h.webURL("/dashboard/logout"), url.Values{"csrf": {csrf[1]}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, h.webURL("/dashboard")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

func TestDashboardLoginLinkExpires(t *testing.T) {
	h := newWebHarness(t)
	token, hash := web.NewLoginToken()
	if err := store.CreateWebLogin(context.Background(), h.st.DB(), hash, webAdmin, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	resp, _ := post(t, noRedirects(), h.webURL("/dashboard/login"), url.Values{"token": {token}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("an expired link: %d", resp.StatusCode)
	}
	resp, _ = post(t, noRedirects(), h.webURL("/dashboard/login"), url.Values{"token": {"made-up"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a made-up link: %d", resp.StatusCode)
	}
}

func TestDashboardLinksAreRateLimitedAndForAdminsOnly(t *testing.T) {
	h := newWebHarness(t)
	admin := person{id: webAdmin, lang: "uk"}
	for i := 0; i < web.LoginLinksPerHour; i++ {
		if token, text := h.dashboardToken(admin); token == "" {
			t.Fatalf("link %d: %q", i+1, text)
		}
	}
	token, text := h.dashboardToken(admin)
	if token != "" || !strings.Contains(text, fmt.Sprintf("не більше %d на годину", web.LoginLinksPerHour)) {
		t.Errorf("link %d: %q", web.LoginLinksPerHour+1, text)
	}
	stranger := person{id: 555000222, lang: "uk"}
	if token, text := h.dashboardToken(stranger); token != "" || text != h.text.Text("uk", "staff.only") {
		t.Errorf("a citizen asked for a link: %q", text)
	}
	h.noRejects()
}

func TestDashboardWithoutPublicURL(t *testing.T) {
	h := newWebHarness(t, func(c *Config) { c.PublicURL = "" })
	if token, text := h.dashboardToken(person{id: webAdmin, lang: "uk"}); token != "" || !strings.Contains(text, "PUBLIC_URL") {
		t.Errorf("without PUBLIC_URL: %q", text)
	}
}

func TestDashboardMysteryResultsPerSection(t *testing.T) {
	h := newWebHarness(t)
	ctx := context.Background()
	for i, score := range []int{4, 2} {
		s, d := score, score+1
		r, err := store.StartResponse(ctx, h.st.DB(), store.Response{
			Kind: "mystery", Questionnaire: "mystery", Version: 1, Pack: "hsc", UserID: int64(800000 + i), Centre: webTop, Lang: "uk",
			Answers: dialogs.Answers{"find_way": {Number: &s}, "comfort": {Number: &s}, "desk_polite": {Number: &d}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SubmitResponse(ctx, h.st.DB(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	token, text := h.dashboardToken(person{id: webAdmin, lang: "uk"})
	if token == "" {
		t.Fatalf("no login link: %q", text)
	}
	c := noRedirects()
	if resp, body := h.signIn(t, c, token, ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", resp.StatusCode, body)
	}
	resp, body := get(t, c, h.webURL("/dashboard/mystery?lang=uk&period=all"))
	if resp.StatusCode != 200 {
		t.Fatalf("mystery page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Premises: (4+4+2+2)/4; the desk: (5+3)/2.
	for _, want := range []string{"ТСЦ МВС № 6341", "Анкет: 2", "Приміщення і навігація", "3,00", "Адміністратор інформаційної стійки", "4,00", "<svg"} {
		if !strings.Contains(body, want) {
			t.Errorf("mystery page lacks %q", want)
		}
	}
	_, body = get(t, c, h.webURL("/dashboard/mystery?lang=uk&period=all&centre="+webOther))
	if strings.Contains(body, "ТСЦ МВС № 6341</h2>") || !strings.Contains(body, "Нічого немає") {
		t.Error("the centre filter does not filter")
	}
}

func TestPublicRatingsByRegionWithRanks(t *testing.T) {
	h := newWebHarness(t)
	seedRatings(t, h.st)
	c := noRedirects()
	_, body := get(t, c, h.webURL("/ratings?lang=uk"))
	for _, want := range []string{"<h2>Харківська область</h2>", "<h2>Київ</h2>", "<h2>Одеська область</h2>", "Місце в регіоні", "Місце в країні"} {
		if !strings.Contains(body, want) {
			t.Errorf("/ratings lacks %q", want)
		}
	}
	// Kyiv's 8046: first in its region, second in the country.
	rank := regexp.MustCompile(`<td class="num">(\d+|—)</td>\s*<td class="num">(\d+|—)</td>\s*<td><a href="/ratings/(\w+)`)
	ranks := map[string]string{}
	for _, m := range rank.FindAllStringSubmatch(body, -1) {
		ranks[m[3]] = m[1] + "/" + m[2]
	}
	if ranks[webTop] != "1/1" || ranks[webOther] != "1/2" || ranks[webFew] != "—/—" {
		t.Errorf("ranks (region/country): %v", ranks)
	}
	// A town or a number cuts the list; the ranks stay the country's.
	_, body = get(t, c, h.webURL("/ratings?lang=uk&q=%D0%9A%D0%B8%D0%B5%D0%B2")) // «Киев»
	if !strings.Contains(body, "ТСЦ МВС № 8046") || strings.Contains(body, "ТСЦ МВС № 6341") {
		t.Errorf("/ratings?q=Киев shows other towns' centres or not Kyiv's")
	}
	_, body = get(t, c, h.webURL("/ratings?lang=uk&q=6341"))
	if !strings.Contains(body, "ТСЦ МВС № 6341") || strings.Contains(body, "ТСЦ МВС № 8046") {
		t.Errorf("/ratings?q=6341 is not that centre alone")
	}
	_, body = get(t, c, h.webURL("/ratings?lang=uk&q=Atlantida"))
	if !strings.Contains(body, "центрів не знайшлося") {
		t.Errorf("/ratings?q=Atlantida does not say nothing was found")
	}
	if resp, body := get(t, c, h.webURL("/ratings/6341?lang=uk")); resp.StatusCode != 200 || !strings.Contains(body, "4,60") {
		t.Errorf("/ratings/6341: %d", resp.StatusCode)
	}
}

func TestDashboardFilterTakesANumberOrATown(t *testing.T) {
	h := newWebHarness(t)
	seedRatings(t, h.st)
	token, _ := h.dashboardToken(person{id: webAdmin, lang: "uk"})
	c := noRedirects()
	if resp, body := h.signIn(t, c, token, "uk"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", resp.StatusCode, body)
	}
	for _, tc := range []struct{ q, want string }{
		{"4641", "Оцінок з балом 2 або нижче: 1"},
		{"Львов", "Оцінок з балом 2 або нижче: 1"},
		{"Харків", "Оцінок з балом 2 або нижче: 0"},
	} {
		_, body := get(t, c, h.webURL("/dashboard/ratings?lang=uk&period=all&q="+url.QueryEscape(tc.q)))
		if !strings.Contains(body, tc.want) {
			t.Errorf("q=%s: want %q", tc.q, tc.want)
		}
	}
	// The centre list names the town first, in the alphabet's order
	// (І after Є, before К; not after Я as bytes would have it).
	_, body := get(t, c, h.webURL("/dashboard/ratings?lang=uk&period=all"))
	odesa, izmail, kyiv := strings.Index(body, ">Одеса · ТСЦ МВС № 5154<"), strings.Index(body, ">Ізмаїл · "), strings.Index(body, ">Київ · ")
	if odesa < 0 || izmail < 0 || kyiv < 0 || !(izmail < kyiv && kyiv < odesa) {
		t.Errorf("the centre list: Ізмаїл at %d, Київ at %d, Одеса · ТСЦ МВС № 5154 at %d", izmail, kyiv, odesa)
	}
}
