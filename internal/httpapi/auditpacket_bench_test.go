package httpapi_test

import (
	"context"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// BenchmarkAuditPacket downloads the audit packet of a member with 40 and 500 credits (10
// and 125 events of 4 sessions, a certificate and a credential each), over HTTP, and reports
// the peak heap of the process while it streams: the target is the second close to the
// first, since the packet is written a document at a time (go test -bench AuditPacket
// -benchtime 3x ./internal/httpapi/).
func BenchmarkAuditPacket(b *testing.B) {
	b.Run("credits=40", func(b *testing.B) { benchmarkAuditPacket(b, 10) })
	b.Run("credits=500", func(b *testing.B) { benchmarkAuditPacket(b, 125) })
}

func benchmarkAuditPacket(b *testing.B, events int) {
	env, org := benchServer(b, nil)
	ctx := context.Background()
	m, err := env.Store.CreateMember(ctx, recert.Member{Name: "Busy Perfusionist", ABCPID: "246810", ABCPCycle: 1, Email: "busy@example.org",
		CertificationDate: recert.Date{Year: 2025, Month: 1, Day: 10}}, org.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	for i := range events {
		d := recert.Date{Year: 2025, Month: time.Month(2 + i%11), Day: 1 + i%27}
		sessions := []recert.Session{{Title: "A", Date: d, CEUs: 100}, {Title: "B", Date: d, CEUs: 100},
			{Title: "C", Date: d, CEUs: 50}, {Title: "D", Date: d, CEUs: 150}}
		e, err := env.Store.CreateEvent(ctx, recert.Event{OrganizationID: org.ID, Title: "Meeting", Format: "in_person",
			TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I", Sessions: sessions}, "bench")
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
	admin := env.CreateUser(b, recert.User{Email: "admin@example.org", Role: recert.RoleAdmin})
	token := env.Login(b, admin.Email)
	url := env.URL + "/v1/members/" + m.ID + "/audit-packet?program=abcp-ccp-ceu&period=2025-06-01"
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
		}
	}()
	defer close(stop)
	var size int64
	for b.Loop() {
		size = benchGet(b, url, token, io.Discard)
	}
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "zip-MB")
}
