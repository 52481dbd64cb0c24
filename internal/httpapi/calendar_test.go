package httpapi_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// A member's deadlines are a calendar at a secret address, which a real iCalendar parser
// reads; asking for a new address ends the old one.
func TestCalendarFeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := t.Context()
		if _, err := st.UpdateMember(ctx, w.member.ID, 0, "test", func(m *recert.Member) error {
			m.CertificationDate, m.ABCPCycle = recert.NewDate(2021, 5, 10), 1
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, caller := range []string{"organizer A", "client with scope"} {
			if res, _ := env.Client.RotateCalendarFeedWithResponse(ctx, w.as(caller)); res.StatusCode() != http.StatusForbidden {
				t.Errorf("%s got a calendar: %d %s", caller, res.StatusCode(), res.Body)
			}
		}
		first, _ := env.Client.RotateCalendarFeedWithResponse(ctx, w.as("member"))
		if first.JSON200 == nil || !strings.Contains(first.JSON200.URL, "/v1/calendars/rcf_") {
			t.Fatalf("calendar address: %s", first.Body)
		}
		path := first.JSON200.URL[strings.Index(first.JSON200.URL, "/v1/"):]
		res, err := env.HTTP.Get(env.URL + path)
		if err != nil || res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/calendar" {
			t.Fatalf("feed: %v %+v", err, res)
		}
		raw, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		cal, err := ics.ParseCalendar(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, raw)
		}
		var ends, reports int
		for _, e := range cal.Events() {
			summary := e.GetProperty(ics.ComponentPropertySummary).Value
			desc := e.GetProperty(ics.ComponentPropertyDescription).Value
			if _, err := e.GetStartAt(); err != nil && !strings.HasPrefix(summary, "Last day") {
				t.Errorf("%s: start %v", summary, err)
			}
			switch {
			case strings.HasPrefix(summary, "Last day to earn CE: "):
				ends++
			case strings.HasPrefix(summary, "Report due: "):
				reports++
			default:
				t.Errorf("unexpected event %q", summary)
			}
			if !strings.Contains(desc, "Still needed") && !strings.Contains(desc, "Complete") && !strings.Contains(desc, "Status") {
				t.Errorf("%s does not say what is needed: %q", summary, desc)
			}
		}
		if ends == 0 || reports == 0 {
			t.Fatalf("%d period ends and %d report dates in\n%s", ends, reports, raw)
		}
		if !strings.Contains(string(raw), "Still needed: ") {
			t.Errorf("no event says what is still needed:\n%s", raw)
		}
		// ABCP's report is due 31 July at 11:59 PM in Los Angeles: an all-day event on 31 July,
		// not 1 August in UTC, naming the hour; no internal unit anywhere.
		unfolded := strings.ReplaceAll(string(raw), "\r\n ", "")
		if !regexp.MustCompile(`DTSTART;VALUE=DATE:\d{4}0731\r\nDTEND;VALUE=DATE:\d{4}0801\r\nSUMMARY:Report due: ABCP[^\r]*due 11:59 PM Pacific`).MatchString(unfolded) {
			t.Errorf("ABCP's report date as people read it:\n%s", unfolded)
		}
		if regexp.MustCompile(`DTSTART:\d{8}T`).MatchString(unfolded) || strings.Contains(unfolded, "ceu50") || strings.Contains(unfolded, "hour60") {
			t.Errorf("a report date in UTC or an internal unit:\n%s", unfolded)
		}

		second, _ := env.Client.RotateCalendarFeedWithResponse(ctx, w.as("member"))
		if second.JSON200 == nil || second.JSON200.URL == first.JSON200.URL {
			t.Fatalf("rotate: %s", second.Body)
		}
		if old, _ := env.HTTP.Get(env.URL + path); old.StatusCode != http.StatusNotFound {
			t.Errorf("the old address still answers: %d", old.StatusCode)
		}
	})
}
