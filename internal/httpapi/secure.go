package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Content security policies: the API serves data only; the documentation page runs Swagger
// UI, whose page carries its settings in an inline script and style.
const (
	apiCSP  = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	docsCSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	// The web pages (/app) and the problem types' pages (/problems/) load their own style
	// sheet and post their forms to themselves; they run no script and allow no inline style.
	appCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

// secureHeaders sets the security headers every response carries (echo's Secure middleware)
// with the documentation's own policy, HSTS when the service is public over https, and
// Cache-Control: no-store on every answer to a request that carried credentials.
func secureHeaders(hsts bool) echo.MiddlewareFunc {
	cfg := middleware.SecureConfig{
		XSSProtection:         "0", // the old filter is itself an attack surface; the CSP replaces it
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "no-referrer",
		ContentSecurityPolicy: apiCSP,
	}
	api := middleware.SecureWithConfig(cfg)
	cfg.ContentSecurityPolicy = docsCSP
	docs := middleware.SecureWithConfig(cfg)
	cfg.ContentSecurityPolicy = appCSP
	app := middleware.SecureWithConfig(cfg)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		apiNext, docsNext, appNext := api(next), docs(next), app(next)
		return func(c echo.Context) error {
			req, h := c.Request(), c.Response().Header()
			if hsts {
				// Set here rather than by echo, which sends it only on TLS it terminates itself.
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			if req.Header.Get(echo.HeaderAuthorization) != "" {
				c.Response().Before(func() {
					if h.Get("Cache-Control") == "" {
						h.Set("Cache-Control", "no-store")
					}
				})
			}
			if req.URL.Path == "/docs" || strings.HasPrefix(req.URL.Path, "/docs/") {
				return docsNext(c)
			}
			// The problem types' pages are pages too: the pages' style sheet, no script.
			// So are the certificates' verification pages, and shared records.
			if req.URL.Path == "/app" || strings.HasPrefix(req.URL.Path, "/app/") || strings.HasPrefix(req.URL.Path, "/problems/") ||
				strings.HasPrefix(req.URL.Path, "/verify/") || strings.HasPrefix(req.URL.Path, "/share/") {
				return appNext(c)
			}
			return apiNext(c)
		}
	}
}

// cors lets browsers on the configured origins call the API; with none, no CORS headers
// are sent and browsers keep other origins out.
func cors(origins []string) echo.MiddlewareFunc {
	if len(origins) == 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: origins,
		AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, "Idempotency-Key", "If-Match"},
		ExposeHeaders: []string{"ETag", echo.HeaderLocation, "Retry-After", echo.HeaderXRequestID, "Link",
			"WWW-Authenticate", "Deprecation", "Sunset"},
		MaxAge: 600,
	})
}

// MaxHeaderBytes is how much request-line and header text a request may carry. The HTTP
// server's own limit is set well above it, so that a request over this one still gets a
// problem response (the server's own refusal is plain text).
const MaxHeaderBytes = 64 << 10

// headerLimit refuses requests whose request line and headers exceed MaxHeaderBytes with a
// 431 problem.
func headerLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		n := len(req.Method) + len(req.RequestURI) + len(req.Proto) + len(req.Host) + 4
		for k, vs := range req.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		if n > MaxHeaderBytes {
			return echo.NewHTTPError(http.StatusRequestHeaderFieldsTooLarge,
				"the request line and headers exceed the limit of "+strconv.Itoa(MaxHeaderBytes)+" bytes")
		}
		return next(c)
	}
}

// revalidatedRoutes are the answers a client may keep in a private cache and revalidate
// with If-None-Match, rather than never store, with the top-level fields that change on
// every answer and so stay out of the ETag (a certificate's issued_at is the time of the copy).
var revalidatedRoutes = map[string][]string{
	"GET /v1/attendance/:attendance_id/certificate": {"issued_at"},
}

// revalidate gives a revalidated route's 200 answer an ETag of its content and
// Cache-Control: private, no-cache, and answers 304 when If-None-Match holds that ETag.
func revalidate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		volatile, ok := revalidatedRoutes[c.Request().Method+" "+c.Path()]
		if !ok {
			return next(c)
		}
		res := c.Response()
		buf := &bufferedWriter{ResponseWriter: res.Writer, status: http.StatusOK}
		res.Writer = buf
		err := next(c)
		res.Writer = buf.ResponseWriter
		h := res.Header()
		if err == nil && buf.status == http.StatusNotModified {
			h.Set("Cache-Control", "private, no-cache")
		}
		if err != nil || buf.status != http.StatusOK {
			if buf.wroteHeader {
				buf.ResponseWriter.WriteHeader(buf.status)
				_, _ = buf.ResponseWriter.Write(buf.body.Bytes())
			}
			return err
		}
		etag := h.Get("ETag") // the handler's own, when it keeps one
		if etag == "" {
			etag = contentTag(buf.body.Bytes(), volatile)
			h.Set("ETag", etag)
		}
		h.Set("Cache-Control", "private, no-cache")
		if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
			h.Del(echo.HeaderContentType)
			h.Del(echo.HeaderContentLength)
			buf.ResponseWriter.WriteHeader(http.StatusNotModified)
			return nil
		}
		buf.ResponseWriter.WriteHeader(http.StatusOK)
		_, err = buf.ResponseWriter.Write(buf.body.Bytes())
		return err
	}
}

// contentTag is an ETag of a JSON answer without its volatile top-level fields.
func contentTag(body []byte, volatile []string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err == nil {
		for _, f := range volatile {
			delete(m, f)
		}
		body, _ = json.Marshal(m) // map keys are sorted: the same content, the same bytes
	}
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// etagMatches reports whether an If-None-Match header names etag (weakly, RFC 9110 13.1.2).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// bufferedWriter holds a handler's answer so that headers can still change after it.
type bufferedWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (w *bufferedWriter) WriteHeader(status int) { w.status, w.wroteHeader = status, true }

func (w *bufferedWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.body.Write(b)
}
