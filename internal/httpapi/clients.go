package httpapi

import (
	"context"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// ListClients lists the apps the caller may see.
func (s *Server) ListClients(ctx context.Context, req api.ListClientsRequestObject) (api.ListClientsResponseObject, error) {
	p := principalFrom(ctx)
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	cs, next, err := s.store.Clients(ctx, pg, p.Scope())
	if err != nil {
		return nil, err
	}
	items := make([]api.APIClient, len(cs))
	for i, c := range cs {
		items[i] = toClient(c)
	}
	return api.ListClients200JSONResponse{Items: items, NextCursor: nextCursor(next)}, nil
}

// CreateClient registers an app and shows its secret once.
func (s *Server) CreateClient(ctx context.Context, req api.CreateClientRequestObject) (api.CreateClientResponseObject, error) {
	p := principalFrom(ctx)
	b := req.Body
	scopes := make([]string, len(b.Scopes))
	for i, sc := range b.Scopes {
		scopes[i] = string(sc)
	}
	c, plain, err := s.accounts.CreateClient(ctx, p, recert.Client{Name: b.Name, OrganizationID: value(b.OrganizationID), Scopes: scopes})
	if err != nil {
		return nil, err
	}
	return api.CreateClient201JSONResponse(toClientWithSecret(c, plain)), nil
}

// visibleClient returns an app the caller may manage: administrators any, organizers
// their organizations'.
func (s *Server) visibleClient(ctx context.Context, id string) (recert.Client, error) {
	c, _, err := s.store.Client(ctx, id)
	if err != nil {
		return c, err
	}
	if p := principalFrom(ctx); !p.IsAdmin() && !p.ActsFor(c.OrganizationID) {
		return c, notFound("client", id)
	}
	return c, nil
}

// GetClient returns an app, never its secret.
func (s *Server) GetClient(ctx context.Context, req api.GetClientRequestObject) (api.GetClientResponseObject, error) {
	c, err := s.visibleClient(ctx, req.ClientID)
	if err != nil {
		return nil, err
	}
	return api.GetClient200JSONResponse(toClient(c)), nil
}

// RotateClientSecret replaces an app's secret and shows the new one once.
func (s *Server) RotateClientSecret(ctx context.Context, req api.RotateClientSecretRequestObject) (api.RotateClientSecretResponseObject, error) {
	if _, err := s.visibleClient(ctx, req.ClientID); err != nil {
		return nil, err
	}
	c, plain, err := s.registry.RotateClientSecret(ctx, req.ClientID, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.RotateClientSecret200JSONResponse(toClientWithSecret(c, plain)), nil
}

// RevokeClient stops an app for good.
func (s *Server) RevokeClient(ctx context.Context, req api.RevokeClientRequestObject) (api.RevokeClientResponseObject, error) {
	if _, err := s.visibleClient(ctx, req.ClientID); err != nil {
		return nil, err
	}
	if err := s.registry.RevokeClient(ctx, req.ClientID, principalFrom(ctx).Subject); err != nil {
		return nil, err
	}
	return api.RevokeClient204Response{}, nil
}

// GetMe describes the caller.
func (s *Server) GetMe(ctx context.Context, _ api.GetMeRequestObject) (api.GetMeResponseObject, error) {
	p := principalFrom(ctx)
	me := api.Me{Subject: p.Subject, Role: api.Role(p.Role), Scopes: make([]api.Scope, len(p.Scopes)), Organizations: []api.OrganizationRef{}}
	for i, sc := range p.Scopes {
		me.Scopes[i] = api.Scope(sc)
	}
	if len(p.OrganizationIDs) > 0 {
		orgs, _, err := s.store.Organizations(ctx, recert.Page{Limit: len(p.OrganizationIDs)}, recert.OrganizationsScope(p.OrganizationIDs...))
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			me.Organizations = append(me.Organizations, api.OrganizationRef{ID: o.ID, Name: o.Name, Code: o.Code})
		}
	}
	if p.Role != recert.RoleClient {
		u, err := s.store.User(ctx, p.Subject)
		if err != nil {
			return nil, err
		}
		me.User = ptr(toUser(u))
		if me.Preferences, err = s.preferences(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	if p.MemberID != "" {
		m, err := s.store.Member(ctx, p.MemberID)
		if err != nil {
			return nil, err
		}
		me.Member = ptr(toMember(m))
		setup, err := s.progress.CheckSetup(ctx, m)
		if err != nil {
			return nil, err
		}
		me.MissingForProgress = make([]api.MissingFact, len(setup.Missing))
		for i, f := range setup.Missing {
			me.MissingForProgress[i] = api.MissingFact{Pointer: f.Pointer, Detail: f.Detail}
		}
	}
	return api.GetMe200JSONResponse(me), nil
}
