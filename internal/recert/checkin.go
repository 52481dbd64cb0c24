package recert

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"sort"
	"time"
)

// Interval is one stretch of presence in a session: a check-in to its check-out, or one line
// of a virtual participants report.
type Interval struct {
	Start, End time.Time
}

// MergeIntervals sorts and joins overlapping or touching intervals, so a person who rejoined
// a call is counted once for any minute they were present twice. Empty or reversed intervals
// are dropped.
func MergeIntervals(in []Interval) []Interval {
	var out []Interval
	for _, iv := range in {
		if iv.End.After(iv.Start) {
			out = append(out, iv)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	merged := out[:0]
	for _, iv := range out {
		last := len(merged) - 1
		if last >= 0 && !iv.Start.After(merged[last].End) {
			if iv.End.After(merged[last].End) {
				merged[last].End = iv.End
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// PresentSeconds is the time present inside [from, to) after merging; seconds are kept so
// that two half minutes make a whole one.
func PresentSeconds(in []Interval, from, to time.Time) int64 {
	var total time.Duration
	for _, iv := range MergeIntervals(in) {
		s, e := iv.Start, iv.End
		if s.Before(from) {
			s = from
		}
		if e.After(to) {
			e = to
		}
		if e.After(s) {
			total += e.Sub(s)
		}
	}
	return int64(total / time.Second)
}

// PresencePolicy is how an organizer turns presence into credit; there is no default.
type PresencePolicy string

const (
	// PresenceShare awards the session's full CEUs at or above a share of its scheduled time.
	PresenceShare PresencePolicy = "share_of_scheduled"
	// PresenceMinutes awards minutes present ÷ 50, rounded down to 0.01 and capped at the
	// session's CEUs (rules Decision 1).
	PresenceMinutes PresencePolicy = "minutes_present"
)

// Reasons a session was not credited from check-ins.
const (
	ReasonBelowThreshold = "presence_below_threshold"
	ReasonOutsideWindow  = "outside_window"
	ReasonConcurrent     = "concurrent_session"
	ReasonNoCheckOut     = "no_check_out"
)

// PresenceRule is an event's rule for one session.
type PresenceRule struct {
	Policy       PresencePolicy
	SharePercent int // for PresenceShare: 1..100
}

// Validate refuses a rule that cannot be applied, so an event never runs on a guessed default.
func (r PresenceRule) Validate() error {
	switch r.Policy {
	case PresenceMinutes:
		return nil
	case PresenceShare:
		if r.SharePercent < 1 || r.SharePercent > 100 {
			return fmt.Errorf("presence share %d%%: want 1 to 100", r.SharePercent)
		}
		return nil
	}
	return fmt.Errorf("presence policy %q: want %s or %s", r.Policy, PresenceShare, PresenceMinutes)
}

// SessionPresence is what one person did in one session.
type SessionPresence struct {
	Code       string
	Start, End time.Time // the session's scheduled times
	CEUs       Units     // the session's CEUs
	Intervals  []Interval
	CheckedIn  bool // a check-in exists but possibly no check-out
}

// PresenceOutcome is the credit a session earns, or the reason it earns none.
type PresenceOutcome struct {
	Code    string
	Seconds int64
	Units   Units
	Reason  string // empty when credited
}

// PresenceCredit applies rule to one session. A check-in with no check-out and no report is
// no_check_out, never a silent zero.
func PresenceCredit(rule PresenceRule, p SessionPresence) PresenceOutcome {
	out := PresenceOutcome{Code: p.Code, Seconds: PresentSeconds(p.Intervals, p.Start, p.End)}
	switch {
	case len(p.Intervals) == 0 && p.CheckedIn:
		out.Reason = ReasonNoCheckOut
	case out.Seconds == 0:
		out.Reason = ReasonOutsideWindow
	case rule.Policy == PresenceShare:
		scheduled := int64(p.End.Sub(p.Start) / time.Second)
		if out.Seconds*100 >= scheduled*int64(rule.SharePercent) {
			out.Units = p.CEUs
		} else {
			out.Reason = ReasonBelowThreshold
		}
	default:
		// 50 minutes are 3000 seconds are 100 hundredths: one hundredth per 30 seconds.
		out.Units = min(Units(out.Seconds/30), p.CEUs)
		if out.Units == 0 {
			out.Reason = ReasonBelowThreshold
		}
	}
	return out
}

// ResolveConcurrent keeps one credit among overlapping sessions: the one with more time
// present, ties to the earlier start; the others lose their credit as concurrent_session.
func ResolveConcurrent(sessions []SessionPresence, outcomes []PresenceOutcome) {
	for i := range sessions {
		for j := range sessions {
			if i == j || outcomes[i].Reason != "" || outcomes[j].Reason != "" {
				continue
			}
			a, b := sessions[i], sessions[j]
			if !a.Start.Before(b.End) || !b.Start.Before(a.End) {
				continue
			}
			if beats(outcomes[j], b, outcomes[i], a) {
				outcomes[i].Units, outcomes[i].Reason = 0, ReasonConcurrent
			}
		}
	}
}

func beats(x PresenceOutcome, xs SessionPresence, y PresenceOutcome, ys SessionPresence) bool {
	if x.Seconds != y.Seconds {
		return x.Seconds > y.Seconds
	}
	if !xs.Start.Equal(ys.Start) {
		return xs.Start.Before(ys.Start)
	}
	return xs.Code < ys.Code
}

// CodeStep is the life of a self check-in code (RFC 6238 style).
const CodeStep = 60 * time.Second

// SessionCode is the 6-digit code a session's projector shows at t, derived from the
// session's secret (RFC 4226 dynamic truncation over the step counter).
func SessionCode(secret []byte, t time.Time) string {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(t.Unix()/int64(CodeStep/time.Second)))
	mac := hmac.New(sha1.New, secret)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// CheckSessionCode accepts the code of the current step or one step either side, so a
// member typing while the minute turns is not refused.
func CheckSessionCode(secret []byte, code string, now time.Time) bool {
	for _, d := range []time.Duration{0, -CodeStep, CodeStep} {
		if hmac.Equal([]byte(SessionCode(secret, now.Add(d))), []byte(code)) {
			return true
		}
	}
	return false
}

// MaxDeviceSkew is how far a scanner's clock may be from the server's before a scan is
// flagged for review.
const MaxDeviceSkew = 15 * time.Minute

// DeviceTimeSuspect tells whether a scan's device time should be flagged: more than
// MaxDeviceSkew from its receipt, unless the batch says it was recorded offline, when a late
// upload is expected. The scan is kept either way.
func DeviceTimeSuspect(device, received time.Time, offline bool) bool {
	if offline {
		return false
	}
	d := received.Sub(device)
	return d > MaxDeviceSkew || d < -MaxDeviceSkew
}
