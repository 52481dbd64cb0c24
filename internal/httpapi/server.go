// Package httpapi serves Recert's HTTP API. It implements api.StrictServerInterface, whose
// handlers speak context and generated types only, and keeps every echo-specific piece
// (routing, middleware, the error handler) in this file and problem.go.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo-contrib/echoprometheus"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echomw "github.com/oapi-codegen/echo-middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
)

// Options configure a Server.
type Options struct {
	Store        Store
	Engine       string // "sqlite" or "postgres"
	Version      string // the build version
	Logger       *slog.Logger
	MaxBodyBytes int64
	// ProgressCacheBytes bounds the rendered progress answers kept in memory; zero: none.
	ProgressCacheBytes int64
	// Admission bounds the requests at work and waiting; zero InFlight: no bound.
	Admission Admission
	// RequestTimeout bounds each request's context, so a request waiting on a busy or
	// unreachable database is answered 503 rather than held; zero: no bound.
	RequestTimeout time.Duration

	Tokens         *auth.Issuer // issues and verifies access tokens
	Keys           *auth.KeySet // the keys published at /.well-known/jwks.json
	PasswordParams auth.Argon2Params
	RefreshTTL     time.Duration // how long a refresh token works
	IPLimit        RateLimit     // sign-in attempts per client address
	AccountLimit   RateLimit     // sign-in attempts per account
	Now            func() time.Time

	// HSTS sends Strict-Transport-Security: the service is public over https.
	HSTS bool
	// CORSOrigins may call the API from a browser; none (the default) turns CORS off.
	CORSOrigins []string

	// Metrics receives the request metrics and Go runtime collectors; nil keeps them in a
	// registry of the handler's own. It is served apart from the API (see internal/app).
	Metrics *prometheus.Registry

	// Pages, when set, adds the web pages' routes (see internal/web). They are not part of the
	// contract, so the request validator leaves them alone, as it does the documentation.
	Pages interface{ Mount(e *echo.Echo) }

	// Unreachable reports whether an error the repositories did not translate means the
	// database cannot be reached; such failures answer 503 rather than 500.
	Unreachable func(error) bool

	// Replica, when set, is the store's read replica: reads go to it, except those that
	// must see the caller's own writes (see readafter.go).
	Replica ReadReplica

	// Ledger is the use cases, shared with the pages and the jobs: every change goes
	// through it (required).
	Ledger    *ledger.Ledger
	Outbox    ledger.Outbox // tells people what changed; nil: nobody is told
	Webhooks  WebhookQueue  // nil: no subscriptions are taken
	PublicURL string        // the service's base URL, for addresses it hands out
	// CheckInKey signs members' check-in codes on badge sheets; zero: no badges.
	CheckInKey auth.SigningKey
}

// Server implements the API operations.
type Server struct {
	progressCache *progressCache
	callers       *callerMemory // by token: see callers.go
	db            Database
	store         Store
	engine        string
	version       string
	log           *slog.Logger
	maxBody       int64
	specJSON      map[string]any
	timeout       time.Duration
	admission     *admission

	tokens         *auth.Issuer
	keys           *auth.KeySet
	passwordParams auth.Argon2Params
	dummyHash      string
	refreshTTL     time.Duration
	limiter        *limiter
	rosters        *ledger.Rosters
	checkIns       *ledger.CheckInBatches
	registrations  *ledger.Registrations
	checkInKey     auth.SigningKey
	presence       *ledger.Presence
	events         *ledger.Events
	attendances    *ledger.Attendances
	credentials    *ledger.Credentials
	accounts       *ledger.Accounts
	idem           *ledger.Idempotency
	progress       *ledger.Progress
	records        *ledger.Records
	links          *ledger.Links
	registry       *ledger.Registry
	members        *ledger.Members
	shareLinks     *ledger.Shares
	sight          *ledger.Sight
	standing       *ledger.Standings
	outbox         ledger.Outbox
	webhooks       WebhookQueue
	publicURL      string
	now            func() time.Time
	unreachable    func(error) bool
	hsts           bool
	corsOrigins    []string
}

var _ api.StrictServerInterface = (*Server)(nil)

const loggerKey = "recert.logger"

// NewHandler builds the HTTP handler: routes from the contract, request validation,
// problem responses, request ids and logs, request metrics and the documentation.
func NewHandler(o Options) (http.Handler, error) {
	spec, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("load embedded spec: %w", err)
	}
	specDoc, err := specJSON()
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Outbox == nil {
		o.Outbox = ledger.Discard{}
	}
	if o.Webhooks == nil {
		o.Webhooks = noWebhooks{}
	}
	// Verifying against this hash when an account does not exist takes as long as a real check.
	dummy, err := auth.UnusableHash(o.PasswordParams)
	if err != nil {
		return nil, err
	}
	lg := o.Ledger
	if lg == nil {
		return nil, errors.New("httpapi: Options.Ledger is required")
	}
	s := &Server{
		db: o.Store, store: o.Store, engine: o.Engine, version: o.Version, log: o.Logger, maxBody: o.MaxBodyBytes,
		timeout:   o.RequestTimeout,
		admission: newAdmission(o.Admission),
		specJSON:  specDoc, tokens: o.Tokens, keys: o.Keys, passwordParams: o.PasswordParams, dummyHash: dummy,
		refreshTTL: o.RefreshTTL, limiter: newLimiter(o.IPLimit, o.AccountLimit, o.Store),
		rosters: lg.Rosters, checkIns: lg.CheckInBatches, registrations: lg.Registrations, checkInKey: o.CheckInKey, presence: lg.Presence, outbox: lg.Outbox, webhooks: o.Webhooks, publicURL: o.PublicURL,
		idem: lg.Idempotency, events: lg.Events, attendances: lg.Attendances, credentials: lg.Credentials, accounts: lg.Accounts,
		progress: lg.Progress, records: lg.Records, links: lg.Links, sight: lg.Sight, standing: lg.Standing, registry: lg.Registry, members: lg.Members, shareLinks: lg.Shares,
		now: func() time.Time { return o.Now().UTC() }, unreachable: o.Unreachable,
		hsts: o.HSTS, corsOrigins: o.CORSOrigins, progressCache: newProgressCache(o.ProgressCacheBytes), callers: newCallers(),
	}

	reg := o.Metrics
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	e := s.newEcho(reg)
	if o.Replica != nil {
		e.Use(newReadAfter(o.Replica, s.callerOf(o.Pages)).middleware)
	}
	deprecated, err := readDeprecations(spec)
	if err != nil {
		return nil, fmt.Errorf("the contract's deprecations: %w", err)
	}
	api.RegisterHandlers(e, api.NewStrictHandler(s, []api.StrictMiddlewareFunc{s.confirmedCaller}))
	e.Use(deprecated.middleware, withRequestInfo, checkText, validator(spec, e.Routes(), s.authenticate), rejectBadTokens, rejectUnknownQuery(spec), revalidate)

	docs := docsHandler()
	e.GET("/docs", docs)
	e.GET("/docs/*", docs)
	if o.Pages != nil {
		o.Pages.Mount(e)
	}
	return e, nil
}

// newEcho returns echo with the middleware every route shares: request ids and logs,
// panic recovery, metrics, the body limit, and problem responses for every error.
func (s *Server) newEcho(reg prometheus.Registerer) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// The peer address is the client: X-Forwarded-For and X-Real-IP are not trusted.
	e.IPExtractor = echo.ExtractIPDirect()
	e.Pre(sanitizeRequestID)

	e.Use(
		middleware.RequestIDWithConfig(middleware.RequestIDConfig{
			Generator:        newRequestID,
			RequestIDHandler: s.attachLogger,
		}),
		s.requestLogger(),
		secureHeaders(s.hsts),
		headerLimit,
		cors(s.corsOrigins),
		middleware.RecoverWithConfig(middleware.RecoverConfig{
			DisableErrorHandler: true,
			LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
				logger(c).Error("panic", "err", err, "stack", string(stack))
				return err
			},
		}),
		echoprometheus.NewMiddlewareWithConfig(echoprometheus.MiddlewareConfig{
			Namespace:                 "recert",
			Subsystem:                 "http",
			Registerer:                reg,
			DoNotUseRequestPathFor404: true,
		}),
		s.admission.admit,
		s.bodyLimit(),
		s.deadline,
	)

	return e
}

// deadline gives the request's context the request timeout (a roster, RosterTimeout): the
// database calls it makes give up then, and their error answers 503 with Retry-After.
func (s *Server) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	if s.timeout <= 0 {
		return next
	}
	return func(c echo.Context) error {
		timeout := s.timeout
		if rosterRoutes[c.Request().Method+" "+c.Path()] {
			timeout = RosterTimeout(s.timeout)
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// rosterRoutes post a roster: up to recert.MaxRosterRows rows written in one transaction.
var rosterRoutes = map[string]bool{
	"POST /v1/events/:event_id/attendance":      true,
	"POST /app/events/:event_id/roster":         true,
	"POST /app/events/:event_id/roster/confirm": true,
}

// RosterTimeout is the deadline of a request that posts a roster: three times the request
// timeout, within the HTTP server's 120 s write timeout (90 s with the default 30 s), for
// the largest roster on a busy database.
func RosterTimeout(requestTimeout time.Duration) time.Duration {
	return max(requestTimeout, min(3*requestTimeout, 90*time.Second))
}

// routeBodyLimits are the operations that take more than the default body limit.
var routeBodyLimits = map[string]int64{
	"POST /v1/events/:event_id/attendance":                         rosterBodyLimit,
	"POST /v1/members/:member_id/activities/:activity_id/evidence": ledger.EvidenceLimit,
	"POST /v1/attendance/:attendance_id/evidence":                  ledger.EvidenceLimit,
	"POST /app/events/:event_id/roster":                            rosterBodyLimit,
	"POST /app/events/:event_id/roster/confirm":                    2 * rosterBodyLimit,      // the roster, base64
	"POST /app/activities":                                         2 * ledger.EvidenceLimit, // the form and its document: the page says when the document is too large
	"POST /app/activities/:activity_id/evidence":                   2 * ledger.EvidenceLimit, // a document attached later, likewise
}

// bodyLimitOf is the body limit of the request's route.
func (s *Server) bodyLimitOf(c echo.Context) int64 {
	if l, ok := routeBodyLimits[c.Request().Method+" "+c.Path()]; ok {
		return l
	}
	return s.maxBody
}

// bodyLimit refuses bodies over the route's limit with 413.
func (s *Server) bodyLimit() echo.MiddlewareFunc {
	limits := map[int64]echo.MiddlewareFunc{}
	for _, l := range append([]int64{s.maxBody}, slices.Collect(maps.Values(routeBodyLimits))...) {
		limits[l] = middleware.BodyLimit(fmt.Sprintf("%dB", l))
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return limits[s.bodyLimitOf(c)](next)(c) }
	}
}

// validator checks every request to an operation of the contract before its handler runs.
// Other routes (documentation assets, metrics, unknown paths) are left to echo.
func validator(spec *openapi3.T, routes []*echo.Route, authn openapi3filter.AuthenticationFunc) echo.MiddlewareFunc {
	spec.Servers = nil // match on paths alone, whatever host the service answers on
	inSpec := make(map[string]bool, len(routes))
	for _, r := range routes {
		inSpec[r.Method+" "+r.Path] = true
	}
	opts := &echomw.Options{
		SilenceServersWarning: true,
		Skipper: func(c echo.Context) bool {
			return !inSpec[c.Request().Method+" "+c.Path()]
		},
		Options: openapi3filter.Options{
			MultiError: true,
			// Hand the decoded body to the handler, so large rosters are not decoded twice.
			KeepValidatedValue: true,
			AuthenticationFunc: authn,
		},
		// Keep the validator's error whole; handleError turns it into field errors.
		ErrorHandler: func(c echo.Context, err *echo.HTTPError) error {
			if errors.Is(err.Internal, echo.ErrStatusRequestEntityTooLarge) {
				return echo.ErrStatusRequestEntityTooLarge
			}
			// Authentication that could not load the caller (the database is down) is
			// neither a bad token nor a missing right: answer with what went wrong.
			if failure, ok := c.Get(authFailureKey).(error); ok {
				var he *echo.HTTPError
				if !errors.As(failure, &he) {
					return failure
				}
			}
			return err
		},
		MultiErrorHandler: func(me openapi3.MultiError) *echo.HTTPError {
			if he := securityError(me); he != nil {
				return he
			}
			return &echo.HTTPError{Code: http.StatusBadRequest, Message: "invalid request", Internal: me}
		},
	}
	ops, err := newOperations(spec)
	if err != nil {
		panic(err) // the contract is embedded: TestOperationsFindWhatTheValidatorsRouterFinds reads it
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if opts.Skipper(c) {
				return next(c)
			}
			if err := echomw.ValidateRequestFromContext(c, ops.router(c), opts); err != nil {
				return opts.ErrorHandler(c, err)
			}
			return next(c)
		}
	}
}

// securityError finds the answer of the authentication hook among the validator's errors:
// a missing or bad token (401) or a missing scope (403) comes before any other problem.
func securityError(me openapi3.MultiError) *echo.HTTPError {
	for _, err := range me {
		var se *openapi3filter.SecurityRequirementsError
		if !errors.As(err, &se) {
			continue
		}
		for _, inner := range se.Errors {
			var he *echo.HTTPError
			if errors.As(inner, &he) {
				return he
			}
		}
		return &echo.HTTPError{Code: http.StatusForbidden, Message: "the token does not allow this operation", Internal: se}
	}
	return nil
}

// attachLogger gives the request a logger that carries its id, for every line about it.
func (s *Server) attachLogger(c echo.Context, id string) {
	c.Set(loggerKey, s.log.With("request_id", id))
}

func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError:  true,
		LogStatus:    true,
		LogMethod:    true,
		LogURIPath:   true,
		LogRoutePath: true,
		LogLatency:   true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			logger(c).LogAttrs(context.Background(), level, "request",
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.String("route", v.RoutePath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency.Round(time.Microsecond)),
			)
			return nil
		},
	})
}

// newRequestID returns 16 random characters, unique enough to find one request in the logs.
func newRequestID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
