package httpapi

import (
	"context"
	"fmt"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// ListUsers lists login accounts (administrators only, by scope).
func (s *Server) ListUsers(ctx context.Context, req api.ListUsersRequestObject) (api.ListUsersResponseObject, error) {
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	users, next, err := s.store.Users(ctx, pg)
	if err != nil {
		return nil, err
	}
	items := make([]api.User, len(users))
	for i, u := range users {
		items[i] = toUser(u)
	}
	return api.ListUsers200JSONResponse{Items: items, NextCursor: nextCursor(next)}, nil
}

// CreateUser creates a login account.
func (s *Server) CreateUser(ctx context.Context, req api.CreateUserRequestObject) (api.CreateUserResponseObject, error) {
	b := req.Body
	u := recert.User{Email: string(b.Email), Name: b.Name, Role: recert.Role(b.Role), MemberID: value(b.MemberID), OrganizationIDs: b.OrganizationIds}
	created, err := s.accounts.CreateUser(ctx, u, b.Password, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.CreateUser201JSONResponse(toUser(created)), nil
}

func pointerf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func fieldError(pointer, detail string) error { return ledger.FieldError(pointer, detail) }

// GetUser returns a login account.
func (s *Server) GetUser(ctx context.Context, req api.GetUserRequestObject) (api.GetUserResponseObject, error) {
	u, err := s.store.User(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	return api.GetUser200JSONResponse(toUser(u)), nil
}

// UpdateUser renames, resets the password of, disables or re-enables an account.
func (s *Server) UpdateUser(ctx context.Context, req api.UpdateUserRequestObject) (api.UpdateUserResponseObject, error) {
	b := req.Body
	u, err := s.registry.UpdateUser(ctx, req.UserID, ledger.AccountChange{Name: b.Name, Password: b.Password, Disabled: b.Disabled,
		EndAppGrants: b.EndAppGrants != nil && *b.EndAppGrants},
		principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.UpdateUser200JSONResponse(toUser(u)), nil
}

// SignOutUser ends every token issued to a user so far.
func (s *Server) SignOutUser(ctx context.Context, req api.SignOutUserRequestObject) (api.SignOutUserResponseObject, error) {
	if err := s.registry.SignOutEverywhere(ctx, req.UserID, principalFrom(ctx).Subject); err != nil {
		return nil, err
	}
	return api.SignOutUser204Response{}, nil
}
