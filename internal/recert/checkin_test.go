package recert_test

import (
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func iv(from, to int) recert.Interval { return recert.Interval{Start: at(from), End: at(to)} }

func TestPresentSecondsMergesOverlaps(t *testing.T) {
	cases := []struct {
		name string
		in   []recert.Interval
		want int64
	}{
		{"none", nil, 0},
		{"one", []recert.Interval{iv(0, 30)}, 30 * 60},
		{"three overlapping count once", []recert.Interval{iv(0, 30), iv(20, 45), iv(44, 52)}, 52 * 60},
		{"touching", []recert.Interval{iv(0, 10), iv(10, 20)}, 20 * 60},
		{"gap", []recert.Interval{iv(0, 10), iv(30, 40)}, 20 * 60},
		{"clipped to the session", []recert.Interval{iv(-15, 10), iv(50, 75)}, 20 * 60},
		{"reversed dropped", []recert.Interval{{Start: at(10), End: at(0)}}, 0},
		{"seconds kept", []recert.Interval{{Start: at(0), End: at(0).Add(30 * time.Second)}, {Start: at(5), End: at(5).Add(30 * time.Second)}}, 60},
	}
	for _, c := range cases {
		if got := recert.PresentSeconds(c.in, at(0), at(60)); got != c.want {
			t.Errorf("%s: %d seconds, want %d", c.name, got, c.want)
		}
	}
}

func TestPresenceCredit(t *testing.T) {
	share80 := recert.PresenceRule{Policy: recert.PresenceShare, SharePercent: 80}
	minutes := recert.PresenceRule{Policy: recert.PresenceMinutes}
	session := func(ivs ...recert.Interval) recert.SessionPresence {
		return recert.SessionPresence{Code: "S1", Start: at(0), End: at(60), CEUs: 100, Intervals: ivs}
	}
	cases := []struct {
		name   string
		rule   recert.PresenceRule
		p      recert.SessionPresence
		units  recert.Units
		reason string
	}{
		{"52 of 60 under 80%", share80, session(iv(0, 30), iv(20, 45), iv(44, 52)), 100, ""},
		{"40 of 60 under 80%", share80, session(iv(0, 40)), 0, recert.ReasonBelowThreshold},
		{"exactly 48 of 60 under 80%", share80, session(iv(0, 48)), 100, ""},
		{"minutes: 40 is 0.80", minutes, session(iv(0, 40)), 80, ""},
		{"minutes: 41 is 0.82", minutes, session(iv(0, 41)), 82, ""},
		{"minutes: capped at the session", minutes, session(iv(0, 60)), 100, ""},
		{"minutes: 29 seconds is nothing", minutes, session(recert.Interval{Start: at(0), End: at(0).Add(29 * time.Second)}), 0, recert.ReasonBelowThreshold},
		{"before the session", share80, session(iv(-30, -1)), 0, recert.ReasonOutsideWindow},
		{"checked in, never out", share80, recert.SessionPresence{Code: "S1", Start: at(0), End: at(60), CEUs: 100, CheckedIn: true}, 0, recert.ReasonNoCheckOut},
	}
	for _, c := range cases {
		got := recert.PresenceCredit(c.rule, c.p)
		if got.Units != c.units || got.Reason != c.reason {
			t.Errorf("%s: %s %q, want %s %q", c.name, got.Units, got.Reason, c.units, c.reason)
		}
	}
}

func TestPresenceRuleValidate(t *testing.T) {
	for _, r := range []recert.PresenceRule{{}, {Policy: recert.PresenceShare}, {Policy: recert.PresenceShare, SharePercent: 101}, {Policy: "all"}} {
		if r.Validate() == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	for _, r := range []recert.PresenceRule{{Policy: recert.PresenceMinutes}, {Policy: recert.PresenceShare, SharePercent: 80}} {
		if err := r.Validate(); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

func TestResolveConcurrent(t *testing.T) {
	s := func(code string, start, end int, ivs ...recert.Interval) recert.SessionPresence {
		return recert.SessionPresence{Code: code, Start: at(start), End: at(end), CEUs: 100, Intervals: ivs}
	}
	cases := []struct {
		name     string
		sessions []recert.SessionPresence
		reasons  []string
	}{
		{"more minutes wins", []recert.SessionPresence{s("S2", 60, 120, iv(60, 80)), s("S3", 90, 150, iv(90, 150))}, []string{recert.ReasonConcurrent, ""}},
		{"tie goes to the earlier start", []recert.SessionPresence{s("S3", 90, 150, iv(100, 130)), s("S2", 60, 120, iv(60, 90))}, []string{recert.ReasonConcurrent, ""}},
		{"no overlap keeps both", []recert.SessionPresence{s("S1", 0, 60, iv(0, 60)), s("S2", 60, 120, iv(60, 120))}, []string{"", ""}},
		{"an uncredited session takes nothing", []recert.SessionPresence{s("S2", 60, 120, iv(60, 120)), s("S3", 90, 150)}, []string{"", recert.ReasonOutsideWindow}},
	}
	rule := recert.PresenceRule{Policy: recert.PresenceMinutes}
	for _, c := range cases {
		outs := make([]recert.PresenceOutcome, len(c.sessions))
		for i, p := range c.sessions {
			outs[i] = recert.PresenceCredit(rule, p)
		}
		recert.ResolveConcurrent(c.sessions, outs)
		for i, o := range outs {
			if o.Reason != c.reasons[i] || (o.Reason != "" && o.Units != 0) {
				t.Errorf("%s: %s is %s %q, want %q", c.name, o.Code, o.Units, o.Reason, c.reasons[i])
			}
		}
	}
}

func TestSessionCode(t *testing.T) {
	secret := []byte("12345678901234567890")
	// RFC 6238 appendix B, SHA-1, counter 1: 94287082; six digits keep the last six.
	if got := recert.SessionCode(secret, time.Unix(119, 0)); got != "287082" {
		t.Fatalf("code at counter 1 = %s, want 287082", got)
	}
	now := t0
	cases := []struct {
		name string
		code string
		ok   bool
	}{
		{"current", recert.SessionCode(secret, now), true},
		{"one step ago", recert.SessionCode(secret, now.Add(-recert.CodeStep)), true},
		{"one step ahead", recert.SessionCode(secret, now.Add(recert.CodeStep)), true},
		{"two steps ago", recert.SessionCode(secret, now.Add(-2*recert.CodeStep)), false},
		{"another session's", recert.SessionCode([]byte("other"), now), false},
		{"empty", "", false},
	}
	for _, c := range cases {
		if got := recert.CheckSessionCode(secret, c.code, now); got != c.ok {
			t.Errorf("%s: %v, want %v", c.name, got, c.ok)
		}
	}
}

func TestDeviceTimeSuspect(t *testing.T) {
	cases := []struct {
		name    string
		skew    time.Duration
		offline bool
		want    bool
	}{
		{"on time", 0, false, false},
		{"15 minutes late", 15 * time.Minute, false, false},
		{"16 minutes late", 16 * time.Minute, false, true},
		{"16 minutes ahead", -16 * time.Minute, false, true},
		{"an hour late, offline", time.Hour, true, false},
	}
	for _, c := range cases {
		if got := recert.DeviceTimeSuspect(t0, t0.Add(c.skew), c.offline); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
