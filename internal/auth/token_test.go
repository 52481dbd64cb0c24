package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/recert-dev/recert/internal/recert"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

const (
	testIssuer   = "https://recert.example"
	testAudience = "recert-api"
)

// t0 is the fixture's start time, on a whole second like every JWT time.
var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// fixture is an Issuer over a one-key KeySet with a clock the test moves.
type fixture struct {
	keys   *KeySet
	issuer *Issuer
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: t0}
	keys, err := NewKeySet(mustGenerateKey(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	f.keys = keys
	f.issuer, err = NewIssuer(keys, IssuerConfig{
		Issuer:   testIssuer,
		Audience: testAudience,
		Now:      func() time.Time { return f.now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) mustIssue(t *testing.T, c Claims) string {
	t.Helper()
	token, _, err := f.issuer.Issue(c)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// validClaims are the claims Issue would write at f.now, for forging variants of them.
func (f *fixture) validClaims() tokenClaims {
	return tokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    testIssuer,
			Subject:   "usr_1",
			Audience:  jwt.ClaimStrings{testAudience},
			ExpiresAt: jwt.NewNumericDate(f.now.Add(DefaultTTL)),
			NotBefore: jwt.NewNumericDate(f.now),
			IssuedAt:  jwt.NewNumericDate(f.now),
			ID:        "jti-1",
		},
		Role: recert.RoleMember,
	}
}

// forge signs claims with method and key, setting the kid header unless kid is nil.
func forge(t *testing.T, method jwt.SigningMethod, key any, kid any, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != nil {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tamper rewrites a token's payload, keeping its header and signature.
func tamper(t *testing.T, token string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var payload map[string]any
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	edit(payload)
	raw, err = json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		claims Claims
	}{
		{"organizer with every claim", Claims{
			Subject:         "usr_01HZX",
			Role:            recert.RoleOrganizer,
			OrganizationIDs: []string{"org_amsect", "org_hosp"},
			MemberID:        "mem_42",
			Scopes:          []string{"events:read", "attendance:write"},
		}},
		{"API client with scopes", Claims{
			Subject:         "cli_7",
			Role:            recert.RoleClient,
			OrganizationIDs: []string{"org_amsect"},
			Scopes:          []string{"events:write"},
		}},
		{"member with no optional claims", Claims{Subject: "usr_2", Role: recert.RoleMember}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.now = t0.Add(123 * time.Millisecond) // sub-second: truncated in the token
			token, expiresAt, err := f.issuer.Issue(tt.claims)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.issuer.Verify(token)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.claims
			want.ID, want.IssuedAt, want.ExpiresAt = got.ID, t0, t0.Add(DefaultTTL)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			if !expiresAt.Equal(got.ExpiresAt) {
				t.Errorf("Issue said it expires at %v, the token says %v", expiresAt, got.ExpiresAt)
			}
			if len(got.ID) < 20 {
				t.Errorf("jti %q is too short to be random", got.ID)
			}
		})
	}
}

func TestIssueHeaderAndRegisteredClaims(t *testing.T) {
	f := newFixture(t)
	token := f.mustIssue(t, Claims{Subject: "usr_1", Role: recert.RoleMember, Scopes: []string{"events:read", "progress:read"}})
	parts := strings.Split(token, ".")
	var header, payload map[string]any
	decodeSegment(t, parts[0], &header)
	decodeSegment(t, parts[1], &payload)

	wantHeader := map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": f.keys.Current().ID()}
	if diff := cmp.Diff(wantHeader, header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	iat := float64(t0.Unix())
	wantPayload := map[string]any{
		"iss": testIssuer, "aud": []any{testAudience}, "sub": "usr_1",
		"iat": iat, "nbf": iat, "exp": iat + DefaultTTL.Seconds(), "jti": payload["jti"],
		"role": "member", "scope": "events:read progress:read",
	}
	if diff := cmp.Diff(wantPayload, payload); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}
}

func decodeSegment(t *testing.T, seg string, v any) {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

func TestIssueUniqueJTI(t *testing.T) {
	f := newFixture(t)
	c := Claims{Subject: "usr_1", Role: recert.RoleMember}
	a, _ := f.issuer.Verify(f.mustIssue(t, c))
	b, _ := f.issuer.Verify(f.mustIssue(t, c))
	if a.ID == b.ID {
		t.Errorf("two tokens share jti %q", a.ID)
	}
}

func TestIssueRejectsBadClaims(t *testing.T) {
	tests := []struct {
		name    string
		claims  Claims
		wantErr string
	}{
		{"no subject", Claims{Role: recert.RoleMember}, "need a subject"},
		{"no role", Claims{Subject: "usr_1"}, `unknown role ""`},
		{"unknown role", Claims{Subject: "usr_1", Role: "root"}, `unknown role "root"`},
		{"empty scope", Claims{Subject: "cli_1", Role: recert.RoleClient, Scopes: []string{""}}, `malformed scope ""`},
		{"scope with a space", Claims{Subject: "cli_1", Role: recert.RoleClient, Scopes: []string{"events:read events:write"}}, "malformed scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := newFixture(t).issuer.Issue(tt.claims)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	f := newFixture(t)
	key := f.keys.Current()
	kid := key.ID()
	edit := func(change func(*tokenClaims)) tokenClaims {
		c := f.validClaims()
		change(&c)
		return c
	}
	other := mustGenerateKey(t)

	tests := []struct {
		name       string
		token      string
		wantReason string
	}{
		{
			name:       "alg none",
			token:      forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, f.validClaims()),
			wantReason: ReasonAlgorithm,
		},
		{
			name:       "HS256 keyed with the Ed25519 public key",
			token:      forge(t, jwt.SigningMethodHS256, []byte(key.Public()), kid, f.validClaims()),
			wantReason: ReasonAlgorithm,
		},
		{
			name:       "HS256 keyed with the public key's JWK x",
			token:      forge(t, jwt.SigningMethodHS256, []byte(base64.RawURLEncoding.EncodeToString(key.Public())), kid, f.validClaims()),
			wantReason: ReasonAlgorithm,
		},
		{
			name:       "alg header missing",
			token:      withHeader(t, f.mustIssue(t, Claims{Subject: "usr_1", Role: recert.RoleMember}), map[string]any{"kid": kid, "typ": "JWT"}),
			wantReason: ReasonAlgorithm,
		},
		{
			name: "expired beyond leeway",
			token: forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) {
				c.IssuedAt = jwt.NewNumericDate(t0.Add(-DefaultTTL - time.Minute))
				c.NotBefore = c.IssuedAt
				c.ExpiresAt = jwt.NewNumericDate(t0.Add(-Leeway - time.Second))
			})),
			wantReason: ReasonExpired,
		},
		{
			name: "nbf and iat in the future beyond leeway",
			token: forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) {
				c.NotBefore = jwt.NewNumericDate(t0.Add(Leeway + time.Second))
				c.IssuedAt = c.NotBefore
				c.ExpiresAt = jwt.NewNumericDate(t0.Add(DefaultTTL))
			})),
			wantReason: ReasonNotYetValid,
		},
		{
			name: "iat alone in the future",
			token: forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) {
				c.IssuedAt = jwt.NewNumericDate(t0.Add(time.Hour))
			})),
			wantReason: ReasonNotYetValid,
		},
		{
			name:       "wrong issuer",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) { c.Issuer = "https://evil.example" })),
			wantReason: ReasonIssuer,
		},
		{
			name:       "wrong audience",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) { c.Audience = jwt.ClaimStrings{"another-api"} })),
			wantReason: ReasonAudience,
		},
		{
			name:       "unknown kid",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, "no-such-key", f.validClaims()),
			wantReason: ReasonKeyUnknown,
		},
		{
			name:       "missing kid",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, nil, f.validClaims()),
			wantReason: ReasonKeyMissing,
		},
		{
			name:       "kid not a string",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, 7, f.validClaims()),
			wantReason: ReasonKeyMissing,
		},
		{
			name: "tampered payload",
			token: tamper(t, f.mustIssue(t, Claims{Subject: "usr_1", Role: recert.RoleMember}), func(p map[string]any) {
				p["role"] = "admin"
			}),
			wantReason: ReasonSignature,
		},
		{
			name:       "another Ed25519 key under our kid",
			token:      forge(t, jwt.SigningMethodEdDSA, other.priv, kid, f.validClaims()),
			wantReason: ReasonSignature,
		},
		{
			name:       "missing exp",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) { c.ExpiresAt = nil })),
			wantReason: ReasonClaimMissing,
		},
		{
			name:       "missing aud",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) { c.Audience = nil })),
			wantReason: ReasonClaimMissing,
		},
		{
			name:       "missing sub",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) { c.Subject = "" })),
			wantReason: ReasonClaimMissing,
		},
		{
			name:       "unknown role",
			token:      forge(t, jwt.SigningMethodEdDSA, key.priv, kid, edit(func(c *tokenClaims) { c.Role = "root" })),
			wantReason: ReasonClaimInvalid,
		},
		{"empty", "", ReasonMalformed},
		{"not a JWT", "Bearer abc", ReasonMalformed},
		{"four segments", f.mustIssue(t, Claims{Subject: "usr_1", Role: recert.RoleMember}) + ".x", ReasonMalformed},
		{"too long", strings.Repeat("a", maxTokenBytes+1), ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.issuer.Verify(tt.token)
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *TokenError", err)
			}
			if diff := cmp.Diff(tt.wantReason, te.Reason); diff != "" {
				t.Errorf("reason (-want +got):\n%s\ncause: %v", diff, te.Err)
			}
			if !errors.Is(err, ErrTokenInvalid) {
				t.Error("error is not ErrTokenInvalid")
			}
			if got, want := errors.Is(err, ErrTokenExpired), tt.wantReason == ReasonExpired; got != want {
				t.Errorf("errors.Is(err, ErrTokenExpired) = %v, want %v", got, want)
			}
			if tt.token != "" && strings.Contains(err.Error(), tt.token) {
				t.Error("error message echoes the token")
			}
		})
	}
}

// withHeader replaces a token's header segment, keeping payload and signature.
func withHeader(t *testing.T, token string, header map[string]any) string {
	t.Helper()
	raw, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	parts[0] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

func TestVerifyClockSkew(t *testing.T) {
	tests := []struct {
		name       string
		verifyAt   time.Duration // after issue
		wantReason string        // empty: valid
	}{
		{"just issued", 0, ""},
		{"verifier clock behind, within leeway", -Leeway + time.Second, ""},
		{"verifier clock behind, beyond leeway", -Leeway - time.Second, ReasonNotYetValid},
		{"last second before exp", DefaultTTL - time.Second, ""},
		{"after exp, within leeway", DefaultTTL + Leeway - time.Second, ""},
		{"after exp, at end of leeway", DefaultTTL + Leeway, ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			token := f.mustIssue(t, Claims{Subject: "usr_1", Role: recert.RoleMember})
			f.now = t0.Add(tt.verifyAt)
			_, err := f.issuer.Verify(token)
			if diff := cmp.Diff(tt.wantReason, reasonOf(err)); diff != "" {
				t.Errorf("reason (-want +got):\n%s", diff)
			}
		})
	}
}

// reasonOf returns the TokenError reason of err, "" for nil and "not a TokenError" else.
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	var te *TokenError
	if !errors.As(err, &te) {
		return "not a TokenError: " + err.Error()
	}
	return te.Reason
}

func TestReasonsFitWWWAuthenticate(t *testing.T) {
	for _, r := range []string{
		ReasonMalformed, ReasonAlgorithm, ReasonKeyMissing, ReasonKeyUnknown, ReasonSignature,
		ReasonClaimMissing, ReasonClaimInvalid, ReasonIssuer, ReasonAudience, ReasonNotYetValid, ReasonExpired,
	} {
		if r == "" || strings.ContainsAny(r, "\"\\\r\n") {
			t.Errorf("reason %q cannot go in a quoted-string", r)
		}
	}
}

func TestNewIssuerErrors(t *testing.T) {
	keys, err := NewKeySet(mustGenerateKey(t), 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	longKeys, err := NewKeySet(mustGenerateKey(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		keys    *KeySet
		cfg     IssuerConfig
		wantErr string
	}{
		{"no key set", nil, IssuerConfig{Issuer: testIssuer, Audience: testAudience}, "needs a key set"},
		{"no issuer", longKeys, IssuerConfig{Audience: testAudience}, "needs an issuer"},
		{"no audience", longKeys, IssuerConfig{Issuer: testIssuer}, "needs an issuer and an audience"},
		{"negative TTL", longKeys, IssuerConfig{Issuer: testIssuer, Audience: testAudience, TTL: -time.Second}, "negative"},
		{"retention shorter than TTL", keys, IssuerConfig{Issuer: testIssuer, Audience: testAudience}, "retention 10m0s is shorter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewIssuer(tt.keys, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestClaimsHasScope(t *testing.T) {
	c := Claims{Scopes: []string{"events:read", "attendance:write"}}
	tests := []struct {
		scope string
		want  bool
	}{
		{"events:read", true},
		{"attendance:write", true},
		{"events:write", false},
		{"", false},
		{"events", false},
	}
	for _, tt := range tests {
		t.Run(tt.scope, func(t *testing.T) {
			if got := c.HasScope(tt.scope); got != tt.want {
				t.Errorf("HasScope(%q) = %v, want %v", tt.scope, got, tt.want)
			}
		})
	}
}

// TestConcurrentIssueVerifyRotate is for the race detector: the Issuer and KeySet are
// shared by every request while an operator rotates keys.
func TestConcurrentIssueVerifyRotate(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				token, _, err := f.issuer.Issue(Claims{Subject: "usr_1", Role: recert.RoleMember})
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := f.issuer.Verify(token); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 10 {
			next, err := GenerateKey() // not mustGenerateKey: no t.Fatal off the test goroutine
			if err == nil {
				_, err = f.keys.Rotate(next, t0)
			}
			if err != nil {
				t.Error(err)
			}
			f.keys.JWKS(t0)
		}
	})
	wg.Wait()
}

// TestVerifyRemembers: a token verified once answers from memory after, but never past what
// a full check would refuse: its expiry, a clock behind its issue, or its key's retirement.
func TestVerifyRemembers(t *testing.T) {
	f := newFixture(t)
	if _, err := f.keys.Rotate(mustGenerateKey(t), t0); err != nil { // no retention: the old key is gone at once
		t.Fatal(err)
	}
	want := Claims{Subject: "usr_1", Role: recert.RoleOrganizer, OrganizationIDs: []string{"org_1"}, Scopes: []string{"credits:read"}}
	token := f.mustIssue(t, want)
	first, err := f.issuer.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	first.Scopes[0], first.OrganizationIDs[0] = "changed", "changed"
	again, err := f.issuer.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	if again.Scopes[0] != "credits:read" || again.OrganizationIDs[0] != "org_1" {
		t.Errorf("a caller changed what Verify remembers: %+v", again)
	}
	for _, tt := range []struct {
		name       string
		at         time.Duration
		wantReason string
	}{
		{"within its life", time.Minute, ""},
		{"clock behind its issue beyond leeway", -Leeway - time.Second, ReasonNotYetValid},
		{"within its life again", 2 * time.Minute, ""},
		{"at the end of leeway after exp", DefaultTTL + Leeway, ReasonExpired},
	} {
		f.now = t0.Add(tt.at)
		if _, err := f.issuer.Verify(token); reasonOf(err) != tt.wantReason {
			t.Errorf("%s: reason %q, want %q", tt.name, reasonOf(err), tt.wantReason)
		}
	}

	// A token whose key the set no longer holds does not verify, not even from memory.
	f = newFixture(t)
	token = f.mustIssue(t, want)
	if _, err := f.issuer.Verify(token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.keys.Rotate(mustGenerateKey(t), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.issuer.Verify(token); err != nil {
		t.Errorf("retired key within its retention: %v", err)
	}
	f.keys.retired = nil // as if its retention had ended
	if _, err := f.issuer.Verify(token); reasonOf(err) != ReasonKeyUnknown {
		t.Errorf("key no longer held: reason %q, want %q", reasonOf(err), ReasonKeyUnknown)
	}
}
