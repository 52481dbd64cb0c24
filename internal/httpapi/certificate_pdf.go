package httpapi

import (
	"bytes"
	"context"

	"github.com/recert-dev/recert/api"
	certpdf "github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
)

// GetCertificatePDF answers the printable certificate of an attendance: what its current
// credential states, with the QR code of that credential's verification page.
func (s *Server) GetCertificatePDF(ctx context.Context, req api.GetCertificatePDFRequestObject) (api.GetCertificatePDFResponseObject, error) {
	cred, err := s.currentCredential(ctx, req.AttendanceID)
	if err != nil {
		return nil, err
	}
	paper := render.Letter
	if req.Params.Paper != nil && *req.Params.Paper == api.GetCertificatePDFParamsPaperA4 {
		paper = render.A4
	}
	pdf, err := certpdf.PDF(paper, certpdf.FromCredential(cred, openbadges.VerifyURL(s.publicURL, cred.ID)))
	if err != nil {
		return nil, err
	}
	disposition := `inline; filename="certificate-` + req.AttendanceID + `.pdf"`
	return api.GetCertificatePDF200ApplicationPdfResponse{Body: bytes.NewReader(pdf), ContentLength: int64(len(pdf)),
		Headers: api.GetCertificatePDF200ResponseHeaders{ContentDisposition: &disposition}}, nil
}

// currentCredential is the credential of an attendance the caller may see, issued the first
// time it is asked for; a revoked attendance has none.
func (s *Server) currentCredential(ctx context.Context, attendanceID string) (recert.Credential, error) {
	a, _, err := s.visibleAttendance(ctx, attendanceID)
	if err != nil {
		return recert.Credential{}, err
	}
	return s.credentials.Current(ctx, a)
}

// GetEventCertificatesPDF answers every current attendance's certificate at an event, a page
// each, in the order of the attendees' names, for the event's organization to print.
func (s *Server) GetEventCertificatesPDF(ctx context.Context, req api.GetEventCertificatesPDFRequestObject) (api.GetEventCertificatesPDFResponseObject, error) {
	ev, err := s.managedEvent(ctx, req.EventID)
	if err != nil {
		return nil, err
	}
	paper := render.Letter
	if req.Params.Paper != nil && *req.Params.Paper == api.GetEventCertificatesPDFParamsPaperA4 {
		paper = render.A4
	}
	pdf, err := certpdf.EventPDF(ctx, s.store, s.credentials, ev, s.publicURL, paper, s.now())
	if err != nil {
		return nil, err
	}
	disposition := `inline; filename="certificates-` + ev.ID + `.pdf"`
	return api.GetEventCertificatesPDF200ApplicationPdfResponse{Body: bytes.NewReader(pdf), ContentLength: int64(len(pdf)),
		Headers: api.GetEventCertificatesPDF200ResponseHeaders{ContentDisposition: &disposition}}, nil
}
