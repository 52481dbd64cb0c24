package httpapi

import (
	"context"
	"crypto/sha256"
	"slices"

	"github.com/getkin/kin-openapi/openapi3filter"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// A request reads its caller (a person's login, or an API client) before anything else: one
// statement, and the round trip to the database, on every request. An app that reads every
// member with one token sends the same caller thousands of times, so for the operations that
// read their member in one statement (foldingOperations), the caller is remembered by token,
// and that statement reads the caller again (store.ProgressSubjectFor). Nothing is answered
// before the two agree: a caller signed out, disabled, revoked or removed since is refused as
// at once as before, whichever instance of the service it was changed on, and one whose role,
// organizations or scopes changed is taken as it now is. A member-approved app's token is
// read as before (its grant and app are read too).

// foldingOperations are the operations that confirm a remembered caller in their own read.
var foldingOperations = map[string]bool{"getMemberProgress": true}

// knownCallers is how many tokens' callers are remembered (a few hundred bytes each).
const knownCallers = 4096

// callerMemory is the callers remembered, by token.
type callerMemory = lru.Cache[[32]byte, recert.Principal]

func newCallers() *callerMemory {
	c, err := lru.New[[32]byte, recert.Principal](knownCallers)
	if err != nil {
		panic(err) // only for a size below one
	}
	return c
}

// tokenKey names a token without keeping it.
func tokenKey(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// foldsCaller reports whether the operation authenticated confirms its caller in its own read.
func foldsCaller(in *openapi3filter.AuthenticationInput) bool {
	v := in.RequestValidationInput
	return v != nil && v.Route != nil && v.Route.Operation != nil && foldingOperations[v.Route.Operation.OperationID]
}

// callerCheck is a remembered caller the request has not confirmed yet.
type callerCheck struct {
	claims    auth.Claims
	key       [32]byte
	principal recert.Principal
	scopes    []string // the operation's, which the caller must still hold
}

const callerCheckKey = "recert.caller_check"

type callerCheckCtx struct{}

// read is what the operation's read of the caller asks.
func (c *callerCheck) read() ledger.CallerRead {
	return ledger.CallerRead{ID: c.claims.Subject, SignIn: c.claims.SignIn}
}

// confirm compares the caller as read now with the one remembered: an error refuses the
// request, and changed is the caller as it now is when it differs.
func (s *Server) confirm(c *callerCheck, read ledger.Caller) (now recert.Principal, changed bool, err error) {
	now, err = callerPrincipal(c.claims, read)
	if err != nil {
		s.callers.Remove(c.key)
		return now, false, err
	}
	if samePrincipal(now, c.principal) {
		return now, false, nil
	}
	s.callers.Add(c.key, now)
	return now, true, holdsScopes(now, c.scopes)
}

// confirmAlone confirms a remembered caller in a statement of its own, for an answer that
// did not read it (a member that does not exist must not tell a signed-out token so).
func (s *Server) confirmAlone(ctx context.Context, c *callerCheck) error {
	read, err := s.readCaller(ctx, c.claims)
	if err == nil {
		_, _, err = s.confirm(c, read)
	}
	return err
}

func samePrincipal(a, b recert.Principal) bool {
	return a.Subject == b.Subject && a.Role == b.Role && a.MemberID == b.MemberID && a.App == b.App &&
		slices.Equal(a.OrganizationIDs, b.OrganizationIDs) && slices.Equal(a.Scopes, b.Scopes)
}

// progressSubject reads the member whose progress is asked, in the scope the caller sees, and
// confirms a remembered caller in the same statement. It returns ctx with the caller as it is.
func (s *Server) progressSubject(ctx context.Context, memberID string) (context.Context, recert.Scope, ledger.Subject, error) {
	check, _ := ctx.Value(callerCheckCtx{}).(*callerCheck)
	scope, err := ledger.MemberScope(principalFrom(ctx), memberID)
	if check == nil {
		if err != nil {
			return ctx, scope, ledger.Subject{}, err
		}
		sub, err := s.store.ProgressSubject(ctx, memberID, scope)
		return ctx, scope, sub, err
	}
	if err != nil { // refused without a read: the caller is confirmed first
		if cerr := s.confirmAlone(ctx, check); cerr != nil {
			return ctx, scope, ledger.Subject{}, cerr
		}
		return ctx, scope, ledger.Subject{}, err
	}
	sub, caller, err := s.store.ProgressSubjectFor(ctx, memberID, scope, check.read())
	if err != nil {
		if cerr := s.confirmAlone(ctx, check); cerr != nil {
			return ctx, scope, sub, cerr
		}
		return ctx, scope, sub, err
	}
	now, changed, err := s.confirm(check, caller)
	if err != nil || !changed {
		return ctx, scope, sub, err
	}
	// The caller changed since it was remembered: the question is asked again as it now is.
	ctx = context.WithValue(context.WithValue(ctx, principalKey{}, now), callerCheckCtx{}, (*callerCheck)(nil))
	return s.progressSubject(ctx, memberID)
}
