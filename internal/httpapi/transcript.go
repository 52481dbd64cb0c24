package httpapi

import (
	"bytes"
	"context"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/transcript"
)

// GetTranscriptPDF answers a member's transcript of one program period, for the member and
// administrators.
func (s *Server) GetTranscriptPDF(ctx context.Context, req api.GetTranscriptPDFRequestObject) (api.GetTranscriptPDFResponseObject, error) {
	if err := s.ownRecord(ctx, req.MemberID); err != nil {
		return nil, err
	}
	rep, err := s.report(ctx, req.MemberID, req.Params.Program, req.Params.Period, req.Params.AsOf, recert.AllOrganizations())
	if err != nil {
		return nil, err
	}
	pdf, err := transcript.PDF(render.Letter, transcript.FromReport(rep))
	if err != nil {
		return nil, err
	}
	disposition := `inline; filename="transcript-` + req.MemberID + `.pdf"`
	return api.GetTranscriptPDF200ApplicationPdfResponse{Body: bytes.NewReader(pdf), ContentLength: int64(len(pdf)),
		Headers: api.GetTranscriptPDF200ResponseHeaders{ContentDisposition: &disposition}}, nil
}

// ownRecord lets through the member themself and administrators; anyone else who can see
// the member is refused, and to others the member does not exist.
func (s *Server) ownRecord(ctx context.Context, memberID string) error {
	p := principalFrom(ctx)
	if p.IsAdmin() || (p.Role == recert.RoleMember && p.MemberID == memberID) {
		return nil
	}
	if _, err := s.memberScope(ctx, memberID); err != nil {
		return err
	}
	return recert.Errorf(recert.EFORBIDDEN, "only the member and administrators read a member's transcript")
}
