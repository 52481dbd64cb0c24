package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/recert"
)

// BenchmarkPostRoster5000 posts a 5,000-row JSON roster of new attendees over HTTP, through
// validation, the handler and the store, to PostgreSQL (SQLite without the variable).
// Each iteration uses a fresh event, so every row creates a member and an attendance.
func BenchmarkPostRoster5000(b *testing.B) {
	env, org := benchServer(b, nil)
	env.CreateUser(b, recert.User{Email: "bench@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{org.ID}})
	token := env.Login(b, "bench@example.org")
	// The response is read into a buffer made beforehand: the allocations are the server's.
	out := bytes.NewBuffer(make([]byte, 0, 8<<20))
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		e := benchEvent(b, env, org.ID)
		in := api.RosterInput{Rows: make([]api.RosterRowInput, 5000)}
		for r := range in.Rows {
			in.Rows[r] = api.RosterRowInput{ABCPID: ptr(fmt.Sprintf("%06d", i*5000+r)), Name: ptr("Attendee"), Sessions: []string{"S1; S2; S3; S4"}}
		}
		body, _ := json.Marshal(in)
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/v1/events/"+e.ID+"/attendance", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		b.StartTimer()
		// A plain client: the contract checks of the test client would be timed too.
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out.Reset()
		_, _ = out.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !bytes.Contains(out.Bytes(), []byte(`"created":5000`)) {
			b.Fatalf("post: %d %.300s", res.StatusCode, out.Bytes())
		}
	}
}

func benchEvent(b *testing.B, env *apitest.Env, orgID string) recert.Event {
	ctx := context.Background()
	d := recert.Date{Year: 2026, Month: 9, Day: 12}
	e, err := env.Store.CreateEvent(ctx, recert.Event{OrganizationID: orgID, Title: "Annual Meeting", Format: "in_person",
		TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I", Sessions: []recert.Session{
			{Title: "A", Date: d, CEUs: 100}, {Title: "B", Date: d, CEUs: 100}, {Title: "C", Date: d, CEUs: 100}, {Title: "D", Date: d, CEUs: 150}}}, "bench")
	if err == nil {
		e, err = env.Store.SetEventStatus(ctx, e.ID, recert.EventPublished, "bench")
	}
	if err != nil {
		b.Fatal(err)
	}
	return e
}
