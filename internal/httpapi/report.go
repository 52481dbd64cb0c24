package httpapi

import (
	"bytes"
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// GetReport renders one period of one program (or of a family of programs: abcp-ccp is
// ABCP's professional and clinical activity reports) as the lines a member transcribes into
// the board's filing system.
func (s *Server) GetReport(ctx context.Context, req api.GetReportRequestObject) (api.GetReportResponseObject, error) {
	orgs, err := s.memberScope(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	rep, err := s.report(ctx, req.MemberID, req.Params.Program, req.Params.Period, req.Params.AsOf, orgs)
	if err != nil {
		return nil, err
	}
	if wantsCSV(requestInfoFrom(ctx).accept) {
		b := ledger.ReportCSV(rep)
		return api.GetReport200TextCsvResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
	}
	return api.GetReport200JSONResponse(toReport(rep)), nil
}

// toReport converts the ledger's report to the contract's.
func toReport(rep ledger.Report) api.Report {
	out := api.Report{MemberID: rep.MemberID, MemberName: rep.MemberName, ABCPID: optional(rep.ABCPID), AsOf: civil(rep.AsOf)}
	for _, pr := range rep.Reports {
		r := api.ProgramReport{ProgramID: pr.ProgramID, ProgramName: pr.ProgramName, Start: civil(pr.Start), End: civil(pr.End),
			Deadline: pr.Deadline, Status: api.ProgramReportStatus(pr.Status), Summary: ptr(pr.Summary), UnitName: ptr(pr.UnitName), Notes: pr.Notes,
			Lines: make([]api.ReportLine, len(pr.Lines))}
		for _, t := range pr.Totals {
			r.Totals = append(r.Totals, api.ReportTotal{What: t.What, Required: t.Required, Claimed: t.Claimed, Counted: t.Counted, Remaining: t.Remaining})
		}
		for i, l := range pr.Lines {
			line := api.ReportLine{Date: civil(l.Date), Kind: l.Kind, Activity: ptr(l.Activity), Description: l.Description, Awarded: optional(l.Awarded),
				Claimed: ptr(l.Claimed), Counted: l.Counted, Verified: l.Verified}
			if l.Category != "" {
				line.Category = ptr(api.Category(l.Category))
			}
			if l.Role != "" {
				line.Role = ptr(api.ReportLineRole(l.Role))
			}
			r.Lines[i] = line
		}
		out.Reports = append(out.Reports, r)
	}
	return out
}

// civil is a date the contract writes as YYYY-MM-DD.
func civil(d progress.Date) openapi_types.Date { return openapi_types.Date{Time: d.Time()} }

// report is one period of one program (or family) of the member, as scope sees the record:
// the filing report, the transcript and the audit packet all read it.
func (s *Server) report(ctx context.Context, memberID, program string, period, asOf *openapi_types.Date, scope recert.Scope) (ledger.Report, error) {
	q := ledger.Query{MemberID: memberID, Program: program, Family: true, Scope: scope}
	var err error
	if period != nil {
		if q.Period, err = asOfDate(period); err != nil {
			return ledger.Report{}, err
		}
	}
	if q.AsOf, err = asOfDate(asOf); err != nil {
		return ledger.Report{}, err
	}
	return s.progress.Report(ctx, q)
}
