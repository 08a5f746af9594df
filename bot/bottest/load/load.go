// Package load is the citizens of the benchmark and of the fault tests:
// simulated private chats that talk to the bot through bottest's fake Bot
// API, each waiting for its reply (a closed loop) or at a rate offered (an
// open loop), browsing the FAQ, typing questions, rating their visit and
// filling in the mystery-shopper questionnaire, and timing every reply from
// the moment its update was pushed.
package load

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gopkg.in/yaml.v3"

	"servicebot/bot/bottest"
	"servicebot/dialogs"
)

// Citizens are private chats with user ids from CitizenBase; the
// benchmark's stored sessions start at SessionBase.
const (
	CitizenBase = 1_000_000_000
	SessionBase = 2_000_000_000
)

// Command is what the bot's process asks of the load process.
type Command struct {
	Kind     string        `json:"kind"` // closed, open, quit
	Duration time.Duration `json:"duration"`
	Citizens int           `json:"citizens"`
	Rate     float64       `json:"rate,omitempty"`   // open: updates a second
	Script   string        `json:"script,omitempty"` // closed: ScriptFAQ or ScriptBare
	IDBase   int64         `json:"id_base"`
	IDPool   int           `json:"id_pool,omitempty"` // >0: citizens take turns at this many identities
}

// What the citizens of a closed loop do, over and over. FAQ: open the menu,
// browse the FAQ to a question and its answer, then type a question. Mixed:
// a third of the citizens do that, a third rate their visit from a QR
// code's link and a third fill in the mystery-shopper questionnaire, each
// to the end and again. The bare client answers everything with a new
// message, which the next tap uses.
const (
	ScriptFAQ   = "faq"
	ScriptMixed = "mixed"
	ScriptBare  = "bare"
)

type Result struct {
	Kind          string    `json:"kind"`
	Start         time.Time `json:"start"` // the first update pushed
	Stop          time.Time `json:"stop"`  // the last update pushed
	Pushed        int       `json:"pushed"`
	Offered       float64   `json:"offered"` // updates pushed a second
	Replies       int       `json:"replies"`
	RepliesPerSec float64   `json:"replies_per_s"` // after the first second (or fifth)
	Unmatched     int       `json:"unmatched"`     // replies to no update waiting: repeats
	Timeouts      int       `json:"timeouts"`
	HTTPErrors    int       `json:"http_errors"`
	Rejected      int       `json:"rejected"`
	Connections   int       `json:"connections"` // TCP connections the bot opened to the Bot API
	FirstUpdate   int64     `json:"first_update"`
	LastUpdate    int64     `json:"last_update"`
	Latency       Latency   `json:"latency_ms"`
	PeakRSSKB     int64     `json:"peak_rss_kb"`
}

// Load is the fake Bot API, which notes each reply as it is answered,
// and the citizens who talk to the bot through it.
type Load struct {
	srv     *bottest.Server
	faq     []category
	queries []string
	centres []string // the pack's centre ids, for the QR codes' links

	// ReplyTimeout is how long a citizen waits for a reply before counting
	// a timeout and going on.
	ReplyTimeout time.Duration

	pushMu     sync.Mutex
	lastUpdate int64

	mu    sync.Mutex
	chats map[int64]*Chat
	rec   *recorder
}

type category struct {
	id      string
	entries []string
}

// Chat is one citizen's private chat.
type Chat struct {
	id      int64
	lang    string
	mu      sync.Mutex
	pending []time.Time // when each update still waiting for its reply was pushed
	lastMsg int         // the bot's latest message
	nextMsg int
	replied chan struct{}
}

// recorder collects one phase's replies.
type recorder struct {
	mu         sync.Mutex
	latencies  []time.Duration
	replyTimes []time.Time
	unmatched  int
	timeouts   int
	httpErrors int
	conns      int64 // the fake's count of connections when the phase began
}

// New starts the fake Bot API (closed by tb's cleanup).
func New(pack string) (*Load, error) {
	p, err := dialogs.LoadShippedPack(pack)
	if err != nil {
		return nil, fmt.Errorf("load: pack %s: %w", pack, err)
	}
	srv, err := bottest.Start()
	if err != nil {
		return nil, err
	}
	l := &Load{
		srv:          srv,
		chats:        map[int64]*Chat{},
		ReplyTimeout: 30 * time.Second,
	}
	l.srv.Observe(l.observe)
	byCat := map[string]*category{}
	for _, c := range p.Categories {
		byCat[c.ID] = &category{id: c.ID}
	}
	for _, e := range p.Entries {
		if c := byCat[e.Category]; c != nil && !e.Hidden {
			c.entries = append(c.entries, e.ID)
		}
	}
	for _, c := range p.Categories {
		if len(byCat[c.ID].entries) > 0 {
			l.faq = append(l.faq, *byCat[c.ID])
		}
	}
	if len(l.faq) == 0 {
		srv.Close()
		return nil, fmt.Errorf("load: pack %s has no FAQ", pack)
	}
	l.queries = queries(p)
	for _, c := range p.Centres {
		l.centres = append(l.centres, c.ID)
	}
	return l, nil
}

// Close stops the fake Bot API.
func (l *Load) Close() { l.srv.Close() }

// URL is the Bot API URL the bot should use.
func (l *Load) URL() string { return l.srv.URL() }

// Server is the fake Bot API.
func (l *Load) Server() *bottest.Server { return l.srv }

// queries are what citizens type: the pack's test questions
// (dialogs/testdata/<pack>_queries.yaml, found above the working directory),
// else the FAQ's own questions.
func queries(p *dialogs.Pack) []string {
	var out []string
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			raw, err := os.ReadFile(filepath.Join(d, "dialogs", "testdata", p.ID+"_queries.yaml"))
			if err == nil {
				var qs []struct {
					Q string `yaml:"q"`
				}
				if yaml.Unmarshal(raw, &qs) == nil {
					for _, q := range qs {
						if strings.TrimSpace(q.Q) != "" && !strings.HasPrefix(q.Q, "/") {
							out = append(out, q.Q)
						}
					}
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if len(out) == 0 {
		for _, e := range p.Entries {
			for _, lang := range p.Languages {
				if q := e.Question.In(lang); q != "" {
					out = append(out, q)
				}
			}
		}
	}
	return out
}

// replyMethods put a reply in front of the citizen.
var replyMethods = map[string]bool{
	"sendmessage": true, "editmessagetext": true, "editmessagereplymarkup": true, "editmessagecaption": true,
	"sendphoto": true, "senddocument": true, "copymessage": true, "forwardmessage": true,
}

// observe notes a reply from what the fake Bot API answered. (The fake
// calls it once a request is answered: as with Telegram, a request that
// arrived whole is carried out even if the bot was killed meanwhile.)
func (l *Load) observe(method string, status int, answer []byte, at time.Time) {
	method = strings.ToLower(method)
	if status != http.StatusOK {
		l.record(func(rec *recorder) { rec.httpErrors++ })
		return
	}
	if !replyMethods[method] {
		return
	}
	var ans struct {
		Result struct {
			MessageID int `json:"message_id"`
			Chat      struct {
				ID int64 `json:"id"`
			} `json:"chat"`
		} `json:"result"`
	}
	if json.Unmarshal(answer, &ans) != nil || ans.Result.Chat.ID == 0 {
		return
	}
	l.replied(ans.Result.Chat.ID, ans.Result.MessageID, at)
}

func (l *Load) record(f func(*recorder)) {
	l.mu.Lock()
	rec := l.rec
	l.mu.Unlock()
	if rec != nil {
		rec.mu.Lock()
		f(rec)
		rec.mu.Unlock()
	}
}

// replied matches a reply with the oldest update of the chat waiting for one.
func (l *Load) replied(chatID int64, msgID int, at time.Time) {
	c := l.Chat(chatID)
	c.mu.Lock()
	var pushed time.Time
	matched := len(c.pending) > 0
	if matched {
		pushed = c.pending[0]
		c.pending = c.pending[1:]
	}
	if msgID > 0 {
		c.lastMsg = msgID
	}
	c.mu.Unlock()
	l.record(func(rec *recorder) {
		rec.replyTimes = append(rec.replyTimes, at)
		if matched {
			rec.latencies = append(rec.latencies, at.Sub(pushed))
		} else {
			rec.unmatched++
		}
	})
	select {
	case c.replied <- struct{}{}:
	default:
	}
}

func (l *Load) Chat(id int64) *Chat {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.chats[id]
	if c == nil {
		lang := "uk"
		if id%2 == 1 {
			lang = "ru"
		}
		c = &Chat{id: id, lang: lang, replied: make(chan struct{}, 1)}
		l.chats[id] = c
	}
	return c
}

// push makes an update available to getUpdates; build gets the update id
// and the citizen's next message id.
func (l *Load) Push(c *Chat, build func(updateID int64, msgID int) []byte) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextMsg = max(c.nextMsg, c.lastMsg) + 1
	l.pushMu.Lock()
	l.lastUpdate++
	id := l.lastUpdate
	_, err := l.srv.PushJSON(build(id, c.nextMsg))
	l.pushMu.Unlock()
	if err != nil {
		return 0, err
	}
	c.pending = append(c.pending, time.Now())
	return id, nil
}

// LastUpdate is the id of the last update pushed.
func (l *Load) LastUpdate() int64 {
	l.pushMu.Lock()
	defer l.pushMu.Unlock()
	return l.lastUpdate
}

func userJSON(c *Chat) string {
	return fmt.Sprintf(`{"id":%d,"is_bot":false,"first_name":"Citizen","language_code":"%s"}`, c.id, c.lang)
}

func (c *Chat) Says(text string) func(int64, int) []byte {
	return func(id int64, msg int) []byte {
		q, _ := json.Marshal(text)
		ents := ""
		if strings.HasPrefix(text, "/") {
			ents = fmt.Sprintf(`,"entities":[{"type":"bot_command","offset":0,"length":%d}]`, dialogs.UTF16Len(strings.Fields(text)[0]))
		}
		return fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"from":%s,"chat":{"id":%d,"first_name":"Citizen","type":"private"},"date":%d,"text":%s%s}}`,
			id, msg, userJSON(c), c.id, time.Now().Unix(), q, ents)
	}
}

func (c *Chat) Taps(data string) func(int64, int) []byte {
	return func(id int64, _ int) []byte {
		q, _ := json.Marshal(data)
		return fmt.Appendf(nil, `{"update_id":%d,"callback_query":{"id":"cq%d","from":%s,"message":{"message_id":%d,"chat":{"id":%d,"first_name":"Citizen","type":"private"},"date":%d},"chat_instance":"ci%d","data":%s}}`,
			id, id, userJSON(c), c.lastMsg, c.id, time.Now().Unix(), c.id, q)
	}
}

// begin starts recording a phase.
func (l *Load) begin() (*recorder, int) {
	rec := &recorder{conns: int64(l.srv.Connections())}
	l.mu.Lock()
	l.rec = rec
	l.mu.Unlock()
	return rec, len(l.srv.Rejected())
}

func (l *Load) end(r *Result, rec *recorder, rejectedBefore int) {
	l.mu.Lock()
	l.rec = nil
	l.mu.Unlock()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	r.Replies = len(rec.replyTimes)
	r.Unmatched, r.Timeouts, r.HTTPErrors = rec.unmatched, rec.timeouts, rec.httpErrors
	r.Latency = Summarize(rec.latencies)
	r.Rejected = len(l.srv.Rejected()) - rejectedBefore
	r.Connections = l.srv.Connections() - int(rec.conns)
	if span := r.Stop.Sub(r.Start); span > 0 {
		r.Offered = math.Round(float64(r.Pushed)/span.Seconds()*10) / 10
		from := r.Start.Add(min(time.Second, span/5))
		n := 0
		for _, t := range rec.replyTimes {
			if !t.Before(from) && !t.After(r.Stop) {
				n++
			}
		}
		if s := r.Stop.Sub(from).Seconds(); s > 0 {
			r.RepliesPerSec = float64(n) / s
		}
	}
}

// Closed runs a closed loop: each citizen waits for the reply to an update
// before sending the next, for c.Duration; then the replies still due are
// awaited.
func (l *Load) Closed(ctx context.Context, cmd Command) Result {
	r := Result{Kind: "closed", FirstUpdate: l.LastUpdate() + 1}
	rec, rejected := l.begin()
	var pushed atomic.Int64
	r.Start = time.Now()
	deadline := r.Start.Add(cmd.Duration)
	var wg sync.WaitGroup
	for i := range cmd.Citizens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(cmd.IDBase)))
			var q *questionnaire
			if cmd.Script == ScriptMixed && i%3 != 0 {
				q = &questionnaire{kind: "mystery"}
				if i%3 == 1 {
					q.kind = "rating"
				}
			}
			// Who the citizen is: with IDPool, a new identity from the pool
			// for each round (5 FAQ steps, or one questionnaire).
			var c *Chat
			round := -1
			identity := func(n int) {
				if n == round {
					return
				}
				round = n
				id := cmd.IDBase + int64(i)
				if cmd.IDPool > 0 {
					id = cmd.IDBase + int64((i+n*cmd.Citizens)%cmd.IDPool)
				}
				c = l.Chat(id)
			}
			for k := 0; ctx.Err() == nil && time.Now().Before(deadline); k++ {
				var build func(int64, int) []byte
				if q != nil {
					identity(q.sent)
					build = q.next(l, c, rng)
				} else {
					identity(k / 5)
					build = l.faqStep(c, k, rng, cmd.Script)
				}
				select {
				case <-c.replied: // a stale signal
				default:
				}
				if _, err := l.Push(c, build); err != nil {
					return
				}
				pushed.Add(1)
				if !l.await(ctx, c) {
					rec.mu.Lock()
					rec.timeouts++
					rec.mu.Unlock()
				}
			}
		}()
	}
	// Pushing stops at the deadline; what is in flight then is still awaited.
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(min(10*time.Millisecond, time.Until(deadline)))
	}
	r.Stop = time.Now()
	wg.Wait()
	r.Pushed = int(pushed.Load())
	r.LastUpdate = l.LastUpdate()
	if r.Pushed == 0 {
		r.FirstUpdate = 0
	}
	l.end(&r, rec, rejected)
	return r
}

// faqStep is step k of the FAQ script: the menu, the FAQ's root, a
// category, a question, then a question typed.
func (l *Load) faqStep(c *Chat, k int, rng *rand.Rand, script string) func(int64, int) []byte {
	step := k % 5
	if script == ScriptBare && step != 0 && step != 4 {
		// The bare client's replies are new messages without buttons; a
		// tap is still a tap.
		return c.Taps("x:" + strconv.Itoa(k))
	}
	cat := l.faq[rng.IntN(len(l.faq))]
	switch step {
	case 0:
		return c.Says("/menu")
	case 1:
		return c.Taps("fr:")
	case 2:
		return c.Taps("fc:" + cat.id + ":0")
	case 3:
		return c.Taps("fq:" + cat.entries[rng.IntN(len(cat.entries))])
	}
	return c.Says(l.queries[rng.IntN(len(l.queries))])
}

// questionnaire is a citizen going through a questionnaire as a person would:
// by the buttons the bot shows, typing where there are none.
type questionnaire struct {
	kind    string // rating or mystery
	started bool
	sent    int    // questionnaires sent
	multi   string // the multiple-choice question just answered, to press Done
}

// prefer are the answers a satisfied visitor picks, so that no
// follow-up (a ticket, an integrity report) leaves the questionnaire.
var prefer = []string{"5", "10", "no", "na", "today"}

// next is the citizen's next update, read off the bot's last message.
func (s *questionnaire) next(l *Load, c *Chat, rng *rand.Rand) func(int64, int) []byte {
	if !s.started {
		s.started, s.multi = true, ""
		if s.kind == "rating" {
			return c.Says(fmt.Sprintf("/start r_%s_%d", l.centres[rng.IntN(len(l.centres))], 1+rng.IntN(9)))
		}
		return c.Says("/mystery")
	}
	c.mu.Lock()
	last := c.lastMsg
	c.mu.Unlock()
	var buttons []string
	for _, m := range l.srv.Messages(c.id) {
		if m.ID == last {
			for _, row := range m.Buttons() {
				for _, b := range row {
					buttons = append(buttons, b.CallbackData)
				}
			}
		}
	}
	find := func(prefix, suffix string) string {
		for _, b := range buttons {
			if strings.HasPrefix(b, prefix) && strings.HasSuffix(b, suffix) {
				return b
			}
		}
		return ""
	}
	if b := find("qs:", ":send"); b != "" {
		s.started = false
		s.sent++
		return c.Taps(b)
	}
	if b := firstNonEmptyString(find("qs:", ":new"), find("qs:", ":go"), findGo(buttons)); b != "" {
		return c.Taps(b)
	}
	if s.multi != "" {
		if b := find("qd:", ":"+s.multi); b != "" {
			s.multi = ""
			return c.Taps(b)
		}
	}
	s.multi = ""
	var answers []string
	for _, b := range buttons {
		if strings.HasPrefix(b, "qa:") {
			answers = append(answers, b)
		}
	}
	if len(answers) > 0 {
		pick := answers[0]
	prefer:
		for _, want := range prefer {
			for _, b := range answers {
				if strings.HasSuffix(b, ":"+want) {
					pick = b
					break prefer
				}
			}
		}
		if parts := strings.Split(pick, ":"); len(parts) == 4 && find("qd:", ":"+parts[2]) != "" {
			s.multi = parts[2] // one choice, then Done
		}
		return c.Taps(pick)
	}
	if b := firstNonEmptyString(find("qy:", ""), find("qk:", "")); b != "" {
		return c.Taps(b) // a city of the centre picker; or Skip for a photo or a comment
	}
	return c.Says("Усе пройшло добре, дякую")
}

func firstNonEmptyString(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// await waits until nothing of the chat waits for a reply; false after
// ReplyTimeout, when the oldest update waiting is given up on.
func (l *Load) await(ctx context.Context, c *Chat) bool {
	timeout := time.NewTimer(l.ReplyTimeout)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		waiting := len(c.pending)
		c.mu.Unlock()
		if waiting == 0 {
			return true
		}
		select {
		case <-c.replied:
		case <-timeout.C:
			c.mu.Lock()
			if len(c.pending) > 0 {
				c.pending = c.pending[1:]
			}
			c.mu.Unlock()
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// Open runs an open loop: updates are pushed at cmd.Rate a second, round the
// citizens, whatever the replies do; then the replies still due are awaited.
func (l *Load) Open(ctx context.Context, cmd Command) Result {
	r := Result{Kind: "open", FirstUpdate: l.LastUpdate() + 1}
	rec, rejected := l.begin()
	chats := make([]*Chat, cmd.Citizens)
	for i := range chats {
		chats[i] = l.Chat(cmd.IDBase + int64(i))
	}
	rng := rand.New(rand.NewPCG(7, 7))
	interval := time.Duration(float64(time.Second) / cmd.Rate)
	r.Start = time.Now()
	end := r.Start.Add(cmd.Duration)
	for i := 0; ctx.Err() == nil; i++ {
		at := r.Start.Add(time.Duration(i) * interval)
		if !at.Before(end) {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		c := chats[i%len(chats)]
		text := "/menu"
		if (i/len(chats))%2 == 1 {
			text = l.queries[rng.IntN(len(l.queries))]
		}
		if _, err := l.Push(c, c.Says(text)); err != nil {
			break
		}
		r.Pushed++
	}
	r.Stop = time.Now()
	// The replies still due are awaited for ReplyTimeout at most: past the
	// pipeline's capacity the backlog would take longer than anyone waits.
	drain, cancel := context.WithTimeout(ctx, l.ReplyTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c.mu.Lock()
				n := len(c.pending)
				c.mu.Unlock()
				if n == 0 {
					return
				}
				select {
				case <-c.replied:
					continue
				case <-drain.Done():
				}
				c.mu.Lock()
				lost := len(c.pending)
				c.pending = nil
				c.mu.Unlock()
				rec.mu.Lock()
				rec.timeouts += lost
				rec.mu.Unlock()
				return
			}
		}()
	}
	wg.Wait()
	r.LastUpdate = l.LastUpdate()
	if r.Pushed == 0 {
		r.FirstUpdate = 0
	}
	l.end(&r, rec, rejected)
	return r
}

type Latency struct {
	N    int     `json:"n"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func Summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }
	at := func(q float64) float64 { return ms(ds[max(0, int(math.Ceil(q*float64(len(ds))))-1)]) }
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return Latency{N: len(ds), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(ds[len(ds)-1]), Mean: ms(sum / time.Duration(len(ds)))}
}

// findGo is a questionnaire's «Почати» carrying a QR code's centre
// («qs:r:go:odesa5154:3»).
func findGo(buttons []string) string {
	for _, b := range buttons {
		if strings.HasPrefix(b, "qs:") && strings.Contains(b, ":go:") {
			return b
		}
	}
	return ""
}
