package httpapi

import (
	"context"

	"github.com/recert-dev/recert/api"
)

// RequestPasswordReset e-mails a reset link to the account with the address, if any; the
// answer is the same either way.
func (s *Server) RequestPasswordReset(ctx context.Context, req api.RequestPasswordResetRequestObject) (api.RequestPasswordResetResponseObject, error) {
	if err := s.limiter.allow(ctx, "ip:"+requestInfoFrom(ctx).ip); err != nil {
		return nil, err
	}
	if err := s.registry.ForgotPassword(ctx, string(req.Body.Email)); err != nil {
		return nil, err
	}
	return api.RequestPasswordReset202Response{}, nil
}

// ResetPassword spends a reset token and sets the new password, ending every sign-in.
func (s *Server) ResetPassword(ctx context.Context, req api.ResetPasswordRequestObject) (api.ResetPasswordResponseObject, error) {
	if err := s.limiter.allow(ctx, "ip:"+requestInfoFrom(ctx).ip); err != nil {
		return nil, err
	}
	if _, err := s.links.ResetPassword(ctx, req.Body.Token, req.Body.Password); err != nil {
		return nil, err
	}
	return api.ResetPassword204Response{}, nil
}
