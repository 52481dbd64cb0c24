package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/httpapi"
	"github.com/recert-dev/recert/internal/jobs"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/store"
	"github.com/recert-dev/recert/internal/web"
)

// Server is the HTTP server with its timeouts and shutdown grace.
type Server struct {
	http  *http.Server
	admin *http.Server // metrics and profiling, on RECERT_ADMIN_ADDR
	grace time.Duration
	log   *slog.Logger
	jobs  *jobs.Runner
}

// Option adjusts how NewServer builds the API (tests use cheaper password hashing).
type Option func(*httpapi.Options)

// WithPasswordParams sets the argon2id cost of password hashes.
func WithPasswordParams(p auth.Argon2Params) Option {
	return func(o *httpapi.Options) { o.PasswordParams = p }
}

// WithRateLimits sets the sign-in limits per client address and per account.
func WithRateLimits(ip, account httpapi.RateLimit) Option {
	return func(o *httpapi.Options) { o.IPLimit, o.AccountLimit = ip, account }
}

// Sign-in attempts allowed: a burst, then a steady rate a minute.
var (
	defaultIPLimit      = httpapi.RateLimit{PerMinute: 60, Burst: 30}
	defaultAccountLimit = httpapi.RateLimit{PerMinute: 10, Burst: 10}
)

// NewServer builds the API over a migrated store.
func NewServer(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, opts ...Option) (*Server, error) {
	keys, err := signingKeys(ctx, cfg, st)
	if err != nil {
		return nil, err
	}
	keyring, err := keyStore(ctx, cfg, st, keys)
	if err != nil {
		return nil, err
	}
	tokens, err := auth.NewIssuer(keys, auth.IssuerConfig{Issuer: cfg.PublicURL, Audience: tokenAudience, TTL: cfg.AccessTokenTTL})
	if err != nil {
		return nil, err
	}
	o := httpapi.Options{
		PublicURL:          cfg.PublicURL,
		Store:              st,
		Engine:             string(st.Engine()),
		Version:            Version(),
		Logger:             log,
		MaxBodyBytes:       cfg.MaxBodyBytes,
		ProgressCacheBytes: cfg.ProgressCacheBytes,
		Tokens:             tokens,
		Keys:               keys,
		PasswordParams:     auth.DefaultArgon2Params,
		RefreshTTL:         cfg.RefreshTokenTTL,
		IPLimit:            defaultIPLimit,
		AccountLimit:       defaultAccountLimit,
		Unreachable:        store.Unreachable,
		HSTS:               strings.HasPrefix(cfg.PublicURL, "https://"),
		CORSOrigins:        cfg.CORSOrigins,
		Metrics:            prometheus.NewRegistry(),
		RequestTimeout:     cfg.RequestTimeout,
		Admission:          httpapi.Admission{InFlight: cfg.MaxInFlight, Queue: cfg.MaxQueued, Wait: cfg.QueueWait},
	}
	if st.HasReadReplica() {
		o.Replica = st
	}
	for _, opt := range opts {
		opt(&o)
	}
	// The use cases are built once and shared by the API, the pages and the jobs; the jobs
	// that carry out their notices are built after them, hence the outbox set late.
	outbox := &lateOutbox{}
	lg, err := ledger.New(st, ledger.Config{Outbox: outbox, PasswordParams: o.PasswordParams,
		CredentialSigner: openbadges.Signer{PublicURL: cfg.PublicURL, Key: keyring.Badges}, CheckInKeys: keyring.CheckInKey,
		SessionSecrets: sessionSecrets(keyring.CheckIn)})
	if err != nil {
		return nil, err
	}
	runner, notices, hooks, err := newJobs(cfg, st, lg, keyring.CheckIn, log)
	if err != nil {
		return nil, err
	}
	outbox.Outbox = notices
	o.Ledger, o.Outbox, o.Webhooks = lg, outbox, webhookQueue{hooks, cfg.WebhookAllowPrivate}
	pages, err := web.New(web.Options{Store: st, Keys: keys, PublicURL: cfg.PublicURL, PasswordParams: o.PasswordParams, CheckInKey: keyring.CheckIn,
		IPLimit: web.RateLimit(o.IPLimit), AccountLimit: web.RateLimit(o.AccountLimit), Logger: log, Ledger: lg})
	if err != nil {
		return nil, err
	}
	o.Pages = pages
	o.CheckInKey = keyring.CheckIn
	h, err := httpapi.NewHandler(o)
	if err != nil {
		_ = runner.Stop(ctx)
		return nil, err
	}
	return &Server{
		http: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      120 * time.Second,
			IdleTimeout:       120 * time.Second,
			// Well above the API's own limit, which answers with a problem; past this one
			// the server refuses in plain text.
			MaxHeaderBytes: 16 * httpapi.MaxHeaderBytes,
			ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		admin: newAdminServer(o.Metrics),
		grace: cfg.ShutdownGrace,
		log:   log,
		jobs:  runner,
	}, nil
}

// tokenAudience is the aud claim of Recert's access tokens: they are for this API only.
const tokenAudience = "recert-api"

// Listen opens the TCP listener for addr.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve answers requests on ln until ctx ends or the process gets SIGINT or SIGTERM; then it
// stops accepting connections and lets in-flight requests finish within the grace period.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := s.jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	s.log.Debug("listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", s.grace)
	sctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	_ = s.admin.Close() // nothing there is worth waiting for
	if err := s.http.Shutdown(sctx); err != nil {
		return errors.Join(fmt.Errorf("shutdown: %w", err), s.jobs.Stop(sctx))
	}
	// Requests done, the jobs they enqueued are drained within what is left of the grace.
	if err := s.jobs.Stop(sctx); err != nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// sessionSecrets derives sessions' self check-in secrets from the check-in key; nil without
// one, which turns self check-in off.
func sessionSecrets(k auth.SigningKey) ledger.SessionSecrets {
	if k.IsZero() {
		return nil
	}
	return k.Derive
}
