package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestOperationsEndpointsAreApart: metrics and the profiler answer on the operations
// listener only; the public listener answers them 404 problems.
func TestOperationsEndpointsAreApart(t *testing.T) {
	cfg := testConfig(t)
	cfg.SigningKeyFile = t.TempDir() + "/key.pem"
	srv, err := NewServer(context.Background(), cfg, dbtest.New(t, store.SQLite), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	aln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	srv.ServeAdmin(aln)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	public, admin := "http://"+ln.Addr().String(), "http://"+aln.Addr().String()
	waitHealthy(t, public)

	get := func(url string) (int, string, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/cmdline"} {
		if status, ct, _ := get(public + path); status != http.StatusNotFound || ct != "application/problem+json" {
			t.Errorf("public %s = %d %s, want a 404 problem", path, status, ct)
		}
	}
	status, _, body := get(admin + "/metrics")
	if status != http.StatusOK || !strings.Contains(body, `recert_http_requests_total{code="200"`) || !strings.Contains(body, "go_goroutines") {
		t.Errorf("admin /metrics = %d, lacks request or runtime metrics:\n%.500s", status, body)
	}
	if status, _, body := get(admin + "/debug/pprof/"); status != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("admin /debug/pprof/ = %d %.200s", status, body)
	}
	if status, _, _ := get(admin + "/v1/version"); status != http.StatusNotFound {
		t.Errorf("the operations listener serves the API: %d", status)
	}
}
