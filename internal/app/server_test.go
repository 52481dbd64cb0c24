package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

func testConfig(t *testing.T) config.Config {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestSIGTERMLetsInFlightRequestsFinish sends the process a real SIGTERM while a slow
// request runs: the request completes, new connections are refused, Serve returns nil.
func TestSIGTERMLetsInFlightRequestsFinish(t *testing.T) {
	cfg := testConfig(t)
	cfg.ShutdownGrace = 10 * time.Second
	cfg.SigningKeyFile = t.TempDir() + "/key.pem"
	srv, err := NewServer(context.Background(), cfg, dbtest.New(t, store.SQLite), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	api := srv.http.Handler
	srv.http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			time.Sleep(time.Second)
			_, _ = io.WriteString(w, "finished")
			return
		}
		api.ServeHTTP(w, r)
	})
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(context.Background(), ln) }()
	waitHealthy(t, base)

	var wg sync.WaitGroup
	var body string
	var slowErr error
	wg.Go(func() {
		res, err := http.Get(base + "/slow")
		if err != nil {
			slowErr = err
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		body = string(b)
	})
	<-started
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if slowErr != nil || body != "finished" {
		t.Fatalf("in-flight request: %q, %v; want it to finish", body, slowErr)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve = %v, want nil after a graceful shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after SIGTERM")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for range 100 {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the server never became healthy")
}
