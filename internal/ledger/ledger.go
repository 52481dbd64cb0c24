package ledger

import (
	"fmt"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/progress"
)

// Store is all the storage the use cases need; internal/store implements it.
type Store interface {
	RosterStore
	Transactor
	IdempotencyStore
	ProgressStore
	RecordsStore
	EventStore
	AttendanceStore
	AccountStore
	LinkStore
	SightStore
	RegistryStore
	MemberStore
	ReportStore
	ProgramStore
	CredentialStore
	CheckInBatchStore
	RegistrantStore
	VolunteerStore
	PresenceStore
	ShareStore
}

// Config is what the use cases share besides their store.
type Config struct {
	Outbox         Outbox // tells people what changed; nil: nobody is told
	PasswordParams auth.Argon2Params
	// CredentialSigner signs the credentials of attendance; nil: none can be issued.
	CredentialSigner CredentialSigner
	// CheckInKeys verifies members' check-in tokens; nil: scanned tokens are refused.
	CheckInKeys CheckInKeys
	// SessionSecrets derives sessions' self check-in secrets; nil: no self check-in.
	SessionSecrets SessionSecrets
	Now            func() time.Time // nil: the clock
}

// Ledger holds every use case, built once per process, so the API, the pages and the jobs
// share one idempotency guard and one program catalogue.
type Ledger struct {
	Rosters     *Rosters
	Idempotency *Idempotency
	Progress    *Progress
	Records     *Records
	Events      *Events
	Attendances *Attendances
	Credentials *Credentials
	Accounts    *Accounts
	Links       *Links
	Sight       *Sight
	Standing    *Standings
	Registry    *Registry
	Members     *Members
	// CheckInBatches records scanners' check-ins; Presence turns them into credit.
	CheckInBatches *CheckInBatches
	Presence       *Presence
	Registrations  *Registrations
	Volunteers     *Volunteers
	// Shares are members' read-only links to a period of their record.
	Shares *Shares
	Outbox Outbox
	Now    func() time.Time // UTC
}

// New builds the use cases over st.
func New(st Store, c Config) (*Ledger, error) {
	if c.Outbox == nil {
		c.Outbox = Discard{}
	} else {
		c.Outbox = credentialOutbox{next: c.Outbox, store: st}
	}
	clock := c.Now
	if clock == nil {
		clock = time.Now
	}
	now := func() time.Time { return clock().UTC() }
	builtIn, err := progress.BuiltIn()
	if err != nil {
		return nil, fmt.Errorf("built-in programs: %w", err)
	}
	rosters := NewRosters(st, now).WithOutbox(c.Outbox)
	prog, sight := NewProgress(st, builtIn, now), NewSight(st)
	prog.programs = st
	records := NewRecords(st, rosters, c.Outbox)
	records.reports = st
	return &Ledger{
		Rosters:     rosters,
		Idempotency: NewIdempotency(st, st),
		Progress:    prog,
		Sight:       sight,
		Standing:    &Standings{progress: prog, sight: sight},
		Records:     records,
		Registry:    NewRegistry(st, c.Outbox, c.PasswordParams, now),
		Members:     NewMembers(st, prog, c.Outbox, now),
		Events:      NewEvents(st),
		Attendances: NewAttendances(st, c.Outbox),
		Credentials: NewCredentials(st, c.CredentialSigner, c.Outbox, now),
		Accounts:    NewAccounts(st, c.PasswordParams),
		Links:       NewLinks(st, c.PasswordParams),
		Outbox:      c.Outbox,
		Now:         now,

		CheckInBatches: NewCheckInBatches(st, c.CheckInKeys, c.SessionSecrets, now),
		Presence:       NewPresence(st, rosters, now),
		Registrations:  NewRegistrations(st, now),
		Volunteers:     NewVolunteers(st, now),
		Shares:         &Shares{store: st, progress: prog, now: now},
	}, nil
}
