package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// A request's context carries the request timeout; one posting a roster, RosterTimeout.
func TestRequestDeadlines(t *testing.T) {
	for _, tt := range []struct {
		request, roster time.Duration
	}{
		{30 * time.Second, 90 * time.Second},
		{4 * time.Second, 12 * time.Second},
		{100 * time.Second, 100 * time.Second}, // never under the request timeout
	} {
		if got := RosterTimeout(tt.request); got != tt.roster {
			t.Errorf("RosterTimeout(%v) = %v, want %v", tt.request, got, tt.roster)
		}
	}

	s := &Server{timeout: 4 * time.Second}
	e := echo.New()
	e.Use(s.deadline)
	var left time.Duration
	h := func(c echo.Context) error {
		dl, ok := c.Request().Context().Deadline()
		if !ok {
			t.Fatal("no deadline")
		}
		left = time.Until(dl)
		return c.NoContent(http.StatusNoContent)
	}
	e.POST("/v1/events/:event_id/attendance", h)
	e.GET("/v1/events/:event_id/attendance", h)
	e.POST("/app/events/:event_id/roster/confirm", h)
	for _, tt := range []struct {
		method, path string
		want         time.Duration
	}{
		{http.MethodPost, "/v1/events/evt_1/attendance", 12 * time.Second},
		{http.MethodPost, "/app/events/evt_1/roster/confirm", 12 * time.Second},
		{http.MethodGet, "/v1/events/evt_1/attendance", 4 * time.Second},
	} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.path, nil))
		if left > tt.want || left < tt.want-time.Second {
			t.Errorf("%s %s: %v left, want %v", tt.method, tt.path, left, tt.want)
		}
	}
}
