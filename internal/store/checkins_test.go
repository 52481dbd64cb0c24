package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// A check-in resent with the same client id is one check-in; voiding keeps it as history;
// a member's token version moves alone.
func TestCheckIns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		device := time.Date(2026, 6, 29, 9, 2, 0, 0, time.UTC)
		c := recert.CheckIn{EventID: f.event.ID, SessionID: f.s1.ID, MemberID: f.jane.ID, Direction: recert.CheckInDirectionIn,
			Method: recert.CheckInMethodBatch, ClientID: "dev1-0001", RecordedBy: "usr_org", DeviceTime: &device}
		first, dup, err := st.AddCheckIn(ctx, c)
		if err != nil || dup {
			t.Fatalf("first AddCheckIn: dup %v, err %v", dup, err)
		}
		again, dup, err := st.AddCheckIn(ctx, c)
		if err != nil || !dup || again.ID != first.ID {
			t.Fatalf("resent AddCheckIn = %s dup %v err %v, want %s as a duplicate", again.ID, dup, err, first.ID)
		}
		if _, dup, err := st.AddCheckIn(ctx, recert.CheckIn{EventID: f.event.ID, SessionID: f.s1.ID, MemberID: f.jane.ID,
			Direction: recert.CheckInDirectionOut, Method: recert.CheckInMethodScan}); err != nil || dup {
			t.Fatalf("scan without client id: dup %v err %v", dup, err)
		}
		all, err := st.EventCheckIns(ctx, f.event.ID, store.CheckInFilter{})
		if err != nil || len(all) != 2 || !all[0].DeviceTime.Equal(device) {
			t.Fatalf("EventCheckIns = %+v, %v; want 2, the device-timed one first", all, err)
		}
		v, err := st.VoidCheckIn(ctx, f.event.ID, first.ID, "usr_org", "scanned the wrong badge")
		if err != nil || v.VoidedAt == nil || v.VoidReason != "scanned the wrong badge" {
			t.Fatalf("VoidCheckIn = %+v, %v", v, err)
		}
		if _, err := st.VoidCheckIn(ctx, f.event.ID, first.ID, "usr_org", "again"); recert.ErrorCode(err) != recert.ECONFLICT {
			t.Errorf("voiding twice: %v, want a conflict", err)
		}
		live, _ := st.EventCheckIns(ctx, f.event.ID, store.CheckInFilter{})
		kept, _ := st.EventCheckIns(ctx, f.event.ID, store.CheckInFilter{WithVoided: true})
		if len(live) != 1 || len(kept) != 2 {
			t.Errorf("after voiding: %d live, %d kept; want 1 and 2", len(live), len(kept))
		}
		if v, err := st.CheckInTokenVersion(ctx, f.jane.ID); err != nil || v != 1 {
			t.Errorf("token version = %d, %v; want 1", v, err)
		}
		if v, err := st.BumpCheckInTokenVersion(ctx, f.jane.ID); err != nil || v != 2 {
			t.Errorf("bumped token version = %d, %v; want 2", v, err)
		}
		if _, err := st.CheckInTokenVersion(ctx, "mem_nobody"); recert.ErrorCode(err) != recert.ENOTFOUND {
			t.Errorf("unknown member's token version: %v, want not found", err)
		}
	})
}

func TestCheckInClockFlag(t *testing.T) {
	now := time.Date(2026, 6, 29, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		device  time.Duration
		offline bool
		flag    bool
	}{{-14 * time.Minute, false, false}, {-16 * time.Minute, false, true}, {16 * time.Minute, false, true}, {-3 * time.Hour, true, false}} {
		d := now.Add(tc.device)
		c := recert.CheckIn{ReceivedAt: now, DeviceTime: &d, Offline: tc.offline}
		c.FlagClock()
		if c.ClockFlag != tc.flag {
			t.Errorf("device %v offline %v: flag %v, want %v", tc.device, tc.offline, c.ClockFlag, tc.flag)
		}
	}
}

// A member's own check-in takes the session's code of this minute or one either side, not
// older; a repeat is red; check-out codes work only where time present counts, and are not
// the check-in codes; a member's attempts are limited; an event with self check-in off
// refuses it.
func TestSelfCheckIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		chicago, _ := time.LoadLocation("America/Chicago")
		now := time.Date(2026, 6, 29, 10, 30, 20, 0, chicago)
		secrets := func(label string) []byte { return []byte("the secret of " + label) }
		desk := ledger.NewCheckInBatches(st, nil, secrets, func() time.Time { return now })
		in, out := secrets(ledger.SessionSecretLabel(f.s1.ID, "in")), secrets(ledger.SessionSecretLabel(f.s1.ID, "out"))
		step := recert.CodeStep
		self := func(member, session, direction, code string) (ledger.DeskResult, error) {
			return desk.SelfCheckIn(ctx, ledger.SelfCode{EventID: f.event.ID, Session: session, MemberID: member,
				Direction: direction, Code: code, Actor: "usr_" + member})
		}
		jane := func(direction, code string) ledger.DeskResult {
			t.Helper()
			res, err := self(f.jane.ID, f.s1.ID, direction, code)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		if res := jane("in", recert.SessionCode(in, now.Add(-2*step))); res.Outcome != ledger.DeskYellow || res.Reason != ledger.ReasonWrongCode {
			t.Errorf("a code two steps old: %+v, want yellow wrong_code", res)
		}
		if res := jane("in", recert.SessionCode(out, now)); res.Outcome != ledger.DeskYellow || res.Reason != ledger.ReasonWrongCode {
			t.Errorf("the check-out code to check in: %+v, want yellow wrong_code", res)
		}
		if res := jane("in", recert.SessionCode(in, now.Add(-step))); res.Outcome != ledger.DeskGreen || res.CheckIn.Method != recert.CheckInMethodSelfCode {
			t.Errorf("last minute's code: %+v, want green, self_code", res)
		}
		if res := jane("", recert.SessionCode(in, now)); res.Outcome != ledger.DeskRed {
			t.Errorf("again: %+v, want red", res)
		}
		if _, err := self(f.jane.ID, f.s1.ID, "out", recert.SessionCode(out, now)); recert.ErrorCode(err) != recert.ECONFLICT {
			t.Errorf("a check-out where time present does not count: %v, want a conflict", err)
		}
		jane("in", recert.SessionCode(in, now)) // the fifth code this minute
		_, err := self(f.jane.ID, f.s1.ID, "in", recert.SessionCode(in, now))
		var th *recert.Throttled
		if !errors.As(err, &th) || recert.ErrorCode(err) != recert.ERATELIMITED || th.Seconds() < 1 {
			t.Errorf("a sixth code in a minute: %v, want rate-limited with a wait", err)
		}

		// Another member, as the event comes to count time present.
		sam, err := st.CreateMember(ctx, recert.Member{Name: "Sam Poe", ABCPID: "100002"}, "", "usr_admin")
		if err != nil {
			t.Fatal(err)
		}
		ev, err := st.UpdateEvent(ctx, f.event.ID, f.event.Version, "usr_org", func(e *recert.Event) error {
			e.CheckIn.Policy, e.CheckIn.SharePercent = recert.PresenceShare, 80
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := self(sam.ID, f.s1.ID, "out", recert.SessionCode(in, now)); err != nil || res.Reason != ledger.ReasonWrongCode {
			t.Errorf("the check-in code to check out: %+v %v, want yellow wrong_code", res, err)
		}
		if res, err := self(sam.ID, f.s1.ID, "out", recert.SessionCode(out, now)); err != nil || res.Outcome != ledger.DeskGreen ||
			res.CheckIn.Direction != recert.CheckInDirectionOut {
			t.Errorf("check-out: %+v %v, want green, out", res, err)
		}
		if res, err := self(sam.ID, f.s2.ID, "in", recert.SessionCode(secrets(ledger.SessionSecretLabel(f.s2.ID, "in")), now)); err != nil ||
			res.Reason != ledger.ReasonSessionClosed {
			t.Errorf("tomorrow's session: %+v %v, want session_not_open", res, err)
		}
		if _, err := st.UpdateEvent(ctx, f.event.ID, ev.Version, "usr_org", func(e *recert.Event) error {
			e.CheckIn.SelfCheckInOff = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := self(sam.ID, f.s1.ID, "in", recert.SessionCode(in, now)); recert.ErrorCode(err) != recert.ECONFLICT {
			t.Errorf("self check-in turned off: %v, want a conflict", err)
		}
	})
}
