package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// BenchmarkOrganizationStanding500 reads one page of 500 members' standing, each member
// enrolled in ABCP with a licence and credited at three events (bench/README.md, "A member
// of thousands of credits, and lists of members"): every member evaluated (no cache), and
// read again with nothing changed (each member's standing kept).
func BenchmarkOrganizationStanding500(b *testing.B) {
	b.Run("evaluated", func(b *testing.B) { benchmarkStanding(b, 0) })
	b.Run("kept", func(b *testing.B) { benchmarkStanding(b, 64<<20) })
}

func benchmarkStanding(b *testing.B, cacheBytes int64) {
	env, org := benchServer(b, func(c *config.Config) { c.ProgressCacheBytes = cacheBytes })
	ctx := context.Background()
	rows := make([]recert.RosterRow, 500)
	for i := range rows {
		m, err := env.Store.CreateMember(ctx, recert.Member{Name: fmt.Sprintf("Member %d", i), ABCPID: fmt.Sprintf("9%05d", i),
			ABCPCycle: 1 + i%3, CertificationDate: recert.Date{Year: 2012, Month: 10, Day: 1}, BirthMonth: 1 + i%12,
			Licenses: []recert.License{{State: "TX", Number: fmt.Sprint(i), IssuedOn: recert.Date{Year: 2024, Month: 1, Day: 1}}}}, org.ID, "bench")
		if err != nil {
			b.Fatal(err)
		}
		rows[i] = recert.RosterRow{ABCPID: m.ABCPID}
	}
	for i := range 3 {
		d := recert.Date{Year: 2025, Month: time.Month(3 + 3*i), Day: 10}
		e, err := env.Store.CreateEvent(ctx, recert.Event{OrganizationID: org.ID, Title: "Meeting", Format: "in_person",
			TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I",
			Sessions: []recert.Session{{Title: "A", Date: d, CEUs: 200}, {Title: "B", Date: d, CEUs: 150, Topics: []string{"ethics"}}}}, "bench")
		if err == nil {
			_, err = env.Store.SetEventStatus(ctx, e.ID, recert.EventPublished, "bench")
		}
		if err == nil {
			_, err = ledger.NewRosters(env.Store, nil).Post(ctx, ledger.RosterInput{EventID: e.ID, Actor: "bench", Rows: rows, AllSessions: true})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	benchAnalyze(b, env)
	env.CreateUser(b, recert.User{Email: "organizer@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{org.ID}})
	token := env.Login(b, "organizer@example.org")
	url := env.URL + "/v1/organizations/" + org.ID + "/standing?limit=500"
	for b.Loop() {
		benchGet(b, url, token, io.Discard)
	}
}
