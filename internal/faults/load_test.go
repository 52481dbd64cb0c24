package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// sample is one request of a load and when it was sent.
type sample struct {
	sent time.Time
	what string
	result
}

// load runs workers that each send one request after another (send(worker, n) sends the
// worker's nth) until ctx ends; wait stops them and returns every sample.
func load(ctx context.Context, workers int, send func(worker, n int) (string, result)) (wait func() []sample) {
	var mu sync.Mutex
	var samples []sample
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				sent := time.Now()
				what, r := send(w, n)
				mu.Lock()
				samples = append(samples, sample{sent, what, r})
				mu.Unlock()
				if r.err != nil {
					time.Sleep(20 * time.Millisecond) // a refused connection is answered at once
				}
			}
		}()
	}
	return func() []sample {
		wg.Wait()
		return samples
	}
}

// readsAndWrites sends, for each worker, its member's progress and a new activity of
// theirs in turn.
func readsAndWrites(s *service, ids []string) func(worker, n int) (string, result) {
	return func(worker, n int) (string, result) {
		m := ids[worker%len(ids)]
		if n%2 == 0 {
			return "GET progress", s.do(context.Background(), http.MethodGet, "/v1/members/"+m+"/progress", s.token, "", "")
		}
		return "POST activity", s.do(context.Background(), http.MethodPost, "/v1/members/"+m+"/activities", s.token,
			"application/json", activity(worker*100000+n))
	}
}

// createdIDs are the ids of the objects the samples' 201 answers created.
func createdIDs(t *testing.T, samples []sample) []string {
	t.Helper()
	var ids []string
	for _, s := range samples {
		if s.status != http.StatusCreated {
			continue
		}
		var obj struct{ ID string }
		if err := json.Unmarshal(s.body, &obj); err != nil || obj.ID == "" {
			t.Fatalf("201 without an id: %s", s.body)
		}
		ids = append(ids, obj.ID)
	}
	return ids
}

// tally counts the samples by what was sent and what it got, for failure messages.
func tally(samples []sample) string {
	n := map[string]int{}
	var keys []string
	for _, s := range samples {
		k := s.what + ": "
		if s.err != nil {
			k += "error"
		} else {
			k += http.StatusText(s.status)
		}
		if n[k] == 0 {
			keys = append(keys, k)
		}
		n[k]++
	}
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s × %d", k, n[k])
	}
	return b.String()
}
