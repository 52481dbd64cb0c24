package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/recert-dev/recert/internal/progress"
)

// TestProgramDocumentRoundTrips: every built-in program, written as the typed contract
// document and read back by the engine, is the same program: no field is lost on the way.
func TestProgramDocumentRoundTrips(t *testing.T) {
	programs, err := progress.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range programs {
		t.Run(p.ID, func(t *testing.T) {
			doc, err := json.Marshal(toAPIProgram(p))
			if err != nil {
				t.Fatal(err)
			}
			back, err := progress.ParseProgram(doc)
			if err != nil {
				t.Fatalf("%v\n%s", err, doc)
			}
			if diff := cmp.Diff(p, back, cmpopts.IgnoreUnexported(progress.Program{})); diff != "" {
				t.Errorf("(-built in +round trip):\n%s", diff)
			}
		})
	}
}
