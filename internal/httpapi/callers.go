package httpapi

import (
	"context"
	"crypto/sha256"
	"errors"
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
// and that statement reads the caller again (store.ProgressSubjectFor, MemberRelatedFor).
// Nothing is answered before the two agree (confirmedCaller): a caller signed out, disabled,
// revoked or removed since is refused at once, as before, whichever instance of the service it
// was changed on, and one whose role, organizations or scopes changed is taken as it now is. A
// member-approved app's token is read as before (its grant and app are read too).

// foldingOperations are the operations that confirm a remembered caller in their own read.
var foldingOperations = map[string]bool{
	"getMemberProgress": true, "listCredits": true, "listMemberAttendance": true, "getReport": true,
}

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
	// settled is whether the caller was read again in this request; refusal is what it got
	// if it was refused, and changed whether it is no longer the caller remembered (now).
	settled, changed bool
	refusal          error
	now              recert.Principal
}

const callerCheckKey = "recert.caller_check"

type callerCheckCtx struct{}

// pendingCaller is the request's remembered caller still to be confirmed, if any.
func pendingCaller(ctx context.Context) *callerCheck {
	c, _ := ctx.Value(callerCheckCtx{}).(*callerCheck)
	if c == nil || c.settled {
		return nil
	}
	return c
}

// read is what the operation's read of the caller asks.
func (c *callerCheck) read() ledger.CallerRead {
	return ledger.CallerRead{ID: c.claims.Subject, SignIn: c.claims.SignIn}
}

// errCallerChanged ends a handler whose remembered caller is no longer what it was:
// confirmedCaller asks the question again as the caller now is.
var errCallerChanged = errors.New("the caller changed since it was remembered")

// confirm settles the remembered caller with the caller as read now: an error refuses the
// request, or (errCallerChanged) has it asked again.
func (s *Server) confirm(c *callerCheck, read ledger.Caller) error {
	c.settled = true
	now, err := callerPrincipal(c.claims, read)
	if err != nil {
		s.callers.Remove(c.key)
		c.refusal = err
		return err
	}
	if samePrincipal(now, c.principal) {
		return nil
	}
	s.callers.Add(c.key, now)
	if c.refusal = holdsScopes(now, c.scopes); c.refusal != nil {
		return c.refusal
	}
	c.changed, c.now = true, now
	return errCallerChanged
}

// confirmedCaller is the strict handlers' last word on a remembered caller: an answer leaves
// only once the caller is confirmed. An operation that did not confirm it in its own read (it
// failed first, or answered without one) has it read on its own here; a caller that changed
// is asked the question again as it now is, and a refusal is the answer.
func (s *Server) confirmedCaller(f api.StrictHandlerFunc, _ string) api.StrictHandlerFunc {
	return func(c echo.Context, req any) (any, error) {
		res, err := f(c, req)
		ctx := c.Request().Context()
		check, _ := ctx.Value(callerCheckCtx{}).(*callerCheck)
		if check == nil {
			return res, err
		}
		if !check.settled {
			read, rerr := s.readCaller(ctx, check.claims)
			if rerr != nil {
				return nil, rerr
			}
			_ = s.confirm(check, read) // settles check
		}
		switch {
		case check.refusal != nil:
			return nil, check.refusal
		case check.changed:
			c.SetRequest(c.Request().WithContext(context.WithValue(context.WithValue(ctx, principalKey{}, check.now),
				callerCheckCtx{}, (*callerCheck)(nil))))
			c.Set(principalCacheKey, check.now)
			return f(c, req)
		}
		return res, err
	}
}

func samePrincipal(a, b recert.Principal) bool {
	return a.Subject == b.Subject && a.Role == b.Role && a.MemberID == b.MemberID && a.App == b.App &&
		slices.Equal(a.OrganizationIDs, b.OrganizationIDs) && slices.Equal(a.Scopes, b.Scopes)
}

// progressSubject reads the member whose progress is asked, in the scope the caller sees,
// confirming a remembered caller in the same statement.
func (s *Server) progressSubject(ctx context.Context, memberID string, scope recert.Scope) (ledger.Subject, error) {
	check := pendingCaller(ctx)
	if check == nil {
		return s.store.ProgressSubject(ctx, memberID, scope)
	}
	sub, caller, err := s.store.ProgressSubjectFor(ctx, memberID, scope, check.read())
	if err != nil { // a member not found says nothing before confirmedCaller confirms the caller
		return sub, err
	}
	return sub, s.confirm(check, caller)
}

// progressSubjectRecord is progressSubject with the member's whole record in scope (brief:
// without what only describes a credit, alike sessions summed), in one round trip.
func (s *Server) progressSubjectRecord(ctx context.Context, memberID string, scope recert.Scope, brief bool) (ledger.Subject, *ledger.Record, error) {
	q := ledger.RecordQuery{Scope: scope, Brief: brief, Summed: brief}
	check := pendingCaller(ctx)
	if check == nil {
		sub, _, rec, err := s.store.ProgressSubjectRecord(ctx, memberID, scope, nil, q)
		return sub, &rec, err
	}
	read := check.read()
	sub, caller, rec, err := s.store.ProgressSubjectRecord(ctx, memberID, scope, &read, q)
	if err != nil {
		return sub, nil, err
	}
	return sub, &rec, s.confirm(check, caller)
}

// memberScope checks the caller may see the member, and returns the scope of the record it
// sees; a remembered caller is confirmed in the same statement when the check reads one.
func (s *Server) memberScope(ctx context.Context, memberID string) (recert.Scope, error) {
	check := pendingCaller(ctx)
	if check == nil {
		return s.sight.Member(ctx, principalFrom(ctx), memberID)
	}
	scope, err := ledger.MemberScope(principalFrom(ctx), memberID)
	if err != nil || scope.All() { // nothing to read: confirmedCaller reads the caller
		return scope, err
	}
	related, caller, err := s.store.MemberRelatedFor(ctx, memberID, scope, check.read())
	if err != nil {
		return scope, err
	}
	if err := s.confirm(check, caller); err != nil {
		return scope, err
	}
	if !related {
		return scope, notFound("member", memberID)
	}
	return scope, nil
}
