package httpapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// problemType is the media type of every error response (RFC 9457).
const problemType = "application/problem+json"

// problemKind is one error code: its status, the last segment of its type URI, and the
// page that URI serves. Later features add their codes here; a type, once published, keeps
// its meaning.
type problemKind struct {
	status int
	slug   string // <public URL>/problems/<slug>
	what   string // what the problem means
	todo   string // what the caller does about it
}

// problemKinds is the one table of error codes. Codes that only the HTTP layer raises (a
// method a path does not take, a body of the wrong type) have entries of their own.
var problemKinds = map[string]problemKind{
	recert.EBADREQUEST: {http.StatusBadRequest, "bad-request",
		"The request does not match the API contract: a parameter or field is missing, malformed or out of range, or a cursor is not one the service gave out.",
		"Read the problem's errors: each names a location (body, query, path or header), a JSON pointer and what is wrong. Fix the request before sending it again; the same request fails the same way."},
	recert.EUNAUTHORIZED: {http.StatusUnauthorized, "unauthorized",
		"The request carries no valid access token, the token has expired or been revoked, or the credentials sent to the token endpoint are wrong.",
		"Get a new access token from POST /v1/auth/token (with a refresh token, or by signing in again) and send it as Authorization: Bearer. The WWW-Authenticate header says what was wrong with the token."},
	recert.EFORBIDDEN: {http.StatusForbidden, "forbidden",
		"The token is valid but lacks the scope or role the operation needs.",
		"Ask for a token with the scope named in the operation's security requirement, or have an administrator give the account the role. Retrying with the same token does not help."},
	recert.ENOTFOUND: {http.StatusNotFound, "not-found",
		"The object named in the request does not exist, or it is not one you may see; or no operation answers at this path.",
		"Check the id and the path; list the collection to find the object. Another organization's object answers 404 too, never 403, so its existence is not revealed."},
	eMethodNotAllowed: {http.StatusMethodNotAllowed, "method-not-allowed",
		"The path exists, but not with this HTTP method.",
		"The Allow header lists the methods the path takes; the contract at /openapi.yaml lists its operations."},
	recert.ECONFLICT: {http.StatusConflict, "conflict",
		"The object's current state forbids the change: an event already published, attendance already revoked, a name already taken.",
		"Read the object again, decide on its current state, and send a request that fits it. The detail says which state stood in the way."},
	recert.EGONE: {http.StatusGone, "gone",
		"The address worked once and no longer does: a share link that its member revoked or that has expired.",
		"Ask whoever gave you the link for a new one. The same address will not work again."},
	recert.EPRECONDITION: {http.StatusPreconditionFailed, "precondition-failed",
		"The object changed since the ETag sent in If-Match: someone else's update came first.",
		"Read the object again, apply your change to what it is now, and send it with the new ETag. Nothing was changed by the refused request."},
	recert.ETOOLARGE: {http.StatusRequestEntityTooLarge, "too-large",
		"The request body, or a list in it, exceeds the limit of this operation.",
		"Send less at once: split a roster or a file into parts. The detail names the limit."},
	eUnsupportedMediaType: {http.StatusUnsupportedMediaType, "unsupported-media-type",
		"The body's Content-Type is not one this operation takes.",
		"Send the body as one of the media types the operation lists in the contract, with a matching Content-Type header."},
	recert.EINVALID: {http.StatusUnprocessableEntity, "invalid",
		"The request is well-formed, but what it asks breaks a rule of the record: a date out of order, an event without a session, a category the program does not know.",
		"Read the detail and the errors, which point at the fields concerned, and correct the input. The same request fails the same way."},
	recert.ERATELIMITED: {http.StatusTooManyRequests, "rate-limited",
		"Too many attempts in a short time, such as failed sign-ins for one account or from one address.",
		"Wait the number of seconds in the Retry-After header before trying again; trying sooner extends the wait."},
	recert.EINTERNAL: {http.StatusInternalServerError, "internal",
		"The service failed in a way it did not expect. Nothing about the cause is shown to callers.",
		"Retry later if the request is safe to repeat (a GET, or a POST with an Idempotency-Key). If it persists, report it to the service's operators with the problem's request_id, which finds the failure in their logs."},
	recert.EUNAVAILABLE: {http.StatusServiceUnavailable, "unavailable",
		"The service cannot reach its database or the database does not answer in time; nothing was changed.",
		"Retry after the number of seconds in the Retry-After header. The service answers again by itself once the database does."},
}

// Codes only the HTTP layer raises.
const (
	eMethodNotAllowed     = "method_not_allowed"
	eUnsupportedMediaType = "unsupported_media_type"
)

// statusOf maps each error code to its HTTP status.
var statusOf = func() map[string]int {
	m := make(map[string]int, len(problemKinds))
	for code, k := range problemKinds {
		m[code] = k.status
	}
	return m
}()

// kindOfStatus finds the type of a problem from its status: each status has one code.
var kindOfStatus = func() map[int]problemKind {
	m := make(map[int]problemKind, len(problemKinds))
	for _, k := range problemKinds {
		if _, dup := m[k.status]; dup {
			panic(fmt.Sprintf("two problem codes answer %d", k.status))
		}
		m[k.status] = k
	}
	return m
}()

// problemTypeURI is the absolute type of a problem with this status, from the public URL;
// about:blank for a status no code answers.
func (s *Server) problemTypeURI(status int) string {
	k, ok := kindOfStatus[status]
	if !ok {
		return "about:blank"
	}
	return s.publicURL + "/problems/" + k.slug
}

// handleError is echo's HTTPErrorHandler: every failure leaves as a problem response.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	if !errors.As(err, &he) && recert.ErrorCode(err) == recert.EINTERNAL && s.unreachable != nil && s.unreachable(err) {
		err = recert.Wrap(err, recert.EUNAVAILABLE, "the database cannot be reached; retry later")
	}
	p := s.problemFor(err, c)
	p.Type = s.problemTypeURI(p.Status)
	p.Instance = ptr(c.Request().URL.Path)
	if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
		p.RequestID = &id
	}
	if p.Status >= 500 {
		logger(c).Error("request failed", "status", p.Status, "err", err)
	}
	s.setHeaders(err, p.Status, c.Response().Header())
	body, _ := json.Marshal(p)
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	_ = c.Blob(p.Status, problemType, body)
}

// setHeaders adds the headers some statuses call for: a Bearer challenge on 401
// (RFC 6750), Retry-After on 429 and 503.
func (s *Server) setHeaders(err error, status int, h http.Header) {
	switch status {
	case http.StatusUnauthorized:
		var bc bearerChallenge
		if errors.As(err, &bc) {
			h.Set("WWW-Authenticate", bc.header())
		} else {
			h.Set("WWW-Authenticate", `Bearer realm="recert"`)
		}
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		retry := "5"
		var rl *recert.Throttled
		var ov *errOverloaded
		switch {
		case errors.As(err, &rl):
			retry = strconv.Itoa(rl.Seconds())
		case errors.As(err, &ov):
			retry = "1"
		}
		h.Set("Retry-After", retry)
	}
}

func (s *Server) problemFor(err error, c echo.Context) api.Problem {
	var oe *oauthError
	if errors.As(err, &oe) {
		p := newProblem(oe.status, oe.description)
		p.Error = ptr(oe.code)
		return p
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return s.httpProblem(he, c)
	}
	code := recert.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok || code == recert.EINTERNAL {
		return newProblem(http.StatusInternalServerError,
			"an unexpected error occurred; quote the request id when reporting it")
	}
	var re *recert.Error
	errors.As(err, &re)
	p := newProblem(status, re.Message)
	for _, f := range re.Fields {
		p.Errors = appendField(p.Errors, f.Location, f.Pointer, f.Detail)
	}
	return p
}

// httpProblem explains the errors echo and the request validator raise.
func (s *Server) httpProblem(he *echo.HTTPError, c echo.Context) api.Problem {
	req := c.Request()
	switch he.Code {
	case http.StatusNotFound:
		return newProblem(he.Code, fmt.Sprintf("no operation at %s %s", req.Method, req.URL.Path))
	case http.StatusMethodNotAllowed:
		return newProblem(he.Code, fmt.Sprintf("%s is not allowed on %s", req.Method, req.URL.Path))
	case http.StatusRequestEntityTooLarge:
		return newProblem(he.Code, fmt.Sprintf("the body exceeds the limit of %d bytes", s.bodyLimitOf(c)))
	case http.StatusUnauthorized, http.StatusForbidden:
		return newProblem(he.Code, fmt.Sprint(he.Message))
	}
	if he.Internal != nil && he.Code == http.StatusBadRequest {
		p := newProblem(he.Code, "the request does not match the API contract")
		p.Errors = validationFields(he.Internal)
		if len(p.Errors) > 0 {
			p.Detail = ptr(fmt.Sprintf("%s: %s", strings.TrimPrefix(p.Errors[0].Pointer, "#/"), p.Errors[0].Detail))
		}
		return p
	}
	if he.Code >= 500 {
		return newProblem(he.Code, "an unexpected error occurred; quote the request id when reporting it")
	}
	return newProblem(he.Code, fmt.Sprint(he.Message))
}

// validationFields turns the validator's errors into one field error per invalid value.
func validationFields(err error) []api.FieldError {
	var out []api.FieldError
	var walk func(err error)
	walk = func(err error) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, inner := range e {
				walk(inner)
			}
		case *openapi3filter.RequestError:
			out = append(out, requestFields(e)...)
		}
	}
	walk(err)
	// The validator visits object properties in map order; sort for stable answers.
	slices.SortStableFunc(out, func(a, b api.FieldError) int {
		return cmp.Or(strings.Compare(string(a.Location), string(b.Location)), strings.Compare(a.Pointer, b.Pointer))
	})
	return out
}

func requestFields(e *openapi3filter.RequestError) []api.FieldError {
	if e.Parameter != nil {
		return appendField(nil, e.Parameter.In, "#/"+escapePointer(e.Parameter.Name), reason(e))
	}
	var out []api.FieldError
	var walk func(err error)
	walk = func(err error) {
		var me openapi3.MultiError
		var se *openapi3.SchemaError
		switch {
		case errors.As(err, &me):
			for _, inner := range me {
				walk(inner)
			}
		case errors.As(err, &se):
			path := se.JSONPointer()
			for i := range path {
				path[i] = escapePointer(path[i])
			}
			out = appendField(out, "body", "#/"+strings.Join(path, "/"), se.Reason)
		default:
			out = appendField(out, "body", "#", reason(e))
		}
	}
	walk(e.Err)
	return out
}

// reason is the validator's explanation without the Go error chain around it.
func reason(e *openapi3filter.RequestError) string {
	var se *openapi3.SchemaError
	if errors.As(e.Err, &se) {
		return se.Reason
	}
	if e.Err != nil {
		var pe *openapi3filter.ParseError
		if errors.As(e.Err, &pe) && pe.Reason != "" {
			return pe.Reason
		}
		if errors.As(e.Err, &pe) && pe.Cause != nil {
			return "cannot be parsed: " + firstLine(pe.Cause.Error())
		}
		return firstLine(e.Err.Error())
	}
	return e.Reason
}

func appendField(out []api.FieldError, location, pointer, detail string) []api.FieldError {
	return append(out, api.FieldError{
		Location: api.FieldErrorLocation(location),
		Pointer:  pointer,
		Detail:   detail,
	})
}

func newProblem(status int, detail string) api.Problem {
	return api.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: ptr(detail)}
}

// escapePointer escapes one JSON Pointer reference token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func ptr[T any](v T) *T { return &v }

// logger returns the request's logger, which carries its request id.
func logger(c echo.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
