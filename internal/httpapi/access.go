package httpapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomw "github.com/oapi-codegen/echo-middleware"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

type principalKey struct{}

// principalFrom returns the caller the request's access token stands for.
func principalFrom(ctx context.Context) recert.Principal {
	p, _ := ctx.Value(principalKey{}).(recert.Principal)
	return p
}

// authenticate is the request validator's AuthenticationFunc. It checks the bearer token
// (once per request), loads the caller as it is now — a disabled user or a revoked app
// is refused at once, and an organizer removed from an organization loses it at once —
// and checks that the token holds the scopes the operation lists.
func (s *Server) authenticate(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	c := echomw.GetEchoContext(ctx)
	if c == nil {
		return errors.New("no request context")
	}
	p, err := s.principal(c, foldsCaller(in))
	if err != nil {
		c.Set(authFailureKey, err)
		return err
	}
	if p.App != "" && len(in.Scopes) == 0 && !anonymousAllowed(in) {
		return &echo.HTTPError{Code: 403, Message: "an app a member approved may use only operations that need a scope it was granted"}
	}
	if err := holdsScopes(p, in.Scopes); err != nil {
		return err
	}
	if check, ok := c.Get(callerCheckKey).(*callerCheck); ok {
		check.scopes = in.Scopes
	}
	return nil
}

// holdsScopes fails unless p holds every scope.
func holdsScopes(p recert.Principal, scopes []string) error {
	for _, scope := range scopes {
		if !slices.Contains(p.Scopes, scope) {
			return &echo.HTTPError{Code: 403, Message: fmt.Sprintf("this operation needs the %s scope, which the token does not hold", scope)}
		}
	}
	return nil
}

// anonymousAllowed reports whether the operation also serves callers without a token: an
// app acting for a member may read there what anyone may.
func anonymousAllowed(in *openapi3filter.AuthenticationInput) bool {
	if in.RequestValidationInput == nil || in.RequestValidationInput.Route == nil || in.RequestValidationInput.Route.Operation == nil {
		return false
	}
	sec := in.RequestValidationInput.Route.Operation.Security
	if sec == nil {
		return false
	}
	for _, req := range *sec {
		if len(req) == 0 {
			return true
		}
	}
	return false
}

const (
	principalCacheKey = "recert.principal"
	authFailureKey    = "recert.auth_failure"
)

// rejectBadTokens fails a request that sent a token the authentication hook refused, even
// on an operation where a token is optional: a bad token is an error, not anonymity.
func rejectBadTokens(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err, ok := c.Get(authFailureKey).(error); ok && c.Request().Header.Get(echo.HeaderAuthorization) != "" {
			if _, loaded := c.Get(principalCacheKey).(recert.Principal); !loaded {
				return err
			}
		}
		return next(c)
	}
}

// principal is the request's caller. With fold, a user's token whose caller is remembered is
// taken as that caller, to be confirmed by the operation's own read (callerCheck).
func (s *Server) principal(c echo.Context, fold bool) (recert.Principal, error) {
	if p, ok := c.Get(principalCacheKey).(recert.Principal); ok {
		return p, nil
	}
	p, check, err := s.loadPrincipal(c, fold && s.store.FoldsCaller())
	if err != nil {
		return recert.Principal{}, err
	}
	c.Set(principalCacheKey, p)
	ctx := context.WithValue(c.Request().Context(), principalKey{}, p)
	if check != nil {
		c.Set(callerCheckKey, check)
		ctx = context.WithValue(ctx, callerCheckCtx{}, check)
	}
	c.SetRequest(c.Request().WithContext(ctx))
	return p, nil
}

func (s *Server) loadPrincipal(c echo.Context, fold bool) (recert.Principal, *callerCheck, error) {
	header := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return recert.Principal{}, nil, unauthorized("", "this operation needs an access token (Authorization: Bearer …)")
	}
	token = strings.TrimSpace(token)
	claims, err := s.tokens.Verify(token)
	if err != nil {
		var te *auth.TokenError
		reason := "the access token is invalid"
		if errors.As(err, &te) {
			reason = "the access token is invalid: " + te.Reason
		}
		return recert.Principal{}, nil, unauthorized("invalid_token", reason)
	}
	ctx := c.Request().Context()
	user, client := strings.HasPrefix(claims.Subject, recert.PrefixUser+"_"), strings.HasPrefix(claims.Subject, recert.PrefixClient+"_")
	switch {
	case user && claims.App != "":
		p, err := s.appPrincipal(ctx, claims)
		return p, nil, err
	case user || client:
		key := tokenKey(token)
		if fold {
			if known, ok := s.callers.Get(key); ok {
				return known, &callerCheck{claims: claims, key: key, principal: known}, nil
			}
		}
		read, err := s.readCaller(ctx, claims)
		if err != nil {
			return recert.Principal{}, nil, err
		}
		p, err := callerPrincipal(claims, read)
		if err == nil && fold {
			s.callers.Add(key, p)
		}
		return p, nil, err
	default:
		return recert.Principal{}, nil, gone()
	}
}

// appPrincipal is the caller a member-approved app's token stands for: the member only, with
// what the member granted, while the member's sign-in, the grant, and the app stand.
func (s *Server) appPrincipal(ctx context.Context, claims auth.Claims) (recert.Principal, error) {
	p := recert.Principal{Subject: claims.Subject}
	u, live, err := s.store.SignedInUser(ctx, claims.Subject, claims.SignIn)
	if _, err := userPrincipal(claims, u, live, err); err != nil {
		return p, err
	}
	if claims.SignIn == "" {
		return p, gone()
	}
	app, _, err := s.store.App(ctx, claims.App)
	if recert.ErrorCode(err) == recert.ENOTFOUND || err == nil && app.Suspended {
		return p, gone()
	} else if err != nil {
		return p, err
	}
	p.Role, p.MemberID, p.App = recert.RoleMember, u.MemberID, app.ID
	p.Scopes = intersect(claims.Scopes, recert.RoleScopes(recert.RoleMember))
	return p, nil
}

// readCaller reads a person's or an API client's token's caller in a statement of its own.
func (s *Server) readCaller(ctx context.Context, claims auth.Claims) (ledger.Caller, error) {
	var read ledger.Caller
	var err error
	if strings.HasPrefix(claims.Subject, recert.PrefixClient+"_") {
		read.Client, _, err = s.store.Client(ctx, claims.Subject)
	} else {
		read.User, read.Live, err = s.store.SignedInUser(ctx, claims.Subject, claims.SignIn)
	}
	if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
		return read, err
	}
	read.Found = err == nil
	return read, nil
}

// callerPrincipal is the caller a person's or an API client's token stands for, given the
// caller as read.
func callerPrincipal(claims auth.Claims, read ledger.Caller) (recert.Principal, error) {
	var err error
	if !read.Found {
		err = recert.Errorf(recert.ENOTFOUND, "caller %s not found", claims.Subject)
	}
	if strings.HasPrefix(claims.Subject, recert.PrefixClient+"_") {
		return clientPrincipal(claims, read.Client, err)
	}
	return userPrincipal(claims, read.User, read.Live, err)
}

// gone refuses a token whose user, app or client is no longer there to act.
func gone() error {
	return unauthorized("invalid_token", "the access token's user or app no longer exists, is disabled or is revoked")
}

// userPrincipal is the caller a user's token stands for, given its login as SignedInUser read
// it (err its error). An app's token (claims.App) is refused or passed on the same terms.
func userPrincipal(claims auth.Claims, u recert.User, live bool, err error) (recert.Principal, error) {
	p := recert.Principal{Subject: claims.Subject}
	if recert.ErrorCode(err) == recert.ENOTFOUND || err == nil && u.Disabled {
		return p, gone()
	} else if err != nil {
		return p, err
	}
	// Tokens issued before sign-ins were recorded carry none; they expire within minutes.
	// An app's token lives as long as its grant: a new password moves the version on
	// without ending grants the member did not ask to end.
	if claims.App == "" && claims.Version != u.TokenVersion || claims.SignIn != "" && !live {
		return p, unauthorized("invalid_token", "the access token was signed out: sign in again")
	}
	p.Role, p.MemberID, p.OrganizationIDs = u.Role, u.MemberID, u.OrganizationIDs
	p.Scopes = intersect(claims.Scopes, recert.RoleScopes(u.Role))
	return p, nil
}

// clientPrincipal is the caller an API client's token stands for, given the client as Client
// read it (err its error).
func clientPrincipal(claims auth.Claims, cl recert.Client, err error) (recert.Principal, error) {
	p := recert.Principal{Subject: claims.Subject}
	if recert.ErrorCode(err) == recert.ENOTFOUND || err == nil && cl.Revoked {
		return p, gone()
	} else if err != nil {
		return p, err
	}
	p.Role, p.Scopes = recert.RoleClient, intersect(claims.Scopes, cl.Scopes)
	if cl.OrganizationID != "" {
		p.OrganizationIDs = []string{cl.OrganizationID}
	}
	return p, nil
}

// unauthorized is a 401 whose WWW-Authenticate header says why (RFC 6750).
func unauthorized(code, reason string) *echo.HTTPError {
	return &echo.HTTPError{Code: 401, Message: reason, Internal: bearerChallenge{code: code, reason: reason}}
}

type bearerChallenge struct{ code, reason string }

func (b bearerChallenge) Error() string { return b.reason }

func (b bearerChallenge) header() string {
	if b.code == "" {
		return `Bearer realm="recert"`
	}
	return fmt.Sprintf(`Bearer realm="recert", error=%q, error_description=%q`, b.code, b.reason)
}

func intersect(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// notFound is what a caller gets for an object that does not exist or that is not theirs:
// the same answer, so ids of other tenants cannot be probed.
func notFound(kind, id string) error {
	return recert.Errorf(recert.ENOTFOUND, "%s %s not found", kind, id)
}

func forbidden(format string, args ...any) error {
	return recert.Errorf(recert.EFORBIDDEN, format, args...)
}

// canSeeOrganization: administrators see all; others the organizations they act for.
func canSeeOrganization(p recert.Principal, orgID string) bool {
	return p.Scope().Sees(orgID)
}
