package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rfc8410Key is the example Ed25519 private key of RFC 8410 §10.3, in the PKCS#8 form
// `openssl genpkey -algorithm ed25519` writes; rfc8410Public is its public key (§10.1).
const (
	rfc8410Key = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
`
	rfc8410Public = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
)

func mustGenerateKey(t testing.TB) SigningKey {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParsePrivateKeyPEMOpenSSLKey(t *testing.T) {
	k, err := ParsePrivateKeyPEM([]byte(rfc8410Key))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rfc8410Public, hex.EncodeToString(k.Public())); diff != "" {
		t.Errorf("public key (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(KeyID(k.Public()), k.ID()); diff != "" {
		t.Errorf("kid (-want +got):\n%s", diff)
	}
	if len(k.ID()) != 11 { // 8 bytes in unpadded base64url
		t.Errorf("kid %q has %d characters, want 11", k.ID(), len(k.ID()))
	}
}

func TestPrivateKeyPEMRoundTrip(t *testing.T) {
	k := mustGenerateKey(t)
	data, err := MarshalPrivateKeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "-----BEGIN PRIVATE KEY-----\n") {
		t.Errorf("PEM starts %q, want a PKCS#8 PRIVATE KEY block", data[:30])
	}
	got, err := ParsePrivateKeyPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(k.ID(), got.ID()); diff != "" {
		t.Errorf("kid (-want +got):\n%s", diff)
	}
	if !k.Public().Equal(got.Public()) {
		t.Error("public key changed in the round trip")
	}
}

func TestParsePrivateKeyPEMErrors(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	block := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	tests := []struct {
		name, data, wantErr string
	}{
		{"empty", "", "no PEM block"},
		{"not PEM", "hello", "no PEM block"},
		{"wrong block type", block("EC PRIVATE KEY", ecDER), `PEM block is "EC PRIVATE KEY"`},
		{"public key", block("PUBLIC KEY", ecDER), `PEM block is "PUBLIC KEY"`},
		{"garbage DER", block("PRIVATE KEY", []byte("garbage")), "parse PKCS#8"},
		{"ECDSA key", block("PRIVATE KEY", ecDER), "want Ed25519"},
		{"two blocks", rfc8410Key + rfc8410Key, "unexpected data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePrivateKeyPEM([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestSigningKeyPrintsNoSecret(t *testing.T) {
	k := mustGenerateKey(t)
	seed := k.priv.Seed()
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(format, k)
		for _, secret := range []string{hex.EncodeToString(seed), fmt.Sprint(seed), fmt.Sprintf("%#v", seed)} {
			if strings.Contains(out, secret) {
				t.Errorf("%s printed the private key: %s", format, out)
			}
		}
		if !strings.Contains(out, k.ID()) {
			t.Errorf("%s = %q, want it to name the kid %q", format, out, k.ID())
		}
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys")
	path := filepath.Join(dir, "signing.pem")

	first, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	assertMode(t, path, 0o600)
	assertMode(t, dir, 0o700|fs.ModeDir)

	second, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.ID(), second.ID()); diff != "" {
		t.Errorf("second call loaded another key (-first +second):\n%s", diff)
	}
}

func TestLoadOrCreateKeyFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing.pem")
	const n = 8
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := LoadOrCreateKeyFile(path)
			ids[i], errs[i] = k.ID(), err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("caller %d got key %q, caller 0 got %q", i, ids[i], ids[0])
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key (temporary files left?)", len(entries))
	}
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode(); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

func TestLoadOrCreateKeyFileRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name     string
		contents string
	}{
		{"corrupt", "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n"},
		{"empty", ""},
		{"truncated", rfc8410Key[:40]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "signing.pem")
			if err := os.WriteFile(path, []byte(tt.contents), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadOrCreateKeyFile(path); err == nil {
				t.Fatal("no error for a bad key file")
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.contents, string(after)); diff != "" {
				t.Errorf("bad key file was rewritten (-before +after):\n%s", diff)
			}
		})
	}
}

func TestLoadOrCreateKeyFileUnwritableDirectory(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(parent, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKeyFile(filepath.Join(parent, "signing.pem")); err == nil {
		t.Error("no error when the key's directory is a file")
	}
}
