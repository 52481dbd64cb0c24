package ledger

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/roster"
)

// PresenceStore is the storage virtual attendance and conversion need.
type PresenceStore interface {
	Event(ctx context.Context, id string) (recert.Event, error)
	FindMembers(ctx context.Context, abcpIDs, emails, ids []string) ([]MemberRef, error)
	// ActiveCheckIns returns the event's check-ins that are not voided.
	ActiveCheckIns(ctx context.Context, eventID string) ([]recert.CheckIn, error)
	AddParticipantIntervals(ctx context.Context, in []recert.ParticipantInterval) error
	EventParticipantIntervals(ctx context.Context, eventID, memberID string) ([]recert.ParticipantInterval, error)
}

// Presence imports virtual sessions' participants reports and turns an event's presence
// (check-ins and reports) into credit through the roster workflow. Callers check the caller
// manages the event.
type Presence struct {
	store   PresenceStore
	rosters *Rosters
	now     func() time.Time
}

// NewPresence returns the presence use cases; rosters posts what convert credits.
func NewPresence(store PresenceStore, rosters *Rosters, now func() time.Time) *Presence {
	return &Presence{store: store, rosters: rosters, now: now}
}

// ImportedReport is what became of a participants report.
type ImportedReport struct {
	ReportID  string
	SessionID string
	Matched   []ReportPerson
	Unmatched []ReportPerson
	Warnings  []string
}

// ReportPerson is one person of a report, with the minutes they were present in the
// session's scheduled time (overlaps counted once).
type ReportPerson struct {
	Email, Name string
	MemberID    string
	Seconds     int64
}

// ImportParticipants reads a session's participants report (Zoom's export, or email,join,leave)
// in the event's time zone, matches each person to a member by email and keeps every line.
func (x *Presence) ImportParticipants(ctx context.Context, eventID, session string, raw []byte, actor string) (ImportedReport, error) {
	ev, err := x.store.Event(ctx, eventID)
	if err != nil {
		return ImportedReport{}, err
	}
	s, ok := ev.SessionByRef(session)
	if !ok {
		return ImportedReport{}, recert.Errorf(recert.ENOTFOUND, "%s is not a session of this event; its sessions are %s", recert.Quote(session), ev.SessionCodes())
	}
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		return ImportedReport{}, err
	}
	people, warnings, err := roster.ReadParticipants(raw, loc)
	if err != nil {
		return ImportedReport{}, recert.Wrap(err, recert.EINVALID, "the participants report could not be read: "+err.Error())
	}
	emails := make([]string, 0, len(people))
	for _, p := range people {
		emails = append(emails, recert.NormalizeEmail(p.Email))
	}
	found, err := x.store.FindMembers(ctx, nil, uniq(emails), nil)
	if err != nil {
		return ImportedReport{}, err
	}
	byEmail := map[string]string{}
	for _, m := range found {
		byEmail[recert.NormalizeEmail(m.Email)] = m.ID
	}
	start, end := sessionTimes(ev, s, loc)
	out := ImportedReport{ReportID: recert.NewID(recert.PrefixParticipantReport), SessionID: s.ID, Warnings: warnings,
		Matched: []ReportPerson{}, Unmatched: []ReportPerson{}}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	now := x.now().UTC().Truncate(time.Microsecond)
	var lines []recert.ParticipantInterval
	for _, p := range people {
		id := byEmail[recert.NormalizeEmail(p.Email)]
		person := ReportPerson{Email: p.Email, Name: p.Name, MemberID: id, Seconds: recert.PresentSeconds(p.Intervals, start, end)}
		if id == "" {
			out.Unmatched = append(out.Unmatched, person)
		} else {
			out.Matched = append(out.Matched, person)
		}
		for _, iv := range p.Intervals {
			lines = append(lines, recert.ParticipantInterval{ReportID: out.ReportID, EventID: ev.ID, SessionID: s.ID, MemberID: id,
				Email: p.Email, Name: p.Name, Interval: iv, ImportedAt: now, ImportedBy: actor})
		}
	}
	return out, x.store.AddParticipantIntervals(ctx, lines)
}

// sessionTimes are a session's scheduled start and end in loc.
func sessionTimes(ev recert.Event, s recert.Session, loc *time.Location) (time.Time, time.Time) {
	return clock(s.Date, s.StartTime, loc, false), clock(s.Date, s.EndTime, loc, true)
}

// checkInWindow is when check-ins count for a session: its window, else its own times, else
// its whole day, in the event's time zone.
func checkInWindow(s recert.Session, loc *time.Location) (from, until time.Time) {
	from, until = clock(s.Date, s.StartTime, loc, false), clock(s.Date, s.EndTime, loc, true)
	if s.CheckInFrom != "" {
		from = clock(s.Date, s.CheckInFrom, loc, false)
	}
	if s.CheckInUntil != "" {
		until = clock(s.Date, s.CheckInUntil, loc, true)
	}
	return from, until
}

// clock is HH:MM on day d in loc; an empty time is the day's start, or its end when end.
func clock(d recert.Date, hhmm string, loc *time.Location, end bool) time.Time {
	day := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, loc)
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		if end {
			return day.AddDate(0, 0, 1)
		}
		return day
	}
	return day.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute)
}

// ConvertInput asks for an event's presence to be turned into credit.
type ConvertInput struct {
	EventID string
	DryRun  bool
	Actor   string
	Viewer  recert.Scope
}

// SessionPresence is what one member's presence in one session earns, and its evidence.
type SessionPresence struct {
	MemberID  string
	SessionID string
	Code      string
	Seconds   int64
	CEUs      recert.Units
	Reason    string // empty when credited
	CheckIns  []string
	Reports   []string
}

// Conversion is the outcome of a convert: the presence found and the roster it posted.
type Conversion struct {
	Rule     recert.PresenceRule
	Presence []SessionPresence
	Roster   RosterResult
}

// Convert works out each member's presence in each session from the check-ins (an in and
// the next out, both within the session's check-in window) and the participants reports,
// applies the event's presence rule, keeps one of overlapping sessions, and posts what that
// credits as a roster: its idempotency, kept decisions, history and notices are the roster's,
// so converting again changes nothing.
func (x *Presence) Convert(ctx context.Context, in ConvertInput) (Conversion, error) {
	ev, err := x.store.Event(ctx, in.EventID)
	if err != nil {
		return Conversion{}, err
	}
	rule := recert.PresenceRule{Policy: ev.CheckIn.Policy, SharePercent: ev.CheckIn.SharePercent}
	if ev.CheckIn.Policy == "" {
		return Conversion{}, recert.Errorf(recert.ECONFLICT, "event %s has no presence policy, so its check-ins are not credit: "+
			"choose one (check_in.presence_policy) first", ev.ID)
	}
	if err := rule.Validate(); err != nil {
		return Conversion{}, recert.Wrap(err, recert.ECONFLICT, err.Error())
	}
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		return Conversion{}, err
	}
	checkIns, err := x.store.ActiveCheckIns(ctx, ev.ID)
	if err != nil {
		return Conversion{}, err
	}
	virtual, err := x.store.EventParticipantIntervals(ctx, ev.ID, "")
	if err != nil {
		return Conversion{}, err
	}
	conv := Conversion{Rule: rule}
	var rows []recert.RosterRow
	doorOf, virtualOf := map[string][]recert.CheckIn{}, map[string][]recert.ParticipantInterval{}
	for _, c := range checkIns {
		doorOf[c.MemberID] = append(doorOf[c.MemberID], c)
	}
	for _, v := range virtual {
		virtualOf[v.MemberID] = append(virtualOf[v.MemberID], v)
	}
	for _, memberID := range presentMembers(checkIns, virtual) {
		outcomes := memberPresence(ev, loc, rule, memberID, doorOf[memberID], virtualOf[memberID])
		conv.Presence = append(conv.Presence, outcomes...)
		if row, ok := presenceRow(ev, memberID, outcomes); ok {
			row.Index = len(rows)
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		conv.Roster = RosterResult{EventID: ev.ID, Rows: []RowResult{}, Warnings: []string{}, Ignored: []string{}, NotListed: []NotListed{}, Totals: map[string]int{}}
		return conv, nil
	}
	conv.Roster, err = x.rosters.Post(ctx, RosterInput{EventID: ev.ID, Rows: rows, DryRun: in.DryRun, Actor: in.Actor, Viewer: in.Viewer,
		Reason: "converted from check-ins: " + rule.Words()})
	return conv, err
}

// presentMembers lists, in order, the members with any evidence of presence.
func presentMembers(checkIns []recert.CheckIn, virtual []recert.ParticipantInterval) []string {
	var ids []string
	for _, c := range checkIns {
		ids = append(ids, c.MemberID)
	}
	for _, v := range virtual {
		if v.MemberID != "" {
			ids = append(ids, v.MemberID)
		}
	}
	return uniq(ids)
}

// memberPresence is one member's outcome in each session they have evidence for, from their
// check-ins and report lines.
func memberPresence(ev recert.Event, loc *time.Location, rule recert.PresenceRule, memberID string,
	checkIns []recert.CheckIn, virtual []recert.ParticipantInterval) []SessionPresence {
	var sessions []recert.SessionPresence
	var out []SessionPresence
	for _, s := range ev.Sessions {
		start, end := sessionTimes(ev, s, loc)
		from, until := checkInWindow(s, loc)
		sp := recert.SessionPresence{Code: s.Code, Start: start, End: end, CEUs: s.CEUs}
		ev := SessionPresence{MemberID: memberID, SessionID: s.ID, Code: s.Code, CheckIns: []string{}, Reports: []string{}}
		var mine []recert.CheckIn
		for _, c := range checkIns {
			if c.MemberID == memberID && c.SessionID == s.ID {
				mine = append(mine, c)
				ev.CheckIns = append(ev.CheckIns, c.ID)
			}
		}
		for _, v := range virtual {
			if v.MemberID == memberID && v.SessionID == s.ID {
				sp.Intervals = append(sp.Intervals, v.Interval)
				if !slices.Contains(ev.Reports, v.ReportID) {
					ev.Reports = append(ev.Reports, v.ReportID)
				}
			}
		}
		if len(mine) == 0 && len(sp.Intervals) == 0 {
			continue
		}
		door, checkedIn := pairCheckIns(mine, from, until)
		sp.Intervals, sp.CheckedIn = append(sp.Intervals, door...), checkedIn
		sessions = append(sessions, sp)
		out = append(out, ev)
	}
	outcomes := make([]recert.PresenceOutcome, len(sessions))
	for i, sp := range sessions {
		outcomes[i] = recert.PresenceCredit(rule, sp)
	}
	recert.ResolveConcurrent(sessions, outcomes)
	for i, o := range outcomes {
		out[i].Seconds, out[i].CEUs, out[i].Reason = o.Seconds, o.Units, o.Reason
	}
	return out
}

// pairCheckIns turns check-ins within [from, until] into intervals: each in to the next out.
// An in with no out after it is presence not measured; checkedIn says an in was found.
func pairCheckIns(cs []recert.CheckIn, from, until time.Time) (intervals []recert.Interval, checkedIn bool) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].At().Before(cs[j].At()) })
	var open *time.Time
	for _, c := range cs {
		at := c.At()
		if at.Before(from) || at.After(until) {
			continue
		}
		switch c.Direction {
		case recert.CheckInDirectionIn:
			checkedIn = true
			if open == nil {
				open = &at
			}
		case recert.CheckInDirectionOut:
			if open != nil {
				intervals = append(intervals, recert.Interval{Start: *open, End: at})
				open = nil
			}
		}
	}
	return intervals, checkedIn
}

// presenceRow is the roster row of a member's credited sessions; false when none is.
func presenceRow(ev recert.Event, memberID string, outcomes []SessionPresence) (recert.RosterRow, bool) {
	row := recert.RosterRow{MemberID: memberID, Earned: map[string]recert.Units{}}
	for _, o := range outcomes {
		if o.Reason != "" {
			continue
		}
		row.Sessions = append(row.Sessions, o.SessionID)
		row.Earned[o.SessionID] = o.CEUs
	}
	return row, len(row.Sessions) > 0
}
