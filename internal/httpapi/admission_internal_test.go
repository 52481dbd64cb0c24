package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// TestAdmission: with two places and a queue of one, two requests work, a third waits and
// gets the first place freed, and a fourth, finding the queue full, is turned away at once
// with 503 and Retry-After 1; a request that waits longer than Wait is turned away too;
// health checks always pass.
func TestAdmission(t *testing.T) {
	a := newAdmission(Admission{InFlight: 2, Queue: 1, Wait: 200 * time.Millisecond})
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	h := a.admit(func(c echo.Context) error {
		started <- struct{}{}
		if c.Path() == "/slow" {
			<-release
		}
		return c.NoContent(http.StatusNoContent)
	})
	e := echo.New()
	call := func(path string) (error, time.Duration) {
		c := e.NewContext(httptest.NewRequest(http.MethodGet, path, nil), httptest.NewRecorder())
		c.SetPath(path)
		t0 := time.Now()
		err := h(c)
		return err, time.Since(t0)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 2 {
		wg.Go(func() { errs[i], _ = call("/slow") })
	}
	<-started
	<-started
	wg.Go(func() { errs[2], _ = call("/slow") }) // waits in the queue
	for a.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	err, took := call("/fast")
	var ov *errOverloaded
	if !errors.As(err, &ov) || ov.waited || took > 50*time.Millisecond || recert.ErrorCode(err) != recert.EUNAVAILABLE {
		t.Fatalf("with the queue full: %v after %v, want an immediate 503", err, took)
	}
	if err, _ := call("/healthz"); err != nil {
		t.Errorf("a health check was turned away: %v", err)
	}
	release <- struct{}{} // one place frees: the queued request takes it
	<-started
	close(release)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}

	// Both places held and one waiting past Wait: turned away after Wait.
	block := make(chan struct{})
	slow := a.admit(func(c echo.Context) error { <-block; return nil })
	for range 2 {
		wg.Go(func() {
			_ = slow(e.NewContext(httptest.NewRequest(http.MethodGet, "/slow", nil), httptest.NewRecorder()))
		})
	}
	for len(a.slots) != 2 {
		time.Sleep(time.Millisecond)
	}
	err, took = call("/fast")
	if !errors.As(err, &ov) || !ov.waited || took < 200*time.Millisecond {
		t.Errorf("after waiting: %v after %v, want 503 after the 200ms wait", err, took)
	}
	close(block)
	wg.Wait()

	h2 := http.Header{}
	(&Server{}).setHeaders(err, http.StatusServiceUnavailable, h2)
	if h2.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1", h2.Get("Retry-After"))
	}
}
