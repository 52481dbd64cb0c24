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
	"syscall"
	"time"

	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/httpapi"
	"github.com/recert-dev/recert/internal/store"
)

// Server is the HTTP server with its timeouts and shutdown grace.
type Server struct {
	http  *http.Server
	grace time.Duration
	log   *slog.Logger
}

// NewServer builds the API over a migrated store.
func NewServer(cfg config.Config, st *store.Store, log *slog.Logger) (*Server, error) {
	h, err := httpapi.NewHandler(httpapi.Options{
		DB:           st,
		Engine:       string(st.Engine()),
		Version:      Version(),
		Logger:       log,
		MaxBodyBytes: cfg.MaxBodyBytes,
	})
	if err != nil {
		return nil, err
	}
	return &Server{
		http: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      120 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		grace: cfg.ShutdownGrace,
		log:   log,
	}, nil
}

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

	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", s.grace)
	sctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}
