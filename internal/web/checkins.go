package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// checkInStore is what the event page reads of check-ins.
type checkInStore interface {
	CheckInsOf(ctx context.Context, eventID, sessionID, memberID string) ([]recert.CheckIn, error)
}

// checkInCounts is the event page's live count of check-ins, per session.
type checkInCounts struct {
	Policy   string // the presence rule in words; empty: check-ins are not credit
	Sessions []sessionCount
}

type sessionCount struct {
	Code, Title                string
	CheckedIn, CheckedOut, Now int // members who checked in, out, and are in (last scan in)
}

// checkIns counts each session's members checked in, out and in the room now; nil when the
// event has neither check-ins nor a presence rule.
func (p *Pages) checkIns(ctx context.Context, ev recert.Event) (*checkInCounts, error) {
	cs, err := p.store.CheckInsOf(ctx, ev.ID, "", "")
	if err != nil {
		return nil, err
	}
	rule := recert.PresenceRule{Policy: ev.CheckIn.Policy, SharePercent: ev.CheckIn.SharePercent}
	if len(cs) == 0 && rule.Policy == "" {
		return nil, nil
	}
	out := &checkInCounts{Policy: rule.Words()}
	for _, s := range ev.Sessions {
		in, outs, last := map[string]bool{}, map[string]bool{}, map[string]string{}
		for _, c := range cs { // in the order they happened
			if c.SessionID != s.ID || c.VoidedAt != nil {
				continue
			}
			if c.Direction == recert.CheckInDirectionIn {
				in[c.MemberID] = true
			} else {
				outs[c.MemberID] = true
			}
			last[c.MemberID] = c.Direction
		}
		n := sessionCount{Code: s.Code, Title: s.Title, CheckedIn: len(in), CheckedOut: len(outs)}
		for _, d := range last {
			if d == recert.CheckInDirectionIn {
				n.Now++
			}
		}
		out.Sessions = append(out.Sessions, n)
	}
	return out, nil
}

// convertPreview shows what converting the event's check-ins would credit, in the roster
// preview's table, each member's sessions not credited with the reason.
func (p *Pages) convertPreview(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	conv, err := p.presence.Convert(ctxOf(c), ledger.ConvertInput{EventID: ev.ID, DryRun: true, Actor: u.ID, Viewer: u.Scope()})
	if err != nil {
		return p.fail(c, err)
	}
	pv := &preview{Result: conv.Roster, Convert: true}
	rows, err := p.presenceRows(ctxOf(c), conv)
	if err != nil {
		return p.fail(c, err)
	}
	for _, r := range rows {
		pv.Rows = append(pv.Rows, r)
		switch r.Status {
		case ledger.RowCreated, ledger.RowUpdated:
			pv.Writes++
		case "":
			pv.Skipped++
		}
	}
	d, err := p.eventData(c, ev)
	if err != nil {
		return p.fail(c, err)
	}
	d.Preview = pv
	return p.render(c, http.StatusOK, "event", ev.Title, d)
}

// presenceRows is one preview row per member with presence: the roster row of those
// credited, and each session's presence and reason as the row's notes.
func (p *Pages) presenceRows(ctx context.Context, conv ledger.Conversion) ([]previewRow, error) {
	byMember := map[string]*previewRow{}
	var order []string
	for _, r := range conv.Roster.Rows {
		row := rowOf(r)
		row.Line = ""
		if r.Row.MemberID != "" {
			byMember[r.Row.MemberID] = &row
			order = append(order, r.Row.MemberID)
		}
	}
	for _, sp := range conv.Presence {
		row := byMember[sp.MemberID]
		if row == nil {
			row = &previewRow{Outcome: "Not credited", Sessions: "none", CEUs: "0.00"}
			byMember[sp.MemberID] = row
			order = append(order, sp.MemberID)
		}
		note := fmt.Sprintf("%s: %d min present, credited", sp.Code, sp.Seconds/60)
		if sp.Reason != "" {
			note = fmt.Sprintf("%s: %d min present, not credited (%s)", sp.Code, sp.Seconds/60, reasonWords[sp.Reason])
		}
		row.Warnings = append(row.Warnings, note)
	}
	out := make([]previewRow, 0, len(order))
	for _, id := range order {
		row := byMember[id]
		if row.Name == "" {
			m, err := p.store.Member(ctx, id)
			if err != nil {
				return nil, err
			}
			row.Name = m.Name
		}
		if row.Member == "" {
			row.Member = "—"
		}
		out = append(out, *row)
	}
	sort.SliceStable(out, func(i, j int) bool { return recert.Fold(out[i].Name) < recert.Fold(out[j].Name) })
	for i := range out {
		out[i].Line = fmt.Sprint(i + 1)
	}
	return out, nil
}

var reasonWords = map[string]string{
	recert.ReasonBelowThreshold: "presence below the event's threshold",
	recert.ReasonOutsideWindow:  "checked in outside the session's window",
	recert.ReasonConcurrent:     "an overlapping session with more time present counts instead",
	recert.ReasonNoCheckOut:     "checked in but never out",
}

// convertCheckIns posts what the preview showed: converting again changes nothing, so a
// second click is harmless.
func (p *Pages) convertCheckIns(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	if _, err := p.presence.Convert(ctxOf(c), ledger.ConvertInput{EventID: ev.ID, Actor: u.ID, Viewer: u.Scope()}); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"?done=converted#attendance")
}

// presenceWords are a member's check-ins at an event, each as "S1 in 09:02 (scan)", in the
// event's time zone, voided ones said so: what a dispute about converted credit rests on.
func (p *Pages) presenceWords(ctx context.Context, ev recert.Event, memberID string) ([]string, error) {
	cs, err := p.store.CheckInsOf(ctx, ev.ID, "", memberID)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	codes := map[string]string{}
	for _, s := range ev.Sessions {
		codes[s.ID] = s.Code
	}
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		w := fmt.Sprintf("%s %s %s (%s)", codes[c.SessionID], c.Direction, c.At().In(loc).Format("Jan 2 15:04"), c.Method)
		if c.VoidedAt != nil {
			w += ", voided: " + c.VoidReason
		}
		out = append(out, w)
	}
	return out, nil
}
