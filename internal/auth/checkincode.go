package auth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// CheckInCode is what a member's check-in token says: who, which version of their code (a
// member's code is revoked by raising their version), and which key signed it.
type CheckInCode struct {
	MemberID string
	Version  int
	KeyID    string
}

// ErrCheckInCode is any token that is not a valid check-in code: malformed, unknown key or
// bad signature. Callers do not learn which.
var ErrCheckInCode = errors.New("auth: not a valid check-in code")

// SignCheckIn returns the member's check-in token: "<member>.<version>.<kid>.<signature>",
// the signature Ed25519 over the first three parts, base64url. It is short enough for a
// small QR code and can be verified offline with the published check-in key.
func (k SigningKey) SignCheckIn(memberID string, version int) string {
	msg := memberID + "." + strconv.Itoa(version) + "." + k.id
	return msg + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(k.priv, []byte(msg)))
}

// VerifyCheckIn checks a check-in token's signature with the key its kid names (publicKey
// returns false for a kid it does not know). It does not check the version: that is the
// member's current state, which the caller holds.
func VerifyCheckIn(token string, publicKey func(kid string) (ed25519.PublicKey, bool)) (CheckInCode, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] == "" {
		return CheckInCode{}, ErrCheckInCode
	}
	version, err := strconv.Atoi(parts[1])
	if err != nil || version < 1 {
		return CheckInCode{}, ErrCheckInCode
	}
	pub, ok := publicKey(parts[2])
	if !ok || len(pub) != ed25519.PublicKeySize {
		return CheckInCode{}, ErrCheckInCode
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || !ed25519.Verify(pub, []byte(strings.Join(parts[:3], ".")), sig) {
		return CheckInCode{}, ErrCheckInCode
	}
	return CheckInCode{MemberID: parts[0], Version: version, KeyID: parts[2]}, nil
}

// CheckInKey returns the check-in key's public half by kid, for VerifyCheckIn on the
// instance that holds the key.
func (s *KeyStore) CheckInKey(kid string) (ed25519.PublicKey, bool) {
	if kid != s.CheckIn.ID() {
		return nil, false
	}
	return s.CheckIn.Public(), true
}

// Derive returns a secret for label, derived from the key (HMAC-SHA256 keyed by its seed):
// a session's self check-in secret needs no table, and is replaced with the key.
func (k SigningKey) Derive(label string) []byte {
	mac := hmac.New(sha256.New, k.priv.Seed())
	mac.Write([]byte(label))
	return mac.Sum(nil)
}
