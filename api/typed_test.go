package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/recert-dev/recert/api"
)

// TestResponsesAreTyped walks every JSON response schema of the contract and fails on a property
// without a type and on open additionalProperties: a generated client (openapi-typescript, or
// this package) would give integrators `unknown` or an untyped map there, and the server could
// send fields nobody declared.
func TestResponsesAreTyped(t *testing.T) {
	spec, err := api.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	w := walker{seen: map[*openapi3.Schema]bool{}}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			for status, res := range op.Responses.Map() {
				for ct, media := range res.Value.Content {
					if !strings.Contains(ct, "json") || path == "/openapi.json" {
						continue // the contract itself (as YAML or JSON), CSV and files are not API objects
					}
					w.walk(fmt.Sprintf("%s %s %s %s", method, path, status, ct), media.Schema)
				}
			}
		}
	}
	slices.Sort(w.problems)
	for _, p := range slices.Compact(w.problems) {
		t.Error(p)
	}
	if len(w.seen) < 50 {
		t.Errorf("walked only %d schemas", len(w.seen))
	}
}

// TestTypedWalkCatchesUntypedSchemas proves the walk fails on what it must.
func TestTypedWalkCatchesUntypedSchemas(t *testing.T) {
	open := true
	bad := map[string]*openapi3.Schema{
		"untyped property": {Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"x": {Value: &openapi3.Schema{}}}},
		"open map":         {Type: &openapi3.Types{"object"}, AdditionalProperties: openapi3.AdditionalProperties{Has: &open}},
		"empty map schema": {Type: &openapi3.Types{"object"}, AdditionalProperties: openapi3.AdditionalProperties{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{}}}},
		"bare object":      {Type: &openapi3.Types{"object"}},
		"untyped items":    {Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: &openapi3.Schema{}}},
	}
	for name, s := range bad {
		w := walker{seen: map[*openapi3.Schema]bool{}}
		w.walk(name, &openapi3.SchemaRef{Value: s})
		if len(w.problems) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

type walker struct {
	seen     map[*openapi3.Schema]bool
	problems []string
}

func (w *walker) fail(at, msg string) { w.problems = append(w.problems, at+": "+msg) }

// walk checks one schema and everything under it; at names where it was reached.
func (w *walker) walk(at string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil {
		w.fail(at, "no schema")
		return
	}
	if ref.Ref != "" {
		at = strings.TrimPrefix(ref.Ref, "#/components/schemas/")
	}
	s := ref.Value
	if w.seen[s] {
		return
	}
	w.seen[s] = true
	for i, sub := range slices.Concat(s.OneOf, s.AnyOf, s.AllOf) {
		w.walk(fmt.Sprintf("%s/composition/%d", at, i), sub)
	}
	composed := len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) > 0
	if s.Type == nil || len(*s.Type) == 0 {
		if !composed {
			w.fail(at, "has no type")
		}
		return
	}
	switch {
	case s.Type.Is("array"):
		w.walk(at+"/items", s.Items)
	case s.Type.Is("object"):
		w.object(at, s)
	}
}

func (w *walker) object(at string, s *openapi3.Schema) {
	ap := s.AdditionalProperties
	switch {
	case ap.Has != nil && *ap.Has:
		w.fail(at, "has open additionalProperties")
	case ap.Schema != nil:
		w.walk(at+"/additionalProperties", ap.Schema)
	case len(s.Properties) == 0:
		w.fail(at, "is an object with no properties")
	}
	for name, p := range s.Properties {
		w.walk(at+"/"+name, p)
	}
}
