package auth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"github.com/recert-dev/recert/internal/recert"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestKeyRotation(t *testing.T) {
	f := newFixture(t)
	oldKey := f.keys.Current()
	member := Claims{Subject: "usr_1", Role: recert.RoleMember}
	// Issued at the instant of rotation: the last token the old key ever signs, so the
	// longest-lived one the retired key must still verify.
	oldToken := f.mustIssue(t, member)

	newKey := mustGenerateKey(t)
	retired, err := f.keys.Rotate(newKey, t0)
	if err != nil {
		t.Fatal(err)
	}
	wantRetired := RetiredKey{ID: oldKey.ID(), Public: oldKey.Public(), NotAfter: t0.Add(DefaultTTL + Leeway)}
	if diff := cmp.Diff(wantRetired, retired); diff != "" {
		t.Errorf("retired key (-want +got):\n%s", diff)
	}
	newToken := f.mustIssue(t, member)
	if got := headerKid(t, newToken); got != newKey.ID() {
		t.Errorf("token after rotation has kid %q, want the new key's %q", got, newKey.ID())
	}

	tests := []struct {
		name          string
		at            time.Duration // after t0
		wantOldReason string        // "" means the old token verifies
		wantJWKS      []string      // kids, in order
	}{
		{"right after rotation", time.Second, "", []string{newKey.ID(), oldKey.ID()}},
		{"old token in its last leeway second", DefaultTTL + Leeway - time.Second, "", []string{newKey.ID(), oldKey.ID()}},
		{"retired key expired", DefaultTTL + Leeway, ReasonKeyUnknown, []string{newKey.ID()}},
		{"long after", 24 * time.Hour, ReasonKeyUnknown, []string{newKey.ID()}},
	}
	for _, tt := range tests { // in order: pruning is for good
		t.Run(tt.name, func(t *testing.T) {
			f.now = t0.Add(tt.at)
			_, err := f.issuer.Verify(oldToken)
			if diff := cmp.Diff(tt.wantOldReason, reasonOf(err)); diff != "" {
				t.Errorf("old token (-want +got):\n%s", diff)
			}
			if tt.at < DefaultTTL {
				if _, err := f.issuer.Verify(newToken); err != nil {
					t.Errorf("new token: %v", err)
				}
			}
			if diff := cmp.Diff(tt.wantJWKS, jwksKids(f.keys.JWKS(f.now))); diff != "" {
				t.Errorf("JWKS kids (-want +got):\n%s", diff)
			}
		})
	}
}

func headerKid(t *testing.T, token string) string {
	t.Helper()
	var header struct{ Kid string }
	decodeSegment(t, strings.Split(token, ".")[0], &header)
	return header.Kid
}

func jwksKids(set JWKS) []string {
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
	}
	return kids
}

func TestRotateRefusesReusedKeys(t *testing.T) {
	first, second := mustGenerateKey(t), mustGenerateKey(t)
	keys, err := NewKeySet(first, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Rotate(second, t0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  SigningKey
	}{
		{"current key", second},
		{"retired key", first},
		{"no key", SigningKey{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := keys.Rotate(tt.key, t0); err == nil {
				t.Error("no error")
			}
			if got := keys.Current().ID(); got != second.ID() {
				t.Errorf("current key changed to %q", got)
			}
		})
	}
}

func TestNewKeySetRestoresRetiredKeys(t *testing.T) {
	old, current := mustGenerateKey(t), mustGenerateKey(t)
	retired := RetiredKey{ID: old.ID(), Public: old.Public(), NotAfter: t0.Add(time.Minute)}
	keys, err := NewKeySet(current, 0, retired)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := keys.PublicKey(old.ID(), t0); !ok {
		t.Error("restored retired key not found before NotAfter")
	}
	if _, ok := keys.PublicKey(old.ID(), t0.Add(time.Minute)); ok {
		t.Error("restored retired key found at NotAfter")
	}
}

func TestNewKeySetErrors(t *testing.T) {
	k, other := mustGenerateKey(t), mustGenerateKey(t)
	tests := []struct {
		name    string
		current SigningKey
		retain  time.Duration
		retired []RetiredKey
	}{
		{"no current key", SigningKey{}, 0, nil},
		{"negative retention", k, -time.Second, nil},
		{"retired kid does not match its key", k, 0, []RetiredKey{{ID: k.ID(), Public: other.Public()}}},
		{"retired key too short", k, 0, []RetiredKey{{ID: "x", Public: []byte("short")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewKeySet(tt.current, tt.retain, tt.retired...); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestJWKSDocument(t *testing.T) {
	k, err := ParsePrivateKeyPEM([]byte(rfc8410Key))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := NewKeySet(k, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(keys.JWKS(t0))
	if err != nil {
		t.Fatal(err)
	}
	// x is the RFC 8410 public key 19bf44…66e1 in unpadded base64url (RFC 8037 §2).
	want := `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE","kid":"` + k.ID() + `","alg":"EdDSA","use":"sig"}]}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JWKS (-want +got):\n%s", diff)
	}
	x, err := base64.RawURLEncoding.DecodeString("Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE")
	if err != nil || !k.Public().Equal(ed25519.PublicKey(x)) {
		t.Errorf("x does not decode to the public key (err %v)", err)
	}
}
