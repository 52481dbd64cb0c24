package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// A deprecation is what the contract says of a deprecated operation or parameter: since
// when (x-deprecated-since) and until when it is served (x-sunset), both dates.
type deprecation struct {
	since, sunset time.Time
}

// header sets Deprecation (RFC 9745: the date as @ and Unix seconds) and Sunset (RFC 8594:
// an HTTP date) on an answer.
func (d deprecation) header(h http.Header) {
	h.Set("Deprecation", "@"+strconv.FormatInt(d.since.Unix(), 10))
	h.Set("Sunset", d.sunset.UTC().Format(http.TimeFormat))
}

// deprecations indexes the contract's deprecated operations and query or header
// parameters by route ("GET /v1/members/:member_id").
type deprecations struct {
	ops    map[string]deprecation
	params map[string]map[string]deprecation // route -> "query:name" or "header:name"
}

// readDeprecations finds every deprecated operation and parameter in the contract; each
// must say since when and until when, or the service does not start.
func readDeprecations(spec *openapi3.T) (deprecations, error) {
	d := deprecations{ops: map[string]deprecation{}, params: map[string]map[string]deprecation{}}
	for path, item := range spec.Paths.Map() {
		route := echoPath(path)
		for method, op := range item.Operations() {
			key := method + " " + route
			if op.Deprecated {
				dep, err := deprecationOf(op.Extensions)
				if err != nil {
					return d, fmt.Errorf("%s %s: %w", method, path, err)
				}
				d.ops[key] = dep
			}
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value == nil || !p.Value.Deprecated {
					continue
				}
				dep, err := deprecationOf(p.Value.Extensions)
				if err != nil {
					return d, fmt.Errorf("%s %s, parameter %s: %w", method, path, p.Value.Name, err)
				}
				if d.params[key] == nil {
					d.params[key] = map[string]deprecation{}
				}
				d.params[key][p.Value.In+":"+strings.ToLower(p.Value.Name)] = dep
			}
		}
	}
	return d, nil
}

func deprecationOf(ext map[string]any) (deprecation, error) {
	var d deprecation
	for name, at := range map[string]*time.Time{"x-deprecated-since": &d.since, "x-sunset": &d.sunset} {
		s, _ := ext[name].(string)
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return d, fmt.Errorf("deprecated without a %s date (YYYY-MM-DD)", name)
		}
		*at = t
	}
	if !d.sunset.After(d.since) {
		return d, fmt.Errorf("x-sunset %s is not after x-deprecated-since %s", d.sunset.Format(time.DateOnly), d.since.Format(time.DateOnly))
	}
	return d, nil
}

// middleware marks every answer to a request that uses a deprecated operation or parameter,
// errors included, so a client learns of it from any call it makes.
func (d deprecations) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	if len(d.ops) == 0 && len(d.params) == 0 {
		return next
	}
	return func(c echo.Context) error {
		key := c.Request().Method + " " + c.Path()
		if dep, ok := d.ops[key]; ok {
			dep.header(c.Response().Header())
		}
		for name, dep := range d.params[key] {
			in, param, _ := strings.Cut(name, ":")
			if used(c.Request(), in, param) {
				dep.header(c.Response().Header())
			}
		}
		return next(c)
	}
}

// used reports whether the request carries the parameter.
func used(r *http.Request, in, name string) bool {
	switch in {
	case openapi3.ParameterInQuery:
		for k := range r.URL.Query() {
			if strings.EqualFold(k, name) {
				return true
			}
		}
	case openapi3.ParameterInHeader:
		return r.Header.Get(name) != ""
	}
	return false
}
