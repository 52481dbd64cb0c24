package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// RegistrantStore is the storage pre-registration needs.
type RegistrantStore interface {
	Transactor
	Event(ctx context.Context, id string) (recert.Event, error)
	FindMembers(ctx context.Context, abcpIDs, emails, ids []string) ([]MemberRef, error)
	CreateMember(ctx context.Context, m recert.Member, orgID, actor string) (recert.Member, error)
	Register(ctx context.Context, eventID string, memberIDs []string, actor string) (int, error)
}

// Registrations records who an organizer expects at an event. Callers check that the actor
// manages the event.
type Registrations struct {
	store RegistrantStore
	now   func() time.Time
}

// NewRegistrations returns the pre-registration use case.
func NewRegistrations(store RegistrantStore, now func() time.Time) *Registrations {
	return &Registrations{store: store, now: now}
}

// RegistrantRow is one expected attendee, as a roster row names them.
type RegistrantRow struct {
	Row    int // 1-based, or the CSV line
	Name   string
	Email  string
	ABCPID string
}

// RegistrationResult is what a registration did; rejected rows are reported, not fatal.
type RegistrationResult struct {
	Registered, Already, Created int
	Rejected                     []RowProblem
}

// RowProblem is a rejected row and why.
type RowProblem struct {
	Row    int
	Detail string
}

// MaxRegistrants is the most rows one registration takes.
const MaxRegistrants = 10_000

// Register matches each row to a member by ABCP ID, else e-mail, creating an unclaimed member
// (related to the event's organization) for someone unknown, and registers them. It credits
// nothing.
func (r *Registrations) Register(ctx context.Context, eventID string, rows []RegistrantRow, actor string) (RegistrationResult, error) {
	var res RegistrationResult
	if len(rows) > MaxRegistrants {
		return res, recert.Errorf(recert.ETOOLARGE, "%d registrants; at most %d are accepted per request", len(rows), MaxRegistrants)
	}
	ev, err := r.store.Event(ctx, eventID)
	if err != nil {
		return res, err
	}
	if ev.Status == recert.EventCancelled {
		return res, recert.Errorf(recert.ECONFLICT, "%s is cancelled: nobody can register for it", ev.Title)
	}
	err = r.store.InTx(ctx, func(ctx context.Context) error {
		res = RegistrationResult{}
		ids := map[string]bool{}
		var order []string
		for _, row := range rows {
			id, created, problem, err := r.member(ctx, ev, row, actor)
			if err != nil {
				return err
			}
			if problem != "" {
				res.Rejected = append(res.Rejected, RowProblem{Row: row.Row, Detail: problem})
				continue
			}
			if created {
				res.Created++
			}
			if !ids[id] {
				ids[id] = true
				order = append(order, id)
			}
		}
		n, err := r.store.Register(ctx, ev.ID, order, actor)
		res.Registered, res.Already = n, len(order)-n
		return err
	})
	return res, err
}

// member is the row's member: found by ABCP ID, else e-mail, else created unclaimed.
func (r *Registrations) member(ctx context.Context, ev recert.Event, row RegistrantRow, actor string) (id string, created bool, problem string, err error) {
	abcp, email := strings.TrimSpace(row.ABCPID), recert.NormalizeEmail(row.Email)
	if abcp == "" && email == "" {
		return "", false, "give the person's ABCP ID or e-mail, so that their record can be found", nil
	}
	if abcp != "" {
		if p := recert.ABCPIDProblem(abcp); p != "" {
			return "", false, p, nil
		}
	}
	var byABCP, byEmail []MemberRef
	if abcp != "" {
		if byABCP, err = r.store.FindMembers(ctx, []string{abcp}, nil, nil); err != nil {
			return "", false, "", err
		}
	}
	if email != "" {
		if byEmail, err = r.store.FindMembers(ctx, nil, []string{email}, nil); err != nil {
			return "", false, "", err
		}
	}
	switch {
	case len(byABCP) > 0 && len(byEmail) > 0 && byABCP[0].ID != byEmail[0].ID:
		return "", false, fmt.Sprintf("ABCP ID %s and %s are two different members", abcp, email), nil
	case len(byABCP) > 0:
		return byABCP[0].ID, false, "", nil
	case len(byEmail) > 0:
		return byEmail[0].ID, false, "", nil
	}
	name := strings.TrimSpace(row.Name)
	if name == "" {
		return "", false, "give the person's name: Recert does not know them yet", nil
	}
	m, err := r.store.CreateMember(ctx, recert.Member{Name: name, Email: email, ABCPID: abcp}, ev.OrganizationID, actor)
	if recert.ErrorCode(err) == recert.EINVALID {
		return "", false, err.Error(), nil
	}
	return m.ID, err == nil, "", err
}
