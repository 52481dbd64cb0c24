package auth

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// RetiredKey is a public key that no longer signs but still verifies the tokens it signed
// before a rotation, until NotAfter.
type RetiredKey struct {
	// ID is the key id (kid).
	ID string
	// Public is the Ed25519 public key.
	Public ed25519.PublicKey
	// NotAfter is when the last token the key signed has expired (rotation time plus the
	// access-token TTL plus the leeway); after it the key is no longer published or accepted.
	NotAfter time.Time
}

// KeySet holds the current signing key and the retired public keys that still verify.
// It is safe for concurrent use.
type KeySet struct {
	mu      sync.RWMutex
	current SigningKey
	retired []RetiredKey // most recently retired first
	retain  time.Duration
}

// NewKeySet returns a key set that signs with current. retain is how long a key stays
// published after it is rotated out; it must cover the access-token TTL plus Leeway, and
// zero means DefaultTTL plus Leeway. retired restores keys retired before a restart.
func NewKeySet(current SigningKey, retain time.Duration, retired ...RetiredKey) (*KeySet, error) {
	if current.IsZero() {
		return nil, errors.New("auth: key set needs a current signing key")
	}
	if retain < 0 {
		return nil, fmt.Errorf("auth: key retention %v is negative", retain)
	}
	if retain == 0 {
		retain = DefaultTTL + Leeway
	}
	for _, r := range retired {
		if len(r.Public) != ed25519.PublicKeySize || r.ID != KeyID(r.Public) {
			return nil, fmt.Errorf("auth: retired key %q is not a valid Ed25519 public key with its id", r.ID)
		}
	}
	s := &KeySet{current: current, retain: retain, retired: slices.Clone(retired)}
	return s, nil
}

// Retention returns how long a rotated-out key stays published.
func (s *KeySet) Retention() time.Duration { return s.retain }

// Current returns the key that signs new tokens.
func (s *KeySet) Current() SigningKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.current
}

// Rotate makes next the signing key. The previous key is retired: it keeps verifying the
// tokens it already signed until now plus the retention, and is returned so the caller can
// persist it across restarts.
func (s *KeySet) Rotate(next SigningKey, now time.Time) (RetiredKey, error) {
	if next.IsZero() {
		return RetiredKey{}, errors.New("auth: rotate needs a signing key")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.knows(next.ID()) {
		return RetiredKey{}, fmt.Errorf("auth: key %q has already been used; rotate to a new key", next.ID())
	}
	old := RetiredKey{ID: s.current.ID(), Public: s.current.Public(), NotAfter: now.Add(s.retain)}
	s.retired = append([]RetiredKey{old}, s.retired...)
	s.current = next
	return old, nil
}

// knows reports whether id is the current or a retired key; callers hold the lock.
func (s *KeySet) knows(id string) bool {
	return id == s.current.ID() || slices.ContainsFunc(s.retired, func(r RetiredKey) bool { return r.ID == id })
}

// PublicKey returns the public key with id kid that may verify a token at now: the current
// key or a retired key whose NotAfter has not passed.
func (s *KeySet) PublicKey(kid string, now time.Time) (ed25519.PublicKey, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if kid == s.current.ID() {
		return s.current.Public(), true
	}
	for _, r := range s.retired {
		if r.ID == kid && now.Before(r.NotAfter) {
			return r.Public, true
		}
	}
	return nil, false
}

// JWKS returns the JSON Web Key Set (RFC 7517) to publish at /.well-known/jwks.json: the
// current key first, then the retired keys still valid at now. Expired retired keys are
// pruned from the set for good.
func (s *KeySet) JWKS(now time.Time) JWKS {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retired = slices.DeleteFunc(s.retired, func(r RetiredKey) bool { return !now.Before(r.NotAfter) })
	set := JWKS{Keys: []JWK{newJWK(s.current.ID(), s.current.Public())}}
	for _, r := range s.retired {
		set.Keys = append(set.Keys, newJWK(r.ID, r.Public))
	}
	return set
}

// JWKS is a JSON Web Key Set (RFC 7517 §5); encoding it as JSON gives the document.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one Ed25519 public key as an RFC 8037 OKP JSON Web Key.
type JWK struct {
	Kty string `json:"kty"` // always "OKP"
	Crv string `json:"crv"` // always "Ed25519"
	X   string `json:"x"`   // the public key, base64url without padding
	Kid string `json:"kid"`
	Alg string `json:"alg"` // always "EdDSA"
	Use string `json:"use"` // always "sig"
}

func newJWK(kid string, pub ed25519.PublicKey) JWK {
	return JWK{
		Kty: "OKP",
		Crv: "Ed25519",
		X:   base64.RawURLEncoding.EncodeToString(pub),
		Kid: kid,
		Alg: "EdDSA",
		Use: "sig",
	}
}
