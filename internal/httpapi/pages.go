package httpapi

import (
	"embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// The pages the e-mailed links open: choosing a password for a claimed record or after a
// reset. Each calls the API from the browser; the token stays in the page's address.
//
//go:embed pages/*.html
var pages embed.FS

func htmlPage(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		b, err := pages.ReadFile("pages/" + name)
		if err != nil {
			return err
		}
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		return c.Blob(http.StatusOK, "text/html; charset=utf-8", b)
	}
}
