package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestSignOutEndsEarlierTokens: a new password, an administrator's sign-out everywhere and
// disabling the account each end the access and refresh tokens issued before them, while a
// new sign-in (where the account still may) works. Revoking the refresh token or the access
// token of a sign-in, or replaying a spent refresh token, ends that sign-in's access token at
// once and leaves the account's other sign-ins working. Each holds too for a member's progress,
// whose read confirms a caller the service remembers from the token's earlier requests.
func TestSignOutEndsEarlierTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		member, err := st.CreateMember(t.Context(), recert.Member{Name: "Pat Perfusionist"}, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		boss := env.CreateUser(t, recert.User{Email: apitest.Email(t, "boss"), Role: recert.RoleAdmin})
		bossToken := env.Login(t, boss.Email)
		cases := []struct {
			name     string
			act      func(t *testing.T, id string, first api.TokenResponse) int
			password string // the password a new sign-in uses; "" when it must fail
			one      bool   // only this sign-in ends: another one of the account's keeps working
		}{
			{"password change", func(t *testing.T, id string, _ api.TokenResponse) int {
				res, err := env.Client.UpdateUserWithResponse(t.Context(), id,
					api.UserUpdate{Password: ptr("a brand new passphrase 42")}, apitest.Bearer(bossToken))
				if err != nil {
					t.Fatal(err)
				}
				return res.StatusCode()
			}, "a brand new passphrase 42", false},
			{"sign out everywhere", func(t *testing.T, id string, _ api.TokenResponse) int {
				res, err := env.Client.SignOutUserWithResponse(t.Context(), id, apitest.Bearer(bossToken))
				if err != nil {
					t.Fatal(err)
				}
				return res.StatusCode()
			}, apitest.Password, false},
			{"disabled", func(t *testing.T, id string, _ api.TokenResponse) int {
				res, err := env.Client.UpdateUserWithResponse(t.Context(), id,
					api.UserUpdate{Disabled: ptr(true)}, apitest.Bearer(bossToken))
				if err != nil {
					t.Fatal(err)
				}
				return res.StatusCode()
			}, "", false},
			{"refresh token revoked", func(t *testing.T, _ string, first api.TokenResponse) int {
				return revoke(t, env, *first.RefreshToken)
			}, apitest.Password, true},
			{"access token revoked", func(t *testing.T, _ string, first api.TokenResponse) int {
				return revoke(t, env, first.AccessToken)
			}, apitest.Password, true},
			{"spent refresh token replayed", func(t *testing.T, _ string, first api.TokenResponse) int {
				rt := *first.RefreshToken
				for range 2 { // the second exchange is the replay
					if _, err := env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{GrantType: "refresh_token", RefreshToken: &rt}); err != nil {
						t.Fatal(err)
					}
				}
				return http.StatusOK
			}, apitest.Password, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				u := env.CreateUser(t, recert.User{Email: apitest.Email(t, "target"), Role: recert.RoleAdmin})
				signIn := func(password string) *api.CreateTokenResponse {
					res, err := env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{
						GrantType: "password", Username: &u.Email, Password: &password})
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				first := signIn(apitest.Password)
				if first.JSON200 == nil {
					t.Fatalf("sign in: %s", first.Body)
				}
				// status is what the token gets for a list of organizations and, asked twice (the
				// second time from a remembered caller), for a member's progress: the same.
				status := func(token string) int {
					t.Helper()
					res, err := env.Client.ListOrganizationsWithResponse(t.Context(), nil, apitest.Bearer(token))
					if err != nil {
						t.Fatal(err)
					}
					for range 2 {
						progress, err := env.Client.GetMemberProgressWithResponse(t.Context(), member.ID, nil, apitest.Bearer(token))
						if err != nil {
							t.Fatal(err)
						}
						if progress.StatusCode() != res.StatusCode() {
							t.Errorf("progress answered %d where organizations answered %d: %s", progress.StatusCode(), res.StatusCode(), progress.Body)
						}
					}
					return res.StatusCode()
				}
				if got := status(first.JSON200.AccessToken); got != http.StatusOK {
					t.Fatalf("before: %d", got)
				}
				other := signIn(apitest.Password)
				if got := c.act(t, u.ID, *first.JSON200); got >= 300 {
					t.Fatalf("action answered %d", got)
				}
				if got := status(first.JSON200.AccessToken); got != http.StatusUnauthorized {
					t.Errorf("earlier access token answered %d, want 401", got)
				}
				if got, want := status(other.JSON200.AccessToken), map[bool]int{true: http.StatusOK, false: http.StatusUnauthorized}[c.one]; got != want {
					t.Errorf("the account's other sign-in answered %d, want %d", got, want)
				}
				rt := *first.JSON200.RefreshToken
				res, err := env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{GrantType: "refresh_token", RefreshToken: &rt})
				if err != nil || res.StatusCode() != http.StatusBadRequest {
					t.Errorf("earlier refresh token: %v %d", err, res.StatusCode())
				}
				if c.password == "" {
					return
				}
				again := signIn(c.password)
				if again.JSON200 == nil || status(again.JSON200.AccessToken) != http.StatusOK {
					t.Errorf("a new sign-in does not work: %s", again.Body)
				}
			})
		}
	})
}

// TestClaimTokenIsCheckedFirst: a claim with a bad token and a weak password is refused for
// the token, which shows the token is checked before the password is looked at or hashed.
func TestClaimTokenIsCheckedFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		unknown, _ := auth.NewSecret(auth.PrefixClaimToken)
		for name, token := range map[string]string{"malformed": "rcc_short", "unknown": unknown, "other kind": "rct_" + unknown[4:]} {
			t.Run(name, func(t *testing.T) {
				res, err := env.Client.ClaimMemberWithResponse(t.Context(), api.ClaimRequest{ClaimToken: token,
					Email: "claimer@example.org", Password: "password123"})
				if err != nil {
					t.Fatal(err)
				}
				p := res.ApplicationProblemJSON422
				if p == nil || len(p.Errors) != 1 || p.Errors[0].Pointer != "#/claim_token" {
					t.Fatalf("%d %s; want 422 at #/claim_token", res.StatusCode(), res.Body)
				}
			})
		}
	})
}

// revoke posts a token to the revocation endpoint and returns its status.
func revoke(t *testing.T, env *apitest.Env, token string) int {
	t.Helper()
	res, err := env.Client.RevokeTokenWithFormdataBodyWithResponse(t.Context(), api.RevokeTokenFormdataRequestBody{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode()
}
