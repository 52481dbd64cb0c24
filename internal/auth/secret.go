package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Prefixes of opaque secrets. A readable prefix tells a person (and a secret scanner)
// what a leaked string is, and lets the server reject the wrong kind before a lookup.
const (
	PrefixRefreshToken = "rct_"
	PrefixClientSecret = "rcs_"
	PrefixClaimToken   = "rcc_"
	PrefixResetToken   = "rcp_"
	PrefixCalendar     = "rcf_"
	PrefixEmailChange  = "rce_"
	PrefixVolunteer    = "rcv_" // a volunteer's one-time invitation, then their scanner session
	PrefixAuthCode     = "rca_"
	PrefixShare        = "rsh_"
)

// secretBytes of randomness: 256 bits, beyond any guessing or precomputation.
const secretBytes = 32

// NewSecret returns a new opaque secret, prefix followed by 32 random bytes in base64url,
// and its hash. Show plain once, store only the hash.
func NewSecret(prefix string) (plain string, hash []byte) {
	plain = prefix + randomToken(secretBytes)
	return plain, HashSecret(plain)
}

// WellFormed reports whether plain could be a secret NewSecret made with prefix: the
// prefix and 43 base64url characters. Anything else is refused before a lookup or a hash.
func WellFormed(plain, prefix string) bool {
	rest, ok := strings.CutPrefix(plain, prefix)
	return ok && len(rest) == base64.RawURLEncoding.EncodedLen(secretBytes) &&
		!strings.ContainsFunc(rest, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		})
}

// HashSecret returns the SHA-256 of a secret, the form stored in the database.
//
// A fast hash is right here, unlike for passwords: these secrets carry 256 random bits,
// so there is nothing to brute-force, and a fast, unsalted hash lets the server find the
// row by its hash with an index instead of checking every row with a slow KDF.
func HashSecret(plain string) []byte {
	sum := sha256.Sum256([]byte(plain))
	return sum[:]
}

// EqualHash compares two secret hashes in constant time, so response timing reveals
// nothing about how much of a guessed hash matched. Anything but two equal SHA-256 sums
// is unequal; in particular two empty hashes never match.
func EqualHash(a, b []byte) bool {
	return len(a) == sha256.Size && subtle.ConstantTimeCompare(a, b) == 1
}

// shareBytes of randomness in a share link's secret: 128 bits, which keeps the address
// short enough to read out or print while still beyond guessing.
const shareBytes = 16

// NewShareSecret returns a new share link secret, PrefixShare and 16 random bytes in
// base64url, and its hash.
func NewShareSecret() (plain string, hash []byte) {
	plain = PrefixShare + randomToken(shareBytes)
	return plain, HashSecret(plain)
}
