package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/roster"
)

// MemberRef is what a roster needs to know of a member.
type MemberRef struct {
	ID     string
	Name   string
	ABCPID string
	Email  string
}

// Held is an attendance already on file, with the last change made to its credit.
type Held struct {
	recert.Attendance
	Last Decision
}

// Decision is the last change made to an attendance's credit, as a roster reports it.
type Decision struct {
	Source string // recert.Source*
	At     time.Time
	By     string // who made it, in words (a name or email)
	Reason string
}

// Update is an attendance a roster changes, from Before to After.
type Update struct {
	Before, After recert.Attendance
	Source        string
}

// RosterWrite is everything a roster writes, in one go.
type RosterWrite struct {
	Posting    *recert.RosterPosting // nil for a posting that is not a roster (an accepted dispute)
	NewMembers []MemberRef
	Created    []recert.Attendance
	Updated    []Update
	Source     string // of the created attendance's history
	Reason     string // of every history entry
	Actor      string
	At         time.Time
}

// RosterStore is the storage a roster needs. Every method runs in the transaction of its
// context (see Transactor).
type RosterStore interface {
	Transactor
	// LockEvent locks the event against concurrent rosters and corrections until the
	// transaction ends, then reads it (ENOTFOUND when there is none).
	LockEvent(ctx context.Context, eventID string) (recert.Event, error)
	// FindMembers returns the members having any of the ABCP IDs or emails (compared
	// normalized), or any of the ids.
	FindMembers(ctx context.Context, abcpIDs, emails, ids []string) ([]MemberRef, error)
	// RelatedMembers returns which of the members the organizations may see: those they
	// created or credited.
	RelatedMembers(ctx context.Context, scope recert.Scope, memberIDs []string) (map[string]bool, error)
	// HeldAttendance returns all attendance at the event, revoked included, each with the
	// last change to its credit.
	HeldAttendance(ctx context.Context, eventID string) ([]Held, error)
	// WriteRoster stores the new members, attendance, history and posting.
	WriteRoster(ctx context.Context, w RosterWrite) error
	// Postings lists the event's roster postings, newest first.
	Postings(ctx context.Context, eventID string) ([]recert.RosterPosting, error)
	// WithdrawPosting revokes, with the reason, every attendance the posting created that
	// is not revoked yet, and marks the posting withdrawn; it returns the attendance revoked.
	WithdrawPosting(ctx context.Context, eventID, postingID, reason, actor string) (recert.RosterPosting, []recert.Attendance, error)
}

// RosterInput is a roster to post.
type RosterInput struct {
	EventID  string
	Rows     []recert.RosterRow
	Invalid  map[int][]recert.FieldError // by row index: problems found while reading
	Extra    []string                    // a CSV's other columns, whose cells are each row's Marks
	Warnings []string                    // about the file
	Layout   Layout                      // a CSV's sessions and CEUs columns; zero for JSON rows
	// AllSessions credits every session of the event to each row that names none: the
	// organizer's explicit choice, never a default (see plan.creditAll).
	AllSessions bool
	Partial     bool // write the valid rows; default: any rejected row writes nothing
	DryRun      bool // report what would happen; write nothing
	Override    bool // re-apply rows over people's decisions
	Actor       string
	// Viewer is who will read the result: members outside its scope are "another member".
	Viewer recert.Scope
	// Dispute, when set, posts on the acceptance of that dispute: a decision, not a roster.
	Dispute string
	// Reason, when set, is the history's reason instead of "posted by roster" (a roster
	// converted from check-ins says so).
	Reason string
}

// Layout is what a CSV roster's header says about credit.
type Layout struct {
	CSV            bool
	SessionsColumn string // the sessions column's header as written; "" when there is none
	CEUsColumn     bool
}

// CSVRoster reads a CSV roster's bytes, as a request body or an upload carries them, into a
// roster to post: roster.Read is the one reading of a roster file, for the API and the pages.
func CSVRoster(raw []byte) (RosterInput, error) {
	f, err := roster.Read(raw)
	if err != nil {
		return RosterInput{}, err
	}
	return RosterInput{Rows: f.Rows, Invalid: f.Invalid, Extra: f.Extra, Warnings: f.Warnings,
		Layout: Layout{CSV: true, SessionsColumn: f.SessionsColumn, CEUsColumn: f.CEUsColumn}}, nil
}

// Row outcomes.
const (
	RowCreated   = "created"
	RowUpdated   = "updated"
	RowUnchanged = "unchanged"
	RowKept      = "kept"
	RowRejected  = "rejected"
)

// RowResult says what became (or, in a dry run, would become) of one row.
type RowResult struct {
	Row            recert.RosterRow
	Status         string
	Member         *RowMember
	AttendanceID   string
	Reason         string
	Changes        *AttendanceChanges
	ProposedABCPID string
	Warnings       []string
	Errors         []recert.FieldError
	// Credit is what the attendance holds once the row is applied: the session codes and the
	// CEUs, for created, updated and unchanged rows; nil otherwise.
	Credit *RowCredit
}

// RowCredit is the credit a row gives (or keeps): session codes, in the event's order, and CEUs.
type RowCredit struct {
	Sessions []string
	CEUs     recert.Units
}

// RowMember is the member a row was matched to, or is to create.
type RowMember struct {
	ID, Name  string // empty unless the viewer may see the member
	MatchedBy string // abcp_id, email or member_id; "" when created
	Created   bool
}

// AttendanceChanges is what an update changes.
type AttendanceChanges struct {
	SessionsBefore, SessionsAfter []string // codes
	CEUsBefore, CEUsAfter         recert.Units
	RevokedBefore, RevokedAfter   bool
	Sessions, CEUs, Revoked       bool // which of the three changed
}

// NotListed is an attendee of the event whom the roster does not list.
type NotListed struct {
	AttendanceID string
	Member       RowMember
}

// RosterResult is the report of a posted roster.
type RosterResult struct {
	EventID   string
	PostingID string
	Rows      []RowResult
	Warnings  []string
	Ignored   []string
	NotListed []NotListed
	Totals    map[string]int // by status, and "members_created"
}

// Rosters posts rosters.
type Rosters struct {
	store  RosterStore
	now    func() time.Time
	outbox Outbox
}

// NewRosters returns the roster use cases over store; now is the clock (nil: time.Now).
func NewRosters(store RosterStore, now func() time.Time) *Rosters {
	if now == nil {
		now = time.Now
	}
	return &Rosters{store: store, now: now, outbox: Discard{}}
}

// WithOutbox has the rosters tell the members whose attendance they change, through o.
func (r *Rosters) WithOutbox(o Outbox) *Rosters {
	r.outbox = o
	return r
}

// Post checks every row, matches it to a member, plans what it changes and, unless this is a
// dry run or (atomic) a row is rejected, writes it all in one transaction. An atomic roster
// with rejected rows returns its full report together with an EINVALID error listing every
// rejected row's problems; a dry run returns the report without error.
func (r *Rosters) Post(ctx context.Context, in RosterInput) (RosterResult, error) {
	var res RosterResult
	var rejected error
	err := r.store.InTx(ctx, func(ctx context.Context) error {
		ev, err := r.store.LockEvent(ctx, in.EventID)
		if err != nil {
			return err
		}
		if err := ev.AttendanceProblem(); err != nil {
			return err
		}
		p := newPlan(ev, in)
		if err := p.layoutProblem(); err != nil {
			return err
		}
		if err := p.match(ctx, r.store); err != nil {
			return err
		}
		if err := p.compare(ctx, r.store); err != nil {
			return err
		}
		if rejected = p.rejection(); rejected != nil && !in.Partial || in.DryRun {
			res = p.result()
			return nil
		}
		w := p.write(r.now().UTC().Truncate(time.Microsecond)) // as the database keeps it
		if err := r.store.WriteRoster(ctx, w); err != nil {
			return err
		}
		// An accepted dispute's notices are the decision's (see DecideDispute).
		if in.Dispute == "" {
			if err := r.outbox.Notify(ctx, rosterNotices(ev, w)...); err != nil {
				return err
			}
		}
		res = p.result()
		if w.Posting != nil {
			res.PostingID = w.Posting.ID
		}
		return nil
	})
	if err != nil {
		return RosterResult{}, err
	}
	if rejected != nil && !in.Partial && !in.DryRun {
		return res, rejected
	}
	return res, nil
}

// Postings lists the rosters posted for the event.
func (r *Rosters) Postings(ctx context.Context, eventID string) ([]recert.RosterPosting, error) {
	return r.store.Postings(ctx, eventID)
}

// Withdraw revokes every attendance a posting created, with the reason, and tells each
// member whose attendance it revoked (one notice per attendance: a member has one at an event).
func (r *Rosters) Withdraw(ctx context.Context, eventID, postingID, reason, actor string) (recert.RosterPosting, error) {
	if reason == "" {
		return recert.RosterPosting{}, &recert.Error{Code: recert.EINVALID, Message: "a reason is required",
			Fields: []recert.FieldError{{Location: "body", Pointer: "#/reason", Detail: "say why the roster is withdrawn"}}}
	}
	var out recert.RosterPosting
	err := r.store.InTx(ctx, func(ctx context.Context) error {
		p, revoked, err := r.store.WithdrawPosting(ctx, eventID, postingID, reason, actor)
		if err != nil {
			return err
		}
		out = p
		notices := make([]Notice, 0, len(revoked))
		for _, a := range revoked {
			n := RevokedNotice(a, reason)
			n.PostingID = postingID
			notices = append(notices, n)
		}
		return r.outbox.Notify(ctx, notices...)
	})
	return out, err
}

// describe says in words what a person decided about an attendance.
func describeDecision(c Decision) string {
	what := map[string]string{
		recert.SourceRevocation: "revoked", recert.SourceCorrection: "corrected",
		recert.SourceDispute: "settled by a dispute", recert.SourceWithdrawal: "revoked with its roster",
	}[c.Source]
	s := fmt.Sprintf("%s on %s", what, c.At.UTC().Format(time.DateOnly))
	if c.By != "" {
		s += " by " + c.By
	}
	if c.Reason != "" {
		s += ": " + c.Reason
	}
	return s + "; the roster does not undo it (override=true would)"
}
