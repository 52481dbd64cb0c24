package auth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// pemTypePrivateKey is the PKCS#8 block type `openssl genpkey -algorithm ed25519` writes.
const pemTypePrivateKey = "PRIVATE KEY"

// SigningKey is an Ed25519 private key together with its key id (kid). Its fields are
// unexported, and String hides the key, so printing a config that holds one leaks nothing.
type SigningKey struct {
	id   string
	priv ed25519.PrivateKey
}

// NewSigningKey wraps an Ed25519 private key and derives its key id.
func NewSigningKey(priv ed25519.PrivateKey) (SigningKey, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return SigningKey{}, fmt.Errorf("auth: Ed25519 private key must be %d bytes, not %d", ed25519.PrivateKeySize, len(priv))
	}
	pub := priv.Public().(ed25519.PublicKey)
	return SigningKey{id: KeyID(pub), priv: priv}, nil
}

// GenerateKey returns a new random Ed25519 signing key.
func GenerateKey() (SigningKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return SigningKey{}, fmt.Errorf("auth: generate Ed25519 key: %w", err)
	}
	return NewSigningKey(priv)
}

// KeyID derives a key id from a public key: base64url of the first 8 bytes of its SHA-256.
// Deriving it (rather than numbering keys) makes the kid stable across restarts and
// identical on every replica that shares the key, with no registry to keep in sync.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return base64.RawURLEncoding.EncodeToString(sum[:8])
}

// ID returns the key id published as `kid` in token headers and the JWKS.
func (k SigningKey) ID() string { return k.id }

// Public returns the public half of the key.
func (k SigningKey) Public() ed25519.PublicKey {
	if k.priv == nil {
		return nil
	}
	return k.priv.Public().(ed25519.PublicKey)
}

// IsZero reports whether k holds no key.
func (k SigningKey) IsZero() bool { return k.priv == nil }

// String names the key by its id only, so %v and %s never print private material.
func (k SigningKey) String() string { return "Ed25519 signing key " + k.id }

// GoString hides the key from %#v as well.
func (k SigningKey) GoString() string { return fmt.Sprintf("auth.SigningKey{id: %q}", k.id) }

// ParsePrivateKeyPEM reads one PKCS#8 "PRIVATE KEY" PEM block holding an Ed25519 key, the
// format `openssl genpkey -algorithm ed25519` writes.
func ParsePrivateKeyPEM(data []byte) (SigningKey, error) {
	priv, err := parsePKCS8PEM[ed25519.PrivateKey](data, "Ed25519")
	if err != nil {
		return SigningKey{}, err
	}
	return NewSigningKey(priv)
}

// parsePKCS8PEM reads one PKCS#8 "PRIVATE KEY" PEM block holding a private key of type K,
// named want in errors.
func parsePKCS8PEM[K any](data []byte, want string) (K, error) {
	var zero K
	block, rest := pem.Decode(data)
	if block == nil {
		return zero, errors.New("auth: no PEM block found in private key")
	}
	if block.Type != pemTypePrivateKey {
		return zero, fmt.Errorf("auth: PEM block is %q, want %q (PKCS#8)", block.Type, pemTypePrivateKey)
	}
	if strings.TrimSpace(string(rest)) != "" {
		return zero, errors.New("auth: unexpected data after the private key PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return zero, fmt.Errorf("auth: parse PKCS#8 private key: %w", err)
	}
	priv, ok := parsed.(K)
	if !ok {
		return zero, fmt.Errorf("auth: private key is %T, want %s", parsed, want)
	}
	return priv, nil
}

// marshalPKCS8PEM encodes a private key as a PKCS#8 "PRIVATE KEY" PEM block.
func marshalPKCS8PEM(priv any) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("auth: marshal PKCS#8 private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemTypePrivateKey, Bytes: der}), nil
}

// MarshalPrivateKeyPEM encodes k as a PKCS#8 "PRIVATE KEY" PEM block, readable by
// ParsePrivateKeyPEM and by openssl.
func MarshalPrivateKeyPEM(k SigningKey) ([]byte, error) {
	if k.IsZero() {
		return nil, errors.New("auth: no signing key to marshal")
	}
	return marshalPKCS8PEM(k.priv)
}

// LoadOrCreateKeyFile reads the PEM signing key at path or, when no file exists there,
// generates one and writes it with mode 0600 (creating its directory with mode 0700). The
// embedded default uses it so that tokens survive a restart without any setup.
//
// A file that exists but does not parse is an error, never a reason to generate a new
// key: silently replacing a key would invalidate every token and hide the damage.
func LoadOrCreateKeyFile(path string) (SigningKey, error) {
	key, err := loadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key, err = GenerateKey()
	if err != nil {
		return SigningKey{}, err
	}
	err = createKeyFile(path, key)
	if errors.Is(err, fs.ErrExist) {
		// Another process created the file between our read and our create: use its key,
		// so both sign with the same one.
		return loadKeyFile(path)
	}
	if err != nil {
		return SigningKey{}, err
	}
	return key, nil
}

// loadKeyFile reads and parses the key file; a missing file is reported as fs.ErrNotExist.
func loadKeyFile(path string) (SigningKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return SigningKey{}, fmt.Errorf("auth: read signing key file: %w", err)
	}
	key, err := ParsePrivateKeyPEM(data)
	if err != nil {
		return SigningKey{}, fmt.Errorf("auth: signing key file %s is not a valid Ed25519 PEM key (fix or remove it): %w", path, err)
	}
	return key, nil
}

// createKeyFile writes key to a new file at path without ever exposing a partial file or
// replacing an existing one: the key is written and synced to a temporary file, then
// hard-linked into place, which fails with fs.ErrExist if another process got there first.
func createKeyFile(path string, key SigningKey) error {
	data, err := MarshalPrivateKeyPEM(key)
	if err != nil {
		return err
	}
	return createPEMFile(path, data)
}

// createPEMFile writes data to a new file at path, as createKeyFile says.
func createPEMFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth: create signing key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".signing-key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("auth: create signing key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeAndSync(tmp, data); err != nil {
		return fmt.Errorf("auth: write signing key file: %w", err)
	}
	return linkOrRename(tmp.Name(), path)
}

// linkOrRename moves the finished file into place. Link refuses to replace an existing key;
// on file systems without hard links, rename is the fallback (it would replace a key a
// concurrent process wrote in the same instant, but never a key from an earlier run).
func linkOrRename(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("auth: create signing key file: %w", err)
	}
	return nil
}

// writeAndSync writes data, flushes it to disk and closes f, reporting the first error.
func writeAndSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// MAC is an HMAC-SHA256 of data under a key derived from k for purpose: a value only the
// holder of the signing key computes, the same on every instance sharing the key.
func (k SigningKey) MAC(purpose string, data []byte) []byte {
	derived := hmac.New(sha256.New, k.priv.Seed())
	derived.Write([]byte(purpose))
	m := hmac.New(sha256.New, derived.Sum(nil))
	m.Write(data)
	return m.Sum(nil)
}
