package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/recert-dev/recert/internal/recert"
)

// EventStore is the storage events need.
type EventStore interface {
	Organization(ctx context.Context, id string) (recert.Organization, error)
	CreateEvent(ctx context.Context, e recert.Event, actor string) (recert.Event, error)
	UpdateEvent(ctx context.Context, id string, ifVersion int, actor string, change func(*recert.Event) error) (recert.Event, error)
	SetEventStatus(ctx context.Context, id, to, actor string) (recert.Event, error)
}

// Events creates, changes and publishes events. Callers check the caller may manage the
// event's organization.
type Events struct{ store EventStore }

// NewEvents returns the events use case over store.
func NewEvents(store EventStore) *Events { return &Events{store: store} }

// Create stores a draft event for the organization, once it passes CheckEvent.
func (x *Events) Create(ctx context.Context, orgID string, e recert.Event, actor string) (recert.Event, error) {
	if _, err := x.store.Organization(ctx, orgID); err != nil {
		return recert.Event{}, err
	}
	if err := CheckEvent(&e); err != nil {
		return recert.Event{}, err
	}
	e.OrganizationID = orgID
	return x.store.CreateEvent(ctx, e, actor)
}

// Update replaces an event's details and sessions (version 0: whatever the version), keeping
// its id, organization, status and audit.
func (x *Events) Update(ctx context.Context, id string, version int, in recert.Event, actor string) (recert.Event, error) {
	if err := CheckEvent(&in); err != nil {
		return recert.Event{}, err
	}
	return x.store.UpdateEvent(ctx, id, version, actor, func(e *recert.Event) error {
		in.ID, in.OrganizationID, in.Status, in.Version, in.Audit = e.ID, e.OrganizationID, e.Status, e.Version, e.Audit
		*e = in
		return nil
	})
}

// SetStatus publishes or cancels an event.
func (x *Events) SetStatus(ctx context.Context, id, to, actor string) (recert.Event, error) {
	return x.store.SetEventStatus(ctx, id, to, actor)
}

// categories are ABCP's, and none ("" is the event's, or for an event, chosen from its approval).
var categories = []string{"", "I", "II", "III", "none"}

// EventFormats are the ways an event is held.
var EventFormats = []string{"in_person", "live_webinar", "self_directed", "simulation"}

// CheckEvent checks an event as entered and fills in its category: dates in order, sessions
// within the event's dates with CEUs above zero (an amount that did not parse is zero), a
// known time zone. The API's contract also states the lengths and formats checked first.
// Every problem is reported at once, each field's once.
func CheckEvent(e *recert.Event) error {
	var p Problems
	checkEventFields(e, &p)
	inOrder := !e.EndDate.Time().Before(e.StartDate.Time())
	for i, s := range e.Sessions {
		at := fmt.Sprintf("#/sessions/%d/", i)
		if s.Title == "" {
			p.Add(at+"title", "give the session a title")
		} else if utf8.RuneCountInString(s.Title) > 300 {
			p.Add(at+"title", "at most 300 characters")
		}
		if s.CEUs <= 0 {
			p.Add(at+"ceus", "give the CEUs, more than zero, such as 1.5")
		}
		// With the event's own dates out of order, its end_date problem is the one to fix.
		if inOrder && (s.Date.Time().Before(e.StartDate.Time()) || s.Date.Time().After(e.EndDate.Time())) {
			p.Add(at+"date", "outside the event's dates")
		}
		if !slices.Contains(categories, s.Category) {
			p.Add(at+"category", "I, II or III")
		}
		if e.CheckIn.Policy != "" {
			checkSessionTimes(s, at, &p)
		}
	}
	checkCheckInRules(e, &p)
	return p.Err()
}

// checkCheckInRules refuses a presence rule that cannot be applied, so an event never turns
// check-ins into credit on a guessed default.
func checkCheckInRules(e *recert.Event, p *Problems) {
	r := e.CheckIn
	if r.Policy == "" {
		if r.SharePercent != 0 {
			p.Add("#/check_in/presence_policy", "choose share_of_scheduled to give a share")
		}
		return
	}
	if r.Policy != recert.PresenceShare {
		e.CheckIn.SharePercent = 0
	}
	if err := (recert.PresenceRule{Policy: r.Policy, SharePercent: r.SharePercent}).Validate(); err != nil {
		field := "#/check_in/presence_share_percent"
		if r.Policy != recert.PresenceShare {
			field = "#/check_in/presence_policy"
		}
		p.Add(field, err.Error())
	}
}

// checkSessionTimes: presence is measured against a session's scheduled times and its
// check-in window, so an event with a presence policy needs them.
func checkSessionTimes(s recert.Session, at string, p *Problems) {
	if s.StartTime == "" {
		p.Add(at+"start_time", "give the start time: presence is measured against it")
	}
	if s.EndTime == "" {
		p.Add(at+"end_time", "give the end time: presence is measured against it")
	}
	if s.StartTime != "" && s.EndTime != "" && s.EndTime <= s.StartTime {
		p.Add(at+"end_time", "ends before it starts")
	}
	if s.CheckInFrom != "" && s.CheckInUntil != "" && s.CheckInUntil <= s.CheckInFrom {
		p.Add(at+"check_in_until", "the check-in window ends before it starts")
	}
}

// checkEventFields checks the event's own fields, and fills in its category.
func checkEventFields(e *recert.Event, p *Problems) {
	if e.Title == "" {
		p.Add("#/title", "give the event a title")
	} else if utf8.RuneCountInString(e.Title) > 300 {
		p.Add("#/title", "at most 300 characters")
	}
	if !slices.Contains(EventFormats, e.Format) {
		p.Add("#/format", "one of "+strings.Join(EventFormats, ", "))
	}
	if !slices.Contains(categories, e.Category) {
		p.Add("#/category", "I, II or III")
	}
	if len(e.Sessions) > 200 {
		p.Add("#/sessions", "at most 200 sessions")
	}
	for _, f := range []struct {
		pointer, value string
		max            int
	}{{"#/location", e.Location, 300}, {"#/description", e.Description, 10000}, {"#/approval_ref", e.ApprovalRef, 64}, {"#/time_zone", e.TimeZone, 64}} {
		if utf8.RuneCountInString(f.value) > f.max {
			p.Add(f.pointer, fmt.Sprintf("at most %d characters", f.max))
		}
	}
	if e.Category == "none" {
		p.Add("#/category", "ABCP counts a meeting it did not approve as Category II; name the body that approved it in approved_by")
	}
	if e.Category == "" {
		// ABCP approval makes a meeting Category I; without it, Category II.
		e.Category = "II"
		if e.ApprovalRef != "" {
			e.Category = "I"
		}
	}
	if _, err := time.LoadLocation(e.TimeZone); err != nil || !strings.Contains(e.TimeZone, "/") && e.TimeZone != "UTC" {
		p.Add("#/time_zone", "not an IANA time zone such as America/Chicago")
	}
	if e.EndDate.Time().Before(e.StartDate.Time()) {
		p.Add("#/end_date", "ends before it starts")
	}
}
