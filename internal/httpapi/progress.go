package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// catalogue is every program version: the built-in ones and those administrators added.
func (s *Server) catalogue(ctx context.Context) ([]progress.Program, error) {
	return s.progress.Catalogue(ctx)
}

// ListPrograms lists every program version.
func (s *Server) ListPrograms(ctx context.Context, req api.ListProgramsRequestObject) (api.ListProgramsResponseObject, error) {
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	programs, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	programs, next, err := pageOf(programs, func(p progress.Program) string { return p.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.ProgramList{Items: make([]api.ProgramSummary, len(programs)), NextCursor: next}
	for i, p := range programs {
		out.Items[i] = api.ProgramSummary{ID: p.ID, Name: p.Name, Version: p.Version, Kind: api.ProgramSummaryKind(p.Kind),
			Authority: optional(p.Authority), BuiltIn: ptr(s.isBuiltIn(p)),
			EffectiveFrom: toDate(p.EffectiveFrom), EffectiveTo: toDate(p.EffectiveTo)}
	}
	return api.ListPrograms200JSONResponse(out), nil
}

func (s *Server) isBuiltIn(p progress.Program) bool { return s.progress.IsBuiltIn(p) }

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
	if err := s.progress.AddProgram(ctx, p, principalFrom(ctx).Subject); err != nil {
		return nil, err
	}
	return api.CreateProgram201JSONResponse(toAPIProgram(p)), nil
}

// progressQuery is what a progress request asks for.
type progressQuery struct {
	program string
	asOf    *openapi_types.Date
	// credits and explain add each credit's allocation and each period's arithmetic.
	credits, explain bool
}

// includes reads include=credits,explain and the deprecated explain=true (both).
func includes(include api.Include, explain *bool) (credits, explained bool) {
	if value(explain) {
		return true, true
	}
	for _, i := range include {
		credits = credits || i == api.ProgressIncludeCredits
		explained = explained || i == api.ProgressIncludeExplain
	}
	return credits, explained
}

// newProgressQuery is the question a progress request asks.
func newProgressQuery(program *api.ProgressProgram, asOf *openapi_types.Date, include api.Include, explain *bool) progressQuery {
	q := progressQuery{program: string(value(program)), asOf: asOf}
	q.credits, q.explain = includes(include, explain)
	return q
}

// GetMemberProgress evaluates a member's progress in every program they are enrolled in.
func (s *Server) GetMemberProgress(ctx context.Context, req api.GetMemberProgressRequestObject) (api.GetMemberProgressResponseObject, error) {
	q := newProgressQuery(req.Params.Program, req.Params.AsOf, req.Params.Include, req.Params.Explain)
	res, err := s.cachedProgress(ctx, req.MemberID, q)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// GetMyProgress evaluates the caller's own progress.
func (s *Server) GetMyProgress(ctx context.Context, req api.GetMyProgressRequestObject) (api.GetMyProgressResponseObject, error) {
	p := principalFrom(ctx)
	if p.MemberID == "" {
		return nil, recert.Errorf(recert.ENOTFOUND, "this account has no member record")
	}
	q := newProgressQuery(req.Params.Program, req.Params.AsOf, req.Params.Include, req.Params.Explain)
	res, err := s.cachedProgress(ctx, p.MemberID, q)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// WhatIfProgress says what hypothetical credits would change; it writes nothing.
func (s *Server) WhatIfProgress(ctx context.Context, req api.WhatIfProgressRequestObject) (api.WhatIfProgressResponseObject, error) {
	extra, err := s.hypothetical(ctx, *req.Body)
	if err != nil {
		return nil, err
	}
	orgs, err := s.memberScope(ctx, req.MemberID)
	if err != nil {
		return nil, err
	}
	lq := ledger.Query{MemberID: req.MemberID, Program: string(value(req.Params.Program)), Scope: orgs, Extra: extra}
	if lq.AsOf, err = asOfDate(req.Params.AsOf); err != nil {
		return nil, err
	}
	_, after, changes, err := s.progress.WhatIf(ctx, lq)
	if err != nil {
		return nil, err
	}
	q := newProgressQuery(nil, nil, req.Params.Include, req.Params.Explain)
	if !q.explain {
		after, changes = onlyChanged(after, changes)
	}
	projected, err := toMemberProgress(after, lq.AsOf, s.now(), q).generated()
	if err != nil {
		return nil, err
	}
	out := api.WhatIfResult{MemberID: projected.MemberID, AsOf: projected.AsOf, Programs: projected.Programs,
		Changes: make([]api.ProgressChange, len(changes))}
	for i, c := range changes {
		out.Changes[i] = api.ProgressChange{ProgramID: c.ProgramID, ProgramName: c.ProgramName,
			Relation: api.ProgressChangeRelation(c.Relation), Start: civil(c.Start), End: civil(c.End),
			StatusBefore: api.ProgressStatus(c.StatusBefore), StatusAfter: api.ProgressStatus(c.StatusAfter),
			CountedBefore: optionalDecimal(c.CountedBefore), CountedAfter: optionalDecimal(c.CountedAfter),
			RemainingBefore: optionalDecimal(c.RemainingBefore), RemainingAfter: optionalDecimal(c.RemainingAfter),
			ActivitiesBefore: c.ActivitiesBefore, ActivitiesAfter: c.ActivitiesAfter, Changed: c.Changed, Sentence: c.Sentence}
	}
	return api.WhatIfProgress200JSONResponse(out), nil
}

// onlyChanged keeps the changed periods and the programs they belong to: what a what-if answers.
func onlyChanged(after ledger.Result, changes []ledger.Change) (ledger.Result, []ledger.Change) {
	changed := map[string]bool{}
	kept := changes[:0:0]
	for _, c := range changes {
		if c.Changed {
			kept = append(kept, c)
			changed[c.ProgramID] = true
		}
	}
	programs := after.Programs[:0:0]
	for _, e := range after.Programs {
		if changed[e.Program.ID] {
			programs = append(programs, e)
		}
	}
	after.Programs = programs
	return after, kept
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
		out = append(out, ledger.EventCredits(e)...)
	}
	return out, nil
}

// evaluateProgress evaluates the member's programs over the credits in scope: organizers
// and apps evaluate over their organizations' credits only. rec is the member's whole
// record when it was read with them (nil: it is read).
func (s *Server) evaluateProgress(ctx context.Context, memberID string, scope recert.Scope, sub *ledger.Subject, rec *ledger.Record, q progressQuery) (progressAnswer, error) {
	var err error
	lq := ledger.Query{MemberID: memberID, Program: q.program, Scope: scope, Subject: sub, Record: rec, Brief: !q.credits}
	if lq.AsOf, err = asOfDate(q.asOf); err != nil {
		return progressAnswer{}, err
	}
	res, err := s.progress.Evaluate(ctx, lq)
	if err != nil {
		return progressAnswer{}, err
	}
	return toMemberProgress(res, lq.AsOf, s.now(), q), nil
}

// progressAnswer is a MemberProgress as the answer encodes it: each program's periods are
// the concrete types the contract's union holds. Held in the generated union, each period
// would be encoded into it, then decoded and checked again as the answer is encoded: a third
// of the work of an evaluated answer. The outer fields shadow the embedded ones of the same
// name, so the answer encodes as a MemberProgress.
type progressAnswer struct {
	api.MemberProgress
	Programs []programAnswer `json:"programs"`
}

// programAnswer is a ProgramProgress whose periods are api.CEUPeriod or api.ClinicalPeriod.
type programAnswer struct {
	api.ProgramProgress
	Periods []any `json:"periods"`
}

// generated is the answer in the generated types, for the operations answered through them.
func (a progressAnswer) generated() (api.MemberProgress, error) {
	out := a.MemberProgress
	out.Programs = make([]api.ProgramProgress, len(a.Programs))
	for i, p := range a.Programs {
		out.Programs[i] = p.ProgramProgress
		out.Programs[i].Periods = make([]api.ProgressPeriod, len(p.Periods))
		for j, per := range p.Periods {
			b, err := json.Marshal(per)
			if err == nil {
				err = out.Programs[i].Periods[j].UnmarshalJSON(b)
			}
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// toMemberProgress converts an evaluation; asOf is the date asked for (zero: today).
func toMemberProgress(res ledger.Result, asOf progress.Date, now time.Time, q progressQuery) progressAnswer {
	if asOf.IsZero() {
		asOf = progress.DateOf(now.UTC())
	}
	out := progressAnswer{MemberProgress: api.MemberProgress{MemberID: res.Member.ID, AsOf: civil(asOf)},
		Programs: make([]programAnswer, len(res.Programs))}
	x := explained{credits: q.credits, explain: q.explain, about: res.About}
	for i, e := range res.Programs {
		out.Programs[i] = toProgramProgress(e, x)
	}
	return out
}

// toProgramProgress converts one program's evaluation, or says why there is none.
func toProgramProgress(e ledger.Evaluated, x explained) programAnswer {
	p := e.Program
	out := programAnswer{ProgramProgress: api.ProgramProgress{ProgramID: p.ID, ProgramName: p.Name, ProgramVersion: p.Version,
		Kind: api.ProgramProgressKind(p.Kind), AsOf: ptr(civil(e.AsOf))}, Periods: []any{}}
	switch {
	case e.Problem != nil:
		if sentence, ok := progress.SetupSentence(e.Problem); ok {
			out.Status, out.Sentence = ptr(api.ProgressStatus(progress.StatusNeedsSetup)), &sentence
			break
		}
		out.Problem = ptr(e.Problem.Error())
	case e.Clinical != nil:
		out.TrackingSince = optionalDate(e.Clinical.TrackingSince)
		for _, per := range e.Clinical.Periods {
			out.Periods = append(out.Periods, toClinicalPeriod(per, x))
		}
	case e.CEU != nil:
		ev := e.CEU
		out.Unit, out.UnitName, out.TrackingSince = ptr(api.ProgramUnit(ev.Unit)), ptr(unitName(ev.Unit)), optionalDate(ev.TrackingSince)
		for _, per := range ev.Periods {
			out.Periods = append(out.Periods, toCEUPeriod(per, x))
		}
	}
	return out
}

// asOfDate reads the as_of parameter (zero when absent). Programs are dated in the
// present era: a date outside 1900–2199 is a mistake, not a question.
func asOfDate(d *openapi_types.Date) (progress.Date, error) {
	if d == nil {
		return progress.Date{}, nil
	}
	if y := d.Time.Year(); y < 1900 || y > 2199 {
		return progress.Date{}, &recert.Error{Code: recert.EBADREQUEST, Message: "as_of is out of range",
			Fields: []recert.FieldError{{Location: "query", Pointer: "#/as_of", Detail: "a date from 1900-01-01 to 2199-12-31"}}}
	}
	return progress.DateOf(d.Time), nil
}
