package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestMemberPagesOfAnOrganization: an organization's member pages hold exactly the members it
// created or credited, in id order, whether they fill most of the registry or a few of it, at
// every page size; and MemberVersions pages alike, with each member's version as their
// progress reads it.
func TestMemberPagesOfAnOrganization(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		big, err := st.CreateOrganization(ctx, recert.Organization{Name: "Big Society", Code: "BIG"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		small, err := st.CreateOrganization(ctx, recert.Organization{Name: "Small Hospital", Code: "SMALL"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{}
		for i := range 40 {
			org := big
			if i%13 == 0 {
				org = small
			}
			m, err := st.CreateMember(ctx, recert.Member{Name: fmt.Sprintf("Member %d", i), ABCPID: fmt.Sprintf("7%05d", i)}, org.ID, "test")
			if err != nil {
				t.Fatal(err)
			}
			want[org.ID] = append(want[org.ID], m.ID)
		}
		// One of the big society's members is the small hospital's by attendance alone.
		e := publish(t, st, createEvent(t, st, meeting(small.ID, "Grand rounds", "2026-03-02", "2026-03-02", t,
			session(t, "Cannulation", "2026-03-02", 100))))
		credited := want[big.ID][7]
		m, err := st.Member(ctx, credited)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.NewRosters(st, nil).Post(ctx, rosterInput(e.ID, []recert.RosterRow{{ABCPID: m.ABCPID}}, ledger.RosterInput{})); err != nil {
			t.Fatal(err)
		}
		want[small.ID] = append(want[small.ID], credited)
		for _, ids := range want {
			slices.Sort(ids)
		}
		for _, org := range []recert.Organization{big, small} {
			for _, limit := range []int{1, 2, 3, 7, 50} {
				var got, subjects []string
				f := recert.MemberFilter{Page: recert.Page{Limit: limit}, Scope: recert.OrganizationsScope(org.ID)}
				for range 50 {
					ms, next, err := st.Members(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					for _, m := range ms {
						got = append(got, m.ID)
					}
					subs, next2, err := st.MemberVersions(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					for _, s := range subs {
						subjects = append(subjects, s.Member.ID)
						one, err := st.ProgressSubject(ctx, s.Member.ID, f.Scope)
						if err != nil {
							t.Fatal(err)
						}
						if s.Version != one.Version || !s.Visible {
							t.Errorf("%s: subject %+v on the page, %+v alone", org.Name, s, one)
						}
					}
					if next != next2 {
						t.Fatalf("%s, pages of %d: members end at %q, subjects at %q", org.Name, limit, next, next2)
					}
					if next == "" {
						break
					}
					f.After = next
				}
				byID, err := st.MembersByID(ctx, subjects)
				if err != nil || len(byID) != len(subjects) {
					t.Fatalf("%s: %d of %d members by id: %v", org.Name, len(byID), len(subjects), err)
				}
				for i, m := range byID {
					if m.ID != subjects[i] || m.ABCPID == "" {
						t.Errorf("%s: member %d by id: %+v", org.Name, i, m)
					}
				}
				if !slices.Equal(got, want[org.ID]) || !slices.Equal(subjects, want[org.ID]) {
					t.Errorf("%s, pages of %d:\n got %v\nsubjects %v\nwant %v", org.Name, limit, got, subjects, want[org.ID])
				}
			}
		}
	})
}
