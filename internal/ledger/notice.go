package ledger

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// Notice kinds: what a change tells the people it concerns once it commits.
const (
	NoticeAttendancePosted    = "attendance.posted"
	NoticeAttendanceCorrected = "attendance.corrected"
	NoticeAttendanceRevoked   = "attendance.revoked"
	NoticeDisputeFiled        = "dispute.filed"
	NoticeDisputeDecided      = "dispute.decided"
	NoticeActivityReviewed    = "activity.reviewed"
	NoticeClaimInvitation     = "claim.invitation"
	NoticePasswordReset       = "password.reset"
	NoticeEmailChange         = "email.change"
	NoticeEmailChanged        = "email.changed"
	NoticeWebhookDisabled     = "webhook.disabled"
	NoticeDeadlineReminder    = "deadline.reminder"
	NoticeCredentialIssued    = "credential.issued"
	NoticeCredentialRevoked   = "credential.revoked"
	// NoticeCertificate e-mails a member the certificate of an attendance a roster credited,
	// at an event whose organizer asked for it (recert.Event.EmailCertificates).
	NoticeCertificate = "certificate.mail"
	// NoticeMeetingTomorrow tells a pre-registered member, the day before an event starts,
	// with their check-in code attached.
	NoticeMeetingTomorrow = "meeting.tomorrow"
)

// Notice is one thing a change tells a person, named by ids: who and what it concerns are
// read again when it is sent, after the change commits.
type Notice struct {
	Type         string `json:"type"`
	MemberID     string `json:"member_id,omitempty"`
	EventID      string `json:"event_id,omitempty"`
	AttendanceID string `json:"attendance_id,omitempty"`
	DisputeID    string `json:"dispute_id,omitempty"`
	ActivityID   string `json:"activity_id,omitempty"`
	Reason       string `json:"reason,omitempty"`
	UserID       string `json:"user_id,omitempty"`
	PostingID    string `json:"posting_id,omitempty"`
	CredentialID string `json:"credential_id,omitempty"`
	// Counts of a posted roster's rows, by what became of them (created, updated).
	Counts         map[string]int `json:"counts,omitempty"`
	OrganizationID string         `json:"organization_id,omitempty"`
	WebhookID      string         `json:"webhook_id,omitempty"`
	Reminder       *Reminder      `json:"reminder,omitempty"`
	// MemberIDs are the members whose credit a posted roster changed.
	MemberIDs []string `json:"member_ids,omitempty"`
	// Decision is a dispute's or a review's outcome (accepted, rejected; verified, rejected).
	Decision string `json:"decision,omitempty"`
	// SessionIDs and CEUs are what an attendance earns after the change: an accepted dispute,
	// a correction.
	SessionIDs []string `json:"session_ids,omitempty"`
	CEUs       string   `json:"ceus,omitempty"`
	// RevokedOn is set when a change reinstates a revoked attendance: the day it was revoked.
	RevokedOn string `json:"revoked_on,omitempty"`
	// Token is the one-time secret of an e-mailed link (a claim invitation, a password
	// reset). It is stored only by hash elsewhere; the job keeps it until the job is removed.
	Token string `json:"token,omitempty"`
	// Email is the address a notice goes to when it is not the account's own: the new
	// address a change link goes to, the old one told of a change.
	Email string `json:"email,omitempty"`
}

// Reminder is what a deadline reminder says.
type Reminder struct {
	Threshold   string `json:"threshold"` // "180", "90", "30", "7" (days before the period ends) or "report"
	ProgramID   string `json:"program_id"`
	ProgramName string `json:"program_name"`
	Date        string `json:"date"` // the period's last day, or the report's due date
	Days        int    `json:"days"` // from the reminder to Date
	Remaining   string `json:"remaining,omitempty"`
	Unit        string `json:"unit,omitempty"`
}

// Outbox takes the notices of a change. Notify must be called with the context of the
// change's transaction: the notices are sent once it commits, and never when it rolls back.
type Outbox interface {
	Notify(ctx context.Context, notices ...Notice) error
}

// Discard is an Outbox that sends nothing.
type Discard struct{}

// Notify drops the notices.
func (Discard) Notify(context.Context, ...Notice) error { return nil }

// rosterNotices tells that a roster was posted, and each member whose attendance it
// corrected or revoked; at an event that e-mails certificates, each member it credited gets
// theirs.
func rosterNotices(e recert.Event, w RosterWrite) []Notice {
	eventID := e.ID
	var out []Notice
	if w.Posting != nil {
		n := Notice{Type: NoticeAttendancePosted, EventID: eventID, PostingID: w.Posting.ID,
			Counts: map[string]int{"created": len(w.Created), "updated": len(w.Updated), "members_created": len(w.NewMembers)}}
		for _, a := range w.Created {
			n.MemberIDs = append(n.MemberIDs, a.MemberID)
		}
		for _, u := range w.Updated {
			n.MemberIDs = append(n.MemberIDs, u.After.MemberID)
		}
		out = append(out, n)
	}
	for _, u := range w.Updated {
		switch {
		case u.After.Revoked && !u.Before.Revoked:
			out = append(out, RevokedNotice(u.After, w.Reason))
		case !u.After.Revoked:
			n := CorrectedNotice(u.After, w.Reason)
			if u.Before.Revoked {
				n.RevokedOn = u.Before.UpdatedAt.UTC().Format(time.DateOnly)
			}
			out = append(out, n)
		}
	}
	if e.EmailCertificates {
		for _, a := range w.Created {
			out = append(out, Notice{Type: NoticeCertificate, MemberID: a.MemberID, EventID: eventID, AttendanceID: a.ID})
		}
		for _, u := range w.Updated {
			if !u.After.Revoked {
				out = append(out, Notice{Type: NoticeCertificate, MemberID: u.After.MemberID, EventID: eventID, AttendanceID: u.After.ID})
			}
		}
	}
	return out
}

// RevokedNotice tells a member that their attendance was revoked, and why.
func RevokedNotice(a recert.Attendance, reason string) Notice {
	return Notice{Type: NoticeAttendanceRevoked, MemberID: a.MemberID, EventID: a.EventID, AttendanceID: a.ID, Reason: reason}
}

// CorrectedNotice tells a member what their attendance earns after a change, and why.
func CorrectedNotice(a recert.Attendance, reason string) Notice {
	n := Notice{Type: NoticeAttendanceCorrected, MemberID: a.MemberID, EventID: a.EventID, AttendanceID: a.ID, Reason: reason}
	n.SessionIDs, n.CEUs = earned(a)
	return n
}

// earned is what an attendance earns: its sessions (none for CEUs awarded without a session
// breakdown) and its CEUs.
func earned(a recert.Attendance) ([]string, string) {
	ids := []string{}
	for _, s := range a.Sessions {
		ids = append(ids, s.SessionID)
	}
	return ids, a.Total().String()
}
