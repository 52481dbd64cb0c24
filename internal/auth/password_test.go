package auth

import (
	"errors"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cheapParams keep the tests fast; only the cost differs from production.
var cheapParams = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// storedHash is "correct horse battery staple" hashed with cheapParams. A fixed string
// proves a hash stored today still verifies after any change to this file.
const storedHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$TUhCoV6YH8thtZpQqRp0JvQQ5ZYgiLA0LYApKDG6qtM"

func mustHashPassword(t *testing.T, pw string, p Argon2Params) string {
	t.Helper()
	h, err := HashPassword(pw, p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPasswordRoundTrip(t *testing.T) {
	const pw = "long enough passphrase"
	hash := mustHashPassword(t, pw, cheapParams)
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right password", pw, true},
		{"wrong password", "long enough passphrasE", false},
		{"empty password", "", false},
		{"prefix", pw[:len(pw)-1], false},
		{"too long", strings.Repeat("a", MaxPasswordBytes+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyPassword(tt.password, hash)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("VerifyPassword = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStoredHashVerifies(t *testing.T) {
	ok, err := VerifyPassword("correct horse battery staple", storedHash)
	if err != nil || !ok {
		t.Errorf("VerifyPassword(stored hash) = %v, %v; want true, nil", ok, err)
	}
}

func TestHashPasswordPHCFormat(t *testing.T) {
	hash := mustHashPassword(t, "long enough passphrase", DefaultArgon2Params)
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(hash) {
		t.Errorf("hash %q is not a PHC argon2id string with the default parameters", hash)
	}
	parsed, err := parsePHC(hash)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultArgon2Params, parsed.params); diff != "" {
		t.Errorf("parsed parameters (-want +got):\n%s", diff)
	}
	if again := mustHashPassword(t, "long enough passphrase", cheapParams); again == mustHashPassword(t, "long enough passphrase", cheapParams) {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyPasswordBadHash(t *testing.T) {
	good := strings.Split(storedHash, "$") // "", argon2id, v=19, params, salt, hash
	with := func(i int, v string) string {
		parts := append([]string(nil), good...)
		parts[i] = v
		return strings.Join(parts, "$")
	}
	tests := []struct {
		name, hash string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", with(1, "argon2i")},
		{"old version", with(2, "v=16")},
		{"version with junk", with(2, "v=19x")},
		{"parameters reordered", with(3, "t=1,m=64,p=1")},
		{"parameter padded", with(3, "m=064,t=1,p=1")},
		{"memory above bound", with(3, "m=4194304,t=1,p=1")},
		{"time zero", with(3, "m=64,t=0,p=1")},
		{"threads overflow", with(3, "m=64,t=1,p=256")},
		{"salt not base64", with(4, "!!!")},
		{"salt too short", with(4, "c2FsdA")},
		{"hash with padding", with(5, good[5]+"=")},
		{"missing hash", strings.Join(good[:5], "$")},
		{"extra field", storedHash + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword("correct horse battery staple", tt.hash)
			if ok || !errors.Is(err, ErrPasswordHash) {
				t.Errorf("VerifyPassword = %v, %v; want false, ErrPasswordHash", ok, err)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	hash := mustHashPassword(t, "long enough passphrase", cheapParams)
	with := func(change func(*Argon2Params)) Argon2Params {
		p := cheapParams
		change(&p)
		return p
	}
	tests := []struct {
		name   string
		hash   string
		params Argon2Params
		want   bool
	}{
		{"same parameters", hash, cheapParams, false},
		{"more memory", hash, with(func(p *Argon2Params) { p.Memory = 128 }), true},
		{"more passes", hash, with(func(p *Argon2Params) { p.Time = 2 }), true},
		{"more threads", hash, with(func(p *Argon2Params) { p.Threads = 2 }), true},
		{"longer key", hash, with(func(p *Argon2Params) { p.KeyLen = 64 }), true},
		{"longer salt", hash, with(func(p *Argon2Params) { p.SaltLen = 32 }), true},
		{"unreadable hash", "garbage", cheapParams, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.hash, tt.params); got != tt.want {
				t.Errorf("NeedsRehash = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestArgon2ParamsValidate(t *testing.T) {
	with := func(change func(*Argon2Params)) Argon2Params {
		p := DefaultArgon2Params
		change(&p)
		return p
	}
	tests := []struct {
		name    string
		params  Argon2Params
		wantErr string // "" means valid
	}{
		{"defaults", DefaultArgon2Params, ""},
		{"cheap test parameters", cheapParams, ""},
		{"zero value", Argon2Params{}, "time 0"},
		{"no threads", with(func(p *Argon2Params) { p.Threads = 0 }), "threads"},
		{"memory below 8 KiB per lane", with(func(p *Argon2Params) { p.Memory = 15 }), "memory 15 KiB"},
		{"memory above 1 GiB", with(func(p *Argon2Params) { p.Memory = 1<<20 + 1 }), "memory"},
		{"short salt", with(func(p *Argon2Params) { p.SaltLen = 4 }), "salt length 4"},
		{"short key", with(func(p *Argon2Params) { p.KeyLen = 8 }), "key length 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.params.Validate()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
			if tt.wantErr != "" {
				if _, err := HashPassword("long enough passphrase", tt.params); err == nil {
					t.Error("HashPassword accepted invalid parameters")
				}
			}
		})
	}
}

func TestHashPasswordRejectsOverlong(t *testing.T) {
	if _, err := HashPassword(strings.Repeat("a", MaxPasswordBytes+1), cheapParams); err == nil {
		t.Error("no error for a password over MaxPasswordBytes")
	}
}

// BenchmarkHashPasswordDefault shows what a login costs with the production parameters
// (aim: 50–100 ms on 2 cores).
func BenchmarkHashPasswordDefault(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("long enough passphrase", DefaultArgon2Params); err != nil {
			b.Fatal(err)
		}
	}
}

// allocated is what f allocates on the heap, in bytes.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestUnusableHash: the hash a sign-in for an unknown account verifies against is made
// without argon2's memory, is in the parameters given, accepts no password, and verifying
// against it does the whole work of a real check (argon2's memory, 64 MiB by default).
func TestUnusableHash(t *testing.T) {
	p := DefaultArgon2Params
	var hash string
	var err error
	if n := allocated(func() { hash, err = UnusableHash(p) }); err != nil || n > 1<<20 {
		t.Fatalf("UnusableHash allocated %d bytes (err %v): it hashed", n, err)
	}
	if NeedsRehash(hash, p) {
		t.Errorf("%s is not in the parameters given", hash)
	}
	for _, pw := range []string{"", "no such account: a dummy password", "a long enough passphrase 1"} {
		var ok bool
		n := allocated(func() { ok, err = VerifyPassword(pw, hash) })
		if ok || err != nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, nil", pw, ok, err)
		}
		if n < uint64(p.Memory)<<10 {
			t.Errorf("verifying %q allocated %d bytes, less than a real check's %d KiB", pw, n, p.Memory)
		}
	}
	if _, err := UnusableHash(Argon2Params{}); err == nil {
		t.Error("UnusableHash accepted invalid parameters")
	}
}
