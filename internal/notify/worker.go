package notify

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// NoticeArgs is the job that sends a notice's e-mails.
type NoticeArgs struct {
	ledger.Notice
}

// Kind names the job.
func (NoticeArgs) Kind() string { return "notice_mail" }

// Directory is what sending reads of the people and records a notice names;
// internal/store implements it.
type Directory interface {
	Member(ctx context.Context, id string) (recert.Member, error)
	Event(ctx context.Context, id string) (recert.Event, error)
	Attendance(ctx context.Context, id string) (recert.Attendance, error)
	Dispute(ctx context.Context, id string) (recert.Dispute, error)
	Activity(ctx context.Context, id string) (recert.Activity, error)
	OrganizerIDs(ctx context.Context, orgIDs []string) (map[string][]string, error)
	User(ctx context.Context, id string) (recert.User, error)
}

// Worker sends the e-mails of notices.
type Worker struct {
	river.WorkerDefaults[NoticeArgs]
	dir       Directory
	mail      Mailer
	publicURL string
	host      string
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

// recipient is whom a message goes to, and the data it shows.
type recipient struct {
	email string
	data  Data
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
		out = append(out, Message{To: []string{r.email}, Subject: subject, Text: text, HTML: html})
	}
	return out, nil
}

func (w *Worker) recipients(ctx context.Context, n ledger.Notice) ([]recipient, error) {
	if n.Type == ledger.NoticePasswordReset {
		u, err := w.dir.User(ctx, n.UserID)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", n.UserID, err)
		}
		return []recipient{{email: u.Email, data: Data{Name: u.Name, Link: w.link("/app/reset?token=" + url.QueryEscape(n.Token))}}}, nil
	}
	if n.Type == ledger.NoticeDeadlineReminder && n.Reminder != nil {
		u, err := w.dir.User(ctx, n.UserID)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", n.UserID, err)
		}
		r := n.Reminder
		return []recipient{{email: u.Email, data: Data{Name: u.Name, Program: r.ProgramName, Date: r.Date, Days: r.Days,
			Remaining: r.Remaining, Unit: r.Unit, Report: r.Threshold == "report", Link: w.link("/v1/me/progress")}}}, nil
	}
	if n.Type == ledger.NoticeWebhookDisabled {
		return w.organizersOf(ctx, n.OrganizationID, Data{Reason: "every delivery failed for 24 hours",
			Link: w.link("/v1/webhooks/" + n.WebhookID + "/deliveries")})
	}
	m, err := w.dir.Member(ctx, n.MemberID)
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", n.MemberID, err)
	}
	d := Data{Name: m.Name, Member: m.Name, Reason: n.Reason}
	if n.EventID != "" {
		e, err := w.dir.Event(ctx, n.EventID)
		if err != nil {
			return nil, fmt.Errorf("event %s: %w", n.EventID, err)
		}
		d.Event = e.Title
	}
	switch n.Type {
	case ledger.NoticeAttendanceCorrected, ledger.NoticeAttendanceRevoked:
		a, err := w.dir.Attendance(ctx, n.AttendanceID)
		if err != nil {
			return nil, err
		}
		d.CEUs, d.Link = a.Total().String(), w.link("/v1/attendance/"+a.ID+"/history")
	case ledger.NoticeDisputeDecided:
		disp, err := w.dir.Dispute(ctx, n.DisputeID)
		if err != nil {
			return nil, err
		}
		d.Decision, d.Reason, d.Link = disp.Status, disp.ResolutionReason, w.link("/v1/members/"+m.ID+"/attendance")
	case ledger.NoticeActivityReviewed:
		a, err := w.dir.Activity(ctx, n.ActivityID)
		if err != nil {
			return nil, err
		}
		d.Activity, d.Decision, d.Reason = a.Title, a.ReviewStatus, a.ReviewReason
		d.Link = w.link("/v1/members/" + m.ID + "/activities/" + a.ID)
	case ledger.NoticeClaimInvitation:
		d.Link = w.link("/app/claim?token=" + url.QueryEscape(n.Token))
	case ledger.NoticeDisputeFiled:
		return w.organizers(ctx, n, d)
	default:
		return nil, fmt.Errorf("unknown notice %q", n.Type)
	}
	return []recipient{{email: m.Email, data: d}}, nil
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
	d.Reason, d.Link = disp.Message, w.link("/v1/disputes/"+disp.ID)
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
		out = append(out, recipient{email: u.Email, data: dd})
	}
	return out, nil
}

func (w *Worker) link(path string) string { return w.publicURL + path }
