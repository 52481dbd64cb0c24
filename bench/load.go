package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// endpoint is one stream of requests at a fixed arrival rate (0: as fast as workers allow).
type endpoint struct {
	name    string
	rate    int
	workers uint64
	target  vegeta.Targeter
}

// attack runs the endpoints together for d and returns each one's metrics.
func attack(eps []endpoint, d time.Duration) map[string]*vegeta.Metrics {
	out := map[string]*vegeta.Metrics{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ep := range eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := []func(*vegeta.Attacker){vegeta.Timeout(10 * time.Second), vegeta.KeepAlive(true)}
			if ep.workers > 0 {
				opts = append(opts, vegeta.Workers(ep.workers), vegeta.MaxWorkers(ep.workers))
			}
			a := vegeta.NewAttacker(opts...)
			var m vegeta.Metrics
			for res := range a.Attack(ep.target, vegeta.Rate{Freq: ep.rate, Per: time.Second}, d, ep.name) {
				m.Add(res)
			}
			m.Close()
			mu.Lock()
			out[ep.name] = &m
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// roundRobin targets GET urls in turn, with a bearer token when given.
func roundRobin(urls []string, token string) vegeta.Targeter {
	var i atomic.Uint64
	hdr := http.Header{}
	if token != "" {
		hdr.Set("Authorization", "Bearer "+token)
	}
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = http.MethodGet, urls[(i.Add(1)-1)%uint64(len(urls))], hdr
		return nil
	}
}

func memberURLs(base string, ids []string, suffix string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = base + "/members/" + id + suffix
	}
	return out
}

// rosterTarget posts 200-row rosters of new attendees to the roster events in turn.
func rosterTarget(s *server, w *world) vegeta.Targeter {
	var n atomic.Int64
	n.Store(int64(w.nextRosterMemberNo))
	var i atomic.Uint64
	hdr := http.Header{"Authorization": {"Bearer " + w.organizer}, "Content-Type": {"application/json"}}
	return func(t *vegeta.Target) error {
		rows := make([]map[string]any, 200)
		for j := range rows {
			k := int(n.Add(1))
			rows[j] = map[string]any{"abcp_id": abcpID(k), "name": fmt.Sprintf("Walk-in %d", k)}
		}
		body, err := json.Marshal(map[string]any{"rows": rows})
		ev := w.rosterEvents[(i.Add(1)-1)%uint64(len(w.rosterEvents))]
		t.Method, t.URL, t.Header, t.Body = http.MethodPost, s.url+"/v1/events/"+ev+"/attendance?all_sessions=true", hdr, body
		return err
	}
}

// tokenTarget has the apps get tokens (client credentials) in turn. The token endpoint
// allows 60 attempts a minute per client address and 10 per account: one address, as here,
// gets one a second in the long run.
func tokenTarget(s *server, w *world) vegeta.Targeter {
	var i atomic.Uint64
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	return func(t *vegeta.Target) error {
		c := w.clients[(i.Add(1)-1)%uint64(len(w.clients))]
		body := []byte(url.Values{"grant_type": {"client_credentials"}, "client_id": {c[0]}, "client_secret": {c[1]}}.Encode())
		t.Method, t.URL, t.Header, t.Body = http.MethodPost, s.url+"/v1/auth/token", hdr, body
		return nil
	}
}

func progressTarget(s *server, w *world) vegeta.Targeter {
	return roundRobin(memberURLs(s.url+"/v1", w.members, "/progress"), w.organizer)
}

// uncachedTarget reads the members' progress in turn, each request as of another day, so
// that none is answered from the cache: as an app that reads each member once sees it. The
// days go on from one phase and round to the next.
func uncachedTarget(s *server, w *world) vegeta.Targeter {
	hdr := http.Header{"Authorization": {"Bearer " + w.organizer}}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	return func(t *vegeta.Target) error {
		n := w.uncached.Add(1) - 1
		asOf := day.AddDate(0, 0, int(n/uint64(len(w.members))%3650)).Format(time.DateOnly)
		t.Method, t.URL, t.Header = http.MethodGet, s.url+"/v1/members/"+w.members[n%uint64(len(w.members))]+"/progress?as_of="+asOf, hdr
		return nil
	}
}

// standingP50 is the quiet p50 of reading 1,000 members' standing (two pages of 500, one after
// the other), five times each: cold, every member's ledger version bumped before each read so
// that the service evaluates them all; and warm, read again with nothing changed, as an app
// polling the list does.
func standingP50(s *server, w *world) (cold, warm time.Duration) {
	ctx := context.Background()
	db, err := pgx.Connect(ctx, s.dbURL)
	if err != nil {
		log.Printf("standing: %v", err)
		return 0, 0
	}
	defer db.Close(ctx)
	// A read's time ends when the last byte of each page has arrived; finding the next cursor
	// in the page is the bench's own work, and left out.
	read := func() time.Duration {
		var took time.Duration
		cursor := ""
		for range 2 {
			u := s.url + "/v1/organizations/" + w.org + "/standing?limit=500"
			if cursor != "" {
				u += "&cursor=" + url.QueryEscape(cursor)
			}
			start := time.Now()
			body, err := get(ctx, u, w.organizer)
			took += time.Since(start)
			var page struct {
				NextCursor string `json:"next_cursor"`
			}
			if err == nil {
				err = json.Unmarshal(body, &page)
			}
			if err != nil {
				log.Printf("standing: %v", err)
				return 0
			}
			cursor = page.NextCursor
		}
		return took
	}
	var colds, warms []time.Duration
	for range 5 {
		if _, err := db.Exec(ctx, "UPDATE member_ledger SET version = version + 1"); err != nil {
			log.Printf("standing: %v", err)
			return 0, 0
		}
		colds = append(colds, read())
		warms = append(warms, read())
	}
	slices.Sort(colds)
	slices.Sort(warms)
	return colds[len(colds)/2], warms[len(warms)/2]
}

// get reads the answer to a GET, which must be 200.
func get(ctx context.Context, u, token string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return body, err
}

func baselineTarget(b *server, w *world) vegeta.Targeter {
	return roundRobin(memberURLs(b.url, w.members, ""), "")
}

// runMixed is the everyday mix, with the baseline in the same run.
func runMixed(_ context.Context, s, b *server, w *world, d time.Duration) map[string]*vegeta.Metrics {
	log.Printf("mixed workload for %s", d)
	return attack([]endpoint{
		{name: "GET /v1/members/{id}/progress", rate: 100, target: progressTarget(s, w)},
		{name: "GET /v1/members/{id}/credits", rate: 50, target: roundRobin(memberURLs(s.url+"/v1", w.members, "/credits"), w.organizer)},
		{name: "GET /v1/events (catalogue)", rate: 50, target: roundRobin([]string{s.url + "/v1/events?limit=20"}, "")},
		{name: "POST /v1/events/{id}/attendance (200 rows)", rate: 2, target: rosterTarget(s, w)},
		{name: "POST /v1/auth/token (client credentials)", rate: 1, target: tokenTarget(s, w)},
		{name: "baseline: one SUM query", rate: 100, target: baselineTarget(b, w)},
	}, d)
}

// capacityRound is one round of the capacity and latency phases.
type capacityRound struct {
	progressMax, baselineMax float64       // successful requests per second, at saturation
	progressP99, baselineP99 time.Duration // at 300 requests per second
	errorsAt500              float64       // share of failed progress requests at 500 per second
	// At 500 requests per second: progress (cached) and the baseline, p99.
	progressP99At500, baselineP99At500 time.Duration
	// Uncached progress at 300 requests per second: its p99 and share of failed requests.
	uncachedP99    time.Duration
	uncachedErrors float64
	// uncachedMax is progress at saturation with every request evaluated (a different as_of
	// each time), as an app that reads each member once sees it.
	uncachedMax float64
	// standing and standingWarm are the times to read 1,000 members' standing (two pages of
	// 500), evaluated and kept, baselineOne
	// the baseline's time for one member's sum, both quiet p50s.
	standing, standingWarm, baselineOne time.Duration
	// Progress at twice its saturation throughput: the share answered 200, the share turned
	// away with 503, and the latency of every request (an overloaded service should refuse
	// the excess at once rather than let every request wait).
	overRate, overOK, over503 float64
	overP50, overP99          time.Duration
}

// runCapacity measures, per round: throughput at saturation (8 workers each), p99 at
// 300 requests per second, p99 and errors at 500 per second, uncached progress at 300 per
// second, and progress at twice its saturation.
func runCapacity(_ context.Context, s, b *server, w *world, c config) []capacityRound {
	d := c.duration / 3
	var out []capacityRound
	for r := range c.rounds {
		log.Printf("capacity round %d of %d", r+1, c.rounds)
		// Each phase starts on a quiet server: an overloaded phase leaves work behind.
		one := func(ep endpoint) *vegeta.Metrics {
			settle(s, b)
			wait := func() {}
			if c.profile != "" && ep.workers > 0 && ep.name != "b" {
				wait = profileCPU(s, d, filepath.Join(c.profile, fmt.Sprintf("%s-saturation-%d.pprof", ep.name, r+1)))
			}
			defer wait()
			return attack([]endpoint{ep}, d)[ep.name]
		}
		var cr capacityRound
		cr.progressMax = one(endpoint{name: "p", workers: 8, target: progressTarget(s, w)}).Throughput
		cr.uncachedMax = one(endpoint{name: "u", workers: 8, target: uncachedTarget(s, w)}).Throughput
		cr.baselineMax = one(endpoint{name: "b", workers: 8, target: baselineTarget(b, w)}).Throughput
		cr.progressP99 = one(endpoint{name: "p", rate: 300, target: progressTarget(s, w)}).Latencies.P99
		cr.baselineP99 = one(endpoint{name: "b", rate: 300, target: baselineTarget(b, w)}).Latencies.P99
		at500 := one(endpoint{name: "p", rate: 500, target: progressTarget(s, w)})
		cr.errorsAt500, cr.progressP99At500 = 1-at500.Success, at500.Latencies.P99
		cr.baselineP99At500 = one(endpoint{name: "b", rate: 500, target: baselineTarget(b, w)}).Latencies.P99
		u300 := one(endpoint{name: "u", rate: 300, target: uncachedTarget(s, w)})
		cr.uncachedP99, cr.uncachedErrors = u300.Latencies.P99, 1-u300.Success
		settle(s, b)
		cr.standing, cr.standingWarm = standingP50(s, w)
		cr.baselineOne = attack([]endpoint{{name: "b", rate: 2, target: baselineTarget(b, w)}}, 5*time.Second)["b"].Latencies.P50
		cr.overRate = 2 * cr.progressMax
		over := one(endpoint{name: "p", rate: int(cr.overRate), target: progressTarget(s, w)})
		cr.overOK, cr.overP50, cr.overP99 = over.Success, over.Latencies.P50, over.Latencies.P99
		if over.Requests > 0 {
			cr.over503 = float64(over.StatusCodes["503"]) / float64(over.Requests)
		}
		out = append(out, cr)
	}
	return out
}

// growthPoint is progress latency for a member with a given number of credits: evaluated
// (each request a different as_of, so none is answered from the cache) and cached (the same
// question again).
type growthPoint struct {
	credits           int
	evaluated, cached time.Duration
}

// runGrowth gives members 10 to max credits (sessions of 200-session events) and measures
// the p50 of their progress at a quiet rate (two a second).
func runGrowth(ctx context.Context, s *server, w *world, most int) ([]growthPoint, error) {
	var org struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := call(ctx, http.MethodGet, s.url+"/v1/organizations", w.admin, nil, &org); err != nil || len(org.Items) == 0 {
		return nil, fmt.Errorf("organizations: %v", err)
	}
	events := make([]string, (most+199)/200)
	for i := range events {
		id, err := newEvent(ctx, s, w.organizer, org.Items[0].ID, fmt.Sprintf("Big meeting %d", i), 200, "2026-06-06")
		if err != nil {
			return nil, err
		}
		events[i] = id
	}
	var points []growthPoint
	sizes := slices.DeleteFunc([]int{10, growthBase, 100, 1000, 5000}, func(n int) bool { return n > most })
	for k, n := range sizes {
		member, err := memberWithCredits(ctx, s, w, events, 890000+k, n)
		if err != nil {
			return nil, err
		}
		// A quiet rate, so the p50 is the time of one request rather than of a queue.
		settle(s)
		evaluated := quietP50(s, w, member, true)
		settle(s)
		points = append(points, growthPoint{credits: n, evaluated: evaluated, cached: quietP50(s, w, member, false)})
	}
	return points, nil
}

// quietP50 is the p50 of a member's progress at two requests a second for ten seconds; fresh
// asks each request on another day (20 days after 7 June 2026, all in the same periods), so
// every one is evaluated.
func quietP50(s *server, w *world, member string, fresh bool) time.Duration {
	u := s.url + "/v1/members/" + member + "/progress?as_of=2026-06-07"
	urls := []string{u}
	if fresh {
		urls = nil
		for d := range 20 {
			urls = append(urls, fmt.Sprintf("%s/v1/members/%s/progress?as_of=2026-06-%02d", s.url, member, 7+d))
		}
	}
	return attack([]endpoint{{name: "g", rate: 2, target: roundRobin(urls, w.organizer)}}, 10*time.Second)["g"].Latencies.P50
}

// memberWithCredits posts a new member to as many sessions as make n credits.
func memberWithCredits(ctx context.Context, s *server, w *world, events []string, no, n int) (string, error) {
	id := ""
	for i := 0; n > 0; i++ {
		take := min(n, 200)
		codes := make([]string, take)
		for j := range codes {
			codes[j] = fmt.Sprintf("S%d", j+1)
		}
		row := map[string]any{"abcp_id": abcpID(no), "name": fmt.Sprintf("Growth %d", no), "sessions": codes}
		var res struct {
			Rows []struct {
				Member struct {
					ID string `json:"id"`
				} `json:"member"`
			} `json:"rows"`
		}
		if err := call(ctx, http.MethodPost, s.url+"/v1/events/"+events[i]+"/attendance?all_sessions=true", w.organizer, map[string]any{"rows": []any{row}}, &res); err != nil {
			return "", err
		}
		id = res.Rows[0].Member.ID
		n -= take
	}
	return id, call(ctx, http.MethodPatch, s.url+"/v1/members/"+id, w.admin, map[string]any{"abcp_cycle": 1, "certification_date": "2012-10-01"}, nil)
}

// settle waits, up to a minute, until both services answer a cheap request quickly again.
func settle(servers ...*server) {
	deadline := time.Now().Add(time.Minute)
	for _, s := range servers {
		for quick := 0; quick < 3 && time.Now().Before(deadline); {
			t0 := time.Now()
			res, err := http.Get(s.url + "/healthz")
			if err == nil {
				res.Body.Close()
			}
			if err == nil && time.Since(t0) < 20*time.Millisecond {
				quick++
			} else {
				quick = 0
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
