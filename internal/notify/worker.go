package notify

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// NoticeArgs is the job that sends a notice's e-mails.
type NoticeArgs struct {
	ledger.Notice
}

// Kind names the job.
func (NoticeArgs) Kind() string { return "notice_mail" }

// Directory is what sending reads of the people and records a notice names, and where it
// keeps the claim links it sends; internal/store implements it.
type Directory interface {
	Member(ctx context.Context, id string) (recert.Member, error)
	Event(ctx context.Context, id string) (recert.Event, error)
	Attendance(ctx context.Context, id string) (recert.Attendance, error)
	Dispute(ctx context.Context, id string) (recert.Dispute, error)
	Activity(ctx context.Context, id string) (recert.Activity, error)
	OrganizerIDs(ctx context.Context, orgIDs []string) (map[string][]string, error)
	User(ctx context.Context, id string) (recert.User, error)
	// CreateClaimToken stores a claim link's token by hash, voiding the member's earlier
	// ones; ECONFLICT when the member has a login already.
	CreateClaimToken(ctx context.Context, memberID string, hash []byte, expiresAt time.Time, actor string) error
}

// Certificates gives the printable certificate of an attendance as it stands (its PDF and
// the address of its verification page), issuing its credential the first time.
type Certificates func(ctx context.Context, a recert.Attendance) (pdf []byte, verifyURL string, err error)

// Worker sends the e-mails of notices.
type Worker struct {
	river.WorkerDefaults[NoticeArgs]
	dir          Directory
	mail         Mailer
	publicURL    string
	host         string
	certificates Certificates // nil: certificates are not e-mailed
	checkInCodes CheckInCodes // nil: invitations carry no check-in code
}

// CheckInCodes gives the QR code (PNG) of a member's check-in code.
type CheckInCodes func(ctx context.Context, memberID string) ([]byte, error)

// WithCheckInCodes has claim invitations carry the member's check-in code, made by c, so
// that a member can be checked in before they ever sign in.
func (w *Worker) WithCheckInCodes(c CheckInCodes) *Worker {
	w.checkInCodes = c
	return w
}

// WithCertificates has the worker e-mail certificates, made by c.
func (w *Worker) WithCertificates(c Certificates) *Worker {
	w.certificates = c
	return w
}

// NewWorker returns a worker that reads through dir and sends through m; links in messages
// start with publicURL.
func NewWorker(dir Directory, m Mailer, publicURL string) *Worker {
	host := "recert.invalid"
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return &Worker{dir: dir, mail: m, publicURL: strings.TrimSuffix(publicURL, "/"), host: host}
}

// Work renders and sends the notice's messages. Each has a Message-ID made of the job's id,
// so the message a retry sends again carries the same one.
func (w *Worker) Work(ctx context.Context, job *river.Job[NoticeArgs]) error {
	msgs, err := w.Messages(ctx, job.Args.Notice)
	if err != nil {
		return err
	}
	for i, m := range msgs {
		m.ID = fmt.Sprintf("%s.%d.%d@%s", job.Args.Type, job.ID, i, w.host)
		if err := w.mail.Send(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// recipient is whom a message goes to, the data it shows and the files it carries.
type recipient struct {
	email    string
	data     Data
	attached []Attachment
}

// Messages renders a notice's messages, one per recipient; none when nobody has an address.
func (w *Worker) Messages(ctx context.Context, n ledger.Notice) ([]Message, error) {
	rs, err := w.recipients(ctx, n)
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, r := range rs {
		if r.email == "" {
			continue
		}
		subject, text, html, err := Render(n.Type, r.data)
		if err != nil {
			return nil, err
		}
		out = append(out, Message{To: []string{r.email}, Subject: subject, Text: text, HTML: html, Attachments: r.attached})
	}
	return out, nil
}

func (w *Worker) recipients(ctx context.Context, n ledger.Notice) ([]recipient, error) {
	switch n.Type {
	case ledger.NoticePasswordReset:
		u, name, err := w.user(ctx, n.UserID)
		if err != nil {
			return nil, err
		}
		return []recipient{{email: u.Email, data: Data{Name: name, Link: w.link("/app/reset?token=" + url.QueryEscape(n.Token))}}}, nil
	case ledger.NoticeEmailChange, ledger.NoticeEmailChanged:
		_, name, err := w.user(ctx, n.UserID)
		if err != nil {
			return nil, err
		}
		d := Data{Name: name, Address: n.Email, Link: w.link("/app/forgot")}
		if n.Type == ledger.NoticeEmailChange {
			d.Link = w.link("/app/email?token=" + url.QueryEscape(n.Token))
		}
		return []recipient{{email: n.Email, data: d}}, nil
	case ledger.NoticeDeadlineReminder:
		if n.Reminder == nil {
			return nil, nil
		}
		u, name, err := w.user(ctx, n.UserID)
		if err != nil {
			return nil, err
		}
		r := n.Reminder
		return []recipient{{email: u.Email, data: Data{Name: name, Program: r.ProgramName, Date: longDate(r.Date), Days: r.Days,
			Remaining: r.Remaining, Unit: unitWords(r.Unit), Report: r.Threshold == "report",
			Link: w.link("/app/dashboard"), Preferences: w.link("/app/preferences")}}}, nil
	case ledger.NoticeWebhookDisabled:
		return w.organizersOf(ctx, n.OrganizationID, Data{Reason: "every delivery failed for 24 hours",
			Webhook: n.WebhookID, Link: w.link("/docs")})
	}
	m, err := w.dir.Member(ctx, n.MemberID)
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", n.MemberID, err)
	}
	d := Data{Name: m.Name, Member: m.Name, Reason: n.Reason}
	var e recert.Event
	if n.EventID != "" {
		if e, err = w.dir.Event(ctx, n.EventID); err != nil {
			return nil, fmt.Errorf("event %s: %w", n.EventID, err)
		}
		d.Event = e.Title
	}
	page := "/app/credits"
	switch n.Type {
	case ledger.NoticeAttendanceCorrected, ledger.NoticeAttendanceRevoked:
		a, err := w.dir.Attendance(ctx, n.AttendanceID)
		if err != nil {
			return nil, err
		}
		d.CEUs, d.RevokedOn = a.Total().String(), longDate(n.RevokedOn)
	case ledger.NoticeDisputeDecided:
		disp, err := w.dir.Dispute(ctx, n.DisputeID)
		if err != nil {
			return nil, err
		}
		d.Decision, d.Reason, d.CEUs = disp.Status, disp.ResolutionReason, n.CEUs
	case ledger.NoticeActivityReviewed:
		a, err := w.dir.Activity(ctx, n.ActivityID)
		if err != nil {
			return nil, err
		}
		d.Activity, d.Decision, d.Reason = a.Title, a.ReviewStatus, a.ReviewReason
		page = "/app/activities"
	case ledger.NoticeClaimInvitation:
		d.Link = w.link("/app/claim?token=" + url.QueryEscape(n.Token))
		r := recipient{email: m.Email, data: d}
		if w.checkInCodes != nil {
			png, err := w.checkInCodes(ctx, m.ID)
			if err != nil {
				return nil, err
			}
			r.data.CheckInCode = true
			r.attached = []Attachment{{Name: "check-in-code.png", ContentType: "image/png", Data: png}}
		}
		return []recipient{r}, nil
	case ledger.NoticeMeetingTomorrow:
		return w.meetingTomorrow(ctx, m, e, d)
	case ledger.NoticeDisputeFiled:
		return w.organizers(ctx, n, d)
	case ledger.NoticeCertificate:
		return w.certificate(ctx, n, m, d)
	default:
		return nil, fmt.Errorf("unknown notice %q", n.Type)
	}
	if d.Link, d.Claim, err = w.memberLink(ctx, m, page); err != nil {
		return nil, err
	}
	return []recipient{{email: m.Email, data: d}}, nil
}

// claimTTL is how long a claim link works, as when an organizer sends one.
const claimTTL = 14 * 24 * time.Hour

// memberLink is where a member acts on a notice: the page, or, for a member without a login,
// a fresh claim link (single use, for 14 days, voiding earlier ones), since the page would
// ask them to sign in with a password they do not have. Claim is true for the latter.
func (w *Worker) memberLink(ctx context.Context, m recert.Member, page string) (link string, claim bool, err error) {
	if m.Email == "" {
		return w.link(page), false, nil
	}
	plain, hash := auth.NewSecret(auth.PrefixClaimToken)
	err = w.dir.CreateClaimToken(ctx, m.ID, hash, time.Now().Add(claimTTL), "recert")
	switch {
	case recert.ErrorCode(err) == recert.ECONFLICT:
		return w.link(page), false, nil
	case err != nil:
		return "", false, err
	}
	return w.link("/app/claim?token=" + url.QueryEscape(plain)), true, nil
}

// user reads an account and the name to greet it by: a member's login by the member's name
// (its own name may be the address it signed up with).
func (w *Worker) user(ctx context.Context, id string) (recert.User, string, error) {
	u, err := w.dir.User(ctx, id)
	if err != nil {
		return recert.User{}, "", fmt.Errorf("user %s: %w", id, err)
	}
	name := u.Name
	if u.MemberID != "" {
		if m, err := w.dir.Member(ctx, u.MemberID); err == nil && m.Name != "" {
			name = m.Name
		}
	}
	if strings.Contains(name, "@") {
		name = "" // an address is not a name: the greeting goes without
	}
	return u, name, nil
}

// organizers are the people who act for the event's organization: a dispute is theirs to decide.
func (w *Worker) organizers(ctx context.Context, n ledger.Notice, d Data) ([]recipient, error) {
	e, err := w.dir.Event(ctx, n.EventID)
	if err != nil {
		return nil, err
	}
	disp, err := w.dir.Dispute(ctx, n.DisputeID)
	if err != nil {
		return nil, err
	}
	d.Reason, d.Link = disp.Message, w.link("/app/dispute-inbox")
	return w.organizersOf(ctx, e.OrganizationID, d)
}

// organizersOf are the people who act for an organization, each with d addressed to them.
func (w *Worker) organizersOf(ctx context.Context, orgID string, d Data) ([]recipient, error) {
	if orgID == "" {
		return nil, nil
	}
	ids, err := w.dir.OrganizerIDs(ctx, []string{orgID})
	if err != nil {
		return nil, err
	}
	var out []recipient
	for _, id := range ids[orgID] {
		u, err := w.dir.User(ctx, id)
		if recert.ErrorCode(err) == recert.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.Disabled {
			continue
		}
		dd := d
		dd.Name = u.Name
		if strings.Contains(dd.Name, "@") {
			dd.Name = ""
		}
		out = append(out, recipient{email: u.Email, data: dd})
	}
	return out, nil
}

func (w *Worker) link(path string) string { return w.publicURL + path }

// unitWords names a program's unit for people, in the plural.
func unitWords(unit string) string {
	if progress.Unit(unit) == progress.Hour60 {
		return "hours"
	}
	return "CEUs"
}

// longDate writes a YYYY-MM-DD date as people read it ("15 January 2027"); "" stays "".
func longDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

// certificate is a member's certificate of an attendance, attached, with the address where
// anyone can check it; nothing when the attendance no longer stands (revoked since) or
// certificates are not e-mailed here.
func (w *Worker) certificate(ctx context.Context, n ledger.Notice, m recert.Member, d Data) ([]recipient, error) {
	a, err := w.dir.Attendance(ctx, n.AttendanceID)
	if err != nil {
		return nil, err
	}
	if w.certificates == nil || a.Revoked {
		return nil, nil
	}
	pdf, verify, err := w.certificates(ctx, a)
	if err != nil {
		return nil, err
	}
	d.Link, d.CEUs = verify, a.Total().String()
	return []recipient{{email: m.Email, data: d, attached: []Attachment{{Name: "certificate-" + a.ID + ".pdf", ContentType: "application/pdf", Data: pdf}}}}, nil
}

// meetingTomorrow tells a registrant of their meeting the day before, with their check-in
// code attached when the service has a check-in key, and where to find it again.
func (w *Worker) meetingTomorrow(ctx context.Context, m recert.Member, e recert.Event, d Data) ([]recipient, error) {
	d.Date, d.Place = longDate(e.StartDate.String()), e.Location
	d.Link = w.link("/app/checkin-card")
	r := recipient{email: m.Email, data: d}
	if w.checkInCodes != nil {
		png, err := w.checkInCodes(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		r.data.CheckInCode = true
		r.attached = []Attachment{{Name: "check-in-code.png", ContentType: "image/png", Data: png}}
	}
	return []recipient{r}, nil
}
