package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
)

// operations finds a request's operation in the contract from the route echo matched. The
// validator's own router would match the path again against every operation's pattern in
// turn, a regular expression each, on every request.
type operations map[string]*operation // "GET /v1/members/:member_id/progress"

// operation is an operation's route and where its path parameters are: each is a whole
// segment of the path.
type operation struct {
	route  *routers.Route
	params map[string]int // name → index of its segment
}

func newOperations(spec *openapi3.T) (operations, error) {
	ops := operations{}
	for path, item := range spec.Paths.Map() {
		params := map[string]int{}
		for i, seg := range strings.Split(path, "/") {
			name, ok := strings.CutPrefix(seg, "{")
			if name, ok = strings.CutSuffix(name, "}"); ok && !strings.ContainsAny(name, "{}") {
				params[name] = i
			} else if strings.ContainsAny(seg, "{}") {
				return nil, fmt.Errorf("path %s: a parameter that is not a whole segment", path)
			}
		}
		for method, op := range item.Operations() {
			ops[method+" "+echoPath(path)] = &operation{params: params,
				route: &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: op}}
		}
	}
	return ops, nil
}

// router is the routers.Router for one request: its operation, as echo matched it.
func (ops operations) router(c echo.Context) routers.Router {
	return matched{ops[c.Request().Method+" "+c.Path()]}
}

type matched struct{ op *operation }

// FindRoute returns the operation and its path parameters as they are written in the request
// (still escaped, as the validator expects them).
func (m matched) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	if m.op == nil {
		return nil, nil, routers.ErrPathNotFound
	}
	segs := strings.Split(req.URL.EscapedPath(), "/")
	params := make(map[string]string, len(m.op.params))
	for name, i := range m.op.params {
		if i >= len(segs) {
			return nil, nil, routers.ErrPathNotFound
		}
		params[name] = segs[i]
	}
	return m.op.route, params, nil
}
