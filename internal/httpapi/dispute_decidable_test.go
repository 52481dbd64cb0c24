package httpapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestEveryFiledDisputeCanBeDecided: filing and accepting are one rule. Over generated
// disputes (either kind; sessions named by id, code or title, in any case, repeated or
// unknown; CEUs in and out of range; both or neither), each one the API files can be
// accepted, and the same one, filed by a member in the same position, can be rejected.
func TestEveryFiledDisputeCanBeDecided(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := context.Background()
		ev := w.event
		rnd := rand.New(rand.NewPCG(21, 7))
		refs := func() []string {
			var out []string
			for range rnd.IntN(4) {
				s := ev.Sessions[rnd.IntN(len(ev.Sessions))]
				out = append(out, []string{s.ID, s.Code, strings.ToLower(s.Code), s.Title, strings.ToUpper(s.Title), " " + s.Title + " ", "S9", "Ethic"}[rnd.IntN(8)])
			}
			return out
		}
		ceus := []string{"0.00", "1.00", "2.25", "4.50", "4.51"}
		filed, refused := 0, 0
		for i := range 24 {
			in := api.DisputeInput{Kind: api.DisputeInputKind([]string{"missing", "wrong"}[rnd.IntN(2)]), Message: "I was there", Sessions: refs()}
			if rnd.IntN(3) == 0 {
				in.Ceus = ptr(ceus[rnd.IntN(len(ceus))])
			}
			name := fmt.Sprintf("%d %s sessions %q ceus %v", i, in.Kind, in.Sessions, value(in.Ceus))
			var codes []int
			var ids []string
			for j := range 2 {
				email := apitest.Email(t, fmt.Sprintf("disputer%d-%d", i, j))
				m, err := st.CreateMember(ctx, recert.Member{Name: fmt.Sprintf("Member %d-%d", i, j), Email: email}, w.orgA.ID, "test")
				if err != nil {
					t.Fatal(err)
				}
				w.env.CreateUser(t, recert.User{Email: email, Role: recert.RoleMember, MemberID: m.ID})
				if in.Kind == "wrong" {
					w.attend(t, ev, m)
				}
				r, err := w.env.Client.CreateDisputeWithResponse(ctx, ev.ID, in, apitest.Bearer(w.env.Login(t, email)))
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, r.StatusCode())
				if r.JSON201 != nil {
					ids = append(ids, r.JSON201.ID)
				} else if r.StatusCode() != http.StatusUnprocessableEntity && r.StatusCode() != http.StatusBadRequest {
					t.Errorf("%s: filing answered %d %s", name, r.StatusCode(), r.Body)
				}
			}
			if codes[0] != codes[1] {
				t.Fatalf("%s: the same dispute answered %v", name, codes)
			}
			if len(ids) == 0 {
				refused++
				continue
			}
			filed++
			accepted, _ := w.env.Client.ResolveDisputeWithResponse(ctx, ids[0], api.DisputeResolution{Decision: "accepted"}, w.as("organizer A"))
			if accepted.StatusCode() != http.StatusOK {
				t.Errorf("%s: filed, then accepting answered %d %s", name, accepted.StatusCode(), accepted.Body)
			}
			rejected, _ := w.env.Client.ResolveDisputeWithResponse(ctx, ids[1], api.DisputeResolution{Decision: "rejected", Reason: ptr("no record")}, w.as("organizer A"))
			if rejected.StatusCode() != http.StatusOK {
				t.Errorf("%s: filed, then rejecting answered %d %s", name, rejected.StatusCode(), rejected.Body)
			}
		}
		t.Logf("%d disputes filed and decided both ways, %d refused at filing", filed, refused)
		// The generator reaches both sides of the rule.
		if filed < 5 || refused < 5 {
			t.Errorf("%d filed, %d refused: the cases do not test the rule", filed, refused)
		}
	})
}

// TestDisputeNamesSessionsAsRostersDo: codes and titles, in any case, name sessions; the
// dispute keeps their ids in the event's order; an unknown one points at itself.
func TestDisputeNamesSessionsAsRostersDo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ev := w.publishedEvent(t)
		r, _ := w.env.Client.CreateDisputeWithResponse(t.Context(), ev.ID, api.DisputeInput{Kind: "missing", Message: "I was there",
			Sessions: []string{"s2", " ecmo UPDATE "}}, w.as("member"))
		if r.JSON201 == nil || fmt.Sprint(r.JSON201.Sessions) != fmt.Sprint([]string{ev.Sessions[0].ID, ev.Sessions[1].ID}) {
			t.Fatalf("by code and title: %d %s", r.StatusCode(), r.Body)
		}
		bad, _ := w.env.Client.CreateDisputeWithResponse(t.Context(), w.publishedEvent(t).ID, api.DisputeInput{Kind: "missing", Message: "I was there",
			Sessions: []string{"S1", "ECMO"}}, w.as("member"))
		if bad.ApplicationProblemJSON422 == nil || bad.ApplicationProblemJSON422.Errors[0].Pointer != "#/sessions/1" ||
			!strings.Contains(bad.ApplicationProblemJSON422.Errors[0].Detail, `"ECMO" is not a session of this event`) {
			t.Errorf("unknown session: %d %s", bad.StatusCode(), bad.Body)
		}
	})
}
