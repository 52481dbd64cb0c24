package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/swaggest/swgui/v5emb"
)

// docsHandler serves Swagger UI from assets embedded in the binary; a missing asset is
// a problem response like any other 404.
func docsHandler() echo.HandlerFunc {
	ui := v5emb.New("Recert API", "/openapi.yaml", "/docs/")
	return func(c echo.Context) error {
		// The embedded assets answer a failed If-Match with a 412 that keeps the asset's
		// Content-Length and sends no body; the assets never change within a build, so these
		// preconditions are dropped (If-None-Match still revalidates).
		c.Request().Header.Del("If-Match")
		c.Request().Header.Del("If-Unmodified-Since")
		w := &notFoundCatcher{ResponseWriter: c.Response().Writer}
		ui.ServeHTTP(w, c.Request())
		if w.notFound {
			return echo.ErrNotFound
		}
		return nil
	}
}

// notFoundCatcher holds back a 404 so the caller can answer it with a problem instead.
type notFoundCatcher struct {
	http.ResponseWriter
	notFound bool
}

func (w *notFoundCatcher) WriteHeader(status int) {
	if status == http.StatusNotFound {
		w.notFound = true
		w.Header().Del("Content-Type") // http.Error's text/plain; the problem sets its own
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *notFoundCatcher) Write(b []byte) (int, error) {
	if w.notFound {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}
