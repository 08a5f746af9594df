package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
	"servicebot/bot/tg"
	"servicebot/bot/turn"
	"servicebot/bot/web"
	"servicebot/dialogs"
	"servicebot/store"
	"servicebot/store/pgtest"
)

// An update with bytes that are not UTF-8 must not hold up intake: the
// citizen who writes next is answered, and the odd update is handled too.
func TestInvalidUTF8DoesNotStopIntake(t *testing.T) {
	h := newHarness(t)
	p := person{id: 8101, lang: "uk"}
	raw := fmt.Appendf(nil, `{"update_id":0,"message":{"message_id":1,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"A","language_code":"uk"},"text":"%s"}}`, p.id, p.id, "\xff\xfe 5 \xc3")
	if _, err := h.srv.PushJSON(raw); err != nil {
		t.Fatal(err)
	}
	h.says(p, "/help")
	ms := h.srv.WaitMessages(t, p.id, 2, 15e9)
	if ms[1].Text != h.text.Text("uk", "help") {
		t.Errorf("after the update with invalid UTF-8, /help got %q", ms[1].Text)
	}
	h.settle()
	h.noRejects()
}

// hookHarness is a harness in webhook mode on a free port.
func hookHarness(t *testing.T) *harness {
	t.Helper()
	return newHarness(t, func(c *Config) {
		c.WebhookURL = "https://bot.example.org/hook"
		c.WebhookSecret = "hook-secret"
		c.ListenAddr = "127.0.0.1:0"
	})
}

// hook posts body to the webhook as Telegram would, and returns the status.
func (h *harness) hook(body []byte) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+h.app.Addr().String()+"/hook", bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "hook-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// An update PostgreSQL refuses even so (here: a kind whose name is a NUL,
// which no text column takes; Telegram's filter keeps such kinds from
// getUpdates, but a webhook gets what it is sent) is set aside as failed,
// with the reason, and answered 200: otherwise Telegram would send it again
// for ever and the webhook would answer 503 to everything behind it.
func TestWebhookSetsAsideWhatTheDatabaseRefuses(t *testing.T) {
	h := hookHarness(t)
	h.srv.AddChat(models.Chat{ID: 8103, Type: models.ChatTypePrivate}) // known to Telegram, not via getUpdates
	post := h.hook
	if code := post([]byte(`{"update_id":700,"\u0000":{}}`)); code != http.StatusOK {
		t.Errorf("a refused update: HTTP %d, want 200", code)
	}
	if code := post([]byte("{\"update_id\":701,\"message\":{\"message_id\":1,\"date\":1,\"chat\":{\"id\":8103,\"type\":\"private\"},\"from\":{\"id\":8103,\"is_bot\":false,\"first_name\":\"A\"},\"text\":\"\xff\"}}")); code != http.StatusOK {
		t.Errorf("an update with invalid UTF-8: HTTP %d, want 200", code)
	}
	var status int
	var cause string
	if err := h.st.DB().QueryRow(`SELECT status, last_error FROM inbox WHERE update_id = 700`).Scan(&status, &cause); err != nil {
		t.Fatalf("the refused update left no row: %v", err)
	}
	if status != store.InboxFailed || cause == "" {
		t.Errorf("the refused update: status %d, last_error %q; want failed with the reason", status, cause)
	}
	h.settle()
	if err := h.st.DB().QueryRow(`SELECT status FROM inbox WHERE update_id = 701`).Scan(&status); err != nil || status != store.InboxDone {
		t.Errorf("the update with invalid UTF-8: status %d, %v; want handled", status, err)
	}
}

// A client that sends a declared body a byte at a time is cut off once the
// request's time is up, on every path: the webhook, the dashboard's login
// form and the public pages. (Before, such connections stayed open for as
// long as the client liked, each holding a goroutine.)
func TestSlowBodiesAreCutOff(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.WebhookURL = "https://bot.example.org/hook"
		c.WebhookSecret = "hook-secret"
		c.ListenAddr = "127.0.0.1:0"
		c.PublicURL = "https://bot.example.org"
		c.HTTPTimeout = time.Second
	})
	for _, path := range []string{"/hook", "/dashboard/login", "/ratings"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", h.app.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n", path)
			closed := make(chan struct{})
			go func() {
				io.Copy(io.Discard, conn) // returns when the server closes the connection
				close(closed)
			}()
			for i := 0; ; i++ {
				select {
				case <-closed:
					return
				case <-time.After(200 * time.Millisecond):
				}
				if i == 50 {
					t.Fatalf("the connection to %s is still open after 10 s of a slow body", path)
				}
				conn.Write([]byte("a"))
			}
		})
	}
}

// Forms take no more than a form needs: a 1 MB login form is refused, and
// the server is still there for the next request.
func TestLargeFormBodiesAreRefused(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.ListenAddr = "127.0.0.1:0"
		c.PublicURL = "https://bot.example.org"
	})
	base := "http://" + h.app.Addr().String()
	body := "token=" + strings.Repeat("a", 1<<20)
	resp, err := http.Post(base+"/dashboard/login", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 1 MB login form: HTTP %d, want 413", resp.StatusCode)
	}
	resp, err = http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after a large form, /healthz: %v", err)
	}
	resp.Body.Close()
}

// Thirty people opening the public ratings at once, over 200,000 ratings,
// cost PostgreSQL one aggregate, read on the reader pool; meanwhile a
// citizen is answered as usual. (Before, every request ran two full
// aggregations on the workers' pool, and citizens waited tens of seconds.)
func TestRatingsPageServesFromACache(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 200,000 ratings")
	}
	h := newWebHarness(t)
	pgtest.SeedRatings(t, h.st.DB(), 200000, "kharkiv6341", "kyiv8046", "lviv4641")
	p := person{id: 8201, lang: "uk"}
	var wg sync.WaitGroup
	errs := make(chan string, 30)
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(h.webURL("/ratings?lang=uk"))
			if err != nil {
				errs <- err.Error()
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ТСЦ МВС № 6341") {
				errs <- fmt.Sprintf("HTTP %d", resp.StatusCode)
			}
		}()
	}
	for i := 1; i <= 3; i++ {
		h.says(p, "/help")
		h.nth(p.id, i) // fails the test if no answer comes within 10 s
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("/ratings under 30 parallel requests: %s", e)
	}
	if n := h.app.pages.RatingsComputed(); n != 1 {
		t.Errorf("30 requests computed the aggregates %d times, want once", n)
	}
}

// A month with fewer ratings than RATINGS_MIN_COUNT is not drawn in the
// public trend (one visit's scores could be read off it), nor a criterion
// with fewer scores; the page says why.
func TestPublicTrendHidesSmallMonths(t *testing.T) {
	h := newWebHarness(t)
	user := int64(710000)
	for i := 0; i < 5; i++ {
		user++
		seedRating(t, h.st, user, webOther, [5]int{4, 4, 4, 4, 4}, "", 0)
	}
	seedRating(t, h.st, user+1, webOther, [5]int{1, 2, 1, 1, 1}, "", 1) // alone in last month
	loc := h.app.Pack.Hours().Location()
	now := time.Now().In(loc)
	this := now.Format("01.06")
	last := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, loc).AddDate(0, -1, 0).Format("01.06")
	_, body := get(t, noRedirects(), h.webURL("/ratings/"+webOther+"?lang=uk"))
	if !strings.Contains(body, ">"+this+"<") {
		t.Errorf("the trend lacks this month (%s), which has 5 ratings", this)
	}
	if strings.Contains(body, ">"+last+"<") || strings.Contains(body, "оцінок: 1") {
		t.Errorf("the trend shows last month (%s), which has a single rating", last)
	}
	if !strings.Contains(body, `id="hidden-months"`) {
		t.Error("the page does not say that small months are left out")
	}
}

// After /forget, a search of every table finds nothing of the person: not
// their id, not their name, not what they wrote, in a ticket, a rating, a
// vote or the inbox. Only anonymous answers and counts stay.
func TestForgetLeavesNothingThatNamesThePerson(t *testing.T) {
	h := newHarness(t)
	p := person{id: 987650321, lang: "uk"}
	question := "Мій номер 0670001122, Олена Ковальчук, коли буде готове посвідчення?"
	topic := h.openTicketFor(p, question)
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Добрий день! Перевірю й напишу."})
	h.nth(p.id, 3)
	h.says(p, "Дякую, чекаю відповіді про посвідчення 0670001122")
	h.settle()
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, len(h.srv.Messages(p.id))+1), "qs:r:go")
	h.fillSurvey(p, "rating", typical)
	h.taps(p, h.last(p.id), "qs:r:send")
	h.settle()
	if hits := pgtest.Search(t, h.st.DB(), "987650321"); len(hits) == 0 {
		t.Fatal("the test is broken: the person's id is nowhere before /forget")
	}
	h.says(p, "/forget")
	h.settle()
	h.taps(p, h.last(p.id), "fg:y")
	h.settle()
	if got := h.last(p.id).Text; got != h.text.Text("uk", "forget.done") {
		t.Errorf("after the confirmation the person read %q", got)
	}
	for _, hit := range pgtest.Search(t, h.st.DB(), "987650321", "Олена", "0670001122", "Ковальчук", "чекаю відповіді") {
		t.Errorf("after /forget the database still has: %s", hit)
	}
	var answers int
	h.st.DB().QueryRow(`SELECT count(*) FROM responses WHERE status = 'submitted' AND answers <> '{}'`).Scan(&answers)
	if answers != 1 {
		t.Errorf("%d anonymous ratings kept, want the 1", answers)
	}
	// They may come back: the bot answers as to anyone new.
	n := len(h.srv.Messages(p.id))
	h.says(p, "/help")
	if got := h.nth(p.id, n+1).Text; got != h.text.Text("uk", "help") {
		t.Errorf("after /forget, /help got %q", got)
	}
}

// Turning the dashboard off (PUBLIC_URL unset, as the README says) ends the
// use of sessions made while it was on; and a PUBLIC_URL written in capitals
// still makes the session cookie Secure.
func TestDashboardOffMeansOffAndHTTPSInCapitalsIsSecure(t *testing.T) {
	h := newWebHarness(t, func(c *Config) { c.PublicURL = "HTTPS://Bot.Example.org" })
	admin := person{id: webAdmin, lang: "uk"}
	token, text := h.dashboardToken(admin)
	if token == "" {
		t.Fatalf("no login link: %q", text)
	}
	c := noRedirects()
	resp, _ := h.signIn(t, c, token, "uk")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == web.SessionCookie {
			session = ck
		}
	}
	if session == nil || !session.Secure {
		t.Fatalf("with PUBLIC_URL=HTTPS://… the session cookie is %+v; want Secure", session)
	}
	h.stop()
	h.cfg.PublicURL = ""
	h.start()
	req, _ := http.NewRequest(http.MethodGet, h.webURL("/dashboard?lang=uk"), nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session.Value})
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "Відкриті звернення") {
		t.Errorf("with the dashboard off, an old session got %d", resp.StatusCode)
	}
}

// Sign-in attempts are throttled: after a burst of wrong tokens the next
// tries are told to wait, whatever token they carry.
func TestDashboardSignInIsThrottled(t *testing.T) {
	h := newWebHarness(t)
	c := noRedirects()
	statuses := map[int]int{}
	for i := 0; i < 15; i++ {
		resp, _ := h.signIn(t, c, fmt.Sprintf("guess%02d", i), "uk")
		statuses[resp.StatusCode]++
	}
	if statuses[http.StatusTooManyRequests] == 0 || statuses[http.StatusForbidden] == 0 {
		t.Errorf("15 wrong tokens in a row got %v; want refusals, then 429", statuses)
	}
}

// An administrator of the staff chat who is demoted loses the dashboard at
// the next request, not minutes later.
func TestDemotedAdminLosesTheDashboardAtOnce(t *testing.T) {
	h := newWebHarness(t)
	chief := person{id: 555000222, lang: "uk"}
	h.srv.SetChatMember(staffChat, chief.id, "administrator")
	token, text := h.dashboardToken(chief)
	if token == "" {
		t.Fatalf("no login link for a staff chat administrator: %q", text)
	}
	c := noRedirects()
	if resp, _ := h.signIn(t, c, token, "uk"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, h.webURL("/dashboard?lang=uk")); resp.StatusCode != http.StatusOK {
		t.Fatalf("overview while an administrator: %d", resp.StatusCode)
	}
	h.srv.SetChatMember(staffChat, chief.id, "member")
	if resp, _ := get(t, c, h.webURL("/dashboard?lang=uk")); resp.StatusCode == http.StatusOK {
		t.Error("a demoted administrator still sees the dashboard")
	}
}

// At LOG_LEVEL=debug a group the bot is not configured for is logged with
// its chat id when someone writes there: how the README tells an operator
// to find STAFF_CHAT_ID. The bot says nothing in that group.
func TestUnknownGroupIsLoggedAtDebug(t *testing.T) {
	h := newHarness(t)
	h.stop()
	var logs lockedBuffer
	h.log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.start()
	const group = -1009876543210
	h.srv.Push(models.Update{Message: &models.Message{
		Date: int(time.Now().Unix()), From: &models.User{ID: 8301, FirstName: "Адмін"},
		Chat: models.Chat{ID: group, Type: models.ChatTypeSupergroup, Title: "Модератори"}, Text: "привіт",
	}})
	h.settle()
	if !strings.Contains(logs.String(), `"chat_id":-1009876543210`) {
		t.Errorf("the unknown group's id is not in the debug log:\n%s", logs.String())
	}
	if n := len(h.srv.Messages(group)); n != 0 {
		t.Errorf("the bot wrote %d messages in a group it is not configured for", n)
	}
}

// A low rating whose "what went wrong" and comment are a thousand & each
// (escaped, five times as long) gets a card Telegram accepts, and so does
// the normal low rating after it: each posted once. (The card used to be
// cut after escaping, inside an &amp;, which Telegram refused; the poster
// then retried every 15 s, posting the cards before it again each time.)
func TestReviewCardsOfHostileTextArePostedOnce(t *testing.T) {
	h := newHarness(t)
	amps := strings.Repeat("&", 1000)
	for i, comment := range []string{amps, "Чекала дві години"} {
		ctx := context.Background()
		one, two := 1, 2
		r, err := store.StartResponse(ctx, h.st.DB(), store.Response{
			Kind: "rating", Questionnaire: "rating", Version: 1, Pack: "hsc", UserID: int64(8401 + i),
			Centre: h.app.Pack.Centres[0].ID, Lang: "uk",
			Answers: dialogs.Answers{"time": {Number: &one}, "queue": {Number: &two}, "staff": {Number: &one},
				"comfort": {Number: &one}, "info": {Number: &one}, "what_wrong": {Text: comment}, "comment": {Text: comment}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SubmitResponse(ctx, h.st.DB(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	h.app.WakeReviews()
	cards := func(s *bottest.Server) (n int) {
		for _, m := range s.Messages(staffChat) {
			if strings.Contains(m.Text, "R-") {
				n++
			}
		}
		return n
	}
	h.srv.Wait(t, 20*time.Second, "two review cards", func(s *bottest.Server) bool { return cards(s) >= 2 })
	h.app.WakeReviews()
	time.Sleep(500 * time.Millisecond) // a second pass, which must post nothing again
	if n := cards(h.srv); n != 2 {
		t.Errorf("%d review cards posted for 2 low ratings", n)
	}
	h.noRejects()
}

// Whatever a citizen types, the card's HTML is one Telegram can parse and
// its text is within Telegram's limit: checked at every alignment of a long
// run of characters that escaping lengthens.
func TestReviewCardIsValidHTMLWhateverTheAnswers(t *testing.T) {
	h := newHarness(t)
	one := 1
	for _, prefix := range []string{"", "a", "ab", "abc", "abcd"} {
		for _, run := range []string{strings.Repeat("&", 1000), strings.Repeat("<", 1000), strings.Repeat("\"'>", 400)} {
			r := store.Response{ID: 7, Kind: "rating", Questionnaire: "rating", Version: 1, Pack: "hsc", Lang: "uk",
				Centre: h.app.Pack.Centres[0].ID, Answers: dialogs.Answers{"time": {Number: &one}, "queue": {Number: &one},
					"staff": {Number: &one}, "comfort": {Number: &one}, "info": {Number: &one},
					"what_wrong": {Text: prefix + run}, "comment": {Text: run + prefix}}}
			for name, card := range map[string]string{"card": h.app.desk.ReviewCard(r), "digest": h.app.desk.ReviewDigest([]store.Response{r, r, r, r})} {
				plain, _, err := dialogs.ParseHTML(card)
				if err != nil {
					t.Fatalf("%s with %q…: Telegram would refuse its HTML: %v", name, (prefix + run)[:8], err)
				}
				if n := dialogs.UTF16Len(plain); n > 4096 {
					t.Errorf("%s with %q…: %d characters, over Telegram's 4096", name, (prefix + run)[:8], n)
				}
			}
		}
	}
}

// The «ask a person» button under "no ready answer" carries the question's
// id sealed to the person it was shown to. Another citizen who forges it,
// with or without the seal, does not get the first one's question into
// their ticket; the person it was shown to does.
func TestForgedOperatorButtonDoesNotCarryAnotherCitizensQuestion(t *testing.T) {
	h := newHarness(t)
	alice := person{id: 8501, lang: "uk"}
	mallory := person{id: 8502, lang: "uk"}
	const secret = "жвахляк бурмило кварцюк у карпатах"
	h.says(alice, secret)
	noAnswer := h.nth(alice.id, 1)
	var data string
	for _, row := range noAnswer.Buttons() {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, "op:n:") {
				data = b.CallbackData
			}
		}
	}
	if data == "" {
		t.Fatalf("no «ask a person» button under %q: %s", noAnswer.Text, noAnswer.ReplyMarkup)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(data, "op:n:"), ".")
	h.says(mallory, "/menu")
	menu := h.nth(mallory.id, 1)
	for i, forged := range []string{"op:n:" + id, data} {
		h.taps(mallory, menu, forged)
		h.settle()
		if got := h.nth(mallory.id, 2+i).Text; got != h.text.Text("uk", "ticket.describe") {
			t.Errorf("a forged %q got %q; want to be asked for their own question", forged, got)
		}
	}
	for _, m := range h.srv.Messages(staffChat) {
		if strings.Contains(m.Text, "карпатах") {
			t.Errorf("another citizen's question reached the staff chat: %q", m.Text)
		}
	}
	// The genuine press opens Alice's ticket with her question.
	h.taps(alice, noAnswer, data)
	h.settle()
	found := false
	for _, m := range h.srv.Messages(staffChat) {
		found = found || strings.Contains(m.Text, "карпатах")
	}
	if !found {
		t.Error("the genuine button did not bring the question to the staff chat")
	}
}

// A card Telegram refuses for good is set aside with its error, once: the
// card after it is posted, and nothing is posted twice. (Before the
// outbox, the poster rolled back and retried every 15 s, holding back
// every other card and posting those before the refused one again.)
func TestRefusedReviewCardIsSetAsideAndHoldsNothingBack(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i, comment := range []string{"Перша картка", "Друга картка"} {
		one := 1
		r, err := store.StartResponse(ctx, h.st.DB(), store.Response{
			Kind: "rating", Questionnaire: "rating", Version: 1, Pack: "hsc", UserID: int64(8601 + i),
			Centre: h.app.Pack.Centres[0].ID, Lang: "uk",
			Answers: dialogs.Answers{"time": {Number: &one}, "queue": {Number: &one}, "staff": {Number: &one},
				"comfort": {Number: &one}, "info": {Number: &one}, "what_wrong": {Text: comment}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SubmitResponse(ctx, h.st.DB(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	h.srv.FailWith("sendMessage", 1, 400, "Bad Request: can't parse entities: unexpected end of name token at byte offset 3900")
	h.app.WakeReviews()
	posted := func() (first, second int) {
		for _, m := range h.srv.Messages(staffChat) {
			if strings.Contains(m.Text, "Перша картка") {
				first++
			}
			if strings.Contains(m.Text, "Друга картка") {
				second++
			}
		}
		return
	}
	h.srv.Wait(t, 20*time.Second, "the second card", func(*bottest.Server) bool { _, n := posted(); return n > 0 })
	h.app.WakeReviews()
	h.settle()
	time.Sleep(300 * time.Millisecond)
	if first, second := posted(); first != 0 || second != 1 {
		t.Errorf("cards posted: the refused one %d times, the next %d times; want 0 and 1", first, second)
	}
	var aside int
	h.st.DB().QueryRow(`SELECT count(*) FROM outbox WHERE status = 2 AND last_error LIKE '%parse entities%'`).Scan(&aside)
	if aside != 1 {
		t.Errorf("%d refused effects set aside with their error, want 1", aside)
	}
}

// A blocked citizen who asks for an operator is told the truth, with the
// official channels, not that an operator will see what they write.
func TestBlockedCitizenAskingForAnOperatorIsToldTheTruth(t *testing.T) {
	h := newHarness(t)
	p := person{id: 8701, lang: "uk"}
	topic := h.openTicketFor(p, "Перше питання про реєстрацію")
	h.blocks(topic.ThreadID)
	n := len(h.srv.Messages(p.id))
	h.says(p, "/operator")
	got := h.nth(p.id, n+1)
	if strings.Contains(got.Text, "оператор побачить") || !strings.HasPrefix(got.Text, h.text.Text("uk", "ticket.blocked_ask")) {
		t.Errorf("a blocked citizen's /operator got %q", got.Text)
	}
	for _, want := range []string{"https://eq.hsc.gov.ua", "https://hsc.gov.ua"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the notice does not name the official channel %s: %q", want, got.Text)
		}
	}
	h.noRejects()
}

// «👎 No» after /close leads somewhere: the citizen is offered to reopen
// the ticket, by a button or simply by writing what is still unclear, and
// moderators see the 👎 in the topic.
func TestNotSolvedOffersAReopenThatWorks(t *testing.T) {
	for _, how := range []string{"button", "writing"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t)
			p := person{id: 8801, lang: "uk"}
			topic := h.openTicketFor(p, "Як зареєструвати причіп?")
			h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
			h.settle()
			ask := h.last(p.id)
			h.taps(p, ask, "tr:1:n")
			h.settle()
			got := h.last(p.id)
			if !strings.Contains(got.Text, "№1") || !hasButton(got, "tr:1:r") {
				t.Fatalf("after «👎 Ні» the citizen got %q %s; want the offer to reopen", got.Text, got.ReplyMarkup)
			}
			for _, tp := range h.srv.Topics(staffChat) {
				if tp.ThreadID == topic.ThreadID && !strings.HasPrefix(tp.Name, "👎") {
					t.Errorf("moderators do not see the 👎 on the topic: %q", tp.Name)
				}
			}
			if how == "button" {
				h.taps(p, got, "tr:1:r")
			} else {
				h.says(p, "Досі не зрозуміло, які документи на причіп")
			}
			h.settle()
			if tk, err := store.OpenTicketOf(context.Background(), h.st.DB(), p.id); err != nil || tk.ID != 1 {
				t.Fatalf("ticket №1 is not open again: %+v, %v", tk, err)
			}
			if how == "writing" {
				if got := lastInThread(h, topic.ThreadID); got.Text != "Досі не зрозуміло, які документи на причіп" {
					t.Errorf("the citizen's words did not reach the topic: %q", got.Text)
				}
			}
			for _, tp := range h.srv.Topics(staffChat) {
				if tp.ThreadID == topic.ThreadID && (tp.Closed || strings.HasPrefix(tp.Name, "👎")) {
					t.Errorf("the reopened ticket's topic is %+v; want it open, without the 👎", tp)
				}
			}
			h.noRejects()
		})
	}
}

func lastInThread(h *harness, thread int) bottest.Message {
	ms := inThread(h.srv.Messages(staffChat), thread)
	if len(ms) == 0 {
		return bottest.Message{}
	}
	return ms[len(ms)-1]
}

// A photo captioned with a question, outside any dialog, is answered as its
// caption; a voice message is told plainly that only text is read, with
// the way to an operator (who can listen to it).
func TestCaptionIsAQuestionAndVoiceGetsAPlainWord(t *testing.T) {
	h := newHarness(t)
	p := person{id: 8901, lang: "uk"}
	h.srv.Push(models.Update{Message: &models.Message{
		Date: int(time.Now().Unix()), From: p.user(), Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate},
		Photo:   []models.PhotoSize{{FileID: "ph9", FileUniqueID: "u9", Width: 90, Height: 90}},
		Caption: "загубив посвідчення водія, що робити?",
	}})
	got := h.nth(p.id, 1)
	if !strings.Contains(got.Text, h.answerOf("lost_licence", "uk")) && !hasButton(got, "fq:lost_licence") {
		t.Errorf("a photo captioned «загубив посвідчення водія» got %q %s", got.Text, got.ReplyMarkup)
	}
	h.srv.Push(models.Update{Message: &models.Message{
		Date: int(time.Now().Unix()), From: p.user(), Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate},
		Voice: &models.Voice{FileID: "vo1", FileUniqueID: "v1", Duration: 4},
	}})
	got = h.nth(p.id, 2)
	if got.Text != h.text.Text("uk", "hint.voice") || !hasButton(got, "op:m") {
		t.Errorf("a voice message got %q %s", got.Text, got.ReplyMarkup)
	}
	h.noRejects()
}

// «No ready answer» offers one «ask a person» button, not two.
func TestNoAnswerOffersOneOperatorButton(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9001, lang: "uk"}
	h.says(p, "жвахляк бурмило кварцюк")
	got := h.nth(p.id, 1)
	n := 0
	for _, row := range got.Buttons() {
		for _, b := range row {
			if b.Text == h.text.Text("uk", "ticket.ask_person") {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("%d «ask a person» buttons under %q: %s", n, got.Text, got.ReplyMarkup)
	}
}

// A moderator's //note gets a 👌 so they see it was kept (and not sent to
// the citizen); a second /close says the ticket is closed already.
func TestNoteIsAcknowledgedAndASecondCloseAnswers(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9101, lang: "uk"}
	topic := h.openTicketFor(p, "Питання про номерні знаки")
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "//перевірити в реєстрі"})
	h.settle()
	reacted := false
	for _, r := range h.srv.RequestsFor("setMessageReaction") {
		reacted = reacted || (r.OK() && strings.Contains(r.Get("reaction"), "👌"))
	}
	if !reacted {
		t.Error("the //note got no sign that it was kept")
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	// The fake, like Telegram, takes no message in a closed topic: the
	// answer is the note where it can be posted, else a 👌 on /close.
	oks := 0
	for _, r := range h.srv.RequestsFor("setMessageReaction") {
		if r.OK() {
			oks++
		}
	}
	if lastInThread(h, topic.ThreadID).Text != h.text.Text("uk", "desk.already_closed", map[string]any{"ID": 1}) && oks < 2 {
		t.Errorf("a second /close got no answer (%d reactions in all, one for the note)", oks)
	}
}

// The FAQ's topics come two to a row where their labels are short enough,
// not eighteen rows in one column.
func TestFAQTopicsInTwoColumns(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9201, lang: "uk"}
	h.says(p, "/faq")
	topics := h.nth(p.id, 1)
	rows := topics.Buttons()
	n, pairs := 0, 0
	for _, row := range rows {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, "fc:") {
				n++
			}
		}
		if len(row) == 2 {
			pairs++
		}
		if len(row) > 2 {
			t.Errorf("a row of %d buttons: %+v", len(row), row)
		}
	}
	if n < 10 || pairs == 0 || len(rows) > n {
		t.Errorf("%d topics in %d rows (%d pairs); want them paired", n, len(rows), pairs)
	}
}

// With the hsc pack (Ukrainian and Russian), a person whose Telegram speaks
// English is offered the pack's languages only, and what they typed before
// choosing is answered after.
func TestOnlyThePacksLanguagesAreOfferedAndTheFirstQuestionIsKept(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9301, lang: "en"}
	h.says(p, "загубив права що робити")
	ask := h.nth(p.id, 1)
	var langs []string
	for _, row := range ask.Buttons() {
		for _, b := range row {
			_, lang := tg.ParseCallback(b.CallbackData)
			langs = append(langs, lang)
		}
	}
	if strings.Join(langs, ",") != "uk,ru" {
		t.Errorf("languages offered: %v; want uk and ru only", langs)
	}
	for _, row := range ask.Buttons() {
		for _, b := range row {
			if strings.HasSuffix(b.CallbackData, ":uk") {
				h.taps(p, ask, b.CallbackData)
			}
		}
	}
	h.settle()
	found := false
	for _, m := range h.srv.Messages(p.id) {
		found = found || strings.Contains(m.Text, h.answerOf("lost_licence", "uk")) || hasButton(m, "fq:lost_licence")
	}
	if !found {
		t.Errorf("the question typed before the choice was not answered after it: %+v", h.srv.Messages(p.id))
	}
	h.noRejects()
}

// While the Bot API cannot be reached at all, the public ratings, health
// and metrics answer: the web pages need the database, not Telegram.
func TestPagesAnswerWhileTelegramIsUnreachable(t *testing.T) {
	srv := bottest.New(t)
	srv.Close() // its address now refuses every connection
	st := pgtest.New(t)
	seedRatings(t, st)
	b := startOpsBot(t, srv, st, nil)
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body := b.get(web.PathRatings + "?lang=uk")
		if code == http.StatusOK && strings.Contains(body, "ТСЦ МВС № 6341") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ratings while Telegram is unreachable: %d %q", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, _ := b.get(web.PathHealth); code != http.StatusOK {
		t.Errorf("/healthz while Telegram is unreachable: %d", code)
	}
	if code, _ := b.get(web.PathMetrics); code != http.StatusOK {
		t.Errorf("/metrics while Telegram is unreachable: %d", code)
	}
	if code, _ := b.get(web.PathReady); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while Telegram is unreachable: %d; want 503 (not taking updates)", code)
	}
}

// After low scores, the citizen types what went wrong; the next question
// comes as a new message, and the old one still shows «Skip». Tapping it
// must not replace the typed answer (it used to become «—»): it only says
// the question is behind them.
func TestStaleSkipKeepsTheTypedAnswer(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9401, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	withSkip := h.rateLowUntil(p, "comment", "Стояла 3 години в черзі")["what_wrong"]
	if !hasButton(withSkip, turn.CbSurveySkip+":r:what_wrong") {
		t.Fatalf("the «what went wrong» step had no Skip: %q %s", withSkip.Text, withSkip.ReplyMarkup)
	}
	// The step answered by typing has lost its buttons in the chat.
	for _, m := range h.srv.Messages(p.id) {
		if m.ID == withSkip.ID && len(m.Buttons()) > 0 {
			t.Errorf("the step answered by text still shows %d rows of buttons: %s", len(m.Buttons()), m.ReplyMarkup)
		}
	}
	h.taps(p, withSkip, turn.CbSurveySkip+":r:what_wrong")
	h.settle()
	if got := h.draft(p, "rating").Answers["what_wrong"]; got.Text != "Стояла 3 години в черзі" || got.Skipped {
		t.Errorf("after a stale Skip the answer is %+v; want the typed text kept", got)
	}
	alert := false
	for _, r := range h.srv.RequestsFor("answerCallbackQuery") {
		alert = alert || r.Get("text") == h.text.Text("uk", "survey.step_passed")
	}
	if !alert {
		t.Error("the stale Skip did not say the question is behind them")
	}
	h.noRejects()
}

// An update id that comes again with other content is kept as it first
// came, and the operator is told in the log (a redelivery of the same
// content is not worth a line).
func TestRedeliveredIDWithOtherContentIsLogged(t *testing.T) {
	h := hookHarness(t)
	h.stop()
	var logs lockedBuffer
	h.log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h.start()
	h.srv.AddChat(models.Chat{ID: 9501, Type: models.ChatTypePrivate})
	post := func(text string) {
		h.hook(fmt.Appendf(nil, `{"update_id":777,"message":{"message_id":1,"date":1,"chat":{"id":9501,"type":"private"},"from":{"id":9501,"is_bot":false,"first_name":"A","language_code":"uk"},"text":%q}}`, text))
	}
	post("/help")
	post("/help")
	if strings.Contains(logs.String(), "other content") {
		t.Errorf("a redelivery of the same update was logged as changed:\n%s", logs.String())
	}
	post("/menu")
	if !strings.Contains(logs.String(), `"update_id":777`) || !strings.Contains(logs.String(), "other content") {
		t.Errorf("an update id that came again with other content was not logged:\n%s", logs.String())
	}
	var text string
	h.st.DB().QueryRow(`SELECT payload->'message'->>'text' FROM inbox WHERE update_id = 777`).Scan(&text)
	if text != "/help" {
		t.Errorf("the inbox keeps %q; want the first content, /help", text)
	}
}

// «Add to FAQ» from a ticket keeps the citizen's words as the new entry's
// first phrasing, and names the entry after its topic, not «smwzld4lb».
func TestTicketToFAQKeepsTheWordingAndAReadableID(t *testing.T) {
	const adminID = 9601
	h := newHarness(t, func(c *Config) { c.AdminIDs = []int64{adminID} })
	admin := person{id: adminID, lang: "uk"}
	h.says(admin, "/start") // an admin who has started the bot gets the editor
	h.settle()
	p := person{id: 9602, lang: "uk"}
	topic := h.openTicketFor(p, "Чи можна зареєструвати причіп без техогляду?")
	card := inThread(h.srv.Messages(staffChat), topic.ThreadID)[0]
	q := &models.CallbackQuery{ID: "cq-faq", From: models.User{ID: adminID, FirstName: "Адмін"}, Data: "tk:f:1", ChatInstance: "ci",
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: card.ID, Date: int(time.Now().Unix()),
			Chat: models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, IsForum: true}, MessageThreadID: topic.ThreadID}}}
	h.srv.Push(models.Update{CallbackQuery: q})
	h.settle()
	pick := h.last(adminID)
	h.taps(admin, pick, "fe:t:1:vehicle_registration")
	h.settle()
	for _, text := range []string{"Чи можна зареєструвати причіп без техогляду?", "Так, для причепа техогляд не потрібен.", "Можно ли зарегистрировать прицеп без техосмотра?", "Да, для прицепа техосмотр не нужен."} {
		h.says(admin, text)
		h.settle()
	}
	saved := h.last(adminID).Text
	m := regexp.MustCompile(`<code>([a-z0-9_]+)</code>`).FindStringSubmatch(saved)
	if m == nil || !regexp.MustCompile(`^vehicle_registration_\d+$`).MatchString(m[1]) {
		t.Fatalf("the new entry's id is not vehicle_registration_<n>: %q", saved)
	}
	e, err := store.FAQEntry(context.Background(), h.st.DB(), "hsc", m[1])
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Phrasings["uk"]; len(got) != 1 || got[0] != "Чи можна зареєструвати причіп без техогляду?" {
		t.Errorf("the new entry's phrasings are %v; want the citizen's words", e.Phrasings)
	}
}

// A step's button label typed («ні») is that button; a voice message where
// text is awaited is told plainly that only text is read, not «empty».
func TestTypedLabelsAndVoiceInAQuestionnaire(t *testing.T) {
	h := newHarness(t)
	p := person{id: 9701, lang: "uk"}
	h.says(p, "/rate")
	h.taps(p, h.nth(p.id, 1), "qs:r:go")
	h.rateLowUntil(p, "what_wrong", "")
	h.srv.Push(models.Update{Message: &models.Message{
		Date: int(time.Now().Unix()), From: p.user(), Chat: models.Chat{ID: p.id, Type: models.ChatTypePrivate},
		Voice: &models.Voice{FileID: "vo2", FileUniqueID: "v2", Duration: 3},
	}})
	h.settle()
	if got := h.last(p.id).Text; !strings.HasPrefix(got, h.text.Text("uk", "survey.err.voice")) {
		t.Errorf("a voice message at «what went wrong?» got %q", got)
	}
	h.says(p, "Довга черга")
	h.settle()
	h.says(p, "Ні.")
	h.settle()
	if got := h.draft(p, "rating").Answers["followup"]; len(got.Choice) != 1 || got.Choice[0] != dialogs.ChoiceNo {
		t.Fatalf("«Ні.» typed at a yes/no step gave %+v; want no", got)
	}
	h.noRejects()
}

// rateLowUntil walks a started rating as a dissatisfied visitor: the first
// centre, 1 for every score, typed at every text step, until the step
// stop (or the summary). It returns the message each typed answer went
// under, by question id.
func (h *harness) rateLowUntil(p person, stop, typed string) map[string]bottest.Message {
	h.t.Helper()
	q, _ := h.app.Pack.Questionnaire("rating")
	under := map[string]bottest.Message{}
	for step := 0; step < 20; step++ {
		h.settle()
		r := h.draft(p, "rating")
		msg := h.last(p.id)
		if r.Centre == "" {
			h.pickCentre(p, msg, "r")
			continue
		}
		qq, ok := q.Next(r.Answers)
		if !ok || qq.ID == stop {
			return under
		}
		if qq.Type == dialogs.QuestionText {
			under[qq.ID] = msg
			h.says(p, typed)
			continue
		}
		choice := typical(qq)
		if qq.Type == dialogs.QuestionRating5 {
			choice = "1"
		}
		h.taps(p, msg, turn.CbSurveyAns+":r:"+qq.ID+":"+choice)
	}
	h.t.Fatalf("the rating did not reach %s in 20 steps", stop)
	return nil
}

// A citizen's /reopen reopens their latest ticket; when it cannot, it says
// why (they have none, it is still open, it was closed longer ago than
// their words are kept) and what to do instead.
func TestCitizenReopenSaysWhyNot(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.PersonalDataRetention = 30 * 24 * time.Hour })
	p := person{id: 9301, lang: "uk"}
	reopen := func() string {
		n := len(h.srv.Messages(p.id))
		h.says(p, "/reopen")
		return h.nth(p.id, n+1).Text
	}
	if got := reopen(); got != h.text.Text("uk", "ticket.reopen_none") || !strings.Contains(got, "/operator") {
		t.Errorf("/reopen without any ticket: %q", got)
	}
	topic := h.openTicketFor(p, "Скільки чекати на посвідчення?")
	if got := reopen(); got != h.text.Text("uk", "ticket.already_open", map[string]any{"ID": 1}) {
		t.Errorf("/reopen of an open ticket: %q", got)
	}
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "/close"})
	h.settle()
	h.st.DB().MustExec(`UPDATE tickets SET closed_at = now() - interval '40 days' WHERE id = 1`)
	got := reopen()
	if !strings.Contains(got, "№1") || !strings.Contains(got, "40 днів") || !strings.Contains(got, "/operator") {
		t.Errorf("/reopen of a ticket closed 40 days ago: %q", got)
	}
	if tk, _ := store.GetTicket(context.Background(), h.st.DB(), 1); tk.Status != store.TicketClosed {
		t.Errorf("a ticket closed 40 days ago was reopened: %+v", tk)
	}
	h.st.DB().MustExec(`UPDATE tickets SET closed_at = now() - interval '2 days' WHERE id = 1`)
	if got := reopen(); got != h.text.Text("uk", "ticket.reopened", map[string]any{"ID": 1}) {
		t.Errorf("/reopen of a ticket closed 2 days ago: %q", got)
	}
	h.settle()
	if tk, _ := store.GetTicket(context.Background(), h.st.DB(), 1); tk.Status != store.TicketOpen {
		t.Errorf("/reopen left the ticket %+v", tk)
	}
	for _, tp := range h.srv.Topics(staffChat) {
		if tp.ThreadID == topic.ThreadID && tp.Closed {
			t.Errorf("the reopened ticket's topic is still closed: %+v", tp)
		}
	}
	h.noRejects()
}

// A score typed the way people write it («5/5», «4 зірки», «відмінно»,
// «на трійку», «⭐⭐⭐⭐») is that score; «5 хвилин» (minutes waited), «-5»
// and «4,5» are not taken for one, and the step says what a score is. A
// yes/no answered in a few words is its first word, unless another word
// takes it back («да нет», «так, але не дзвоніть») or asks something
// («так, а навіщо?»: asked again, not taken for yes); a Ukrainian
// speaker's «да» is yes too, and «tak» or «нi» with a Latin «i» are read
// as written.
func TestTypedScoresInAQuestionnaire(t *testing.T) {
	h := newHarness(t)
	centre := h.app.Pack.Centres[0]
	q, _ := h.app.Pack.Questionnaire(dialogs.KindRating)
	id := int64(9710)
	for _, c := range []struct {
		typed string
		want  int
	}{{"5/5", 5}, {"4 зірки", 4}, {"відмінно", 5}, {"п'ять", 5}, {"погано", 2}, {"на трійку", 3}, {"⭐⭐⭐⭐", 4},
		{"хорошо", 4}, {"все добре", 4}, {"не погано", 4}, {"ну десь 4 напевно", 4}, {"я б поставив 3", 3}, {"ну где-то 4 наверное", 4}, {"норм", 3}, {"4-5", 0},
		{"5 хвилин", 0}, {"-5", 0}, {"4,5", 0}, {"ок", 0}, {"ok", 0}} {
		id++
		p := person{id: id, lang: "uk"}
		h.says(p, "/start r_"+centre.ID+"_3")
		h.taps(p, h.nth(p.id, 1), "qs:r:go")
		h.settle()
		qq, _ := q.Next(h.draft(p, dialogs.KindRating).Answers)
		h.says(p, c.typed)
		h.settle()
		got := h.draft(p, dialogs.KindRating).Answers[qq.ID]
		switch {
		case c.want == 0 && got.Number != nil:
			t.Errorf("«%s» was taken for the score %d", c.typed, *got.Number)
		case c.want == 0 && !strings.HasPrefix(h.last(p.id).Text, h.text.Text("uk", "survey.err.expected_score", map[string]any{"Lo": 1, "Hi": 5})):
			t.Errorf("«%s» refused with %q", c.typed, h.last(p.id).Text)
		case c.want != 0 && (got.Number == nil || *got.Number != c.want):
			t.Errorf("«%s» typed at a score step gave %+v; want %d", c.typed, got, c.want)
		}
	}

	// A yes/no step answered in a few words.
	for _, c := range []struct {
		typed, want string
	}{{"так, звертався", dialogs.ChoiceYes}, {"звичайно", dialogs.ChoiceYes}, {"да", dialogs.ChoiceYes}, {"ні, не треба", dialogs.ChoiceNo},
		{"да нет", ""}, {"так, але не дзвоніть", ""}, {"да не", ""}, {"так собі", ""}, {"ні, не хочу", dialogs.ChoiceNo}, {"ну нет", dialogs.ChoiceNo},
		{"так, а навіщо?", ""}, {"да, а зачем?", ""}, {"та ні", dialogs.ChoiceNo}, {"не було", dialogs.ChoiceNo},
		// Typed in Latin letters, or with a Latin «i» in «нi».
		{"tak", dialogs.ChoiceYes}, {"ni", dialogs.ChoiceNo}, {"не впевнений", ""}, {"н\u0069", dialogs.ChoiceNo}, {"НІ!!!", dialogs.ChoiceNo}} {
		id++
		p := person{id: id, lang: "uk"}
		h.says(p, "/rate")
		h.taps(p, h.nth(p.id, 1), "qs:r:go")
		h.rateLowUntil(p, "what_wrong", "")
		h.says(p, "Довга черга")
		h.settle()
		h.says(p, c.typed)
		h.settle()
		got := h.draft(p, "rating").Answers["followup"]
		switch {
		case c.want == "" && len(got.Choice) > 0:
			t.Errorf("«%s», which takes itself back, was taken as %v", c.typed, got.Choice)
		case c.want != "" && (len(got.Choice) != 1 || got.Choice[0] != c.want):
			t.Errorf("«%s» at a yes/no step gave %+v; want %s", c.typed, got, c.want)
		}
	}
	h.noRejects()
}
