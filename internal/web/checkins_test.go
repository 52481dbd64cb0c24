package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestEventPageCheckIns: the event page counts each session's check-ins, previews the credit
// they give with each session's reason, and posts it.
func TestEventPageCheckIns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		ev := w.checkInEvent(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		_, page := b.get("/app/events/" + ev.ID)
		if !strings.Contains(page, `<td><code>Tue-AM</code></td><td>Tuesday morning</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>`) ||
			!strings.Contains(page, "at least 80% of its scheduled time") {
			t.Fatalf("the event page's check-ins:\n%s", page)
		}
		res, body := b.post("/app/events/"+ev.ID+"/check-ins/preview", url.Values{})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Credit from check-ins preview") ||
			!strings.Contains(body, "Tue-AM: 20 min present, not credited (presence below the event&#39;s threshold)") ||
			!strings.Contains(body, "never out") || !strings.Contains(body, "Confirm: post 1 member(s)") {
			t.Fatalf("preview: %d\n%s", res.StatusCode, body)
		}
		if res, body = b.post("/app/events/"+ev.ID+"/check-ins/convert", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("convert: %d\n%s", res.StatusCode, body)
		}
		as, _, err := st.EventAttendance(ctx, ev.ID, recert.Page{Limit: 10})
		if err != nil || len(as) != 1 || len(as[0].Sessions) != 1 || as[0].Sessions[0].SessionID != ev.Sessions[0].ID {
			t.Errorf("credited: %+v %v", as, err)
		}
		// Renée disputes it: the organizer deciding sees the check-ins it rests on.
		m := w.browser(t)
		m.signIn(w.member)
		if res, _ := m.post("/app/dispute", url.Values{"event": {ev.ID}, "kind": {"wrong"}, "message": {"I was at Tuesday morning."},
			"session": {ev.Sessions[0].ID, ev.Sessions[1].ID}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("file a dispute: %d", res.StatusCode)
		}
		if _, inbox := b.get("/app/dispute-inbox"); !strings.Contains(inbox, "Check-ins: S1 in Nov 3 09:00 (scan); S1 out Nov 3 10:00 (scan); Tue-AM in Nov 3 11:00 (scan)") {
			t.Errorf("the inbox does not show the check-ins:\n%s", inbox)
		}
	})
}

// checkInEvent gives the world's event a presence rule (80%), times (Cannulation 09:00-10:00,
// Tue-AM 11:00-12:00, Ethics 13:00-14:00), and Renée's check-ins: Cannulation in and out,
// Tue-AM for 20 minutes, Ethics in and never out.
func (w *world) checkInEvent(t *testing.T, st *store.Store) recert.Event {
	t.Helper()
	ctx := context.Background()
	ev := w.event
	ev.CheckIn = recert.CheckInRules{Policy: recert.PresenceShare, SharePercent: 80}
	for i := range ev.Sessions {
		ev.Sessions[i].StartTime, ev.Sessions[i].EndTime = "09:00", "10:00"
	}
	ev.Sessions[1].StartTime, ev.Sessions[1].EndTime = "11:00", "12:00"
	ev.Sessions[2].StartTime, ev.Sessions[2].EndTime = "13:00", "14:00"
	ev, err := st.UpdateEvent(ctx, ev.ID, 0, "test", func(e *recert.Event) error { e.CheckIn, e.Sessions = ev.CheckIn, ev.Sessions; return nil })
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/Chicago")
	when := func(hhmm string) *time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-03 "+hhmm, loc)
		return &t
	}
	for _, c := range []recert.CheckIn{
		{SessionID: ev.Sessions[0].ID, Direction: "in", DeviceTime: when("09:00")},
		{SessionID: ev.Sessions[0].ID, Direction: "out", DeviceTime: when("10:00")},
		{SessionID: ev.Sessions[1].ID, Direction: "in", DeviceTime: when("11:00")},
		{SessionID: ev.Sessions[1].ID, Direction: "out", DeviceTime: when("11:20")},
		{SessionID: ev.Sessions[2].ID, Direction: "in", DeviceTime: when("13:00")},
	} {
		c.EventID, c.MemberID, c.Method = ev.ID, w.renee.ID, recert.CheckInMethodScan
		if _, _, err := st.AddCheckIn(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return ev
}

// TestEventFormCheckInRules: the event form sets the presence rule and the sessions' times;
// a rule without times is refused beside each session's time.
func TestEventFormCheckInRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		form := url.Values{"title": {"Check-in Meeting"}, "organization_id": {w.org.ID}, "format": {"in_person"}, "time_zone": {"America/Chicago"},
			"start_date": {"2026-11-03"}, "presence_policy": {"share_of_scheduled"}, "presence_share_percent": {"80"}, "self_check_in": {"on"},
			"s_id": {""}, "s_code": {"S1"}, "s_title": {"Cannulation"}, "s_date": {""}, "s_ceus": {"1"}, "s_category": {""}, "s_start": {""}, "s_end": {"10:00"}}
		res, body := b.post("/app/events/new", form)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="s0-start_time-problem"`) {
			t.Fatalf("a rule without a start time: %d\n%s", res.StatusCode, body)
		}
		form.Set("s_start", "09:00")
		if res, body = b.post("/app/events/new", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.StatusCode, body)
		}
		id := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/app/events/")
		ev, err := st.Event(context.Background(), id)
		if err != nil || ev.CheckIn.Policy != recert.PresenceShare || ev.CheckIn.SharePercent != 80 || ev.CheckIn.SelfCheckInOff ||
			ev.Sessions[0].StartTime != "09:00" || ev.Sessions[0].EndTime != "10:00" {
			t.Errorf("stored: %+v %+v %v", ev.CheckIn, ev.Sessions, err)
		}
		if _, edit := b.get("/app/events/" + id + "/edit"); !strings.Contains(edit, `value="09:00"`) || !strings.Contains(edit, `value="80"`) {
			t.Errorf("the editor does not show the rule and times:\n%s", edit)
		}
	})
}
