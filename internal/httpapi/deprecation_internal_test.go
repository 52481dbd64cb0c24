package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/api"
)

const deprecatedSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/old/{id}:
    get:
      deprecated: true
      x-deprecated-since: "2026-12-04"
      x-sunset: "2027-06-30"
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
  /v1/new:
    get:
      parameters:
        - name: explain
          in: query
          deprecated: true
          x-deprecated-since: "2026-12-04"
          x-sunset: "2027-06-30"
          schema: {type: boolean}
        - {name: include, in: query, schema: {type: string}}
      responses: {"200": {description: ok}}
`

func TestDeprecationAndSunsetHeaders(t *testing.T) {
	spec, err := openapi3.NewLoader().LoadFromData([]byte(deprecatedSpec))
	if err != nil {
		t.Fatal(err)
	}
	d, err := readDeprecations(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.Use(d.middleware)
	ok := func(c echo.Context) error { return c.NoContent(http.StatusOK) }
	e.GET("/v1/old/:id", ok)
	e.GET("/v1/new", ok)
	const since, sunset = "@1796342400", "Wed, 30 Jun 2027 00:00:00 GMT" // 2026-12-04 and 2027-06-30
	for _, c := range []struct {
		target     string
		deprecated bool
	}{
		{"/v1/old/x1", true},
		{"/v1/new", false},
		{"/v1/new?include=credits", false},
		{"/v1/new?explain=true", true},
		{"/v1/new?include=credits&Explain=false", true},
	} {
		t.Run(c.target, func(t *testing.T) {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.target, nil))
			dep, sun := rec.Header().Get("Deprecation"), rec.Header().Get("Sunset")
			if c.deprecated && (dep != since || sun != sunset) {
				t.Errorf("Deprecation %q, Sunset %q; want %q, %q", dep, sun, since, sunset)
			}
			if !c.deprecated && (dep != "" || sun != "") {
				t.Errorf("not deprecated, yet Deprecation %q, Sunset %q", dep, sun)
			}
		})
	}
}

// A deprecation the contract does not date is refused at start, so no deprecated thing
// goes out without its sunset.
func TestDeprecationNeedsItsDates(t *testing.T) {
	for name, spec := range map[string]string{
		"no sunset":           strings.Replace(deprecatedSpec, `      x-sunset: "2027-06-30"`+"\n", "", 1),
		"no since":            strings.Replace(deprecatedSpec, `          x-deprecated-since: "2026-12-04"`+"\n", "", 1),
		"sunset before since": strings.Replace(deprecatedSpec, `x-sunset: "2027-06-30"`, `x-sunset: "2026-01-01"`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := openapi3.NewLoader().LoadFromData([]byte(spec))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := readDeprecations(s); err == nil {
				t.Error("accepted")
			}
		})
	}
	// The contract itself dates every deprecation.
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readDeprecations(spec); err != nil {
		t.Errorf("openapi.yaml: %v", err)
	}
}
