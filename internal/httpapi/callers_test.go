package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestRememberedCallerIsTakenAsItIs: a member's progress, credits, attendance and report
// start from the caller the service remembers from the token's earlier requests, and are
// answered as the caller now is. An
// organizer moved to another organization no longer sees the first one's member and sees the
// other's; one put back sees the first again; a signed-out token asking about a member that
// does not exist is refused for the token, not told the member is missing, as is a member's
// signed-out token asking about another member (refused before any read).
func TestRememberedCallerIsTakenAsItIs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		for _, m := range []recert.Member{w.member, w.otherMember} { // each has an ABCP report
			if _, err := st.UpdateMember(ctx, m.ID, 0, "test", func(m *recert.Member) error {
				m.ABCPCycle, m.CertificationDate = 1, recert.Date{Year: 2015, Month: 9, Day: 1}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		reads := map[string]func(memberID string) (int, error){
			"progress": func(id string) (int, error) {
				res, err := w.env.Client.GetMemberProgressWithResponse(ctx, id, nil, w.as("organizer A"))
				return status(res, err)
			},
			"credits": func(id string) (int, error) {
				res, err := w.env.Client.ListCreditsWithResponse(ctx, id, nil, w.as("organizer A"))
				return status(res, err)
			},
			"attendance": func(id string) (int, error) {
				res, err := w.env.Client.ListMemberAttendanceWithResponse(ctx, id, nil, w.as("organizer A"))
				return status(res, err)
			},
			"report": func(id string) (int, error) {
				res, err := w.env.Client.GetReportWithResponse(ctx, id, &api.GetReportParams{Program: "abcp-ccp"}, w.as("organizer A"))
				return status(res, err)
			},
		}
		expect := func(when string, memberID string, want int) {
			t.Helper()
			for name, read := range reads {
				for range 2 { // the second from the caller the first remembered
					got, err := read(memberID)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s: %s of %s answered %d, want %d", when, name, memberID, got, want)
					}
				}
			}
		}
		expect("at first", w.member.ID, http.StatusOK)
		expect("at first", w.otherMember.ID, http.StatusNotFound)

		if err := st.RemoveOrganizer(ctx, w.orgA.ID, w.organizerA); err != nil {
			t.Fatal(err)
		}
		if err := st.AddOrganizer(ctx, w.orgB.ID, w.organizerA, "test"); err != nil {
			t.Fatal(err)
		}
		expect("moved to B", w.member.ID, http.StatusNotFound)
		expect("moved to B", w.otherMember.ID, http.StatusOK)

		if err := st.AddOrganizer(ctx, w.orgA.ID, w.organizerA, "test"); err != nil {
			t.Fatal(err)
		}
		expect("back in A too", w.member.ID, http.StatusOK)

		res, err := w.env.Client.SignOutUserWithResponse(ctx, w.organizerA, w.as("admin"))
		if err != nil || res.StatusCode() != http.StatusNoContent {
			t.Fatalf("sign out: %v %d", err, res.StatusCode())
		}
		expect("signed out", recert.NewID(recert.PrefixMember), http.StatusUnauthorized)
		expect("signed out", w.member.ID, http.StatusUnauthorized)

		others := func(want int) {
			t.Helper()
			for range 2 {
				res, err := w.env.Client.GetMemberProgressWithResponse(ctx, w.otherMember.ID, nil, w.as("member"))
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode() != want {
					t.Errorf("a member asking about another: %d, want %d", res.StatusCode(), want)
				}
			}
		}
		others(http.StatusNotFound)
		if got := revoke(t, w.env, w.tokens["member"]); got != http.StatusOK {
			t.Fatalf("revoke: %d", got)
		}
		others(http.StatusUnauthorized)
	})
}

// status is a response's status code, or the error that stopped it.
func status(res interface{ StatusCode() int }, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return res.StatusCode(), nil
}

// TestRememberedClientIsRefusedOnceRevoked: an API client the service remembers from its
// token's earlier requests is refused a member's progress as soon as it is revoked.
func TestRememberedClientIsRefusedOnceRevoked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		expect := func(when string, want int) {
			t.Helper()
			for range 2 { // the second from the caller the first remembered
				res, err := w.env.Client.GetMemberProgressWithResponse(t.Context(), w.member.ID, nil, w.as("client with scope"))
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode() != want {
					t.Errorf("%s: progress answered %d, want %d: %s", when, res.StatusCode(), want, res.Body)
				}
			}
		}
		expect("at first", http.StatusOK)
		res, err := w.env.Client.RevokeClientWithResponse(t.Context(), w.clientA.ID, w.as("admin"))
		if err != nil || res.StatusCode() >= 300 {
			t.Fatalf("revoke: %v %d", err, res.StatusCode())
		}
		expect("revoked", http.StatusUnauthorized)
	})
}

// TestMemberReadsConfirmCallerInTheirRead: a member's credits asked by an organizer the
// service remembers cost two statements (whether the organization sees the member, with the
// caller; then the credits), one fewer than for a caller read on its own.
func TestMemberReadsConfirmCallerInTheirRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		log := logStatements(t, st)
		credits := func() []string {
			before := log.len()
			res, err := w.env.Client.ListCreditsWithResponse(t.Context(), w.member.ID, nil, w.as("organizer A"))
			if err != nil || res.StatusCode() != http.StatusOK {
				t.Fatalf("credits: %v %d", err, res.StatusCode())
			}
			return log.since(before)
		}
		credits()
		if sql := fewest(credits); len(sql) > 2 {
			t.Errorf("credits from a remembered organizer took %d statements, want 2:\n%s", len(sql), strings.Join(sql, "\n"))
		}
	})
}
