package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// What the desk answers a scan, as the scanner's screen shows it.
const (
	DeskGreen  = "green"  // recorded now
	DeskRed    = "red"    // already recorded: the first one stands
	DeskYellow = "yellow" // not recorded: the code, the session or the member is not usable
)

// DeskResult is what became of one check-in at the door.
type DeskResult struct {
	Outcome string
	Member  MemberRef // empty for a code that names no usable member
	Session recert.Session
	Reason  string // for yellow: a Scan* or desk reason
	Detail  string
	// CheckIn is the one recorded now (green) or the first one (red).
	CheckIn *recert.CheckIn
}

// ReasonSessionClosed: the session is outside its check-in window.
const ReasonSessionClosed = "session_not_open"

// Desk records one check-in at the door, by a scanned code (method scan) or a member picked
// by name (manual), in a session and direction. A member already checked in that way is red
// (the first check-in stands); an unusable code, a session outside its check-in window, or a
// member who is not there is yellow, and nothing is recorded. Callers check that actor may
// take the event's check-ins.
func (x *CheckInBatches) Desk(ctx context.Context, eventID, sessionID, direction, token, memberID, actor string) (DeskResult, error) {
	ev, err := x.store.Event(ctx, eventID)
	if err != nil {
		return DeskResult{}, err
	}
	s, ok := ev.SessionByRef(sessionID)
	if !ok {
		return DeskResult{}, recert.Errorf(recert.ENOTFOUND, "session %s is not a session of this event", sessionID)
	}
	res := DeskResult{Session: s}
	id, method, reason, detail, err := x.member(ctx, Scan{Token: token, MemberID: memberID})
	if err != nil {
		return res, err
	}
	if reason != "" {
		res.Outcome, res.Reason, res.Detail = DeskYellow, reason, detail
		return res, nil
	}
	if method == recert.CheckInMethodBatch {
		method = recert.CheckInMethodScan
	}
	found, err := x.store.FindMembers(ctx, nil, nil, []string{id})
	if err != nil || len(found) == 0 {
		return res, err
	}
	res.Member = found[0]
	if ok, err := x.registered(ctx, ev, id); err != nil || !ok {
		res.Outcome, res.Reason, res.Detail = DeskYellow, ScanNotRegistered, notRegistered
		return res, err
	}
	now := x.now().UTC().Truncate(time.Microsecond)
	if open, why := sessionOpen(ev, s, now); !open {
		res.Outcome, res.Reason, res.Detail = DeskYellow, ReasonSessionClosed, why
		return res, nil
	}
	err = x.store.InTx(ctx, func(ctx context.Context) error {
		held, err := x.store.CheckInsOf(ctx, ev.ID, s.ID, id)
		if err != nil {
			return err
		}
		for _, c := range held {
			if c.Direction == direction && c.VoidedAt == nil {
				res.Outcome, res.CheckIn = DeskRed, &c
				return nil
			}
		}
		c, _, err := x.store.AddCheckIn(ctx, recert.CheckIn{EventID: ev.ID, SessionID: s.ID, MemberID: id, Direction: direction,
			Method: method, RecordedBy: actor, ReceivedAt: now})
		res.Outcome, res.CheckIn = DeskGreen, &c
		return err
	})
	return res, err
}

// sessionOpen reports whether check-ins count for the session at t, and if not, why.
func sessionOpen(ev recert.Event, s recert.Session, t time.Time) (bool, string) {
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	from, until := checkInWindow(s, loc)
	if t.Before(from) || !t.Before(until) {
		return false, fmt.Sprintf("%s takes check-ins from %s to %s", s.Code, from.In(loc).Format("2 Jan 15:04"), until.In(loc).Format("2 Jan 15:04"))
	}
	return true, ""
}

// Reissue replaces a member's check-in code: the old one scans yellow from now on, everyone
// else's keeps working. It returns the new version.
func (x *CheckInBatches) Reissue(ctx context.Context, memberID string) (int, error) {
	return x.store.BumpCheckInTokenVersion(ctx, memberID)
}

// ReasonWrongCode: the self check-in code is not the session's current one.
const ReasonWrongCode = "wrong_code"

// Self check-in limits: a member may try a few codes a minute; a session takes a room's worth
// of attempts a minute, far too few to guess one of a million codes in its three-minute life.
const (
	SelfCodeMemberPerMinute  = 5
	SelfCodeSessionPerMinute = 300
)

// SelfCode is a member's own check-in (or check-out) with the code their session's screen
// shows.
type SelfCode struct {
	EventID   string
	Session   string // id or code
	MemberID  string
	Direction string // in, or out where the event's presence policy needs check-outs
	Code      string
	Actor     string
}

// SelfCheckIn records a member's own check-in with the code their session's projector shows
// (method self_code, weaker evidence than a scan): the code of the current minute or one
// either side, within the member's and the session's attempt limits; refused where the
// organizer turned self check-in off. Check-out codes work only where the event's presence
// policy needs check-outs. A member already checked in (or out) is red, as at the desk.
func (x *CheckInBatches) SelfCheckIn(ctx context.Context, r SelfCode) (DeskResult, error) {
	if r.Direction == "" {
		r.Direction = recert.CheckInDirectionIn
	}
	ev, s, err := x.selfCodeSession(ctx, r.EventID, r.Session, r.Direction)
	if err != nil {
		return DeskResult{}, err
	}
	for _, lim := range []struct {
		key       string
		perMinute int
	}{{"selfcode:member:" + r.MemberID, SelfCodeMemberPerMinute}, {"selfcode:session:" + s.ID, SelfCodeSessionPerMinute}} {
		ok, wait, err := x.store.AllowAttempt(ctx, lim.key, float64(lim.perMinute), lim.perMinute)
		if err != nil {
			return DeskResult{}, err
		}
		if !ok {
			return DeskResult{}, &recert.Throttled{Wait: wait, What: "too many codes tried"}
		}
	}
	now := x.now().UTC().Truncate(time.Microsecond)
	res := DeskResult{Session: s, Member: MemberRef{ID: r.MemberID}}
	if open, why := sessionOpen(ev, s, now); !open {
		res.Outcome, res.Reason, res.Detail = DeskYellow, ReasonSessionClosed, why
		return res, nil
	}
	if !recert.CheckSessionCode(x.secret(SessionSecretLabel(s.ID, r.Direction)), strings.TrimSpace(r.Code), now) {
		res.Outcome, res.Reason, res.Detail = DeskYellow, ReasonWrongCode, "that is not the code the session's screen shows now"
		return res, nil
	}
	if ok, err := x.registered(ctx, ev, r.MemberID); err != nil || !ok {
		res.Outcome, res.Reason, res.Detail = DeskYellow, ScanNotRegistered, notRegistered
		return res, err
	}
	err = x.store.InTx(ctx, func(ctx context.Context) error {
		held, err := x.store.CheckInsOf(ctx, ev.ID, s.ID, r.MemberID)
		if err != nil {
			return err
		}
		for _, c := range held {
			if c.Direction == r.Direction && c.VoidedAt == nil {
				res.Outcome, res.CheckIn = DeskRed, &c
				return nil
			}
		}
		c, _, err := x.store.AddCheckIn(ctx, recert.CheckIn{EventID: ev.ID, SessionID: s.ID, MemberID: r.MemberID,
			Direction: r.Direction, Method: recert.CheckInMethodSelfCode, RecordedBy: r.Actor, ReceivedAt: now})
		res.Outcome, res.CheckIn = DeskGreen, &c
		return err
	})
	return res, err
}

// selfCodeSession finds the session a self check-in names, where the event takes them.
func (x *CheckInBatches) selfCodeSession(ctx context.Context, eventID, session, direction string) (recert.Event, recert.Session, error) {
	ev, err := x.store.Event(ctx, eventID)
	if err != nil {
		return ev, recert.Session{}, err
	}
	if ev.Status != recert.EventPublished || x.secret == nil {
		return ev, recert.Session{}, recert.Errorf(recert.ENOTFOUND, "event %s not found", eventID)
	}
	if ev.CheckIn.SelfCheckInOff {
		return ev, recert.Session{}, recert.Errorf(recert.ECONFLICT, "%s takes check-ins at the door only: ask the staff to scan your code", ev.Title)
	}
	if direction == recert.CheckInDirectionOut && !ev.CheckIn.NeedsCheckOut() {
		return ev, recert.Session{}, recert.Errorf(recert.ECONFLICT, "%s takes no check-outs: its credit does not depend on time present", ev.Title)
	}
	s, ok := ev.SessionByRef(session)
	if !ok {
		return ev, s, recert.Errorf(recert.ENOTFOUND, "session %s is not a session of this event", session)
	}
	return ev, s, nil
}

// SessionCode is the code a session's screen shows now for direction; ok is false where the
// event takes no such self check-ins.
func (x *CheckInBatches) SessionCode(ev recert.Event, s recert.Session, direction string) (code string, ok bool) {
	if x.secret == nil || ev.CheckIn.SelfCheckInOff || direction == recert.CheckInDirectionOut && !ev.CheckIn.NeedsCheckOut() {
		return "", false
	}
	return recert.SessionCode(x.secret(SessionSecretLabel(s.ID, direction)), x.now()), true
}

// SessionSecretLabel names a session's self check-in (or check-out) secret, derived from the
// check-in key.
func SessionSecretLabel(sessionID, direction string) string {
	if direction == recert.CheckInDirectionOut {
		return "self-check-out:" + sessionID
	}
	return "self-check-in:" + sessionID
}
