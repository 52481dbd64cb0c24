package ledger

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// AccountStore is the storage organizations, accounts and apps need.
type AccountStore interface {
	CreateOrganization(ctx context.Context, o recert.Organization, actor string) (recert.Organization, error)
	Organization(ctx context.Context, id string) (recert.Organization, error)
	AddOrganizer(ctx context.Context, orgID, userID, actor string) error
	Member(ctx context.Context, id string) (recert.Member, error)
	CreateUser(ctx context.Context, u recert.User, passwordHash, actor string) (recert.User, error)
	CreateClient(ctx context.Context, c recert.Client, secretHash []byte, actor string) (recert.Client, error)
	SetLeaveApproval(ctx context.Context, id string, approved bool, actor string) (recert.Leave, error)
}

// Accounts registers organizations, login accounts and apps, and records ABCP's decisions
// on leave. Callers check the caller is an administrator where the API requires it.
type Accounts struct {
	store  AccountStore
	params auth.Argon2Params
}

// NewAccounts returns the use case over store, hashing passwords with params.
func NewAccounts(store AccountStore, params auth.Argon2Params) *Accounts {
	return &Accounts{store: store, params: params}
}

var orgCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)

// CreateOrganization registers a CE provider. The API's contract states the same checks,
// and the email address's format, which the pages check as they read the form.
func (x *Accounts) CreateOrganization(ctx context.Context, o recert.Organization, actor string) (recert.Organization, error) {
	switch {
	case o.Name == "" || utf8.RuneCountInString(o.Name) > 200:
		return o, FieldError("#/name", "give a name of at most 200 characters")
	case !orgCode.MatchString(o.Code):
		return o, FieldError("#/code", "2 to 32 capital letters, digits or dashes, such as WPS")
	case utf8.RuneCountInString(o.ContactPhone) > 40:
		return o, FieldError("#/contact_phone", "at most 40 characters")
	}
	return x.store.CreateOrganization(ctx, o, actor)
}

// AddOrganizer lets an organizer's account act for one more organization.
func (x *Accounts) AddOrganizer(ctx context.Context, orgID, userID, actor string) error {
	if _, err := x.store.Organization(ctx, orgID); err != nil {
		return err
	}
	return x.store.AddOrganizer(ctx, orgID, userID, actor)
}

// CreateUser creates a login account with its first password: a member login is linked to
// its member record; only organizers act for organizations.
func (x *Accounts) CreateUser(ctx context.Context, u recert.User, password, actor string) (recert.User, error) {
	switch {
	case u.Name == "" || utf8.RuneCountInString(u.Name) > 200:
		return u, FieldError("#/name", "give a name of at most 200 characters")
	case !slices.Contains([]recert.Role{recert.RoleAdmin, recert.RoleOrganizer, recert.RoleMember}, u.Role):
		return u, FieldError("#/role", "admin, organizer or member")
	}
	if err := checkRoleFields(u); err != nil {
		return u, err
	}
	if err := CheckPassword(password, "#/password", u.Email, u.Name); err != nil {
		return u, err
	}
	if u.MemberID != "" {
		if _, err := x.store.Member(ctx, u.MemberID); recert.ErrorCode(err) == recert.ENOTFOUND {
			return u, FieldError("#/member_id", "no such member")
		} else if err != nil {
			return u, err
		}
	}
	hash, err := auth.HashPassword(password, x.params)
	if err != nil {
		return u, err
	}
	return x.store.CreateUser(ctx, u, hash, actor)
}

func checkRoleFields(u recert.User) error {
	switch {
	case u.Role == recert.RoleMember && u.MemberID == "":
		return FieldError("#/member_id", "a member login needs the member record it is")
	case u.Role != recert.RoleMember && u.MemberID != "":
		return FieldError("#/member_id", "only a member login is linked to a member record")
	case u.Role != recert.RoleOrganizer && len(u.OrganizationIDs) > 0:
		return FieldError("#/organization_ids", "only organizers act for organizations")
	}
	return nil
}

// CheckPassword applies the password policy, as a field error at pointer.
func CheckPassword(pw, pointer string, context ...string) error {
	err := auth.CheckPassword(pw, context...)
	var pe *auth.PasswordPolicyError
	if errors.As(err, &pe) {
		return &recert.Error{Code: recert.EINVALID, Message: "the password does not meet the policy",
			Fields: []recert.FieldError{{Location: "body", Pointer: pointer, Detail: pe.Error()}}}
	}
	return err
}

// CreateClient registers an app for the principal and returns it with its secret, shown
// once: an organizer's app acts for one of their organizations (their only one when none is
// named); an administrator's for the one named, or for the registry.
func (x *Accounts) CreateClient(ctx context.Context, p recert.Principal, c recert.Client) (recert.Client, string, error) {
	switch {
	case !p.IsAdmin() && c.OrganizationID == "" && len(p.OrganizationIDs) == 1:
		c.OrganizationID = p.OrganizationIDs[0]
	case !p.IsAdmin() && !p.ActsFor(c.OrganizationID):
		return c, "", FieldError("#/organization_id", "name an organization you act for")
	}
	switch {
	case c.Name == "" || utf8.RuneCountInString(c.Name) > 200:
		return c, "", FieldError("#/name", "give a name of at most 200 characters")
	case len(c.Scopes) == 0:
		return c, "", FieldError("#/scopes", "choose at least one scope")
	}
	for _, sc := range c.Scopes {
		if !slices.Contains(recert.ClientScopes, sc) {
			return c, "", FieldError("#/scopes", sc+" is not a scope an app may hold")
		}
	}
	plain, hash := auth.NewSecret(auth.PrefixClientSecret)
	c, err := x.store.CreateClient(ctx, recert.Client{Name: c.Name, OrganizationID: c.OrganizationID, Scopes: c.Scopes}, hash, p.Subject)
	return c, plain, err
}

// DecideLeave records ABCP's decision on a leave period.
func (x *Accounts) DecideLeave(ctx context.Context, id string, approved bool, actor string) (recert.Leave, error) {
	return x.store.SetLeaveApproval(ctx, id, approved, actor)
}
