package httpapi

import (
	"cmp"
	"context"
	"errors"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
)

// GetCredential answers an attendance's credential as an Open Badges 3.0 VC-JWT, signed
// with the credential key for the sponsoring organization.
func (s *Server) GetCredential(ctx context.Context, req api.GetCredentialRequestObject) (api.GetCredentialResponseObject, error) {
	if s.keyStore == nil {
		return nil, errors.New("httpapi: no credential key (Options.KeyStore)")
	}
	a, e, err := s.visibleAttendance(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	if a.Revoked {
		return nil, recert.Errorf(recert.ECONFLICT, "attendance %s is revoked: no credential", a.ID)
	}
	m, err := s.store.Member(ctx, a.MemberID)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Organization(ctx, e.OrganizationID)
	if err != nil {
		return nil, err
	}
	cred, err := s.credentials.Current(ctx, a)
	if err != nil {
		return nil, err
	}
	key := s.keyStore.Badges
	signed, err := openbadges.Sign(openbadges.New(s.badgeAttendance(a, e, m, org, cred)), key.Signer(), credentialKeyURL(s.publicURL, key.ID()))
	if err != nil {
		return nil, err
	}
	return api.GetCredential200TextResponse(signed), nil
}

// issuerURL is the address of an organization's issuer profile, its credentials' issuer.id.
func issuerURL(publicURL, orgID string) string { return publicURL + "/issuers/" + orgID }

// badgeAttendance is what the credential of a (current) attendance states.
func (s *Server) badgeAttendance(a recert.Attendance, e recert.Event, m recert.Member, org recert.Organization, cred recert.Credential) openbadges.Attendance {
	issuer := issuerURL(s.publicURL, org.ID)
	b := openbadges.Attendance{
		CredentialID: verifyURL(s.publicURL, cred.ID), IssuedAt: cred.IssuedAt,
		Issuer:        openbadges.Issuer{ID: issuer, Name: org.Name, Email: org.ContactEmail},
		AchievementID: issuer + "/events/" + e.ID, EventTitle: e.Title, Format: formatWords[e.Format],
		StartDate: e.StartDate.Time(), EndDate: e.EndDate.Time(), ApprovalRef: e.ApprovalRef, TotalCEUs: a.Total().String(),
		// The salt is the credential's own random id: public, as Open Badges salts are, and
		// different for every credential, so equal hashes never link two of them.
		Email: m.Email, Salt: strings.TrimPrefix(cred.ID, recert.PrefixCredential+"_"),
	}
	for _, ses := range e.Sessions {
		b.Sessions = append(b.Sessions, openbadges.Session{ID: ses.ID, Title: ses.Title, Date: ses.Date.Time(),
			Category: cmp.Or(ses.Category, e.Category), CEUs: ses.CEUs.String()})
	}
	sessions, totals := earned(a, e)
	for _, ses := range sessions {
		b.Attended = append(b.Attended, openbadges.Earned{SessionID: ses.session.ID, CEUs: ses.ceus.String()})
	}
	for _, t := range totals {
		b.ByCategory = append(b.ByCategory, openbadges.CategoryCEUs{Category: t.category, CEUs: t.ceus.String()})
	}
	return b
}

// GetIssuerProfile answers an organization's Open Badges issuer profile, publicly.
func (s *Server) GetIssuerProfile(ctx context.Context, req api.GetIssuerProfileRequestObject) (api.GetIssuerProfileResponseObject, error) {
	org, err := s.store.Organization(ctx, req.OrganizationID)
	if err != nil {
		return nil, err
	}
	p := api.GetIssuerProfile200ApplicationLdPlusJSONResponse{
		Context: []string{openbadges.ContextVC, openbadges.ContextOB},
		ID:      issuerURL(s.publicURL, org.ID), Type: api.Profile, Name: org.Name,
	}
	if org.ContactEmail != "" {
		email := openapi_types.Email(org.ContactEmail)
		p.Email = &email
	}
	return p, nil
}
