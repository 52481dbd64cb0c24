package ledger

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// MemberStore is what the member use cases read and write.
type MemberStore interface {
	Transactor
	Organization(ctx context.Context, id string) (recert.Organization, error)
	Member(ctx context.Context, id string) (recert.Member, error)
	CreateMember(ctx context.Context, m recert.Member, orgID, actor string) (recert.Member, error)
	UpdateMember(ctx context.Context, id string, ifVersion int, actor string, change func(*recert.Member) error) (recert.Member, error)
	MemberCreatedBy(ctx context.Context, memberID string, scope recert.Scope) (bool, error)
	CreateClaimToken(ctx context.Context, memberID string, hash []byte, expiresAt time.Time, actor string) error
}

// ClaimTTL is how long a claim invitation's link works.
const ClaimTTL = 14 * 24 * time.Hour

// Members creates and changes member records, with the rules of who may set which field.
// Callers check the caller may see the member (Sight).
type Members struct {
	store    MemberStore
	progress *Progress
	outbox   Outbox
	now      func() time.Time
}

// NewMembers returns the member use cases; licences are checked against progress's programs.
func NewMembers(st MemberStore, progress *Progress, outbox Outbox, now func() time.Time) *Members {
	return &Members{store: st, progress: progress, outbox: outbox, now: now}
}

// Create stores an unclaimed member record, related to the organization p names or acts for.
func (x *Members) Create(ctx context.Context, p recert.Principal, m recert.Member, askedOrg string) (recert.Member, Setup, error) {
	orgID, err := NewMemberOrganization(p, askedOrg)
	if err != nil {
		return m, Setup{}, err
	}
	if orgID != "" {
		if _, err := x.store.Organization(ctx, orgID); recert.ErrorCode(err) == recert.ENOTFOUND {
			return m, Setup{}, FieldError("#/organization_id", "no such organization")
		}
	}
	setup, err := x.checkLicences(ctx, m)
	if err != nil {
		return m, setup, err
	}
	created, err := x.store.CreateMember(ctx, m, orgID, p.Subject)
	return created, setup, err
}

// NewMemberOrganization decides which organization a member record p creates is related to.
func NewMemberOrganization(p recert.Principal, asked string) (string, error) {
	switch {
	case p.IsAdmin():
		return asked, nil
	case p.Role == recert.RoleMember:
		return "", recert.Errorf(recert.EFORBIDDEN, "members cannot create member records")
	case asked != "":
		if !p.ActsFor(asked) {
			return "", FieldError("#/organization_id", "not an organization you act for")
		}
		return asked, nil
	case len(p.OrganizationIDs) == 1:
		return p.OrganizationIDs[0], nil
	case len(p.OrganizationIDs) == 0:
		return "", recert.Errorf(recert.EFORBIDDEN, "you act for no organization")
	}
	return "", FieldError("#/organization_id", "you act for several organizations: name one")
}

// Update changes a member record if it is still at ifVersion (0: any): administrators any
// field, the member their own record but not its status, nor an ABCP ID or cycle once set;
// organizers only the ABCP ID and cycle of unclaimed members their organization created.
// Apps only read members. Licences are checked against the programs they enrol the member in.
func (x *Members) Update(ctx context.Context, p recert.Principal, id string, ifVersion int, c recert.MemberChange) (recert.Member, Setup, error) {
	if err := c.Allowed(p.Role); err != nil {
		return recert.Member{}, Setup{}, err
	}
	if p.Role == recert.RoleOrganizer {
		created, err := x.store.MemberCreatedBy(ctx, id, p.Scope())
		if err != nil {
			return recert.Member{}, Setup{}, err
		}
		if !created {
			return recert.Member{}, Setup{}, recert.Errorf(recert.EFORBIDDEN, "organizers set the ABCP ID and cycle only of members their organization created")
		}
	}
	var setup Setup
	m, err := x.store.UpdateMember(ctx, id, ifVersion, p.Subject, func(m *recert.Member) error {
		if p.Role == recert.RoleOrganizer && m.Claimed {
			return recert.Errorf(recert.EFORBIDDEN, "this member has claimed their record: they set their ABCP ID and cycle themselves")
		}
		if p.Role == recert.RoleMember {
			if err := c.ABCPChangeByMember(*m); err != nil {
				return err
			}
		}
		c.Apply(m)
		if c.Licenses == nil {
			return nil
		}
		var err error
		setup, err = x.checkLicences(ctx, *m)
		return err
	})
	return m, setup, err
}

// checkLicences checks the member's licences against the programs they enrol the member in.
func (x *Members) checkLicences(ctx context.Context, m recert.Member) (Setup, error) {
	setup, err := x.progress.CheckSetup(ctx, m)
	if err != nil {
		return setup, err
	}
	if len(setup.Invalid) > 0 {
		return setup, &recert.Error{Code: recert.EINVALID, Message: "a licence needs its issue date", Fields: setup.Invalid}
	}
	return setup, nil
}

// Invite e-mails the member a one-time link with which they create their login, valid for
// ttl, to the address on record or, from an administrator, to the one entered (which is
// then recorded). It returns the address and when the link expires; the token is never
// shown to the inviter.
func (x *Members) Invite(ctx context.Context, p recert.Principal, memberID string, entered *string, ttl time.Duration) (string, time.Time, error) {
	if p.Role == recert.RoleMember {
		return "", time.Time{}, recert.Errorf(recert.EFORBIDDEN, "members cannot invite members")
	}
	email, err := x.invitationAddress(ctx, p, memberID, entered)
	if err != nil {
		return "", time.Time{}, err
	}
	plain, hash := auth.NewSecret(auth.PrefixClaimToken)
	expires := x.now().Add(ttl)
	err = x.store.InTx(ctx, func(ctx context.Context) error {
		if entered != nil {
			if _, err := x.store.UpdateMember(ctx, memberID, 0, p.Subject, func(m *recert.Member) error {
				m.Email = email
				return nil
			}); err != nil {
				return err
			}
		}
		if err := x.store.CreateClaimToken(ctx, memberID, hash, expires, p.Subject); err != nil {
			return err
		}
		return x.outbox.Notify(ctx, Notice{Type: NoticeClaimInvitation, MemberID: memberID, Token: plain})
	})
	return email, expires, err
}

// invitationAddress is where a claim invitation goes: the member's address on record, or
// the one an administrator enters.
func (x *Members) invitationAddress(ctx context.Context, p recert.Principal, memberID string, entered *string) (string, error) {
	if entered != nil {
		if !p.IsAdmin() {
			return "", FieldError("#/email", "only an administrator enters an address for a member")
		}
		return recert.NormalizeEmail(*entered), nil
	}
	m, err := x.store.Member(ctx, memberID)
	if err != nil {
		return "", err
	}
	if m.Email == "" {
		return "", FieldError("#/email", "the member has no e-mail address on record: an administrator can enter one")
	}
	return m.Email, nil
}
