package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// Cookie names. The session cookie holds a signed token for the pages' audience only,
// carrying its sign-in's id; the pre-session cookie holds the random value the forms of a
// visitor not signed in (the sign-in form) repeat.
const (
	sessionCookie = "recert_session"
	csrfCookie    = "recert_csrf"
	csrfField     = "csrf_token"
	userKey       = "web.user"
	csrfKey       = "web.csrf"
)

// csrf refuses any unsafe request that did not come from these pages: one sent by another
// site (its Origin, or else its Sec-Fetch-Site, says so), and one whose form does not repeat
// the CSRF token. Signed in, the token is derived from the session's sign-in (so a cookie
// planted by someone else cannot stand in for it); before, from a pre-session cookie.
func (p *Pages) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := p.sessionCSRF(c)
		if token == "" {
			token = p.preSessionCSRF(c)
		}
		c.Set(csrfKey, token)
		if safeMethod(c.Request().Method) {
			return next(c)
		}
		sent := c.FormValue(csrfField)
		if !p.sameOrigin(c.Request()) || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			return p.problem(c, http.StatusForbidden, "The form expired or did not come from this site. Go back, reload the page and try again.")
		}
		return next(c)
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sessionCSRF is the CSRF token of the request's session: a MAC of its sign-in's id, the
// same for the whole sign-in; "" without a session whose signature verifies.
func (p *Pages) sessionCSRF(c echo.Context) string {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	claims, err := p.sessions.Verify(ck.Value)
	if err != nil || claims.SignIn == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(p.keys.Current().MAC("page csrf", []byte(claims.SignIn)))
}

// preSessionCSRF is the random value of the visitor's pre-session cookie, set when missing.
func (p *Pages) preSessionCSRF(c echo.Context) string {
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) == 43 {
		return ck.Value
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	c.SetCookie(p.cookie(csrfCookie, token, 0))
	return token
}

// sameOrigin reports whether an unsafe request came from these pages: its Origin is this
// service's, or, without one (or with "null", which browsers send under the pages'
// no-referrer policy), its Sec-Fetch-Site is same-origin or none (typed by the person). A
// request with neither (not from a browser) is left to the CSRF token. Served over https, an
// http origin is another site's, whatever its host.
func (p *Pages) sameOrigin(r *http.Request) bool {
	if origin := r.Header.Get("Origin"); origin != "" && origin != "null" {
		u, err := url.Parse(origin)
		scheme := "http"
		if p.secure {
			scheme = "https"
		}
		return err == nil && u.Scheme == scheme && (u.Host == r.Host || u.Host == p.publicHost)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

func csrfToken(c echo.Context) string {
	s, _ := c.Get(csrfKey).(string)
	return s
}

// cookie is one of the pages' cookies: HttpOnly, SameSite=Lax, Secure over https, for /app.
func (p *Pages) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/app", MaxAge: maxAge, HttpOnly: true,
		Secure: p.secure, SameSite: http.SameSiteLaxMode}
}

// user loads the signed-in user from the session cookie, once per request. A session ends
// when its token expires, the account is disabled, or the user signs out everywhere.
func (p *Pages) user(c echo.Context) (recert.User, bool) {
	if u, ok := c.Get(userKey).(recert.User); ok {
		return u, true
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return recert.User{}, false
	}
	claims, err := p.sessions.Verify(ck.Value)
	if err != nil || claims.SignIn == "" {
		return recert.User{}, false
	}
	u, live, err := p.store.SignedInUser(ctxOf(c), claims.Subject, claims.SignIn)
	if err != nil || !live || u.Disabled || u.TokenVersion != claims.Version {
		return recert.User{}, false
	}
	c.Set(userKey, u)
	if p.now().Sub(claims.IssuedAt) > p.ttl/2 {
		if err := p.continueSession(c, u, claims.SignIn); err != nil {
			p.log.WarnContext(ctxOf(c), "renew session", "err", err)
		}
	}
	return u, true
}

// Caller is the subject of the request's session cookie when its signature verifies, ""
// otherwise; it reads no database (user does the full check).
func (p *Pages) Caller(r *http.Request) string {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	claims, err := p.sessions.Verify(ck.Value)
	if err != nil {
		return ""
	}
	return claims.Subject
}

// startSession records a sign-in of u and sets its session cookie.
func (p *Pages) startSession(c echo.Context, u recert.User) error {
	sid, err := p.registry.StartSignIn(ctxOf(c), u.ID)
	if err != nil {
		return err
	}
	return p.continueSession(c, u, sid)
}

// continueSession sets the session cookie: a signed token for the pages' audience, carrying
// its sign-in's id and the user's token version, so that signing out, here or everywhere,
// ends it.
func (p *Pages) continueSession(c echo.Context, u recert.User, sid string) error {
	token, _, err := p.sessions.Issue(auth.Claims{Subject: u.ID, Role: u.Role, Scopes: []string{"app"},
		OrganizationIDs: u.OrganizationIDs, MemberID: u.MemberID, Version: u.TokenVersion, SignIn: sid})
	if err != nil {
		return err
	}
	c.SetCookie(p.cookie(sessionCookie, token, int(p.ttl.Seconds())))
	return nil
}

// requireRole lets signed-in users of the roles through and sends others to sign in.
func (p *Pages) requireRole(roles ...recert.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := p.user(c)
			if !ok {
				return c.Redirect(http.StatusSeeOther, "/app/sign-in")
			}
			if !slices.Contains(roles, u.Role) {
				return p.fail(c, recert.Errorf(recert.ENOTFOUND, "not this role's page"))
			}
			return next(c)
		}
	}
}

func (p *Pages) signInPage(c echo.Context) error {
	if u, ok := p.user(c); ok {
		return c.Redirect(http.StatusSeeOther, homeOf(u))
	}
	return p.render(c, http.StatusOK, "sign-in", "Sign in", signInForm{Next: afterSignIn(c.QueryParam("next"))})
}

type signInForm struct{ Email, Next string }

// afterSignIn is where a sign-in may continue: only an app's authorization request, so that
// no link can send people elsewhere after they sign in.
func afterSignIn(next string) string {
	if strings.HasPrefix(next, "/app/oauth/authorize?") {
		return next
	}
	return ""
}

// signIn checks the password as the token endpoint's password grant does, under the same
// limits (their counts are shared), and starts a session.
func (p *Pages) signIn(c echo.Context) error {
	email, password := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	again := func(status int, msg string) error {
		c.Set(errorKey, msg)
		return p.render(c, status, "sign-in", "Sign in", signInForm{Email: email, Next: afterSignIn(c.FormValue("next"))})
	}
	ctx := ctxOf(c)
	for _, key := range []string{"ip:" + c.RealIP(), "account:" + strings.ToLower(email)} {
		if wait, err := p.allow(c, key); err != nil {
			return p.fail(c, err)
		} else if wait > 0 {
			c.Response().Header().Set("Retry-After", fmt.Sprint(wait))
			return again(http.StatusTooManyRequests, fmt.Sprintf("Too many attempts. Try again in %d seconds.", wait))
		}
	}
	if email == "" || password == "" {
		return again(http.StatusBadRequest, "Enter your email and password.")
	}
	u, hash, err := p.store.UserByEmail(ctx, email)
	if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
		return p.fail(c, err)
	}
	if hash == "" {
		hash = p.dummyHash // spend the same time whether or not the account exists
	}
	ok, verr := auth.VerifyPassword(password, hash)
	if err != nil || verr != nil || !ok || u.Disabled {
		return again(http.StatusUnauthorized, "The email or password is wrong, or the account is disabled.")
	}
	if err := p.startSession(c, u); err != nil {
		return p.fail(c, err)
	}
	if next := afterSignIn(c.FormValue("next")); next != "" {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return c.Redirect(http.StatusSeeOther, homeOf(u))
}

// signOut ends the session's sign-in, so that a copy of its cookie stops working too.
func (p *Pages) signOut(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if claims, err := p.sessions.Verify(ck.Value); err == nil && claims.SignIn != "" {
			if err := p.registry.EndSignIn(ctxOf(c), claims.SignIn); err != nil {
				return p.fail(c, err)
			}
		}
	}
	c.SetCookie(p.cookie(sessionCookie, "", -1))
	return c.Redirect(http.StatusSeeOther, "/app/sign-in?done=signed-out")
}

// allow counts a sign-in attempt against the limit of its key ("ip:…" or "account:…") and
// returns how many seconds to wait when over it.
func (p *Pages) allow(c echo.Context, key string) (int, error) {
	lim := p.ip
	if strings.HasPrefix(key, "account:") {
		lim = p.acct
	}
	ok, wait, err := p.store.AllowAttempt(ctxOf(c), key, lim.PerMinute, lim.Burst)
	if err != nil || ok {
		return 0, err
	}
	return max(1, int(math.Ceil(wait.Seconds()))), nil
}
