package progress

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the engine's output")

// goldenInput is the shape of testdata/*.input.json.
type goldenInput struct {
	// Description says what the case shows, for people.
	Description string `json:"description"`
	// Program is a built-in program id (a JSON string) or a whole program document.
	Program json.RawMessage `json:"program"`
	AsOf    Date            `json:"as_of"`
	// Period, when set, chooses the period by a date inside it; AsOf is the day it is judged on.
	Period  Date            `json:"period,omitzero"`
	Facts   Facts           `json:"facts"`
	Credits []Credit        `json:"credits"`
	Entries []ClinicalEntry `json:"entries"`
}

// goldenOutput is the shape of testdata/*.golden.json: an evaluation or an error message.
type goldenOutput struct {
	Evaluation *Evaluation         `json:"evaluation,omitempty"`
	Clinical   *ClinicalEvaluation `json:"clinical,omitempty"`
	Error      string              `json:"error,omitempty"`
}

func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.input.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < 30 {
		t.Fatalf("found %d golden inputs, want at least 30", len(inputs))
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".input.json")
		t.Run(name, func(t *testing.T) {
			got := runGolden(t, in)
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs (-want +got):\n%s", path, diff)
			}
		})
	}
}

// runGolden evaluates one input file and returns the indented JSON output.
func runGolden(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var in goldenInput
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	p := goldenProgram(t, in.Program)
	var out goldenOutput
	at := in.Period
	if at.IsZero() {
		at = in.AsOf
	}
	if p.Kind == KindClinical {
		e, err := EvaluateClinicalAt(p, in.Facts, in.Entries, at, in.AsOf)
		out.Clinical, out.Error = &e, errText(err)
	} else {
		e, err := EvaluateAt(p, in.Facts, in.Credits, at, in.AsOf)
		out.Evaluation, out.Error = &e, errText(err)
	}
	if out.Error != "" {
		out.Evaluation, out.Clinical = nil, nil
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// goldenProgram resolves a built-in id or parses an inline program (invalid ones are kept so
// that Evaluate reports their validation errors).
func goldenProgram(t *testing.T, raw json.RawMessage) Program {
	t.Helper()
	var id string
	if json.Unmarshal(raw, &id) == nil {
		return builtIn(t, id)
	}
	var p Program
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
