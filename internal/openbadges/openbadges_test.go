package openbadges_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/openbadges/openbadgestest"
)

func sample() openbadges.Attendance {
	day := time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)
	return openbadges.Attendance{
		CredentialID:  "https://recert.example.org/verify/crd_abcdefghijklmnopqrstuvwx",
		IssuedAt:      time.Date(2026, 4, 19, 15, 4, 5, 123456000, time.UTC),
		Issuer:        openbadges.Issuer{ID: "https://recert.example.org/issuers/org_abcdefghijklmnopqrstuvwx", Name: "Wisconsin Perfusion Society", Email: "ce@wps.example.org"},
		AchievementID: "https://recert.example.org/issuers/org_abcdefghijklmnopqrstuvwx/events/evt_abcdefghijklmnopqrstuvwx",
		EventTitle:    "WPS Spring Meeting", Format: "In person", StartDate: day, EndDate: day.AddDate(0, 0, 1), ApprovalRef: "ABCP-2026-0417",
		Sessions: []openbadges.Session{
			{ID: "ses_1", Title: "ECMO update", Date: day, Category: "I", CEUs: "3.00"},
			{ID: "ses_2", Title: "Ethics", Date: day.AddDate(0, 0, 1), Category: "I", CEUs: "1.50"},
		},
		Attended:   []openbadges.Earned{{SessionID: "ses_1", CEUs: "3.00"}},
		ByCategory: []openbadges.CategoryCEUs{{Category: "I", CEUs: "3.00"}},
		TotalCEUs:  "3.00", Email: "Pat@Example.org", Salt: "abcdefghijklmnopqrstuvwx",
	}
}

var testKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

const kid = "https://recert.example.org/keys/thumbprint"

func keyOf(t *testing.T) func(string) *rsa.PublicKey {
	return func(k string) *rsa.PublicKey {
		if k != kid {
			t.Errorf("kid %q, want %q", k, kid)
			return nil
		}
		return &testKey.PublicKey
	}
}

func TestSignedCredential(t *testing.T) {
	if openbadges.MediaType != openbadgestest.Expected(t).MediaType {
		t.Errorf("media type %q, want %q", openbadges.MediaType, openbadgestest.Expected(t).MediaType)
	}
	signed, err := openbadges.Sign(openbadges.New(sample()), testKey, kid)
	if err != nil {
		t.Fatal(err)
	}
	_, payload := openbadgestest.Check(t, signed, keyOf(t))
	if payload["validFrom"] != "2026-04-19T15:04:05Z" || payload["nbf"] != float64(time.Date(2026, 4, 19, 15, 4, 5, 0, time.UTC).Unix()) {
		t.Errorf("validFrom %v, nbf %v: want the issue time to the second", payload["validFrom"], payload["nbf"])
	}
	subject := payload["credentialSubject"].(map[string]any)
	ident := subject["identifier"].([]any)[0].(map[string]any)
	if ident["identityHash"] != openbadges.IdentityHash("pat@example.org", "abcdefghijklmnopqrstuvwx") || ident["hashed"] != true {
		t.Errorf("identifier %v, want the salted hash of the e-mail", ident)
	}
	body, _ := json.Marshal(payload)
	for _, leak := range []string{"Pat@Example.org", "pat@example.org"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("the credential holds %q", leak)
		}
	}
	if subject["creditsEarned"] != 3.0 {
		t.Errorf("creditsEarned %v, want 3.00", subject["creditsEarned"])
	}
	if !strings.Contains(string(body), `"identifier":"ABCP-2026-0417"`) {
		t.Error("the approval reference is missing")
	}
}

// The schema is not a formality: a credential without its issuer fails it.
func TestSchemaRefusesABrokenCredential(t *testing.T) {
	payload, _ := json.Marshal(openbadges.New(sample()))
	if err := openbadgestest.ValidateSchema(payload); err != nil {
		t.Fatalf("the credential breaks the schema: %v", err)
	}
	var broken map[string]any
	_ = json.Unmarshal(payload, &broken)
	delete(broken, "issuer")
	b, _ := json.Marshal(broken)
	if openbadgestest.ValidateSchema(b) == nil {
		t.Error("a credential without an issuer passed the schema")
	}
}

func TestSubjectWithAnID(t *testing.T) {
	c := openbadges.New(sample())
	c.CredentialSubject.ID = "did:example:member"
	signed, err := openbadges.Sign(c, testKey, kid)
	if err != nil {
		t.Fatal(err)
	}
	if _, payload := openbadgestest.Check(t, signed, keyOf(t)); payload["sub"] != "did:example:member" {
		t.Errorf("sub = %v, want the subject's id", payload["sub"])
	}
}

func TestSignNeedsAKey(t *testing.T) {
	if _, err := openbadges.Sign(openbadges.New(sample()), nil, kid); err == nil {
		t.Error("signed without a key")
	}
}

func TestBitstring(t *testing.T) {
	set := []int{0, 7, 8, 131071}
	encoded, err := openbadges.EncodeBitstring(131072, set)
	if err != nil {
		t.Fatal(err)
	}
	bits, err := openbadges.DecodeBitstring(encoded)
	if err != nil || len(bits) != 16384 {
		t.Fatalf("%d bytes, %v; want 16384", len(bits), err)
	}
	if bits[0] != 0x81 || bits[1] != 0x80 || bits[16383] != 0x01 {
		t.Errorf("bytes %08b %08b … %08b: position 0 is the first byte's most significant bit", bits[0], bits[1], bits[16383])
	}
	for i := range 131072 {
		want := i == 0 || i == 7 || i == 8 || i == 131071
		if openbadges.BitSet(bits, i) != want {
			t.Fatalf("bit %d = %v", i, !want)
		}
	}
	if _, err := openbadges.EncodeBitstring(131072, []int{131072}); err == nil {
		t.Error("a position past the list was accepted")
	}
}

func TestCredentialStatus(t *testing.T) {
	a := sample()
	a.StatusListURL, a.StatusIndex = "https://recert.example.org/issuers/org_abcdefghijklmnopqrstuvwx/status/1", 94567
	signed, err := openbadges.Sign(openbadges.New(a), testKey, kid)
	if err != nil {
		t.Fatal(err)
	}
	_, payload := openbadgestest.Check(t, signed, keyOf(t))
	cs := payload["credentialStatus"].(map[string]any)
	if cs["type"] != "BitstringStatusListEntry" || cs["statusListIndex"] != "94567" || cs["statusListCredential"] != a.StatusListURL ||
		cs["id"] != a.StatusListURL+"#94567" || cs["statusPurpose"] != "revocation" {
		t.Errorf("credentialStatus %v", cs)
	}
}
