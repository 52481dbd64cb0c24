package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// oauthError is a token-endpoint failure: a problem that also carries the OAuth 2.0 error code.
type oauthError struct {
	status      int
	code        api.ProblemError
	description string
}

func (e *oauthError) Error() string { return string(e.code) + ": " + e.description }

func invalidGrant(d string) error  { return &oauthError{http.StatusBadRequest, api.InvalidGrant, d} }
func invalidClient(d string) error { return &oauthError{http.StatusUnauthorized, api.InvalidClient, d} }
func invalidRequest(d string) error {
	return &oauthError{http.StatusBadRequest, api.InvalidRequest, d}
}
func invalidScope(d string) error { return &oauthError{http.StatusBadRequest, api.InvalidScope, d} }

// CreateToken is the OAuth 2.0 token endpoint.
func (s *Server) CreateToken(ctx context.Context, req api.CreateTokenRequestObject) (api.CreateTokenResponseObject, error) {
	var r api.TokenRequest
	switch {
	case req.JSONBody != nil:
		r = *req.JSONBody
	case req.FormdataBody != nil:
		r = *req.FormdataBody
	}
	info := requestInfoFrom(ctx)
	if info.basicUser != "" && r.ClientID == nil {
		r.ClientID, r.ClientSecret = &info.basicUser, &info.basicPass
	}
	if err := s.limiter.allow(ctx, "ip:"+info.ip); err != nil {
		return nil, err
	}
	var (
		res api.TokenResponse
		err error
	)
	switch string(r.GrantType) {
	case "password":
		res, err = s.passwordGrant(ctx, r)
	case "client_credentials":
		res, err = s.clientGrant(ctx, r)
	case "refresh_token":
		res, err = s.refreshGrant(ctx, r)
	case "authorization_code":
		res, err = s.codeGrant(ctx, r)
	default:
		err = &oauthError{http.StatusBadRequest, api.UnsupportedGrantType, "grant_type must be authorization_code, password, client_credentials or refresh_token"}
	}
	if err != nil {
		return nil, err
	}
	headers := api.CreateToken200ResponseHeaders{CacheControl: ptr("no-store")}
	if r.GrantType == "password" {
		h := http.Header{}
		passwordGrantDeprecation.header(h)
		headers.Deprecation, headers.Sunset = ptr(h.Get("Deprecation")), ptr(h.Get("Sunset"))
	}
	return api.CreateToken200JSONResponse{Body: res, Headers: headers}, nil
}

func (s *Server) passwordGrant(ctx context.Context, r api.TokenRequest) (api.TokenResponse, error) {
	if r.Username == nil || r.Password == nil {
		return api.TokenResponse{}, invalidRequest("the password grant needs username and password")
	}
	if err := s.limiter.allow(ctx, "account:"+strings.ToLower(*r.Username)); err != nil {
		return api.TokenResponse{}, err
	}
	u, hash, err := s.store.UserByEmail(ctx, *r.Username)
	if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
		return api.TokenResponse{}, err
	}
	if hash == "" {
		hash = s.dummyHash // spend the same time whether or not the account exists
	}
	ok, verr := auth.VerifyPassword(*r.Password, hash)
	if err != nil || verr != nil || !ok || u.Disabled {
		return api.TokenResponse{}, invalidGrant("the email or password is wrong, or the account is disabled")
	}
	scopes, err := narrow(recert.RoleScopes(u.Role), r.Scope)
	if err != nil {
		return api.TokenResponse{}, err
	}
	return s.issueWithRefresh(ctx, u, scopes)
}

func (s *Server) clientGrant(ctx context.Context, r api.TokenRequest) (api.TokenResponse, error) {
	if r.ClientID == nil || r.ClientSecret == nil {
		return api.TokenResponse{}, invalidRequest("the client_credentials grant needs client_id and client_secret")
	}
	if err := s.limiter.allow(ctx, "account:"+*r.ClientID); err != nil {
		return api.TokenResponse{}, err
	}
	if !auth.WellFormed(*r.ClientSecret, auth.PrefixClientSecret) {
		return api.TokenResponse{}, invalidClient("the client id or secret is wrong, or the client is revoked")
	}
	cl, hash, err := s.store.Client(ctx, *r.ClientID)
	if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
		return api.TokenResponse{}, err
	}
	if err != nil || cl.Revoked || !auth.EqualHash(hash, auth.HashSecret(*r.ClientSecret)) {
		return api.TokenResponse{}, invalidClient("the client id or secret is wrong, or the client is revoked")
	}
	scopes, err := narrow(cl.Scopes, r.Scope)
	if err != nil {
		return api.TokenResponse{}, err
	}
	token, exp, err := s.tokens.Issue(auth.Claims{Subject: cl.ID, Role: recert.RoleClient, Scopes: scopes,
		OrganizationIDs: nonEmpty(cl.OrganizationID)})
	if err != nil {
		return api.TokenResponse{}, err
	}
	return tokenResponse(token, exp, scopes, s.now()), nil
}

func (s *Server) refreshGrant(ctx context.Context, r api.TokenRequest) (api.TokenResponse, error) {
	if r.RefreshToken == nil {
		return api.TokenResponse{}, invalidRequest("the refresh_token grant needs refresh_token")
	}
	// A member-approved app's refresh token: the app authenticates as at the code grant.
	g, isGrant, err := s.grantOfRefresh(ctx, *r.RefreshToken)
	if err != nil {
		return api.TokenResponse{}, err
	}
	if isGrant {
		if r.ClientID == nil || *r.ClientID != g.AppID {
			return api.TokenResponse{}, invalidClient("send the client_id of the app the refresh token was issued to")
		}
		if _, err := s.appClient(ctx, r.ClientID, r.ClientSecret, false); err != nil {
			return api.TokenResponse{}, err
		}
	}
	var res api.TokenResponse
	var issueErr error
	_, err = s.exchange(ctx, *r.RefreshToken, func(rt recert.RefreshToken, next string) {
		if isGrant {
			res, issueErr = s.issueGrant(ctx, g)
			res.RefreshToken = &next
			return
		}
		u, err := s.store.User(ctx, rt.UserID)
		if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
			issueErr = err
			return
		}
		if err != nil || u.Disabled {
			issueErr = invalidGrant("the refresh token's account is disabled")
			return
		}
		res, issueErr = s.issueAccess(u, recert.RoleScopes(u.Role), rt.FamilyID)
		res.RefreshToken = &next
	})
	if err != nil {
		return api.TokenResponse{}, err
	}
	return res, issueErr
}

// exchange spends a refresh token for a new one in its family (its sign-in) and hands the
// new one to issue.
func (s *Server) exchange(ctx context.Context, presented string, issue func(rt recert.RefreshToken, next string)) (recert.RefreshToken, error) {
	if !auth.WellFormed(presented, auth.PrefixRefreshToken) {
		return recert.RefreshToken{}, invalidGrant("the refresh token is invalid, expired, revoked or already used")
	}
	plain, hash := auth.NewSecret(auth.PrefixRefreshToken)
	now := s.now()
	next := recert.RefreshToken{Hash: hash, IssuedAt: now, ExpiresAt: now.Add(s.refreshTTL)}
	rt, err := s.registry.ExchangeRefresh(ctx, auth.HashSecret(presented), next)
	if recert.ErrorCode(err) == recert.EUNAUTHORIZED {
		return rt, invalidGrant("the refresh token is invalid, expired, revoked or already used")
	} else if err != nil {
		return rt, err
	}
	issue(rt, plain)
	return rt, nil
}

// issueWithRefresh starts a sign-in of u: its first refresh token, whose family is the
// sign-in's id, and an access token carrying that id.
func (s *Server) issueWithRefresh(ctx context.Context, u recert.User, scopes []string) (api.TokenResponse, error) {
	plain, hash := auth.NewSecret(auth.PrefixRefreshToken)
	now := s.now()
	rt, err := s.registry.StartRefresh(ctx, recert.RefreshToken{Hash: hash, UserID: u.ID, IssuedAt: now, ExpiresAt: now.Add(s.refreshTTL)})
	if err != nil {
		return api.TokenResponse{}, err
	}
	res, err := s.issueAccess(u, scopes, rt.FamilyID)
	if err != nil {
		return res, err
	}
	res.RefreshToken = &plain
	return res, nil
}

// issueAccess issues an access token of u's within the sign-in sid.
func (s *Server) issueAccess(u recert.User, scopes []string, sid string) (api.TokenResponse, error) {
	token, exp, err := s.tokens.Issue(auth.Claims{Subject: u.ID, Role: u.Role, Scopes: scopes,
		OrganizationIDs: u.OrganizationIDs, MemberID: u.MemberID, Version: u.TokenVersion, SignIn: sid})
	if err != nil {
		return api.TokenResponse{}, err
	}
	return tokenResponse(token, exp, scopes, s.now()), nil
}

func tokenResponse(token string, exp time.Time, scopes []string, now time.Time) api.TokenResponse {
	return api.TokenResponse{AccessToken: token, TokenType: api.Bearer,
		ExpiresIn: int(exp.Sub(now).Round(time.Second).Seconds()), Scope: strings.Join(scopes, " ")}
}

// narrow keeps the requested scopes, which must all be held; no request keeps them all.
func narrow(held []string, requested *string) ([]string, error) {
	if requested == nil || strings.TrimSpace(*requested) == "" {
		return held, nil
	}
	want := strings.Fields(*requested)
	for _, sc := range want {
		if !contains(held, sc) {
			return nil, invalidScope("scope " + sc + " is unknown or not granted to this account")
		}
	}
	return want, nil
}

// RevokeToken ends the sign-in of a refresh token or an access token (RFC 7009): every
// token and page session it issued stops working at once. An unknown, malformed or expired
// token changes nothing and gets the same answer, as the RFC says.
func (s *Server) RevokeToken(ctx context.Context, req api.RevokeTokenRequestObject) (api.RevokeTokenResponseObject, error) {
	var token string
	switch {
	case req.JSONBody != nil:
		token = req.JSONBody.Token
	case req.FormdataBody != nil:
		token = req.FormdataBody.Token
	}
	var err error
	if auth.WellFormed(token, auth.PrefixRefreshToken) {
		err = s.registry.RevokeRefresh(ctx, auth.HashSecret(token))
	} else if claims, verr := s.tokens.Verify(token); verr == nil && claims.SignIn != "" {
		err = s.registry.EndSignIn(ctx, claims.SignIn)
	}
	if err != nil {
		return nil, err
	}
	return api.RevokeToken200Response{}, nil
}

// ClaimMember turns a claim token into the member's login.
func (s *Server) ClaimMember(ctx context.Context, req api.ClaimMemberRequestObject) (api.ClaimMemberResponseObject, error) {
	if err := s.limiter.allow(ctx, "ip:"+requestInfoFrom(ctx).ip); err != nil {
		return nil, err
	}
	b := req.Body
	u, err := s.links.Claim(ctx, b.ClaimToken, string(b.Email), b.Password)
	if err != nil {
		return nil, err
	}
	return api.ClaimMember201JSONResponse(toUser(u)), nil
}

// checkPassword applies the password policy, as a field error at pointer.
func checkPassword(pw, pointer string, context ...string) error {
	return ledger.CheckPassword(pw, pointer, context...)
}

// GetJWKS publishes the keys that verify access tokens.
func (s *Server) GetJWKS(context.Context, api.GetJWKSRequestObject) (api.GetJWKSResponseObject, error) {
	set := s.keys.JWKS(s.now())
	out := api.JWKS{Keys: make([]api.JWK, 0, len(set.Keys))}
	for _, k := range set.Keys {
		out.Keys = append(out.Keys, api.JWK{Kty: api.OKP, Crv: api.Ed25519, X: k.X, Kid: k.Kid, Alg: api.EdDSA, Use: api.JWKUseSig})
	}
	return api.GetJWKS200JSONResponse(out), nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
