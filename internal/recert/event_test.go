package recert_test

import (
	"testing"

	"github.com/recert-dev/recert/internal/recert"
)

func TestAssignSessionCodes(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []string // codes chosen by the organizer ("" for none)
		want []string
	}{
		{"none chosen", []string{"", "", ""}, []string{"S1", "S2", "S3"}},
		{"a chosen code is kept", []string{"Tue-AM", "", ""}, []string{"Tue-AM", "S2", "S3"}},
		{"a new session never takes a code in use", []string{"S2", "", ""}, []string{"S2", "S3", "S4"}},
		{"codes in use compare without case", []string{"", "s2", ""}, []string{"S1", "s2", "S3"}},
		{"an added session after removed ones", []string{"S1", "S3", ""}, []string{"S1", "S3", "S4"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sessions := make([]recert.Session, len(c.in))
			for i, code := range c.in {
				sessions[i].Code = code
			}
			recert.AssignSessionCodes(sessions)
			for i, s := range sessions {
				if s.Code != c.want[i] {
					t.Errorf("session %d: %s, want %s", i+1, s.Code, c.want[i])
				}
			}
			if err := recert.CheckSessionCodes(sessions); err != nil {
				t.Errorf("assigned codes collide: %v", err)
			}
		})
	}
}

func TestCheckSessionCodes(t *testing.T) {
	err := recert.CheckSessionCodes([]recert.Session{{Code: "A1"}, {Code: "B1"}, {Code: "a1"}})
	var e *recert.Error
	if err == nil || recert.ErrorCode(err) != recert.EINVALID {
		t.Fatalf("duplicate codes: %v", err)
	}
	e = err.(*recert.Error)
	if len(e.Fields) != 1 || e.Fields[0].Pointer != "#/sessions/2/code" || e.Message != "sessions 1 and 3 have the same code a1" {
		t.Errorf("names the wrong session: %+v", e)
	}
}

func TestEventCredit(t *testing.T) {
	e := recert.Event{Category: "I", Sessions: []recert.Session{
		{ID: "ses_1", Code: "S1", Title: "ECMO Circuit Management Update", CEUs: 150},
		{ID: "ses_2", Code: "S2", Title: "Pediatric Bypass", CEUs: 200, Category: "II"},
	}}
	if e.CEUs() != 350 {
		t.Errorf("CEUs = %s", e.CEUs())
	}
	if e.SessionCategory(e.Sessions[0]) != "I" || e.SessionCategory(e.Sessions[1]) != "II" {
		t.Error("a session without a category does not take the event's, or one with does not keep its own")
	}
	for ref, want := range map[string]string{"S2": "ses_2", "s2": "ses_2", " pediatric bypass ": "ses_2", "ses_1": "ses_1", "ECMO": ""} {
		s, ok := e.SessionByRef(ref)
		if s.ID != want || ok != (want != "") {
			t.Errorf("SessionByRef(%q) = %s, %v; want %q", ref, s.ID, ok, want)
		}
	}
	awarded := recert.Units(100)
	if _, _, field, _ := e.Credit(nil, &awarded); field != "" {
		t.Errorf("1.00 CEUs awarded at a 3.50 event refused on %s", field)
	}
	over := recert.Units(400)
	if _, _, field, detail := e.Credit(nil, &over); field != "ceus" || detail != "awards 4.00 CEUs; the event offers 3.50" {
		t.Errorf("4.00 CEUs at a 3.50 event: %s %q", field, detail)
	}
	sessions, _, field, _ := e.Credit([]string{"S2"}, nil)
	if field != "" || len(sessions) != 1 || sessions[0].SessionID != "ses_2" || sessions[0].CEUs != 200 {
		t.Errorf("S2 credits %+v (%s)", sessions, field)
	}
	att := recert.Attendance{Sessions: sessions}
	if att.Total() != 200 {
		t.Errorf("Total = %s", att.Total())
	}
	if (recert.Attendance{CEUsAwarded: 125}).Total() != 125 {
		t.Error("an attendance without sessions does not total its awarded CEUs")
	}
}

func TestEventTakesAttendance(t *testing.T) {
	for status, code := range map[string]string{recert.EventPublished: "", recert.EventDraft: recert.ECONFLICT, recert.EventCancelled: recert.ECONFLICT} {
		if got := recert.ErrorCode((recert.Event{ID: "evt_x", Status: status}).AttendanceProblem()); got != code {
			t.Errorf("%s: %q, want %q", status, got, code)
		}
	}
}

func TestActivityCounts(t *testing.T) {
	for _, c := range []struct {
		a    recert.Activity
		want bool
	}{
		{recert.Activity{}, true},
		{recert.Activity{Withdrawn: true}, false},
		{recert.Activity{ReviewStatus: recert.ReviewRejected}, false},
	} {
		if got := c.a.Counts(); got != c.want {
			t.Errorf("%+v counts: %v", c.a, got)
		}
	}
}

func TestEventTransition(t *testing.T) {
	withSession := []recert.Session{{ID: "ses_1", Code: "S1", CEUs: 100}}
	for _, c := range []struct {
		from     string
		sessions []recert.Session
		to       string
		code     string // "" when allowed
		detail   string
	}{
		{recert.EventDraft, withSession, recert.EventPublished, "", ""},
		{recert.EventDraft, nil, recert.EventCancelled, "", ""},
		{recert.EventPublished, withSession, recert.EventCancelled, "", ""},
		{recert.EventDraft, nil, recert.EventPublished, recert.EINVALID, "event evt_x has no sessions; add at least one before publishing"},
		{recert.EventPublished, withSession, recert.EventDraft, recert.ECONFLICT, "event evt_x is published and cannot go back to draft"},
		{recert.EventPublished, withSession, recert.EventPublished, recert.ECONFLICT, "event evt_x is already published"},
		{recert.EventCancelled, withSession, recert.EventPublished, recert.ECONFLICT, "event evt_x is cancelled; a cancelled event cannot be published"},
		{recert.EventCancelled, withSession, recert.EventDraft, recert.ECONFLICT, "event evt_x is cancelled; a cancelled event cannot be draft"},
		{recert.EventDraft, withSession, "archived", recert.EINVALID, `"archived" is not an event status (draft, published, cancelled)`},
	} {
		t.Run(c.from+" to "+c.to, func(t *testing.T) {
			e := recert.Event{ID: "evt_x", Status: c.from, Sessions: c.sessions}
			err := e.Transition(c.to)
			if recert.ErrorCode(err) != c.code || (err != nil && err.(*recert.Error).Message != c.detail) {
				t.Fatalf("got %v, want %s %q", err, c.code, c.detail)
			}
			if want := map[bool]string{true: c.to, false: c.from}[c.code == ""]; e.Status != want {
				t.Errorf("status %s, want %s", e.Status, want)
			}
		})
	}
}

func TestEventSessionsProblem(t *testing.T) {
	for _, c := range []struct {
		name string
		e    recert.Event
		want string
	}{
		{"a draft without sessions", recert.Event{Status: recert.EventDraft}, ""},
		{"a new published event without sessions", recert.Event{Status: recert.EventPublished}, "a published event needs at least one session"},
		{"a published event losing its sessions", recert.Event{ID: "evt_x", Status: recert.EventPublished}, "published event evt_x must keep at least one session"},
		{"two sessions with one code", recert.Event{Status: recert.EventDraft, Sessions: []recert.Session{{Code: "A"}, {Code: "a"}}}, "sessions 1 and 2 have the same code a"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.e.SessionsProblem()
			got := ""
			if err != nil {
				got = err.(*recert.Error).Message
			}
			if got != c.want || (err != nil && recert.ErrorCode(err) != recert.EINVALID) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestAttendanceRules(t *testing.T) {
	ev := recert.Event{Sessions: []recert.Session{{ID: "ses_1", Code: "S1", Title: "Cannulation", CEUs: 100}, {ID: "ses_2", Code: "S2", CEUs: 50}}}
	both := recert.Attendance{ID: "att_x", Sessions: []recert.SessionCredit{{SessionID: "ses_1", CEUs: 100}, {SessionID: "ses_2", CEUs: 50}}}

	t.Run("a correction to fewer sessions changes the credit", func(t *testing.T) {
		a := both
		changed, err := a.Correct(ev, []string{"cannulation"}, nil)
		if err != nil || !changed || a.Total() != 100 {
			t.Errorf("changed %v, total %s, %v", changed, a.Total(), err)
		}
	})
	t.Run("a correction to the same credit changes nothing", func(t *testing.T) {
		a := both
		if changed, err := a.Correct(ev, []string{"S2", "S1"}, nil); err != nil || changed {
			t.Errorf("changed %v, %v", changed, err)
		}
	})
	t.Run("a correction to an unknown session names the sessions", func(t *testing.T) {
		a := both
		_, err := a.Correct(ev, []string{"S9"}, nil)
		if e, ok := err.(*recert.Error); !ok || e.Code != recert.EINVALID || e.Fields[0].Pointer != "#/sessions" || a.Total() != 150 {
			t.Errorf("%v; total %s", err, a.Total())
		}
	})
	t.Run("a revoked attendance is not corrected", func(t *testing.T) {
		a := both
		a.Revoked = true
		if _, err := a.Correct(ev, []string{"S1"}, nil); recert.ErrorCode(err) != recert.ECONFLICT {
			t.Errorf("%v", err)
		}
	})
	t.Run("a revocation needs a reason, once", func(t *testing.T) {
		a := both
		for _, reason := range []string{"", "   ", string(make([]rune, 501))} {
			if err := a.Revoke(reason); recert.ErrorCode(err) != recert.EINVALID || a.Revoked {
				t.Errorf("reason %q: %v", reason, err)
			}
		}
		if err := a.Revoke("  posted to the wrong event "); err != nil || !a.Revoked || a.RevokeReason != "posted to the wrong event" {
			t.Errorf("%v %+v", err, a)
		}
		if err := a.Revoke("again"); recert.ErrorCode(err) != recert.ECONFLICT {
			t.Errorf("revoked twice: %v", err)
		}
	})
}
