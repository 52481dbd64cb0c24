package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// equateEmpty treats nil and empty slices alike: the store reads lists back as empty, never nil.
var equateEmpty = cmpopts.EquateEmpty()

func date(t testing.TB, s string) recert.Date {
	t.Helper()
	d, err := recert.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newOrg(t testing.TB, st *store.Store, code string) recert.Organization {
	t.Helper()
	o, err := st.CreateOrganization(context.Background(), recert.Organization{Name: code + " society", Code: code}, "usr_admin")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// meeting is an in-person category I event of org from start to end with the sessions given.
func meeting(orgID, title, start, end string, t testing.TB, sessions ...recert.Session) recert.Event {
	return recert.Event{
		OrganizationID: orgID, Title: title, Format: "in_person", TimeZone: "America/Chicago",
		StartDate: date(t, start), EndDate: date(t, end), Category: "I", Sessions: sessions,
	}
}

func session(t testing.TB, title, day string, ceus recert.Units, topics ...string) recert.Session {
	return recert.Session{Title: title, Date: date(t, day), CEUs: ceus, Topics: topics}
}

func createEvent(t testing.TB, st *store.Store, e recert.Event) recert.Event {
	t.Helper()
	out, err := st.CreateEvent(context.Background(), e, "usr_org")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func publish(t testing.TB, st *store.Store, e recert.Event) recert.Event {
	t.Helper()
	out, err := st.SetEventStatus(context.Background(), e.ID, recert.EventPublished, "usr_org")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := recert.ErrorCode(err); got != code {
		t.Errorf("error %v (code %q), want %q", err, got, code)
	}
}

func TestEventRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := newOrg(t, st, "WPS")
		in := meeting(org.ID, "Spring Meeting", "2026-04-17", "2026-04-18", t,
			session(t, "Keynote", "2026-04-18", 150, "ethics"),
			session(t, "ECMO update", "2026-04-17", 200),
			session(t, "Cardioplegia", "2026-04-17", 100, "ethics", "human_trafficking"))
		in.Description, in.Location, in.URL, in.ApprovalRef = "Annual", "Madison, WI", "https://wps.example", "ABCP-2026-1"
		got := createEvent(t, st, in)
		if got.Status != recert.EventDraft || got.Version != 1 || got.CreatedBy != "usr_org" || got.CreatedAt != got.UpdatedAt {
			t.Errorf("created = %+v", got)
		}
		if len(got.Sessions) != 3 || got.Sessions[0].ID == got.Sessions[1].ID || got.Sessions[0].ID[:4] != "ses_" || got.ID[:4] != "evt_" {
			t.Fatalf("ids = %s %+v", got.ID, got.Sessions)
		}
		want := in
		want.ID, want.Status, want.Version, want.Audit = got.ID, recert.EventDraft, 1, got.Audit
		want.Sessions = append([]recert.Session(nil), in.Sessions...)
		for i := range want.Sessions {
			want.Sessions[i].ID = got.Sessions[i].ID
			want.Sessions[i].Code = "S" + strconv.Itoa(i+1)
		}
		if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
			t.Errorf("created (-want +got):\n%s", diff)
		}
		read, err := st.Event(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, read, equateEmpty); diff != "" {
			t.Errorf("read back (-created +read):\n%s", diff)
		}
		if read.CEUs() != 450 {
			t.Errorf("CEUs = %s, want 4.50", read.CEUs())
		}

		t.Run("unknown organization is invalid", func(t *testing.T) {
			_, err := st.CreateEvent(ctx, meeting("org_nope", "X", "2026-01-01", "2026-01-01", t), "usr_org")
			wantCode(t, err, recert.EINVALID)
		})
		t.Run("end before start is invalid", func(t *testing.T) {
			_, err := st.CreateEvent(ctx, meeting(org.ID, "X", "2026-01-02", "2026-01-01", t), "usr_org")
			wantCode(t, err, recert.EINVALID)
		})
		t.Run("unknown id is not found", func(t *testing.T) {
			_, err := st.Event(ctx, "evt_nope")
			wantCode(t, err, recert.ENOTFOUND)
		})
	})
}

func TestEventsFilter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		wps, osu := newOrg(t, st, "WPS"), newOrg(t, st, "OSU")
		mk := func(org recert.Organization, title, start, end, category, format, location string, published bool) string {
			e := meeting(org.ID, title, start, end, t, session(t, "S", start, 100))
			e.Category, e.Format, e.Location = category, format, location
			e = createEvent(t, st, e)
			if published {
				publish(t, st, e)
			}
			return title
		}
		winter := mk(wps, "Winter Webinar", "2026-01-10", "2026-01-10", "I", "live_webinar", "", true)
		spring := mk(wps, "Spring Meeting", "2026-04-17", "2026-04-18", "I", "in_person", "Madison", true)
		summer := mk(osu, "Summer 100% Sim", "2026-06-29", "2026-07-01", "II", "simulation", "Columbus", true)
		fall := mk(osu, "Fall Module", "2026-09-01", "2026-09-30", "III", "self_directed", "", false)

		cases := []struct {
			name string
			f    recert.EventFilter
			want []string
		}{
			{"all in date order", recert.EventFilter{Scope: recert.AllOrganizations()}, []string{winter, spring, summer, fall}},
			{"overlapping a range", recert.EventFilter{Scope: recert.AllOrganizations(), From: date(t, "2026-04-18"), To: date(t, "2026-06-29")}, []string{spring, summer}},
			{"from only", recert.EventFilter{Scope: recert.AllOrganizations(), From: date(t, "2026-07-01")}, []string{summer, fall}},
			{"to only", recert.EventFilter{Scope: recert.AllOrganizations(), To: date(t, "2026-01-10")}, []string{winter}},
			{"category", recert.EventFilter{Scope: recert.AllOrganizations(), Category: "II"}, []string{summer}},
			{"format", recert.EventFilter{Scope: recert.AllOrganizations(), Format: "live_webinar"}, []string{winter}},
			{"organization", recert.EventFilter{Scope: recert.OrganizationsScope(osu.ID)}, []string{summer, fall}},
			{"no organization", recert.EventFilter{Scope: recert.Scope{}}, nil},
			{"statuses", recert.EventFilter{Scope: recert.AllOrganizations(), Statuses: []string{recert.EventDraft}}, []string{fall}},
			{"text in title, any case", recert.EventFilter{Scope: recert.AllOrganizations(), Text: "MEETING"}, []string{spring}},
			{"text in location", recert.EventFilter{Scope: recert.AllOrganizations(), Text: "columb"}, []string{summer}},
			{"percent is literal", recert.EventFilter{Scope: recert.AllOrganizations(), Text: "100%"}, []string{summer}},
			{"underscore is literal", recert.EventFilter{Scope: recert.AllOrganizations(), Text: "w_n"}, nil},
			{"combined", recert.EventFilter{Scope: recert.OrganizationsScope(wps.ID), Statuses: []string{recert.EventPublished}, Category: "I", From: date(t, "2026-02-01")}, []string{spring}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.f.Limit = 10
				es, next, err := st.Events(ctx, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, e := range es {
					got = append(got, e.Title)
					if len(e.Sessions) != 1 {
						t.Errorf("%s has sessions %+v", e.Title, e.Sessions)
					}
				}
				if diff := cmp.Diff(c.want, got, equateEmpty); diff != "" || next != "" {
					t.Errorf("titles (-want +got):\n%s next %q", diff, next)
				}
			})
		}
	})
}

func TestEventsPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := newOrg(t, st, "WPS")
		want := map[string]bool{}
		// Several events share a start date, so the cursor must carry the id as well.
		for _, start := range []string{"2026-03-01", "2026-01-01", "2026-03-01", "2026-02-01", "2026-03-01"} {
			e := createEvent(t, st, meeting(org.ID, "E "+start, start, start, t))
			want[e.ID] = true
		}
		var got []recert.Event
		after := ""
		for pages := 0; ; pages++ {
			es, next, err := st.Events(ctx, recert.EventFilter{Scope: recert.AllOrganizations(), Page: recert.Page{Limit: 2, After: after}})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, es...)
			if next == "" || pages > 5 {
				break
			}
			if last := es[len(es)-1]; next != last.StartDate.String()+"|"+last.ID {
				t.Errorf("next = %q after %s", next, last.ID)
			}
			after = next
		}
		if len(got) != 5 {
			t.Fatalf("paged %d events, want 5", len(got))
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if a.StartDate.String() > b.StartDate.String() || a.StartDate == b.StartDate && a.ID >= b.ID {
				t.Errorf("out of order: %s %s then %s %s", a.StartDate, a.ID, b.StartDate, b.ID)
			}
			delete(want, a.ID)
		}
		delete(want, got[4].ID)
		if len(want) != 0 {
			t.Errorf("never listed: %v", want)
		}
		// Newest first, the same events in the reverse order, page by page.
		var newest []recert.Event
		for after, pages := "", 0; pages < 6; pages++ {
			es, next, err := st.Events(ctx, recert.EventFilter{Scope: recert.AllOrganizations(), NewestFirst: true, Page: recert.Page{Limit: 2, After: after}})
			if err != nil {
				t.Fatal(err)
			}
			newest = append(newest, es...)
			if after = next; next == "" {
				break
			}
		}
		if len(newest) != len(got) {
			t.Fatalf("newest first paged %d events, want %d", len(newest), len(got))
		}
		for i := range got {
			if newest[i].ID != got[len(got)-1-i].ID {
				t.Errorf("newest first, #%d is %s, want %s", i, newest[i].ID, got[len(got)-1-i].ID)
			}
		}

		for _, bad := range []string{"garbage", "2026-13-01|evt_x", "2026-01-01|", "2026-01-01|org_x", "|evt_x"} {
			t.Run("bad cursor "+bad, func(t *testing.T) {
				_, _, err := st.Events(ctx, recert.EventFilter{Scope: recert.AllOrganizations(), Page: recert.Page{Limit: 2, After: bad}})
				wantCode(t, err, recert.EBADREQUEST)
			})
		}
	})
}

func TestUpdateEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org, other := newOrg(t, st, "WPS"), newOrg(t, st, "OSU")
		e := createEvent(t, st, meeting(org.ID, "Spring", "2026-04-17", "2026-04-18", t,
			session(t, "A", "2026-04-17", 100), session(t, "B", "2026-04-17", 200), session(t, "C", "2026-04-18", 300)))
		a, b, c := e.Sessions[0], e.Sessions[1], e.Sessions[2]

		t.Run("stale version is a failed precondition", func(t *testing.T) {
			_, err := st.UpdateEvent(ctx, e.ID, 7, "usr_x", func(*recert.Event) error { return nil })
			wantCode(t, err, recert.EPRECONDITION)
		})
		t.Run("change's error is returned", func(t *testing.T) {
			_, err := st.UpdateEvent(ctx, e.ID, 1, "usr_x", func(*recert.Event) error { return recert.Errorf(recert.EINVALID, "no") })
			wantCode(t, err, recert.EINVALID)
		})
		t.Run("unknown event is not found", func(t *testing.T) {
			_, err := st.UpdateEvent(ctx, "evt_nope", 0, "usr_x", func(*recert.Event) error { return nil })
			wantCode(t, err, recert.ENOTFOUND)
		})

		got, err := st.UpdateEvent(ctx, e.ID, 1, "usr_editor", func(ev *recert.Event) error {
			ev.Title, ev.Location = "Spring Meeting", "Madison"
			ev.Status, ev.OrganizationID, ev.ID = recert.EventCancelled, other.ID, "evt_other" // ignored
			c2 := c
			c2.Title, c2.CEUs = "C (longer)", 350
			// Reordered, C updated, A dropped, D added.
			ev.Sessions = []recert.Session{c2, session(t, "D", "2026-04-18", 50), b}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Spring Meeting" || got.Location != "Madison" || got.Status != recert.EventDraft || got.OrganizationID != org.ID || got.ID != e.ID {
			t.Errorf("updated = %+v", got)
		}
		if got.Version != 2 || got.UpdatedBy != "usr_editor" || got.CreatedBy != "usr_org" || got.CreatedAt != e.CreatedAt {
			t.Errorf("audit = %d %+v", got.Version, got.Audit)
		}
		var titles []string
		for _, s := range got.Sessions {
			titles = append(titles, s.Title)
		}
		if diff := cmp.Diff([]string{"C (longer)", "D", "B"}, titles); diff != "" {
			t.Errorf("sessions (-want +got):\n%s", diff)
		}
		if got.Sessions[0].ID != c.ID || got.Sessions[2].ID != b.ID || got.Sessions[0].CEUs != 350 || got.Sessions[1].ID == "" {
			t.Errorf("sessions = %+v", got.Sessions)
		}
		_ = a

		t.Run("a session id of another event is invalid", func(t *testing.T) {
			_, err := st.UpdateEvent(ctx, e.ID, 0, "usr_x", func(ev *recert.Event) error {
				ev.Sessions = append(ev.Sessions, recert.Session{ID: a.ID, Title: "A", Date: a.Date, CEUs: 100})
				return nil
			})
			wantCode(t, err, recert.EINVALID)
		})

		// Attendance freezes a session's date and CEUs.
		publish(t, st, got)
		d := got.Sessions[1]
		if _, err := post(t, st, e.ID, []recert.RosterRow{{ABCPID: "100001", Name: "Jane", Sessions: []string{d.ID}}}, ledger.RosterInput{}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			change func(ev *recert.Event)
			code   string
		}{
			{"delete an attended session", func(ev *recert.Event) { ev.Sessions = []recert.Session{ev.Sessions[0], ev.Sessions[2]} }, recert.ECONFLICT},
			{"change an attended session's CEUs", func(ev *recert.Event) { ev.Sessions[1].CEUs = 75 }, recert.ECONFLICT},
			{"change an attended session's date", func(ev *recert.Event) { ev.Sessions[1].Date = date(t, "2026-04-17") }, recert.ECONFLICT},
			{"remove every session of a published event", func(ev *recert.Event) { ev.Sessions = nil }, recert.EINVALID},
			{"retitle an attended session", func(ev *recert.Event) { ev.Sessions[1].Title = "D renamed" }, ""},
			{"delete an unattended session", func(ev *recert.Event) { ev.Sessions = ev.Sessions[1:] }, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := st.Event(ctx, e.ID)
				_, err := st.UpdateEvent(ctx, e.ID, before.Version, "usr_x", func(ev *recert.Event) error { tc.change(ev); return nil })
				wantCode(t, err, tc.code)
				if tc.code != "" {
					after, _ := st.Event(ctx, e.ID)
					if diff := cmp.Diff(before, after, equateEmpty); diff != "" {
						t.Errorf("a failed update changed the event:\n%s", diff)
					}
				}
			})
		}

		t.Run("a cancelled event cannot change", func(t *testing.T) {
			if _, err := st.SetEventStatus(ctx, e.ID, recert.EventCancelled, "usr_org"); err != nil {
				t.Fatal(err)
			}
			_, err := st.UpdateEvent(ctx, e.ID, 0, "usr_x", func(ev *recert.Event) error { ev.Title = "X"; return nil })
			wantCode(t, err, recert.ECONFLICT)
		})
	})
}

func TestSetEventStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := newOrg(t, st, "WPS")
		cases := []struct {
			name     string
			sessions bool
			path     []string // statuses to move through; the last move is checked
			code     string
		}{
			{"draft to published", true, []string{recert.EventPublished}, ""},
			{"publish without sessions", false, []string{recert.EventPublished}, recert.EINVALID},
			{"draft to cancelled", false, []string{recert.EventCancelled}, ""},
			{"published to cancelled", true, []string{recert.EventPublished, recert.EventCancelled}, ""},
			{"published back to draft", true, []string{recert.EventPublished, recert.EventDraft}, recert.ECONFLICT},
			{"published again", true, []string{recert.EventPublished, recert.EventPublished}, recert.ECONFLICT},
			{"cancelled to published", true, []string{recert.EventCancelled, recert.EventPublished}, recert.ECONFLICT},
			{"draft to draft", true, []string{recert.EventDraft}, recert.ECONFLICT},
			{"unknown status", true, []string{"archived"}, recert.EINVALID},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := meeting(org.ID, c.name, "2026-05-01", "2026-05-01", t)
				if c.sessions {
					e.Sessions = []recert.Session{session(t, "S", "2026-05-01", 100)}
				}
				e = createEvent(t, st, e)
				var err error
				var got recert.Event
				for _, to := range c.path {
					got, err = st.SetEventStatus(ctx, e.ID, to, "usr_status")
				}
				wantCode(t, err, c.code)
				last := c.path[len(c.path)-1]
				if c.code == "" && (got.Status != last || got.Version != 1+len(c.path) || got.UpdatedBy != "usr_status") {
					t.Errorf("event = %s v%d by %s", got.Status, got.Version, got.UpdatedBy)
				}
			})
		}
		t.Run("unknown event is not found", func(t *testing.T) {
			_, err := st.SetEventStatus(ctx, "evt_nope", recert.EventPublished, "usr_x")
			wantCode(t, err, recert.ENOTFOUND)
		})
	})
}

func TestSessionCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := newOrg(t, st, "WPS")
		codes := func(e recert.Event) []string {
			var out []string
			for _, s := range e.Sessions {
				out = append(out, s.Code)
			}
			return out
		}
		withCodes := func(codes ...string) recert.Event {
			e := meeting(org.ID, "Spring", "2026-04-17", "2026-04-17", t)
			for i, c := range codes {
				s := session(t, "Session "+strconv.Itoa(i+1), "2026-04-17", 100)
				s.Code = c
				e.Sessions = append(e.Sessions, s)
			}
			return e
		}

		cases := []struct {
			name  string
			codes []string
			want  []string
		}{
			{"defaults", []string{"", "", ""}, []string{"S1", "S2", "S3"}},
			{"chosen and default", []string{"", "Tue-AM", ""}, []string{"S1", "Tue-AM", "S3"}},
			{"a default never repeats a chosen code", []string{"S2", "", ""}, []string{"S2", "S3", "S4"}},
			{"a chosen code in another case", []string{"", "s1"}, []string{"S2", "s1"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := createEvent(t, st, withCodes(c.codes...))
				if diff := cmp.Diff(c.want, codes(e)); diff != "" {
					t.Errorf("codes (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("two sessions with one code are invalid", func(t *testing.T) {
			_, err := st.CreateEvent(ctx, withCodes("A1", "", "a1"), "usr_org")
			var re *recert.Error
			if !errors.As(err, &re) || re.Code != recert.EINVALID || len(re.Fields) != 1 || re.Fields[0].Pointer != "#/sessions/2/code" {
				t.Errorf("error = %v", err)
			}
		})

		e := withCodes("", "", "")
		e.Sessions[1].Category = "II"
		e = createEvent(t, st, e)
		t.Run("a session's own category", func(t *testing.T) {
			read, err := st.Event(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{read.SessionCategory(read.Sessions[0]), read.SessionCategory(read.Sessions[1]), read.Sessions[0].Category}
			if diff := cmp.Diff([]string{"I", "II", ""}, got); diff != "" {
				t.Errorf("categories (-want +got):\n%s", diff)
			}
		})
		t.Run("kept sessions keep their codes; new ones take free ones", func(t *testing.T) {
			got, err := st.UpdateEvent(ctx, e.ID, 0, "usr_org", func(ev *recert.Event) error {
				for i := range ev.Sessions {
					ev.Sessions[i].Code = ""
				}
				ev.Sessions = append(ev.Sessions[1:], session(t, "Added", "2026-04-17", 50))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"S2", "S3", "S4"}, codes(got)); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
		})
		t.Run("two sessions swap their codes", func(t *testing.T) {
			got, err := st.UpdateEvent(ctx, e.ID, 0, "usr_org", func(ev *recert.Event) error {
				ev.Sessions[0].Code, ev.Sessions[1].Code = ev.Sessions[1].Code, ev.Sessions[0].Code
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"S3", "S2", "S4"}, codes(got)); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
		})
		t.Run("a code given twice is refused", func(t *testing.T) {
			_, err := st.UpdateEvent(ctx, e.ID, 0, "usr_org", func(ev *recert.Event) error {
				ev.Sessions[2].Code = "s3"
				return nil
			})
			wantCode(t, err, recert.EINVALID)
		})
	})
}
