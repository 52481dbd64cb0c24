package auth

import (
	"crypto/sha256"
	"crypto/subtle"
)

// Prefixes of opaque secrets. A readable prefix tells a person (and a secret scanner)
// what a leaked string is, and lets the server reject the wrong kind before a lookup.
const (
	PrefixRefreshToken = "rct_"
	PrefixClientSecret = "rcs_"
	PrefixClaimToken   = "rcc_"
	PrefixResetToken   = "rcp_"
	PrefixCalendar     = "rcf_"
)

// secretBytes of randomness: 256 bits, beyond any guessing or precomputation.
const secretBytes = 32

// NewSecret returns a new opaque secret, prefix followed by 32 random bytes in base64url,
// and its hash. Show plain once, store only the hash.
func NewSecret(prefix string) (plain string, hash []byte) {
	plain = prefix + randomToken(secretBytes)
	return plain, HashSecret(plain)
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
