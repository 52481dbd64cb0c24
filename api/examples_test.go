package api_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestEveryOperationHasExamples checks each operation shows an example of every request
// body it takes, of every successful answer with a body, and of at least one error, so a
// later operation cannot land without them; and that each example is valid against its
// schema (Spectral checks the same in CI; this runs under go test and names every failure).
func TestEveryOperationHasExamples(t *testing.T) {
	doc := loadContract(t)
	for _, o := range sortedOperations(doc) {
		if rb := o.op.RequestBody; rb != nil {
			for ct, mt := range rb.Value.Content {
				checkExamples(t, o.name+" request "+ct, mt)
			}
		}
		errorExample := false
		for code, res := range o.op.Responses.Map() {
			for ct, mt := range res.Value.Content {
				switch {
				case strings.HasPrefix(code, "2"):
					checkExamples(t, o.name+" "+code+" "+ct, mt)
				case strings.HasPrefix(code, "4") || strings.HasPrefix(code, "5"):
					errorExample = errorExample || len(examplesOf(mt)) > 0
				}
			}
		}
		if !errorExample {
			t.Errorf("%s: no error response with an example", o.name)
		}
	}
}

// checkExamples fails when mt shows no example or one its schema refuses.
func checkExamples(t *testing.T, where string, mt *openapi3.MediaType) {
	t.Helper()
	values := examplesOf(mt)
	if len(values) == 0 {
		t.Errorf("%s: no example", where)
	}
	if mt.Schema == nil {
		return
	}
	for name, v := range values {
		if s, ok := v.(string); ok && mt.Schema.Value.Type.Is("string") {
			v = s // text bodies (CSV, HTML, calendars) are examples as written
		}
		if err := mt.Schema.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
			t.Errorf("%s: example %s does not match its schema: %v", where, name, firstLines(err.Error(), 6))
		}
	}
}

func examplesOf(mt *openapi3.MediaType) map[string]any {
	out := map[string]any{}
	if mt.Example != nil {
		out["example"] = mt.Example
	}
	for name, ex := range mt.Examples {
		if ex.Value != nil && ex.Value.Value != nil {
			out[name] = ex.Value.Value
		}
	}
	return out
}

// TestReadsDeclareReadAfter checks every GET that reads recorded data declares the
// Recert-Read-After parameter, so generated clients can send it back.
func TestReadsDeclareReadAfter(t *testing.T) {
	doc := loadContract(t)
	exempt := map[string]bool{ // no data a caller writes: health, the build, the contract, keys
		"/healthz": true, "/readyz": true, "/v1/version": true, "/openapi.yaml": true, "/openapi.json": true,
		"/docs": true, "/docs/{asset}": true, "/.well-known/jwks.json": true, "/problems/{problem_type}": true,
		"/.well-known/oauth-authorization-server": true,
	}
	for path, item := range doc.Paths.Map() {
		if item.Get == nil || exempt[path] {
			continue
		}
		if item.Get.Parameters.GetByInAndName("header", "Recert-Read-After") == nil {
			t.Errorf("GET %s does not declare Recert-Read-After ($ref: '#/components/parameters/ReadAfter')", path)
		}
	}
}

type namedOperation struct {
	name string
	op   *openapi3.Operation
}

func sortedOperations(doc *openapi3.T) []namedOperation {
	var out []namedOperation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, namedOperation{fmt.Sprintf("%s %s", method, path), op})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// TestListsPage checks every operation answering a list (an object with an items array)
// takes limit and cursor and answers next_cursor, or says in x-bounded why the list is
// bounded and by what.
func TestListsPage(t *testing.T) {
	doc := loadContract(t)
	for _, o := range sortedOperations(doc) {
		res := o.op.Responses.Status(200)
		if res == nil || res.Value.Content.Get("application/json") == nil {
			continue
		}
		schema := res.Value.Content.Get("application/json").Schema
		if schema == nil || schema.Value.Properties["items"] == nil || !schema.Value.Properties["items"].Value.Type.Is("array") {
			continue
		}
		if bound, ok := o.op.Extensions["x-bounded"].(string); ok && bound != "" {
			continue
		}
		for _, name := range []string{"limit", "cursor"} {
			if o.op.Parameters.GetByInAndName("query", name) == nil {
				t.Errorf("%s answers a list without the %s parameter (or x-bounded: why and by what)", o.name, name)
			}
		}
		if schema.Value.Properties["next_cursor"] == nil {
			t.Errorf("%s answers a list without next_cursor", o.name)
		}
	}
}
