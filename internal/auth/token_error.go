package auth

import "errors"

// Sentinels for errors.Is. Every *TokenError matches ErrTokenInvalid; an expired token
// also matches ErrTokenExpired, so a client can be told to refresh rather than log in.
var (
	ErrTokenInvalid = errors.New("invalid token")
	ErrTokenExpired = errors.New("token expired")
)

// Reasons a token is refused. Each is short, fixed text without quotes or backslashes, so
// it can go straight into `WWW-Authenticate: Bearer error="invalid_token",
// error_description="<reason>"`; none ever contains any part of the token.
const (
	ReasonMalformed    = "malformed token"
	ReasonAlgorithm    = "unsupported signing algorithm"
	ReasonKeyMissing   = "missing key id"
	ReasonKeyUnknown   = "unknown signing key"
	ReasonSignature    = "invalid signature"
	ReasonClaimMissing = "missing required claim"
	ReasonClaimInvalid = "invalid claim"
	ReasonIssuer       = "wrong issuer"
	ReasonAudience     = "wrong audience"
	ReasonNotYetValid  = "token not valid yet"
	ReasonExpired      = "token expired"
)

// TokenError is why Verify refused a token.
type TokenError struct {
	// Reason is one of the Reason constants, safe to show the caller.
	Reason string
	// Err is the underlying cause, for the log only: it may quote header fields.
	Err error
}

// Error returns the reason only, so logging the error cannot leak token content.
func (e *TokenError) Error() string { return "auth: invalid token: " + e.Reason }

// Unwrap returns the cause.
func (e *TokenError) Unwrap() error { return e.Err }

// Is makes every TokenError match ErrTokenInvalid and an expired one ErrTokenExpired.
func (e *TokenError) Is(target error) bool {
	return target == ErrTokenInvalid || (target == ErrTokenExpired && e.Reason == ReasonExpired)
}
