package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestOrganizationStanding: an organization's standing list holds the members it created or
// credited, each with the current period of their programs as the organization sees them;
// it pages, filters by program and status, is another organization's 404 and an app's only
// with progress:read; and a page is read with the same statements whatever its size.
func TestOrganizationStanding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := t.Context()
		// Five more members of A, enrolled in ABCP (a cycle), each credited at A's event.
		for i := range 5 {
			m, err := st.CreateMember(ctx, recert.Member{Name: "Member " + string(rune('A'+i)), ABCPID: "80000" + string(rune('0'+i)),
				ABCPCycle: 1 + i%3, CertificationDate: recert.NewDate(2012, 10, 1)}, w.orgA.ID, "test")
			if err != nil {
				t.Fatal(err)
			}
			w.attend(t, w.event, m)
		}
		list := func(as string, params *api.ListOrganizationStandingParams) (*api.ListOrganizationStandingResponse, []string) {
			t.Helper()
			if params == nil {
				params = &api.ListOrganizationStandingParams{}
			}
			res, err := env.Client.ListOrganizationStandingWithResponse(ctx, w.orgA.ID, params, w.as(as))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			if res.JSON200 != nil {
				for _, m := range res.JSON200.Items {
					ids = append(ids, m.MemberID)
				}
			}
			return res, ids
		}
		res, ids := list("organizer A", nil)
		if res.StatusCode() != http.StatusOK || len(ids) != 6 || !strings.Contains(strings.Join(ids, " "), w.member.ID) || strings.Contains(strings.Join(ids, " "), w.otherMember.ID) {
			t.Fatalf("organizer A: %d %v\n%s", res.StatusCode(), ids, res.Body)
		}
		var abcp *api.ProgramStanding
		for _, m := range res.JSON200.Items {
			for i, p := range m.Programs {
				if m.Name == "Member A" && p.ProgramID == "abcp-ccp-ceu" {
					abcp = &m.Programs[i]
				}
			}
		}
		if abcp == nil || abcp.Summary == nil || abcp.Remaining == nil || abcp.Deadline == nil || abcp.Status == "" {
			t.Fatalf("Member A's ABCP standing: %+v\n%s", abcp, res.Body)
		}
		// Each member stands as their own progress says, seen by the same organizer.
		for _, m := range res.JSON200.Items {
			for _, ps := range m.Programs {
				if ps.ProgramID != "abcp-ccp-ceu" || ps.Remaining == nil {
					continue
				}
				prog, err := env.Client.GetMemberProgressWithResponse(ctx, m.MemberID, &api.GetMemberProgressParams{}, w.as("organizer A"))
				if err != nil || prog.JSON200 == nil {
					t.Fatalf("%s's progress: %v %s", m.Name, err, prog.Body)
				}
				per := period(t, prog.JSON200, "abcp-ccp-ceu", "current")
				if per.Status != ps.Status || per.Remaining != *ps.Remaining || per.Summary.Sentence != ps.Summary.Sentence {
					t.Errorf("%s: standing %s %s %q, progress %s %s %q", m.Name, ps.Status, *ps.Remaining, ps.Summary.Sentence,
						per.Status, per.Remaining, per.Summary.Sentence)
				}
			}
		}
		for caller, want := range map[string]int{"organizer B": 404, "client with scope": 200, "client without scope": 403, "admin": 200, "member": 404} {
			if res, _ := list(caller, nil); res.StatusCode() != want {
				t.Errorf("%s: %d, want %d", caller, res.StatusCode(), want)
			}
		}
		// Pages of two, the whole list in three.
		seen := map[string]bool{}
		params := &api.ListOrganizationStandingParams{Limit: ptr(2)}
		for range 3 {
			res, ids := list("organizer A", params)
			if len(ids) != 2 {
				t.Fatalf("a page of %d: %s", len(ids), res.Body)
			}
			for _, id := range ids {
				seen[id] = true
			}
			params.Cursor = res.JSON200.NextCursor
		}
		if len(seen) != 6 || params.Cursor != nil {
			t.Errorf("three pages of two: %d members, next %v", len(seen), params.Cursor)
		}
		// One program; a status nobody has; the status Member A has.
		_, ids = list("organizer A", &api.ListOrganizationStandingParams{Program: ptr("abcp-ccp-ceu")})
		res, _ = list("organizer A", &api.ListOrganizationStandingParams{Program: ptr("abcp-ccp-ceu")})
		for _, m := range res.JSON200.Items {
			for _, p := range m.Programs {
				if p.ProgramID != "abcp-ccp-ceu" {
					t.Errorf("program filter: %s has %s", m.Name, p.ProgramID)
				}
			}
		}
		if _, none := list("organizer A", &api.ListOrganizationStandingParams{Status: []api.ProgressStatus{api.ProgressStatusComplete}}); len(none) != 0 {
			t.Errorf("status complete: %v", none)
		}
		if _, some := list("organizer A", &api.ListOrganizationStandingParams{Status: []api.ProgressStatus{abcp.Status}}); len(some) == 0 || len(some) > len(ids) {
			t.Errorf("status %s: %v", abcp.Status, some)
		}

		// Read again after a change, a member stands as their record now says: the list keeps
		// each member's standing only under the version of their record read with the page.
		standingOf := func(name string) (api.MemberStanding, []api.MemberStanding) {
			t.Helper()
			res, _ := list("organizer A", nil)
			for _, m := range res.JSON200.Items {
				if m.Name == name {
					return m, res.JSON200.Items
				}
			}
			t.Fatalf("%s is not in the list: %s", name, res.Body)
			return api.MemberStanding{}, nil
		}
		var memberA recert.Member
		if ms, _, err := st.Members(ctx, recert.MemberFilter{ABCPID: "800000", Scope: recert.AllOrganizations()}); err != nil || len(ms) != 1 {
			t.Fatalf("Member A: %v %v", ms, err)
		} else {
			memberA = ms[0]
		}
		before, all := standingOf("Member A")
		if _, err := st.UpdateMember(ctx, memberA.ID, 0, "test", func(m *recert.Member) error {
			m.Name, m.ABCPCycle = "Member A Renamed", 2
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		after, allAfter := standingOf("Member A Renamed")
		if before.Programs[0].Deadline == nil || after.Programs[0].Deadline == nil || *before.Programs[0].Deadline == *after.Programs[0].Deadline {
			t.Errorf("a new ABCP cycle kept the deadline: %+v, then %+v", before.Programs, after.Programs)
		}
		w.attend(t, w.eventWith(t, []recert.Session{{Title: "More", Date: w.event.StartDate, CEUs: 300}}), memberA)
		if credited, _ := standingOf("Member A Renamed"); credited.Programs[0].Remaining == nil || after.Programs[0].Remaining == nil ||
			*credited.Programs[0].Remaining == *after.Programs[0].Remaining {
			t.Errorf("a new credit left the remaining: %+v, then %+v", after.Programs[0], credited.Programs[0])
		}
		if len(all) != len(allAfter) {
			t.Errorf("the list changed length: %d, then %d", len(all), len(allAfter))
		}

		// The same statements for a page of two members and of five (each with more after it),
		// evaluated each time (no cache).
		cold := apitest.StartWith(t, st, func(c *config.Config) { c.ProgressCacheBytes = 0 })
		log := logStatements(t, st)
		count := func(limit int) int {
			best := -1
			for range 6 { // the fewest of six: a background job (the start-up reminder scan) may run meanwhile
				before := log.len()
				res, err := cold.Client.ListOrganizationStandingWithResponse(ctx, w.orgA.ID, &api.ListOrganizationStandingParams{Limit: ptr(limit)},
					w.as("organizer A"))
				if err != nil || res.StatusCode() != http.StatusOK {
					t.Fatalf("limit %d: %v %v", limit, err, res)
				}
				if n := len(log.since(before)); best < 0 || n < best {
					best = n
				}
			}
			return best
		}
		// Two members, one at least enrolled with a cycle (only Pat has none), against five.
		if two, five := count(2), count(5); two != five {
			t.Errorf("a page of two took %d statements, of five %d: the credits are read per member", two, five)
		}
	})
}
