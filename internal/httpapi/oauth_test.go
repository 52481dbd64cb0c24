package httpapi_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// browser is a member's browser on the pages: cookies kept, redirects not followed.
type browser struct {
	t     *testing.T
	c     *http.Client
	base  string
	names map[string]string // app names by id, which the consent page must show
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, names: map[string]string{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func csrfIn(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}

// pkce is a verifier and its S256 challenge.
func pkce(seed string) (verifier, challenge string) {
	verifier = strings.Repeat(seed, 50)[:64]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

const appRedirect = "https://tracker.example.org/callback"

func authorizeQuery(appID, challenge, method, scope string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {appID}, "redirect_uri": {appRedirect},
		"scope": {scope}, "state": {"xyz"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
	}
	if method != "" {
		q.Set("code_challenge_method", method)
	}
	return "/app/oauth/authorize?" + q.Encode()
}

// consent signs pat in through the authorize link (once per browser), answers the consent
// page with decision and returns the query the app receives.
func (b *browser) consent(appID, challenge, scope, decision string) url.Values {
	b.t.Helper()
	t := b.t
	link := authorizeQuery(appID, challenge, "S256", scope)
	res, page := b.do("GET", link, nil)
	if res.StatusCode == http.StatusSeeOther {
		next := res.Header.Get("Location")
		if !strings.HasPrefix(next, "/app/sign-in?next=") {
			t.Fatalf("not signed in: sent to %q", next)
		}
		_, signIn := b.do("GET", next, nil)
		res, _ = b.do("POST", "/app/sign-in", url.Values{"csrf_token": {csrfIn(t, signIn)}, "email": {"pat@example.org"},
			"password": {apitest.Password}, "next": {link}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != link {
			t.Fatalf("sign-in answered %d to %q, want back to the authorize link", res.StatusCode, loc)
		}
		res, page = b.do("GET", link, nil)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("consent page: %d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{"Let " + b.names[appID] + " see your record?", "Dana Developer", recert.ScopeWords("progress:read")} {
		if !strings.Contains(page, want) {
			t.Errorf("the consent page does not say %q", want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://tracker.example.org") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("consent page CSP %q", csp)
	}
	form := url.Values{"csrf_token": {csrfIn(t, page)}, "response_type": {"code"}, "client_id": {appID}, "redirect_uri": {appRedirect},
		"scope": {scope}, "state": {"xyz"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}, "decision": {decision}}
	res, _ = b.do("POST", "/app/oauth/authorize", form)
	return redirectedQuery(t, res)
}

func redirectedQuery(t *testing.T, res *http.Response) url.Values {
	t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(loc, appRedirect+"?") {
		t.Fatalf("answered %d to %q, want a redirect to the app", res.StatusCode, loc)
	}
	u, _ := url.Parse(loc)
	return u.Query()
}

func codeToken(t *testing.T, env *apitest.Env, appID, secret, code, verifier string) *api.CreateTokenResponse {
	t.Helper()
	res, err := env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{GrantType: "authorization_code",
		Code: &code, RedirectURI: ptr(appRedirect), ClientID: &appID, ClientSecret: &secret, CodeVerifier: &verifier})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func problemError(res interface{ StatusCode() int }, body []byte) string {
	m := regexp.MustCompile(`"error":"([a-z_]+)"`).FindSubmatch(body)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// TestAppAuthorizationCode is the contract of member-approved apps: S256 only, consent or
// nothing, single-use codes bound to the verifier, tokens that read only the member's own
// data with the scopes granted, rotation with replay detection, revocation, introspection,
// suspension and the metadata.
func TestAppAuthorizationCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := t.Context()
		dev := env.CreateUser(t, recert.User{Email: apitest.Email(t, "dev"), Name: "Dana Developer", Role: recert.RoleMember})
		secretPlain, secretHash := auth.NewSecret(auth.PrefixClientSecret)
		app, err := st.CreateApp(ctx, recert.App{Name: "CE Tracker", OwnerID: dev.ID, RedirectURIs: []string{appRedirect}, Confidential: true}, secretHash)
		if err != nil {
			t.Fatal(err)
		}
		otherPlain, otherHash := auth.NewSecret(auth.PrefixClientSecret)
		other, err := st.CreateApp(ctx, recert.App{Name: "Other", OwnerID: dev.ID, RedirectURIs: []string{appRedirect}, Confidential: true}, otherHash)
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, env.URL)
		b.names[app.ID], b.names[other.ID] = app.Name, other.Name
		verifier, challenge := pkce("a1b2c3")
		const scope = "progress:read offline_access"

		t.Run("a bad app or redirect URI is told on the page, never redirected", func(t *testing.T) {
			for _, link := range []string{
				authorizeQuery("app_aaaaaaaaaaaaaaaaaaaaaaaa", challenge, "S256", scope),
				strings.Replace(authorizeQuery(app.ID, challenge, "S256", scope), "callback", "callback2", 1),
			} {
				res, _ := b.do("GET", link, nil)
				if res.StatusCode != http.StatusBadRequest || res.Header.Get("Location") != "" {
					t.Errorf("%s: %d to %q", link, res.StatusCode, res.Header.Get("Location"))
				}
			}
		})
		t.Run("PKCE S256 is required", func(t *testing.T) {
			for _, link := range []string{authorizeQuery(app.ID, "", "", scope), authorizeQuery(app.ID, verifier, "plain", scope),
				authorizeQuery(app.ID, challenge, "", scope)} {
				res, _ := b.do("GET", link, nil)
				q := redirectedQuery(t, res)
				if q.Get("error") != "invalid_request" || q.Get("state") != "xyz" || q.Get("code") != "" {
					t.Errorf("%s: %v", link, q)
				}
			}
		})
		t.Run("deny issues nothing", func(t *testing.T) {
			q := b.consent(app.ID, challenge, scope, "deny")
			if q.Get("error") != "access_denied" || q.Get("code") != "" || q.Get("state") != "xyz" {
				t.Errorf("deny: %v", q)
			}
			if gs, _ := st.Grants(ctx, w.memberUser(t).ID); len(gs) != 0 {
				t.Errorf("grants after deny: %+v", gs)
			}
		})
		t.Run("a wrong verifier is refused and spends the code", func(t *testing.T) {
			code := b.consent(app.ID, challenge, scope, "approve").Get("code")
			wrong, _ := pkce("zzzzzz")
			for _, v := range []string{wrong, verifier} {
				res := codeToken(t, env, app.ID, secretPlain, code, v)
				if res.StatusCode() != 400 || problemError(res, res.Body) != "invalid_grant" {
					t.Errorf("verifier %s: %d %s", v[:6], res.StatusCode(), res.Body)
				}
			}
		})

		code := b.consent(app.ID, challenge, scope, "approve").Get("code")
		res := codeToken(t, env, app.ID, secretPlain, code, verifier)
		if res.JSON200 == nil || res.JSON200.RefreshToken == nil {
			t.Fatalf("token: %d %s", res.StatusCode(), res.Body)
		}
		tok := *res.JSON200
		t.Run("a code works once; presented again, it ends its grant", func(t *testing.T) {
			v, ch := pkce("c0d3r3")
			code := b.consent(app.ID, ch, scope, "approve").Get("code")
			first := codeToken(t, env, app.ID, secretPlain, code, v)
			if first.JSON200 == nil {
				t.Fatalf("token: %d %s", first.StatusCode(), first.Body)
			}
			checkAppToken(t, w, first.JSON200.AccessToken, 200)
			res := codeToken(t, env, app.ID, secretPlain, code, v)
			if res.StatusCode() != 400 || problemError(res, res.Body) != "invalid_grant" {
				t.Errorf("reuse: %d %s", res.StatusCode(), res.Body)
			}
			checkAppToken(t, w, first.JSON200.AccessToken, 401)
			if r := refreshApp(t, env, app.ID, secretPlain, *first.JSON200.RefreshToken); r.StatusCode() != 400 {
				t.Errorf("refresh after the code's reuse: %d", r.StatusCode())
			}
		})
		t.Run("the token reads only the member's data, with the scopes granted", func(t *testing.T) {
			checkAppToken(t, w, tok.AccessToken, 200)
			other, _ := env.Client.GetMemberProgressWithResponse(ctx, w.otherMember.ID, nil, apitest.Bearer(tok.AccessToken))
			if other.StatusCode() != 404 {
				t.Errorf("another member's progress: %d", other.StatusCode())
			}
			member, _ := env.Client.GetMemberWithResponse(ctx, w.member.ID, nil, apitest.Bearer(tok.AccessToken))
			me, _ := env.Client.GetMeWithResponse(ctx, nil, apitest.Bearer(tok.AccessToken))
			if member.StatusCode() != 403 || me.StatusCode() != 403 {
				t.Errorf("ungranted scope: %d, no scope: %d", member.StatusCode(), me.StatusCode())
			}
		})
		t.Run("introspection", func(t *testing.T) {
			if got := introspect(t, env, app.ID, "rcs_wrong", tok.AccessToken); got != nil {
				t.Errorf("wrong secret: %+v, want 401", got)
			}
			got := introspect(t, env, app.ID, secretPlain, tok.AccessToken)
			if got == nil || !got.Active || value(got.ClientID) != app.ID || value(got.Scope) != scope || value(got.Sub) != w.memberUser(t).ID {
				t.Errorf("active access token: %+v", got)
			}
			if got := introspect(t, env, app.ID, secretPlain, *tok.RefreshToken); got == nil || !got.Active {
				t.Errorf("active refresh token: %+v", got)
			}
			for _, c := range []struct{ id, secret, token string }{{other.ID, otherPlain, tok.AccessToken},
				{app.ID, secretPlain, "garbage"}, {app.ID, secretPlain, w.tokens["member"]}} {
				if got := introspect(t, env, c.id, c.secret, c.token); got == nil || got.Active || got.Scope != nil {
					t.Errorf("%s: %+v, want only active false", c.token[:6], got)
				}
			}
		})
		t.Run("a refresh token replayed after rotation ends the grant", func(t *testing.T) {
			next := refreshApp(t, env, app.ID, secretPlain, *tok.RefreshToken)
			if next.JSON200 == nil {
				t.Fatalf("refresh: %d %s", next.StatusCode(), next.Body)
			}
			checkAppToken(t, w, next.JSON200.AccessToken, 200)
			if again := refreshApp(t, env, app.ID, secretPlain, *tok.RefreshToken); problemError(again, again.Body) != "invalid_grant" {
				t.Errorf("replay: %d %s", again.StatusCode(), again.Body)
			}
			checkAppToken(t, w, next.JSON200.AccessToken, 401)
			if after := refreshApp(t, env, app.ID, secretPlain, *next.JSON200.RefreshToken); after.StatusCode() != 400 {
				t.Errorf("the rotated token after the replay: %d", after.StatusCode())
			}
			if got := introspect(t, env, app.ID, secretPlain, next.JSON200.AccessToken); got == nil || got.Active {
				t.Errorf("introspection after the grant ended: %+v", got)
			}
		})
		t.Run("revocation stops access and refresh; unknown tokens get 200", func(t *testing.T) {
			if s := revoke(t, env, "rct_unknown"); s != 200 {
				t.Errorf("unknown: %d", s)
			}
			tok := grantToken(t, b, env, app.ID, secretPlain)
			if s := revoke(t, env, tok.AccessToken); s != 200 {
				t.Fatalf("revoke: %d", s)
			}
			checkAppToken(t, w, tok.AccessToken, 401)
			if r := refreshApp(t, env, app.ID, secretPlain, *tok.RefreshToken); r.StatusCode() != 400 {
				t.Errorf("refresh after revocation: %d", r.StatusCode())
			}
		})
		t.Run("a suspended app's tokens stop at once", func(t *testing.T) {
			tok := grantToken(t, b, env, app.ID, secretPlain)
			suspend := func(on bool) {
				res, err := env.Client.SuspendAppWithResponse(ctx, app.ID, api.OAuthAppSuspension{Suspended: on}, apitest.Bearer(w.tokens["admin"]))
				if err != nil || res.StatusCode() != 200 || res.JSON200.Suspended != on {
					t.Fatalf("suspend %v: %v %d", on, err, res.StatusCode())
				}
			}
			suspend(true)
			checkAppToken(t, w, tok.AccessToken, 401)
			if r := refreshApp(t, env, app.ID, secretPlain, *tok.RefreshToken); r.StatusCode() != 401 {
				t.Errorf("refresh while suspended: %d", r.StatusCode())
			}
			suspend(false)
			checkAppToken(t, w, tok.AccessToken, 200)
		})
		t.Run("deleting an app ends its grants", func(t *testing.T) {
			tok := grantToken(t, b, env, other.ID, otherPlain)
			checkAppToken(t, w, tok.AccessToken, 200)
			res, err := env.Client.DeleteAppWithResponse(ctx, other.ID, apitest.Bearer(env.Login(t, dev.Email)))
			if err != nil || res.StatusCode() != 204 {
				t.Fatalf("delete: %v %d", err, res.StatusCode())
			}
			checkAppToken(t, w, tok.AccessToken, 401)
			if r := refreshApp(t, env, other.ID, otherPlain, *tok.RefreshToken); r.StatusCode() < 400 {
				t.Errorf("refresh after deletion: %d", r.StatusCode())
			}
		})
		t.Run("a new password ends the app's grant only if the member asks", func(t *testing.T) {
			tok := grantToken(t, b, env, app.ID, secretPlain)
			own := env.Login(t, "pat@example.org")
			setPassword := func(password string, endApps bool) {
				t.Helper()
				res, err := env.Client.UpdateUserWithResponse(ctx, w.memberUser(t).ID, api.UserUpdate{Password: &password,
					EndAppGrants: &endApps}, apitest.Bearer(w.tokens["admin"]))
				if err != nil || res.StatusCode() != 200 {
					t.Fatalf("password: %v %d %s", err, res.StatusCode(), res.Body)
				}
			}
			setPassword("a new and longer passphrase", false)
			checkAppToken(t, w, own, 401)
			checkAppToken(t, w, tok.AccessToken, 200)
			r := refreshApp(t, env, app.ID, secretPlain, *tok.RefreshToken)
			if r.JSON200 == nil {
				t.Fatalf("the app's refresh after a new password: %d %s", r.StatusCode(), r.Body)
			}
			checkAppToken(t, w, r.JSON200.AccessToken, 200)
			if a := introspect(t, env, app.ID, secretPlain, r.JSON200.AccessToken); a == nil || !a.Active {
				t.Errorf("introspection of the app's token after a new password: %+v", a)
			}
			setPassword(apitest.Password, true)
			checkAppToken(t, w, r.JSON200.AccessToken, 401)
			if r := refreshApp(t, env, app.ID, secretPlain, *r.JSON200.RefreshToken); r.StatusCode() < 400 {
				t.Errorf("the app's refresh after the member ended its grant: %d", r.StatusCode())
			}
			if gs, _ := st.Grants(ctx, w.memberUser(t).ID); len(gs) != 0 {
				t.Errorf("grants after a password change that ends them: %+v", gs)
			}
		})
		t.Run("disabling the member ends the grants", func(t *testing.T) {
			tok := grantToken(t, b, env, app.ID, secretPlain)
			res, err := env.Client.UpdateUserWithResponse(ctx, w.memberUser(t).ID, api.UserUpdate{Disabled: ptr(true)}, apitest.Bearer(w.tokens["admin"]))
			if err != nil || res.StatusCode() != 200 {
				t.Fatalf("disable: %v %d", err, res.StatusCode())
			}
			checkAppToken(t, w, tok.AccessToken, 401)
			if gs, _ := st.Grants(ctx, w.memberUser(t).ID); len(gs) != 0 {
				t.Errorf("grants of a disabled member: %+v", gs)
			}
		})
		t.Run("metadata", func(t *testing.T) {
			res, err := env.Client.GetAuthorizationServerMetadataWithResponse(ctx)
			if err != nil || res.JSON200 == nil {
				t.Fatal(err, res.StatusCode())
			}
			m := res.JSON200
			if !slices.Equal(m.CodeChallengeMethodsSupported, []string{"S256"}) || !slices.Equal(m.ResponseTypesSupported, []string{"code"}) ||
				!strings.HasSuffix(m.TokenEndpoint, "/v1/auth/token") || !strings.HasSuffix(m.AuthorizationEndpoint, "/app/oauth/authorize") ||
				!strings.HasSuffix(m.IntrospectionEndpoint, "/v1/auth/introspect") || !strings.HasSuffix(m.RevocationEndpoint, "/v1/auth/revoke") ||
				!slices.Contains(m.ScopesSupported, "offline_access") {
				t.Errorf("metadata: %+v", m)
			}
		})
		t.Run("the password grant is deprecated", func(t *testing.T) {
			res, err := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "password",
				Username: ptr("sam@example.org"), Password: ptr(apitest.Password)})
			if err != nil || res.StatusCode() != 200 || !strings.HasPrefix(res.HTTPResponse.Header.Get("Deprecation"), "@") ||
				res.HTTPResponse.Header.Get("Sunset") == "" {
				t.Errorf("password grant: %v %d %v", err, res.StatusCode(), res.HTTPResponse.Header)
			}
		})
	})
}

func (w *world) memberUser(t *testing.T) recert.User {
	t.Helper()
	u, _, err := w.env.Store.UserByEmail(t.Context(), "pat@example.org")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// grantToken approves the app again and redeems the code.
func grantToken(t *testing.T, b *browser, env *apitest.Env, appID, secret string) api.TokenResponse {
	t.Helper()
	verifier, challenge := pkce("q9w8e7")
	code := b.consent(appID, challenge, "progress:read offline_access", "approve").Get("code")
	res := codeToken(t, env, appID, secret, code, verifier)
	if res.JSON200 == nil {
		t.Fatalf("token: %d %s", res.StatusCode(), res.Body)
	}
	return *res.JSON200
}

func checkAppToken(t *testing.T, w *world, token string, want int) {
	t.Helper()
	res, err := w.env.Client.GetMemberProgressWithResponse(t.Context(), w.member.ID, nil, apitest.Bearer(token))
	if err != nil || res.StatusCode() != want {
		t.Errorf("the member's progress with the app's token: %v %d, want %d", err, res.StatusCode(), want)
	}
}

func refreshApp(t *testing.T, env *apitest.Env, appID, secret, rt string) *api.CreateTokenResponse {
	t.Helper()
	res, err := env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{GrantType: "refresh_token",
		RefreshToken: &rt, ClientID: &appID, ClientSecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// introspect returns the answer, or nil for a 401.
func introspect(t *testing.T, env *apitest.Env, appID, secret, token string) *api.Introspection {
	t.Helper()
	res, err := env.Client.IntrospectTokenWithFormdataBodyWithResponse(t.Context(), api.IntrospectRequest{Token: token,
		ClientID: &appID, ClientSecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() == 401 {
		return nil
	}
	if res.JSON200 == nil {
		t.Fatalf("introspect: %d %s", res.StatusCode(), res.Body)
	}
	return res.JSON200
}
