package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// mountApps adds the pages of member-approved apps: the consent page apps send members to
// (signed in or not), the member's connected apps, registering an app, and suspending one.
func (p *Pages) mountApps(g, m, a *echo.Group) {
	g.GET("/oauth/authorize", p.authorizePage)
	m.POST("/oauth/authorize", p.authorize)
	m.POST("/profile/apps/:grant_id/revoke", p.revokeGrant)
	g.GET("/apps", p.appsPage, p.signedIn)
	g.POST("/apps", p.registerApp, p.signedIn)
	g.POST("/apps/:app_id/delete", p.deleteApp, p.signedIn)
	a.POST("/apps/:app_id/suspension", p.suspendApp)
}

// signedIn lets anyone signed in through.
func (p *Pages) signedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := p.user(c); !ok {
			return c.Redirect(http.StatusSeeOther, "/app/sign-in")
		}
		return next(c)
	}
}

// authRequest is an authorization request (RFC 6749 §4.1.1 with RFC 7636 PKCE), from the
// query of the app's link or the consent form.
type authRequest struct {
	App                                          recert.App
	RedirectURI, Scope, State, Challenge, Method string
	Scopes                                       []scopeLine
}

type scopeLine struct{ Name, Words string }

// readAuthRequest checks a request. A bad app or redirect URI is told on a page and never
// redirected (RFC 6749 §4.1.2.1); anything else wrong goes back to the app as an error code.
func (p *Pages) readAuthRequest(c echo.Context) (authRequest, error) {
	v := func(k string) string { return c.FormValue(k) }
	r := authRequest{RedirectURI: v("redirect_uri"), Scope: v("scope"), State: v("state"),
		Challenge: v("code_challenge"), Method: v("code_challenge_method")}
	app, _, err := p.store.App(ctxOf(c), v("client_id"))
	if err != nil || app.Suspended || !app.AllowsRedirect(r.RedirectURI) {
		if err != nil && recert.ErrorCode(err) != recert.ENOTFOUND {
			return r, p.fail(c, err)
		}
		return r, p.problem(c, http.StatusBadRequest,
			"This app is unknown or suspended, or sent a return address it did not register. Nothing was shared; close this page and tell the app's developer.")
	}
	r.App = app
	switch {
	case v("response_type") != "code":
		return r, p.backToApp(c, r, url.Values{"error": {"unsupported_response_type"}})
	case r.Challenge == "" || r.Method != "S256" || !auth.WellFormedChallenge(r.Challenge):
		return r, p.backToApp(c, r, url.Values{"error": {"invalid_request"},
			"error_description": {"code_challenge with code_challenge_method=S256 is required (PKCE)"}})
	}
	for _, sc := range strings.Fields(r.Scope) {
		words := recert.ScopeWords(sc)
		if words == "" {
			return r, p.backToApp(c, r, url.Values{"error": {"invalid_scope"}, "error_description": {"scope " + sc + " cannot be granted"}})
		}
		r.Scopes = append(r.Scopes, scopeLine{sc, words})
	}
	if len(r.Scopes) == 0 {
		return r, p.backToApp(c, r, url.Values{"error": {"invalid_scope"}, "error_description": {"ask for at least one scope"}})
	}
	return r, nil
}

// backToApp sends the member back to the app's redirect URI with q and the app's state.
func (p *Pages) backToApp(c echo.Context, r authRequest, q url.Values) error {
	if r.State != "" {
		q.Set("state", r.State)
	}
	sep := "?"
	if strings.Contains(r.RedirectURI, "?") {
		sep = "&"
	}
	return c.Redirect(http.StatusFound, r.RedirectURI+sep+q.Encode())
}

// allowRedirectForm lets the consent form's redirect reach the app: browsers apply
// form-action to the redirects after a form is sent.
func allowRedirectForm(c echo.Context, redirectURI string) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return
	}
	c.Response().Header().Set("Content-Security-Policy",
		"default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self' "+u.Scheme+"://"+u.Host)
}

// authorizePage is the consent page: the app, its owner and each scope in words.
func (p *Pages) authorizePage(c echo.Context) error {
	r, err := p.readAuthRequest(c)
	if err != nil || r.App.ID == "" {
		return err
	}
	u, ok := p.user(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/app/sign-in?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	}
	if u.Role != recert.RoleMember || u.MemberID == "" {
		return p.problem(c, http.StatusForbidden, "Only members can let an app see their record. Sign in with your member account.")
	}
	allowRedirectForm(c, r.RedirectURI)
	return p.render(c, http.StatusOK, "authorize", "Let "+r.App.Name+" see your record?", r)
}

// authorize is the member's answer: approve sends a one-time code back to the app, deny
// tells the app no.
func (p *Pages) authorize(c echo.Context) error {
	r, err := p.readAuthRequest(c)
	if err != nil || r.App.ID == "" {
		return err
	}
	u, _ := p.user(c)
	if u.MemberID == "" {
		return p.problem(c, http.StatusForbidden, "Only members can let an app see their record.")
	}
	if c.FormValue("decision") != "approve" {
		return p.backToApp(c, r, url.Values{"error": {"access_denied"}})
	}
	scopes := make([]string, len(r.Scopes))
	for i, s := range r.Scopes {
		scopes[i] = s.Name
	}
	code, err := p.registry.Authorize(ctxOf(c), recert.AuthCode{AppID: r.App.ID, UserID: u.ID,
		RedirectURI: r.RedirectURI, Challenge: r.Challenge, Scopes: scopes})
	if err != nil {
		return p.fail(c, err)
	}
	return p.backToApp(c, r, url.Values{"code": {code}})
}

// connectedApps are the member's live grants, with each scope in words, for the profile.
type connectedApp struct {
	recert.Grant
	Words []string
}

func (p *Pages) connectedApps(c echo.Context, userID string) ([]connectedApp, error) {
	gs, err := p.store.Grants(ctxOf(c), userID)
	if err != nil {
		return nil, err
	}
	out := make([]connectedApp, len(gs))
	for i, g := range gs {
		out[i] = connectedApp{Grant: g}
		for _, sc := range g.Scopes {
			out[i].Words = append(out[i].Words, recert.ScopeWords(sc))
		}
	}
	return out, nil
}

// revokeGrant ends the member's grant to an app: its tokens stop at once.
func (p *Pages) revokeGrant(c echo.Context) error {
	u, _ := p.user(c)
	if err := p.registry.EndGrant(ctxOf(c), u.ID, c.Param("grant_id")); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/profile?done=app-revoked#apps")
}

type appsData struct {
	Apps   []recert.App
	New    *recert.App
	Secret string
	Admin  bool
	Name   string
	URIs   string
	Confid bool
}

// appsPage lists the caller's apps (every app for an administrator) and the form to register one.
func (p *Pages) appsPage(c echo.Context) error {
	return p.renderApps(c, http.StatusOK, appsData{})
}

func (p *Pages) renderApps(c echo.Context, status int, d appsData) error {
	u, _ := p.user(c)
	owner := u.ID
	if d.Admin = u.Role == recert.RoleAdmin; d.Admin {
		owner = ""
	}
	apps, err := p.store.Apps(ctxOf(c), owner)
	if err != nil {
		return p.fail(c, err)
	}
	d.Apps = apps
	return p.render(c, status, "apps", "Your apps", d)
}

// registerApp registers an app owned by the caller and shows its secret once.
func (p *Pages) registerApp(c echo.Context) error {
	u, _ := p.user(c)
	d := appsData{Name: c.FormValue("name"), URIs: c.FormValue("redirect_uris"), Confid: c.FormValue("kind") == "confidential"}
	var uris []string
	for _, l := range strings.Split(d.URIs, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			uris = append(uris, l)
		}
	}
	a, secret, err := p.registry.RegisterApp(ctxOf(c), recert.App{Name: d.Name, OwnerID: u.ID, RedirectURIs: uris, Confidential: d.Confid})
	if err != nil {
		if onForm(c, err) {
			return p.renderApps(c, http.StatusUnprocessableEntity, d)
		}
		return p.fail(c, err)
	}
	return p.renderApps(c, http.StatusCreated, appsData{New: &a, Secret: secret})
}

// suspendApp suspends an app or lifts its suspension (administrators).
// deleteApp deletes one of the caller's apps (any, for an administrator); members' grants
// to it end.
func (p *Pages) deleteApp(c echo.Context) error {
	u, _ := p.user(c)
	owner := u.ID
	if u.Role == recert.RoleAdmin {
		owner = ""
	}
	if err := p.registry.DeleteApp(ctxOf(c), c.Param("app_id"), owner); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/apps?done=app-deleted")
}

func (p *Pages) suspendApp(c echo.Context) error {
	if err := p.registry.SuspendApp(ctxOf(c), c.Param("app_id"), c.FormValue("suspended") == "true"); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/apps")
}
