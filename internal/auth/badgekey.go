package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
)

// BadgeKeyBits is the size of the RSA keys that sign credentials (RS256).
const BadgeKeyBits = 2048

// RSAKey is an RSA private key that signs credentials with RS256, together with its key id:
// the RFC 7638 JWK thumbprint of its public half. Like SigningKey, it prints only its id.
type RSAKey struct {
	id   string
	priv *rsa.PrivateKey
}

// NewRSAKey wraps an RSA private key of at least BadgeKeyBits bits and derives its key id.
func NewRSAKey(priv *rsa.PrivateKey) (RSAKey, error) {
	if priv == nil || priv.N.BitLen() < BadgeKeyBits {
		return RSAKey{}, fmt.Errorf("auth: an RSA signing key needs at least %d bits", BadgeKeyBits)
	}
	if err := priv.Validate(); err != nil {
		return RSAKey{}, fmt.Errorf("auth: RSA private key: %w", err)
	}
	return RSAKey{id: RSAKeyID(&priv.PublicKey), priv: priv}, nil
}

// GenerateRSAKey returns a new random RSA-2048 signing key.
func GenerateRSAKey() (RSAKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, BadgeKeyBits)
	if err != nil {
		return RSAKey{}, fmt.Errorf("auth: generate RSA key: %w", err)
	}
	return NewRSAKey(priv)
}

// RSAKeyID is the RFC 7638 thumbprint of pub: base64url of the SHA-256 of its canonical JWK
// {"e","kty","n"}. Any party holding the public key computes the same id.
func RSAKeyID(pub *rsa.PublicKey) string {
	canonical := fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, b64url(big.NewInt(int64(pub.E)).Bytes()), b64url(pub.N.Bytes()))
	sum := sha256.Sum256([]byte(canonical))
	return b64url(sum[:])
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// ID returns the key id.
func (k RSAKey) ID() string { return k.id }

// IsZero reports whether k holds no key.
func (k RSAKey) IsZero() bool { return k.priv == nil }

// Public returns the public half of the key.
func (k RSAKey) Public() *rsa.PublicKey {
	if k.priv == nil {
		return nil
	}
	return &k.priv.PublicKey
}

// Signer returns the private key, for signing (golang-jwt's RS256 takes *rsa.PrivateKey).
func (k RSAKey) Signer() *rsa.PrivateKey { return k.priv }

// String names the key by its id only.
func (k RSAKey) String() string { return "RSA signing key " + k.id }

// GoString hides the key from %#v as well.
func (k RSAKey) GoString() string { return fmt.Sprintf("auth.RSAKey{id: %q}", k.id) }

// ParseRSAPrivateKeyPEM reads one PKCS#8 "PRIVATE KEY" PEM block holding an RSA key, the
// format `openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048` writes.
func ParseRSAPrivateKeyPEM(data []byte) (RSAKey, error) {
	priv, err := parsePKCS8PEM[*rsa.PrivateKey](data, "RSA")
	if err != nil {
		return RSAKey{}, err
	}
	return NewRSAKey(priv)
}

// MarshalRSAPrivateKeyPEM encodes k as a PKCS#8 "PRIVATE KEY" PEM block.
func MarshalRSAPrivateKeyPEM(k RSAKey) ([]byte, error) {
	if k.IsZero() {
		return nil, errors.New("auth: no RSA key to marshal")
	}
	return marshalPKCS8PEM(k.priv)
}

// LoadOrCreateRSAKeyFile is LoadOrCreateKeyFile for an RSA key: it reads the PEM key at
// path or, when there is no file, generates one and writes it with mode 0600. A file that
// does not parse is an error, never replaced.
func LoadOrCreateRSAKeyFile(path string) (RSAKey, error) {
	key, err := loadRSAKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key, err = GenerateRSAKey()
	if err != nil {
		return RSAKey{}, err
	}
	data, err := MarshalRSAPrivateKeyPEM(key)
	if err != nil {
		return RSAKey{}, err
	}
	err = createPEMFile(path, data)
	if errors.Is(err, fs.ErrExist) {
		return loadRSAKeyFile(path)
	}
	if err != nil {
		return RSAKey{}, err
	}
	return key, nil
}

func loadRSAKeyFile(path string) (RSAKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return RSAKey{}, fmt.Errorf("auth: read signing key file: %w", err)
	}
	key, err := ParseRSAPrivateKeyPEM(data)
	if err != nil {
		return RSAKey{}, fmt.Errorf("auth: signing key file %s is not a valid RSA PEM key (fix or remove it): %w", path, err)
	}
	return key, nil
}

// MarshalRSAPublicKey encodes pub as PKIX DER, the form in which published keys are stored.
func MarshalRSAPublicKey(pub *rsa.PublicKey) ([]byte, error) {
	return x509.MarshalPKIXPublicKey(pub)
}

// ParseRSAPublicKey reads a PKIX DER RSA public key.
func ParseRSAPublicKey(der []byte) (*rsa.PublicKey, error) {
	parsed, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("auth: parse RSA public key: %w", err)
	}
	pub, ok := parsed.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("auth: public key is %T, want RSA", parsed)
	}
	return pub, nil
}

// RSAJWK is one RSA public key as an RFC 7517 JSON Web Key, for RS256 signatures. It holds
// no private member (d, p, q, dp, dq, qi) by construction.
type RSAJWK struct {
	Kty string `json:"kty"` // always "RSA"
	N   string `json:"n"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Alg string `json:"alg"` // always "RS256"
	Use string `json:"use"` // always "sig"
}

// NewRSAJWK returns the JWK of pub with the given kid (for a credential's key, the URL that
// answers this JWK).
func NewRSAJWK(kid string, pub *rsa.PublicKey) RSAJWK {
	return RSAJWK{Kty: "RSA", N: b64url(pub.N.Bytes()), E: b64url(big.NewInt(int64(pub.E)).Bytes()), Kid: kid, Alg: "RS256", Use: "sig"}
}

// PublicKey returns the RSA public key the JWK describes.
func (j RSAJWK) PublicKey() (*rsa.PublicKey, error) {
	if j.Kty != "RSA" {
		return nil, fmt.Errorf("auth: JWK kty %q, want RSA", j.Kty)
	}
	n, err := base64.RawURLEncoding.DecodeString(j.N)
	if err != nil {
		return nil, fmt.Errorf("auth: JWK n: %w", err)
	}
	e, err := base64.RawURLEncoding.DecodeString(j.E)
	if err != nil {
		return nil, fmt.Errorf("auth: JWK e: %w", err)
	}
	exp := new(big.Int).SetBytes(e)
	if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 {
		return nil, errors.New("auth: JWK e is out of range")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}, nil
}
