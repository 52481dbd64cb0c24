package web_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// BenchmarkPages1000 times each member page against the API request that reads the same
// data, for a member with 1,000 credits (250 events of 4 sessions), in one run, on
// PostgreSQL when RECERT_TEST_DATABASE_URL is set (SQLite otherwise).
func BenchmarkPages1000(b *testing.B) {
	engine := store.SQLite
	if engines := dbtest.Engines(b); engines[len(engines)-1] == store.Postgres {
		engine = store.Postgres
	}
	env := apitest.Start(b, dbtest.New(b, engine))
	ctx := context.Background()
	org, err := env.Store.CreateOrganization(ctx, recert.Organization{Name: "Bench", Code: "BENCH"}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	m, err := env.Store.CreateMember(ctx, recert.Member{Name: "Busy Perfusionist", Email: "busy@example.org", ABCPID: "246810",
		ABCPCycle: 1, CertificationDate: recert.Date{Year: 2012, Month: 10, Day: 1}, Status: "active"}, org.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	rosters := ledger.NewRosters(env.Store, nil)
	for i := range 250 {
		d := recert.Date{Year: 2024 + i/100, Month: time.Month(1 + i%12), Day: 1 + i%28}
		e, err := env.Store.CreateEvent(ctx, recert.Event{OrganizationID: org.ID, Title: "Meeting", Format: "in_person",
			TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: []string{"I", "II", "III"}[i%3], Sessions: []recert.Session{
				{Title: "A", Date: d, CEUs: 100}, {Title: "B", Date: d, CEUs: 100}, {Title: "C", Date: d, CEUs: 50, Topics: []string{"ethics"}},
				{Title: "D", Date: d, CEUs: 150}}}, "bench")
		if err == nil {
			_, err = env.Store.SetEventStatus(ctx, e.ID, recert.EventPublished, "bench")
		}
		if err == nil {
			_, err = rosters.Post(ctx, ledger.RosterInput{EventID: e.ID, Actor: "bench", Rows: []recert.RosterRow{{ABCPID: m.ABCPID}}, AllSessions: true})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if cs, err := env.Store.Credits(ctx, recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: m.ID}); err != nil || len(cs) != 1000 {
		b.Fatalf("the member has %d credits (%v), want 1,000", len(cs), err)
	}
	u := env.CreateUser(b, recert.User{Email: "busy@example.org", Role: recert.RoleMember, MemberID: m.ID})
	token := env.Login(b, u.Email)
	page := (&world{env: env}).browser(b)
	page.signIn(u.Email)

	get := func(b *testing.B, c *http.Client, path string, auth func(*http.Request)) {
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
			auth(req)
			res, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Fatalf("%s: %d %.300s", path, res.StatusCode, body)
			}
		}
	}
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
	session := func(*http.Request) {} // the page client's jar holds the session cookie
	api := http.DefaultClient
	b.Run("api-progress", func(b *testing.B) { get(b, api, "/v1/me/progress", bearer) })
	b.Run("page-dashboard", func(b *testing.B) { get(b, page.c, "/app/dashboard", session) })
	b.Run("api-credits", func(b *testing.B) { get(b, api, "/v1/members/"+m.ID+"/credits", bearer) })
	b.Run("page-credits", func(b *testing.B) { get(b, page.c, "/app/credits", session) })
	b.Run("api-report", func(b *testing.B) { get(b, api, "/v1/members/"+m.ID+"/report?program=abcp-ccp", bearer) })
	b.Run("page-report", func(b *testing.B) { get(b, page.c, "/app/report", session) })
}
