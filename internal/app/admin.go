package app

import (
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// newAdminServer serves the operations endpoints, Prometheus metrics and Go's profiler, on
// a listener of their own (RECERT_ADMIN_ADDR): they tell how the service runs and what it
// holds in memory, so they stay off the public API.
func newAdminServer(reg *prometheus.Registry) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      2 * time.Minute, // a CPU profile runs for its seconds parameter
		IdleTimeout:       2 * time.Minute,
	}
}

// ServeAdmin serves the operations endpoints on ln until Serve shuts the server down.
func (s *Server) ServeAdmin(ln net.Listener) {
	s.log.Info("operations endpoints listening", "addr", ln.Addr().String())
	go func() {
		if err := s.admin.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("operations listener stopped", "err", err)
		}
	}()
}
