package ledger

import (
	"context"
	"errors"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// CredentialStore is the storage credentials need.
type CredentialStore interface {
	Transactor
	Attendance(ctx context.Context, id string) (recert.Attendance, error)
	CredentialFor(ctx context.Context, attendanceID string, version int) (recert.Credential, error)
	IssueCredential(ctx context.Context, c recert.Credential) (recert.Credential, error)
	Event(ctx context.Context, id string) (recert.Event, error)
	Member(ctx context.Context, id string) (recert.Member, error)
	Organization(ctx context.Context, id string) (recert.Organization, error)
	FreeStatusPosition(ctx context.Context, orgID string) (list, index int, err error)
	StatusListBits(ctx context.Context, orgID string, list int) ([]int, error)
	SetCredentialPage(ctx context.Context, id string, public bool) (recert.Credential, error)
}

// CredentialSigner signs a credential for its sponsor (internal/openbadges); email, the
// member's address, only identifies the member inside the signed credential, hashed.
type CredentialSigner interface {
	SignCredential(c recert.Credential, email string) (string, error)
	// SignStatusList signs a sponsor's revocation list with the positions set, as of now.
	SignStatusList(orgID string, list int, set []int, now time.Time) (string, error)
}

// Credentials issues what proves an attendance outside Recert: the credential behind its
// printable certificate, its verification page and its signed Open Badges credential.
// Callers check the caller may see the attendance.
type Credentials struct {
	store  CredentialStore
	signer CredentialSigner
	outbox Outbox
	now    func() time.Time
}

// NewCredentials returns the use case over store, signing with signer (nil: credentials
// cannot be issued) and telling apps through outbox.
func NewCredentials(store CredentialStore, signer CredentialSigner, outbox Outbox, now func() time.Time) *Credentials {
	if outbox == nil {
		outbox = Discard{}
	}
	return &Credentials{store: store, signer: signer, outbox: outbox, now: now}
}

// Current returns the credential of the attendance as it stands, issuing it the first time
// it is asked for: the same attendance gives the same credential until it changes, and a
// change (a correction) gives a new one, which supersedes the earlier. What a credential
// states is fixed when it is issued. A revoked attendance has none.
func (x *Credentials) Current(ctx context.Context, a recert.Attendance) (recert.Credential, error) {
	if a.Revoked {
		return recert.Credential{}, recert.Errorf(recert.ECONFLICT, "attendance %s is revoked: no certificate", a.ID)
	}
	c, err := x.store.CredentialFor(ctx, a.ID, a.Version)
	if recert.ErrorCode(err) != recert.ENOTFOUND {
		return c, err
	}
	if x.signer == nil {
		return recert.Credential{}, errors.New("ledger: credentials are not configured: no signer")
	}
	e, err := x.store.Event(ctx, a.EventID)
	if err != nil {
		return recert.Credential{}, err
	}
	m, err := x.store.Member(ctx, a.MemberID)
	if err != nil {
		return recert.Credential{}, err
	}
	org, err := x.store.Organization(ctx, e.OrganizationID)
	if err != nil {
		return recert.Credential{}, err
	}
	st := recert.StatementOf(a, e, m, org)
	// Two credentials issued at once may draw the same status position: the second is
	// refused by the database, and draws again.
	for attempt := 1; ; attempt++ {
		c = recert.Credential{ID: recert.NewID(recert.PrefixCredential), AttendanceID: a.ID, AttendanceVersion: a.Version,
			IssuedAt: x.now().Truncate(time.Second), Statement: st}
		if c.StatusList, c.StatusIndex, err = x.store.FreeStatusPosition(ctx, org.ID); err != nil {
			return recert.Credential{}, err
		}
		if c.VCJWT, err = x.signer.SignCredential(c, m.Email); err != nil {
			return recert.Credential{}, err
		}
		var issued recert.Credential
		err = x.store.InTx(ctx, func(ctx context.Context) error {
			var err error
			if issued, err = x.store.IssueCredential(ctx, c); err != nil || issued.ID != c.ID {
				return err // another request issued it first, and told
			}
			return x.outbox.Notify(ctx, Notice{Type: NoticeCredentialIssued, EventID: a.EventID, MemberID: a.MemberID,
				AttendanceID: a.ID, CredentialID: issued.ID})
		})
		if recert.ErrorCode(err) != recert.ECONFLICT || attempt == 5 {
			return issued, err
		}
	}
}

// StatusList returns a sponsor's revocation list as a signed credential (a W3C Bitstring
// Status List, VC-JWT): the bit of each of its credentials that no longer stands is set.
func (x *Credentials) StatusList(ctx context.Context, orgID string, list int) (string, error) {
	if x.signer == nil {
		return "", errors.New("ledger: credentials are not configured: no signer")
	}
	set, err := x.store.StatusListBits(ctx, orgID, list)
	if err != nil {
		return "", err
	}
	return x.signer.SignStatusList(orgID, list, set, x.now().Truncate(time.Second))
}

// SetPage takes a credential's public verification page down (public false), or puts it
// back up: the member's choice. The credential itself, its signature and its revocation
// status are unaffected. Callers check the caller is the member or an administrator.
func (x *Credentials) SetPage(ctx context.Context, id string, public bool) (recert.Credential, error) {
	return x.store.SetCredentialPage(ctx, id, public)
}

// credentialOutbox adds, to each notice that an attendance was revoked or corrected, that
// the credential it had until then is revoked: apps hear of it in the same transaction as
// the change, whichever use case made it (a revocation, a correction, a roster, a dispute).
type credentialOutbox struct {
	next  Outbox
	store interface {
		Attendance(ctx context.Context, id string) (recert.Attendance, error)
		CredentialFor(ctx context.Context, attendanceID string, version int) (recert.Credential, error)
	}
}

func (o credentialOutbox) Notify(ctx context.Context, notices ...Notice) error {
	out := notices
	for _, n := range notices {
		if (n.Type != NoticeAttendanceRevoked && n.Type != NoticeAttendanceCorrected) || n.AttendanceID == "" {
			continue
		}
		a, err := o.store.Attendance(ctx, n.AttendanceID)
		if err != nil {
			return err
		}
		// Every change bumps the version by one: the credential that stood until this change
		// is the one of the version before. A revoked attendance never had one issued.
		c, err := o.store.CredentialFor(ctx, a.ID, a.Version-1)
		if recert.ErrorCode(err) == recert.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		out = append(out, Notice{Type: NoticeCredentialRevoked, EventID: a.EventID, MemberID: a.MemberID, AttendanceID: a.ID,
			CredentialID: c.ID, Reason: n.Reason})
	}
	return o.next.Notify(ctx, out...)
}
