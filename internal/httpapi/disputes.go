package httpapi

import (
	"context"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// CreateDispute files a member's dispute about their attendance at an event.
func (s *Server) CreateDispute(ctx context.Context, req api.CreateDisputeRequestObject) (api.CreateDisputeResponseObject, error) {
	p := principalFrom(ctx)
	if p.MemberID == "" {
		return nil, forbidden("only a member disputes their own attendance")
	}
	b := req.Body
	created, err := s.records.FileDispute(ctx, ledger.DisputeInput{EventID: req.EventID, MemberID: p.MemberID, Kind: string(b.Kind),
		SessionIDs: b.Sessions, CEUs: b.Ceus, Message: b.Message}, p.Subject)
	if err != nil {
		return nil, err
	}
	return api.CreateDispute201JSONResponse(toDispute(created)), nil
}

// ListEventDisputes lists an event's disputes for its organization.
func (s *Server) ListEventDisputes(ctx context.Context, req api.ListEventDisputesRequestObject) (api.ListEventDisputesResponseObject, error) {
	if _, err := s.managedEvent(ctx, req.EventID); err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	ds, err := s.store.EventDisputes(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	ds, next, err := pageOf(ds, func(d recert.Dispute) string { return d.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.DisputeList{Items: make([]api.Dispute, len(ds)), NextCursor: next}
	for i, d := range ds {
		out.Items[i] = toDispute(d)
	}
	return api.ListEventDisputes200JSONResponse(out), nil
}

// GetDispute returns a dispute to its member, the event's organization or an administrator.
func (s *Server) GetDispute(ctx context.Context, req api.GetDisputeRequestObject) (api.GetDisputeResponseObject, error) {
	d, err := s.store.Dispute(ctx, req.DisputeID)
	if err != nil {
		return nil, err
	}
	if p := principalFrom(ctx); p.MemberID == "" || p.MemberID != d.MemberID {
		if _, err := s.managedEvent(ctx, d.EventID); err != nil {
			return nil, notFound("dispute", req.DisputeID)
		}
	}
	return api.GetDispute200JSONResponse(toDispute(d)), nil
}

// ResolveDispute accepts a dispute, posting or correcting the attendance as asked, or
// rejects it with a reason.
func (s *Server) ResolveDispute(ctx context.Context, req api.ResolveDisputeRequestObject) (api.ResolveDisputeResponseObject, error) {
	d, err := s.store.Dispute(ctx, req.DisputeID)
	if err != nil {
		return nil, err
	}
	if _, err := s.managedEvent(ctx, d.EventID); err != nil {
		return nil, notFound("dispute", req.DisputeID)
	}
	resolved, err := s.records.DecideDispute(ctx, d, string(req.Body.Decision), value(req.Body.Reason), principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.ResolveDispute200JSONResponse(toDispute(resolved)), nil
}

func toDispute(d recert.Dispute) api.Dispute {
	out := api.Dispute{ID: d.ID, EventID: d.EventID, MemberID: d.MemberID, AttendanceID: optional(d.AttendanceID),
		Kind: api.DisputeKind(d.Kind), Sessions: d.SessionIDs, Message: d.Message, Status: api.DisputeStatus(d.Status),
		ResolutionReason: optional(d.ResolutionReason), ResolvedBy: optional(d.ResolvedBy), CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy}
	if d.CEUs != nil {
		out.Ceus = ptr(d.CEUs.String())
	}
	if !d.ResolvedAt.IsZero() {
		out.ResolvedAt = ptr(d.ResolvedAt)
	}
	return out
}
