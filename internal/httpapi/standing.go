package httpapi

import (
	"context"
	"slices"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// ListOrganizationStanding answers where each member the organization may see stands: a page
// of members, evaluated together from one read of their credits, as the organization sees
// them (its own credits).
func (s *Server) ListOrganizationStanding(ctx context.Context, req api.ListOrganizationStandingRequestObject) (api.ListOrganizationStandingResponseObject, error) {
	if !canSeeOrganization(principalFrom(ctx), req.OrganizationID) {
		return nil, notFound("organization", req.OrganizationID)
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	scope := recert.OrganizationsScope(req.OrganizationID)
	members, next, err := s.store.Members(ctx, recert.MemberFilter{Page: pg, Scope: scope})
	if err != nil {
		return nil, err
	}
	var program string
	if req.Params.Program != nil {
		program = *req.Params.Program
	}
	results, err := s.progress.Standings(ctx, members, scope, program)
	if err != nil {
		return nil, err
	}
	out := api.ListOrganizationStanding200JSONResponse{Items: []api.MemberStanding{}, NextCursor: nextCursor(next)}
	for _, res := range results {
		ms := toMemberStanding(res)
		if wanted(ms, req.Params.Status) {
			out.Items = append(out.Items, ms)
		}
	}
	return out, nil
}

// wanted reports whether a member has a program in one of the statuses (any, when none).
func wanted(ms api.MemberStanding, statuses []api.ProgressStatus) bool {
	return len(statuses) == 0 || slices.ContainsFunc(ms.Programs, func(p api.ProgramStanding) bool {
		return slices.Contains(statuses, p.Status)
	})
}

// toMemberStanding is each program's current period, or what the program waits for; a
// program that cannot be evaluated for another reason is left out, as it has no standing.
func toMemberStanding(res ledger.Result) api.MemberStanding {
	m := res.Member
	out := api.MemberStanding{MemberID: m.ID, Name: m.Name, ABCPID: optional(m.ABCPID), Programs: []api.ProgramStanding{}}
	for _, e := range res.Programs {
		ps := api.ProgramStanding{ProgramID: e.Program.ID, ProgramName: e.Program.Name}
		switch {
		case e.Problem != nil:
			sentence, ok := progress.SetupSentence(e.Problem)
			if !ok {
				continue
			}
			ps.Status, ps.Sentence = api.ProgressStatus(progress.StatusNeedsSetup), &sentence
		case e.CEU != nil:
			i := current(e.CEU.Periods, func(p progress.PeriodResult) progress.PeriodInfo { return p.PeriodInfo })
			if i < 0 {
				continue
			}
			per := e.CEU.Periods[i]
			ps.Remaining, ps.UnitName = ptr(decimal(per.Remaining)), ptr(unitName(e.CEU.Unit))
			withStandingPeriod(&ps, per.PeriodInfo, per.Summary)
		case e.Clinical != nil:
			i := current(e.Clinical.Periods, func(p progress.ClinicalPeriodResult) progress.PeriodInfo { return p.PeriodInfo })
			if i < 0 {
				continue
			}
			per := e.Clinical.Periods[i]
			ps.RemainingActivities = ptr(per.Remaining.Total)
			withStandingPeriod(&ps, per.PeriodInfo, per.Summary)
		}
		out.Programs = append(out.Programs, ps)
	}
	return out
}

// current is the index of the current period, else of the first; -1 when there is none.
func current[P any](periods []P, info func(P) progress.PeriodInfo) int {
	if len(periods) == 0 {
		return -1
	}
	return max(0, slices.IndexFunc(periods, func(p P) bool { return info(p).Relation == progress.Current }))
}

func withStandingPeriod(ps *api.ProgramStanding, p progress.PeriodInfo, s progress.Summary) {
	ps.Status, ps.Start, ps.End, ps.Deadline = api.ProgressStatus(p.Status), ptr(civil(p.Start)), ptr(civil(p.End)), ptr(p.Deadline)
	ps.Summary = ptr(toSummary(s, false))
}
