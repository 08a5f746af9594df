package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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

// Server is the HTTP server on LISTEN_ADDR.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// ServerConfig is what the server on LISTEN_ADDR serves.
type ServerConfig struct {
	Addr    string
	Timeout time.Duration // reading a request, and (twice it) writing its answer; 0: 30 s
	Log     *slog.Logger
	// Ready says why the bot should get no traffic now ("" when it may):
	// /readyz answers 503 with it.
	Ready   func(ctx context.Context) string
	Metrics http.Handler
	Pages   *Pages // the ratings and the dashboard; nil: none
	// WebhookPath and Webhook: Telegram's updates, in webhook mode.
	WebhookPath string
	Webhook     http.Handler
}

// Listen opens cfg.Addr and serves health, readiness and metrics on it,
// the pages, and in webhook mode the webhook's path. If the server stops
// by itself, fail is called with the reason.
func Listen(cfg ServerConfig, fail func(error)) (*Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc(PathHealth, serveHealth)
	mux.HandleFunc(PathReady, func(w http.ResponseWriter, r *http.Request) {
		if reason := cfg.Ready(r.Context()); reason != "" {
			http.Error(w, reason, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.Handle(PathMetrics, cfg.Metrics)
	if cfg.Pages != nil {
		cfg.Pages.routes(mux)
	}
	if cfg.Webhook != nil {
		mux.Handle(cfg.WebhookPath, cfg.Webhook)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("web: LISTEN_ADDR %s: %w", cfg.Addr, err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	// A client that sends its request or reads its answer slowly is cut
	// off: it cannot hold a connection (and a goroutine) for ever.
	hook := ""
	if cfg.Webhook != nil {
		hook = cfg.WebhookPath
	}
	s := &Server{ln: ln, srv: &http.Server{
		Handler:           limitBodies(mux, hook),
		ReadHeaderTimeout: min(10*time.Second, timeout),
		ReadTimeout:       timeout,
		WriteTimeout:      2 * timeout,
		IdleTimeout:       2 * time.Minute,
	}}
	go func() {
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			fail(fmt.Errorf("web: HTTP server on %s: %w", ln.Addr(), err))
		}
	}()
	cfg.Log.Info("HTTP endpoints listening", "addr", ln.Addr().String())
	return s, nil
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

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

// RedactPath is path with every segment that holds one of secrets (the bot
// token, the webhook secret) replaced by <redacted>, for logs and errors:
// some put the token in the webhook's path, to make it hard to guess.
func RedactPath(path string, secrets ...string) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(seg, secret) {
				segs[i] = "<redacted>"
				break
			}
		}
	}
	return strings.Join(segs, "/")
}

// WebhookPath is the path of WEBHOOK_URL that the server routes to intake.
func WebhookPath(webhookURL string) (string, error) {
	u, err := url.Parse(webhookURL)
	if err != nil {
		// Not the parser's error: it quotes the URL, which may hold the
		// bot token or the webhook secret.
		return "", errors.New("web: WEBHOOK_URL does not parse as a URL")
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	if IsOperatorPath(path) {
		return "", fmt.Errorf("web: WEBHOOK_URL's path %s is one of the operator's endpoints; choose another", path)
	}
	return path, nil
}

// Shutdown stops taking requests and waits up to 10 s for those in hand
// (a webhook request is answered only once its update is stored).
func (s *Server) Shutdown() {
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s.srv.Shutdown(ctx) != nil {
		s.srv.Close()
	}
}

func serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}
