package auth

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// rfc7638N is the modulus of the example key of RFC 7638 §3.1, whose thumbprint is
// rfc7638Thumbprint.
const (
	rfc7638N          = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
)

var (
	testRSAOnce sync.Once
	testRSA     RSAKey
)

// mustRSAKey returns one RSA key for the package's tests: generating RSA-2048 takes a while.
func mustRSAKey(t testing.TB) RSAKey {
	t.Helper()
	testRSAOnce.Do(func() {
		k, err := GenerateRSAKey()
		if err != nil {
			t.Fatal(err)
		}
		testRSA = k
	})
	return testRSA
}

func TestRSAKeyIDIsTheRFC7638Thumbprint(t *testing.T) {
	jwk := RSAJWK{Kty: "RSA", N: rfc7638N, E: "AQAB"}
	pub, err := jwk.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if got := RSAKeyID(pub); got != rfc7638Thumbprint {
		t.Errorf("RSAKeyID = %q, want %q", got, rfc7638Thumbprint)
	}
}

func TestRSAKeyPEMRoundTrip(t *testing.T) {
	k := mustRSAKey(t)
	data, err := MarshalRSAPrivateKeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseRSAPrivateKeyPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID() != k.ID() {
		t.Errorf("kid %q after a round trip, want %q", back.ID(), k.ID())
	}
	if strings.Contains(k.String()+k.GoString(), k.Signer().D.String()) {
		t.Error("the key prints its private exponent")
	}
	// An Ed25519 key is not a credential key.
	ed, _ := MarshalPrivateKeyPEM(mustGenerateKey(t))
	if _, err := ParseRSAPrivateKeyPEM(ed); err == nil {
		t.Error("an Ed25519 key was read as an RSA key")
	}
	small, _ := rsa.GenerateKey(nil, 1024)
	if _, err := NewRSAKey(small); err == nil {
		t.Error("an RSA-1024 key was accepted")
	}
}

func TestLoadOrCreateRSAKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "badge-key.pem")
	first, err := LoadOrCreateRSAKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateRSAKeyFile(path)
	if err != nil || again.ID() != first.ID() {
		t.Fatalf("second load: %v, %v; want the same key %v", again, err, first)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateRSAKeyFile(path); err == nil {
		t.Error("a damaged key file was replaced or accepted")
	}
}

func TestRSAJWKHasNoPrivateParts(t *testing.T) {
	k := mustRSAKey(t)
	data, err := json.Marshal(NewRSAJWK("https://recert.example.org/keys/"+k.ID(), k.Public()))
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]any
	if err := json.Unmarshal(data, &members); err != nil {
		t.Fatal(err)
	}
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "oth"} {
		if _, ok := members[private]; ok {
			t.Errorf("the JWK has the private member %q", private)
		}
	}
	var jwk RSAJWK
	if err := json.Unmarshal(data, &jwk); err != nil {
		t.Fatal(err)
	}
	pub, err := jwk.PublicKey()
	if err != nil || !pub.Equal(k.Public()) {
		t.Fatalf("the JWK reads back as %v (%v)", pub, err)
	}
	// What the key signs, its JWK verifies; RS256 only.
	signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": "x"}).SignedString(k.Signer())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jwt.Parse(signed, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{"RS256"})); err != nil {
		t.Errorf("the JWK does not verify what its key signed: %v", err)
	}
	if _, err := (RSAJWK{Kty: "RSA", N: "AQAB", E: b64url(big.NewInt(1).Bytes())}).PublicKey(); err == nil {
		t.Error("a JWK with e = 1 was accepted")
	}
}

func TestKeyStorePurposes(t *testing.T) {
	api, err := NewKeySet(mustGenerateKey(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	checkIn := mustGenerateKey(t)
	store, err := NewKeyStore(api, checkIn, mustRSAKey(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Purposes {
		if !p.Valid() {
			t.Errorf("%q is not valid", p)
		}
		kid, pub, err := store.PublicKeyBytes(p)
		if err != nil || kid == "" || len(pub) == 0 {
			t.Errorf("%s: kid %q, %d bytes, %v", p, kid, len(pub), err)
		}
	}
	if PurposeBadges.Algorithm() != "RS256" || PurposeAPI.Algorithm() != "EdDSA" || PurposeCheckIn.Algorithm() != "EdDSA" {
		t.Error("a purpose signs with the wrong algorithm")
	}
	if _, err := NewKeyStore(api, api.Current(), mustRSAKey(t)); err == nil {
		t.Error("the access-token key was accepted as the check-in key")
	}
	if _, err := NewKeyStore(api, SigningKey{}, RSAKey{}); err == nil || !strings.Contains(err.Error(), "check-in") || !strings.Contains(err.Error(), "credential") {
		t.Errorf("missing keys: %v", err)
	}
	if _, _, err := store.PublicKeyBytes("nothing"); err == nil || errors.Is(err, nil) {
		t.Error("an unknown purpose has a key")
	}
}
