package notify_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/notify"
	"github.com/recert-dev/recert/internal/notify/mailtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// recording is an Outbox that keeps the notices.
type recording struct {
	mu      sync.Mutex
	notices []ledger.Notice
}

func (r *recording) Notify(_ context.Context, ns ...ledger.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notices = append(r.notices, ns...)
	return nil
}

// Deadline reminders go at 180, 90, 30 and 7 days before the period ends, each exactly once
// however often the scan runs, with the clock the test sets; a member who turned them off
// gets none.
func TestRemindersGoOncePerThreshold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Society", Code: "SOC"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		m, err := st.CreateMember(ctx, recert.Member{Name: "Robin Due", Email: "robin@example.org", ABCPID: "246810",
			CertificationDate: recert.NewDate(2020, 3, 15), ABCPCycle: 1}, org.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, recert.User{Email: "robin@example.org", Name: "Robin Due", Role: recert.RoleMember, MemberID: m.ID}, "x", "test")
		if err != nil {
			t.Fatal(err)
		}
		lg, err := ledger.New(st, ledger.Config{})
		if err != nil {
			t.Fatal(err)
		}
		standing := lg.Standing
		viewer := recert.Principal{Subject: u.ID, Role: recert.RoleMember, MemberID: m.ID}
		start := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		periods, err := standing.Periods(ctx, m.ID, viewer, start)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(periods, func(p ledger.PeriodStatus) bool { return p.ProgramID == "abcp-ccp-ceu" && p.Relation == "current" })
		if i < 0 {
			t.Fatalf("no current CEU period in %+v", periods)
		}
		end := periods[i].End.Time().Add(12 * time.Hour)

		var now time.Time
		out := &recording{}
		r := notify.NewReminders(st, standing, out, func() time.Time { return now })
		scan := func(daysBefore int) []string {
			t.Helper()
			now = end.AddDate(0, 0, -daysBefore)
			out.mu.Lock()
			out.notices = nil
			out.mu.Unlock()
			if err := r.Scan(ctx); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range out.notices {
				if n.Reminder.ProgramID == "abcp-ccp-ceu" && n.Reminder.Threshold != "report" {
					got = append(got, n.Reminder.Threshold)
				}
			}
			return got
		}
		for _, c := range []struct {
			daysBefore int
			want       []string
		}{
			{181, nil}, {180, []string{"180"}}, {180, nil}, {179, nil}, {91, nil},
			{90, []string{"90"}}, {60, nil}, {30, []string{"30"}}, {30, nil}, {8, nil}, {7, []string{"7"}}, {1, nil}, {0, nil},
		} {
			if got := scan(c.daysBefore); !slices.Equal(got, c.want) {
				t.Errorf("%d days before the end: reminders %v, want %v", c.daysBefore, got, c.want)
			}
		}

		// Each kind of reminder reaches a real SMTP server.
		smtp := mailtest.Start(t)
		sender, err := notify.NewSMTP(smtp.URL, "ce@example.org")
		if err != nil {
			t.Fatal(err)
		}
		w := notify.NewWorker(st, sender, "https://recert.example.org")
		now = end.AddDate(0, 0, -7)
		msgs, err := w.Messages(ctx, ledger.Notice{Type: ledger.NoticeDeadlineReminder, MemberID: m.ID, UserID: u.ID,
			Reminder: &ledger.Reminder{Threshold: "7", ProgramID: "abcp-ccp-ceu", ProgramName: "ABCP CCP", Date: "2026-12-31", Days: 7, Remaining: "45.00", Unit: "ceu"}})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("render: %v %v", msgs, err)
		}
		msgs[0].ID = "reminder.test@recert.example.org"
		if err := sender.Send(ctx, msgs[0]); err != nil {
			t.Fatal(err)
		}
		got := smtp.Wait(1)[0]
		if got.Subject != "7 days left to complete ABCP CCP" || !strings.Contains(got.Text, "45.00 CEUs still needed") || got.To[0] != "robin@example.org" {
			t.Errorf("reminder mail: %+v", got)
		}

		// Turned off: nothing more, whatever the date.
		if err := st.SetDeadlineReminders(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		now = end.AddDate(1, 0, 0)
		out.notices = nil
		if err := r.Scan(ctx); err != nil || len(out.notices) != 0 {
			t.Errorf("reminders after turning them off: %+v %v", out.notices, err)
		}
	})
}

// A registrant with an address hears of their meeting once, on the day before it starts
// where it takes place; nobody hears of a draft, and a member without an address is skipped.
func TestMeetingTomorrow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Island Society", Code: "ISL"}, "test")
		must(err)
		jo, err := st.CreateMember(ctx, recert.Member{Name: "Jo Kai", Email: "jo@example.org", ABCPID: "135791"}, org.ID, "test")
		must(err)
		quiet, err := st.CreateMember(ctx, recert.Member{Name: "No Address", ABCPID: "135792"}, org.ID, "test")
		must(err)
		event := func(title string, publish bool) recert.Event {
			t.Helper()
			day := recert.NewDate(2026, 10, 2)
			e, err := st.CreateEvent(ctx, recert.Event{OrganizationID: org.ID, Title: title, Format: "in_person", TimeZone: "Pacific/Honolulu",
				Location: "Queen's Medical Center", StartDate: day, EndDate: day, Category: "I", ApprovalRef: "ABCP-2026-" + title,
				Sessions: []recert.Session{{Title: "Pumps", Date: day, CEUs: 200}}}, "test")
			must(err)
			if publish {
				e, err = st.SetEventStatus(ctx, e.ID, recert.EventPublished, "test")
				must(err)
			}
			_, err = st.Register(ctx, e.ID, []string{jo.ID, quiet.ID}, "test")
			must(err)
			return e
		}
		meeting, _ := event("Fall", true), event("Draft", false)

		var now time.Time
		out := &recording{}
		lg, err := ledger.New(st, ledger.Config{})
		must(err)
		r := notify.NewReminders(st, lg.Standing, out, func() time.Time { return now })
		told := func(at time.Time) []ledger.Notice {
			t.Helper()
			now, out.notices = at, nil
			must(r.Scan(ctx))
			return out.notices
		}
		// 1 October, 20:00 UTC is 10:00 in Honolulu: the day before.
		if n := told(time.Date(2026, 9, 30, 20, 0, 0, 0, time.UTC)); len(n) != 0 {
			t.Errorf("two days before: %+v", n)
		}
		// 2 October, 09:00 UTC is still 1 October, 23:00, in Honolulu.
		n := told(time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC))
		if len(n) != 1 || n[0].Type != ledger.NoticeMeetingTomorrow || n[0].MemberID != jo.ID || n[0].EventID != meeting.ID {
			t.Fatalf("the day before, where the meeting is: %+v", n)
		}
		if n := told(time.Date(2026, 10, 2, 9, 30, 0, 0, time.UTC)); len(n) != 0 {
			t.Errorf("the scan again: %+v", n)
		}

		// The message carries the member's code.
		w := notify.NewWorker(st, nil, "https://recert.example.org").WithCheckInCodes(func(context.Context, string) ([]byte, error) {
			return []byte("png"), nil
		})
		msgs, err := w.Messages(ctx, n[0])
		if err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].Name != "check-in-code.png" ||
			!strings.Contains(msgs[0].Text, "Queen's Medical Center") || !strings.Contains(msgs[0].Text, "https://recert.example.org/app/checkin-card") {
			t.Errorf("the message: %+v %v", msgs, err)
		}
	})
}
