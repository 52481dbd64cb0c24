package notify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// Thresholds are the days before a period ends at which a member who is not done is
// reminded; ReportDays, the days before a report is due.
var (
	Thresholds = []int{7, 30, 90, 180}
	ReportDays = 14
)

// ReminderStore is what reminding reads and records; internal/store implements it.
type ReminderStore interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	ReminderRecipients(ctx context.Context) ([]recert.User, error)
	MarkReminder(ctx context.Context, memberID, programID string, periodEnd recert.Date, threshold string) (bool, error)
	MeetingInvites(ctx context.Context, from, to recert.Date) ([]recert.MeetingInvite, error)
	MarkMeetingInvite(ctx context.Context, eventID, memberID string) (bool, error)
}

// ScanArgs is the periodic job that sends the reminders due.
type ScanArgs struct{}

// Kind names the job.
func (ScanArgs) Kind() string { return "deadline_reminders" }

// Reminders sends deadline reminders, each once.
type Reminders struct {
	river.WorkerDefaults[ScanArgs]
	store    ReminderStore
	standing ledger.Standing
	outbox   ledger.Outbox
	now      func() time.Time
}

// NewReminders returns the reminder scan; now is its clock (nil: time.Now).
func NewReminders(st ReminderStore, standing ledger.Standing, outbox ledger.Outbox, now func() time.Time) *Reminders {
	if now == nil {
		now = time.Now
	}
	return &Reminders{store: st, standing: standing, outbox: outbox, now: now}
}

// Periodic is the job that runs the scan every hour (so a meeting's registrants hear of it
// the day before wherever it is), and once at start.
func (r *Reminders) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return ScanArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
}

// Work runs the scan.
func (r *Reminders) Work(ctx context.Context, _ *river.Job[ScanArgs]) error { return r.Scan(ctx) }

// Scan reminds each member who wants reminders of every threshold crossed by now and not
// yet reminded of: the reminder is recorded and its e-mail queued in one transaction. It
// then tells registrants of tomorrow's meetings.
func (r *Reminders) Scan(ctx context.Context) error {
	if err := r.deadlines(ctx); err != nil {
		return err
	}
	return r.meetings(ctx)
}

// meetings tells each registrant with an address, once, on the day before their meeting
// starts in the meeting's time zone, with their check-in code.
func (r *Reminders) meetings(ctx context.Context) error {
	now := r.now()
	today := recert.DateOf(now)
	invites, err := r.store.MeetingInvites(ctx, today, today.AddDays(2))
	if err != nil {
		return err
	}
	for _, in := range invites {
		loc, err := time.LoadLocation(in.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		if recert.DateOf(now.In(loc)).AddDays(1) != in.StartDate {
			continue
		}
		err = r.store.InTx(ctx, func(ctx context.Context) error {
			first, err := r.store.MarkMeetingInvite(ctx, in.EventID, in.MemberID)
			if err != nil || !first {
				return err
			}
			return r.outbox.Notify(ctx, ledger.Notice{Type: ledger.NoticeMeetingTomorrow, MemberID: in.MemberID, EventID: in.EventID})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *Reminders) deadlines(ctx context.Context) error {
	users, err := r.store.ReminderRecipients(ctx)
	if err != nil {
		return err
	}
	now := r.now()
	for _, u := range users {
		viewer := recert.Principal{Subject: u.ID, Role: recert.RoleMember, MemberID: u.MemberID}
		periods, err := r.standing.Periods(ctx, u.MemberID, viewer, now)
		if err != nil {
			return fmt.Errorf("progress of %s: %w", u.MemberID, err)
		}
		for _, p := range periods {
			if rem, ok := due(p, now); ok {
				if err := r.remind(ctx, u, p, rem); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// due is the reminder a period calls for now, if any: the nearest threshold crossed before
// the period ends while it is not complete, or the report coming due.
func due(p ledger.PeriodStatus, now time.Time) (ledger.Reminder, bool) {
	today := recert.DateOf(now)
	rem := ledger.Reminder{ProgramID: p.ProgramID, ProgramName: p.ProgramName, Unit: p.Unit, Remaining: p.Remaining.String()}
	if p.Relation == string(progress.Current) && p.Status != string(progress.StatusComplete) && !p.End.Before(today) {
		days := days(today, p.End)
		for _, t := range Thresholds {
			if days <= t {
				rem.Threshold, rem.Date, rem.Days = strconv.Itoa(t), p.End.String(), days
				return rem, true
			}
		}
	}
	if left := p.Deadline.Sub(now); !p.Deadline.IsZero() && left > 0 && left <= time.Duration(ReportDays)*24*time.Hour &&
		p.Relation != string(progress.Next) {
		rem.Threshold, rem.Date, rem.Days = "report", recert.DateOf(p.Deadline).String(), days(today, recert.DateOf(p.Deadline))
		return rem, true
	}
	return rem, false
}

func days(from, to recert.Date) int { return int(to.Time().Sub(from.Time()) / (24 * time.Hour)) }

func (r *Reminders) remind(ctx context.Context, u recert.User, p ledger.PeriodStatus, rem ledger.Reminder) error {
	return r.store.InTx(ctx, func(ctx context.Context) error {
		first, err := r.store.MarkReminder(ctx, u.MemberID, p.ProgramID, p.End, rem.Threshold)
		if err != nil || !first {
			return err
		}
		return r.outbox.Notify(ctx, ledger.Notice{Type: ledger.NoticeDeadlineReminder, MemberID: u.MemberID, UserID: u.ID, Reminder: &rem})
	})
}
