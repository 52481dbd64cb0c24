// Package openbadgestest checks credentials as a verifier of Open Badges 3.0 VC-JWTs does,
// for tests: the expectations written down in testdata/validator-expectations.json (those of
// the 1EdTech validator's JWT probe), the signature, and the 1EdTech JSON Schema of an
// OpenBadgeCredential (testdata/ob_v3p0_achievementcredential_schema.json, as published at
// openbadges.SchemaID).
package openbadgestest

import (
	"bytes"
	"crypto/rsa"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/recert-dev/recert/internal/openbadges"
)

//go:embed testdata/ob_v3p0_achievementcredential_schema.json
var schemaJSON []byte

//go:embed testdata/validator-expectations.json
var expectationsJSON []byte

// Expectations are what testdata/validator-expectations.json says a verifier expects.
type Expectations struct {
	MediaType string `json:"media_type"`
	Header    struct {
		Members []string `json:"members"`
		Alg     string   `json:"alg"`
		Typ     string   `json:"typ"`
	} `json:"header"`
	Payload struct {
		Context     []string          `json:"@context"`
		Type        []string          `json:"type"`
		ClaimsEqual map[string]string `json:"claims_equal"`
		SubjectType []string          `json:"credentialSubject.type"`
		Never       []string          `json:"never"`
	} `json:"payload"`
}

// Expected returns the expectations.
func Expected(t testing.TB) Expectations {
	t.Helper()
	var e Expectations
	if err := json.Unmarshal(expectationsJSON, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

var schema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(openbadges.SchemaID, doc); err != nil {
		return nil, err
	}
	return c.Compile(openbadges.SchemaID)
})

// ValidateSchema checks a credential's JSON against the Open Badges 3.0 schema.
func ValidateSchema(credential []byte) error {
	s, err := schema()
	if err != nil {
		return fmt.Errorf("the schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(credential))
	if err != nil {
		return fmt.Errorf("the credential is not JSON: %w", err)
	}
	return s.Validate(doc)
}

// Check verifies signed as a verifier would, with the public key that key returns for the
// JOSE header's kid, and returns its header and payload: the header is exactly the expected
// members, the payload's contexts, types and registered claims are as expected, the payload
// is valid against the schema, the signature verifies (RS256 only), and the same credential
// with one payload byte flipped does not.
func Check(t testing.TB, signed string, key func(kid string) *rsa.PublicKey) (header, payload map[string]any) {
	t.Helper()
	e := Expected(t)
	parts := strings.Split(signed, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %.60q", signed)
	}
	raw := make([][]byte, 2)
	for i, out := range []*map[string]any{&header, &payload} {
		var err error
		if raw[i], err = base64.RawURLEncoding.DecodeString(parts[i]); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw[i], out); err != nil {
			t.Fatal(err)
		}
	}
	var members []string
	for k := range header {
		members = append(members, k)
	}
	slices.Sort(members)
	if !slices.Equal(members, e.Header.Members) || header["alg"] != e.Header.Alg || header["typ"] != e.Header.Typ {
		t.Errorf("JOSE header %v, want exactly %v with alg %s and typ %s", header, e.Header.Members, e.Header.Alg, e.Header.Typ)
	}
	if !slices.Equal(strs(payload["@context"]), e.Payload.Context) || !slices.Equal(strs(payload["type"]), e.Payload.Type) {
		t.Errorf("@context %v and type %v, want %v and %v", payload["@context"], payload["type"], e.Payload.Context, e.Payload.Type)
	}
	issuer, _ := payload["issuer"].(map[string]any)
	subject, _ := payload["credentialSubject"].(map[string]any)
	if !slices.Equal(strs(subject["type"]), e.Payload.SubjectType) {
		t.Errorf("credentialSubject.type %v, want %v", subject["type"], e.Payload.SubjectType)
	}
	fields := map[string]any{"issuer.id": issuer["id"], "id": payload["id"]}
	if s, ok := payload["validFrom"].(string); ok {
		if v, err := time.Parse(time.RFC3339, s); err == nil {
			fields["validFrom"] = float64(v.Unix())
		}
	}
	for claim, field := range e.Payload.ClaimsEqual {
		if payload[claim] == nil || payload[claim] != fields[field] {
			t.Errorf("claim %s = %v, want %s = %v", claim, payload[claim], field, fields[field])
		}
	}
	if id, has := subject["id"]; has != (payload["sub"] != nil) || (has && payload["sub"] != id) {
		t.Errorf("sub %v for a subject id %v: sub is present exactly when the subject has an id, and equal to it", payload["sub"], id)
	}
	for _, claim := range e.Payload.Never {
		if _, ok := payload[claim]; ok {
			t.Errorf("the payload has %s", claim)
		}
	}
	if err := ValidateSchema(raw[1]); err != nil {
		t.Errorf("the payload breaks the Open Badges 3.0 schema: %v", err)
	}

	kid, _ := header["kid"].(string)
	pub := key(kid)
	if pub == nil {
		t.Fatalf("no public key for kid %q", kid)
	}
	verify := func(s string) error {
		_, err := jwt.Parse(s, func(*jwt.Token) (any, error) { return pub, nil },
			jwt.WithValidMethods([]string{openbadges.Algorithm}), jwt.WithoutClaimsValidation())
		return err
	}
	if err := verify(signed); err != nil {
		t.Errorf("the signature does not verify with the key of %s: %v", kid, err)
	}
	flipped := slices.Clone(raw[1])
	flipped[len(flipped)/2] ^= 1
	if verify(parts[0]+"."+base64.RawURLEncoding.EncodeToString(flipped)+"."+parts[2]) == nil {
		t.Error("the credential with one payload byte flipped verified")
	}
	return header, payload
}

func strs(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
