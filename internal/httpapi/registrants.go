package httpapi

import (
	"bytes"
	"context"
	"io"

	"github.com/recert-dev/recert/api"
	certpdf "github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/roster"
)

// AddRegistrants pre-registers an event's expected attendees, from JSON or a roster-layout
// CSV (sessions, if any, ignored): registration credits nothing.
func (s *Server) AddRegistrants(ctx context.Context, req api.AddRegistrantsRequestObject) (api.AddRegistrantsResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	rows, err := registrantRows(req)
	if err != nil {
		return nil, err
	}
	res, err := s.registrations.Register(ctx, ev.ID, rows, principalFrom(ctx).Subject)
	if err != nil {
		return nil, err
	}
	out := api.AddRegistrants200JSONResponse{Registered: res.Registered, AlreadyRegistered: res.Already, MembersCreated: res.Created,
		Rejected: []struct {
			Detail string `json:"detail"`
			Row    int    `json:"row"`
		}{}}
	for _, r := range res.Rejected {
		out.Rejected = append(out.Rejected, struct {
			Detail string `json:"detail"`
			Row    int    `json:"row"`
		}{Detail: r.Detail, Row: r.Row})
	}
	return out, nil
}

// registrantRows reads the request's people: JSON rows numbered from 1, CSV rows by line.
func registrantRows(req api.AddRegistrantsRequestObject) ([]ledger.RegistrantRow, error) {
	if req.JSONBody != nil {
		rows := make([]ledger.RegistrantRow, len(req.JSONBody.Registrants))
		for i, r := range req.JSONBody.Registrants {
			rows[i] = ledger.RegistrantRow{Row: i + 1, Name: r.Name, Email: string(value(r.Email)), ABCPID: value(r.ABCPID)}
		}
		return rows, nil
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	f, err := roster.Read(raw)
	if err != nil {
		return nil, err
	}
	if len(f.Rows) > ledger.MaxRegistrants {
		return nil, recert.Errorf(recert.ETOOLARGE, "%d registrants; at most %d are accepted per request", len(f.Rows), ledger.MaxRegistrants)
	}
	rows := make([]ledger.RegistrantRow, len(f.Rows))
	for i, r := range f.Rows {
		rows[i] = ledger.RegistrantRow{Row: r.Line, Name: r.Name, Email: r.Email, ABCPID: r.ABCPID}
	}
	return rows, nil
}

// ListRegistrants lists who is registered for the event.
func (s *Server) ListRegistrants(ctx context.Context, req api.ListRegistrantsRequestObject) (api.ListRegistrantsResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	list, err := s.store.Registrants(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	out := api.ListRegistrants200JSONResponse{Items: make([]api.Registrant, len(list))}
	for i, r := range list {
		out.Items[i] = api.Registrant{MemberID: r.MemberID, Name: r.Name, RegisteredAt: r.RegisteredAt}
	}
	return out, nil
}

// GetEventBadgesPDF draws a badge per registrant, each with the QR code of their check-in code.
func (s *Server) GetEventBadgesPDF(ctx context.Context, req api.GetEventBadgesPDFRequestObject) (api.GetEventBadgesPDFResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	if s.checkInKey.IsZero() {
		return nil, recert.Errorf(recert.ECONFLICT, "check-in codes are not set up on this service")
	}
	list, err := s.store.Registrants(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, recert.Errorf(recert.ECONFLICT, "%s has no registrants yet: register the expected attendees first", ev.Title)
	}
	badges := make([]certpdf.Badge, len(list))
	for i, r := range list {
		v, err := s.store.CheckInTokenVersion(ctx, r.MemberID)
		if err != nil {
			return nil, err
		}
		badges[i] = certpdf.Badge{Name: r.Name, Link: s.publicURL + "/app/c/" + s.checkInKey.SignCheckIn(r.MemberID, v)}
	}
	paper := render.Letter
	if req.Params.Paper != nil && *req.Params.Paper == api.GetEventBadgesPDFParamsPaperA4 {
		paper = render.A4
	}
	pdf, err := certpdf.BadgesPDF(ev, badges, paper, s.now())
	if err != nil {
		return nil, err
	}
	disposition := `inline; filename="badges-` + ev.ID + `.pdf"`
	return api.GetEventBadgesPDF200ApplicationPdfResponse{Body: bytes.NewReader(pdf), ContentLength: int64(len(pdf)),
		Headers: api.GetEventBadgesPDF200ResponseHeaders{ContentDisposition: &disposition}}, nil
}
