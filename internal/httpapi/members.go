package httpapi

import (
	"context"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// claimTTL is how long a claim token works.
const claimTTL = 14 * 24 * time.Hour

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
	p := principalFrom(ctx)
	b := req.Body
	orgID, err := memberOrganization(p, value(b.OrganizationID))
	if err != nil {
		return nil, err
	}
	m := recert.Member{
		Name: b.Name, Email: string(value(b.Email)), ABCPID: string(value(b.ABCPID)), CertificationDate: fromDate(b.CertificationDate),
		ABCPCycle: value(b.ABCPCycle), BirthMonth: value(b.BirthMonth), SocietyClass: string(value(b.SocietyClass)),
		Licenses: fromLicenses(b.Licenses),
	}
	if orgID != "" {
		if _, err := s.store.Organization(ctx, orgID); recert.ErrorCode(err) == recert.ENOTFOUND {
			return nil, fieldError("#/organization_id", "no such organization")
		}
	}
	setup, err := s.progress.CheckSetup(ctx, m)
	if err != nil {
		return nil, err
	}
	if len(setup.Invalid) > 0 {
		return nil, &recert.Error{Code: recert.EINVALID, Message: "a licence needs its issue date", Fields: setup.Invalid}
	}
	created, err := s.store.CreateMember(ctx, m, orgID, p.Subject)
	if err != nil {
		return nil, err
	}
	out := toMember(created)
	out.Warnings = setup.Warnings
	return api.CreateMember201JSONResponse{Body: out,
		Headers: api.CreateMember201ResponseHeaders{ETag: ptr(etag(created.Version))}}, nil
}

// memberOrganization decides which organization a new member is related to.
func memberOrganization(p recert.Principal, asked string) (string, error) {
	switch {
	case p.IsAdmin():
		return asked, nil
	case p.Role == recert.RoleMember:
		return "", forbidden("members cannot create member records")
	case asked != "":
		if !p.ActsFor(asked) {
			return "", fieldError("#/organization_id", "not an organization you act for")
		}
		return asked, nil
	case len(p.OrganizationIDs) == 1:
		return p.OrganizationIDs[0], nil
	case len(p.OrganizationIDs) == 0:
		return "", forbidden("you act for no organization")
	}
	return "", fieldError("#/organization_id", "you act for several organizations: name one")
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

// UpdateMember changes a member record: administrators any field, the member their own
// record but not its status, nor an ABCP ID or cycle once set; organizers only the ABCP ID and
// cycle of unclaimed members their organization created. Apps only read members. Licences are
// checked against the programs they enrol the member in.
func (s *Server) UpdateMember(ctx context.Context, req api.UpdateMemberRequestObject) (api.UpdateMemberResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	b := req.Body
	switch {
	case p.Role == recert.RoleClient:
		return nil, forbidden("apps cannot change member records")
	case p.Role == recert.RoleOrganizer:
		if err := s.organizerMayUpdate(ctx, req.MemberID, b); err != nil {
			return nil, err
		}
	case p.Role == recert.RoleMember && b.Status != nil:
		return nil, forbidden("only administrators change a member's status")
	case p.Role == recert.RoleMember && b.TrackingSince != nil:
		return nil, forbidden("only administrators set the date Recert's record of a member starts")
	}
	version, err := ifMatch(req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	var setup ledger.Setup
	m, err := s.store.UpdateMember(ctx, req.MemberID, version, p.Subject, func(m *recert.Member) error {
		if p.Role == recert.RoleOrganizer && m.Claimed {
			return forbidden("this member has claimed their record: they set their ABCP ID and cycle themselves")
		}
		if p.Role == recert.RoleMember {
			if err := memberMayChangeABCP(*m, b); err != nil {
				return err
			}
		}
		applyMemberUpdate(m, b)
		if b.Licenses == nil {
			return nil
		}
		var err error
		if setup, err = s.progress.CheckSetup(ctx, *m); err != nil {
			return err
		}
		if len(setup.Invalid) > 0 {
			return &recert.Error{Code: recert.EINVALID, Message: "a licence needs its issue date", Fields: setup.Invalid}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := toMember(m)
	out.Warnings = setup.Warnings
	return api.UpdateMember200JSONResponse{Body: out, Headers: api.UpdateMember200ResponseHeaders{ETag: ptr(etag(m.Version))}}, nil
}

// organizerMayUpdate allows an organizer to set only the ABCP ID and cycle, of a member their
// organization created.
func (s *Server) organizerMayUpdate(ctx context.Context, memberID string, b *api.MemberUpdate) error {
	if b.Name != nil || b.Email != nil || b.CertificationDate != nil || b.BirthMonth != nil || b.SocietyClass != nil ||
		b.Status != nil || b.TrackingSince != nil || b.Licenses != nil {
		return forbidden("organizers set only the ABCP ID and cycle of members their organization created")
	}
	created, err := s.store.MemberCreatedBy(ctx, memberID, principalFrom(ctx).Scope())
	if err != nil {
		return err
	}
	if !created {
		return forbidden("organizers set the ABCP ID and cycle only of members their organization created")
	}
	return nil
}

// memberMayChangeABCP lets members enter their ABCP ID and cycle while the record has none; a
// recorded one is corrected by an administrator, since progress and reports rest on it.
func memberMayChangeABCP(m recert.Member, b *api.MemberUpdate) error {
	if b.ABCPID != nil && m.ABCPID != "" && string(*b.ABCPID) != m.ABCPID {
		return forbidden("your ABCP ID is on record as %s; to correct it, ask your registry's administrator, with your ABCP certificate", m.ABCPID)
	}
	if b.ABCPCycle != nil && m.ABCPCycle != 0 && *b.ABCPCycle != m.ABCPCycle {
		return forbidden("your ABCP cycle is on record as %d; to correct it, ask your registry's administrator, with ABCP's notice of your cycle", m.ABCPCycle)
	}
	return nil
}

func applyMemberUpdate(m *recert.Member, b *api.MemberUpdate) {
	if b.Name != nil {
		m.Name = *b.Name
	}
	if b.Email != nil {
		m.Email = string(*b.Email)
	}
	if b.ABCPID != nil {
		m.ABCPID = string(*b.ABCPID)
	}
	if b.CertificationDate != nil {
		m.CertificationDate = fromDate(b.CertificationDate)
	}
	if b.ABCPCycle != nil {
		m.ABCPCycle = *b.ABCPCycle
	}
	if b.BirthMonth != nil {
		m.BirthMonth = *b.BirthMonth
	}
	if b.SocietyClass != nil {
		m.SocietyClass = string(*b.SocietyClass)
	}
	if b.Status != nil {
		m.Status = string(*b.Status)
	}
	if b.TrackingSince != nil {
		m.TrackingSince = fromDate(b.TrackingSince)
	}
	if b.Licenses != nil {
		m.Licenses = fromLicenses(b.Licenses)
	}
}

// CreateClaimToken e-mails the member a one-time link with which they create their login;
// the token is never shown to the inviter.
func (s *Server) CreateClaimToken(ctx context.Context, req api.CreateClaimTokenRequestObject) (api.CreateClaimTokenResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	if p.Role == recert.RoleMember {
		return nil, forbidden("members cannot invite members")
	}
	email, err := s.invitationAddress(ctx, p, req)
	if err != nil {
		return nil, err
	}
	plain, hash := auth.NewSecret(auth.PrefixClaimToken)
	expires := s.now().Add(claimTTL)
	err = s.notifying(ctx, func(ctx context.Context) ([]ledger.Notice, error) {
		if req.Body != nil && req.Body.Email != nil {
			if _, err := s.store.UpdateMember(ctx, req.MemberID, 0, p.Subject, func(m *recert.Member) error {
				m.Email = email
				return nil
			}); err != nil {
				return nil, err
			}
		}
		err := s.store.CreateClaimToken(ctx, req.MemberID, hash, expires, p.Subject)
		return []ledger.Notice{{Type: ledger.NoticeClaimInvitation, MemberID: req.MemberID, Token: plain}}, err
	})
	if err != nil {
		return nil, err
	}
	return api.CreateClaimToken202JSONResponse{MemberID: req.MemberID, Email: openapi_types.Email(email), ExpiresAt: expires}, nil
}

// invitationAddress is where a claim invitation goes: the member's address on record, or
// the one an administrator enters.
func (s *Server) invitationAddress(ctx context.Context, p recert.Principal, req api.CreateClaimTokenRequestObject) (string, error) {
	if req.Body != nil && req.Body.Email != nil {
		if !p.IsAdmin() {
			return "", fieldError("#/email", "only an administrator enters an address for a member")
		}
		return recert.NormalizeEmail(string(*req.Body.Email)), nil
	}
	m, err := s.store.Member(ctx, req.MemberID)
	if err != nil {
		return "", err
	}
	if m.Email == "" {
		return "", fieldError("#/email", "the member has no e-mail address on record: an administrator can enter one")
	}
	return m.Email, nil
}
