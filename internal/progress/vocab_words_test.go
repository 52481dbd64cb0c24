package progress

import "testing"

// Every status reads as words: no underscore reaches a sentence.
func TestStatusWords(t *testing.T) {
	for s, want := range map[Status]string{StatusComplete: "complete", StatusOnTrack: "on track", StatusBehind: "behind",
		StatusDeficient: "deficient", StatusUpcoming: "upcoming", StatusNotTracked: "not tracked", StatusNeedsSetup: "needs setup"} {
		if got := s.Words(); got != want {
			t.Errorf("%s: %q, want %q", s, got, want)
		}
	}
}
