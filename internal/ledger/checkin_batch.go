package ledger

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// CheckInBatchStore is the storage a batch of scans needs.
type CheckInBatchStore interface {
	Transactor
	Event(ctx context.Context, id string) (recert.Event, error)
	FindMembers(ctx context.Context, abcpIDs, emails, ids []string) ([]MemberRef, error)
	CheckInTokenVersion(ctx context.Context, memberID string) (int, error)
	AddCheckIn(ctx context.Context, c recert.CheckIn) (recert.CheckIn, bool, error)
	VoidCheckIn(ctx context.Context, eventID, id, by, reason string) (recert.CheckIn, error)
	CheckInsOf(ctx context.Context, eventID, sessionID, memberID string) ([]recert.CheckIn, error)
	BumpCheckInTokenVersion(ctx context.Context, memberID string) (int, error)
	IsRegistered(ctx context.Context, eventID, memberID string) (bool, error)
	AllowAttempt(ctx context.Context, key string, perMinute float64, burst int) (bool, time.Duration, error)
}

// CheckInKeys finds the public check-in key a token's kid names.
type CheckInKeys func(kid string) (ed25519.PublicKey, bool)

// CheckInBatches records scanners' batches of check-ins and voids mistaken ones. Callers
// check the caller manages the event.
type CheckInBatches struct {
	store  CheckInBatchStore
	keys   CheckInKeys
	secret SessionSecrets
	now    func() time.Time
}

// SessionSecrets derives the secret a label names (a session's self check-in codes).
type SessionSecrets func(label string) []byte

// NewCheckInBatches returns the batch use case; keys verifies members' check-in tokens (nil:
// every token is refused, manual entries still work); secret derives sessions' self check-in
// secrets (nil: no self check-in).
func NewCheckInBatches(store CheckInBatchStore, keys CheckInKeys, secret SessionSecrets, now func() time.Time) *CheckInBatches {
	if keys == nil {
		keys = func(string) (ed25519.PublicKey, bool) { return nil, false }
	}
	return &CheckInBatches{store: store, keys: keys, secret: secret, now: now}
}

// Scan is one item of a batch: a scanned token, or a member picked by hand.
type Scan struct {
	ClientID   string
	Token      string
	MemberID   string
	Session    string // id or code
	Direction  string
	DeviceTime *time.Time
	Scanner    string // who scanned, as the device names them
}

// Scan outcomes.
const (
	ScanRecorded  = "recorded"
	ScanDuplicate = "duplicate"
	ScanRejected  = "rejected"
)

// Reasons a scan is rejected.
const (
	ScanInvalidToken   = "invalid_token"
	ScanRevokedToken   = "revoked_token"
	ScanUnknownMember  = "unknown_member"
	ScanUnknownSession = "unknown_session"
	ScanBadDirection   = "invalid_direction"
	ScanNoMember       = "no_member"
	ScanNotRegistered  = "not_registered"
)

// ScanResult is what became of one scan.
type ScanResult struct {
	ClientID string
	Status   string
	Reason   string // for rejected scans
	Detail   string
	CheckIn  *recert.CheckIn
}

// MaxScans is the most scans one batch may carry.
const MaxScans = 500

// Record stores a batch's scans, each on its own: a repeated client id is a duplicate,
// never an error, so a scanner that lost the answer resends the whole batch.
func (x *CheckInBatches) Record(ctx context.Context, eventID string, scans []Scan, offline bool, actor string) ([]ScanResult, error) {
	if len(scans) > MaxScans {
		return nil, recert.Errorf(recert.ETOOLARGE, "the batch has %d check-ins; at most %d are accepted per request", len(scans), MaxScans)
	}
	ev, err := x.store.Event(ctx, eventID)
	if err != nil {
		return nil, err
	}
	if err := ev.AttendanceProblem(); err != nil {
		return nil, err
	}
	out := make([]ScanResult, len(scans))
	received := x.now().UTC().Truncate(time.Microsecond)
	err = x.store.InTx(ctx, func(ctx context.Context) error {
		for i, sc := range scans {
			r, err := x.record(ctx, ev, sc, offline, actor, received)
			if err != nil {
				return err
			}
			out[i] = r
		}
		return nil
	})
	return out, err
}

func (x *CheckInBatches) record(ctx context.Context, ev recert.Event, sc Scan, offline bool, actor string, received time.Time) (ScanResult, error) {
	res := ScanResult{ClientID: sc.ClientID}
	reject := func(reason, detail string) (ScanResult, error) {
		res.Status, res.Reason, res.Detail = ScanRejected, reason, detail
		return res, nil
	}
	s, ok := ev.SessionByRef(sc.Session)
	if !ok {
		return reject(ScanUnknownSession, fmt.Sprintf("%s is not a session of this event; its sessions are %s", recert.Quote(sc.Session), ev.SessionCodes()))
	}
	if sc.Direction != recert.CheckInDirectionIn && sc.Direction != recert.CheckInDirectionOut {
		return reject(ScanBadDirection, "direction is in or out")
	}
	memberID, method, reason, detail, err := x.member(ctx, sc)
	if err != nil || reason != "" {
		res.Status, res.Reason, res.Detail = ScanRejected, reason, detail
		return res, err
	}
	if ok, err := x.registered(ctx, ev, memberID); err != nil || !ok {
		res.Status, res.Reason, res.Detail = ScanRejected, ScanNotRegistered, notRegistered
		return res, err
	}
	c := recert.CheckIn{EventID: ev.ID, SessionID: s.ID, MemberID: memberID, Direction: sc.Direction, Method: method,
		ClientID: sc.ClientID, RecordedBy: strings.TrimSpace(actor + " " + scannerNote(sc.Scanner)), DeviceTime: sc.DeviceTime,
		ReceivedAt: received, Offline: offline}
	c.FlagClock()
	stored, dup, err := x.store.AddCheckIn(ctx, c)
	if err != nil {
		return res, err
	}
	res.Status, res.CheckIn = ScanRecorded, &stored
	if dup {
		res.Status = ScanDuplicate
	}
	return res, nil
}

func scannerNote(scanner string) string {
	if scanner == "" {
		return ""
	}
	return "(scanner " + scanner + ")"
}

// member finds the scan's member: a token is verified with the check-in key and its version
// compared with the member's current one; a manual entry names a member.
func (x *CheckInBatches) member(ctx context.Context, sc Scan) (id, method, reason, detail string, err error) {
	switch {
	case sc.Token != "":
		code, err := auth.VerifyCheckIn(sc.Token, x.keys)
		if err != nil {
			return "", "", ScanInvalidToken, "not a valid check-in code of this service", nil
		}
		v, err := x.store.CheckInTokenVersion(ctx, code.MemberID)
		if recert.ErrorCode(err) == recert.ENOTFOUND {
			return "", "", ScanUnknownMember, "the code's member does not exist", nil
		} else if err != nil {
			return "", "", "", "", err
		}
		if v != code.Version {
			return "", "", ScanRevokedToken, "the member's check-in code was replaced; ask for their new one", nil
		}
		return code.MemberID, recert.CheckInMethodBatch, "", "", nil
	case sc.MemberID != "":
		found, err := x.store.FindMembers(ctx, nil, nil, []string{sc.MemberID})
		if err != nil {
			return "", "", "", "", err
		}
		if len(found) == 0 {
			return "", "", ScanUnknownMember, "no such member", nil
		}
		return sc.MemberID, recert.CheckInMethodManual, "", "", nil
	}
	return "", "", ScanNoMember, "give the scanned token or, for a manual entry, the member_id", nil
}

// Void marks a mistaken check-in voided, with the reason; it stays in the history.
func (x *CheckInBatches) Void(ctx context.Context, eventID, id, reason, actor string) (recert.CheckIn, error) {
	if err := recert.ReasonProblem(reason); err != nil {
		return recert.CheckIn{}, err
	}
	return x.store.VoidCheckIn(ctx, eventID, id, actor, strings.TrimSpace(reason))
}

const notRegistered = "the event checks in registered people only, and this member is not registered"

// registered reports whether the member may be checked in: anyone, unless the event requires
// registration.
func (x *CheckInBatches) registered(ctx context.Context, ev recert.Event, memberID string) (bool, error) {
	if !ev.CheckIn.RegistrationRequired {
		return true, nil
	}
	return x.store.IsRegistered(ctx, ev.ID, memberID)
}
