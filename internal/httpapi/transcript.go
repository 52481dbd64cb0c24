package httpapi

import (
	"bytes"
	"context"
	"strings"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
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
	q := ledger.Query{MemberID: req.MemberID, Program: req.Params.Program, Family: true, Scope: recert.AllOrganizations()}
	var err error
	if req.Params.Period != nil {
		if q.Period, err = asOfDate(req.Params.Period); err != nil {
			return nil, err
		}
	}
	if q.AsOf, err = asOfDate(req.Params.AsOf); err != nil {
		return nil, err
	}
	rep, err := s.progress.Report(ctx, q)
	if err != nil {
		return nil, err
	}
	pdf, err := transcript.PDF(render.Letter, transcriptOf(rep))
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

// transcriptOf is what a filing report's transcript states.
func transcriptOf(rep ledger.Report) transcript.Transcript {
	t := transcript.Transcript{MemberName: rep.MemberName, ABCPID: rep.ABCPID, AsOf: rep.AsOf.Time()}
	for _, pr := range rep.Reports {
		words := pr.Status.Words()
		if words != "" {
			words = strings.ToUpper(words[:1]) + words[1:]
		}
		p := transcript.Program{Name: pr.ProgramName, Start: pr.Start.Time(), End: pr.End.Time(), Status: words,
			Summary: pr.Summary, UnitName: pr.UnitName, Notes: pr.Notes}
		for _, l := range pr.Lines {
			line := transcript.Line{Date: l.Date.Time(), Activity: l.Activity, Description: l.Description, Category: l.Category,
				Claimed: l.Claimed, Counted: l.Counted}
			if l.Verified != nil {
				line.Verification = "Self-reported"
				if *l.Verified {
					line.Verification = "Verified"
				}
			}
			p.Lines = append(p.Lines, line)
		}
		for _, tot := range pr.Totals {
			p.Totals = append(p.Totals, transcript.Total{What: tot.What, Required: value(tot.Required), Claimed: value(tot.Claimed),
				Counted: tot.Counted, Remains: value(tot.Remaining)})
		}
		for _, n := range pr.NotCounted {
			p.NotCounted = append(p.NotCounted, transcript.NotCounted{Date: n.Date.Time(), Description: n.Description, Amount: n.Amount, Why: n.Why})
		}
		t.Programs = append(t.Programs, p)
	}
	return t
}
