// Package apitest runs the real service for API tests and checks every response it gives
// against the contract.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/app"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/httpapi"
	"github.com/recert-dev/recert/internal/store"
)

func init() {
	// The documentation page and its assets; the contract describes them as strings.
	for _, ct := range []string{"text/html", "text/css", "application/javascript", "image/png", "text/calendar"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// CheapPasswords makes password hashing fast for tests; production uses auth.DefaultArgon2Params.
var CheapPasswords = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Env is a running service and clients for it.
type Env struct {
	// Store is the service's database, for arranging a test's world directly.
	Store *store.Store
	// SigningKeyFile holds the key the service signs tokens with.
	SigningKeyFile string
	// DataDir is the service's data directory; with no mail server its e-mails are in outbox/.
	DataDir string
	// URL is the service's base URL (http://127.0.0.1:port).
	URL string
	// Client is the generated client; every response it receives is checked against the contract.
	Client *api.ClientWithResponses
	// HTTP is a plain client with the same checks, for requests the generated client cannot make.
	HTTP *http.Client
	logs *lockedWriter
}

// Logs returns everything the service has logged so far.
func (e *Env) Logs() string {
	e.logs.mu.Lock()
	defer e.logs.mu.Unlock()
	return e.logs.buf.String()
}

// Start runs the service on 127.0.0.1:0 over st until the test ends, with cheap password
// hashing and sign-in limits high enough not to get in the way (opts may change both).
func Start(t testing.TB, st *store.Store, opts ...app.Option) *Env {
	t.Helper()
	return StartWith(t, st, nil, opts...)
}

// StartWith is Start with the configuration adjusted by configure (when not nil). The data
// directory, where e-mails go when no mail server is set, is the test's own.
func StartWith(t testing.TB, st *store.Store, configure func(*config.Config), opts ...app.Option) *Env {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.ShutdownGrace = 5 * time.Second
	cfg.DataDir = t.TempDir()
	cfg.JobPollInterval = 50 * time.Millisecond
	cfg.SigningKeyFile = filepath.Join(t.TempDir(), "signing-key.pem")
	cfg.BadgeKey = badgeKeyPEM(t)
	if configure != nil {
		configure(&cfg)
	}
	opts = append([]app.Option{
		app.WithPasswordParams(CheapPasswords),
		app.WithRateLimits(httpapi.RateLimit{PerMinute: 6000, Burst: 1000}, httpapi.RateLimit{PerMinute: 6000, Burst: 1000}),
	}, opts...)
	logs := &lockedWriter{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := app.NewServer(context.Background(), cfg, st, log, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := app.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})

	hc := &http.Client{Transport: &checker{t: t, next: http.DefaultTransport, router: newRouter(t)}}
	base := "http://" + ln.Addr().String()
	c, err := api.NewClientWithResponses(base, api.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return &Env{URL: base, Client: c, HTTP: hc, logs: logs, Store: st, SigningKeyFile: cfg.SigningKeyFile, DataDir: cfg.DataDir}
}

// badgeKey is one credential key for every service a test process starts: generating an
// RSA-2048 key for each would slow every test down.
var badgeKey = sync.OnceValues(auth.GenerateRSAKey)

// BadgeKey is the key the services started by this package sign credentials with.
func BadgeKey(t testing.TB) auth.RSAKey {
	t.Helper()
	k, err := badgeKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func badgeKeyPEM(t testing.TB) string {
	t.Helper()
	pem, err := auth.MarshalRSAPrivateKeyPEM(BadgeKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return string(pem)
}

func newRouter(t testing.TB) routers.Router {
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	spec.Servers = nil
	r, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checker validates each response against the operation it answers, and any error
// response of a path outside the contract against the Problem schema.
type checker struct {
	t      testing.TB
	next   http.RoundTripper
	router routers.Router
}

func (c *checker) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err := c.check(req, res, body); err != nil {
		c.t.Errorf("%s %s answered %d, which breaks the contract: %v\nbody: %s",
			req.Method, req.URL.Path, res.StatusCode, err, truncate(body))
	}
	return res, nil
}

func (c *checker) check(req *http.Request, res *http.Response, body []byte) error {
	if res.StatusCode >= 400 {
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			return errorf("error with Content-Type %q, want application/problem+json", ct)
		}
		if err := checkProblemType(req, body); err != nil {
			return err
		}
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if res.StatusCode < 400 {
			return errorf("a success on a path outside the contract")
		}
		return checkProblem(body)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  res.StatusCode,
		Header:  res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(req.Context(), in)
}

// checkProblemType checks a problem names its type by an absolute URI under /problems/, as
// the contract promises, so clients can branch on it.
func checkProblemType(req *http.Request, body []byte) error {
	if req.Method == http.MethodHead {
		return nil
	}
	var p struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return err
	}
	if !strings.HasPrefix(p.Type, "http") || !strings.Contains(p.Type, "/problems/") {
		return errorf("problem type %q: want <public URL>/problems/<name>; add the code to the problem table", p.Type)
	}
	return nil
}

func checkProblem(body []byte) error {
	spec, err := api.GetSpec()
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return spec.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.MultiErrors())
}

func truncate(b []byte) string {
	s := string(b)
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return strings.TrimSpace(s)
}
