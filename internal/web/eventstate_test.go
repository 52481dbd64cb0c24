package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestWithdrawPostingAndCancelFromThePages: an organizer withdraws a roster posting from the
// event page (a reason is required), which revokes what it credited, and cancels the event
// behind a confirmation, through the API's use cases.
func TestWithdrawPostingAndCancelFromThePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		var postings []recert.RosterPosting
		file, err := os.ReadFile(messyRoster)
		if err != nil {
			t.Fatal(err)
		}
		b.confirmRoster(w.event.ID, file)
		_, body := b.get("/app/events/" + w.event.ID)
		m := regexp.MustCompile(`action="(/app/events/[^"]+/postings/[^"]+/withdraw)"`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "Cancel the event…") {
			t.Fatalf("the event page offers no withdrawal or cancellation:\n%s", body)
		}
		if res, body := b.post(m[1], url.Values{"reason": {""}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "say why") {
			t.Errorf("without a reason: %d\n%s", res.StatusCode, body)
		}
		if res, body := b.post(m[1], url.Values{"reason": {"posted to the wrong event"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%s", res.StatusCode, body)
		}
		postings, err = st.Postings(t.Context(), w.event.ID)
		if err != nil || len(postings) != 1 || postings[0].WithdrawnAt.IsZero() || postings[0].WithdrawReason != "posted to the wrong event" {
			t.Fatalf("postings: %+v %v", postings, err)
		}
		as, _, err := st.EventAttendance(t.Context(), w.event.ID, recert.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if !a.Revoked {
				t.Errorf("attendance %s still counts after the withdrawal", a.ID)
			}
		}
		if res, _ := b.post("/app/events/"+w.event.ID+"/cancel", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.StatusCode)
		}
		if ev, err := st.Event(t.Context(), w.event.ID); err != nil || ev.Status != recert.EventCancelled {
			t.Errorf("status after cancelling: %q %v", ev.Status, err)
		}
		// Another organization's organizer cannot.
		w.env.CreateUser(t, recert.User{Email: "other@example.org", Name: "Otto Other", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.otherOrg.ID}})
		o := w.browser(t)
		o.signIn("other@example.org")
		if res, _ := o.post(m[1], url.Values{"reason": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another organization's organizer withdrew: %d", res.StatusCode)
		}
	})
}

// TestAttendanceFindAndPages: the event page lists attendance by name, 50 at a time, and
// finds an attendee by name or ABCP ID.
func TestAttendanceFindAndPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		var rows []recert.RosterRow
		for i := range 60 {
			rows = append(rows, recert.RosterRow{Index: i, Line: i + 2, Email: fmt.Sprintf("m%02d@example.org", i), Name: fmt.Sprintf("Zed %02d", 59-i)})
		}
		if _, err := ledger.NewRosters(st, nil).Post(t.Context(), ledger.RosterInput{EventID: w.event.ID, Rows: rows, AllSessions: true,
			Actor: "test", Viewer: recert.AllOrganizations()}); err != nil {
			t.Fatal(err)
		}
		b := w.browser(t)
		b.signIn(w.organizer)
		_, body := b.get("/app/events/" + w.event.ID)
		if !strings.Contains(body, "50 of 60 attendance record(s)") || !strings.Contains(body, "Next 50") {
			t.Fatalf("first page:\n%s", body)
		}
		if strings.Index(body, "Zed 00") > strings.Index(body, "Zed 01") || strings.Contains(body, "Zed 55") {
			t.Error("the first page is not the first 50 by name")
		}
		if _, body = b.get("/app/events/" + w.event.ID + "?page=1"); !strings.Contains(body, "10 of 60") || !strings.Contains(body, "Zed 59") {
			t.Errorf("second page:\n%s", body)
		}
		if _, body = b.get("/app/events/" + w.event.ID + "?q=zed+07"); !strings.Contains(body, "1 of 1 attendance record(s) matching") {
			t.Errorf("search:\n%s", body)
		}
		if _, body = b.get("/app/events/" + w.event.ID + "?q=nobody"); !strings.Contains(body, "No attendee matches") {
			t.Errorf("search for nobody:\n%s", body)
		}
	})
}

// TestEventsListNewestFirstWithFilters: the organizer's events, newest first, each with its
// attendees and open disputes, narrowed to upcoming, past or drafts.
func TestEventsListNewestFirstWithFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.futureEvent(t, "Winter Symposium", false)
		w.futureEvent(t, "Spring Draft", true)
		b := w.browser(t)
		b.signIn(w.organizer)
		file, err := os.ReadFile(messyRoster)
		if err != nil {
			t.Fatal(err)
		}
		b.confirmRoster(w.event.ID, file)
		_, body := b.get("/app/events")
		winter, fall := strings.Index(body, "Winter Symposium"), strings.Index(body, w.event.Title)
		if winter < 0 || fall < 0 || winter > fall {
			t.Errorf("not newest first (winter at %d, fall at %d)", winter, fall)
		}
		if !regexp.MustCompile(`[1-9]\d* attendee\(s\)`).MatchString(body) {
			t.Errorf("no attendee count:\n%s", body)
		}
		_, body = b.get("/app/events?show=draft")
		if !strings.Contains(body, "Spring Draft") || strings.Contains(body, "Winter Symposium") || strings.Contains(body, w.event.Title) {
			t.Errorf("drafts:\n%s", body)
		}
		_, body = b.get("/app/events?show=upcoming")
		if !strings.Contains(body, "Winter Symposium") {
			t.Errorf("upcoming:\n%s", body)
		}
	})
}
