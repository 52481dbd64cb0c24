package httpapi

import (
	"context"
	"net/http"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// ListActivities lists a member's self-reported activities.
func (s *Server) ListActivities(ctx context.Context, req api.ListActivitiesRequestObject) (api.ListActivitiesResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	as, next, err := s.store.Activities(ctx, req.MemberID, pg, false)
	if err != nil {
		return nil, err
	}
	items := make([]api.Activity, len(as))
	for i, a := range as {
		items[i] = toActivity(a)
	}
	return api.ListActivities200JSONResponse{Items: items, NextCursor: nextCursor(next)}, nil
}

// CreateActivity records an activity the member reports.
func (s *Server) CreateActivity(ctx context.Context, req api.CreateActivityRequestObject) (api.CreateActivityResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	a, err := fromActivityInput(principalFrom(ctx), *req.Body)
	if err != nil {
		return nil, err
	}
	a.MemberID = req.MemberID
	key := s.idempotencyKey(ctx, value(req.Params.IdempotencyKey), "activity", req.MemberID, *req.Body)
	res, err := s.idem.Do(ctx, key, func(ctx context.Context) (ledger.Response, error) {
		created, err := s.records.ReportActivity(ctx, a, nil, principalFrom(ctx).Subject)
		if err != nil {
			return ledger.Response{}, err
		}
		return jsonResponse(http.StatusCreated, toActivity(created))
	})
	if err != nil {
		return nil, err
	}
	return rawResponse(res), nil
}

// visibleActivity returns an activity of a member the caller may see.
func (s *Server) visibleActivity(ctx context.Context, memberID, id string) (recert.Activity, error) {
	if err := s.mustSeeMember(ctx, memberID); err != nil {
		return recert.Activity{}, err
	}
	a, err := s.store.Activity(ctx, id)
	if err == nil && a.MemberID != memberID {
		err = notFound("activity", id)
	}
	return a, err
}

func orElse(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// GetActivity returns one activity.
func (s *Server) GetActivity(ctx context.Context, req api.GetActivityRequestObject) (api.GetActivityResponseObject, error) {
	a, err := s.visibleActivity(ctx, req.MemberID, req.ActivityID)
	if err != nil {
		return nil, err
	}
	return api.GetActivity200JSONResponse(toActivity(a)), nil
}

// UpdateActivity replaces an activity; a reviewed one goes back to review.
func (s *Server) UpdateActivity(ctx context.Context, req api.UpdateActivityRequestObject) (api.UpdateActivityResponseObject, error) {
	if _, err := s.visibleActivity(ctx, req.MemberID, req.ActivityID); err != nil {
		return nil, err
	}
	p := principalFrom(ctx)
	in, err := fromActivityInput(p, *req.Body)
	if err != nil {
		return nil, err
	}
	a, err := s.records.ReplaceActivity(ctx, req.ActivityID, in, p.Subject)
	if err != nil {
		return nil, err
	}
	return api.UpdateActivity200JSONResponse(toActivity(a)), nil
}

// DeleteActivity withdraws an activity; it stays on record.
func (s *Server) DeleteActivity(ctx context.Context, req api.DeleteActivityRequestObject) (api.DeleteActivityResponseObject, error) {
	if _, err := s.visibleActivity(ctx, req.MemberID, req.ActivityID); err != nil {
		return nil, err
	}
	if err := s.records.WithdrawActivity(ctx, req.ActivityID, principalFrom(ctx).Subject); err != nil {
		return nil, err
	}
	return api.DeleteActivity204Response{}, nil
}

// ReviewActivity verifies or rejects a self-reported activity (administrators).
func (s *Server) ReviewActivity(ctx context.Context, req api.ReviewActivityRequestObject) (api.ReviewActivityResponseObject, error) {
	// The decision is checked before access, as it always was.
	if err := ledger.CheckReview(string(req.Body.Decision), value(req.Body.Reason)); err != nil {
		return nil, err
	}
	if _, err := s.visibleActivity(ctx, req.MemberID, req.ActivityID); err != nil {
		return nil, err
	}
	a, err := s.records.ReviewActivity(ctx, req.ActivityID, string(req.Body.Decision), value(req.Body.Reason), principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.ReviewActivity200JSONResponse(toActivity(a)), nil
}

// fromActivityInput converts the contract's activity to the ledger's, whose rules decide.
func fromActivityInput(p recert.Principal, in api.ActivityInput) (recert.Activity, error) {
	li := ledger.ActivityInput{Type: string(in.Type), Date: recert.DateOf(in.Date.Time), CEUs: in.Ceus, Minutes: value(in.Minutes),
		Category: string(value(in.Category)), Title: in.Title, Citation: value(in.Citation), Provider: value(in.Provider),
		ApprovalRef: value(in.ApprovalRef), ApprovedBy: value(in.ApprovedBy), PostTestScore: in.PostTestScore, Topics: in.Topics}
	if in.DocumentationStatus != nil {
		li.DocumentationStatus = string(*in.DocumentationStatus)
	}
	return ledger.NewActivity(li, p.IsAdmin())
}

func toActivity(a recert.Activity) api.Activity {
	topics := a.Topics
	if topics == nil {
		topics = []string{}
	}
	return api.Activity{
		ID: a.ID, MemberID: a.MemberID, Type: api.ActivityType(a.Type), Date: openapi_types.Date{Time: a.Date.Time()},
		Ceus: a.CEUs.String(), Minutes: optionalInt(a.Minutes), Category: api.Category(a.Category), Title: a.Title,
		Citation: optional(a.Citation), Provider: optional(a.Provider), ApprovalRef: optional(a.ApprovalRef),
		ApprovedBy: a.ApprovedBy, PostTestScore: a.PostTestScore, Topics: topics, DocumentationStatus: api.ActivityDocumentationStatus(a.DocumentationStatus),
		ReviewStatus: api.ActivityReviewStatus(a.ReviewStatus), ReviewReason: optional(a.ReviewReason), SelfReported: true,
		Withdrawn: a.Withdrawn, CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy,
	}
}

// ListClinicalEntries lists a member's clinical case log.
func (s *Server) ListClinicalEntries(ctx context.Context, req api.ListClinicalEntriesRequestObject) (api.ListClinicalEntriesResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	es, err := s.store.ClinicalEntries(ctx, req.MemberID, fromDate(req.Params.From), fromDate(req.Params.To))
	if err != nil {
		return nil, err
	}
	es, next, err := pageOf(es, func(e recert.ClinicalEntry) string { return e.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.ClinicalEntryList{Items: make([]api.ClinicalEntry, len(es)), NextCursor: next}
	for i, e := range es {
		out.Items[i] = toClinicalEntry(e)
	}
	return api.ListClinicalEntries200JSONResponse(out), nil
}

// CreateClinicalEntry logs clinical activity.
func (s *Server) CreateClinicalEntry(ctx context.Context, req api.CreateClinicalEntryRequestObject) (api.CreateClinicalEntryResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	b := req.Body
	e, err := ledger.NewClinicalEntry(req.MemberID, ledger.ClinicalInput{Date: recert.DateOf(b.Date.Time), Type: string(b.Type),
		Role: string(b.Role), Count: value(b.Count), CaseReference: value(b.CaseReference)})
	if err != nil {
		return nil, err
	}
	key := s.idempotencyKey(ctx, value(req.Params.IdempotencyKey), "clinical", req.MemberID, *req.Body)
	res, err := s.idem.Do(ctx, key, func(ctx context.Context) (ledger.Response, error) {
		created, err := s.records.LogClinicalEntry(ctx, e, principalFrom(ctx).Subject)
		if err != nil {
			return ledger.Response{}, err
		}
		return jsonResponse(http.StatusCreated, toClinicalEntry(created))
	})
	if err != nil {
		return nil, err
	}
	return rawResponse(res), nil
}

// DeleteClinicalEntry withdraws a clinical entry.
func (s *Server) DeleteClinicalEntry(ctx context.Context, req api.DeleteClinicalEntryRequestObject) (api.DeleteClinicalEntryResponseObject, error) {
	if err := s.mustSeeMember(ctx, req.MemberID); err != nil {
		return nil, err
	}
	e, err := s.store.ClinicalEntry(ctx, req.EntryID)
	if err == nil && e.MemberID != req.MemberID {
		err = notFound("clinical entry", req.EntryID)
	}
	if err != nil {
		return nil, err
	}
	if err := s.records.WithdrawClinicalEntry(ctx, req.EntryID, principalFrom(ctx).Subject); err != nil {
		return nil, err
	}
	return api.DeleteClinicalEntry204Response{}, nil
}

func toClinicalEntry(e recert.ClinicalEntry) api.ClinicalEntry {
	return api.ClinicalEntry{ID: e.ID, MemberID: e.MemberID, Date: openapi_types.Date{Time: e.Date.Time()}, Type: e.Type,
		Role: api.ClinicalEntryRole(e.Role), Count: e.Count, HasCaseReference: e.CaseRefHash != nil,
		CreatedAt: e.CreatedAt, CreatedBy: e.CreatedBy}
}

// GetActivityHistory returns every step of an activity, oldest first.
func (s *Server) GetActivityHistory(ctx context.Context, req api.GetActivityHistoryRequestObject) (api.GetActivityHistoryResponseObject, error) {
	if _, err := s.visibleActivity(ctx, req.MemberID, req.ActivityID); err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	changes, err := s.store.ActivityHistory(ctx, req.ActivityID)
	if err != nil {
		return nil, err
	}
	changes, next, err := pageOf(changes, func(c recert.ActivityChange) string { return c.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.ActivityHistory{Items: make([]api.ActivityChange, len(changes)), NextCursor: next}
	for i, c := range changes {
		out.Items[i] = api.ActivityChange{ID: c.ID, At: c.At, Actor: c.Actor, Action: api.ActivityChangeAction(c.Action),
			Reason: optional(c.Reason), After: toActivity(c.After)}
		if c.Before != nil {
			out.Items[i].Before = ptr(toActivity(*c.Before))
		}
	}
	return api.GetActivityHistory200JSONResponse(out), nil
}
