package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// BenchmarkCheckIns2000 posts 2,000 scanned check-ins (1,000 members, each in and out of one
// of four sessions) as 20 batches of 100 over HTTP, then converts them to credit (1,000
// attendance created through the roster workflow), on PostgreSQL (SQLite without the
// variable). Each iteration uses a fresh event. batch-ms is one batch's mean, convert-ms the
// conversion's.
func BenchmarkCheckIns2000(b *testing.B) {
	engine := store.SQLite
	if dbtest.Engines(b)[len(dbtest.Engines(b))-1] == store.Postgres {
		engine = store.Postgres
	}
	key, err := auth.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	pem, _ := auth.MarshalPrivateKeyPEM(key)
	env := apitest.StartWith(b, dbtest.New(b, engine), func(c *config.Config) { c.CheckInKey = string(pem) })
	ctx := context.Background()
	org, err := env.Store.CreateOrganization(ctx, recert.Organization{Name: "Bench", Code: "BENCH"}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	env.CreateUser(b, recert.User{Email: "bench@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{org.ID}})
	token := env.Login(b, "bench@example.org")
	tokens := make([]string, 1000)
	for i := range tokens {
		m, err := env.Store.CreateMember(ctx, recert.Member{Name: fmt.Sprintf("Attendee %d", i)}, org.ID, "bench")
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = key.SignCheckIn(m.ID, 1)
	}
	loc, _ := time.LoadLocation("America/Chicago")
	post := func(path string, body []byte) []byte {
		req, _ := http.NewRequest(http.MethodPost, env.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req) // a plain client: the contract checks are not timed
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		var out bytes.Buffer
		_, _ = out.ReadFrom(res.Body)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %.300s", path, res.StatusCode, out.Bytes())
		}
		return out.Bytes()
	}
	var batchTime, convertTime time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		e := benchCheckInEvent(b, env, org.ID)
		var batches [][]byte
		for n := range 20 {
			in := api.CheckInBatch{Offline: ptr(true), Items: make([]api.CheckInBatchItem, 100)}
			for k := range in.Items {
				item := n*100 + k
				m, out := item/2, item%2 == 1
				s := m % 4
				at := time.Date(2026, 9, 12, 9+2*s, 0, 0, 0, loc)
				dir := api.CheckInBatchItemDirection("in")
				if out {
					at, dir = at.Add(55*time.Minute), "out"
				}
				in.Items[k] = api.CheckInBatchItem{ClientID: fmt.Sprintf("%d-%d", i, item), Token: &tokens[m], Session: fmt.Sprintf("S%d", s+1),
					Direction: dir, DeviceTime: &at}
			}
			body, _ := json.Marshal(in)
			batches = append(batches, body)
		}
		b.StartTimer()
		start := time.Now()
		for _, body := range batches {
			if out := post("/v1/events/"+e.ID+"/check-ins", body); !bytes.Contains(out, []byte(`"recorded":100`)) {
				b.Fatalf("batch: %.300s", out)
			}
		}
		mid := time.Now()
		if out := post("/v1/events/"+e.ID+"/check-ins/convert", nil); !bytes.Contains(out, []byte(`"created":1000`)) {
			b.Fatalf("convert: %.300s", out)
		}
		batchTime += mid.Sub(start)
		convertTime += time.Since(mid)
	}
	b.ReportMetric(float64(batchTime.Milliseconds())/float64(b.N)/20, "batch-ms")
	b.ReportMetric(float64(convertTime.Milliseconds())/float64(b.N), "convert-ms")
}

// benchCheckInEvent is a published event of four one-hour sessions, two hours apart, that
// credits 80% of a session's time.
func benchCheckInEvent(b *testing.B, env *apitest.Env, orgID string) recert.Event {
	ctx := context.Background()
	d := recert.Date{Year: 2026, Month: 9, Day: 12}
	var sessions []recert.Session
	for s := range 4 {
		sessions = append(sessions, recert.Session{Title: fmt.Sprintf("Session %d", s+1), Date: d, CEUs: 100,
			StartTime: fmt.Sprintf("%02d:00", 9+2*s), EndTime: fmt.Sprintf("%02d:00", 10+2*s)})
	}
	e, err := env.Store.CreateEvent(ctx, recert.Event{OrganizationID: orgID, Title: "Annual Meeting", Format: "in_person",
		TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I", Sessions: sessions,
		CheckIn: recert.CheckInRules{Policy: recert.PresenceShare, SharePercent: 80}}, "bench")
	if err == nil {
		e, err = env.Store.SetEventStatus(ctx, e.ID, recert.EventPublished, "bench")
	}
	if err != nil {
		b.Fatal(err)
	}
	return e
}
