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

// toMemberStanding is each program's standing (ledger.Result.Standings) in the contract's
// words.
func toMemberStanding(res ledger.Result) api.MemberStanding {
	m := res.Member
	out := api.MemberStanding{MemberID: m.ID, Name: m.Name, ABCPID: optional(m.ABCPID), Programs: []api.ProgramStanding{}}
	for _, st := range res.Standings() {
		ps := api.ProgramStanding{ProgramID: st.Program.ID, ProgramName: st.Program.Name, Status: api.ProgressStatus(st.Status)}
		switch {
		case st.Setup != "":
			ps.Sentence = ptr(st.Setup)
		case st.CEU:
			ps.Remaining, ps.UnitName = ptr(decimal(st.Remaining)), ptr(unitName(st.Program.Unit))
			withStandingPeriod(&ps, st.Period, st.Summary)
		default:
			ps.RemainingActivities = st.Activities
			withStandingPeriod(&ps, st.Period, st.Summary)
		}
		out.Programs = append(out.Programs, ps)
	}
	return out
}

func withStandingPeriod(ps *api.ProgramStanding, p progress.PeriodInfo, s progress.Summary) {
	ps.Start, ps.End, ps.Deadline = ptr(civil(p.Start)), ptr(civil(p.End)), ptr(p.Deadline)
	ps.Summary = ptr(toSummary(s, false))
}
