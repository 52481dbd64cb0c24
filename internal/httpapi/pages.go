package httpapi

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"net/http"
	"regexp"

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
		h.Set("Content-Security-Policy", pageCSP(b))
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		return c.Blob(http.StatusOK, "text/html; charset=utf-8", b)
	}
}

// inlineScript finds a page's inline scripts.
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// pageCSP allows exactly the page's own inline scripts (by hash) and its inline styles, calls
// to this service, and nothing else.
func pageCSP(page []byte) string {
	scripts := ""
	for _, m := range inlineScript.FindAllSubmatch(page, -1) {
		sum := sha256.Sum256(m[1])
		scripts += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; script-src" + scripts + "; style-src 'unsafe-inline'; connect-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}
