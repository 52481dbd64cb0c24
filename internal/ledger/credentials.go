package ledger

import (
	"context"

	"github.com/recert-dev/recert/internal/recert"
)

// CredentialStore is the storage credentials need.
type CredentialStore interface {
	CredentialFor(ctx context.Context, attendanceID string, version int) (recert.Credential, error)
	IssueCredential(ctx context.Context, attendanceID string, version int) (recert.Credential, error)
}

// Credentials issues what proves an attendance outside Recert: the credential behind its
// printable certificate and its verification page. Callers check the caller may see the
// attendance.
type Credentials struct {
	store CredentialStore
}

// NewCredentials returns the use case over store.
func NewCredentials(store CredentialStore) *Credentials { return &Credentials{store: store} }

// Current returns the credential of the attendance as it stands, issuing it the first time
// it is asked for: the same attendance gives the same credential until it changes, and a
// change (a correction) gives a new one, which supersedes the earlier. A revoked attendance
// has none.
func (x *Credentials) Current(ctx context.Context, a recert.Attendance) (recert.Credential, error) {
	if a.Revoked {
		return recert.Credential{}, recert.Errorf(recert.ECONFLICT, "attendance %s is revoked: no certificate", a.ID)
	}
	c, err := x.store.CredentialFor(ctx, a.ID, a.Version)
	if recert.ErrorCode(err) != recert.ENOTFOUND {
		return c, err
	}
	return x.store.IssueCredential(ctx, a.ID, a.Version)
}
