package httpapi

import (
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// ListLeave lists a member's leave periods.
func (s *Server) ListLeave(ctx context.Context, req api.ListLeaveRequestObject) (api.ListLeaveResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	ls, err := s.store.LeavePeriods(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	ls, next, err := pageOf(ls, func(l recert.Leave) string { return l.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.LeaveList{Items: make([]api.Leave, len(ls)), NextCursor: next}
	for i, l := range ls {
		out.Items[i] = toLeave(l)
	}
	return api.ListLeave200JSONResponse(out), nil
}

// CreateLeave records a leave period, to be approved by an administrator.
func (s *Server) CreateLeave(ctx context.Context, req api.CreateLeaveRequestObject) (api.CreateLeaveResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	b := req.Body
	l := recert.Leave{MemberID: req.MemberID, Type: string(b.Type), Start: recert.DateOf(b.Start.Time), End: recert.DateOf(b.End.Time)}
	created, err := s.records.RequestLeave(ctx, l, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.CreateLeave201JSONResponse(toLeave(created)), nil
}

// SetLeaveApproval records ABCP's decision on a leave period (administrators).
func (s *Server) SetLeaveApproval(ctx context.Context, req api.SetLeaveApprovalRequestObject) (api.SetLeaveApprovalResponseObject, error) {
	l, err := s.accounts.DecideLeave(ctx, req.LeaveID, req.Body.Approved, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.SetLeaveApproval200JSONResponse(toLeave(l)), nil
}

func toLeave(l recert.Leave) api.Leave {
	return api.Leave{ID: l.ID, MemberID: l.MemberID, Type: l.Type, Start: openapi_types.Date{Time: l.Start.Time()},
		End: openapi_types.Date{Time: l.End.Time()}, Approved: l.Approved,
		CreatedAt: l.CreatedAt, CreatedBy: l.CreatedBy, UpdatedAt: l.UpdatedAt, UpdatedBy: l.UpdatedBy}
}
