package recert

import (
	"net/url"
	"strings"
	"time"
)

// App is a third-party app a developer registered for members to approve (OAuth 2.0
// authorization code with PKCE). A public app (a mobile or browser app) holds no secret.
type App struct {
	ID           string
	Name         string
	OwnerID      string
	OwnerName    string
	RedirectURIs []string
	Confidential bool
	Suspended    bool
	CreatedAt    time.Time
}

// AllowsRedirect reports whether uri is one of the app's redirect URIs, compared exactly.
func (a App) AllowsRedirect(uri string) bool {
	for _, u := range a.RedirectURIs {
		if u == uri {
			return true
		}
	}
	return false
}

// Grant is a member's approval of an app: a sign-in of the member made by the app, which
// ends when the member revokes it.
type Grant struct {
	ID        string // the sign-in's id
	UserID    string
	AppID     string
	AppName   string
	OwnerName string
	Scopes    []string
	CreatedAt time.Time
	Ended     bool
}

// AuthCode is an authorization code: single use, short-lived, bound to the app, the
// redirect URI, the PKCE challenge (S256), the member and the scopes approved.
type AuthCode struct {
	Hash        []byte
	AppID       string
	UserID      string
	RedirectURI string
	Challenge   string
	Scopes      []string
	ExpiresAt   time.Time
}

// AuthCodeTTL is how long an authorization code can be redeemed.
const AuthCodeTTL = 60 * time.Second

// ScopeOfflineAccess asks for a refresh token: the app keeps access while the member is away.
const ScopeOfflineAccess = "offline_access"

// GrantScopes are the scopes a member may grant an app, each in words for the consent page.
var GrantScopes = []struct{ Name, Words string }{
	{"members:read", "your name, e-mail address, ABCP ID and other details of your member record"},
	{"progress:read", "your recertification progress and credits"},
	{"attendance:read", "your attendance at CE events and its certificates"},
	{"activities:read", "your self-reported activities and clinical case log"},
	{ScopeOfflineAccess, "keep this access while you are not using the app, until you revoke it"},
}

// ScopeWords is the description of a grant scope, or "" for one a member cannot grant.
func ScopeWords(scope string) string {
	for _, s := range GrantScopes {
		if s.Name == scope {
			return s.Words
		}
	}
	return ""
}

// CheckRedirectURI tells why uri cannot be an app's redirect URI ("" if it can): absolute,
// https (http only for a loopback address, as RFC 8252 allows native apps), no fragment.
func CheckRedirectURI(uri string) string {
	u, err := url.Parse(uri)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return "must be an absolute URL"
	case u.Fragment != "" || strings.Contains(uri, "#"):
		return "must not have a fragment"
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"):
		return ""
	}
	return "must use https (http only for localhost)"
}
