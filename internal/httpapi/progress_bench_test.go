package httpapi_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// BenchmarkMemberProgress200 asks for the progress of a member with 200 credits (50 events
// of 4 sessions) in all their programs, over HTTP, on PostgreSQL (SQLite without the
// variable): answered from the progress cache (the same question again, nothing written in
// between), and evaluated each time (the cache off).
func BenchmarkMemberProgress200(b *testing.B) {
	b.Run("cached", func(b *testing.B) { benchmarkProgress(b, 64<<20, 50, 1) })
	b.Run("evaluated", func(b *testing.B) { benchmarkProgress(b, 0, 50, 1) })
}

// BenchmarkMemberProgressGrowth evaluates the progress of members with 32 and 5,000 credits
// (events of 4 and 200 sessions): the target is the second within 3× the first.
func BenchmarkMemberProgressGrowth(b *testing.B) {
	b.Run("32", func(b *testing.B) { benchmarkProgress(b, 0, 8, 1) })
	b.Run("5000", func(b *testing.B) { benchmarkProgress(b, 0, 25, 50) })
}

// benchmarkProgress asks for the progress of a member credited with every session of events
// events of 4×wide sessions each.
func benchmarkProgress(b *testing.B, cacheBytes int64, events, wide int) {
	env, org := benchServer(b, func(c *config.Config) { c.ProgressCacheBytes = cacheBytes })
	ctx := context.Background()
	m, err := env.Store.CreateMember(ctx, recert.Member{Name: "Busy Perfusionist", ABCPID: "246810", ABCPCycle: 1,
		CertificationDate: recert.Date{Year: 2012, Month: 10, Day: 1}, BirthMonth: 5,
		Licenses: []recert.License{{State: "TX", Number: "1", IssuedOn: recert.Date{Year: 2024, Month: 1, Day: 1}},
			{State: "PA", Number: "2", IssuedOn: recert.Date{Year: 2019, Month: 1, Day: 1}}}}, org.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	for i := range events {
		d := recert.Date{Year: 2024 + i/20, Month: time.Month(1 + i%12), Day: 10}
		var sessions []recert.Session
		for range wide {
			sessions = append(sessions, recert.Session{Title: "A", Date: d, CEUs: 100}, recert.Session{Title: "B", Date: d, CEUs: 100},
				recert.Session{Title: "C", Date: d, CEUs: 50, Topics: []string{"ethics"}}, recert.Session{Title: "D", Date: d, CEUs: 150})
		}
		e, err := env.Store.CreateEvent(ctx, recert.Event{OrganizationID: org.ID, Title: "Meeting", Format: "in_person",
			TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: []string{"I", "II", "III"}[i%3], Sessions: sessions}, "bench")
		if err == nil {
			_, err = env.Store.SetEventStatus(ctx, e.ID, recert.EventPublished, "bench")
		}
		if err == nil {
			_, err = ledger.NewRosters(env.Store, nil).Post(ctx, ledger.RosterInput{EventID: e.ID, Actor: "bench",
				Rows: []recert.RosterRow{{ABCPID: m.ABCPID}}, AllSessions: true})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	benchAnalyze(b, env)
	admin := env.CreateUser(b, recert.User{Email: "admin@example.org", Role: recert.RoleAdmin})
	token := env.Login(b, admin.Email)
	url := env.URL + "/v1/members/" + m.ID + "/progress?as_of=2025-11-01"
	for b.Loop() {
		benchGet(b, url, token, io.Discard)
	}
}
