package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/recert-dev/recert/internal/recert"
)

const (
	// DefaultTTL is how long an access token lives unless IssuerConfig says otherwise:
	// short, because a JWT cannot be revoked before it expires.
	DefaultTTL = 15 * time.Minute
	// Leeway is the clock skew tolerated on exp, nbf and iat.
	Leeway = 30 * time.Second
	// maxTokenBytes bounds the work Verify does on hostile input; ours are well under 1 KiB.
	maxTokenBytes = 8 << 10
)

// Claims is who an access token speaks for. Issue reads the first eight fields; Verify
// fills all of them.
type Claims struct {
	// Subject is the user (usr_…) or API client (cli_…) id: the `sub` claim.
	Subject string
	// Role is the subject's role.
	Role recert.Role
	// OrganizationIDs are the organizations an organizer or client acts for.
	OrganizationIDs []string
	// MemberID is the member record a member-role user is, if any.
	MemberID string
	// Scopes are the OAuth scopes granted, sent as the space-separated `scope` claim.
	Scopes []string
	// Version is the user's token version when the token was issued (the `ver` claim);
	// a token whose version is behind the user's has been signed out.
	Version int
	// SignIn is the sign-in that issued the token (the `sid` claim): ending it ends every
	// token it issued. Apps' tokens have none.
	SignIn string
	// App is the member-approved app the token was issued to (the `client_id` claim of
	// RFC 9068); such a token reads only what the member granted it.
	App string

	// ID is the unique token id (`jti`), set by Verify.
	ID string
	// IssuedAt and ExpiresAt are `iat` and `exp`, set by Verify.
	IssuedAt, ExpiresAt time.Time
}

// HasScope reports whether the token grants scope. It is a plain membership test: what a
// role may do without scopes is the caller's policy.
func (c Claims) HasScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

// tokenClaims is the JWT payload as it goes on the wire.
type tokenClaims struct {
	jwt.RegisteredClaims
	Role            recert.Role `json:"role"`
	OrganizationIDs []string    `json:"org_ids,omitempty"`
	MemberID        string      `json:"member_id,omitempty"`
	Scope           string      `json:"scope,omitempty"`
	Version         int         `json:"ver,omitempty"`
	SignIn          string      `json:"sid,omitempty"`
	ClientID        string      `json:"client_id,omitempty"`
}

// Validate runs after the registered claims check (golang-jwt's ClaimsValidator). exp,
// iss and aud are required by parser options; the claims every token of ours carries are
// required here, so a token missing them cannot be one we issued.
func (c tokenClaims) Validate() error {
	if c.Subject == "" || c.ID == "" || c.IssuedAt == nil {
		return errClaimMissing
	}
	if !c.Role.Valid() {
		return errClaimInvalid
	}
	return nil
}

// Causes our keyfunc and validator report, mapped to reasons by tokenError.
var (
	errClaimMissing = errors.New("sub, jti or iat claim missing")
	errClaimInvalid = errors.New("role claim invalid")
	errKeyMissing   = errors.New("kid header missing")
	errKeyUnknown   = errors.New("kid not in key set")
	errNotEdDSA     = errors.New("signing method is not EdDSA")
	errTooLong      = errors.New("token too long")
)

// IssuerConfig configures an Issuer.
type IssuerConfig struct {
	// Issuer is the `iss` claim: the service's public base URL.
	Issuer string
	// Audience is the `aud` claim: who the tokens are for (the API).
	Audience string
	// TTL is the access-token lifetime; zero means DefaultTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Issuer issues and verifies access tokens. It is safe for concurrent use.
type Issuer struct {
	keys   *KeySet
	iss    string
	aud    string
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
	// verified remembers tokens whose signature and claims checked out: a client sends the
	// same token with every request, and checking an Ed25519 signature is most of an
	// authenticated request's own work. Only verified tokens enter it, so it cannot be
	// filled with forgeries.
	verified *lru.Cache[string, verifiedToken]
}

// verifiedTokens is how many tokens Verify remembers (about 1 KB each).
const verifiedTokens = 4096

// verifiedToken is a token that verified: its claims, the key that signed it and the
// earliest time its claims allow (the later of iat and nbf).
type verifiedToken struct {
	claims Claims
	kid    string
	pub    ed25519.PublicKey
	from   time.Time
}

// NewIssuer returns an Issuer that signs with keys' current key.
func NewIssuer(keys *KeySet, cfg IssuerConfig) (*Issuer, error) {
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := checkIssuerConfig(keys, cfg); err != nil {
		return nil, err
	}
	verified, err := lru.New[string, verifiedToken](verifiedTokens)
	if err != nil {
		return nil, err
	}
	i := &Issuer{keys: keys, iss: cfg.Issuer, aud: cfg.Audience, ttl: cfg.TTL, now: cfg.Now, verified: verified}
	// The parser only reads its options, so one can serve every goroutine.
	i.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(cfg.Now),
		jwt.WithStrictDecoding(), // one token, one spelling: no non-canonical base64
	)
	return i, nil
}

func checkIssuerConfig(keys *KeySet, cfg IssuerConfig) error {
	switch {
	case keys == nil:
		return errors.New("auth: issuer needs a key set")
	case cfg.Issuer == "" || cfg.Audience == "":
		return errors.New("auth: issuer needs an issuer and an audience")
	case cfg.TTL < 0:
		return fmt.Errorf("auth: token TTL %v is negative", cfg.TTL)
	case keys.Retention() < cfg.TTL+Leeway:
		// Otherwise a rotation would strand tokens that have not expired yet.
		return fmt.Errorf("auth: key retention %v is shorter than token TTL %v plus leeway %v", keys.Retention(), cfg.TTL, Leeway)
	}
	return nil
}

// TTL returns the access-token lifetime, for the `expires_in` of a token response.
func (i *Issuer) TTL() time.Duration { return i.ttl }

// Issue signs an access token for c with the current key and returns it with its expiry.
// It sets iss, aud, sub, exp, iat, nbf and a random jti; c.ID, c.IssuedAt and c.ExpiresAt
// are ignored.
func (i *Issuer) Issue(c Claims) (token string, expiresAt time.Time, err error) {
	if err := checkClaims(c); err != nil {
		return "", time.Time{}, err
	}
	// Truncate first so the returned expiry is exactly the exp in the token.
	now := i.now().Truncate(time.Second).UTC()
	expiresAt = now.Add(i.ttl)
	key := i.keys.Current()
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, tokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    i.iss,
			Subject:   c.Subject,
			Audience:  jwt.ClaimStrings{i.aud},
			ExpiresAt: jwt.NewNumericDate(expiresAt),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        randomToken(16),
		},
		Role:            c.Role,
		OrganizationIDs: c.OrganizationIDs,
		MemberID:        c.MemberID,
		Scope:           strings.Join(c.Scopes, " "),
		Version:         c.Version,
		SignIn:          c.SignIn,
		ClientID:        c.App,
	})
	t.Header["kid"] = key.ID()
	token, err = t.SignedString(key.priv)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign token: %w", err)
	}
	return token, expiresAt, nil
}

// checkClaims refuses claims that would make a token Verify rejects or misreads; these
// are programming errors, caught before anything is signed.
func checkClaims(c Claims) error {
	if c.Subject == "" {
		return errors.New("auth: token claims need a subject")
	}
	if !c.Role.Valid() {
		return fmt.Errorf("auth: unknown role %q", c.Role)
	}
	for _, s := range c.Scopes {
		// RFC 6749 §3.3: a scope token is printable ASCII without space, quote or backslash.
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\\' }) {
			return fmt.Errorf("auth: malformed scope %q", s)
		}
	}
	return nil
}

// Verify checks a token's signature, algorithm, key id, issuer, audience and times, and
// returns its claims. Every failure is a *TokenError (errors.Is ErrTokenInvalid).
func (i *Issuer) Verify(token string) (Claims, error) {
	if len(token) > maxTokenBytes {
		return Claims{}, &TokenError{Reason: ReasonMalformed, Err: errTooLong}
	}
	if c, ok := i.remembered(token); ok {
		return c, nil
	}
	var tc tokenClaims
	parsed, err := i.parser.ParseWithClaims(token, &tc, i.keyFor)
	if err != nil {
		return Claims{}, tokenError(err)
	}
	c := Claims{
		Subject:         tc.Subject,
		Role:            tc.Role,
		OrganizationIDs: tc.OrganizationIDs,
		MemberID:        tc.MemberID,
		Scopes:          splitScopes(tc.Scope),
		Version:         tc.Version,
		SignIn:          tc.SignIn,
		App:             tc.ClientID,
		ID:              tc.ID,
		IssuedAt:        tc.IssuedAt.UTC(),
		ExpiresAt:       tc.ExpiresAt.UTC(),
	}
	kid, _ := parsed.Header["kid"].(string)
	if pub, ok := i.keys.PublicKey(kid, i.now()); ok { // the key keyFor chose
		from := c.IssuedAt
		if tc.NotBefore != nil && tc.NotBefore.After(from) {
			from = tc.NotBefore.UTC()
		}
		i.verified.Add(token, verifiedToken{claims: c, kid: kid, pub: pub, from: from})
	}
	return c.clone(), nil
}

// remembered returns the claims of a token that verified before, if its key still verifies
// and its times still hold now (as the parser checks them, with Leeway); anything else is
// checked again in full, which gives the reason.
func (i *Issuer) remembered(token string) (Claims, bool) {
	v, ok := i.verified.Get(token)
	if !ok {
		return Claims{}, false
	}
	now := i.now()
	pub, ok := i.keys.PublicKey(v.kid, now)
	if !ok || !pub.Equal(v.pub) || !now.Before(v.claims.ExpiresAt.Add(Leeway)) || now.Before(v.from.Add(-Leeway)) {
		i.verified.Remove(token)
		return Claims{}, false
	}
	return v.claims.clone(), true
}

// clone is c with lists of its own, so that no caller can change what Verify remembers.
func (c Claims) clone() Claims {
	c.OrganizationIDs, c.Scopes = slices.Clone(c.OrganizationIDs), slices.Clone(c.Scopes)
	return c
}

// splitScopes splits the scope claim; no scopes is nil, as in the Claims that were issued.
// Unknown names are kept: a scope retired since issue simply matches no HasScope check.
func splitScopes(scope string) []string {
	if scope == "" {
		return nil
	}
	return strings.Fields(scope)
}

// keyFor is the jwt.Keyfunc: the verification key is chosen by the kid header alone, and
// only for EdDSA, so no header can make us verify with a key or algorithm we did not pick.
func (i *Issuer) keyFor(t *jwt.Token) (any, error) {
	if _, ok := t.Method.(*jwt.SigningMethodEd25519); !ok {
		return nil, errNotEdDSA // WithValidMethods already stops this; belt and braces
	}
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errKeyMissing
	}
	pub, ok := i.keys.PublicKey(kid, i.now())
	if !ok {
		return nil, errKeyUnknown
	}
	return pub, nil
}

// tokenError maps a golang-jwt error to a TokenError. Causes are checked from the
// outermost layer in: structure, algorithm, key, signature, then claims.
func tokenError(err error) error {
	return &TokenError{Reason: tokenReason(err), Err: err}
}

func tokenReason(err error) string {
	for _, m := range reasonTable {
		if errors.Is(err, m.cause) {
			return m.reason
		}
	}
	// Left: an alg header that is missing, unregistered or not EdDSA.
	return ReasonAlgorithm
}

// reasonTable is ordered: the first cause found wins. ErrTokenSignatureInvalid without
// ErrEd25519Verification means WithValidMethods refused the algorithm, so it is last.
var reasonTable = []struct {
	cause  error
	reason string
}{
	{jwt.ErrTokenMalformed, ReasonMalformed},
	{errNotEdDSA, ReasonAlgorithm},
	{errKeyMissing, ReasonKeyMissing},
	{errKeyUnknown, ReasonKeyUnknown},
	{jwt.ErrEd25519Verification, ReasonSignature},
	{jwt.ErrTokenRequiredClaimMissing, ReasonClaimMissing},
	{errClaimMissing, ReasonClaimMissing},
	{errClaimInvalid, ReasonClaimInvalid},
	{jwt.ErrTokenInvalidIssuer, ReasonIssuer},
	{jwt.ErrTokenInvalidAudience, ReasonAudience},
	{jwt.ErrTokenNotValidYet, ReasonNotYetValid},
	{jwt.ErrTokenUsedBeforeIssued, ReasonNotYetValid},
	{jwt.ErrTokenExpired, ReasonExpired},
	{jwt.ErrInvalidType, ReasonClaimInvalid},
	{jwt.ErrTokenSignatureInvalid, ReasonAlgorithm},
}

// randomToken returns n random bytes, base64url-encoded. crypto/rand.Read never fails
// (since Go 1.24 it crashes the program rather than return weak randomness).
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
