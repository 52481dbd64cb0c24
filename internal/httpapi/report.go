package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/safecsv"
)

// GetReport renders one period of one program (or of a family of programs: abcp-ccp is
// ABCP's professional and clinical activity reports) as the lines a member transcribes into
// the board's filing system.
func (s *Server) GetReport(ctx context.Context, req api.GetReportRequestObject) (api.GetReportResponseObject, error) {
	orgs, err := s.memberScope(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	q := ledger.Query{MemberID: req.MemberID, Program: req.Params.Program, Family: true, OrganizationIDs: orgs}
	if req.Params.Period != nil {
		q.AsOf = progress.DateOf(req.Params.Period.Time)
	}
	res, err := s.progress.Evaluate(ctx, q)
	if err != nil {
		return nil, err
	}
	m := res.Member
	rep := api.Report{MemberID: m.ID, MemberName: m.Name, ABCPID: optional(m.ABCPID)}
	for _, e := range res.Programs {
		pr := api.ProgramReport{ProgramID: e.Program.ID, ProgramName: e.Program.Name, Lines: []api.ReportLine{}}
		switch {
		case e.Problem != nil:
			err = e.Problem
		case e.Clinical != nil:
			err = clinicalReport(&pr, *e.Clinical, res.About)
		default:
			err = creditReport(&pr, *e.CEU, res.About)
		}
		if err != nil {
			return nil, &recert.Error{Code: recert.EINVALID, Message: e.Program.ID + ": " + err.Error(), Err: err}
		}
		rep.Reports = append(rep.Reports, pr)
	}
	if wantsCSV(requestInfoFrom(ctx).accept) {
		b := reportCSV(rep)
		return api.GetReport200TextCsvResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
	}
	return api.GetReport200JSONResponse(rep), nil
}

func creditReport(rep *api.ProgramReport, ev progress.Evaluation, about map[string]string) error {
	per := currentPeriod(ev.Periods, func(r progress.PeriodResult) progress.PeriodInfo { return r.PeriodInfo })
	if per == nil {
		return errNoPeriod
	}
	setPeriod(rep, per.PeriodInfo)
	rep.UnitName = ptr(unitName(ev.Unit))
	rep.Totals = creditTotals(*per, unitName(ev.Unit))
	for _, c := range per.Credits {
		if c.NotCounted == progress.ReasonRejected {
			continue // nothing to file: an administrator rejected it
		}
		line := api.ReportLine{Date: civil(c.Date), Kind: string(c.ActivityType), Activity: ptr(ledger.ActivityWords(string(c.ActivityType))),
			Description: about[c.ID], Claimed: ptr(c.Claimed.String()), Counted: c.Counted.String(), Verified: ptr(c.Verified)}
		if c.Category != "" {
			line.Category = ptr(api.Category(c.Category))
		}
		rep.Lines = append(rep.Lines, line)
	}
	return nil
}

// creditTotals are a credit period's totals: everything, each category (with its minimum when
// the program has one), then the other requirements.
func creditTotals(per progress.PeriodResult, unit string) []api.ReportTotal {
	out := []api.ReportTotal{{What: "All " + unit, Required: ptr(per.Required.String()), Claimed: ptr((per.Claimed + per.CarriedIn).String()),
		Counted: (per.Counted + per.CarriedIn).String(), Remaining: ptr(per.Remaining.String())}}
	used := map[string]bool{"total": true}
	for _, c := range per.ByCategory {
		t := api.ReportTotal{What: fmt.Sprintf("Category %s %s", c.Category, unit), Claimed: ptr(c.Claimed.String()), Counted: c.Counted.String()}
		if c.Category == progress.CategoryNone {
			t.What = "Without an ABCP category"
		}
		for _, q := range per.Requirements {
			if q.Kind == progress.RequirementCategory && q.Category == c.Category && len(q.ExcludeActivityTypes) == 0 {
				t.Required, t.Remaining, used[q.ID] = ptr(q.Required.String()), ptr(q.Remaining.String()), true
			}
		}
		out = append(out, t)
	}
	for _, q := range per.Requirements {
		if !used[q.ID] {
			t := api.ReportTotal{What: q.What, Required: ptr(q.Required.String()), Counted: q.Counted.String(), Remaining: ptr(q.Remaining.String())}
			if q.RequiredCount != nil {
				t.What = "Courses on " + strings.ReplaceAll(q.Topic, "_", " ")
				t.Required, t.Counted = ptr(strconv.Itoa(*q.RequiredCount)), strconv.Itoa(*q.CountedCount)
				t.Remaining = ptr(strconv.Itoa(max(0, *q.RequiredCount-*q.CountedCount)))
			}
			out = append(out, t)
		}
	}
	return out
}

func clinicalReport(rep *api.ProgramReport, ev progress.ClinicalEvaluation, about map[string]string) error {
	per := currentPeriod(ev.Periods, func(r progress.ClinicalPeriodResult) progress.PeriodInfo { return r.PeriodInfo })
	if per == nil {
		return errNoPeriod
	}
	setPeriod(rep, per.PeriodInfo)
	rep.UnitName = ptr("clinical activities")
	r, itoa := per.Requirement, strconv.Itoa
	rep.Totals = []api.ReportTotal{
		{What: "All clinical activities", Required: ptr(itoa(r.Total)), Claimed: ptr(itoa(per.Logged.Total)),
			Counted: itoa(per.Counted.Total), Remaining: ptr(itoa(per.Remaining.Total))},
		{What: "Primary", Required: ptr(itoa(r.PrimaryMin)), Claimed: ptr(itoa(per.Logged.Primary)),
			Counted: itoa(per.Counted.Primary), Remaining: ptr(itoa(per.Remaining.Primary))},
		{What: fmt.Sprintf("Secondary (counted up to %d)", r.SecondaryMax), Claimed: ptr(itoa(per.Logged.Secondary)),
			Counted: itoa(per.Counted.Secondary)},
	}
	for _, e := range per.Entries {
		rep.Lines = append(rep.Lines, api.ReportLine{Date: civil(e.Date), Kind: e.Type, Activity: ptr(ledger.ClinicalWords(e.Type)),
			Role: ptr(api.ReportLineRole(e.Role)), Description: about[e.ID], Claimed: ptr(strconv.Itoa(e.Count)), Counted: strconv.Itoa(e.Counted)})
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
	rep.Summary = ptr(p.Summary.Sentence)
}

// civil is a date the contract writes as YYYY-MM-DD.
func civil(d progress.Date) openapi_types.Date { return openapi_types.Date{Time: d.Time()} }

// reportCSV writes the lines, a blank row, then the totals of each report with its deadline.
func reportCSV(rep api.Report) []byte {
	var buf bytes.Buffer
	w := safecsv.NewWriter(&buf)
	_ = w.Write([]string{"program", "date", "kind", "activity", "category", "role", "description", "claimed", "counted", "verified"})
	for _, pr := range rep.Reports {
		for _, l := range pr.Lines {
			verified := ""
			if l.Verified != nil {
				verified = strconv.FormatBool(*l.Verified)
			}
			_ = w.Write([]string{pr.ProgramID, l.Date.String(), l.Kind, value(l.Activity), string(value(l.Category)), string(value(l.Role)),
				l.Description, value(l.Claimed), l.Counted, verified})
		}
	}
	_ = w.Write([]string{})
	_ = w.Write([]string{"program", "totals", "required", "claimed", "counted", "remaining", "period start", "period end", "deadline", "status"})
	for _, pr := range rep.Reports {
		for _, t := range pr.Totals {
			_ = w.Write([]string{pr.ProgramID, t.What, value(t.Required), value(t.Claimed), t.Counted, value(t.Remaining),
				pr.Start.String(), pr.End.String(), pr.Deadline.Format(time.RFC3339), string(pr.Status)})
		}
	}
	w.Flush()
	return buf.Bytes()
}
