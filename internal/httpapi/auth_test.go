package httpapi_test

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/app"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/httpapi"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestRejectedTokens presents forged, stale and misdirected tokens: each is a 401 problem
// with a Bearer challenge, never a 500 and never access.
func TestRejectedTokens(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	key, err := auth.LoadOrCreateKeyFile(env.SigningKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	u := env.CreateUser(t, recert.User{Email: "active@example.org", Role: recert.RoleAdmin})
	deleted := env.CreateUser(t, recert.User{Email: "deleted@example.org", Role: recert.RoleAdmin})
	deletedToken := env.Login(t, "deleted@example.org")
	now := time.Now()
	claims := func(mut func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "http://localhost:8080", "aud": "recert-api", "sub": u.ID, "role": "admin",
			"scope": "users:read", "jti": "j1", "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix()}
		if mut != nil {
			mut(c)
		}
		return c
	}
	sign := func(c jwt.MapClaims, kid string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(privateKey(t, env.SigningKeyFile))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	hs256 := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	hs256.Header["kid"] = key.ID()
	hsToken, _ := hs256.SignedString([]byte(key.Public()))
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil))
	none.Header["kid"] = key.ID()
	noneToken, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	parts := strings.Split(sign(claims(nil), key.ID()), ".")
	tamperedPayload := strings.Split(sign(claims(func(c jwt.MapClaims) { c["sub"] = "usr_someoneelse" }), key.ID()), ".")[1]

	// The control: a well-formed token of ours works.
	if res, err := env.Client.ListUsersWithResponse(t.Context(), nil, apitest.Bearer(sign(claims(nil), key.ID()))); err != nil || res.StatusCode() != 200 {
		t.Fatalf("a valid token was refused: %v %d %s", err, res.StatusCode(), res.Body)
	}

	tests := []struct{ name, token string }{
		{"alg none", noneToken},
		{"HS256 signed with the public key", hsToken},
		{"expired", sign(claims(func(c jwt.MapClaims) {
			c["exp"] = now.Add(-time.Hour).Unix()
			c["iat"] = now.Add(-2 * time.Hour).Unix()
		}), key.ID())},
		{"not yet valid", sign(claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() }), key.ID())},
		{"wrong issuer", sign(claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }), key.ID())},
		{"wrong audience", sign(claims(func(c jwt.MapClaims) { c["aud"] = "another-api" }), key.ID())},
		{"unknown kid", sign(claims(nil), "unknown-kid")},
		{"tampered payload", parts[0] + "." + tamperedPayload + "." + parts[2]},
		{"garbage", "not-a-jwt"},
		{"token of a deleted user", deletedToken},
	}
	if _, err := env.Store.UpdateUser(context.Background(), deleted.ID, recert.UserChange{Disabled: ptr(true)}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := env.Client.ListUsersWithResponse(t.Context(), nil, apitest.Bearer(tt.token))
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode() != http.StatusUnauthorized || res.ApplicationProblemJSON401 == nil {
				t.Fatalf("status %d, want a 401 problem: %s", res.StatusCode(), res.Body)
			}
			if h := res.HTTPResponse.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, `Bearer realm="recert", error="invalid_token"`) {
				t.Errorf("WWW-Authenticate = %q", h)
			}
		})
	}
	t.Run("no token", func(t *testing.T) {
		res, _ := env.Client.ListUsersWithResponse(t.Context(), nil)
		if res.StatusCode() != 401 || res.HTTPResponse.Header.Get("WWW-Authenticate") != `Bearer realm="recert"` {
			t.Errorf("status %d, WWW-Authenticate %q", res.StatusCode(), res.HTTPResponse.Header.Get("WWW-Authenticate"))
		}
	})
}

func privateKey(t *testing.T, path string) ed25519.PrivateKey {
	t.Helper()
	raw, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := jwt.ParseEdPrivateKeyFromPEM(raw)
	if err != nil {
		t.Fatal(err)
	}
	return k.(ed25519.PrivateKey)
}

func TestRefreshRotationAndReuse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		env.CreateUser(t, recert.User{Email: "org@example.org", Role: recert.RoleOrganizer})
		ctx := t.Context()
		first, err := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "password",
			Username: ptr("org@example.org"), Password: ptr(apitest.Password)})
		if err != nil || first.JSON200 == nil || first.JSON200.RefreshToken == nil {
			t.Fatalf("sign in: %v %s", err, first.Body)
		}
		if cc := first.HTTPResponse.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		refresh := func(token string) *api.CreateTokenResponse {
			res, err := env.Client.CreateTokenWithResponse(ctx, api.TokenRequest{GrantType: "refresh_token", RefreshToken: &token})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		r1 := *first.JSON200.RefreshToken
		second := refresh(r1)
		if second.JSON200 == nil || second.JSON200.RefreshToken == nil || *second.JSON200.RefreshToken == r1 {
			t.Fatalf("refresh did not rotate: %s", second.Body)
		}
		r2 := *second.JSON200.RefreshToken

		// r1 again: a replay. It fails, and it revokes r2 too.
		replay := refresh(r1)
		if replay.StatusCode() != 400 || replay.ApplicationProblemJSON400 == nil || value(replay.ApplicationProblemJSON400.Error) != api.InvalidGrant {
			t.Fatalf("reused refresh token: %d %s", replay.StatusCode(), replay.Body)
		}
		if res := refresh(r2); res.StatusCode() != 400 {
			t.Fatalf("the family survived a reuse: %d %s", res.StatusCode(), res.Body)
		}

		// Revocation ends a sign-in too.
		again, _ := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "password",
			Username: ptr("org@example.org"), Password: ptr(apitest.Password)})
		r3 := *again.JSON200.RefreshToken
		if res, err := env.Client.RevokeTokenWithFormdataBodyWithResponse(ctx, api.RevokeRequest{Token: r3}); err != nil || res.StatusCode() != 200 {
			t.Fatalf("revoke: %v", err)
		}
		if res := refresh(r3); res.StatusCode() != 400 {
			t.Fatalf("a revoked refresh token worked: %d", res.StatusCode())
		}
	})
}

func TestTokenEndpointErrors(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	env.CreateUser(t, recert.User{Email: "org@example.org", Role: recert.RoleOrganizer})
	tests := []struct {
		name   string
		req    api.TokenRequest
		status int
		code   api.ProblemError
	}{
		{"wrong password", api.TokenRequest{GrantType: "password", Username: ptr("org@example.org"), Password: ptr("wrong password here")}, 400, api.InvalidGrant},
		{"unknown account", api.TokenRequest{GrantType: "password", Username: ptr("nobody@example.org"), Password: ptr(apitest.Password)}, 400, api.InvalidGrant},
		{"missing password", api.TokenRequest{GrantType: "password", Username: ptr("org@example.org")}, 400, api.InvalidRequest},
		{"scope not held", api.TokenRequest{GrantType: "password", Username: ptr("org@example.org"), Password: ptr(apitest.Password), Scope: ptr("users:write")}, 400, api.InvalidScope},
		{"unknown client", api.TokenRequest{GrantType: "client_credentials", ClientID: ptr("cli_nope"), ClientSecret: ptr("rcs_x")}, 401, api.InvalidClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var p *api.Problem
			switch res.StatusCode() {
			case 400:
				p = res.ApplicationProblemJSON400
			case 401:
				p = res.ApplicationProblemJSON401
			}
			if res.StatusCode() != tt.status || p == nil || value(p.Error) != tt.code {
				t.Errorf("= %d %s, want %d %s", res.StatusCode(), res.Body, tt.status, tt.code)
			}
		})
	}
	t.Run("narrowed scope", func(t *testing.T) {
		res, _ := env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{GrantType: "password",
			Username: ptr("org@example.org"), Password: ptr(apitest.Password), Scope: ptr("members:read")})
		if res.JSON200 == nil || res.JSON200.Scope != "members:read" {
			t.Fatalf("narrowed token: %s", res.Body)
		}
		orgs, _ := env.Client.ListOrganizationsWithResponse(t.Context(), nil, apitest.Bearer(res.JSON200.AccessToken))
		if orgs.StatusCode() != 403 {
			t.Errorf("a token narrowed to members:read listed organizations: %d", orgs.StatusCode())
		}
	})
}

func TestSignInIsRateLimited(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite),
		app.WithRateLimits(httpapi.RateLimit{PerMinute: 600, Burst: 100}, httpapi.RateLimit{PerMinute: 1, Burst: 3}))
	env.CreateUser(t, recert.User{Email: "org@example.org", Role: recert.RoleOrganizer})
	var last *api.CreateTokenResponse
	for range 4 {
		last, _ = env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{GrantType: "password",
			Username: ptr("org@example.org"), Password: ptr("a wrong guess, again")})
	}
	if last.StatusCode() != http.StatusTooManyRequests || last.HTTPResponse.Header.Get("Retry-After") != "60" {
		t.Fatalf("4th attempt: %d Retry-After %q", last.StatusCode(), last.HTTPResponse.Header.Get("Retry-After"))
	}
	// A forged X-Forwarded-For does not buy a fresh budget: the peer address is what counts,
	// and the account's own budget is spent anyway.
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/v1/auth/token",
		strings.NewReader("grant_type=password&username=org%40example.org&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	res, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("with X-Forwarded-For: %d, want 429", res.StatusCode)
	}
}

// TestClaimFlowAndSecretsStayOutOfLogs claims a member record end to end and checks that
// no password, token or secret shown along the way ever reaches the logs.
func TestClaimFlowAndSecretsStayOutOfLogs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := t.Context()
		m := w.unclaimedMemberOfA(t)
		claim, err := env.Client.CreateClaimTokenWithResponse(ctx, m.ID, api.ClaimInvitationInput{}, w.as("organizer A"))
		if err != nil || claim.JSON202 == nil || string(claim.JSON202.Email) != m.Email || strings.Contains(string(claim.Body), "rcc_") {
			t.Fatalf("claim invitation: %v %s", err, claim.Body)
		}
		claimToken := apitest.Link(t, env.Outbox(t, m.Email, 1)[0], "/app/claim?token=")
		secrets := []string{apitest.Password, claimToken}
		for _, tok := range w.tokens {
			if tok != "" {
				secrets = append(secrets, tok)
			}
		}

		weak, _ := env.Client.ClaimMemberWithResponse(ctx, api.ClaimRequest{ClaimToken: claimToken,
			Email: openapi_types.Email(m.Email), Password: "password123"})
		if weak.StatusCode() != 422 || weak.ApplicationProblemJSON422 == nil || len(weak.ApplicationProblemJSON422.Errors) != 1 ||
			weak.ApplicationProblemJSON422.Errors[0].Pointer != "#/password" {
			t.Fatalf("weak password: %d %s", weak.StatusCode(), weak.Body)
		}
		other, _ := env.Client.ClaimMemberWithResponse(ctx, api.ClaimRequest{ClaimToken: claimToken,
			Email: openapi_types.Email("someone.else@example.org"), Password: apitest.Password})
		if other.StatusCode() != 422 || other.ApplicationProblemJSON422 == nil || other.ApplicationProblemJSON422.Errors[0].Pointer != "#/email" {
			t.Fatalf("a claim with another address: %d %s", other.StatusCode(), other.Body)
		}
		good, _ := env.Client.ClaimMemberWithResponse(ctx, api.ClaimRequest{ClaimToken: claimToken,
			Email: openapi_types.Email(m.Email), Password: apitest.Password})
		if good.JSON201 == nil || value(good.JSON201.MemberID) != m.ID || good.JSON201.Role != "member" {
			t.Fatalf("claim: %d %s", good.StatusCode(), good.Body)
		}
		reuse, _ := env.Client.ClaimMemberWithResponse(ctx, api.ClaimRequest{ClaimToken: claimToken,
			Email: openapi_types.Email(m.Email), Password: apitest.Password})
		if reuse.StatusCode() != 422 {
			t.Errorf("a claim token worked twice: %d", reuse.StatusCode())
		}
		token := env.Login(t, m.Email)
		me, _ := env.Client.GetMeWithResponse(ctx, nil, apitest.Bearer(token))
		if me.JSON200 == nil || me.JSON200.Member == nil || me.JSON200.Member.ID != m.ID || !me.JSON200.Member.Claimed {
			t.Fatalf("me after claiming: %s", me.Body)
		}
		secrets = append(secrets, token)

		created, _ := env.Client.CreateClientWithResponse(ctx, api.APIClientCreate{Name: "Kiosk", Scopes: []api.APIClientScope{"members:read"}}, w.as("organizer A"))
		if created.JSON201 == nil || !strings.HasPrefix(created.JSON201.ClientSecret, auth.PrefixClientSecret) {
			t.Fatalf("create client: %s", created.Body)
		}
		rotated, _ := env.Client.RotateClientSecretWithResponse(ctx, created.JSON201.ID, w.as("organizer A"))
		if rotated.JSON200 == nil || rotated.JSON200.ClientSecret == created.JSON201.ClientSecret {
			t.Fatalf("rotate: %s", rotated.Body)
		}
		old, _ := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "client_credentials",
			ClientID: &created.JSON201.ID, ClientSecret: &created.JSON201.ClientSecret})
		if old.StatusCode() != 401 {
			t.Errorf("the old secret still works after rotation: %d", old.StatusCode())
		}
		appToken := env.ClientToken(t, created.JSON201.ID, rotated.JSON200.ClientSecret)
		got, _ := env.Client.GetClientWithResponse(ctx, created.JSON201.ID, nil, w.as("organizer A"))
		if got.JSON200 == nil || strings.Contains(string(got.Body), "rcs_") {
			t.Errorf("reading a client shows a secret: %s", got.Body)
		}
		secrets = append(secrets, created.JSON201.ClientSecret, rotated.JSON200.ClientSecret, appToken)

		logs := env.Logs()
		if !strings.Contains(logs, `"status":201`) {
			t.Fatalf("the logs are not captured: %.300s", logs)
		}
		for _, s := range secrets {
			if strings.Contains(logs, s) {
				t.Errorf("a secret (%.8s…) appears in the logs", s)
			}
		}
	})
}

func TestIfMatchPreventsLostUpdates(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	w := newWorld(t, env)
	ctx := t.Context()
	got, _ := env.Client.GetMemberWithResponse(ctx, w.member.ID, nil, w.as("member"))
	tag := got.HTTPResponse.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	first, _ := env.Client.UpdateMemberWithResponse(ctx, w.member.ID, &api.UpdateMemberParams{IfMatch: &tag},
		api.MemberUpdate{Licenses: []api.License{{State: "WI", Number: "123-40"}}}, w.as("member"))
	if first.JSON200 == nil || len(first.JSON200.Licenses) != 1 || first.JSON200.UpdatedBy == first.JSON200.CreatedBy {
		t.Fatalf("first update: %d %s", first.StatusCode(), first.Body)
	}
	second, _ := env.Client.UpdateMemberWithResponse(ctx, w.member.ID, &api.UpdateMemberParams{IfMatch: &tag},
		api.MemberUpdate{Name: ptr("Stale Write")}, w.as("admin"))
	if second.StatusCode() != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: %d %s", second.StatusCode(), second.Body)
	}
	status, _ := env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{Status: ptr(api.Retired)}, w.as("member"))
	if status.StatusCode() != http.StatusForbidden {
		t.Errorf("a member changed their own status: %d", status.StatusCode())
	}
}

func value[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
