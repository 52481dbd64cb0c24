package api_test

import (
	"bytes"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/recert-dev/recert/api"
)

// TestServedContractIsTheFile checks the copy embedded for GET /openapi.yaml is openapi.yaml
// byte for byte.
func TestServedContractIsTheFile(t *testing.T) {
	file, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, api.ContractYAML) {
		t.Error("api/openapi.yaml differs from openapi.yaml: run go generate ./...")
	}
}

// TestContractReadsTheSameInYAML11And12 walks every plain (unquoted) scalar of the contract,
// examples included, and fails on one that a YAML 1.1 parser reads as another type or value
// than a YAML 1.2 parser does (10:00 is the integer 600 in YAML 1.1, "no" is false, …).
func TestContractReadsTheSameInYAML11And12(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal(api.ContractYAML, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Style == 0 && ambiguous(n.Value) {
			t.Errorf("line %d: %s reads differently in YAML 1.1 and 1.2; quote it", n.Line, n.Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
}

func TestAmbiguousScalars(t *testing.T) {
	for s, want := range map[string]bool{
		"10:00": true, "1:30:00": true, "yes": true, "No": true, "on": true, "OFF": true, "y": true,
		"2026-01-15": true, "0755": true, "1_000": true, "0b101": true, "1.5_0": true,
		"10": false, "1.50": false, "true": false, "null": false, "ethics": false, "about:blank": false,
		"v0.1.0": false, "0": false, "-3": false, "2.5e3": false, "mem_q8k2d3x5abcdefghijklmnop": false,
	} {
		if got := ambiguous(s); got != want {
			t.Errorf("ambiguous(%q) = %v, want %v", s, got, want)
		}
	}
}

// Plain scalars YAML 1.1 resolves to something other than what YAML 1.2's core schema does:
// its extra booleans, sexagesimal numbers, octal with a leading 0, binary, underscores in
// numbers, and timestamps (strings in YAML 1.2).
var (
	yaml11Bool      = regexp.MustCompile(`^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$`)
	yaml11Number    = regexp.MustCompile(`^[-+]?(0b[01_]+|0[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?|[0-9]*\.[0-9_]*_[0-9_]*)$`)
	yaml11Timestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$`)
)

func ambiguous(s string) bool {
	return yaml11Bool.MatchString(s) || yaml11Number.MatchString(s) || yaml11Timestamp.MatchString(s)
}

// TestProblemExamplesMatchTheirStatus checks every problem response shows an example, and
// that the example's status and title are the response's own.
func TestProblemExamplesMatchTheirStatus(t *testing.T) {
	doc := loadContract(t)
	check := func(where string, code int, mt *openapi3.MediaType) {
		var values []any
		if mt.Example != nil {
			values = append(values, mt.Example)
		}
		for _, ex := range mt.Examples {
			values = append(values, ex.Value.Value)
		}
		if len(values) == 0 {
			t.Errorf("%s %d: a problem response without an example", where, code)
		}
		for _, v := range values {
			p, _ := v.(map[string]any)
			status, _ := p["status"].(float64)
			if int(status) != code || p["title"] != http.StatusText(code) {
				t.Errorf("%s %d: example says %v %v, want %d %q", where, code, p["status"], p["title"], code, http.StatusText(code))
			}
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for codeText, res := range op.Responses.Map() {
				code, err := strconv.Atoi(codeText)
				if err != nil {
					continue // "default" or a range: no single status to agree with
				}
				for ct, mt := range res.Value.Content {
					if strings.Contains(ct, "problem+json") {
						check(method+" "+path, code, mt)
					}
				}
			}
		}
	}
}

// TestContractIsRelative checks the servers and token URLs are relative, so the document
// works on whatever host and port serves it.
func TestContractIsRelative(t *testing.T) {
	doc := loadContract(t)
	for _, s := range doc.Servers {
		if !strings.HasPrefix(s.URL, "/") {
			t.Errorf("server %q is absolute; want /", s.URL)
		}
	}
	for name, ss := range doc.Components.SecuritySchemes {
		if f := ss.Value.Flows; f != nil {
			for _, flow := range []*openapi3.OAuthFlow{f.Password, f.ClientCredentials, f.AuthorizationCode, f.Implicit} {
				if flow != nil && (!strings.HasPrefix(flow.TokenURL, "/") && flow.TokenURL != "" || strings.Contains(flow.RefreshURL, "://")) {
					t.Errorf("%s: token URL %q or refresh URL %q is absolute", name, flow.TokenURL, flow.RefreshURL)
				}
			}
		}
	}
}

func loadContract(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.ContractYAML)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
