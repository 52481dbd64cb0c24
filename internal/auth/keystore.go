package auth

import (
	"errors"
	"fmt"
)

// Purpose is what a signing key is for. Each purpose has its own key, algorithm and
// rotation, so that replacing one never invalidates what another signed.
type Purpose string

const (
	// PurposeAPI keys sign access tokens (EdDSA, Ed25519). Rotated keys are published only
	// until the tokens they signed have expired.
	PurposeAPI Purpose = "api"
	// PurposeCheckIn keys sign members' check-in codes (Ed25519), verified offline by
	// scanners with the published public key.
	PurposeCheckIn Purpose = "checkin"
	// PurposeBadges keys sign credentials, Open Badges 3.0 VC-JWTs (RS256, RSA-2048).
	// Rotated keys stay published for good: a credential is checked years after it is issued.
	PurposeBadges Purpose = "badges"
)

// Purposes lists every purpose.
var Purposes = []Purpose{PurposeAPI, PurposeCheckIn, PurposeBadges}

// Algorithm is the JOSE alg its keys sign with.
func (p Purpose) Algorithm() string {
	if p == PurposeBadges {
		return "RS256"
	}
	return "EdDSA"
}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool {
	switch p {
	case PurposeAPI, PurposeCheckIn, PurposeBadges:
		return true
	}
	return false
}

// KeyStore holds Recert's signing keys, one per purpose: the access-token key set (with its
// retired keys), the check-in key and the credential key. The private keys come from the
// configuration (a PEM value or a file, created when missing); their public halves are
// published in the database, which is where verifiers (the JWK endpoint, other instances)
// read them.
type KeyStore struct {
	// API signs and verifies access tokens, exactly as before purposes existed.
	API *KeySet
	// CheckIn signs check-in codes.
	CheckIn SigningKey
	// Badges signs credentials.
	Badges RSAKey
}

// NewKeyStore checks that every purpose has its key.
func NewKeyStore(api *KeySet, checkIn SigningKey, badges RSAKey) (*KeyStore, error) {
	var errs []error
	if api == nil {
		errs = append(errs, errors.New("auth: no access-token key set"))
	}
	if checkIn.IsZero() {
		errs = append(errs, errors.New("auth: no check-in signing key"))
	}
	if badges.IsZero() {
		errs = append(errs, errors.New("auth: no credential signing key"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if api.Current().ID() == checkIn.ID() {
		return nil, errors.New("auth: the check-in key is the access-token key: give each purpose its own key")
	}
	return &KeyStore{API: api, CheckIn: checkIn, Badges: badges}, nil
}

// PublicKeyBytes returns how a purpose's current public key is stored when published:
// the raw 32 bytes for Ed25519, PKIX DER for RSA.
func (s *KeyStore) PublicKeyBytes(p Purpose) (kid string, pub []byte, err error) {
	switch p {
	case PurposeAPI:
		k := s.API.Current()
		return k.ID(), []byte(k.Public()), nil
	case PurposeCheckIn:
		return s.CheckIn.ID(), []byte(s.CheckIn.Public()), nil
	case PurposeBadges:
		der, err := MarshalRSAPublicKey(s.Badges.Public())
		return s.Badges.ID(), der, err
	}
	return "", nil, fmt.Errorf("auth: unknown key purpose %q", p)
}
