package httpapi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// RotateCalendarFeed gives the caller's member record a new secret calendar address.
func (s *Server) RotateCalendarFeed(ctx context.Context, _ api.RotateCalendarFeedRequestObject) (api.RotateCalendarFeedResponseObject, error) {
	p := principalFrom(ctx)
	if p.MemberID == "" {
		return nil, forbidden("only a member has a deadline calendar")
	}
	plain, err := s.registry.RotateCalendarFeed(ctx, p.MemberID)
	if err != nil {
		return nil, err
	}
	return api.RotateCalendarFeed200JSONResponse{URL: s.publicURL + "/v1/calendars/" + plain}, nil
}

// GetCalendarFeed answers the iCalendar feed of the member whose secret address this is.
func (s *Server) GetCalendarFeed(ctx context.Context, req api.GetCalendarFeedRequestObject) (api.GetCalendarFeedResponseObject, error) {
	memberID, err := s.store.CalendarMember(ctx, auth.HashSecret(req.CalendarToken))
	if err != nil {
		return nil, err
	}
	now := s.now()
	viewer := recert.Principal{Role: recert.RoleMember, MemberID: memberID}
	periods, err := s.standing.Periods(ctx, memberID, viewer, now)
	if err != nil {
		return nil, err
	}
	body := icalendar(memberID, periods, now)
	return api.GetCalendarFeed200TextCalendarResponse{Body: strings.NewReader(body), ContentLength: int64(len(body))}, nil
}

// icalendar writes the deadlines of the periods still ahead as an RFC 5545 calendar: the
// last day to earn credit and the day the report is due, both all-day events on the dates the
// program's time zone gives them (a report due at 23:59 in Los Angeles is due on that day, not
// on the next day in UTC), the report's summary naming the hour.
func icalendar(memberID string, periods []ledger.PeriodStatus, now time.Time) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s) + "\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Recert//CE deadlines//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:CE deadlines")
	line("REFRESH-INTERVAL;VALUE=DURATION:PT12H")
	stamp := now.UTC().Format("20060102T150405Z")
	today := recert.DateOf(now)
	for _, p := range periods {
		need := stillNeeded(p)
		uid := fmt.Sprintf("%s-%s-%s", memberID, p.ProgramID, p.End)
		if !p.End.Before(today) {
			line("BEGIN:VEVENT")
			line("UID:" + uid + "-end@recert")
			line("DTSTAMP:" + stamp)
			line("DTSTART;VALUE=DATE:" + strings.ReplaceAll(p.End.String(), "-", ""))
			line("DTEND;VALUE=DATE:" + strings.ReplaceAll(p.End.AddDays(1).String(), "-", ""))
			line("SUMMARY:" + escape("Last day to earn CE: "+p.ProgramName))
			line("DESCRIPTION:" + escape(need))
			line("TRANSP:TRANSPARENT")
			line("END:VEVENT")
		}
		if !p.Deadline.IsZero() && p.Deadline.After(now) {
			line("BEGIN:VEVENT")
			line("UID:" + uid + "-report@recert")
			line("DTSTAMP:" + stamp)
			due := recert.DateOf(p.Deadline) // the deadline's own zone: the program's
			line("DTSTART;VALUE=DATE:" + strings.ReplaceAll(due.String(), "-", ""))
			line("DTEND;VALUE=DATE:" + strings.ReplaceAll(due.AddDays(1).String(), "-", ""))
			line("SUMMARY:" + escape("Report due: "+p.ProgramName+", due "+hourWords(p.Deadline)))
			line("DESCRIPTION:" + escape(need))
			line("TRANSP:TRANSPARENT")
			line("END:VEVENT")
		}
	}
	line("END:VCALENDAR")
	return b.String()
}

// stillNeeded says in words what a period still needs.
func stillNeeded(p ledger.PeriodStatus) string {
	period := fmt.Sprintf("%s: period %s to %s", p.ProgramName, p.Start, p.End)
	switch {
	case p.Status == "complete":
		return period + ". Complete: nothing more is needed."
	case p.Remaining > 0:
		return fmt.Sprintf("%s. Still needed: %s %s (of %s); see your progress for categories and topics.", period, p.Remaining, unitName(progress.Unit(p.Unit)), p.Required)
	default:
		return period + ". Status: " + strings.ReplaceAll(p.Status, "_", " ") + "; see your progress for what is still needed."
	}
}

// zoneWords names the US time zones of the programs as people say them.
var zoneWords = map[string]string{
	"America/Los_Angeles": "Pacific", "America/Denver": "Mountain", "America/Phoenix": "Mountain",
	"America/Chicago": "Central", "America/New_York": "Eastern",
}

// hourWords writes a deadline's hour as people read it: "11:59 PM Pacific".
func hourWords(t time.Time) string {
	zone, ok := zoneWords[t.Location().String()]
	if !ok {
		zone, _ = t.Zone()
	}
	return t.Format("3:04 PM") + " " + zone
}

// escape protects text values (RFC 5545 3.3.11).
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// fold splits lines longer than 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence.
func fold(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	return b.String()
}
