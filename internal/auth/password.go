package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	// Memory is in KiB.
	Memory uint32
	// Time is the number of passes over memory.
	Time uint32
	// Threads is the degree of parallelism.
	Threads uint8
	// SaltLen and KeyLen are in bytes.
	SaltLen, KeyLen uint32
}

// DefaultArgon2Params: 64 MiB, 3 passes, 2 lanes, which takes roughly 50–100 ms on a
// 2-core machine; RFC 9106's second recommended option and above OWASP's minimum. Tests
// pass cheap parameters instead.
var DefaultArgon2Params = Argon2Params{Memory: 64 << 10, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// Bounds for parameters, checked on hashing and on every stored hash, so that a corrupt
// or hostile row cannot make one login allocate gigabytes or spin for minutes.
const (
	maxArgon2Memory = 1 << 20 // KiB: 1 GiB
	maxArgon2Time   = 64
	minSaltLen      = 8
	minKeyLen       = 16
	maxSaltOrKeyLen = 1024
)

// ErrPasswordHash is wrapped by errors about a stored hash that cannot be read.
var ErrPasswordHash = errors.New("invalid password hash")

// Validate reports parameters that argon2id cannot use or that are out of bounds.
func (p Argon2Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxArgon2Time:
		return fmt.Errorf("auth: argon2 time %d outside 1..%d", p.Time, maxArgon2Time)
	case p.Threads < 1:
		return errors.New("auth: argon2 threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxArgon2Memory:
		// argon2 needs 8 KiB per lane; below that the library would quietly raise it.
		return fmt.Errorf("auth: argon2 memory %d KiB outside %d..%d", p.Memory, 8*uint32(p.Threads), maxArgon2Memory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltOrKeyLen:
		return fmt.Errorf("auth: argon2 salt length %d outside %d..%d", p.SaltLen, minSaltLen, maxSaltOrKeyLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxSaltOrKeyLen:
		return fmt.Errorf("auth: argon2 key length %d outside %d..%d", p.KeyLen, minKeyLen, maxSaltOrKeyLen)
	}
	return nil
}

// HashPassword returns the argon2id hash of password with a fresh random salt, as a PHC
// string: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>. The parameters travel in the
// string, so VerifyPassword needs none and old hashes stay valid when defaults change.
func HashPassword(password string, p Argon2Params) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	if len(password) > MaxPasswordBytes {
		return "", fmt.Errorf("auth: password longer than %d bytes", MaxPasswordBytes)
	}
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // never fails; see randomToken
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodePHC(p, salt, key), nil
}

// UnusableHash is a PHC string in p's parameters that no password verifies against (a random
// salt and key), made without hashing. Verifying a password against it costs what verifying
// against a real hash in p costs, so a sign-in for an account that does not exist takes as
// long as one for an account that does, and preparing it allocates nothing of argon2's memory
// (64 MiB with the defaults).
func UnusableHash(p Argon2Params) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	salt, key := make([]byte, p.SaltLen), make([]byte, p.KeyLen)
	_, _ = rand.Read(salt) // never fails; see randomToken
	_, _ = rand.Read(key)
	return encodePHC(p, salt, key), nil
}

// VerifyPassword reports whether password matches the PHC-encoded hash. A wrong password
// is (false, nil); an unreadable hash is an error wrapping ErrPasswordHash.
func VerifyPassword(password, encoded string) (bool, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordBytes {
		return false, nil // HashPassword never accepted one this long
	}
	key := argon2.IDKey([]byte(password), h.salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// NeedsRehash reports whether a stored hash was made with parameters other than p (or
// cannot be read), so the caller should rehash the password after a successful login.
func NeedsRehash(encoded string, p Argon2Params) bool {
	h, err := parsePHC(encoded)
	return err != nil || h.params != p
}

// phc is a parsed argon2id PHC string.
type phc struct {
	params    Argon2Params
	salt, key []byte
}

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding.Strict()

func encodePHC(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// parsePHC reads exactly the form encodePHC writes; anything else is refused rather than
// guessed at.
func parsePHC(s string) (phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return phc{}, fmt.Errorf("auth: %w: not an argon2id PHC string", ErrPasswordHash)
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return phc{}, fmt.Errorf("auth: %w: unsupported argon2 version", ErrPasswordHash)
	}
	var h phc
	if err := parsePHCParams(parts[3], &h.params); err != nil {
		return phc{}, err
	}
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil {
		return phc{}, fmt.Errorf("auth: %w: bad salt encoding", ErrPasswordHash)
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil {
		return phc{}, fmt.Errorf("auth: %w: bad hash encoding", ErrPasswordHash)
	}
	h.params.SaltLen, h.params.KeyLen = uint32(len(h.salt)), uint32(len(h.key))
	if err := h.params.Validate(); err != nil {
		return phc{}, fmt.Errorf("auth: %w: %w", ErrPasswordHash, err)
	}
	return h, nil
}

// parsePHCParams reads "m=…,t=…,p=…" and insists the text round-trips, which rejects
// reordered, repeated, signed or padded values.
func parsePHCParams(s string, p *Argon2Params) error {
	var m, t uint32
	var threads uint8
	_, err := fmt.Sscanf(s, "m=%d,t=%d,p=%d", &m, &t, &threads)
	if err != nil || fmt.Sprintf("m=%d,t=%d,p=%d", m, t, threads) != s {
		return fmt.Errorf("auth: %w: bad parameters", ErrPasswordHash)
	}
	p.Memory, p.Time, p.Threads = m, t, threads
	return nil
}
