package httpapi

import (
	"context"
	"crypto/sha256"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3filter"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/api"
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
// Only a read may: a write must not begin before its caller is known.
func foldsCaller(in *openapi3filter.AuthenticationInput) bool {
	v := in.RequestValidationInput
	return v != nil && v.Request != nil && v.Request.Method == http.MethodGet && v.Route != nil && v.Route.Operation != nil &&
		foldingOperations[v.Route.Operation.OperationID]
}

// callerCheck is a remembered caller the request is to confirm.
type callerCheck struct {
	claims    auth.Claims
	key       [32]byte
	principal recert.Principal
	scopes    []string // the operation's, which the caller must still hold
	// settled is whether the caller was read again in this request, and refusal what it got
	// if it was refused.
	settled bool
	refusal error
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
	c.settled = true
	now, err = callerPrincipal(c.claims, read)
	if err != nil {
		s.callers.Remove(c.key)
		c.refusal = err
		return now, false, err
	}
	if samePrincipal(now, c.principal) {
		return now, false, nil
	}
	s.callers.Add(c.key, now)
	c.refusal = holdsScopes(now, c.scopes)
	return now, true, c.refusal
}

// confirmedCaller is the strict handlers' last word on a remembered caller: an answer leaves
// only once the caller is confirmed. An operation that did not confirm it in its own read (it
// failed first, or answered without one) has it read on its own here; a caller that changed
// meanwhile is asked the question again as it now is.
func (s *Server) confirmedCaller(f api.StrictHandlerFunc, _ string) api.StrictHandlerFunc {
	return func(c echo.Context, req any) (any, error) {
		res, err := f(c, req)
		ctx := c.Request().Context()
		check, _ := ctx.Value(callerCheckCtx{}).(*callerCheck)
		switch {
		case check == nil:
			return res, err
		case check.refusal != nil:
			return nil, check.refusal
		case check.settled:
			return res, err
		}
		read, rerr := s.readCaller(ctx, check.claims)
		if rerr != nil {
			return nil, rerr
		}
		now, changed, cerr := s.confirm(check, read)
		if cerr != nil {
			return nil, cerr
		}
		if changed {
			c.SetRequest(c.Request().WithContext(context.WithValue(context.WithValue(ctx, principalKey{}, now), callerCheckCtx{}, (*callerCheck)(nil))))
			c.Set(principalCacheKey, now)
			return f(c, req)
		}
		return res, err
	}
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
	if err != nil { // refused before any read: confirmedCaller confirms the caller first
		return ctx, scope, ledger.Subject{}, err
	}
	if check == nil {
		sub, err := s.store.ProgressSubject(ctx, memberID, scope)
		return ctx, scope, sub, err
	}
	sub, caller, err := s.store.ProgressSubjectFor(ctx, memberID, scope, check.read())
	if err != nil { // a member not found says nothing before confirmedCaller confirms the caller
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
