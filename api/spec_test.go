package api_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/recert-dev/recert/api"
)

// TestContract checks openapi.yaml is a valid OpenAPI 3.0 document and the embedded copy
// the service runs on is the same contract.
func TestContract(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatalf("openapi.yaml does not load: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("openapi.yaml is invalid: %v", err)
	}
	embedded, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	for path := range doc.Paths.Map() {
		if embedded.Paths.Find(path) == nil {
			t.Errorf("%s is in openapi.yaml but not in the embedded spec: run go generate ./...", path)
		}
	}
	for _, op := range operations(doc) {
		if op.OperationID == "" {
			t.Errorf("an operation has no operationId")
		}
	}
}

func operations(doc *openapi3.T) []*openapi3.Operation {
	var ops []*openapi3.Operation
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops = append(ops, op)
		}
	}
	return ops
}
