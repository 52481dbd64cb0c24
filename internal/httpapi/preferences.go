package httpapi

import (
	"context"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// UpdateMe changes the caller's notification preferences.
func (s *Server) UpdateMe(ctx context.Context, req api.UpdateMeRequestObject) (api.UpdateMeResponseObject, error) {
	p := principalFrom(ctx)
	if p.Role == recert.RoleClient {
		return nil, forbidden("apps have no preferences")
	}
	if on := req.Body.Preferences.DeadlineReminders; on != nil {
		if err := s.registry.SetDeadlineReminders(ctx, p.Subject, *on); err != nil {
			return nil, err
		}
	}
	me, err := s.GetMe(ctx, api.GetMeRequestObject{})
	if err != nil {
		return nil, err
	}
	return api.UpdateMe200JSONResponse(me.(api.GetMe200JSONResponse)), nil
}

// preferences are a person's notification preferences.
func (s *Server) preferences(ctx context.Context, userID string) (*api.Preferences, error) {
	on, err := s.store.DeadlineReminders(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &api.Preferences{DeadlineReminders: on}, nil
}
