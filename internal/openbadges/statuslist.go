package openbadges

import (
	"bytes"
	"compress/gzip"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// StatusListCredential is a revocation list as a Verifiable Credential (W3C Bitstring Status
// List v1.0, a BitstringStatusListCredential).
type StatusListCredential struct {
	Context           []string            `json:"@context"`
	ID                string              `json:"id"`
	Type              []string            `json:"type"`
	Issuer            string              `json:"issuer"`
	ValidFrom         string              `json:"validFrom"`
	CredentialSubject BitstringStatusList `json:"credentialSubject"`
}

// BitstringStatusList is the list itself.
type BitstringStatusList struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}

// EncodeBitstring returns the encodedList of a list of size bits with the positions set:
// the multibase base64url (no padding, prefix "u") of the GZIP of the bitstring, whose first
// byte's most significant bit is position 0.
func EncodeBitstring(size int, set []int) (string, error) {
	bits := make([]byte, (size+7)/8)
	for _, i := range set {
		if i < 0 || i >= size {
			return "", fmt.Errorf("openbadges: status position %d outside a list of %d", i, size)
		}
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeBitstring reverses EncodeBitstring: the bitstring of an encodedList.
func DecodeBitstring(encoded string) ([]byte, error) {
	if len(encoded) == 0 || encoded[0] != 'u' {
		return nil, fmt.Errorf("openbadges: encodedList is not multibase base64url")
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(zr); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// BitSet reports whether position i of a bitstring is set.
func BitSet(bits []byte, i int) bool { return i/8 < len(bits) && bits[i/8]&(0x80>>(i%8)) != 0 }

// StatusList returns the revocation list at listURL of the issuer issuerID, size bits with
// the positions set, valid from now.
func StatusList(issuerID, listURL string, size int, set []int, now time.Time) (StatusListCredential, error) {
	encoded, err := EncodeBitstring(size, set)
	if err != nil {
		return StatusListCredential{}, err
	}
	return StatusListCredential{
		Context: []string{ContextVC}, ID: listURL, Type: []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer: issuerID, ValidFrom: dateTime(now),
		CredentialSubject: BitstringStatusList{ID: listURL + "#list", Type: "BitstringStatusList", StatusPurpose: "revocation", EncodedList: encoded},
	}, nil
}

type statusListClaims struct {
	StatusListCredential
	jwt.RegisteredClaims
}

// SignStatusList returns the list as a VC-JWT, with the same header as a credential's and
// iss, jti and nbf repeating issuer, id and validFrom.
func SignStatusList(l StatusListCredential, key *rsa.PrivateKey, kid string) (string, error) {
	validFrom, err := time.Parse(time.RFC3339, l.ValidFrom)
	if err != nil {
		return "", fmt.Errorf("openbadges: validFrom: %w", err)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, statusListClaims{StatusListCredential: l, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: l.Issuer, ID: l.ID, NotBefore: jwt.NewNumericDate(validFrom),
	}})
	tok.Header = map[string]any{"alg": Algorithm, "kid": kid, "typ": "JWT"}
	return tok.SignedString(key)
}
