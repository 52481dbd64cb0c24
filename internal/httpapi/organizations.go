package httpapi

import (
	"context"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// ListOrganizations lists the organizations the caller may see.
func (s *Server) ListOrganizations(ctx context.Context, req api.ListOrganizationsRequestObject) (api.ListOrganizationsResponseObject, error) {
	p := principalFrom(ctx)
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	orgs, next, err := s.store.Organizations(ctx, pg, p.Scope())
	if err != nil {
		return nil, err
	}
	items, err := s.withOrganizers(ctx, orgs)
	if err != nil {
		return nil, err
	}
	return api.ListOrganizations200JSONResponse{Items: items, NextCursor: nextCursor(next)}, nil
}

func (s *Server) withOrganizers(ctx context.Context, orgs []recert.Organization) ([]api.Organization, error) {
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	organizers, err := s.store.OrganizerIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]api.Organization, len(orgs))
	for i, o := range orgs {
		out[i] = toOrganization(o, organizers[o.ID])
	}
	return out, nil
}

func (s *Server) organization(ctx context.Context, o recert.Organization) (api.Organization, error) {
	out, err := s.withOrganizers(ctx, []recert.Organization{o})
	if err != nil {
		return api.Organization{}, err
	}
	return out[0], nil
}

// CreateOrganization registers a CE provider.
func (s *Server) CreateOrganization(ctx context.Context, req api.CreateOrganizationRequestObject) (api.CreateOrganizationResponseObject, error) {
	b := req.Body
	o, err := s.accounts.CreateOrganization(ctx, recert.Organization{
		Name: b.Name, Code: b.Code, ContactEmail: string(value(b.ContactEmail)), ContactPhone: value(b.ContactPhone),
	}, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.CreateOrganization201JSONResponse{Body: toOrganization(o, nil),
		Headers: api.CreateOrganization201ResponseHeaders{ETag: ptr(etag(o.Version))}}, nil
}

// GetOrganization returns an organization the caller may see.
func (s *Server) GetOrganization(ctx context.Context, req api.GetOrganizationRequestObject) (api.GetOrganizationResponseObject, error) {
	if !canSeeOrganization(principalFrom(ctx), req.OrganizationID) {
		return nil, notFound("organization", req.OrganizationID)
	}
	o, err := s.store.Organization(ctx, req.OrganizationID)
	if err != nil {
		return nil, err
	}
	out, err := s.organization(ctx, o)
	if err != nil {
		return nil, err
	}
	return api.GetOrganization200JSONResponse{Body: out, Headers: api.GetOrganization200ResponseHeaders{ETag: ptr(etag(o.Version))}}, nil
}

// UpdateOrganization changes the fields given.
func (s *Server) UpdateOrganization(ctx context.Context, req api.UpdateOrganizationRequestObject) (api.UpdateOrganizationResponseObject, error) {
	version, err := ifMatch(req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	o, err := s.store.Organization(ctx, req.OrganizationID)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if b.Name != nil {
		o.Name = *b.Name
	}
	if b.Code != nil {
		o.Code = *b.Code
	}
	if b.ContactEmail != nil {
		o.ContactEmail = string(*b.ContactEmail)
	}
	if b.ContactPhone != nil {
		o.ContactPhone = *b.ContactPhone
	}
	o, err = s.registry.UpdateOrganization(ctx, o, version, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	out, err := s.organization(ctx, o)
	if err != nil {
		return nil, err
	}
	return api.UpdateOrganization200JSONResponse{Body: out, Headers: api.UpdateOrganization200ResponseHeaders{ETag: ptr(etag(o.Version))}}, nil
}

// AddOrganizer lets an organizer act for an organization.
func (s *Server) AddOrganizer(ctx context.Context, req api.AddOrganizerRequestObject) (api.AddOrganizerResponseObject, error) {
	if err := s.accounts.AddOrganizer(ctx, req.OrganizationID, req.UserID, principalFrom(ctx).Subject); err != nil {
		return nil, err
	}
	return api.AddOrganizer204Response{}, nil
}

// RemoveOrganizer stops an organizer acting for an organization.
func (s *Server) RemoveOrganizer(ctx context.Context, req api.RemoveOrganizerRequestObject) (api.RemoveOrganizerResponseObject, error) {
	if err := s.registry.RemoveOrganizer(ctx, req.OrganizationID, req.UserID); err != nil {
		return nil, err
	}
	return api.RemoveOrganizer204Response{}, nil
}
