package httpapi

import (
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// ListMembers lists the members the caller may see.
func (s *Server) ListMembers(ctx context.Context, req api.ListMembersRequestObject) (api.ListMembersResponseObject, error) {
	p := principalFrom(ctx)
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	f := recert.MemberFilter{Page: pg, ABCPID: string(value(req.Params.ABCPID)), Email: string(value(req.Params.Email)), Text: value(req.Params.Q)}
	f.Scope = p.Scope()
	if p.Role == recert.RoleMember { // their own record only
		f.MemberID, f.Scope = p.MemberID, recert.AllOrganizations()
		if p.MemberID == "" {
			f.MemberID = "none"
		}
	}
	ms, next, err := s.store.Members(ctx, f)
	if err != nil {
		return nil, err
	}
	items := make([]api.Member, len(ms))
	for i, m := range ms {
		items[i] = toMember(m)
	}
	return api.ListMembers200JSONResponse{Items: items, NextCursor: nextCursor(next)}, nil
}

// CreateMember creates an unclaimed member record.
func (s *Server) CreateMember(ctx context.Context, req api.CreateMemberRequestObject) (api.CreateMemberResponseObject, error) {
	b := req.Body
	m := recert.Member{
		Name: b.Name, Email: string(value(b.Email)), ABCPID: string(value(b.ABCPID)), CertificationDate: fromDate(b.CertificationDate),
		ABCPCycle: value(b.ABCPCycle), BirthMonth: value(b.BirthMonth), SocietyClass: string(value(b.SocietyClass)),
		Licenses: fromLicenses(b.Licenses),
	}
	created, setup, err := s.members.Create(ctx, principalFrom(ctx), m, value(b.OrganizationID))
	if err != nil {
		return nil, err
	}
	out := toMember(created)
	out.Warnings = setup.Warnings
	return api.CreateMember201JSONResponse{Body: out,
		Headers: api.CreateMember201ResponseHeaders{ETag: ptr(etag(created.Version))}}, nil
}

// GetMember returns a member the caller may see.
func (s *Server) GetMember(ctx context.Context, req api.GetMemberRequestObject) (api.GetMemberResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	m, err := s.store.Member(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	return api.GetMember200JSONResponse{Body: toMember(m), Headers: api.GetMember200ResponseHeaders{ETag: ptr(etag(m.Version))}}, nil
}

func (s *Server) mustSeeMember(ctx context.Context, id string) error {
	_, err := s.sight.Member(ctx, principalFrom(ctx), id)
	return err
}

// UpdateMember changes a member record, as ledger.Members.Update allows.
func (s *Server) UpdateMember(ctx context.Context, req api.UpdateMemberRequestObject) (api.UpdateMemberResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	version, err := ifMatch(req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	m, setup, err := s.members.Update(ctx, principalFrom(ctx), req.MemberID, version, memberChange(req.Body))
	if err != nil {
		return nil, err
	}
	out := toMember(m)
	out.Warnings = setup.Warnings
	return api.UpdateMember200JSONResponse{Body: out, Headers: api.UpdateMember200ResponseHeaders{ETag: ptr(etag(m.Version))}}, nil
}

// memberChange reads the fields an update names.
func memberChange(b *api.MemberUpdate) recert.MemberChange {
	c := recert.MemberChange{Name: b.Name, ABCPCycle: b.ABCPCycle, BirthMonth: b.BirthMonth}
	if b.Email != nil {
		c.Email = ptr(string(*b.Email))
	}
	if b.ABCPID != nil {
		c.ABCPID = ptr(string(*b.ABCPID))
	}
	if b.SocietyClass != nil {
		c.SocietyClass = ptr(string(*b.SocietyClass))
	}
	if b.Status != nil {
		c.Status = ptr(string(*b.Status))
	}
	if b.CertificationDate != nil {
		c.CertificationDate = ptr(fromDate(b.CertificationDate))
	}
	if b.TrackingSince != nil {
		c.TrackingSince = ptr(fromDate(b.TrackingSince))
	}
	if b.Licenses != nil {
		c.Licenses = ptr(fromLicenses(b.Licenses))
	}
	return c
}

// CreateClaimToken e-mails the member a one-time link with which they create their login;
// the token is never shown to the inviter.
func (s *Server) CreateClaimToken(ctx context.Context, req api.CreateClaimTokenRequestObject) (api.CreateClaimTokenResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	var entered *string
	if req.Body != nil && req.Body.Email != nil {
		entered = ptr(string(*req.Body.Email))
	}
	email, expires, err := s.members.Invite(ctx, principalFrom(ctx), req.MemberID, entered, ledger.ClaimTTL)
	if err != nil {
		return nil, err
	}
	return api.CreateClaimToken202JSONResponse{MemberID: req.MemberID, Email: openapi_types.Email(email), ExpiresAt: expires}, nil
}
