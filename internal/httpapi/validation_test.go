package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/recert-dev/recert/api"
)

// A contract with a query parameter and a JSON body, to drive the validator and the
// problem handler exactly as the service wires them.
const validationSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [title, sessions]
              properties:
                title: {type: string, minLength: 1}
                sessions:
                  type: array
                  items:
                    type: object
                    properties:
                      ceus: {type: string, pattern: '^\d+\.\d\d$'}
      responses:
        "204": {description: ok}
`

func TestValidationProblems(t *testing.T) {
	spec, err := openapi3.NewLoader().LoadFromData([]byte(validationSpec))
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{log: slog.New(slog.DiscardHandler), maxBody: 1 << 20}
	e := echo.New()
	e.HTTPErrorHandler = s.handleError
	e.POST("/things", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.Use(validator(spec, e.Routes(), openapi3filter.NoopAuthenticationFunc))

	tests := []struct {
		name   string
		query  string
		body   string
		status int
		want   []api.FieldError
	}{
		{"valid", "?limit=5", `{"title":"x","sessions":[{"ceus":"1.50"}]}`, 204, nil},
		{"query parameter of the wrong type", "?limit=abc", `{"title":"x","sessions":[]}`, 400,
			[]api.FieldError{{Location: "query", Pointer: "#/limit", Detail: "an invalid integer"}}},
		{"query parameter out of range", "?limit=501", `{"title":"x","sessions":[]}`, 400,
			[]api.FieldError{{Location: "query", Pointer: "#/limit", Detail: "number must be at most 500"}}},
		{"every invalid body field", "", `{"title":"","sessions":[{"ceus":"1.5"}]}`, 400,
			[]api.FieldError{
				{Location: "body", Pointer: "#/sessions/0/ceus", Detail: `string doesn't match the regular expression "^\d+\.\d\d$"`},
				{Location: "body", Pointer: "#/title", Detail: "minimum string length is 1"},
			}},
		{"missing property", "", `{"title":"x"}`, 400,
			[]api.FieldError{{Location: "body", Pointer: "#/sessions", Detail: `property "sessions" is missing`}}},
		{"malformed JSON", "", `{"title":`, 400,
			[]api.FieldError{{Location: "body", Pointer: "#", Detail: "cannot be parsed: unexpected EOF"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/things"+tt.query, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status < 400 {
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != problemType {
				t.Errorf("Content-Type = %q", ct)
			}
			var p api.Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Errors); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPanicIsAProblemWithoutInternals(t *testing.T) {
	var logs strings.Builder
	s := &Server{log: slog.New(slog.NewJSONHandler(&logs, nil)), maxBody: 1 << 20}
	e := s.newEcho(prometheus.NewRegistry())
	e.GET("/boom", func(echo.Context) error { panic("secret internal state") })

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))

	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != problemType {
		t.Fatalf("status %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("the response shows internals: %s", rec.Body)
	}
	var p api.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.RequestID == nil {
		t.Fatalf("problem %s: %v", rec.Body, err)
	}
	if !strings.Contains(logs.String(), "secret internal state") || !strings.Contains(logs.String(), `"request_id":"`+*p.RequestID+`"`) {
		t.Errorf("the log lacks the panic under request id %s:\n%s", *p.RequestID, logs.String())
	}
}
