package httpapi

import (
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/api"
)

// TestOperationsFindWhatTheValidatorsRouterFinds asks, for every operation of the contract,
// with path parameters written plainly and escaped, both the operation echo matched and the
// validator's own router (gorilla/mux) for the operation and its parameters.
func TestOperationsFindWhatTheValidatorsRouterFinds(t *testing.T) {
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	spec.Servers = nil
	ops, err := newOperations(spec)
	if err != nil {
		t.Fatalf("the contract's paths: %v", err)
	}
	mux, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	param := regexp.MustCompile(`\{[^}]+\}`)
	n := 0
	for path, item := range spec.Paths.Map() {
		for method := range item.Operations() {
			for _, value := range []string{"mem_01J", "a%20b", "caf%C3%A9", "x%2Fy", "a%2520b"} {
				target := param.ReplaceAllString(path, value)
				req := httptest.NewRequest(method, target, nil)
				c := e.NewContext(req, httptest.NewRecorder())
				c.SetPath(echoPath(path))
				got, gotParams, err := ops.router(c).FindRoute(req)
				if err != nil {
					t.Fatalf("%s %s: %v", method, target, err)
				}
				want, wantParams, err := mux.FindRoute(req)
				if err != nil {
					continue // a path the validator's router would not take (its own pattern is narrower)
				}
				if got.Path != want.Path || got.Method != want.Method || got.Operation != want.Operation {
					t.Errorf("%s %s: operation %s %s, the validator's router finds %s %s", method, target, got.Method, got.Path, want.Method, want.Path)
				}
				if len(gotParams) != len(wantParams) {
					t.Errorf("%s %s: parameters %v, want %v", method, target, gotParams, wantParams)
				}
				for k, v := range wantParams {
					if gotParams[k] != v {
						t.Errorf("%s %s: parameter %s = %q, want %q", method, target, k, gotParams[k], v)
					}
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d requests compared", n)
	}
}
