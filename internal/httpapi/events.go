package httpapi

import (
	"context"
	"fmt"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// ListEvents is the public catalogue: published and cancelled events.
func (s *Server) ListEvents(ctx context.Context, req api.ListEventsRequestObject) (api.ListEventsResponseObject, error) {
	q := req.Params
	pg, err := page(q.Limit, q.Cursor)
	if err != nil {
		return nil, err
	}
	f := recert.EventFilter{Page: pg, From: fromDate(q.From), To: fromDate(q.To), Category: string(value(q.Category)),
		Format: string(value(q.Format)), Text: strings.TrimSpace(value(q.Q)),
		Statuses: []string{recert.EventPublished, recert.EventCancelled}, Scope: recert.AllOrganizations()}
	if q.OrganizationID != nil {
		f.Scope = recert.OrganizationsScope(*q.OrganizationID)
	}
	events, next, err := s.store.Events(ctx, f)
	if err != nil {
		return nil, err
	}
	return api.ListEvents200JSONResponse{Items: toEvents(events), NextCursor: nextCursor(next)}, nil
}

func toEvents(events []recert.Event) []api.Event {
	items := make([]api.Event, len(events))
	for i, e := range events {
		items[i] = toEvent(e)
	}
	return items
}

// ListOrganizationEvents lists an organization's events, drafts included, for its organizers.
func (s *Server) ListOrganizationEvents(ctx context.Context, req api.ListOrganizationEventsRequestObject) (api.ListOrganizationEventsResponseObject, error) {
	if !canSeeOrganization(principalFrom(ctx), req.OrganizationID) {
		return nil, notFound("organization", req.OrganizationID)
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	f := recert.EventFilter{Page: pg, Scope: recert.OrganizationsScope(req.OrganizationID)}
	if req.Params.Status != nil {
		f.Statuses = []string{string(*req.Params.Status)}
	}
	events, next, err := s.store.Events(ctx, f)
	if err != nil {
		return nil, err
	}
	return api.ListOrganizationEvents200JSONResponse{Items: toEvents(events), NextCursor: nextCursor(next)}, nil
}

// CreateEvent creates a draft event for an organization the caller acts for.
func (s *Server) CreateEvent(ctx context.Context, req api.CreateEventRequestObject) (api.CreateEventResponseObject, error) {
	p := principalFrom(ctx)
	if !canSeeOrganization(p, req.OrganizationID) {
		return nil, notFound("organization", req.OrganizationID)
	}
	created, err := s.events.Create(ctx, req.OrganizationID, fromEventInput(*req.Body), p.Subject)
	if err != nil {
		return nil, err
	}
	out := toEvent(created)
	if out.Warnings, err = s.sharedApproval(ctx, created); err != nil {
		return nil, err
	}
	return api.CreateEvent201JSONResponse{Body: out, Headers: api.CreateEvent201ResponseHeaders{ETag: ptr(etag(created.Version))}}, nil
}

// sharedApproval names the other live events, as the caller may see them, that hold e's ABCP
// approval reference. ABCP gives one approval to an offering repeated over a year, so sharing
// is allowed; a member credited under one approval on one day counts it once.
func (s *Server) sharedApproval(ctx context.Context, e recert.Event) ([]string, error) {
	if e.ApprovalRef == "" {
		return nil, nil
	}
	others, _, err := s.store.Events(ctx, recert.EventFilter{Page: recert.Page{Limit: 6}, ApprovalRef: e.ApprovalRef,
		Statuses: []string{recert.EventDraft, recert.EventPublished}, Scope: recert.AllOrganizations()})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range others {
		if o.ID == e.ID || o.Status == recert.EventDraft && !canSeeOrganization(principalFrom(ctx), o.OrganizationID) {
			continue
		}
		out = append(out, fmt.Sprintf("ABCP approval %s is also held by the event %q (%s, %s): "+
			"a member credited for it by both events on the same day counts it once.", e.ApprovalRef, o.Title, o.ID, o.StartDate))
	}
	return out, nil
}

// GetEvent returns a published or cancelled event to anyone, a draft to its organization.
func (s *Server) GetEvent(ctx context.Context, req api.GetEventRequestObject) (api.GetEventResponseObject, error) {
	e, err := s.store.Event(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	if e.Status == recert.EventDraft && !canSeeOrganization(principalFrom(ctx), e.OrganizationID) {
		return nil, notFound("event", req.EventID)
	}
	return api.GetEvent200JSONResponse{Body: toEvent(e), Headers: api.GetEvent200ResponseHeaders{ETag: ptr(etag(e.Version))}}, nil
}

// managedEvent returns an event the caller manages: administrators any, organizers and apps
// their organizations'.
func (s *Server) managedEvent(ctx context.Context, id string) (recert.Event, error) {
	e, err := s.store.Event(ctx, id)
	if err != nil {
		return e, err
	}
	if !canSeeOrganization(principalFrom(ctx), e.OrganizationID) {
		return e, notFound("event", id)
	}
	return e, nil
}

// UpdateEvent replaces an event's details and sessions.
func (s *Server) UpdateEvent(ctx context.Context, req api.UpdateEventRequestObject) (api.UpdateEventResponseObject, error) {
	if _, err := s.managedEvent(ctx, req.EventID); err != nil {
		return nil, err
	}
	version, err := ifMatch(&req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	e, err := s.events.Update(ctx, req.EventID, version, fromEventInput(*req.Body), principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	return api.UpdateEvent200JSONResponse{Body: toEvent(e), Headers: api.UpdateEvent200ResponseHeaders{ETag: ptr(etag(e.Version))}}, nil
}

// PublishEvent puts a draft in the catalogue and opens it to attendance.
func (s *Server) PublishEvent(ctx context.Context, req api.PublishEventRequestObject) (api.PublishEventResponseObject, error) {
	e, err := s.setStatus(ctx, req.EventID, recert.EventPublished)
	if err != nil {
		return nil, err
	}
	return api.PublishEvent200JSONResponse(toEvent(e)), nil
}

// CancelEvent closes an event to attendance.
func (s *Server) CancelEvent(ctx context.Context, req api.CancelEventRequestObject) (api.CancelEventResponseObject, error) {
	e, err := s.setStatus(ctx, req.EventID, recert.EventCancelled)
	if err != nil {
		return nil, err
	}
	return api.CancelEvent200JSONResponse(toEvent(e)), nil
}

func (s *Server) setStatus(ctx context.Context, id, to string) (recert.Event, error) {
	if _, err := s.managedEvent(ctx, id); err != nil {
		return recert.Event{}, err
	}
	return s.events.SetStatus(ctx, id, to, principalFrom(ctx).Subject)
}

// fromEventInput reads an event as the contract has it; ledger.CheckEvent checks it. A
// session's CEUs that do not parse are zero, which it refuses.
func fromEventInput(in api.EventInput) recert.Event {
	e := recert.Event{
		Title: in.Title, Description: value(in.Description), Format: string(in.Format), Location: value(in.Location),
		URL: value(in.URL), TimeZone: in.TimeZone, StartDate: recert.DateOf(in.StartDate.Time), EndDate: recert.DateOf(in.EndDate.Time),
		ApprovalRef: strings.TrimSpace(value(in.ApprovalRef)), Category: string(value(in.Category)),
		ApprovedBy: value(in.ApprovedBy), EmailCertificates: value(in.EmailCertificates),
		CheckIn: fromCheckInRules(in.CheckIn),
	}
	for _, si := range in.Sessions {
		ceus, _ := recert.ParseUnits(si.Ceus)
		e.Sessions = append(e.Sessions, recert.Session{ID: value(si.ID), Code: value(si.Code), Category: string(value(si.Category)), Title: si.Title,
			Date: recert.DateOf(si.Date.Time), StartTime: value(si.StartTime), EndTime: value(si.EndTime), CEUs: ceus, Topics: si.Topics,
			ApprovedBy: value(si.ApprovedBy), CheckInFrom: value(si.CheckInFrom), CheckInUntil: value(si.CheckInUntil)})
	}
	return e
}

// fromCheckInRules reads an event's check-in rules: self check-in is on unless turned off.
func fromCheckInRules(in *api.CheckInRules) recert.CheckInRules {
	if in == nil {
		return recert.CheckInRules{}
	}
	return recert.CheckInRules{Policy: recert.PresencePolicy(value(in.PresencePolicy)), SharePercent: value(in.PresenceSharePercent),
		SelfCheckInOff: in.SelfCheckIn != nil && !*in.SelfCheckIn, RegistrationRequired: value(in.RegistrationRequired)}
}

func toCheckInRules(r recert.CheckInRules) *api.CheckInRules {
	out := &api.CheckInRules{SelfCheckIn: ptr(!r.SelfCheckInOff), RegistrationRequired: ptr(r.RegistrationRequired)}
	if r.Policy != "" {
		out.PresencePolicy = ptr(api.CheckInRulesPresencePolicy(r.Policy))
	}
	if r.Policy == recert.PresenceShare {
		out.PresenceSharePercent = ptr(r.SharePercent)
	}
	return out
}

func toEvent(e recert.Event) api.Event {
	out := api.Event{
		ID: e.ID, OrganizationID: e.OrganizationID, Title: e.Title, Description: optional(e.Description),
		Format: api.EventFormat(e.Format), Location: optional(e.Location), URL: optional(e.URL), TimeZone: e.TimeZone,
		StartDate: openapi_types.Date{Time: e.StartDate.Time()}, EndDate: openapi_types.Date{Time: e.EndDate.Time()},
		Status: api.EventStatus(e.Status), ApprovalRef: optional(e.ApprovalRef), Category: api.EventCategory(e.Category),
		ApprovedBy: e.ApprovedBy, EmailCertificates: e.EmailCertificates,
		CheckIn: toCheckInRules(e.CheckIn),
		Ceus:    e.CEUs().String(), Sessions: make([]api.Session, len(e.Sessions)), Version: e.Version,
		CreatedAt: e.CreatedAt, CreatedBy: e.CreatedBy, UpdatedAt: e.UpdatedAt, UpdatedBy: e.UpdatedBy,
	}
	for i, s := range e.Sessions {
		topics := s.Topics
		if topics == nil {
			topics = []string{}
		}
		out.Sessions[i] = api.Session{ID: s.ID, Code: s.Code, Category: api.Category(e.SessionCategory(s)), Title: s.Title, Date: openapi_types.Date{Time: s.Date.Time()},
			StartTime: optional(s.StartTime), EndTime: optional(s.EndTime), Ceus: s.CEUs.String(), Topics: topics,
			ApprovedBy: s.ApprovedBy, CheckInFrom: optional(s.CheckInFrom), CheckInUntil: optional(s.CheckInUntil)}
	}
	return out
}
