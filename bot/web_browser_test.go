package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The ratings and the dashboard as a person sees them: a real headless
// Chromium (Debian's chromium package, which .ci/run installs) with
// JavaScript turned off, on a phone-sized screen. Screenshots go to
// docs/screenshots for the README.

const chromiumPath = "/usr/bin/chromium"

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs %s (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("no %s: apt-get install chromium to run the browser test", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "uk-UA"),
		chromedp.WindowSize(412, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	// A phone, and no JavaScript: the pages must work without it.
	err := chromedp.Do(ctx, chromedp.EmulateViewport(412, 900, chromedp.EmulateScale(2)))
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	}
	if err != nil {
		t.Fatalf("cannot start %s: %v", chromiumPath, err)
	}
	return ctx
}

// visit opens a page and returns the text a person sees on it.
func visit(t *testing.T, ctx context.Context, u string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	return bodyText(t, ctx)
}

func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatalf("the page's text: %v", err)
	}
	return text
}

func seesAll(t *testing.T, page, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: a person does not see %q in:\n%s", page, w, text)
		}
	}
}

func count(t *testing.T, ctx context.Context, selector string) int {
	t.Helper()
	// chromedp's own evaluation runs even with the page's scripts off.
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+selector+"`"+`).length`))
	if err != nil {
		t.Fatalf("count %s: %v", selector, err)
	}
	return n
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	// The README's screenshots are refreshed on request only, so that a
	// test run leaves the work tree as it was.
	dir := t.TempDir()
	if os.Getenv("UPDATE_SCREENSHOTS") != "" {
		dir = filepath.Join("..", "docs", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRatingsAndDashboardInTheBrowser(t *testing.T) {
	ctx := newBrowser(t)
	h := newWebHarness(t)
	seedRatings(t, h.st)
	base := "http://" + h.app.Addr().String()

	text := visit(t, ctx, base+"/ratings")
	seesAll(t, "/ratings", text, "Оцінки центрів", "ТСЦ МВС № 6341", "4,60", "ТСЦ МВС № 8046", "3,00", "ТСЦ МВС № 4641", "Замало оцінок")
	if strings.Contains(text, "alert") {
		t.Error("a citizen's comment is on the public page")
	}
	screenshot(t, ctx, "ratings.png")

	text = visit(t, ctx, base+"/ratings/"+webTop)
	seesAll(t, "/ratings/"+webTop, text, "ТСЦ МВС № 6341", "4,60", "8", "1 з 2", "Очікування в черзі", "Середня оцінка за місяцями")
	if n := count(t, ctx, "svg rect"); n < 10 {
		t.Errorf("the centre's charts have %d bars", n)
	}
	screenshot(t, ctx, "centre-uk.png")

	// The language switch is a link a person taps.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[hreflang="ru"]`)), chromedp.WaitReady(chromedp.CSS(`html[lang="ru"]`))); err != nil {
		t.Fatal(err)
	}
	text = bodyText(t, ctx)
	seesAll(t, "/ratings/"+webTop+"?lang=ru", text, "ТСЦ МВД № 6341", "Оценки по критериям", "1 из 2", "Ожидание в очереди")
	screenshot(t, ctx, "centre-ru.png")

	text = visit(t, ctx, base+"/ratings/"+webFew+"?lang=uk")
	seesAll(t, "/ratings/"+webFew, text, "потрібно щонайменше 5")
	if count(t, ctx, "svg") != 0 || strings.Contains(text, "1,00") {
		t.Error("a centre under the threshold shows figures")
	}

	// The dashboard without a session: the notice.
	text = visit(t, ctx, base+"/dashboard?lang=uk")
	seesAll(t, "/dashboard without a session", text, "/dashboard", "увійдіть")
	screenshot(t, ctx, "dashboard-login-needed.png")

	// Sign in with the link the bot sends to an admin.
	token, msg := h.dashboardToken(person{id: webAdmin, lang: "uk"})
	if token == "" {
		t.Fatalf("no login link: %q", msg)
	}
	text = visit(t, ctx, base+"/dashboard/login?token="+token)
	seesAll(t, "login link", text, "Увійти")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sign-in")), chromedp.WaitVisible(chromedp.CSS("#tickets-open"))); err != nil {
		t.Fatal(err)
	}
	text = bodyText(t, ctx)
	seesAll(t, "overview", text, "Огляд", "Відкриті звернення", "Повідомлення про корупцію", "Питання без відповіді")
	screenshot(t, ctx, "dashboard-overview.png")

	text = visit(t, ctx, base+"/dashboard/ratings?lang=uk&period=all")
	seesAll(t, "low ratings", text, "Оцінок з балом 2 або нижче: 1", "ТСЦ МВС № 4641", webEvil, "Завантажити CSV")
	screenshot(t, ctx, "dashboard-low-ratings.png")

	// Signing out ends the session.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/dashboard/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("table"))); err != nil {
		t.Fatal(err)
	}
	text = visit(t, ctx, base+"/dashboard?lang=uk")
	seesAll(t, "/dashboard after signing out", text, "увійдіть")
}
