package main

import "testing"

// TestParseRosterRounds reads each round of the benchmark's output, and only rounds that
// report both times.
func TestParseRosterRounds(t *testing.T) {
	out := []byte(`goos: linux
BenchmarkRoster10000-2   	       1	3738741999 ns/op	        54.05 api-MB/5000rows	         1.236 api-s/op	         1.575 api/copy	         0.7199 api/copy11	         0.7850 copy-s/op	         1.717 copy11-s/op
BenchmarkRoster10000-2   	       1	2835730005 ns/op	        54.13 api-MB/5000rows	         0.9966 api-s/op	         1.627 api/copy	         0.8126 api/copy11	         0.6127 copy-s/op	         1.226 copy11-s/op
BenchmarkRoster10000-2   	       1	2835730005 ns/op	        54.13 api-MB/5000rows
PASS
`)
	got := parseRosterRounds(out)
	want := []rosterRound{{api: 1.236, floor: 0.785}, {api: 0.9966, floor: 0.6127}}
	if len(got) != len(want) {
		t.Fatalf("got %d rounds, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("round %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
