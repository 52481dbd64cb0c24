package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// world is what the workloads need of the seeded data.
type world struct {
	admin, organizer   string      // access tokens
	org                string      // the organization every event and member belongs to
	clients            [][2]string // id and secret of the apps
	members            []string    // member ids read by the workloads (enrolled in ABCP)
	rosterEvents       []string    // published events without attendance, for roster posts
	growth             map[int]string
	nextRosterMemberNo int
	ledger             []ledgerPoint // progress p50 as the seed grew the ledger
	// uncached counts the uncached arm's requests over the whole run, so that no phase or
	// round asks a member's progress as of a day asked before.
	uncached atomic.Uint64
}

// ledgerPoint is the evaluated progress p50 of a member of fixed credits, with the ledger at
// a size: attendance rows, and session credits (four per attendance).
type ledgerPoint struct {
	attendance, credits int
	p50                 time.Duration
}

// ledgerMemberCredits are the credits of the member whose progress is timed as the ledger grows.
const ledgerMemberCredits = 100

// api calls the service with a JSON body (or form, for the token endpoint) and decodes the
// answer into out.
func call(ctx context.Context, method, u, token string, body, out any) error {
	var r io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case url.Values:
		r, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return err
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return err
	}
	if r != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %.300s", method, u, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func signIn(ctx context.Context, base, user, password string) (string, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err := call(ctx, http.MethodPost, base+"/v1/auth/token", "", url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}}, &tok)
	return tok.AccessToken, err
}

func abcpID(i int) string { return fmt.Sprintf("%06d", 100000+i) }

// seed creates an organization, its organizer and app, the events with their attendance
// (rosters through the API, so members are created as organizers create them), and the
// members the workloads read, enrolled in ABCP.
func seed(ctx context.Context, s *server, c config) (*world, error) {
	w := &world{growth: map[int]string{}}
	var err error
	if w.admin, err = signIn(ctx, s.url, "admin@bench.example.org", adminPassword); err != nil {
		return nil, err
	}
	var org struct{ ID string }
	if err := call(ctx, http.MethodPost, s.url+"/v1/organizations", w.admin, map[string]any{"name": "Bench Perfusion Society", "code": "BENCH"}, &org); err != nil {
		return nil, err
	}
	if err := call(ctx, http.MethodPost, s.url+"/v1/users", w.admin, map[string]any{"email": "organizer@bench.example.org",
		"name": "Olive Organizer", "role": "organizer", "password": adminPassword, "organization_ids": []string{org.ID}}, nil); err != nil {
		return nil, err
	}
	if w.organizer, err = signIn(ctx, s.url, "organizer@bench.example.org", adminPassword); err != nil {
		return nil, err
	}
	for i := range 5 {
		var cl struct {
			ID     string `json:"id"`
			Secret string `json:"client_secret"`
		}
		if err := call(ctx, http.MethodPost, s.url+"/v1/clients", w.admin, map[string]any{"name": fmt.Sprintf("Bench app %d", i), "organization_id": org.ID,
			"scopes": []string{"events:read", "attendance:read", "progress:read", "members:read"}}, &cl); err != nil {
			return nil, err
		}
		w.clients = append(w.clients, [2]string{cl.ID, cl.Secret})
	}

	// One member of fixed credits, whose progress is timed at each stage of the seed.
	w.org = org.ID
	reference, err := referenceMember(ctx, s, w, org.ID)
	if err != nil {
		return nil, err
	}
	first := make([]string, c.members) // member id by number, from the rosters that created them
	var mu sync.Mutex
	seedEvent := func(e int) error {
		id, err := newEvent(ctx, s, w.organizer, org.ID, fmt.Sprintf("Meeting %d", e), 4, "2026-03-14")
		if err != nil {
			return err
		}
		rows := make([]map[string]any, c.perEvent)
		nos := make([]int, c.perEvent)
		for j := range rows {
			n := (e*c.perEvent + j) % c.members
			nos[j] = n
			rows[j] = map[string]any{"abcp_id": abcpID(n), "name": fmt.Sprintf("Member %d", n), "email": fmt.Sprintf("member%d@bench.example.org", n)}
		}
		var res struct {
			Rows []struct {
				Member struct {
					ID string `json:"id"`
				} `json:"member"`
			} `json:"rows"`
		}
		if err := call(ctx, http.MethodPost, s.url+"/v1/events/"+id+"/attendance?mode=partial&all_sessions=true", w.organizer, map[string]any{"rows": rows}, &res); err != nil {
			return err
		}
		mu.Lock()
		for j, r := range res.Rows {
			if first[nos[j]] == "" {
				first[nos[j]] = r.Member.ID
			}
		}
		mu.Unlock()
		if e%50 == 49 {
			log.Printf("seeded %d events", e+1)
		}
		return nil
	}
	// The ledger grows in stages of about 10^4, 10^5 and all the attendance rows (four session
	// credits each); after each, the reference member's progress is timed.
	done := 0
	for _, rows := range []int{10_000, 100_000, c.events * c.perEvent} {
		upto := min(c.events, max(done+1, rows/c.perEvent))
		if upto <= done {
			continue
		}
		if err := parallel(upto-done, 2, func(i int) error { return seedEvent(done + i) }); err != nil {
			return nil, err
		}
		done = upto
		if err := analyze(ctx, s.dbURL); err != nil {
			return nil, err
		}
		settle(s)
		p50 := quietP50(s, w, reference, true)
		w.ledger = append(w.ledger, ledgerPoint{attendance: done * c.perEvent, credits: 4 * done * c.perEvent, p50: p50})
		log.Printf("ledger of %d attendance rows: reference progress p50 %s", done*c.perEvent, p50)
	}
	read := min(500, c.members)
	w.members = first[:read]
	err = parallel(read, 2, func(i int) error {
		return call(ctx, http.MethodPatch, s.url+"/v1/members/"+w.members[i], w.admin,
			map[string]any{"abcp_cycle": 1 + i%3, "certification_date": "2012-10-01"}, nil)
	})
	if err != nil {
		return nil, err
	}
	w.nextRosterMemberNo = c.members
	for i := range 100 {
		id, err := newEvent(ctx, s, w.organizer, org.ID, fmt.Sprintf("Roster target %d", i), 4, "2026-05-09")
		if err != nil {
			return nil, err
		}
		w.rosterEvents = append(w.rosterEvents, id)
	}
	return w, nil
}

// referenceMember creates a member with ledgerMemberCredits credits at one event, enrolled in ABCP.
func referenceMember(ctx context.Context, s *server, w *world, orgID string) (string, error) {
	ev, err := newEvent(ctx, s, w.organizer, orgID, "Reference meeting", ledgerMemberCredits, "2026-06-06")
	if err != nil {
		return "", err
	}
	return memberWithCredits(ctx, s, w, []string{ev}, 880000, ledgerMemberCredits)
}

// newEvent creates and publishes an event of n sessions of 0.25 CEUs on date, approved by
// ABCP under a reference of its own (a member at two meetings of one day with one reference
// would have one of them counted, the other listed as a duplicate).
func newEvent(ctx context.Context, s *server, token, orgID, title string, n int, date string) (string, error) {
	sessions := make([]map[string]any, n)
	for i := range sessions {
		sessions[i] = map[string]any{"title": fmt.Sprintf("Session %d", i+1), "date": date, "ceus": "0.25"}
	}
	var ev struct{ ID string }
	err := call(ctx, http.MethodPost, s.url+"/v1/organizations/"+orgID+"/events", token, map[string]any{"title": title,
		"format": "in_person", "time_zone": "America/Chicago", "start_date": date, "end_date": date, "category": "I",
		"approval_ref": "ABCP-" + strings.ReplaceAll(title, " ", "-"), "sessions": sessions}, &ev)
	if err == nil {
		err = call(ctx, http.MethodPost, s.url+"/v1/events/"+ev.ID+"/publish", token, nil, nil)
	}
	return ev.ID, err
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(n, workers int, fn func(i int) error) error {
	var mu sync.Mutex
	var first error
	next := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil || i >= n
				mu.Unlock()
				if stop {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}
