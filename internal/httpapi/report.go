package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// GetReport renders one period of one program as the lines a member transcribes into the
// board's filing system.
func (s *Server) GetReport(ctx context.Context, req api.GetReportRequestObject) (api.GetReportResponseObject, error) {
	orgs, err := s.memberScope(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	m, err := s.store.Member(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	asOf := progress.DateOf(s.now())
	if req.Params.Period != nil {
		asOf = progress.DateOf(req.Params.Period.Time)
	}
	programs, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	selected, err := reportPrograms(programs, m, req.Params.Program, asOf)
	if err != nil {
		return nil, err
	}
	l, err := s.loadLedger(ctx, req.MemberID, orgs)
	if err != nil {
		return nil, err
	}
	rep := api.Report{MemberID: m.ID, MemberName: m.Name, ABCPID: optional(m.ABCPID)}
	for _, p := range selected {
		facts := factsFor(m, p)
		facts.Leave = l.leave
		pr := api.ProgramReport{ProgramID: p.ID, ProgramName: p.Name, Lines: []api.ReportLine{}}
		if p.Kind == "clinical" {
			err = clinicalReport(&pr, p, facts, l, asOf)
		} else {
			err = creditReport(&pr, p, facts, l, asOf)
		}
		if err != nil {
			return nil, &recert.Error{Code: recert.EINVALID, Message: p.ID + ": " + err.Error(), Err: err}
		}
		rep.Reports = append(rep.Reports, pr)
	}
	if wantsCSV(requestInfoFrom(ctx).accept) {
		b := reportCSV(rep)
		return api.GetReport200TextCsvResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
	}
	return api.GetReport200JSONResponse(rep), nil
}

// reportPrograms selects a program by id, or a family of programs by the prefix of their
// ids: abcp-ccp is ABCP's professional (abcp-ccp-ceu) and clinical (abcp-ccp-clinical) reports.
func reportPrograms(programs []progress.Program, m recert.Member, name string, asOf progress.Date) ([]progress.Program, error) {
	var out []progress.Program
	seen := map[string]bool{}
	for _, p := range programs {
		if (p.ID == name || strings.HasPrefix(p.ID, name+"-")) && !seen[p.ID] {
			seen[p.ID] = true
			one, err := selectPrograms(programs, m, p.ID, asOf)
			if err != nil {
				return nil, err
			}
			out = append(out, one...)
		}
	}
	if len(out) == 0 {
		return nil, notFound("program", name)
	}
	return out, nil
}

func creditReport(rep *api.ProgramReport, p progress.Program, f progress.Facts, l ledger, asOf progress.Date) error {
	ev, err := progress.Evaluate(p, f, l.credits, asOf)
	if err != nil {
		return err
	}
	per := currentPeriod(ev.Periods, func(r progress.PeriodResult) progress.PeriodInfo { return r.PeriodInfo })
	if per == nil {
		return errNoPeriod
	}
	setPeriod(rep, per.PeriodInfo)
	for _, c := range per.Credits {
		if c.NotCounted == progress.ReasonRejected {
			continue // nothing to file: an administrator rejected it
		}
		line := api.ReportLine{Date: civil(c.Date), Kind: string(c.ActivityType), Description: l.about[c.ID],
			Claimed: ptr(c.Claimed.String()), Counted: c.Counted.String(), Verified: ptr(c.Verified)}
		if c.Category != "" {
			line.Category = ptr(api.Category(c.Category))
		}
		rep.Lines = append(rep.Lines, line)
	}
	return nil
}

func clinicalReport(rep *api.ProgramReport, p progress.Program, f progress.Facts, l ledger, asOf progress.Date) error {
	ev, err := progress.EvaluateClinical(p, f, l.entries, asOf)
	if err != nil {
		return err
	}
	per := currentPeriod(ev.Periods, func(r progress.ClinicalPeriodResult) progress.PeriodInfo { return r.PeriodInfo })
	if per == nil {
		return errNoPeriod
	}
	setPeriod(rep, per.PeriodInfo)
	for _, e := range per.Entries {
		rep.Lines = append(rep.Lines, api.ReportLine{Date: civil(e.Date), Kind: e.Type, Role: ptr(api.ReportLineRole(e.Role)),
			Description: l.about[e.ID], Claimed: ptr(strconv.Itoa(e.Count)), Counted: strconv.Itoa(e.Counted)})
	}
	return nil
}

var errNoPeriod = recert.Errorf(recert.EINVALID, "the member has no period of this program at that date")

// currentPeriod finds the period containing the as-of date.
func currentPeriod[T any](periods []T, info func(T) progress.PeriodInfo) *T {
	for i := range periods {
		if info(periods[i]).Relation == "current" {
			return &periods[i]
		}
	}
	return nil
}

func setPeriod(rep *api.ProgramReport, p progress.PeriodInfo) {
	rep.Start, rep.End, rep.Deadline, rep.Status = civil(p.Start), civil(p.End), p.Deadline, api.ProgramReportStatus(p.Status)
}

// civil is a date the contract writes as YYYY-MM-DD.
func civil(d progress.Date) openapi_types.Date { return openapi_types.Date{Time: d.Time()} }

func reportCSV(rep api.Report) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"program", "date", "kind", "category", "role", "description", "claimed", "counted", "verified"})
	for _, pr := range rep.Reports {
		for _, l := range pr.Lines {
			verified := ""
			if l.Verified != nil {
				verified = strconv.FormatBool(*l.Verified)
			}
			_ = w.Write([]string{pr.ProgramID, l.Date.String(), l.Kind, string(value(l.Category)), string(value(l.Role)),
				l.Description, value(l.Claimed), l.Counted, verified})
		}
	}
	w.Flush()
	return buf.Bytes()
}
