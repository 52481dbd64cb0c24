package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// plan is a roster on its way from rows to writes.
type plan struct {
	ev        recert.Event
	in        RosterInput
	grid      []int // per Extra column: the index of its session in ev.Sessions, or -1
	creditAll bool  // a row that names no session is credited every session (see allSessions)
	index     *recert.SessionIndex
	ignored   []string
	rows      []*rowPlan
	held      []Held
	visible   map[string]bool
}

// rowPlan is one row: its result so far and what it asks for.
type rowPlan struct {
	res    RowResult
	want   recert.Attendance
	member *MemberRef // matched; nil when one is to be created
	have   *Held
	source string // of an update
}

func (p *rowPlan) rejected() bool { return p.res.Status == RowRejected }

func (p *rowPlan) reject(field, detail string) {
	p.res.Status = RowRejected
	p.res.Errors = append(p.res.Errors, p.res.Row.Field(field, detail))
	if p.res.Reason == "" {
		p.res.Reason = detail
	}
}

func (p *rowPlan) warn(format string, args ...any) {
	p.res.Warnings = append(p.res.Warnings, fmt.Sprintf(format, args...))
}

// newPlan reads the grid's columns and checks each row against the event.
func newPlan(ev recert.Event, in RosterInput) *plan {
	p := &plan{ev: ev, in: in, grid: make([]int, len(in.Extra)), rows: make([]*rowPlan, 0, len(in.Rows)), index: ev.Index()}
	for i, h := range in.Extra {
		p.grid[i] = -1
		if s, ok := ev.SessionByRef(h); ok {
			p.grid[i] = slices.IndexFunc(ev.Sessions, func(x recert.Session) bool { return x.ID == s.ID })
		} else {
			p.ignored = append(p.ignored, h)
		}
	}
	p.creditAll = p.allSessions()
	for _, row := range in.Rows {
		rp := &rowPlan{res: RowResult{Row: row, Warnings: []string{}}}
		p.rows = append(p.rows, rp)
		if bad := in.Invalid[row.Index]; len(bad) > 0 {
			rp.res.Status, rp.res.Errors = RowRejected, bad
			rp.res.Reason = strings.TrimPrefix(bad[0].Detail, row.Where()+": ")
			continue
		}
		p.checkSessions(rp)
	}
	return p
}

// hasGrid reports whether any column of the file is a session.
func (p *plan) hasGrid() bool {
	return slices.ContainsFunc(p.grid, func(i int) bool { return i >= 0 })
}

// allSessions decides whether a row that names no session (outside a grid) is credited every
// session. Credit
// enters only for what the source names, so only when someone said so: the organizer
// (all_sessions=true), the person deciding a dispute, or an event with one session posted
// with a roster that has no way to name sessions (no sessions column or grid; in JSON, no row
// with sessions), where there is nothing else the row could mean.
func (p *plan) allSessions() bool {
	switch {
	case p.in.AllSessions || p.in.Dispute != "":
		return true
	case len(p.ev.Sessions) != 1:
		return false
	case p.in.Layout.CSV:
		return p.in.Layout.SessionsColumn == "" && !p.hasGrid()
	}
	return !slices.ContainsFunc(p.in.Rows, func(r recert.RosterRow) bool { return len(r.Sessions) > 0 })
}

// layoutProblem refuses a CSV roster, whole, when it cannot say what anyone attended (no
// sessions column, grid or ceus column) or when a column it would ignore lists sessions.
func (p *plan) layoutProblem() error {
	l := p.in.Layout
	if l.CSV && l.SessionsColumn == "" && !l.CEUsColumn && !p.hasGrid() && !p.creditAll {
		return recert.Errorf(recert.EINVALID, "the roster names no sessions, so it would credit nothing: "+
			"add a sessions column listing the sessions each person attended (codes or titles, such as %s), "+
			"or one column per session marked x (the event's roster template), "+
			"or choose to credit every session to every row (all_sessions=true)", p.ev.SessionCodes())
	}
	return p.sessionsIgnored()
}

// A column the roster would ignore is taken for a list of sessions when at least
// listShare of its filled cells name sessions of the event wholly, and at least listCells of
// them do: a "Notes" cell or two reading "S1" is not a list.
const (
	listShare = 0.8
	listCells = 3
)

// sessionsIgnored refuses a roster with an ignored column that lists sessions: its credit
// would be silently dropped, or it is a list that is not attendance ("Sessions Registered").
func (p *plan) sessionsIgnored() error {
	for i, col := range p.grid {
		if col >= 0 {
			continue
		}
		filled, named := 0, 0
		for _, r := range p.in.Rows {
			if i >= len(r.Marks) || r.Marks[i] == "" {
				continue
			}
			filled++
			if ss, unknown := p.index.Refs(r.Marks[i]); len(ss) > 0 && len(unknown) == 0 {
				named++
			}
		}
		if named >= listCells && float64(named) >= listShare*float64(filled) {
			h := recert.Quote(p.in.Extra[i])
			return recert.Errorf(recert.EINVALID, "column %s lists sessions of this event (%d of its %d filled cells) but is not read as attendance: "+
				"if it lists the sessions each person attended, head it \"Sessions Attended\"; if not (registration is not attendance), remove it", h, named, filled)
		}
	}
	return nil
}

// checkSessions works out the credit a row asks for, from its sessions cell, its grid
// marks or its CEUs.
func (p *plan) checkSessions(rp *rowPlan) {
	row := rp.res.Row
	var ids []string
	for _, ref := range row.Sessions {
		ss, unknown := p.index.Refs(ref)
		for _, s := range ss {
			ids = append(ids, s.ID)
		}
		for _, u := range unknown {
			rp.reject("sessions", p.index.Unknown(u))
		}
	}
	marked := p.readMarks(rp, &ids)
	if rp.rejected() {
		return
	}
	switch {
	case marked && len(row.Sessions) > 0:
		rp.reject("sessions", "name the sessions either in the sessions column or with marks in the session columns, not both")
		return
	case len(ids) == 0 && row.CEUs == nil && (!p.creditAll || p.hasGrid() && p.in.Dispute == ""):
		// A grid says for each session whether the person attended: an unmarked row attended
		// none, whatever all_sessions says.
		rp.reject(p.noSession())
		return
	}
	sessions, awarded, field, detail := p.ev.Credit(ids, row.CEUs)
	if detail != "" {
		rp.reject(field, detail)
		return
	}
	for i, s := range sessions {
		if u, ok := row.Earned[s.SessionID]; ok && u < s.CEUs {
			sessions[i].CEUs = u
		}
	}
	rp.want = recert.Attendance{EventID: p.ev.ID, Sessions: sessions, CEUsAwarded: awarded}
}

// readMarks adds to ids the sessions the row's grid cells mark attended, rejecting marks that
// cannot be read; it reports whether any cell marked a session.
func (p *plan) readMarks(rp *rowPlan, ids *[]string) (marked bool) {
	for i, cell := range rp.res.Row.Marks {
		if cell == "" {
			continue
		}
		attended, ok := recert.Mark(cell)
		col := p.in.Extra[i]
		switch {
		case p.grid[i] < 0 && ok && attended:
			rp.reject(col, fmt.Sprintf("column %s names no session of this event but marks attendance (%s); its sessions are %s",
				recert.Quote(col), recert.Quote(cell), p.ev.SessionCodes()))
		case p.grid[i] < 0:
			// an ignored column's own data, such as a badge number
		case !ok:
			rp.reject(col, fmt.Sprintf("%s under session %s is not a mark: use x (or yes, 1) for attended, and leave it blank otherwise",
				recert.Quote(cell), col))
		case attended:
			marked = true
			*ids = append(*ids, p.ev.Sessions[p.grid[i]].ID)
		}
	}
	return marked
}

// noSession is the problem of a row that names no session, in the words of its layout.
func (p *plan) noSession() (field, detail string) {
	const all = "; or credit every session to rows that name none (all_sessions=true)"
	switch l := p.in.Layout; {
	case p.hasGrid(): // an unmarked row in a grid is a person who attended none
		return "sessions", "marks no session: put x under each session attended"
	case l.SessionsColumn != "":
		return "sessions", fmt.Sprintf("names no session: list the sessions attended in column %s (codes or titles, such as %s)%s",
			recert.Quote(l.SessionsColumn), p.ev.SessionCodes(), all)
	case l.CSV:
		return "ceus", "awards no CEUs and names no session: give the CEUs awarded" + all
	}
	return "sessions", fmt.Sprintf("names no session: list the sessions attended in `sessions` (ids, codes or titles, such as %s), or give `ceus`%s",
		p.ev.SessionCodes(), all)
}

// match finds the member of every row and applies the identity rules: a row's identifiers
// name one person, or the row is rejected; an attendee is on one row only.
func (p *plan) match(ctx context.Context, store RosterStore) error {
	var abcps, emails, ids []string
	for _, rp := range p.rows {
		if rp.rejected() {
			continue
		}
		r := rp.res.Row
		if r.ABCPID != "" {
			abcps = append(abcps, r.ABCPID)
		}
		if r.Email != "" {
			emails = append(emails, recert.NormalizeEmail(r.Email))
		}
		if r.MemberID != "" {
			ids = append(ids, r.MemberID)
		}
	}
	found, err := store.FindMembers(ctx, uniq(abcps), uniq(emails), uniq(ids))
	if err != nil {
		return err
	}
	byABCP, byEmail, byID := map[string]*MemberRef{}, map[string]*MemberRef{}, map[string]*MemberRef{}
	for i := range found {
		m := &found[i]
		byID[m.ID] = m
		if m.ABCPID != "" {
			byABCP[m.ABCPID] = m
		}
		if e := recert.NormalizeEmail(m.Email); e != "" && byEmail[e] == nil {
			byEmail[e] = m
		}
	}
	if err := p.loadVisible(ctx, store, found); err != nil {
		return err
	}
	seen := make(map[string]*recert.RosterRow, 2*len(p.rows))
	for _, rp := range p.rows {
		if rp.rejected() || !p.identify(rp, byABCP, byEmail, byID) {
			continue
		}
		p.dedupe(rp, seen)
	}
	return nil
}

func (p *plan) loadVisible(ctx context.Context, store RosterStore, found []MemberRef) error {
	p.visible = map[string]bool{}
	ids := make([]string, len(found))
	for i, m := range found {
		ids[i] = m.ID
	}
	if len(ids) == 0 {
		return nil
	}
	v, err := store.RelatedMembers(ctx, p.in.Viewer, ids)
	p.visible = v
	return err
}

// who names a member for the viewer: their name if the viewer may see them.
func (p *plan) who(m *MemberRef) string {
	if p.visible[m.ID] {
		return m.Name
	}
	return "another member"
}

// identify sets the row's member; false when the row is rejected.
func (p *plan) identify(rp *rowPlan, byABCP, byEmail, byID map[string]*MemberRef) bool {
	r := rp.res.Row
	email := recert.NormalizeEmail(r.Email)
	var a, e *MemberRef
	if r.ABCPID != "" {
		a = byABCP[r.ABCPID]
	}
	if email != "" {
		e = byEmail[email]
	}
	via := ""
	switch {
	case r.MemberID != "":
		rp.member, via = byID[r.MemberID], "member_id"
		if rp.member == nil {
			rp.reject("member_id", "no such member")
			return false
		}
	case a != nil && e != nil && a.ID != e.ID:
		rp.reject("email", fmt.Sprintf("ABCP ID %s is %s's; %s belongs to another member", r.ABCPID, p.who(a), r.Email))
		return false
	case a != nil:
		rp.member, via = a, "abcp_id"
		if email != "" && e == nil && a.Email != "" {
			rp.warn("%s is not the email on the member's record; the row was matched by ABCP ID", r.Email)
		}
	case e != nil && r.ABCPID != "" && e.ABCPID != "":
		rp.reject("abcp_id", fmt.Sprintf("no member has ABCP ID %s, and %s belongs to %s, whose ABCP ID is different", r.ABCPID, r.Email, p.who(e)))
		return false
	case e != nil:
		rp.member, via = e, "email"
		if r.ABCPID != "" {
			rp.res.ProposedABCPID = r.ABCPID
			rp.warn("the member's record has no ABCP ID; %s is proposed, not written: the member or an administrator sets it", r.ABCPID)
		}
	case r.Name == "":
		rp.reject("name", "no member has this ABCP ID or email; give a name to create one")
		return false
	default:
		rp.res.Member = &RowMember{Name: r.Name, Created: true}
		return true
	}
	m := rp.member
	rp.res.Member = &RowMember{MatchedBy: via}
	if p.visible[m.ID] {
		rp.res.Member.ID, rp.res.Member.Name = m.ID, m.Name
	}
	if r.Name != "" && recert.Fold(r.Name) != recert.Fold(m.Name) {
		if p.visible[m.ID] {
			rp.warn("the roster's name %s differs from the member's record (%s)", recert.Quote(r.Name), m.Name)
		} else {
			rp.warn("the roster's name %s differs from the name on the member's record", recert.Quote(r.Name))
		}
	}
	return true
}

// dedupe rejects a row whose attendee an earlier row already named.
func (p *plan) dedupe(rp *rowPlan, seen map[string]*recert.RosterRow) {
	r := &rp.res.Row
	var keys []string
	if rp.member != nil {
		keys = []string{"m:" + rp.member.ID}
	} else {
		if r.ABCPID != "" {
			keys = append(keys, "a:"+r.ABCPID)
		}
		if r.Email != "" {
			keys = append(keys, "e:"+recert.NormalizeEmail(r.Email))
		}
	}
	for _, k := range keys {
		if first, ok := seen[k]; ok {
			field := map[byte]string{'a': "abcp_id", 'e': "email"}[k[0]]
			if field == "" {
				field = rp.res.Member.MatchedBy
			}
			rp.reject(field, "same attendee as "+first.Where())
			rp.res.Member = nil
			return
		}
	}
	for _, k := range keys {
		seen[k] = r
	}
}

// compare decides each matched row's outcome against the attendance on file, and lists
// the attendees the roster leaves out.
func (p *plan) compare(ctx context.Context, store RosterStore) error {
	held, err := store.HeldAttendance(ctx, p.ev.ID)
	if err != nil {
		return err
	}
	p.held = held
	byMember := map[string]*Held{}
	for i := range held {
		byMember[held[i].MemberID] = &held[i]
	}
	for _, rp := range p.rows {
		if rp.rejected() {
			continue
		}
		if rp.member == nil {
			rp.res.Status = RowCreated
			continue
		}
		p.decide(rp, byMember[rp.member.ID])
	}
	return nil
}

// decide sets the outcome of a row whose member is known.
func (p *plan) decide(rp *rowPlan, h *Held) {
	rp.have = h
	rp.want.MemberID = rp.member.ID
	switch {
	case h == nil:
		rp.res.Status = RowCreated
		return
	case recert.SameCredit(h.Attendance, rp.want):
		rp.res.Status, rp.res.AttendanceID = RowUnchanged, h.ID
		return
	}
	rp.res.AttendanceID = h.ID
	decided := recert.IsDecision(h.Last.Source)
	if decided && !p.in.Override && p.in.Dispute == "" {
		rp.res.Status, rp.res.Reason = RowKept, describeDecision(h.Last)
		return
	}
	rp.res.Status, rp.source = RowUpdated, recert.SourceRoster
	switch {
	case p.in.Dispute != "":
		rp.source = recert.SourceDispute
	case decided:
		rp.source = recert.SourceOverride
		rp.warn("overrides the attendance %s", strings.TrimSuffix(describeDecision(h.Last), "; the roster does not undo it (override=true would)"))
	}
	rp.res.Changes = p.changes(h.Attendance, rp.want)
}

// changes describes the step from before to after in session codes and CEUs.
func (p *plan) changes(before, after recert.Attendance) *AttendanceChanges {
	c := &AttendanceChanges{
		SessionsBefore: p.codes(before.Sessions), SessionsAfter: p.codes(after.Sessions),
		CEUsBefore: before.Total(), CEUsAfter: after.Total(), RevokedBefore: before.Revoked, RevokedAfter: after.Revoked,
	}
	c.Sessions = !slices.Equal(c.SessionsBefore, c.SessionsAfter)
	c.CEUs = c.CEUsBefore != c.CEUsAfter
	c.Revoked = c.RevokedBefore != c.RevokedAfter
	return c
}

func (p *plan) codes(sessions []recert.SessionCredit) []string {
	out := []string{}
	for _, s := range sessions {
		i := slices.IndexFunc(p.ev.Sessions, func(x recert.Session) bool { return x.ID == s.SessionID })
		if i >= 0 {
			out = append(out, p.ev.Sessions[i].Code)
		}
	}
	return out
}

// rejection is the error of a roster with rejected rows, listing every rejected row's
// problems; nil when no row is rejected.
func (p *plan) rejection() error {
	var fields []recert.FieldError
	n := 0
	for _, rp := range p.rows {
		if rp.rejected() {
			n++
			fields = append(fields, rp.res.Errors...)
		}
	}
	if n == 0 {
		return nil
	}
	return &recert.Error{Code: recert.EINVALID, Fields: fields,
		Message: fmt.Sprintf("%d of %d rows are invalid; nothing was written (mode=partial writes the valid rows)", n, len(p.rows))}
}

// write turns the created and updated rows into writes, giving ids to what is new.
func (p *plan) write(now time.Time) RosterWrite {
	w := RosterWrite{Actor: p.in.Actor, At: now, Source: recert.SourceRoster, Reason: "posted by roster",
		Created: make([]recert.Attendance, 0, len(p.rows))}
	if p.in.Dispute != "" {
		w.Source, w.Reason = recert.SourceDispute, "dispute "+p.in.Dispute+" accepted"
	} else {
		if p.in.Reason != "" {
			w.Reason = p.in.Reason
		}
		w.Posting = &recert.RosterPosting{ID: recert.NewID(recert.PrefixPosting), EventID: p.ev.ID, Rows: len(p.rows),
			CreatedAt: now, CreatedBy: p.in.Actor}
	}
	for _, rp := range p.rows {
		switch rp.res.Status {
		case RowCreated:
			p.writeCreated(&w, rp, now)
		case RowUpdated:
			after := rp.want
			after.ID, after.MemberID, after.Version = rp.have.ID, rp.have.MemberID, rp.have.Version+1
			after.Audit = rp.have.Audit
			after.UpdatedAt, after.UpdatedBy = now, p.in.Actor
			w.Updated = append(w.Updated, Update{Before: rp.have.Attendance, After: after, Source: rp.source})
		}
	}
	if w.Posting != nil {
		w.Posting.Created, w.Posting.Updated = len(w.Created), len(w.Updated)
		if len(w.Created)+len(w.Updated) == 0 {
			w.Posting = nil // nothing written: nothing to withdraw
		}
	}
	return w
}

func (p *plan) writeCreated(w *RosterWrite, rp *rowPlan, now time.Time) {
	if rp.member == nil {
		r := rp.res.Row
		m := MemberRef{ID: recert.NewID(recert.PrefixMember), Name: r.Name, ABCPID: r.ABCPID, Email: recert.NormalizeEmail(r.Email)}
		w.NewMembers = append(w.NewMembers, m)
		rp.member = &m
		// The organization creates this member, so its organizers may see them.
		rp.res.Member = &RowMember{ID: m.ID, Name: m.Name, Created: true}
	}
	a := rp.want
	a.ID, a.MemberID, a.Version = recert.NewID(recert.PrefixAttendance), rp.member.ID, 1
	a.Audit = recert.Audit{CreatedAt: now, CreatedBy: p.in.Actor, UpdatedAt: now, UpdatedBy: p.in.Actor}
	w.Created = append(w.Created, a)
	rp.res.AttendanceID = a.ID
}

// result reports every row, in roster order, with the totals and the attendees left out.
func (p *plan) result() RosterResult {
	res := RosterResult{EventID: p.ev.ID, Warnings: p.in.Warnings, Ignored: p.ignored, Totals: map[string]int{},
		Rows: make([]RowResult, 0, len(p.rows))}
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	if res.Ignored == nil {
		res.Ignored = []string{}
	}
	listed := make(map[string]bool, len(p.rows))
	for _, rp := range p.rows {
		if s := rp.res.Status; s == RowCreated || s == RowUpdated || s == RowUnchanged {
			rp.res.Credit = &RowCredit{Sessions: p.codes(rp.want.Sessions), CEUs: rp.want.Total()}
		}
		res.Rows = append(res.Rows, rp.res)
		res.Totals[rp.res.Status]++
		if rp.res.Member != nil && rp.res.Member.Created && rp.res.Status == RowCreated {
			res.Totals["members_created"]++
		}
		if rp.member != nil && !rp.rejected() {
			listed[rp.member.ID] = true
		}
	}
	res.NotListed = []NotListed{}
	if p.in.Dispute != "" {
		return res
	}
	for _, h := range p.held {
		if h.Revoked || listed[h.MemberID] {
			continue
		}
		// Attendance at the organization's own event relates the member to it: the viewer,
		// who manages the event, may see them.
		res.NotListed = append(res.NotListed, NotListed{AttendanceID: h.ID, Member: RowMember{ID: h.MemberID}})
	}
	return res
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
