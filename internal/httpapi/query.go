package httpapi

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// rejectUnknownQuery answers 400 to a request whose query names a parameter its operation
// does not take: a misspelt filter (?catgory=I) must not silently return everything.
func rejectUnknownQuery(spec *openapi3.T) echo.MiddlewareFunc {
	allowed := map[string][]string{} // "GET /v1/events/:event_id" -> query parameter names
	for path, item := range spec.Paths.Map() {
		route := echoPath(path)
		for method, op := range item.Operations() {
			var names []string
			for _, ps := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, p := range ps {
					if p.Value != nil && p.Value.In == "query" {
						names = append(names, p.Value.Name)
					}
				}
			}
			sort.Strings(names)
			allowed[method+" "+route] = names
		}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			names, ok := allowed[c.Request().Method+" "+c.Path()]
			if !ok || c.Request().URL.RawQuery == "" {
				return next(c)
			}
			var fields []recert.FieldError
			for name := range c.QueryParams() {
				if !slices.Contains(names, name) {
					fields = append(fields, recert.FieldError{Location: "query", Pointer: "#/" + name, Detail: takes(name, names)})
				}
			}
			if len(fields) == 0 {
				return next(c)
			}
			sort.Slice(fields, func(i, j int) bool { return fields[i].Pointer < fields[j].Pointer })
			return &recert.Error{Code: recert.EBADREQUEST, Message: "the query names a parameter this operation does not take", Fields: fields}
		}
	}
}

func takes(name string, names []string) string {
	if len(names) == 0 {
		return fmt.Sprintf("unknown parameter %s: this operation takes no query parameters", recert.Quote(name))
	}
	return fmt.Sprintf("unknown parameter %s: this operation takes %s", recert.Quote(name), strings.Join(names, ", "))
}

// echoPath turns a contract path (/v1/events/{event_id}) into echo's (/v1/events/:event_id).
func echoPath(p string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(p)
}
