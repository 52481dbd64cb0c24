package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// ListOrganizationStanding answers where each member the organization may see stands: a page
// of members, evaluated together from one read of their credits, as the organization sees
// them (its own credits). Each member's standing is kept in the progress cache under the
// version read with the page, so a list read again evaluates only the members whose record
// changed since.
func (s *Server) ListOrganizationStanding(ctx context.Context, req api.ListOrganizationStandingRequestObject) (api.ListOrganizationStandingResponseObject, error) {
	if !canSeeOrganization(principalFrom(ctx), req.OrganizationID) {
		return nil, notFound("organization", req.OrganizationID)
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	subjects, next, err := s.store.MemberVersions(ctx, recert.MemberFilter{Page: pg, Scope: recert.OrganizationsScope(req.OrganizationID)})
	if err != nil {
		return nil, err
	}
	var program string
	if req.Params.Program != nil {
		program = *req.Params.Program
	}
	standings, err := s.memberStandings(ctx, subjects, req.OrganizationID, program)
	if err != nil {
		return nil, err
	}
	return rawResponse{Status: http.StatusOK, Body: standingPage(standings, req.Params.Status, nextCursor(next))}, nil
}

// memberStandings renders the members' standing as the organization sees it, from the cache
// where their version is kept, reading and evaluating the others together.
func (s *Server) memberStandings(ctx context.Context, subjects []ledger.Subject, orgID, program string) ([]kept, error) {
	question := orgID + "|" + program + "|" + quarterHour(s.now())
	key := func(sub ledger.Subject) progressKey {
		return progressKey{standing: true, member: sub.Member.ID, question: question}
	}
	out := make([]kept, len(subjects))
	at := map[string]int{}
	var missing []ledger.Subject
	for i, sub := range subjects {
		var ok bool
		if out[i], ok = s.progressCache.get(key(sub), sub.Version); !ok {
			missing, at[sub.Member.ID] = append(missing, sub), i
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	// Read after their versions, so at least as new as what the versions name; each standing
	// is rendered where it was evaluated, in parallel.
	_, err := s.progress.StandingsOf(ctx, missing, recert.OrganizationsScope(orgID), program, func(res ledger.Result) (err error) {
		i := at[res.Member.ID]
		if out[i], err = renderStanding(res); err == nil {
			out[i].version = subjects[i].Version
			s.progressCache.add(key(subjects[i]), out[i])
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// standingPage writes an api.StandingPage of the members' rendered standings, those in one of
// the statuses (all, when none).
func standingPage(standings []kept, statuses []api.ProgressStatus, next *string) []byte {
	size := 64
	for _, st := range standings {
		size += len(st.body) + 1
	}
	b := bytes.NewBuffer(make([]byte, 0, size))
	b.WriteString(`{"items":[`)
	first := true
	for _, st := range standings {
		if !wanted(st.statuses, statuses) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		b.Write(st.body)
		first = false
	}
	b.WriteByte(']')
	if next != nil {
		cursor, _ := json.Marshal(*next) // a string always encodes
		b.WriteString(`,"next_cursor":`)
		b.Write(cursor)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func (r rawResponse) VisitListOrganizationStandingResponse(w http.ResponseWriter) error {
	return r.write(w)
}

// renderStanding is a member's standing rendered, with the statuses it shows.
func renderStanding(res ledger.Result) (kept, error) {
	ms := toMemberStanding(res)
	body, err := json.Marshal(ms)
	if err != nil {
		return kept{}, err
	}
	statuses := make([]api.ProgressStatus, len(ms.Programs))
	for i, p := range ms.Programs {
		statuses[i] = p.Status
	}
	return kept{body: body, statuses: statuses}, nil
}

// wanted reports whether a member has a program in one of the statuses (any, when none).
func wanted(have, statuses []api.ProgressStatus) bool {
	return len(statuses) == 0 || slices.ContainsFunc(have, func(p api.ProgressStatus) bool {
		return slices.Contains(statuses, p)
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
