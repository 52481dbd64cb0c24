package httpapi

import (
	"context"
	"encoding/json"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
)

// GetCredential answers an attendance's credential as the Open Badges 3.0 VC-JWT issued
// with it, signed with the credential key for the sponsoring organization.
func (s *Server) GetCredential(ctx context.Context, req api.GetCredentialRequestObject) (api.GetCredentialResponseObject, error) {
	cred, err := s.currentCredential(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	return api.GetCredential200TextResponse(cred.VCJWT), nil
}

// GetIssuerProfile answers an organization's Open Badges issuer profile, publicly.
func (s *Server) GetIssuerProfile(ctx context.Context, req api.GetIssuerProfileRequestObject) (api.GetIssuerProfileResponseObject, error) {
	org, err := s.store.Organization(ctx, req.OrganizationID)
	if err != nil {
		return nil, err
	}
	p := api.GetIssuerProfile200ApplicationLdPlusJSONResponse{
		Context: []string{openbadges.ContextVC, openbadges.ContextOB},
		ID:      openbadges.IssuerURL(s.publicURL, org.ID), Type: api.Profile, Name: org.Name,
	}
	if org.ContactEmail != "" {
		email := openapi_types.Email(org.ContactEmail)
		p.Email = &email
	}
	return p, nil
}

// GetStatusList answers a sponsor's revocation list, signed, as it stands now.
func (s *Server) GetStatusList(ctx context.Context, req api.GetStatusListRequestObject) (api.GetStatusListResponseObject, error) {
	signed, err := s.credentials.StatusList(ctx, req.OrganizationID, req.List)
	if err != nil {
		return nil, err
	}
	return api.GetStatusList200TextResponse(signed), nil
}

// GetIssuerAchievement answers a sponsor's published event as the Open Badges Achievement its
// credentials name.
func (s *Server) GetIssuerAchievement(ctx context.Context, req api.GetIssuerAchievementRequestObject) (api.GetIssuerAchievementResponseObject, error) {
	e, err := s.store.Event(ctx, req.EventID)
	if err != nil || e.OrganizationID != req.OrganizationID || e.Status == recert.EventDraft {
		return nil, notFound("event", req.EventID)
	}
	org, err := s.store.Organization(ctx, req.OrganizationID)
	if err != nil {
		return nil, err
	}
	// The contract's type is the same document: converted through its JSON.
	body, err := json.Marshal(struct {
		Context []string `json:"@context"`
		openbadges.Achievement
	}{[]string{openbadges.ContextVC, openbadges.ContextOB}, openbadges.EventAchievement(s.publicURL, org, e)})
	if err != nil {
		return nil, err
	}
	var out api.IssuerAchievement
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return api.GetIssuerAchievement200ApplicationLdPlusJSONResponse(out), nil
}
