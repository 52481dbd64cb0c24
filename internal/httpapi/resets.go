package httpapi

import (
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
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

// ResetPassword spends a reset token and sets the new password, ending the account's own
// sign-ins (and the apps' grants, when asked).
func (s *Server) ResetPassword(ctx context.Context, req api.ResetPasswordRequestObject) (api.ResetPasswordResponseObject, error) {
	if err := s.limiter.allow(ctx, "ip:"+requestInfoFrom(ctx).ip); err != nil {
		return nil, err
	}
	if _, err := s.links.ResetPassword(ctx, req.Body.Token, req.Body.Password, req.Body.EndAppGrants != nil && *req.Body.EndAppGrants); err != nil {
		return nil, err
	}
	return api.ResetPassword204Response{}, nil
}

// RequestEmailChange e-mails a link to the caller's new address, which moves the account
// there when followed; rate-limited per account, since it checks the password.
func (s *Server) RequestEmailChange(ctx context.Context, req api.RequestEmailChangeRequestObject) (api.RequestEmailChangeResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.limiter.allow(ctx, "account:"+p.Subject); err != nil {
		return nil, err
	}
	expires, err := s.registry.RequestEmailChange(ctx, p, string(req.Body.Email), req.Body.Password)
	if err != nil {
		return nil, err
	}
	return api.RequestEmailChange202JSONResponse{Email: openapi_types.Email(recert.NormalizeEmail(string(req.Body.Email))), ExpiresAt: expires.UTC()}, nil
}

// ConfirmEmailChange spends the link's token and moves the account to its new address.
func (s *Server) ConfirmEmailChange(ctx context.Context, req api.ConfirmEmailChangeRequestObject) (api.ConfirmEmailChangeResponseObject, error) {
	if err := s.limiter.allow(ctx, "ip:"+requestInfoFrom(ctx).ip); err != nil {
		return nil, err
	}
	if err := s.registry.ConfirmEmailChange(ctx, req.Body.Token); err != nil {
		return nil, err
	}
	return api.ConfirmEmailChange204Response{}, nil
}
