package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/roster"
)

// eventsPage is one page of the events list, and the cursor of the next.
type eventsPage struct {
	Events  []recert.Event
	Tallies map[string]recert.EventTally
	Show    string // upcoming, past, draft, or "" for all
	Next    string
}

// eventFilters narrow the organizer's list of events: by the day, or drafts.
var eventFilters = map[string]func(f *recert.EventFilter, today recert.Date){
	"upcoming": func(f *recert.EventFilter, today recert.Date) { f.From = today },
	"past": func(f *recert.EventFilter, today recert.Date) {
		f.To = recert.DateOf(today.Time().AddDate(0, 0, -1))
	},
	"draft": func(f *recert.EventFilter, _ recert.Date) { f.Statuses = []string{recert.EventDraft} },
}

// eventsPerPage is how many events one page of the list shows.
const eventsPerPage = 50

// events lists the events of the organizer's organizations (every event, for administrators),
// a page at a time (?after= the cursor of the page before).
func (p *Pages) events(c echo.Context) error {
	u, _ := p.user(c)
	f := recert.EventFilter{Page: recert.Page{Limit: eventsPerPage, After: c.QueryParam("after")}, Scope: u.Scope(), NewestFirst: true}
	show := c.QueryParam("show")
	narrow, ok := eventFilters[show]
	if ok {
		narrow(&f, recert.DateOf(p.now()))
	} else {
		show = ""
	}
	if f.Scope.None() {
		return p.render(c, http.StatusOK, "events", "Your events", eventsPage{Show: show})
	}
	list, next, err := p.store.Events(ctxOf(c), f)
	if err != nil {
		return p.fail(c, err)
	}
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	tallies, err := p.store.EventTallies(ctxOf(c), ids)
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "events", "Your events", eventsPage{Events: list, Tallies: tallies, Show: show, Next: next})
}

// managedEvent is the event of the path, when the user organizes it (or administers the
// service).
func (p *Pages) managedEvent(c echo.Context) (recert.Event, recert.User, error) {
	return p.managed(c, c.Param("event_id"))
}

// managed is the event, when the user organizes it (or administers the service); another
// organization's event is not found, as in the API.
func (p *Pages) managed(c echo.Context, eventID string) (recert.Event, recert.User, error) {
	u, _ := p.user(c)
	ev, err := p.store.Event(ctxOf(c), eventID)
	if err != nil {
		return ev, u, err
	}
	if !u.Scope().Sees(ev.OrganizationID) {
		return ev, u, recert.Errorf(recert.ENOTFOUND, "no such event")
	}
	return ev, u, nil
}

// attendee is one attendance row of the event page.
type attendee struct {
	recert.Attendance
	Name, ABCPID, Sessions, CEUs string
	Attended                     map[string]bool // by session id, for the correction form
}

type eventData struct {
	Event     recert.Event
	Attendees []attendee // the page shown: by name, matching Query, 50 at most
	Preview   *preview
	Postings  []recert.RosterPosting // newest first
	Skipped   *skipped               // after a confirmation, the rows it did not post
	CheckIns  *checkInCounts         // nil: the event takes no check-ins
	// Query narrows the attendance to names or ABCP IDs containing it; Shown of Matching are
	// on the page, and Prev and Next link the pages around it.
	Query           string
	Shown, Matching int
	Prev, Next      string
}

// attendeesPerPage is how many attendees the event page lists at once.
const attendeesPerPage = 50

// pageAttendees sorts the attendees by name, keeps those matching q (name or ABCP ID, folded)
// and cuts the page'th page (from 0).
func (d *eventData) pageAttendees(q string, page int) {
	d.Query = q
	slices.SortStableFunc(d.Attendees, func(a, b attendee) int { return strings.Compare(recert.Fold(a.Name), recert.Fold(b.Name)) })
	if f := recert.Fold(q); f != "" {
		d.Attendees = slices.DeleteFunc(d.Attendees, func(a attendee) bool {
			return !strings.Contains(recert.Fold(a.Name), f) && !strings.Contains(a.ABCPID, f)
		})
	}
	d.Matching = len(d.Attendees)
	page = max(0, min(page, (d.Matching-1)/attendeesPerPage))
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/app/events/" + d.Event.ID + "?" + v.Encode()
	}
	if page > 0 {
		d.Prev = link(page - 1)
	}
	if (page+1)*attendeesPerPage < d.Matching {
		d.Next = link(page + 1)
	}
	d.Attendees = d.Attendees[min(page*attendeesPerPage, d.Matching):min((page+1)*attendeesPerPage, d.Matching)]
	d.Shown = len(d.Attendees)
}

// event shows an event's sessions, its attendance with revoke, and the roster upload.
func (p *Pages) event(c echo.Context) error {
	ev, _, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	d, err := p.eventData(c, ev)
	if err != nil {
		return p.fail(c, err)
	}
	return p.render(c, http.StatusOK, "event", ev.Title, d)
}

func (p *Pages) eventData(c echo.Context, ev recert.Event) (eventData, error) {
	ctx := ctxOf(c)
	names, err := p.store.EventAttendees(ctx, ev.ID)
	if err != nil {
		return eventData{}, err
	}
	codes := map[string]string{}
	for _, s := range ev.Sessions {
		codes[s.ID] = s.Code
	}
	d := eventData{Event: ev}
	if d.Postings, err = p.rosters.Postings(ctx, ev.ID); err != nil {
		return d, err
	}
	if d.CheckIns, err = p.checkIns(ctx, ev); err != nil {
		return d, err
	}
	for pg := (recert.Page{Limit: 200}); ; {
		list, next, err := p.store.EventAttendance(ctx, ev.ID, pg)
		if err != nil {
			return d, err
		}
		for _, a := range list {
			var ss []string
			attended := map[string]bool{}
			for _, s := range a.Sessions {
				ss = append(ss, codes[s.SessionID])
				attended[s.SessionID] = true
			}
			m := names[a.ID] // keyed by attendance
			d.Attendees = append(d.Attendees, attendee{Attendance: a, Name: m.Name, ABCPID: m.ABCPID,
				Sessions: strings.Join(ss, ", "), CEUs: a.Total().String(), Attended: attended})
		}
		if next == "" {
			page, _ := strconv.Atoi(c.QueryParam("page"))
			d.pageAttendees(strings.TrimSpace(c.QueryParam("q")), page)
			return d, nil
		}
		pg.After = next
	}
}

// rosterTemplate downloads the event's roster template, as the API serves it.
func (p *Pages) rosterTemplate(c echo.Context) error {
	ev, _, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="roster-template.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", roster.Template(ev))
}

// attendanceCSV downloads the event's attendance, as the API exports it.
func (p *Pages) attendanceCSV(c echo.Context) error {
	ev, _, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	ctx := ctxOf(c)
	held, err := p.store.HeldAttendance(ctx, ev.ID)
	if err != nil {
		return p.fail(c, err)
	}
	who, err := p.store.EventAttendees(ctx, ev.ID)
	if err != nil {
		return p.fail(c, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="attendance.csv"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", ledger.AttendanceCSV(ev, held, who))
}

// preview is a roster's dry run and what confirming it needs.
type preview struct {
	Result  ledger.RosterResult
	Rows    []previewRow
	Raw     string // the roster, base64, posted again on confirm
	Key     string // the confirmation's idempotency key: a second click posts nothing twice
	Writes  int
	Skipped int
	// AllSessions: the organizer chose to credit every session to rows that name none; the
	// confirmation posts with the same choice.
	AllSessions bool
	// Convert: the preview is of the event's check-ins converted to credit, not of a file.
	Convert bool
}

// previewRow is one line of the preview table.
type previewRow struct {
	Line, Name, Member, Outcome, Changes string
	Sessions, CEUs                       string // what the row credits, for rows that post or stay
	Warnings, Errors                     []string
	Status                               string
}

// rosterPreview reads an uploaded or pasted roster and shows what posting it would do.
func (p *Pages) rosterPreview(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	raw, err := rosterBytes(c)
	if err != nil {
		return p.fail(c, err)
	}
	all := c.FormValue("all_sessions") == "true"
	res, err := p.postRoster(ctxOf(c), ev, u, raw, all, true)
	if err != nil {
		return p.fail(c, err)
	}
	if len(res.Rows) == 0 {
		return p.fail(c, recert.Errorf(recert.EBADREQUEST, "the roster has no rows under its heading line"))
	}
	var key [16]byte
	_, _ = rand.Read(key[:])
	pv := &preview{Result: res, Raw: base64.StdEncoding.EncodeToString(raw), Key: hex.EncodeToString(key[:]), AllSessions: all}
	for _, r := range res.Rows {
		pv.Rows = append(pv.Rows, rowOf(r))
		if r.Status == ledger.RowRejected {
			pv.Skipped++
		} else if r.Status == ledger.RowCreated || r.Status == ledger.RowUpdated {
			pv.Writes++
		}
	}
	d, err := p.eventData(c, ev)
	if err != nil {
		return p.fail(c, err)
	}
	d.Preview = pv
	return p.render(c, http.StatusOK, "event", ev.Title, d)
}

// rosterConfirm posts the previewed roster: its valid rows, once.
func (p *Pages) rosterConfirm(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	raw, err := base64.StdEncoding.DecodeString(c.FormValue("roster"))
	if err != nil || len(raw) == 0 {
		return p.fail(c, recert.Errorf(recert.EBADREQUEST, "the roster to confirm is missing; upload it again"))
	}
	all := c.FormValue("all_sessions") == "true"
	var key *ledger.IdempotencyKey
	if k := c.FormValue("key"); k != "" {
		sum := sha256.Sum256(append([]byte(fmt.Sprintf("%s\x00%t\x00", ev.ID, all)), raw...))
		key = &ledger.IdempotencyKey{Principal: u.ID, Key: "app-roster-" + k, RequestHash: hex.EncodeToString(sum[:])}
	}
	var skip *skipped // nil when the confirmation is a repeat, which posts nothing
	_, err = p.idem.Do(ctxOf(c), key, func(ctx context.Context) (ledger.Response, error) {
		res, err := p.postRoster(ctx, ev, u, raw, all, false)
		if err != nil {
			return ledger.Response{}, err
		}
		skip = skippedOf(res, raw, all)
		body, err := json.Marshal(res.Totals)
		return ledger.Response{Status: http.StatusOK, Body: body}, err
	})
	if err != nil {
		return p.fail(c, err)
	}
	if skip != nil {
		// The skipped rows stay on the page, with their reasons, rather than vanish behind a redirect.
		d, err := p.eventData(c, ev)
		if err != nil {
			return p.fail(c, err)
		}
		d.Skipped = skip
		c.Set(flashKey, flashes["posted"])
		return p.render(c, http.StatusOK, "event", ev.Title, d)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+ev.ID+"?done=posted#attendance")
}

// rosterBytes is the uploaded file, or else the pasted rows.
func rosterBytes(c echo.Context) ([]byte, error) {
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return nil, recert.Wrap(err, recert.EBADREQUEST, "the file could not be read")
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	pasted := strings.TrimSpace(c.FormValue("rows"))
	if pasted == "" {
		return nil, recert.Errorf(recert.EBADREQUEST, "choose a CSV file or paste the roster's rows")
	}
	return []byte(pasted + "\n"), nil
}

// postRoster reads the roster as the API does (ledger.CSVRoster) and hands it to the ledger:
// a dry run, or the valid rows written; all credits every session to rows that name none.
func (p *Pages) postRoster(ctx context.Context, ev recert.Event, u recert.User, raw []byte, all, dryRun bool) (ledger.RosterResult, error) {
	in, err := ledger.CSVRoster(raw)
	if err != nil {
		return ledger.RosterResult{}, err
	}
	in.EventID, in.Actor, in.Partial, in.DryRun, in.AllSessions = ev.ID, u.ID, true, dryRun, all
	in.Viewer = u.Scope()
	return p.rosters.Post(ctx, in)
}

func rowOf(r ledger.RowResult) previewRow {
	out := previewRow{Line: r.Row.Where(), Name: r.Row.Name, Outcome: outcomeWords[r.Status], Status: r.Status, Warnings: r.Warnings}
	if out.Name == "" {
		out.Name = cmpOr(r.Row.Email, r.Row.ABCPID)
	}
	if r.Reason != "" && r.Status != ledger.RowRejected { // a rejection's reason is its first error
		out.Outcome += ": " + r.Reason
	}
	if c := r.Credit; c != nil {
		out.Sessions, out.CEUs = listOr(c.Sessions), c.CEUs.String()
		if len(c.Sessions) == 0 {
			out.Sessions = "none (CEUs awarded)"
		}
	}
	switch m := r.Member; {
	case m == nil:
		out.Member = "—"
	case m.Created:
		out.Member = "new member record"
	case m.Name != "":
		out.Member = m.Name + " (by " + matchWords[m.MatchedBy] + ")"
	default:
		out.Member = "a member of another organization (by " + matchWords[m.MatchedBy] + ")"
	}
	if ch := r.Changes; ch != nil {
		var parts []string
		if ch.Sessions {
			parts = append(parts, "sessions "+listOr(ch.SessionsBefore)+" → "+listOr(ch.SessionsAfter))
		}
		if ch.CEUs {
			parts = append(parts, "CEUs "+ch.CEUsBefore.String()+" → "+ch.CEUsAfter.String())
		}
		if ch.Revoked {
			parts = append(parts, map[bool]string{true: "revoked", false: "restored"}[ch.RevokedAfter])
		}
		out.Changes = strings.Join(parts, "; ")
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, strings.TrimPrefix(e.Detail, r.Row.Where()+": "))
	}
	return out
}

var outcomeWords = map[string]string{
	ledger.RowCreated: "New attendance", ledger.RowUpdated: "Update", ledger.RowUnchanged: "Unchanged",
	ledger.RowKept: "Kept as decided", ledger.RowRejected: "Skipped",
}

var matchWords = map[string]string{"abcp_id": "ABCP ID", "email": "email", "member_id": "member id", "": "—"}

func listOr(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// revoke revokes one attendance of an event the user organizes, and tells the member, as
// the API does.
func (p *Pages) revoke(c echo.Context) error {
	a, u, err := p.managedAttendance(c)
	if err != nil {
		return p.fail(c, err)
	}
	if _, err := p.attend.Revoke(ctxOf(c), a.ID, strings.TrimSpace(c.FormValue("reason")), u.ID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/app/events/"+a.EventID+"?done=revoked#attendance")
}

// managedAttendance is the attendance of the path, at an event the user organizes.
func (p *Pages) managedAttendance(c echo.Context) (recert.Attendance, recert.User, error) {
	a, err := p.store.Attendance(ctxOf(c), c.Param("attendance_id"))
	if err != nil {
		return a, recert.User{}, err
	}
	_, u, err := p.managed(c, a.EventID)
	return a, u, err
}
