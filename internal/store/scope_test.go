package store_test

import (
	"context"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestZeroScopeSeesNothing asks every store read that narrows by organization with the zero
// scope, and with the organization's own: the first must find nothing, the second what is
// there, so that a scope forgotten on the way to a query hides records instead of showing
// them all.
func TestZeroScopeSeesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		att := f.mustPost(t, recert.RosterRow{ABCPID: f.jane.ABCPID, Name: f.jane.Name}).Rows[0].AttendanceID
		if _, err := st.CreateClient(ctx, recert.Client{Name: "app", OrganizationID: f.org.ID, Scopes: []string{"events:read"}}, []byte("hash"), "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateWebhook(ctx, recert.Webhook{OrganizationID: f.org.ID, URL: "https://hooks.example.org/x",
			EventTypes: []string{"attendance.posted"}, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateDispute(ctx, recert.Dispute{EventID: f.event.ID, MemberID: f.jane.ID, Kind: "wrong", AttendanceID: att, Message: "I stayed"}, "test"); err != nil {
			t.Fatal(err)
		}
		decided, err := st.CreateDispute(ctx, recert.Dispute{EventID: f.event.ID, MemberID: f.jane.ID, Kind: "wrong", AttendanceID: att, Message: "And the day after"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ResolveDispute(ctx, decided.ID, "rejected", "not on the sign-in sheet", "", "test"); err != nil {
			t.Fatal(err)
		}
		page := recert.Page{Limit: 10}
		reads := map[string]func(recert.Scope) (int, error){
			"Organizations": func(s recert.Scope) (int, error) { l, _, err := st.Organizations(ctx, page, s); return len(l), err },
			"Clients":       func(s recert.Scope) (int, error) { l, _, err := st.Clients(ctx, page, s); return len(l), err },
			"Webhooks":      func(s recert.Scope) (int, error) { l, err := st.Webhooks(ctx, s, ""); return len(l), err },
			"OpenDisputes":  func(s recert.Scope) (int, error) { l, err := st.OpenDisputes(ctx, s, 10); return len(l), err },
			"DecidedDisputes": func(s recert.Scope) (int, error) {
				l, err := st.DecidedDisputes(ctx, s, 10)
				return len(l), err
			},
			"Events": func(s recert.Scope) (int, error) {
				l, _, err := st.Events(ctx, recert.EventFilter{Page: page, Scope: s})
				return len(l), err
			},
			"Members": func(s recert.Scope) (int, error) {
				l, _, err := st.Members(ctx, recert.MemberFilter{Page: page, Scope: s})
				return len(l), err
			},
			"Credits": func(s recert.Scope) (int, error) {
				l, err := st.Credits(ctx, recert.CreditFilter{MemberID: f.jane.ID, Scope: s})
				return len(l), err
			},
			"MemberRecord": func(s recert.Scope) (int, error) {
				r, err := st.MemberRecord(ctx, ledger.RecordQuery{MemberID: f.jane.ID, Scope: s})
				return len(r.Credits), err
			},
			"MemberAttendance": func(s recert.Scope) (int, error) {
				l, _, err := st.MemberAttendance(ctx, f.jane.ID, s, page)
				return len(l), err
			},
			"MemberRelated": func(s recert.Scope) (int, error) {
				ok, err := st.MemberRelated(ctx, f.jane.ID, s)
				return count(ok), err
			},
			"MemberCreatedBy": func(s recert.Scope) (int, error) {
				ok, err := st.MemberCreatedBy(ctx, f.jane.ID, s)
				return count(ok), err
			},
			"RelatedMembers": func(s recert.Scope) (int, error) {
				m, err := st.RelatedMembers(ctx, s, []string{f.jane.ID})
				return count(m[f.jane.ID]), err
			},
			"ProgressVersionFor": func(s recert.Scope) (int, error) {
				_, ok, err := st.ProgressVersionFor(ctx, f.jane.ID, s)
				return count(ok), err
			},
		}
		for name, read := range reads {
			t.Run(name, func(t *testing.T) {
				if n, err := read(recert.Scope{}); err != nil || n != 0 {
					t.Errorf("zero scope: %d found, err %v; want none", n, err)
				}
				if name == "MemberCreatedBy" {
					return // Jane was created by an administrator, not by the organization
				}
				if n, err := read(recert.OrganizationsScope(f.org.ID)); err != nil || n == 0 {
					t.Errorf("the organization's scope: %d found, err %v; want some", n, err)
				}
				if n, err := read(recert.AllOrganizations()); err != nil || n == 0 {
					t.Errorf("every organization: %d found, err %v; want some", n, err)
				}
			})
		}
	})
}

func count(ok bool) int {
	if ok {
		return 1
	}
	return 0
}
