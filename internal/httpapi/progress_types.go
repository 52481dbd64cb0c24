package httpapi

import (
	"strconv"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/progress"
)

// The converters below build progress responses from the generated api types, field by field:
// what the contract declares is exactly what is sent.

func decimal(u progress.Units) api.Decimal { return u.String() }

func optionalDecimal(u *progress.Units) *api.Decimal {
	if u == nil {
		return nil
	}
	return ptr(decimal(*u))
}

func optionalBool(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}

func optionalDate(d progress.Date) *openapi_types.Date {
	if d.IsZero() {
		return nil
	}
	return ptr(civil(d))
}

// toSummary converts a period's summary; the status (the period's), an upcoming period's needs
// (its whole requirements) and each need's what and by (its bar's and the period's end) come
// when explained.
func toSummary(s progress.Summary, explain bool) api.ProgressSummary {
	out := api.ProgressSummary{Sentence: s.Sentence, Needs: []api.ProgressNeed{}}
	if explain {
		out.Status = ptr(api.ProgressStatus(s.Status))
	} else if s.Status == progress.StatusUpcoming {
		return out
	}
	out.Needs = make([]api.ProgressNeed, len(s.Needs))
	for i, n := range s.Needs {
		out.Needs[i] = api.ProgressNeed{Rule: n.Rule, Amount: optionalDecimal(n.Amount), Count: n.Count, Text: n.Text}
		if explain {
			out.Needs[i].What, out.Needs[i].By = ptr(n.What), ptr(civil(n.By))
		}
	}
	return out
}

// explained carries the words describing each credit or entry, and what the answer includes
// beyond the default (include=credits,explain).
type explained struct {
	credits, explain bool
	about            map[string]string
}

// toCEUPeriod converts a credit period: by default the status, summary, deadline, requirement
// bars and what did not count; the period's arithmetic, limits and cuts when explained; each
// credit's allocation with credits.
func toCEUPeriod(p progress.PeriodResult, x explained) api.CEUPeriod {
	out := api.CEUPeriod{
		Kind: api.CEUPeriodKindCEU, Relation: api.CEUPeriodRelation(p.Relation), Start: civil(p.Start), End: civil(p.End),
		Deadline: p.Deadline, Status: api.ProgressStatus(p.Status), FirstPeriod: optionalBool(p.FirstPeriod),
		Exempt: optionalBool(p.Exempt), PartlyTracked: optionalBool(p.PartlyTracked), Summary: toSummary(p.Summary, x.explain),
		Required: decimal(p.Required), Counted: decimal(p.Counted), Remaining: decimal(p.Remaining),
		PaceTarget: optionalDecimal(p.PaceTarget), NotCounted: make([]api.NotCounted, len(p.NotCounted)),
		Requirements: make([]api.ProgressRequirement, len(p.Requirements)),
	}
	if p.MetBy != "" {
		out.MetBy = ptr(api.CEUPeriodMetBy(p.MetBy))
	}
	if p.CarriedIn > 0 || x.explain {
		out.CarriedIn = ptr(decimal(p.CarriedIn))
	}
	for i, n := range p.NotCounted {
		out.NotCounted[i] = api.NotCounted{CreditID: n.CreditID, Date: civil(n.Date), Reason: api.NotCountedReason(n.Reason),
			Rule: optional(n.Rule), Amount: decimal(n.Amount), Detail: n.Detail}
	}
	if (p.Status == progress.StatusUpcoming || p.Status == progress.StatusNotTracked) && p.Counted == 0 && !x.explain {
		// All still to do, or unknown: bars of nothing counted would only alarm; the sentence says it.
		out.Requirements = out.Requirements[:0]
	}
	for i := range out.Requirements {
		out.Requirements[i] = toRequirement(p.Requirements[i], x.explain)
	}
	if x.explain {
		explainCEU(&out, p)
	}
	if x.credits {
		out.Credits = toCredits(p.Credits, x.about)
	}
	return out
}

// explainCEU adds a period's arithmetic, limits and cuts.
func explainCEU(out *api.CEUPeriod, p progress.PeriodResult) {
	out.ElapsedDays, out.Days = ptr(p.ElapsedDays), ptr(p.Days)
	out.Claimed, out.Excess = ptr(decimal(p.Claimed)), ptr(decimal(p.Excess))
	out.Surplus, out.CarriedOut = ptr(decimal(p.Surplus)), ptr(decimal(p.CarriedOut))
	totals := make([]api.NotCountedTotal, len(p.NotCountedTotals))
	for i, n := range p.NotCountedTotals {
		totals[i] = api.NotCountedTotal{Reason: api.NotCountedReason(n.Reason), Credits: n.Credits, Amount: decimal(n.Amount)}
	}
	cats := make([]api.ProgressCategory, len(p.ByCategory))
	for i, c := range p.ByCategory {
		cats[i] = api.ProgressCategory{Category: api.Category(c.Category), Claimed: decimal(c.Claimed),
			Excess: decimal(c.Excess), Counted: decimal(c.Counted)}
	}
	out.NotCountedTotals, out.ByCategory = totals, cats
	out.Limits, out.Cuts = toLimits(p.Limits), toCuts(p.Cuts)
}

// toRequirement converts a requirement's bar; what it counts comes when explained.
func toRequirement(q progress.RequirementResult, explain bool) api.ProgressRequirement {
	out := api.ProgressRequirement{ID: q.ID, What: q.What,
		Required: decimal(q.Required), Counted: decimal(q.Counted), Remaining: decimal(q.Remaining),
		RequiredCount: q.RequiredCount, CountedCount: q.CountedCount, Met: q.Met}
	if !q.Verified || explain {
		out.Verified = ptr(q.Verified)
	}
	if !explain {
		return out
	}
	out.Kind, out.ExcludeActivityTypes, out.Topic = ptr(api.ProgressRequirementKind(q.Kind)), activityTypes(q.ExcludeActivityTypes), optional(q.Topic)
	if q.Category != "" {
		out.Category = ptr(api.Category(q.Category))
	}
	if q.MetBy != "" {
		out.MetBy = ptr(api.ProgressRequirementMetBy(q.MetBy))
	}
	return out
}

func activityTypes(ts []progress.ActivityType) []api.ActivityType {
	if len(ts) == 0 {
		return nil
	}
	out := make([]api.ActivityType, len(ts))
	for i, t := range ts {
		out[i] = api.ActivityType(t)
	}
	return out
}

func toLimits(ls []progress.LimitResult) []api.ProgressLimit {
	out := make([]api.ProgressLimit, len(ls))
	for i, l := range ls {
		out[i] = api.ProgressLimit{ID: l.ID, Kind: api.ProgressLimitKind(l.Kind), Limit: decimal(l.Limit),
			Kept: decimal(l.Kept), Excess: decimal(l.Excess), Verified: l.Verified}
		if l.ActivityType != "" {
			out[i].ActivityType = ptr(api.ActivityType(l.ActivityType))
		}
		if l.Category != "" {
			out[i].Category = ptr(api.Category(l.Category))
		}
	}
	return out
}

func toCuts(cs []progress.CreditCut) []api.ProgressCut {
	out := make([]api.ProgressCut, len(cs))
	for i, c := range cs {
		out[i] = api.ProgressCut{CreditID: ptr(c.CreditID), Rule: c.Rule, Kind: api.ProgressCutKind(c.Kind), Amount: decimal(c.Amount)}
	}
	return out
}

func toCredits(cs []progress.CreditResult, about map[string]string) []api.ProgressCredit {
	out := make([]api.ProgressCredit, len(cs))
	for i, c := range cs {
		cr := api.ProgressCredit{ID: c.ID, Date: civil(c.Date), Description: optional(about[c.ID]),
			ActivityType: api.ActivityType(c.ActivityType), ApprovedBy: c.ApprovedBy, Verified: c.Verified,
			Claimed: decimal(c.Claimed), Counted: decimal(c.Counted), CountsToward: c.CountsToward, NotAccepted: optional(c.NotAccepted)}
		if c.Category != "" {
			cr.Category = ptr(api.Category(c.Category))
		}
		if c.NotCounted != "" {
			cr.NotCounted = ptr(api.NotCountedReason(c.NotCounted))
		}
		for _, cut := range c.Cuts {
			cr.Cuts = append(cr.Cuts, api.ProgressCut{Rule: cut.Rule, Kind: api.ProgressCutKind(cut.Kind), Amount: decimal(cut.Amount)})
		}
		out[i] = cr
	}
	return out
}

// toClinicalPeriod converts a clinical period; entries come only when explained.
func toClinicalPeriod(p progress.ClinicalPeriodResult, x explained) api.ClinicalPeriod {
	r := p.Requirement
	out := api.ClinicalPeriod{
		Kind: api.ClinicalPeriodKindClinical, Relation: api.ClinicalPeriodRelation(p.Relation), Start: civil(p.Start), End: civil(p.End),
		Deadline: p.Deadline, Status: api.ProgressStatus(p.Status), FirstPeriod: optionalBool(p.FirstPeriod),
		Exempt: optionalBool(p.Exempt), PartlyTracked: optionalBool(p.PartlyTracked), Summary: toSummary(p.Summary, x.explain),
		Requirement: api.ClinicalRequirement{Total: r.Total, PrimaryMin: r.PrimaryMin, SecondaryMax: r.SecondaryMax,
			LeaveWeeks: optionalInt(r.LeaveWeeks), OverrideReference: optional(r.OverrideReference)},
		Counted:    api.ClinicalCounts{Primary: p.Counted.Primary, Secondary: p.Counted.Secondary, Total: p.Counted.Total},
		PaceTarget: p.PaceTarget,
	}
	out.Remaining.Primary, out.Remaining.Total = p.Remaining.Primary, p.Remaining.Total
	if p.MetBy != "" {
		out.MetBy = ptr(api.ClinicalPeriodMetBy(p.MetBy))
	}
	if r.Basis != progress.BasisStandard || x.explain {
		out.Requirement.Basis = ptr(api.ClinicalRequirementBasis(r.Basis))
	}
	if !r.Verified || x.explain {
		out.Requirement.Verified = ptr(r.Verified)
	}
	if x.explain {
		out.ElapsedDays, out.Days, out.Excess = ptr(p.ElapsedDays), ptr(p.Days), ptr(p.Excess)
		out.Logged = &api.ClinicalCounts{Primary: p.Logged.Primary, Secondary: p.Logged.Secondary, Total: p.Logged.Total}
	}
	if x.credits {
		out.Entries = make([]api.ClinicalEntryResult, len(p.Entries))
		for i, e := range p.Entries {
			out.Entries[i] = api.ClinicalEntryResult{ID: e.ID, Date: civil(e.Date), Type: optional(e.Type),
				Description: optional(x.about[e.ID]), Role: api.ClinicalEntryResultRole(e.Role), Count: e.Count,
				Counted: e.Counted, Excess: optionalInt(e.Excess)}
		}
	}
	return out
}

// unitName is a unit in words.
func unitName(u progress.Unit) string {
	if u == progress.Hour60 {
		return "hours"
	}
	return "CEUs"
}

// toAPIProgram converts a program document.
func toAPIProgram(p progress.Program) api.Program {
	out := api.Program{
		ID: p.ID, Name: p.Name, Version: p.Version, Kind: api.ProgramKind(p.Kind), Authority: optional(p.Authority),
		EffectiveFrom: civil(p.EffectiveFrom), EffectiveTo: optionalDate(p.EffectiveTo), Sources: p.Sources, Notes: p.Notes,
		Period:                         toAPIPeriodRule(p.Period),
		FirstPeriodStartsOnMemberStart: optionalBool(p.FirstPeriodStartsOnMemberStart),
		FirstPeriodExempt:              optionalBool(p.FirstPeriodExempt),
		MetByABCPCertification:         optionalBool(p.MetByABCPCertification),
		Deadline:                       api.ProgramDeadline{Time: p.Deadline.Time, TimeZone: p.Deadline.TimeZone, Verified: ptr(p.Deadline.Verified)},
		PaceTolerance:                  toAPIAmount(p.PaceTolerance), Total: toAPIAmount(p.Total), CarryOver: toAPIAmount(p.CarryOver),
	}
	if out.Sources == nil {
		out.Sources = []string{}
	}
	if p.MemberStart != "" {
		out.MemberStart = ptr(api.ProgramMemberStart(p.MemberStart))
	}
	if a := p.Deadline.AfterEnd; a != (progress.Offset{}) {
		out.Deadline.AfterEnd = &struct {
			Days   *int `json:"days,omitempty"`
			Months *int `json:"months,omitempty"`
		}{Days: optionalInt(a.Days), Months: optionalInt(a.Months)}
	}
	if p.Unit != "" {
		out.Unit = ptr(api.ProgramUnit(p.Unit))
	}
	for c, u := range p.CategoryUnits {
		if out.CategoryUnits == nil {
			out.CategoryUnits = map[string]api.ProgramUnit{}
		}
		out.CategoryUnits[string(c)] = api.ProgramUnit(u)
	}
	if a := p.Accept; len(a.Categories)+len(a.ApprovedBy)+len(a.ActivityTypes) > 0 {
		out.Accept = &api.ProgramAccept{ApprovedBy: a.ApprovedBy, ActivityTypes: activityTypes(a.ActivityTypes)}
		for _, c := range a.Categories {
			out.Accept.Categories = append(out.Accept.Categories, api.ProgramAcceptCategories(c))
		}
	}
	for _, r := range p.Categories {
		out.Categories = append(out.Categories, api.ProgramCategoryRule{ID: r.ID, Category: api.Category(r.Category),
			ExcludeActivityTypes: activityTypes(r.ExcludeActivityTypes), Min: toAPIAmount(r.Min), Max: toAPIAmount(r.Max), Note: optional(r.Note)})
	}
	for _, c := range p.Caps {
		out.Caps = append(out.Caps, api.ProgramCap{ID: c.ID, ActivityType: api.ActivityType(c.ActivityType),
			PerActivity: toAPIAmount(c.PerActivity), PerPeriod: toAPIAmount(c.PerPeriod), Note: optional(c.Note)})
	}
	for _, t := range p.Topics {
		out.Topics = append(out.Topics, api.ProgramTopic{ID: t.ID, Topic: t.Topic, Min: toAPIAmount(t.Min),
			MinCount: toAPICount(t.MinCount), Note: optional(t.Note)})
	}
	if c := p.Clinical; c != nil {
		out.Clinical = toAPIClinical(*c)
	}
	return out
}

func toAPIPeriodRule(r progress.PeriodRule) api.ProgramPeriod {
	out := api.ProgramPeriod{Kind: api.ProgramPeriodKind(r.Kind), Years: optionalInt(r.Years), AnchorYear: optionalInt(r.AnchorYear),
		Months: optionalInt(r.Months), Verified: ptr(r.Verified)}
	if r.Start != nil {
		out.Start = &api.MonthDay{Month: int(r.Start.Month), Day: r.Start.Day}
	}
	for cycle, mod := range r.CycleEndYearMod {
		if out.CycleEndYearMod == nil {
			out.CycleEndYearMod = map[string]int{}
		}
		out.CycleEndYearMod[strconv.Itoa(cycle)] = mod
	}
	return out
}

func toAPIClinical(c progress.ClinicalRule) *api.ProgramClinical {
	out := &api.ProgramClinical{Total: *toAPICount(&c.Total), PrimaryMin: *toAPICount(&c.PrimaryMin), SecondaryMax: *toAPICount(&c.SecondaryMax)}
	if f := c.FirstYear; f != nil {
		out.FirstYear = &struct {
			From         api.MonthDay     `json:"from"`
			PrimaryMin   api.ProgramCount `json:"primary_min"`
			SecondaryMax api.ProgramCount `json:"secondary_max"`
			To           api.MonthDay     `json:"to"`
			Total        api.ProgramCount `json:"total"`
		}{From: api.MonthDay{Month: int(f.From.Month), Day: f.From.Day}, To: api.MonthDay{Month: int(f.To.Month), Day: f.To.Day},
			Total: *toAPICount(&f.Total), PrimaryMin: *toAPICount(&f.PrimaryMin), SecondaryMax: *toAPICount(&f.SecondaryMax)}
	}
	if l := c.Leave; l != nil {
		out.Leave = &struct {
			MaxWeeks     api.ProgramCount `json:"max_weeks"`
			Verified     *bool            `json:"verified,omitempty"`
			WeeksPerYear int              `json:"weeks_per_year"`
		}{MaxWeeks: *toAPICount(&l.MaxWeeks), Verified: ptr(l.Verified), WeeksPerYear: l.WeeksPerYear}
	}
	return out
}

func toAPIAmount(a *progress.Amount) *api.ProgramAmount {
	if a == nil {
		return nil
	}
	return &api.ProgramAmount{Value: a.Value.String(), Verified: ptr(a.Verified)}
}

func toAPICount(c *progress.Count) *api.ProgramCount {
	if c == nil {
		return nil
	}
	return &api.ProgramCount{Value: c.Value, Verified: ptr(c.Verified)}
}
