package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewSecret(t *testing.T) {
	for _, prefix := range []string{PrefixRefreshToken, PrefixClientSecret, PrefixClaimToken} {
		t.Run(prefix, func(t *testing.T) {
			plain, hash := NewSecret(prefix)
			body, ok := strings.CutPrefix(plain, prefix)
			if !ok {
				t.Fatalf("secret %q lacks prefix %q", plain, prefix)
			}
			raw, err := base64.RawURLEncoding.DecodeString(body)
			if err != nil || len(raw) != 32 {
				t.Errorf("secret body is %d bytes (err %v), want 32 bytes of base64url", len(raw), err)
			}
			if diff := cmp.Diff(HashSecret(plain), hash); diff != "" {
				t.Errorf("hash (-HashSecret +NewSecret):\n%s", diff)
			}
			sum := sha256.Sum256([]byte(plain))
			if diff := cmp.Diff(sum[:], hash); diff != "" {
				t.Errorf("hash is not SHA-256 of the secret (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewSecretUnique(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		plain, _ := NewSecret(PrefixRefreshToken)
		if seen[plain] {
			t.Fatalf("secret %q repeated", plain)
		}
		seen[plain] = true
	}
}

func TestEqualHash(t *testing.T) {
	plain, hash := NewSecret(PrefixClientSecret)
	other, _ := NewSecret(PrefixClientSecret)
	flipped := append([]byte(nil), hash...)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name string
		a, b []byte
		want bool
	}{
		{"same secret", hash, HashSecret(plain), true},
		{"other secret", hash, HashSecret(other), false},
		{"last bit differs", hash, flipped, false},
		{"truncated", hash, hash[:16], false},
		{"empty vs hash", nil, hash, false},
		{"both empty", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EqualHash(tt.a, tt.b); got != tt.want {
				t.Errorf("EqualHash = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWellFormed(t *testing.T) {
	plain, _ := NewSecret(PrefixClaimToken)
	cases := []struct {
		name, plain, prefix string
		want                bool
	}{
		{"made by NewSecret", plain, PrefixClaimToken, true},
		{"another kind", plain, PrefixRefreshToken, false},
		{"short", plain[:len(plain)-1], PrefixClaimToken, false},
		{"long", plain + "A", PrefixClaimToken, false},
		{"not base64url", plain[:len(plain)-1] + "+", PrefixClaimToken, false},
		{"NUL", plain[:len(plain)-1] + "\x00", PrefixClaimToken, false},
		{"empty", "", PrefixClaimToken, false},
	}
	for _, c := range cases {
		if got := WellFormed(c.plain, c.prefix); got != c.want {
			t.Errorf("%s: WellFormed = %v", c.name, got)
		}
	}
}
