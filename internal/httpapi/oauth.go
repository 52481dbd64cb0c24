package httpapi

import (
	"context"
	"strings"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// The password grant is for Recert's own clients; third parties are told it is going
// (the versioning policy: at least six months before 1.0).
var passwordGrantDeprecation = deprecation{
	since:  time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC),
	sunset: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC),
}

// appClient authenticates a member-approved app at the token and introspection endpoints:
// it must exist and not be suspended, and a confidential app must send its secret.
func (s *Server) appClient(ctx context.Context, id, secret *string, needSecret bool) (recert.App, error) {
	bad := invalidClient("the client id or secret is wrong, or the app is suspended")
	if id == nil || !strings.HasPrefix(*id, recert.PrefixApp+"_") {
		return recert.App{}, bad
	}
	if err := s.limiter.allow(ctx, "account:"+*id); err != nil {
		return recert.App{}, err
	}
	a, hash, err := s.store.App(ctx, *id)
	if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
		return a, err
	}
	if err != nil || a.Suspended {
		return a, bad
	}
	if a.Confidential || needSecret {
		if secret == nil || hash == nil || !auth.WellFormed(*secret, auth.PrefixClientSecret) ||
			!auth.EqualHash(hash, auth.HashSecret(*secret)) {
			return a, bad
		}
	}
	return a, nil
}

// codeGrant redeems an authorization code a member's consent issued (RFC 6749 §4.1.3,
// RFC 7636 §4.5).
func (s *Server) codeGrant(ctx context.Context, r api.TokenRequest) (api.TokenResponse, error) {
	if r.Code == nil || r.RedirectURI == nil || r.ClientID == nil || r.CodeVerifier == nil {
		return api.TokenResponse{}, invalidRequest("the authorization_code grant needs code, redirect_uri, client_id and code_verifier")
	}
	app, err := s.appClient(ctx, r.ClientID, r.ClientSecret, false)
	if err != nil {
		return api.TokenResponse{}, err
	}
	plain, hash := auth.NewSecret(auth.PrefixRefreshToken)
	now := s.now()
	g, err := s.registry.RedeemCode(ctx, ledger.Redemption{Code: *r.Code, AppID: app.ID, RedirectURI: *r.RedirectURI, Verifier: *r.CodeVerifier},
		recert.RefreshToken{Hash: hash, IssuedAt: now, ExpiresAt: now.Add(s.refreshTTL)})
	if recert.ErrorCode(err) == recert.EUNAUTHORIZED {
		return api.TokenResponse{}, invalidGrant("the authorization code is invalid, expired or already used, or was issued for another client, redirect URI or code verifier")
	} else if err != nil {
		return api.TokenResponse{}, err
	}
	res, err := s.issueGrant(ctx, g)
	if err != nil || !contains(g.Scopes, recert.ScopeOfflineAccess) {
		return res, err
	}
	res.RefreshToken = &plain
	return res, nil
}

// issueGrant issues an access token of the grant's app acting as the member.
func (s *Server) issueGrant(ctx context.Context, g recert.Grant) (api.TokenResponse, error) {
	u, err := s.store.User(ctx, g.UserID)
	if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
		return api.TokenResponse{}, err
	}
	if err != nil || u.Disabled {
		return api.TokenResponse{}, invalidGrant("the member's account is disabled")
	}
	token, exp, err := s.tokens.Issue(auth.Claims{Subject: u.ID, Role: recert.RoleMember, Scopes: g.Scopes,
		MemberID: u.MemberID, Version: u.TokenVersion, SignIn: g.ID, App: g.AppID})
	if err != nil {
		return api.TokenResponse{}, err
	}
	return tokenResponse(token, exp, g.Scopes, s.now()), nil
}

// grantOfRefresh is the app grant a refresh token belongs to; ok is false for a person's
// own sign-in (or a token that is no refresh token of ours).
func (s *Server) grantOfRefresh(ctx context.Context, token string) (recert.Grant, bool, error) {
	if !auth.WellFormed(token, auth.PrefixRefreshToken) {
		return recert.Grant{}, false, nil
	}
	family, _, err := s.store.RefreshFamily(ctx, auth.HashSecret(token))
	if err != nil || family == "" {
		return recert.Grant{}, false, err
	}
	return s.store.Grant(ctx, family)
}

// IntrospectToken is RFC 7662 token introspection for member-approved apps.
func (s *Server) IntrospectToken(ctx context.Context, req api.IntrospectTokenRequestObject) (api.IntrospectTokenResponseObject, error) {
	var r api.IntrospectRequest
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
	app, err := s.appClient(ctx, r.ClientID, r.ClientSecret, true)
	if err != nil {
		return nil, err
	}
	out, err := s.introspect(ctx, app.ID, r.Token)
	if err != nil {
		return nil, err
	}
	return api.IntrospectToken200JSONResponse(out), nil
}

func (s *Server) introspect(ctx context.Context, appID, token string) (api.Introspection, error) {
	inactive := api.Introspection{Active: false}
	if auth.WellFormed(token, auth.PrefixRefreshToken) {
		family, live, err := s.store.RefreshFamily(ctx, auth.HashSecret(token))
		if err != nil || !live {
			return inactive, err
		}
		g, ok, err := s.store.Grant(ctx, family)
		if err != nil || !ok || g.Ended || g.AppID != appID {
			return inactive, err
		}
		return api.Introspection{Active: true, Scope: ptr(strings.Join(g.Scopes, " ")), ClientID: &g.AppID,
			Sub: &g.UserID, TokenType: ptr(api.IntrospectionTokenTypeRefreshToken)}, nil
	}
	claims, err := s.tokens.Verify(token)
	if err != nil || claims.App != appID || claims.SignIn == "" {
		return inactive, nil
	}
	u, live, err := s.store.SignedInUser(ctx, claims.Subject, claims.SignIn)
	if recert.ErrorCode(err) == recert.ENOTFOUND {
		return inactive, nil
	} else if err != nil {
		return inactive, err
	}
	// As in authentication, an app's token lives as long as its grant.
	if !live || u.Disabled {
		return inactive, nil
	}
	exp, iat := claims.ExpiresAt.Unix(), claims.IssuedAt.Unix()
	return api.Introspection{Active: true, Scope: ptr(strings.Join(claims.Scopes, " ")), ClientID: &claims.App,
		Sub: &claims.Subject, TokenType: ptr(api.IntrospectionTokenTypeAccessToken), Exp: &exp, Iat: &iat}, nil
}

// GetAuthorizationServerMetadata is RFC 8414 metadata for member-approved apps.
func (s *Server) GetAuthorizationServerMetadata(ctx context.Context, _ api.GetAuthorizationServerMetadataRequestObject) (api.GetAuthorizationServerMetadataResponseObject, error) {
	base := strings.TrimRight(s.publicURL, "/")
	scopes := make([]string, len(recert.GrantScopes))
	for i, sc := range recert.GrantScopes {
		scopes[i] = sc.Name
	}
	return api.GetAuthorizationServerMetadata200JSONResponse{
		Issuer:                            base,
		AuthorizationEndpoint:             base + "/app/oauth/authorize",
		TokenEndpoint:                     base + "/v1/auth/token",
		RevocationEndpoint:                base + "/v1/auth/revoke",
		IntrospectionEndpoint:             base + "/v1/auth/introspect",
		JwksURI:                           base + "/.well-known/jwks.json",
		ScopesSupported:                   scopes,
		ResponseTypesSupported:            []string{"code"},
		GrantTypesSupported:               []string{"authorization_code", "refresh_token"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		TokenEndpointAuthMethodsSupported: []string{"none", "client_secret_basic", "client_secret_post"},
	}, nil
}
