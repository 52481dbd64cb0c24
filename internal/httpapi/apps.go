package httpapi

import (
	"context"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

func toApp(a recert.App) api.OAuthApp {
	return api.OAuthApp{ID: a.ID, Name: a.Name, OwnerID: a.OwnerID, OwnerName: a.OwnerName,
		RedirectUris: a.RedirectURIs, Confidential: a.Confidential, Suspended: a.Suspended, CreatedAt: a.CreatedAt}
}

// callerMayRegister: a person signs in to register an app; an app's token cannot.
func callerMayRegister(p recert.Principal) error {
	if p.Role == recert.RoleClient || p.App != "" {
		return forbidden("apps are registered by a person signed in, not by an app")
	}
	return nil
}

// ListApps lists the caller's apps, or every app for an administrator asking for all.
func (s *Server) ListApps(ctx context.Context, req api.ListAppsRequestObject) (api.ListAppsResponseObject, error) {
	p := principalFrom(ctx)
	if err := callerMayRegister(p); err != nil {
		return nil, err
	}
	owner := p.Subject
	if value(req.Params.All) {
		if !p.IsAdmin() {
			return nil, forbidden("only administrators list every app")
		}
		owner = ""
	}
	apps, err := s.store.Apps(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := api.OAuthAppList{Items: make([]api.OAuthApp, len(apps))}
	for i, a := range apps {
		out.Items[i] = toApp(a)
	}
	return api.ListApps200JSONResponse(out), nil
}

// CreateApp registers an app owned by the caller.
func (s *Server) CreateApp(ctx context.Context, req api.CreateAppRequestObject) (api.CreateAppResponseObject, error) {
	p := principalFrom(ctx)
	if err := callerMayRegister(p); err != nil {
		return nil, err
	}
	b := req.Body
	a, secret, err := s.registry.RegisterApp(ctx, recert.App{Name: b.Name, OwnerID: p.Subject,
		RedirectURIs: b.RedirectUris, Confidential: b.Confidential})
	if err != nil {
		return nil, err
	}
	out := toApp(a)
	if secret != "" {
		out.ClientSecret = &secret
	}
	return api.CreateApp201JSONResponse(out), nil
}

// ownApp is an app the caller may manage: its owner's, or any for an administrator.
func (s *Server) ownApp(ctx context.Context, id string) (recert.App, error) {
	p := principalFrom(ctx)
	if err := callerMayRegister(p); err != nil {
		return recert.App{}, err
	}
	a, _, err := s.store.App(ctx, id)
	if err != nil {
		return a, err
	}
	if a.OwnerID != p.Subject && !p.IsAdmin() {
		return a, notFound("app", id)
	}
	return a, nil
}

// GetApp returns an app, never its secret.
func (s *Server) GetApp(ctx context.Context, req api.GetAppRequestObject) (api.GetAppResponseObject, error) {
	a, err := s.ownApp(ctx, req.AppID)
	if err != nil {
		return nil, err
	}
	return api.GetApp200JSONResponse(toApp(a)), nil
}

// DeleteApp removes an app; every member's grant to it ends.
func (s *Server) DeleteApp(ctx context.Context, req api.DeleteAppRequestObject) (api.DeleteAppResponseObject, error) {
	if _, err := s.ownApp(ctx, req.AppID); err != nil {
		return nil, err
	}
	if err := s.registry.DeleteApp(ctx, req.AppID, ""); err != nil {
		return nil, err
	}
	return api.DeleteApp204Response{}, nil
}

// SuspendApp suspends an app or lifts its suspension (administrators).
func (s *Server) SuspendApp(ctx context.Context, req api.SuspendAppRequestObject) (api.SuspendAppResponseObject, error) {
	if p := principalFrom(ctx); !p.IsAdmin() {
		return nil, forbidden("only administrators suspend apps")
	}
	if err := s.registry.SuspendApp(ctx, req.AppID, req.Body.Suspended); err != nil {
		return nil, err
	}
	a, _, err := s.store.App(ctx, req.AppID)
	if err != nil {
		return nil, err
	}
	return api.SuspendApp200JSONResponse(toApp(a)), nil
}
