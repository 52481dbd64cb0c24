package recert

import (
	"slices"
	"time"
)

// Role is what a person or app acts as: the one vocabulary of roles, shared by accounts,
// tokens and access checks.
type Role string

// The roles.
const (
	RoleAdmin     Role = "admin"     // runs the registry
	RoleOrganizer Role = "organizer" // acts for one or more organizations
	RoleMember    Role = "member"    // a perfusionist, for their own record
	RoleClient    Role = "client"    // a third-party app, for its organization
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleOrganizer, RoleMember, RoleClient:
		return true
	}
	return false
}

// User is a login account of a person.
type User struct {
	ID              string
	Email           string
	Name            string
	Role            Role
	MemberID        string   // for RoleMember: the record this login is
	OrganizationIDs []string // for RoleOrganizer: the organizations acted for
	Disabled        bool
	// TokenVersion counts sign-outs everywhere: an access token issued under an earlier
	// version no longer works.
	TokenVersion int
	Audit
}

// Member is a perfusionist's record; it may exist without a login (unclaimed).
type Member struct {
	ID                string
	Name              string
	Email             string
	ABCPID            string // six digits
	CertificationDate Date   // zero when unknown
	ABCPCycle         int    // 1, 2 or 3; 0 when unknown
	BirthMonth        int    // 1–12; 0 when unknown
	SocietyClass      string // A, A/R, B or C; "" when not a society member
	Status            string // active, inactive, retired, deceased
	TrackingSince     Date   // when Recert's record of the member starts; zero: their earliest credit
	Licenses          []License
	Claimed           bool // a login exists for this record
	Version           int
	Audit
}

// License is a state licence a member holds.
type License struct {
	State     string // two-letter code
	Number    string
	IssuedOn  Date
	ExpiresOn Date
}

// Client is a third-party app registered to act for an organization (or the registry).
type Client struct {
	ID             string
	Name           string
	OrganizationID string // "" for a registry-wide app created by an administrator
	Scopes         []string
	Revoked        bool
	Audit
}

// Principal is the caller an access token stands for.
type Principal struct {
	Subject         string // usr_… or cli_…
	Role            Role
	MemberID        string
	OrganizationIDs []string
	Scopes          []string
	// App is the member-approved app acting for the member, if any: it holds only the
	// scopes the member granted it.
	App string
}

// IsAdmin reports whether p runs the registry.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// ActsFor reports whether p acts for the organization.
func (p Principal) ActsFor(orgID string) bool {
	return orgID != "" && slices.Contains(p.OrganizationIDs, orgID)
}

// Scopes held by each role of person; an app holds what it was registered with.
var roleScopes = map[Role][]string{
	RoleAdmin: {"organizations:read", "organizations:write", "users:read", "users:write", "members:read",
		"members:write", "clients:read", "clients:write", "events:read", "events:write", "attendance:read",
		"attendance:write", "progress:read", "programs:write", "activities:read", "activities:write", "activities:review",
		"webhooks:read", "webhooks:write"},
	RoleOrganizer: {"organizations:read", "members:read", "members:write", "clients:read", "clients:write",
		"events:read", "events:write", "attendance:read", "attendance:write", "progress:read",
		"webhooks:read", "webhooks:write"},
	RoleMember: {"members:read", "members:write", "events:read", "attendance:read", "progress:read",
		"activities:read", "activities:write"},
}

// RoleScopes returns the scopes a person of role holds.
func RoleScopes(role Role) []string { return slices.Clone(roleScopes[role]) }

// ClientScopes are the scopes an app may be registered with.
var ClientScopes = []string{"organizations:read", "members:read", "members:write", "events:read",
	"events:write", "attendance:read", "attendance:write", "progress:read", "activities:read", "activities:write",
	"webhooks:read", "webhooks:write"}

// RefreshToken is one link in a chain of refresh tokens issued from one sign-in.
type RefreshToken struct {
	Hash      []byte
	FamilyID  string
	UserID    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until exchanged
	RevokedAt time.Time // zero unless its family was revoked
}

// Page asks for up to Limit objects after the cursor After (an id; "" for the first page).
type Page struct {
	Limit int
	After string
}

// MemberFilter selects members.
type MemberFilter struct {
	Page
	ABCPID string
	Email  string
	// Scope keeps only the members related to its organizations (the zero scope: none).
	Scope Scope
	// MemberID, when set, keeps only that member.
	MemberID string
	// Text, when set, keeps the members whose name, email or ABCP ID contains it, folded.
	Text string
}

// UserChange lists the fields of an account to change; nil leaves one as it is.
type UserChange struct {
	Name         *string
	Email        *string // the sign-in address, confirmed by a link sent to it
	PasswordHash *string
	Disabled     *bool
	SignOut      bool // end every token issued so far, apps' included
	// EndAppGrants, with a new password, also ends the member's approvals of apps; a new
	// password alone ends the account's own sign-ins only.
	EndAppGrants bool
}

// PublishedKey is the public half of a signing key, as verifiers read it.
type PublishedKey struct {
	Kid string
	// Purpose is what the key signs: "api" (access tokens), "checkin" (check-in codes) or
	// "badges" (credentials); Algorithm its JOSE alg ("EdDSA" or "RS256").
	Purpose   string
	Algorithm string
	// PublicKey is the raw Ed25519 key, or the PKIX DER of an RSA key.
	PublicKey []byte
	CreatedAt time.Time
	RetiredAt time.Time // zero for the current key
}

// MemberChange lists the fields of a member record to change; nil leaves one as it is.
type MemberChange struct {
	Name, Email, ABCPID, SocietyClass, Status *string
	CertificationDate, TrackingSince          *Date
	ABCPCycle, BirthMonth                     *int
	Licenses                                  *[]License
}

// Apply writes the change into m.
func (c MemberChange) Apply(m *Member) {
	set(&m.Name, c.Name)
	set(&m.Email, c.Email)
	set(&m.ABCPID, c.ABCPID)
	set(&m.SocietyClass, c.SocietyClass)
	set(&m.Status, c.Status)
	set(&m.CertificationDate, c.CertificationDate)
	set(&m.TrackingSince, c.TrackingSince)
	set(&m.ABCPCycle, c.ABCPCycle)
	set(&m.BirthMonth, c.BirthMonth)
	set(&m.Licenses, c.Licenses)
}

func set[T any](field *T, to *T) {
	if to != nil {
		*field = *to
	}
}

// Allowed says whether a caller of role may make the change, by the fields it touches:
// administrators any; members their own record but not its status, where its tracking
// starts, nor its e-mail address (which a link sent to the new address changes); organizers only the ABCP ID and cycle (of members their organization created,
// unclaimed: checked against the record); apps none.
func (c MemberChange) Allowed(role Role) error {
	switch role {
	case RoleClient:
		return Errorf(EFORBIDDEN, "apps cannot change member records")
	case RoleOrganizer:
		if c.Name != nil || c.Email != nil || c.CertificationDate != nil || c.BirthMonth != nil || c.SocietyClass != nil ||
			c.Status != nil || c.TrackingSince != nil || c.Licenses != nil {
			return Errorf(EFORBIDDEN, "organizers set only the ABCP ID and cycle of members their organization created")
		}
	case RoleMember:
		if c.Email != nil {
			return Errorf(EFORBIDDEN, "a member changes their e-mail address with a link sent to the new one: POST /v1/me/email-change")
		}
		if c.Status != nil {
			return Errorf(EFORBIDDEN, "only administrators change a member's status")
		}
		if c.TrackingSince != nil {
			return Errorf(EFORBIDDEN, "only administrators set the date Recert's record of a member starts")
		}
	}
	return nil
}

// ABCPChangeByMember lets members enter their ABCP ID and cycle while the record has none; a
// recorded one is corrected by an administrator, since progress and reports rest on it.
func (c MemberChange) ABCPChangeByMember(m Member) error {
	if c.ABCPID != nil && m.ABCPID != "" && *c.ABCPID != m.ABCPID {
		return Errorf(EFORBIDDEN, "your ABCP ID is on record as %s; to correct it, ask your registry's administrator, with your ABCP certificate", m.ABCPID)
	}
	if c.ABCPCycle != nil && m.ABCPCycle != 0 && *c.ABCPCycle != m.ABCPCycle {
		return Errorf(EFORBIDDEN, "your ABCP cycle is on record as %d; to correct it, ask your registry's administrator, with ABCP's notice of your cycle", m.ABCPCycle)
	}
	return nil
}
