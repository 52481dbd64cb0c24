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

// statusOf maps each domain error code to its HTTP status: the one table.
var statusOf = map[string]int{
	recert.EBADREQUEST:   http.StatusBadRequest,
	recert.EINVALID:      http.StatusUnprocessableEntity,
	recert.ENOTFOUND:     http.StatusNotFound,
	recert.ECONFLICT:     http.StatusConflict,
	recert.EPRECONDITION: http.StatusPreconditionFailed,
	recert.EUNAUTHORIZED: http.StatusUnauthorized,
	recert.EFORBIDDEN:    http.StatusForbidden,
	recert.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	recert.ERATELIMITED:  http.StatusTooManyRequests,
	recert.EUNAVAILABLE:  http.StatusServiceUnavailable,
	recert.EINTERNAL:     http.StatusInternalServerError,
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
		var rl *rateLimited
		if errors.As(err, &rl) {
			retry = strconv.Itoa(rl.retryAfter)
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
