package ledger_test

import (
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

func TestCheckEvent(t *testing.T) {
	d := recert.Date{Year: 2026, Month: 11, Day: 3}
	good := func() recert.Event {
		return recert.Event{Title: "Fall Meeting", Format: "in_person", TimeZone: "America/Chicago", StartDate: d, EndDate: d,
			Sessions: []recert.Session{{Title: "Cannulation", Date: d, CEUs: 100}}}
	}
	e := good()
	if err := ledger.CheckEvent(&e); err != nil || e.Category != "II" {
		t.Fatalf("a meeting without approval: %v, category %q, want II", err, e.Category)
	}
	e = good()
	e.ApprovalRef = "ABCP-1"
	if err := ledger.CheckEvent(&e); err != nil || e.Category != "I" {
		t.Fatalf("an approved meeting: %v, category %q, want I", err, e.Category)
	}
	for _, c := range []struct {
		name   string
		change func(*recert.Event)
		says   string
	}{
		{"no title", func(e *recert.Event) { e.Title = "" }, "title:"},
		{"an unknown format", func(e *recert.Event) { e.Format = "podcast" }, "format:"},
		{"category none", func(e *recert.Event) { e.Category = "none" }, "approved_by"},
		{"a made-up time zone", func(e *recert.Event) { e.TimeZone = "Mars/Olympus" }, "time_zone:"},
		{"an abbreviation", func(e *recert.Event) { e.TimeZone = "EST" }, "time_zone:"},
		{"ends before it starts", func(e *recert.Event) { e.EndDate = recert.Date{Year: 2026, Month: 11, Day: 2} }, "end_date:"},
		{"no CEUs", func(e *recert.Event) { e.Sessions[0].CEUs = 0 }, "sessions/0/ceus:"},
		{"a session after the event", func(e *recert.Event) { e.Sessions[0].Date = recert.Date{Year: 2026, Month: 11, Day: 4} }, "sessions/0/date:"},
		{"a session without a title", func(e *recert.Event) { e.Sessions[0].Title = "" }, "sessions/0/title:"},
		{"a session of category IV", func(e *recert.Event) { e.Sessions[0].Category = "IV" }, "sessions/0/category:"},
		{"a long location", func(e *recert.Event) { e.Location = strings.Repeat("é", 301) }, "location:"},
	} {
		e := good()
		c.change(&e)
		err := ledger.CheckEvent(&e)
		if recert.ErrorCode(err) != recert.EINVALID || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want EINVALID saying %q", c.name, err, c.says)
		}
	}
}
