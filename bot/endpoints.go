package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The operator's endpoints on LISTEN_ADDR, beside the webhook.
const (
	PathHealth  = "/healthz" // the process is alive: always 200
	PathReady   = "/readyz"  // the bot takes updates and its database is usable
	PathMetrics = "/metrics" // Prometheus
)

// IsOperatorPath reports whether path is one of the endpoints on
// LISTEN_ADDR (the operator's, the ratings, the dashboard), which a webhook
// URL must not use.
func IsOperatorPath(path string) bool {
	return slices.Contains([]string{PathHealth, PathReady, PathMetrics}, path) ||
		path == PathRatings || strings.HasPrefix(path, PathRatings+"/") ||
		path == PathDashboard || strings.HasPrefix(path, PathDashboard+"/")
}

// endpoints is the HTTP server on LISTEN_ADDR.
type endpoints struct {
	srv *http.Server
	ln  net.Listener
}

// listen opens LISTEN_ADDR and serves health, readiness and metrics on it,
// and in webhook mode the webhook's path. With no ListenAddr in polling mode
// there is no server, and it returns nil. If the server stops by itself,
// fail is called with the reason.
func (a *App) listen(fail func(error)) (*endpoints, error) {
	if a.cfg.ListenAddr == "" && a.cfg.WebhookURL == "" {
		return nil, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc(PathHealth, a.serveHealth)
	mux.HandleFunc(PathReady, a.serveReady)
	mux.Handle(PathMetrics, a.metrics.Handler())
	if a.st != nil {
		a.webRoutes(mux)
	}
	hook := ""
	if a.cfg.WebhookURL != "" {
		path, err := webhookPath(a.cfg.WebhookURL)
		if err != nil {
			return nil, err
		}
		mux.Handle(path, a.in)
		hook = path
	}
	ln, err := net.Listen("tcp", a.cfg.ListenAddr)
	if err != nil {
		return nil, fmt.Errorf("bot: LISTEN_ADDR %s: %w", a.cfg.ListenAddr, err)
	}
	timeout := a.cfg.HTTPTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	// A client that sends its request or reads its answer slowly is cut
	// off: it cannot hold a connection (and a goroutine) for ever.
	e := &endpoints{ln: ln, srv: &http.Server{
		Handler:           limitBodies(mux, hook),
		ReadHeaderTimeout: min(10*time.Second, timeout),
		ReadTimeout:       timeout,
		WriteTimeout:      2 * timeout,
		IdleTimeout:       2 * time.Minute,
	}}
	a.mu.Lock()
	a.addr = ln.Addr()
	a.mu.Unlock()
	go func() {
		if err := e.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			fail(fmt.Errorf("bot: HTTP server on %s: %w", ln.Addr(), err))
		}
	}()
	a.log.Info("HTTP endpoints listening", "addr", ln.Addr().String())
	return e, nil
}

// maxFormBody is the most a POST to the pages (the dashboard's forms) may
// carry; the webhook has its own, larger limit (Telegram's updates).
const maxFormBody = 64 << 10

// limitBodies caps every request body but the webhook's at maxFormBody,
// and answers 413 to a POST whose form is larger.
func limitBodies(next http.Handler, webhook string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if webhook == "" || r.URL.Path != webhook {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if r.Method == http.MethodPost {
				var tooLarge *http.MaxBytesError
				if err := r.ParseForm(); errors.As(err, &tooLarge) {
					http.Error(w, "the form is too large", http.StatusRequestEntityTooLarge)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// webhookPath is the path of WEBHOOK_URL that the server routes to intake.
func webhookPath(webhookURL string) (string, error) {
	u, err := url.Parse(webhookURL)
	if err != nil {
		return "", fmt.Errorf("bot: WEBHOOK_URL: %w", err)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	if IsOperatorPath(path) {
		return "", fmt.Errorf("bot: WEBHOOK_URL's path %s is one of the operator's endpoints; choose another", path)
	}
	return path, nil
}

// shutdown stops taking requests and waits up to 10 s for those in hand
// (a webhook request is answered only once its update is stored).
func (e *endpoints) shutdown() {
	if e == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if e.srv.Shutdown(ctx) != nil {
		e.srv.Close()
	}
}

func (a *App) serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

func (a *App) serveReady(w http.ResponseWriter, r *http.Request) {
	if reason := a.notReady(r.Context()); reason != "" {
		http.Error(w, reason, http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// notReady says why the bot should get no traffic now, or "" when it may.
func (a *App) notReady(ctx context.Context) string {
	if a.stopping.Load() {
		return "stopping"
	}
	select {
	case <-a.ready:
	default:
		return "starting: not taking updates yet"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := a.st.Ping(ctx); err != nil {
		a.log.Warn("readiness: the database does not answer", "err", err)
		return "the database does not answer"
	}
	pending, err := a.st.MigrationsPending(ctx)
	if err != nil {
		a.log.Warn("readiness: cannot read the database's migrations", "err", err)
		return "cannot read the database's migrations"
	}
	if pending {
		return "the database schema is behind this binary: run servicebot migrate"
	}
	return ""
}
