package bottest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	conflictOtherPoll = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	conflictWebhook   = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)

// rawResult is a result already encoded as JSON, written verbatim.
type rawResult []byte

// okResult carries a result plus a description (as setWebhook answers).
type okResult struct {
	result      any
	description string
}

var errClientGone = errors.New("client went away")

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	token, method, routed := "", "", false
	if rest, ok := strings.CutPrefix(r.URL.Path, "/bot"); ok {
		token, method, routed = strings.Cut(rest, "/")
	}
	params, files, readErr := readParams(r)
	if params == nil {
		params = map[string]string{}
	}
	req := &Request{Params: params, Files: files, At: time.Now(), Path: r.URL.Path}
	var m *specMethod
	if routed && token == s.token {
		if m = s.spec.method(method); m != nil {
			req.Method = m.Name
		}
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()

	var (
		result any
		err    error
	)
	switch {
	case strings.HasPrefix(r.URL.Path, "/file/"):
		err = &apiError{code: http.StatusNotFound, desc: "Not Found"}
	case !routed || method == "" || strings.Contains(method, "/"):
		err = &apiError{code: http.StatusNotFound, desc: "Not Found", counted: true}
	case token != s.token:
		err = &apiError{code: http.StatusUnauthorized, desc: "Unauthorized", counted: true}
	case m == nil:
		err = &apiError{code: http.StatusNotFound, desc: "Not Found", counted: true}
	case readErr != nil && (errors.Is(readErr, io.ErrUnexpectedEOF) || r.Context().Err() != nil):
		// The bot died or gave up mid-request (a SIGKILL test): Telegram
		// would never see this request, and nobody reads an answer.
		err = errClientGone
	case readErr != nil:
		err = badRequest("%s", readErr.Error())
	default:
		result, err = s.call(r, m, req)
	}
	s.finish(w, req, result, err)
}

func (s *Server) finish(w http.ResponseWriter, req *Request, result any, err error) {
	var body []byte
	status := http.StatusOK
	var ae *apiError
	switch {
	case errors.Is(err, errClientGone):
		s.mu.Lock()
		req.Status, req.Description = 499, "client closed request"
		s.mu.Unlock()
		return
	case errors.As(err, &ae):
		status = ae.code
		resp := map[string]any{"ok": false, "error_code": ae.code, "description": ae.desc}
		if ae.retryAfter > 0 {
			resp["parameters"] = map[string]any{"retry_after": ae.retryAfter}
		}
		body = encodeJSON(resp)
	case err != nil:
		status = http.StatusInternalServerError
		ae = &apiError{code: status, desc: "Internal Server Error: " + err.Error()}
		body = encodeJSON(map[string]any{"ok": false, "error_code": status, "description": ae.desc})
	default:
		switch res := result.(type) {
		case rawResult:
			body = append(append([]byte(`{"ok":true,"result":`), res...), '}')
		case okResult:
			body = encodeJSON(map[string]any{"ok": true, "result": res.result, "description": res.description})
		default:
			body = encodeJSON(map[string]any{"ok": true, "result": res})
		}
	}
	s.mu.Lock()
	req.Status = status
	if ae != nil {
		req.Description = ae.desc
		req.counted = ae.counted
		req.injected = ae.injected
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	if f := s.observer.Load(); f != nil {
		(*f)(req.Method, status, body, req.At)
	}
}

func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: ` + strings.ReplaceAll(err.Error(), `"`, `'`) + `"}`)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// call runs a routed request of a known method.
func (s *Server) call(r *http.Request, m *specMethod, req *Request) (any, error) {
	s.mu.Lock()
	if q := s.failures[strings.ToLower(m.Name)]; len(q) > 0 {
		f := q[0]
		s.failures[strings.ToLower(m.Name)] = q[1:]
		s.mu.Unlock()
		return nil, &apiError{code: f.code, desc: f.description, retryAfter: f.retryAfter, injected: true}
	}
	s.mu.Unlock()

	if err := validateGeneric(m, req); err != nil {
		return nil, err
	}
	if m.Name == "getUpdates" {
		return s.getUpdates(r, req)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.newCall(m, req)
	if err != nil {
		return nil, err
	}
	if h, ok := handlers[m.Name]; ok {
		return h(s, c)
	}
	if c.chat != nil && c.sends() && returnsMessage(m) {
		return s.sendGeneric(c)
	}
	return s.defaultResult(c)
}

// ---- getUpdates / webhooks ----

var defaultExcluded = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

func (s *Server) allowedKind(kind string) bool {
	if s.allowed == nil {
		return !defaultExcluded[kind]
	}
	for _, a := range s.allowed {
		if a == kind {
			return true
		}
	}
	return false
}

// confirmLocked applies a getUpdates offset and drops updates of kinds not allowed.
func (s *Server) confirmLocked(offset int64) {
	q := s.queue[:0]
	for i, u := range s.queue {
		switch {
		case offset > 0 && u.id < offset:
			continue
		case offset < 0 && int64(len(s.queue)-i) > -offset:
			continue
		case !s.allowedKind(u.kind):
			continue
		}
		q = append(q, u)
	}
	for i := len(q); i < len(s.queue); i++ {
		s.queue[i] = pendingUpdate{}
	}
	s.queue = q
}

func (s *Server) takeLocked(limit int) rawResult {
	s.confirmLocked(0)
	var b bytes.Buffer
	b.WriteByte('[')
	for i, u := range s.queue {
		if i == limit {
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(u.raw)
	}
	b.WriteByte(']')
	return rawResult(b.Bytes())
}

func (s *Server) killPollerLocked(msg string) {
	if s.poller != nil {
		select {
		case s.poller.kill <- msg:
		default:
		}
		s.poller = nil
	}
}

func (s *Server) getUpdates(r *http.Request, req *Request) (any, error) {
	offset := req.Int("offset")
	limit := int(req.Int("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout := time.Duration(req.Int("timeout")) * time.Second
	var allowed []string
	if v := req.Get("allowed_updates"); v != "" && v != "null" {
		if err := json.Unmarshal([]byte(v), &allowed); err != nil {
			return nil, badRequest("can't parse allowed_updates JSON array")
		}
	}

	s.mu.Lock()
	if req.Has("allowed_updates") && req.Get("allowed_updates") != "null" {
		if len(allowed) == 0 {
			s.allowed = nil
		} else {
			s.allowed = allowed
		}
	}
	if s.webhookURL != "" {
		s.mu.Unlock()
		return nil, &apiError{code: http.StatusConflict, desc: conflictWebhook}
	}
	s.killPollerLocked(conflictOtherPoll)
	s.confirmLocked(offset)
	if len(s.queue) > 0 || timeout <= 0 {
		res := s.takeLocked(limit)
		s.mu.Unlock()
		return res, nil
	}
	p := &poller{kill: make(chan string, 1)}
	s.poller = p
	notify := s.notify
	s.mu.Unlock()

	timer := time.NewTimer(min(timeout, s.longPollCap))
	defer timer.Stop()
	select {
	case <-notify:
	case <-timer.C:
	case <-s.closed:
	case msg := <-p.kill:
		return nil, &apiError{code: http.StatusConflict, desc: msg}
	case <-r.Context().Done():
		s.mu.Lock()
		if s.poller == p {
			s.poller = nil
		}
		s.mu.Unlock()
		return nil, errClientGone
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case msg := <-p.kill:
		return nil, &apiError{code: http.StatusConflict, desc: msg}
	default:
	}
	if s.poller == p {
		s.poller = nil
	}
	return s.takeLocked(limit), nil
}

var secretTokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func hSetWebhook(s *Server, c *call) (any, error) {
	raw := c.req.Get("url")
	if raw == "" {
		return hDeleteWebhook(s, c)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, badRequest("bad webhook: Failed to resolve host: Name or service not known")
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	switch u.Port() {
	case "", "443", "80", "88", "8443":
	default:
		return nil, badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
	}
	secret := c.req.Get("secret_token")
	if secret != "" && !secretTokenRe.MatchString(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConn := 40
	if c.req.Has("max_connections") {
		maxConn = int(c.req.Int("max_connections"))
		if maxConn < 1 || maxConn > 100 {
			return nil, badRequest("bad webhook: max_connections must be between 1 and 100")
		}
	}
	var allowed []string
	if v := c.req.Get("allowed_updates"); v != "" {
		_ = json.Unmarshal([]byte(v), &allowed)
		if len(allowed) == 0 {
			s.allowed = nil
		} else {
			s.allowed = allowed
		}
	}
	if b, _ := parseBool(c.req.Get("drop_pending_updates")); b {
		s.queue = nil
	}
	desc := "Webhook was set"
	if s.webhookURL == raw {
		desc = "Webhook is already set"
	}
	s.webhookURL, s.webhookSecret, s.webhookMaxConn, s.webhookAllowed = raw, secret, maxConn, allowed
	s.killPollerLocked(conflictWebhook)
	return okResult{result: true, description: desc}, nil
}

func hDeleteWebhook(s *Server, c *call) (any, error) {
	if b, _ := parseBool(c.req.Get("drop_pending_updates")); b {
		s.queue = nil
	}
	desc := "Webhook was deleted"
	if s.webhookURL == "" {
		desc = "Webhook is already deleted"
	}
	s.webhookURL, s.webhookSecret, s.webhookMaxConn, s.webhookAllowed = "", "", 0, nil
	return okResult{result: true, description: desc}, nil
}

func hGetWebhookInfo(s *Server, c *call) (any, error) {
	info := map[string]any{
		"url":                    s.webhookURL,
		"has_custom_certificate": false,
		"pending_update_count":   len(s.queue),
	}
	if s.webhookURL != "" {
		info["max_connections"] = s.webhookMaxConn
		info["ip_address"] = "127.0.0.1"
		if s.webhookAllowed != nil {
			info["allowed_updates"] = s.webhookAllowed
		}
	}
	return info, nil
}
