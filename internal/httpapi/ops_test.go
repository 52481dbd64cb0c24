package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

func TestOperations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		ctx := t.Context()

		health, err := env.Client.GetHealthWithResponse(ctx)
		if err != nil || health.JSON200 == nil || health.JSON200.Status != api.Ok {
			t.Fatalf("healthz: %v %+v", err, health)
		}
		ready, err := env.Client.GetReadinessWithResponse(ctx)
		if err != nil || ready.JSON200 == nil {
			t.Fatalf("readyz: %v %s", err, ready.Body)
		}
		ver, err := env.Client.GetVersionWithResponse(ctx)
		if err != nil || ver.JSON200 == nil {
			t.Fatalf("version: %v %s", err, ver.Body)
		}
		if ver.JSON200.SchemaVersion < 1 || string(ver.JSON200.Database) != string(st.Engine()) || ver.JSON200.Version == "" {
			t.Errorf("version = %+v, want schema >= 1 on %s", *ver.JSON200, st.Engine())
		}
		if id := health.HTTPResponse.Header.Get("X-Request-Id"); len(id) != 16 {
			t.Errorf("X-Request-Id = %q, want 16 characters", id)
		}
	})
}

// TestSpecIsServedAsWritten checks /openapi.yaml is the repository's file byte for byte and
// /openapi.json the same document.
func TestSpecIsServedAsWritten(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	file, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := env.Client.GetOpenAPISpecWithResponse(t.Context())
	if err != nil || res.StatusCode() != http.StatusOK {
		t.Fatalf("GET /openapi.yaml: %v %d", err, res.StatusCode())
	}
	if !bytes.Equal(res.Body, file) {
		t.Errorf("GET /openapi.yaml serves %d bytes that differ from openapi.yaml's %d", len(res.Body), len(file))
	}
	asJSON, err := env.Client.GetOpenAPISpecJSONWithResponse(t.Context())
	if err != nil || asJSON.JSON200 == nil {
		t.Fatalf("GET /openapi.json: %v %d", err, asJSON.StatusCode())
	}
	var fromYAML, fromJSON any
	if err := yaml.Unmarshal(file, &fromYAML); err != nil {
		t.Fatal(err)
	}
	// Through JSON once, so both sides hold JSON's types.
	b, err := json.Marshal(fromYAML)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(b, &fromYAML)
	if err := json.Unmarshal(asJSON.Body, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromYAML, fromJSON); diff != "" {
		t.Errorf("/openapi.json is not the document of /openapi.yaml (-yaml +json):\n%s", diff)
	}
	doc, err := openapi3.NewLoader().LoadFromData(asJSON.Body)
	if err != nil {
		t.Fatalf("served JSON does not load: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("served JSON is invalid: %v", err)
	}
}

func TestDocs(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	tests := []struct {
		name, path, contentType, contains string
	}{
		{"docs page", "/docs", "text/html", "swagger-ui"},
		{"docs assets are embedded", "/docs/swagger-ui-bundle.js", "javascript", "SwaggerUI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := env.HTTP.Get(env.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), tt.contentType) {
				t.Fatalf("GET %s = %d %s", tt.path, res.StatusCode, res.Header.Get("Content-Type"))
			}
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("GET %s body lacks %q", tt.path, tt.contains)
			}
		})
	}
}

func TestErrorsAreProblems(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		detail       string
	}{
		{"unknown route", "GET", "/v1/nothing-here", "", 404, "no operation at GET /v1/nothing-here"},
		{"wrong method", "DELETE", "/healthz", "", 405, "DELETE is not allowed on /healthz"},
		{"missing docs asset", "GET", "/docs/nope.js", "", 404, "no operation at GET /docs/nope.js"},
		{"body over the limit", "POST", "/v1/version", strings.Repeat("x", 2<<20), 413, "the body exceeds the limit of 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, env.URL+tt.path, strings.NewReader(tt.body))
			res, err := env.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			p := apitest.Problem(t, res)
			if res.StatusCode != tt.status || p.Status != tt.status || p.Detail == nil || *p.Detail != tt.detail {
				t.Errorf("%s %s = %d %+v, want %d %q", tt.method, tt.path, res.StatusCode, p, tt.status, tt.detail)
			}
			if p.RequestID == nil || *p.RequestID != res.Header.Get("X-Request-Id") {
				t.Errorf("problem request id %v, header %q", p.RequestID, res.Header.Get("X-Request-Id"))
			}
			if p.Instance == nil || *p.Instance != tt.path {
				t.Errorf("instance = %v, want %s", p.Instance, tt.path)
			}
		})
	}
}
