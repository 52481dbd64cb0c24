package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/notify"
	"github.com/recert-dev/recert/internal/notify/mailtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// Every kind of message renders from the records it names and reaches a real SMTP server,
// in plain text and HTML, addressed to whom it concerns.
func TestEveryKindThroughSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Heart Society", Code: "HS"}, "test")
		must(err)
		_, err = st.CreateUser(ctx, recert.User{Email: "coord@example.org", Name: "Casey Coord", Role: recert.RoleOrganizer, OrganizationIDs: []string{org.ID}}, "x", "test")
		must(err)
		m, err := st.CreateMember(ctx, recert.Member{Name: "Jo Member", Email: "jo@example.org", ABCPID: "135790"}, org.ID, "test")
		must(err)
		u, err := st.CreateUser(ctx, recert.User{Email: "jo@example.org", Name: "Jo Member", Role: recert.RoleMember, MemberID: m.ID}, "x", "test")
		must(err)
		e, err := st.CreateEvent(ctx, recert.Event{OrganizationID: org.ID, Title: "Fall Symposium", Format: "in_person", TimeZone: "America/Chicago",
			StartDate: recert.NewDate(2026, 10, 2), EndDate: recert.NewDate(2026, 10, 2), Category: "I", ApprovalRef: "ABCP-2026-1002",
			Sessions: []recert.Session{{Title: "Pumps", Date: recert.NewDate(2026, 10, 2), CEUs: 200}}}, "test")
		must(err)
		e, err = st.SetEventStatus(ctx, e.ID, recert.EventPublished, "test")
		must(err)
		res, err := ledger.NewRosters(st, nil).Post(ctx, ledger.RosterInput{EventID: e.ID, Actor: "test", Viewer: recert.AllOrganizations(),
			Rows: []recert.RosterRow{{ABCPID: m.ABCPID}}})
		must(err)
		attID := res.Rows[0].AttendanceID
		d, err := st.CreateDispute(ctx, recert.Dispute{EventID: e.ID, MemberID: m.ID, Kind: "wrong", AttendanceID: attID, Message: "I stayed for all of it"}, "test")
		must(err)
		_, err = st.ResolveDispute(ctx, d.ID, "rejected", "the sign-out sheet says otherwise", attID, "test")
		must(err)
		a, err := st.CreateActivity(ctx, recert.Activity{MemberID: m.ID, Type: "publication", Date: recert.NewDate(2026, 2, 1),
			CEUs: 500, Category: "I", Title: "Case report", DocumentationStatus: "none"}, "test")
		must(err)
		_, err = st.UpdateActivity(ctx, a.ID, recert.ReviewRejected, "no copy attached", "test", func(a *recert.Activity) error {
			a.ReviewStatus, a.ReviewReason = recert.ReviewRejected, "no copy attached"
			return nil
		})
		must(err)
		wh, err := st.CreateWebhook(ctx, recert.Webhook{OrganizationID: org.ID, URL: "https://hooks.example.org/x", EventTypes: []string{"attendance.posted"},
			Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "test")
		must(err)

		cases := []struct {
			n                notify.NoticeArgs
			to, subject, say string
		}{
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeAttendanceCorrected, MemberID: m.ID, EventID: e.ID, AttendanceID: attID, Reason: "left at noon"}},
				"jo@example.org", "Your attendance at Fall Symposium was corrected", "left at noon"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeAttendanceRevoked, MemberID: m.ID, EventID: e.ID, AttendanceID: attID, Reason: "not registered"}},
				"jo@example.org", "Your attendance at Fall Symposium was revoked", "not registered"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeDisputeFiled, MemberID: m.ID, EventID: e.ID, DisputeID: d.ID}},
				"coord@example.org", "Jo Member disputes their attendance at Fall Symposium", "I stayed for all of it"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeDisputeDecided, MemberID: m.ID, EventID: e.ID, DisputeID: d.ID}},
				"jo@example.org", "Your dispute about Fall Symposium was rejected", "the sign-out sheet says otherwise"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeActivityReviewed, MemberID: m.ID, ActivityID: a.ID}},
				"jo@example.org", `Your activity "Case report" was rejected`, "no copy attached"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeClaimInvitation, MemberID: m.ID, Token: "rcc_secret"}},
				"jo@example.org", "Your continuing-education record is waiting for you", "/app/claim?token=rcc_secret"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticePasswordReset, UserID: u.ID, Token: "rcp_secret"}},
				"jo@example.org", "Reset your Recert password", "/app/reset?token=rcp_secret"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeEmailChange, UserID: u.ID, Email: "jo@hospital.example.org", Token: "rce_secret"}},
				"jo@hospital.example.org", "Confirm your new Recert e-mail address", "/app/email?token=rce_secret"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeEmailChanged, UserID: u.ID, Email: "jo@example.org"}},
				"jo@example.org", "Your Recert e-mail address was changed", "no longer signs in"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeDeadlineReminder, MemberID: m.ID, UserID: u.ID, Reminder: &ledger.Reminder{
				Threshold: "report", ProgramID: "abcp-ccp-ceu", ProgramName: "ABCP CCP", Date: "2027-01-15", Days: 14}}},
				"jo@example.org", "Your ABCP CCP report is due on 15 January 2027", "in 14 days"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeMeetingTomorrow, MemberID: m.ID, EventID: e.ID}},
				"jo@example.org", "Fall Symposium is tomorrow: your check-in code", "starts tomorrow, 2 October 2026"},
			{notify.NoticeArgs{Notice: ledger.Notice{Type: ledger.NoticeWebhookDisabled, OrganizationID: org.ID, WebhookID: wh.ID}},
				"coord@example.org", "A webhook subscription was disabled", wh.ID},
		}
		smtp := mailtest.Start(t)
		sender, err := notify.NewSMTP(smtp.URL, "Recert <ce@example.org>")
		must(err)
		w := notify.NewWorker(st, sender, "https://recert.example.org")
		for i, c := range cases {
			msgs, err := w.Messages(ctx, c.n.Notice)
			if err != nil || len(msgs) != 1 {
				t.Fatalf("%s: %v %v", c.n.Type, msgs, err)
			}
			// Links open pages people can act on (or, for organizers' webhooks, the API's documentation).
			if m := msgs[0]; strings.Contains(m.Text+m.HTML, "/v1/") ||
				!strings.Contains(m.Text, "https://recert.example.org/app/") && !strings.Contains(m.Text, "https://recert.example.org/docs") {
				t.Errorf("%s: links %s", c.n.Type, m.Text)
			}
			msgs[0].ID = fmt.Sprintf("%s.%d@recert.example.org", c.n.Type, i)
			must(sender.Send(ctx, msgs[0]))
			got := smtp.Wait(i + 1)[i]
			if got.To[0] != c.to || got.Subject != c.subject || got.MessageID != msgs[0].ID ||
				!strings.Contains(got.Text, c.say) || !strings.Contains(got.HTML, c.say) {
				t.Errorf("%s: got to %v, subject %q, id %q, text %q, html %q", c.n.Type, got.To, got.Subject, got.MessageID, got.Text, got.HTML)
			}
		}

	})
}
