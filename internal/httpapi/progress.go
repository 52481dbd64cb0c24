package httpapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// catalogue is every program version: the built-in ones and those administrators added.
func (s *Server) catalogue(ctx context.Context) ([]progress.Program, error) {
	docs, err := s.store.Programs(ctx)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(s.builtIn)
	for _, doc := range docs {
		p, err := progress.ParseProgram(doc)
		if err != nil {
			// Stored programs were validated when added; one that no longer parses is a defect.
			return nil, fmt.Errorf("stored program: %w", err)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b progress.Program) int { return cmp.Or(strings.Compare(a.ID, b.ID), a.Version-b.Version) })
	return out, nil
}

// ListPrograms lists every program version.
func (s *Server) ListPrograms(ctx context.Context, _ api.ListProgramsRequestObject) (api.ListProgramsResponseObject, error) {
	programs, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	out := api.ProgramList{Items: make([]api.ProgramSummary, len(programs))}
	for i, p := range programs {
		out.Items[i] = api.ProgramSummary{ID: p.ID, Name: p.Name, Version: p.Version, Kind: api.ProgramSummaryKind(p.Kind),
			Authority: optional(p.Authority), BuiltIn: ptr(s.isBuiltIn(p)),
			EffectiveFrom: toDate(p.EffectiveFrom), EffectiveTo: toDate(p.EffectiveTo)}
	}
	return api.ListPrograms200JSONResponse(out), nil
}

func (s *Server) isBuiltIn(p progress.Program) bool {
	return slices.ContainsFunc(s.builtIn, func(b progress.Program) bool { return b.ID == p.ID && b.Version == p.Version })
}

// GetProgram returns a program's latest version, or the one asked for.
func (s *Server) GetProgram(ctx context.Context, req api.GetProgramRequestObject) (api.GetProgramResponseObject, error) {
	programs, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var found *progress.Program
	for i, p := range programs {
		if p.ID == req.ProgramID && (req.Params.Version == nil || *req.Params.Version == p.Version) {
			found = &programs[i] // sorted by version: the last match is the latest
		}
	}
	if found == nil {
		return nil, notFound("program", req.ProgramID)
	}
	return api.GetProgram200JSONResponse(toAPIProgram(*found)), nil
}

// CreateProgram adds a program or a new version of one, after validating it.
func (s *Server) CreateProgram(ctx context.Context, req api.CreateProgramRequestObject) (api.CreateProgramResponseObject, error) {
	doc, err := json.Marshal(req.Body)
	if err != nil {
		return nil, err
	}
	p, err := progress.ParseProgram(doc)
	var ve *progress.ValidationError
	if errors.As(err, &ve) {
		e := &recert.Error{Code: recert.EINVALID, Message: "the program is inconsistent"}
		for _, f := range ve.Errors {
			e.Fields = append(e.Fields, recert.FieldError{Location: "body", Pointer: f.Pointer, Detail: f.Message})
		}
		return nil, e
	} else if err != nil {
		return nil, fieldError("#", err.Error())
	}
	programs, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range programs {
		if q.ID == p.ID && q.Version >= p.Version {
			return nil, recert.Errorf(recert.ECONFLICT, "program %s already has version %d; a new version must be higher", p.ID, q.Version)
		}
	}
	canonical, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	if err := s.store.AddProgram(ctx, p.ID, p.Version, canonical, principalFrom(ctx).Subject); err != nil {
		return nil, err
	}
	return api.CreateProgram201JSONResponse(toAPIProgram(p)), nil
}

// progressQuery is what a progress request asks for.
type progressQuery struct {
	program string
	asOf    *openapi_types.Date
	explain bool
}

// GetMemberProgress evaluates a member's progress in every program they are enrolled in.
func (s *Server) GetMemberProgress(ctx context.Context, req api.GetMemberProgressRequestObject) (api.GetMemberProgressResponseObject, error) {
	q := progressQuery{string(value(req.Params.Program)), req.Params.AsOf, value(req.Params.Explain)}
	out, err := s.progress(ctx, req.MemberID, q, nil)
	if err != nil {
		return nil, err
	}
	return api.GetMemberProgress200JSONResponse(out), nil
}

// GetMyProgress evaluates the caller's own progress.
func (s *Server) GetMyProgress(ctx context.Context, req api.GetMyProgressRequestObject) (api.GetMyProgressResponseObject, error) {
	p := principalFrom(ctx)
	if p.MemberID == "" {
		return nil, recert.Errorf(recert.ENOTFOUND, "this account has no member record")
	}
	q := progressQuery{string(value(req.Params.Program)), req.Params.AsOf, value(req.Params.Explain)}
	out, err := s.progress(ctx, p.MemberID, q, nil)
	if err != nil {
		return nil, err
	}
	return api.GetMyProgress200JSONResponse(out), nil
}

// WhatIfProgress evaluates with hypothetical credits added; it writes nothing.
func (s *Server) WhatIfProgress(ctx context.Context, req api.WhatIfProgressRequestObject) (api.WhatIfProgressResponseObject, error) {
	extra, err := s.hypothetical(ctx, *req.Body)
	if err != nil {
		return nil, err
	}
	q := progressQuery{string(value(req.Params.Program)), req.Params.AsOf, value(req.Params.Explain)}
	out, err := s.progress(ctx, req.MemberID, q, extra)
	if err != nil {
		return nil, err
	}
	return api.WhatIfProgress200JSONResponse(out), nil
}

func (s *Server) hypothetical(ctx context.Context, w api.WhatIf) ([]progress.Credit, error) {
	var out []progress.Credit
	for i, c := range w.Credits {
		amount, err := progress.ParseUnits(c.Ceus)
		if err != nil || amount <= 0 {
			return nil, fieldError(pointerf("#/credits/%d/ceus", i), "must be more than zero")
		}
		activity := progress.ActivityType("meeting_attendance")
		if c.ActivityType != nil {
			activity = progress.ActivityType(*c.ActivityType)
		}
		out = append(out, progress.Credit{ID: fmt.Sprintf("what-if-%d", i), Date: progress.DateOf(c.Date.Time),
			ActivityType: activity, Category: progress.Category(value(c.Category)), Amount: amount, Topics: c.Topics,
			ApprovedBy: value(c.ApprovedBy)})
	}
	if w.EventID != nil {
		e, err := s.store.Event(ctx, *w.EventID)
		if err != nil || e.Status == recert.EventDraft && !canSeeOrganization(principalFrom(ctx), e.OrganizationID) {
			return nil, fieldError("#/event_id", "no such event")
		}
		for _, sess := range e.Sessions {
			out = append(out, progress.Credit{ID: "what-if-" + sess.ID, Date: sess.Date,
				ActivityType: activityOf(e.Format), Category: progress.Category(e.Category), Amount: sess.CEUs,
				Topics: sess.Topics, ApprovalRef: e.ApprovalRef, Session: sess.ID,
				ApprovedBy: slices.Concat(e.ApprovedBy, sess.ApprovedBy)})
		}
	}
	return out, nil
}

// progress evaluates the member's programs over their credits (loaded in one query) and any
// hypothetical ones. Organizers and apps evaluate over their organizations' credits only.
// Without an as-of date each program is evaluated on today's date in its own time zone.
func (s *Server) progress(ctx context.Context, memberID string, q progressQuery, extra []progress.Credit) (api.MemberProgress, error) {
	out := api.MemberProgress{MemberID: memberID, Programs: []api.ProgramProgress{}}
	orgs, err := s.memberScope(ctx, memberID)
	if err != nil {
		return out, err
	}
	m, err := s.store.Member(ctx, memberID)
	if err != nil {
		return out, err
	}
	now := s.now()
	asOf := progress.DateOf(now.UTC())
	if q.asOf != nil {
		asOf = progress.DateOf(q.asOf.Time)
	}
	out.AsOf = civil(asOf)
	programs, err := s.catalogue(ctx)
	if err != nil {
		return out, err
	}
	selected, err := selectPrograms(programs, m, q.program, asOf)
	if err != nil {
		return out, err
	}
	l, err := s.loadLedger(ctx, memberID, orgs)
	if err != nil {
		return out, err
	}
	credits := append(l.credits, extra...)
	for _, p := range selected {
		day := asOf
		if q.asOf == nil {
			if day, err = progress.Today(p, now); err != nil {
				return out, err
			}
		}
		facts := factsFor(m, p)
		facts.Leave = l.leave
		pp, err := evaluate(p, facts, credits, l.entries, day, explained{on: q.explain, about: l.about})
		if err != nil && q.program != "" {
			return out, &recert.Error{Code: recert.EINVALID, Message: err.Error(), Err: err}
		}
		out.Programs = append(out.Programs, pp)
	}
	return out, nil
}

// ledger is what progress counts, with a line describing each credit and entry.
type ledger struct {
	credits []progress.Credit
	entries []progress.ClinicalEntry
	leave   []progress.Leave
	about   map[string]string // by credit or entry id
}

// loadLedger loads posted credits (one query) and, in the member's own or an
// administrator's view, the member's self-reported activities, clinical case log and
// approved leave. Organizers and apps see only their organizations' credits.
func (s *Server) loadLedger(ctx context.Context, memberID string, orgs []string) (ledger, error) {
	l := ledger{about: map[string]string{}}
	posted, err := s.store.Credits(ctx, recert.CreditFilter{MemberID: memberID, OrganizationIDs: orgs})
	if err != nil {
		return l, err
	}
	l.credits = toProgressCredits(posted)
	for _, c := range posted {
		l.about[c.ID] = describe(c.EventTitle, c.SessionTitle, c.OrganizationName, c.ApprovalRef)
	}
	if orgs != nil {
		return l, nil
	}
	// Rejected activities are evaluated too, so that progress lists them as not counted.
	activities, _, err := s.store.Activities(ctx, memberID, recert.Page{}, false)
	if err != nil {
		return l, err
	}
	for _, a := range activities {
		if a.Withdrawn {
			continue
		}
		l.credits = append(l.credits, progress.Credit{ID: a.ID, Date: a.Date, ActivityType: progress.ActivityType(a.Type),
			Category: progress.Category(a.Category), Amount: a.CEUs, Minutes: int64(a.Minutes), Topics: a.Topics,
			Verified: a.ReviewStatus == recert.ReviewVerified, ApprovalRef: a.ApprovalRef,
			ApprovedBy: a.ApprovedBy, Rejected: a.ReviewStatus == recert.ReviewRejected})
		l.about[a.ID] = describe(a.Title, a.Citation, a.Provider, a.ApprovalRef) + " (self-reported)"
	}
	logged, err := s.store.ClinicalEntries(ctx, memberID, recert.Date{}, recert.Date{})
	if err != nil {
		return l, err
	}
	for _, e := range logged {
		l.entries = append(l.entries, progress.ClinicalEntry{ID: e.ID, Date: e.Date, Type: e.Type, Role: progress.Role(e.Role), Count: e.Count})
		l.about[e.ID] = strings.ReplaceAll(e.Type, "_", " ")
	}
	leave, err := s.store.LeavePeriods(ctx, memberID)
	l.leave = leaveWeeks(leave)
	return l, err
}

// describe joins the non-empty parts of a credit's description.
func describe(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return strings.TrimSpace(p) == "" }), " — ")
}

// selectPrograms returns the programs the member is enrolled in — ABCP when they have an
// ABCP ID, each licence state's programs — or the one program asked for, in the version in
// force on asOf.
func selectPrograms(programs []progress.Program, m recert.Member, only string, asOf progress.Date) ([]progress.Program, error) {
	ids := map[string]bool{}
	for _, p := range programs {
		if only == "" && enrolled(m, p.ID) || p.ID == only {
			ids[p.ID] = true
		}
	}
	if only != "" && !ids[only] {
		return nil, notFound("program", only)
	}
	var out []progress.Program
	for id := range ids {
		p, found := progress.Select(programs, id, asOf)
		if !found {
			p, found = latest(programs, id)
		}
		if found {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b progress.Program) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func latest(programs []progress.Program, id string) (progress.Program, bool) {
	var best progress.Program
	for _, p := range programs {
		if p.ID == id && p.Version > best.Version {
			best = p
		}
	}
	return best, best.ID != ""
}

func enrolled(m recert.Member, programID string) bool {
	if strings.HasPrefix(programID, "abcp-") {
		return m.ABCPID != ""
	}
	return licenseFor(m, programID) != nil
}

// licenseFor finds the licence a state program (us-<state>-…) is about.
func licenseFor(m recert.Member, programID string) *recert.License {
	for i, l := range m.Licenses {
		if strings.HasPrefix(programID, "us-"+strings.ToLower(l.State)+"-") {
			return &m.Licenses[i]
		}
	}
	return nil
}

// factsFor gives a program what it needs to know of the member.
func factsFor(m recert.Member, p progress.Program) progress.Facts {
	f := progress.Facts{ABCPCycle: m.ABCPCycle, BirthMonth: time.Month(m.BirthMonth), TrackingSince: m.TrackingSince,
		ABCPCurrent: m.ABCPID != "" && !m.CertificationDate.IsZero() && m.Status == "active"}
	if !m.CertificationDate.IsZero() {
		f.CertifiedOn = m.CertificationDate
	}
	if l := licenseFor(m, p.ID); l != nil && !l.IssuedOn.IsZero() {
		f.LicenseIssued = l.IssuedOn
		f.FirstLicensed = f.LicenseIssued
	}
	return f
}

func activityOf(format string) progress.ActivityType {
	switch format {
	case "self_directed":
		return "sdce"
	case "simulation":
		return "simulation"
	}
	return "meeting_attendance"
}

func toProgressCredits(cs []recert.Credit) []progress.Credit {
	out := make([]progress.Credit, len(cs))
	for i, c := range cs {
		out[i] = progress.Credit{ID: c.ID, Date: c.Date, ActivityType: activityOf(c.Format),
			Category: progress.Category(c.Category), Amount: c.CEUs, Topics: c.Topics,
			Verified: c.Verified, ApprovalRef: c.ApprovalRef, Session: c.SessionID, ApprovedBy: c.ApprovedBy}
	}
	return out
}

// evaluate runs one program and converts its periods; a program that cannot be evaluated
// says why in problem.
func evaluate(p progress.Program, f progress.Facts, credits []progress.Credit, entries []progress.ClinicalEntry,
	asOf progress.Date, x explained) (api.ProgramProgress, error) {
	out := api.ProgramProgress{ProgramID: p.ID, ProgramName: p.Name, ProgramVersion: p.Version,
		Kind: api.ProgramProgressKind(p.Kind), AsOf: ptr(civil(asOf)), Periods: []api.ProgressPeriod{}}
	if p.Kind == progress.KindClinical {
		ev, err := progress.EvaluateClinical(p, f, entries, asOf)
		if err != nil {
			out.Problem = ptr(err.Error())
			return out, err
		}
		out.TrackingSince = optionalDate(ev.TrackingSince)
		for _, per := range ev.Periods {
			var u api.ProgressPeriod
			if err := u.FromClinicalPeriod(toClinicalPeriod(per, x)); err != nil {
				return out, err
			}
			out.Periods = append(out.Periods, u)
		}
		return out, nil
	}
	ev, err := progress.Evaluate(p, f, credits, asOf)
	if err != nil {
		out.Problem = ptr(err.Error())
		return out, err
	}
	out.Unit, out.UnitName, out.TrackingSince = ptr(api.ProgramUnit(ev.Unit)), ptr(unitName(ev.Unit)), optionalDate(ev.TrackingSince)
	for _, per := range ev.Periods {
		var u api.ProgressPeriod
		if err := u.FromCEUPeriod(toCEUPeriod(per, x)); err != nil {
			return out, err
		}
		out.Periods = append(out.Periods, u)
	}
	return out, nil
}
