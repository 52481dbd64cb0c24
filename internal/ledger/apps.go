package ledger

import (
	"context"
	"slices"
	"strings"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// AppStore is what the use cases of member-approved apps write.
type AppStore interface {
	CreateApp(ctx context.Context, a recert.App, secretHash []byte) (recert.App, error)
	App(ctx context.Context, id string) (recert.App, []byte, error)
	SuspendApp(ctx context.Context, id string, suspended bool) error
	DeleteApp(ctx context.Context, id string) error
	CreateAuthCode(ctx context.Context, c recert.AuthCode) error
	SpendAuthCode(ctx context.Context, hash []byte) (recert.AuthCode, error)
	StartGrant(ctx context.Context, g recert.Grant) error
	MarkCodeGrant(ctx context.Context, hash []byte, sid string) error
	Grant(ctx context.Context, sid string) (recert.Grant, bool, error)
}

// RegisterApp registers an app owned by the caller; a confidential app's secret is returned
// once.
func (r *Registry) RegisterApp(ctx context.Context, a recert.App) (recert.App, string, error) {
	var fields []recert.FieldError
	if strings.TrimSpace(a.Name) == "" {
		fields = append(fields, recert.FieldError{Location: "body", Pointer: "#/name", Detail: "give the app a name"})
	}
	if len(a.RedirectURIs) == 0 {
		fields = append(fields, recert.FieldError{Location: "body", Pointer: "#/redirect_uris", Detail: "give at least one redirect URI"})
	}
	for _, u := range a.RedirectURIs {
		if why := recert.CheckRedirectURI(u); why != "" || strings.ContainsAny(u, "\n\r") {
			fields = append(fields, recert.FieldError{Location: "body", Pointer: "#/redirect_uris", Detail: "redirect URI " + u + " " + why})
		}
	}
	if len(fields) > 0 {
		return recert.App{}, "", &recert.Error{Code: recert.EINVALID, Message: "the app cannot be registered as sent", Fields: fields}
	}
	a.Name = strings.TrimSpace(a.Name)
	var plain string
	var hash []byte
	if a.Confidential {
		plain, hash = auth.NewSecret(auth.PrefixClientSecret)
	}
	a, err := r.store.CreateApp(ctx, a, hash)
	return a, plain, err
}

// SuspendApp stops an app's tokens at once (administrators), or lets it work again.
func (r *Registry) SuspendApp(ctx context.Context, id string, suspended bool) error {
	return r.store.SuspendApp(ctx, id, suspended)
}

// DeleteApp removes an app and ends every member's grant to it. With owner set, only that
// user's app: another's is not found, as if it did not exist (administrators pass "").
func (r *Registry) DeleteApp(ctx context.Context, id, owner string) error {
	if owner != "" {
		a, _, err := r.store.App(ctx, id)
		if err != nil {
			return err
		}
		if a.OwnerID != owner {
			return recert.Errorf(recert.ENOTFOUND, "app %s not found", id)
		}
	}
	return r.store.DeleteApp(ctx, id)
}

// Authorize records a member's consent to an app as an authorization code, returned once.
// The caller has checked the app, its redirect URI and the challenge.
func (r *Registry) Authorize(ctx context.Context, c recert.AuthCode) (string, error) {
	for _, sc := range c.Scopes {
		if recert.ScopeWords(sc) == "" {
			return "", recert.Errorf(recert.EINVALID, "scope %s cannot be granted to an app", sc)
		}
	}
	plain, hash := auth.NewSecret(auth.PrefixAuthCode)
	c.Hash, c.ExpiresAt = hash, r.now().Add(recert.AuthCodeTTL)
	return plain, r.store.CreateAuthCode(ctx, c)
}

// Redemption is an authorization code presented at the token endpoint.
type Redemption struct {
	Code, AppID, RedirectURI, Verifier string
}

// RedeemCode spends an authorization code and starts the member's grant to the app: it
// must be the app's, for the same redirect URI, answered by the PKCE verifier. The grant
// starts with a refresh token when offline_access was approved.
func (r *Registry) RedeemCode(ctx context.Context, red Redemption, refresh recert.RefreshToken) (recert.Grant, error) {
	bad := recert.Errorf(recert.EUNAUTHORIZED, "the authorization code is invalid, expired or already used, or was issued for another client, redirect URI or code verifier")
	if !auth.WellFormed(red.Code, auth.PrefixAuthCode) {
		return recert.Grant{}, bad
	}
	// Spent before it is checked, in its own transaction: a code is presented once.
	c, err := r.store.SpendAuthCode(ctx, auth.HashSecret(red.Code))
	if err != nil {
		return recert.Grant{}, err
	}
	if c.AppID != red.AppID || c.RedirectURI != red.RedirectURI || !auth.VerifyPKCE(red.Verifier, c.Challenge) {
		return recert.Grant{}, bad
	}
	g := recert.Grant{ID: recert.NewID(recert.PrefixSignIn), UserID: c.UserID, AppID: c.AppID, Scopes: c.Scopes}
	err = r.store.InTx(ctx, func(ctx context.Context) error {
		if err := r.store.StartGrant(ctx, g); err != nil {
			return err
		}
		if err := r.store.MarkCodeGrant(ctx, c.Hash, g.ID); err != nil {
			return err
		}
		if !slices.Contains(c.Scopes, recert.ScopeOfflineAccess) {
			return nil
		}
		refresh.FamilyID, refresh.UserID = g.ID, g.UserID
		return r.store.CreateRefreshToken(ctx, refresh)
	})
	return g, err
}

// EndGrant ends a member's grant to an app: its access and refresh tokens stop at once.
// Another member's grant, or none, answers not found.
func (r *Registry) EndGrant(ctx context.Context, userID, sid string) error {
	g, ok, err := r.store.Grant(ctx, sid)
	if err != nil {
		return err
	}
	if !ok || g.UserID != userID {
		return recert.Errorf(recert.ENOTFOUND, "grant %s not found", sid)
	}
	return r.store.EndSignIn(ctx, sid)
}
