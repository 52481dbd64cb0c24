package ledger

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/safecsv"
)

// Report is what a member transcribes into a board's filing system: for each program, the
// lines of its current period and their totals.
type Report struct {
	MemberID, MemberName, ABCPID string
	// AsOf is the day the report is read on.
	AsOf    recert.Date
	Reports []ProgramReport
}

// ProgramReport is one program's period.
type ProgramReport struct {
	ProgramID, ProgramName string
	Start, End             recert.Date
	Deadline               time.Time
	Status                 progress.Status
	Summary                string
	UnitName               string // CEUs, hours, or clinical activities
	// Notes say how the figures relate where they might puzzle a reader (Decision 21).
	Notes  []string
	Totals []ReportTotal
	Lines  []ReportLine
	// NotCounted is every credit, or part of one, the period does not count, with why
	// (credit programs only).
	NotCounted []ReportNotCounted
}

// ReportNotCounted is a credit, or part of one, a period does not count.
type ReportNotCounted struct {
	Date        recert.Date
	Description string
	Amount      string
	Why         string
}

// ReportLine is one credit or clinical entry of a report, in people's words.
type ReportLine struct {
	Date        recert.Date
	Kind        string // the activity or clinical type
	Activity    string // the kind in words
	Category    string // "" for clinical entries
	Role        string // primary or secondary, for clinical entries
	Description string
	Awarded     string // CEUs as awarded, when the program counts another unit
	Claimed     string
	Counted     string
	Verified    *bool // credits only
}

// ReportTotal is one total of a report; Required and Remaining are nil where no rule sets one.
type ReportTotal struct {
	What                         string
	Required, Claimed, Remaining *string
	Counted                      string
}

// Report renders one period of one program (or, with q.Family, of a family of programs:
// abcp-ccp is ABCP's professional and clinical activity reports).
func (p *Progress) Report(ctx context.Context, q Query) (Report, error) {
	res, err := p.Evaluate(ctx, q)
	if err != nil {
		return Report{}, err
	}
	m := res.Member
	rep := Report{MemberID: m.ID, MemberName: m.Name, ABCPID: m.ABCPID, AsOf: q.AsOf}
	if rep.AsOf.IsZero() {
		rep.AsOf = recert.DateOf(p.now().UTC())
	}
	for _, e := range res.Programs {
		pr := ProgramReport{ProgramID: e.Program.ID, ProgramName: e.Program.Name, Lines: []ReportLine{}}
		switch {
		case e.Problem != nil:
			err = e.Problem
		case e.Clinical != nil:
			err = clinicalReport(&pr, *e.Clinical, res.About)
		default:
			err = creditReport(&pr, *e.CEU, res.About)
		}
		if sentence, ok := progress.SetupSentence(err); ok {
			// No period can be laid out: the report says what to enter, as progress does.
			return Report{}, &recert.Error{Code: recert.EINVALID, Message: e.Program.Name + ": " + sentence, Err: err}
		}
		if err != nil {
			return Report{}, &recert.Error{Code: recert.EINVALID, Message: e.Program.ID + ": " + err.Error(), Err: err}
		}
		rep.Reports = append(rep.Reports, pr)
	}
	return rep, nil
}

func unitName(u progress.Unit) string {
	if u == progress.Hour60 {
		return "hours"
	}
	return "CEUs"
}

func creditReport(rep *ProgramReport, ev progress.Evaluation, about map[string]string) error {
	per := currentPeriod(ev.Periods, func(r progress.PeriodResult) progress.PeriodInfo { return r.PeriodInfo })
	if per == nil {
		return errNoPeriod
	}
	setPeriod(rep, per.PeriodInfo)
	rep.UnitName = unitName(ev.Unit)
	rep.Totals = creditTotals(*per, rep.UnitName)
	var lines progress.Units
	for _, c := range per.Credits {
		if c.NotCounted == progress.ReasonRejected {
			continue // nothing to file: an administrator rejected it
		}
		verified := c.Verified
		line := ReportLine{Date: c.Date, Kind: string(c.ActivityType), Activity: CreditActivityWords(c),
			Category: string(c.Category), Description: about[c.ID], Claimed: c.Claimed.String(), Counted: c.Counted.String(), Verified: &verified}
		if c.Awarded != 0 {
			line.Awarded = c.Awarded.String()
		}
		lines += c.Counted
		rep.Lines = append(rep.Lines, line)
	}
	for _, n := range per.NotCounted {
		rep.NotCounted = append(rep.NotCounted, ReportNotCounted{Date: n.Date, Description: about[n.CreditID], Amount: n.Amount.String(), Why: n.Detail})
	}
	if diff := per.Counted - lines; diff != 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("Each line is rounded down to 0.01 %s and the total is rounded once from the exact sum, "+
			"so the lines add up to %s and the total counted is %s (%s more).", rep.UnitName, lines, per.Counted, diff))
	}
	return nil
}

// CreditActivityWords names a credit's activity following its category and approver: a
// meeting is "ABCP-approved" only when it is ABCP Category I.
func CreditActivityWords(c progress.CreditResult) string {
	if c.ActivityType != progress.MeetingAttendance || c.Category == progress.CategoryI || c.Category == "" {
		return ActivityWords(string(c.ActivityType))
	}
	for _, a := range c.ApprovedBy {
		if a != progress.ApproverABCP {
			return "Meeting or live webinar approved by " + progress.ApproverWords(a)
		}
	}
	if c.Category == progress.CategoryNone {
		return "Meeting or live webinar"
	}
	return "Meeting or live webinar (ABCP Category " + string(c.Category) + ")"
}

func ptr[T any](v T) *T { return &v }

// creditTotals are a credit period's totals: everything, each category (with its minimum when
// the program has one), then the other requirements.
func creditTotals(per progress.PeriodResult, unit string) []ReportTotal {
	out := []ReportTotal{{What: "All " + unit, Required: ptr(per.Required.String()), Claimed: ptr((per.Claimed + per.CarriedIn).String()),
		Counted: (per.Counted + per.CarriedIn).String(), Remaining: ptr(per.Remaining.String())}}
	used := map[string]bool{"total": true}
	for _, c := range per.ByCategory {
		t := ReportTotal{What: fmt.Sprintf("Category %s %s", c.Category, unit), Claimed: ptr(c.Claimed.String()), Counted: c.Counted.String()}
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
			t := ReportTotal{What: q.What, Required: ptr(q.Required.String()), Counted: q.Counted.String(), Remaining: ptr(q.Remaining.String())}
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

func clinicalReport(rep *ProgramReport, ev progress.ClinicalEvaluation, about map[string]string) error {
	per := currentPeriod(ev.Periods, func(r progress.ClinicalPeriodResult) progress.PeriodInfo { return r.PeriodInfo })
	if per == nil {
		return errNoPeriod
	}
	setPeriod(rep, per.PeriodInfo)
	rep.UnitName = "clinical activities"
	r, itoa := per.Requirement, strconv.Itoa
	rep.Totals = []ReportTotal{
		{What: "All clinical activities", Required: ptr(itoa(r.Total)), Claimed: ptr(itoa(per.Logged.Total)),
			Counted: itoa(per.Counted.Total), Remaining: ptr(itoa(per.Remaining.Total))},
		{What: "Primary", Required: ptr(itoa(r.PrimaryMin)), Claimed: ptr(itoa(per.Logged.Primary)),
			Counted: itoa(per.Counted.Primary), Remaining: ptr(itoa(per.Remaining.Primary))},
		{What: fmt.Sprintf("Secondary (counted up to %d)", r.SecondaryMax), Claimed: ptr(itoa(per.Logged.Secondary)),
			Counted: itoa(per.Counted.Secondary)},
	}
	for _, e := range per.Entries {
		rep.Lines = append(rep.Lines, ReportLine{Date: e.Date, Kind: e.Type, Activity: ClinicalWords(e.Type),
			Role: string(e.Role), Description: about[e.ID], Claimed: strconv.Itoa(e.Count), Counted: strconv.Itoa(e.Counted)})
	}
	return nil
}

var errNoPeriod = recert.Errorf(recert.EINVALID, "the member has no period of this program at that date")

// currentPeriod finds the period containing the as-of date.
func currentPeriod[T any](periods []T, info func(T) progress.PeriodInfo) *T {
	for i := range periods {
		if info(periods[i]).Relation == progress.Current {
			return &periods[i]
		}
	}
	return nil
}

func setPeriod(rep *ProgramReport, p progress.PeriodInfo) {
	rep.Start, rep.End, rep.Deadline, rep.Status, rep.Summary = p.Start, p.End, p.Deadline, p.Status, p.Summary.Sentence
}

// ReportCSV writes the lines, a blank row, then the totals of each report with its deadline.
func ReportCSV(rep Report) []byte {
	var buf bytes.Buffer
	w := safecsv.NewWriter(&buf)
	_ = w.Write([]string{"program", "date", "kind", "activity", "category", "role", "description", "claimed", "counted", "verified"})
	for _, pr := range rep.Reports {
		for _, l := range pr.Lines {
			verified := ""
			if l.Verified != nil {
				verified = strconv.FormatBool(*l.Verified)
			}
			_ = w.Write([]string{pr.ProgramID, l.Date.String(), l.Kind, l.Activity, l.Category, l.Role,
				l.Description, l.Claimed, l.Counted, verified})
		}
	}
	_ = w.Write([]string{})
	_ = w.Write([]string{"program", "totals", "required", "claimed", "counted", "remaining", "period start", "period end", "deadline", "status"})
	for _, pr := range rep.Reports {
		for _, t := range pr.Totals {
			_ = w.Write([]string{pr.ProgramID, t.What, deref(t.Required), deref(t.Claimed), t.Counted, deref(t.Remaining),
				pr.Start.String(), pr.End.String(), pr.Deadline.Format(time.RFC3339), string(pr.Status)})
		}
	}
	w.Flush()
	return buf.Bytes()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
