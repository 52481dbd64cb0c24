package ledger

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// RegistryStore is what the use cases of the registry's own accounts write: organizations,
// logins and their sign-ins, apps, webhook subscriptions, preferences.
type RegistryStore interface {
	Transactor
	User(ctx context.Context, id string) (recert.User, error)
	UserByEmail(ctx context.Context, email string) (recert.User, string, error)
	UpdateUser(ctx context.Context, id string, c recert.UserChange, actor string) (recert.User, error)
	UpdateOrganization(ctx context.Context, o recert.Organization, ifVersion int, actor string) (recert.Organization, error)
	RemoveOrganizer(ctx context.Context, orgID, userID string) error
	RotateClientSecret(ctx context.Context, id string, secretHash []byte, actor string) (recert.Client, error)
	RevokeClient(ctx context.Context, id, actor string) error
	CreateWebhook(ctx context.Context, w recert.Webhook, actor string) (recert.Webhook, error)
	UpdateWebhook(ctx context.Context, id string, change func(*recert.Webhook) error) (recert.Webhook, error)
	DeleteWebhook(ctx context.Context, id string) error
	SetDeadlineReminders(ctx context.Context, userID string, on bool) error
	SetCalendarFeed(ctx context.Context, memberID string, hash []byte) error
	CreatePasswordReset(ctx context.Context, userID string, hash []byte, expiresAt time.Time) error
	CreateEmailChange(ctx context.Context, userID, newEmail string, hash []byte, expiresAt time.Time) error
	SpendEmailChange(ctx context.Context, hash []byte) (userID, newEmail string, err error)
	UpdateMember(ctx context.Context, id string, ifVersion int, actor string, change func(*recert.Member) error) (recert.Member, error)
	CreateRefreshToken(ctx context.Context, t recert.RefreshToken) error
	ExchangeRefreshToken(ctx context.Context, hash []byte, next recert.RefreshToken) (recert.RefreshToken, error)
	RevokeRefreshFamily(ctx context.Context, hash []byte) error
	StartSignIn(ctx context.Context, id, userID string) error
	EndSignIn(ctx context.Context, id string) error
	AppStore
	EndShareLinks(ctx context.Context, memberID string, at time.Time) error
}

// Registry holds the use cases of accounts, apps and subscriptions that the API and the
// pages share. Callers check the caller's role where the contract requires it.
type Registry struct {
	store  RegistryStore
	outbox Outbox
	params auth.Argon2Params
	now    func() time.Time
}

// NewRegistry returns the registry's use cases over st.
func NewRegistry(st RegistryStore, outbox Outbox, params auth.Argon2Params, now func() time.Time) *Registry {
	return &Registry{store: st, outbox: outbox, params: params, now: now}
}

// AccountChange is what may change of a login account; nil leaves a field as it is.
type AccountChange struct {
	Name     *string
	Password *string
	Disabled *bool
	// EndAppGrants, with Password, also disconnects the apps the member approved.
	EndAppGrants bool
}

// UpdateUser renames, sets the password of, disables or re-enables an account; nobody
// disables their own account (an administrator would lock themself out).
func (r *Registry) UpdateUser(ctx context.Context, id string, c AccountChange, actor string) (recert.User, error) {
	if id == actor && c.Disabled != nil && *c.Disabled {
		return recert.User{}, recert.Errorf(recert.ECONFLICT, "an administrator cannot disable their own account")
	}
	change := recert.UserChange{Name: c.Name, Disabled: c.Disabled, EndAppGrants: c.EndAppGrants}
	if c.Password != nil {
		u, err := r.store.User(ctx, id)
		if err != nil {
			return recert.User{}, err
		}
		if err := CheckPassword(*c.Password, "#/password", u.Email, u.Name); err != nil {
			return recert.User{}, err
		}
		hash, err := auth.HashPassword(*c.Password, r.params)
		if err != nil {
			return recert.User{}, err
		}
		change.PasswordHash = &hash
	}
	if c.Disabled == nil || !*c.Disabled {
		return r.store.UpdateUser(ctx, id, change, actor)
	}
	// A disabled member's share links end with the account, in the same transaction.
	var u recert.User
	err := r.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if u, err = r.store.UpdateUser(ctx, id, change, actor); err != nil || u.MemberID == "" {
			return err
		}
		return r.store.EndShareLinks(ctx, u.MemberID, r.now())
	})
	return u, err
}

// SignOutEverywhere ends every token issued to the account so far.
func (r *Registry) SignOutEverywhere(ctx context.Context, id, actor string) error {
	_, err := r.store.UpdateUser(ctx, id, recert.UserChange{SignOut: true}, actor)
	return err
}

// UpdateOrganization stores the changed organization if it is still at ifVersion (0: the
// version it was read at, so a change made meanwhile is never overwritten).
func (r *Registry) UpdateOrganization(ctx context.Context, o recert.Organization, ifVersion int, actor string) (recert.Organization, error) {
	if ifVersion == 0 {
		ifVersion = o.Version
	}
	return r.store.UpdateOrganization(ctx, o, ifVersion, actor)
}

// RemoveOrganizer stops an organizer acting for an organization.
func (r *Registry) RemoveOrganizer(ctx context.Context, orgID, userID string) error {
	return r.store.RemoveOrganizer(ctx, orgID, userID)
}

// RotateClientSecret gives an app a new secret and returns it, shown once.
func (r *Registry) RotateClientSecret(ctx context.Context, id, actor string) (recert.Client, string, error) {
	plain, hash := auth.NewSecret(auth.PrefixClientSecret)
	c, err := r.store.RotateClientSecret(ctx, id, hash, actor)
	return c, plain, err
}

// RevokeClient stops an app for good.
func (r *Registry) RevokeClient(ctx context.Context, id, actor string) error {
	return r.store.RevokeClient(ctx, id, actor)
}

// SetDeadlineReminders turns a login's deadline reminders on or off.
func (r *Registry) SetDeadlineReminders(ctx context.Context, userID string, on bool) error {
	return r.store.SetDeadlineReminders(ctx, userID, on)
}

// RotateCalendarFeed gives the member a new secret calendar address and returns its secret;
// the one before stops working.
func (r *Registry) RotateCalendarFeed(ctx context.Context, memberID string) (string, error) {
	plain, hash := auth.NewSecret(auth.PrefixCalendar)
	return plain, r.store.SetCalendarFeed(ctx, memberID, hash)
}

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// ForgotPassword e-mails a reset link to the enabled account with a password that has the
// address, if there is one. It answers the same either way, so that nobody learns which
// addresses have accounts.
func (r *Registry) ForgotPassword(ctx context.Context, email string) error {
	u, hash, err := r.store.UserByEmail(ctx, email)
	switch {
	case recert.ErrorCode(err) == recert.ENOTFOUND, err == nil && (u.Disabled || hash == ""):
		return nil
	case err != nil:
		return err
	}
	return r.RequestPasswordReset(ctx, u.ID, ResetTTL)
}

// RequestPasswordReset stores a reset token for the account and e-mails its link, in one
// transaction; the token lives for ttl.
func (r *Registry) RequestPasswordReset(ctx context.Context, userID string, ttl time.Duration) error {
	plain, hash := auth.NewSecret(auth.PrefixResetToken)
	return r.store.InTx(ctx, func(ctx context.Context) error {
		if err := r.store.CreatePasswordReset(ctx, userID, hash, r.now().Add(ttl)); err != nil {
			return err
		}
		return r.outbox.Notify(ctx, Notice{Type: NoticePasswordReset, UserID: userID, Token: plain})
	})
}

// StartRefresh starts a sign-in of the token's user through the API: the sign-in's id is
// the family of its refresh tokens, of which t is the first.
func (r *Registry) StartRefresh(ctx context.Context, t recert.RefreshToken) (recert.RefreshToken, error) {
	t.FamilyID = recert.NewID(recert.PrefixSignIn)
	err := r.store.InTx(ctx, func(ctx context.Context) error {
		if err := r.store.StartSignIn(ctx, t.FamilyID, t.UserID); err != nil {
			return err
		}
		return r.store.CreateRefreshToken(ctx, t)
	})
	return t, err
}

// StartSignIn records a sign-in of the user through the pages and returns its id, which the
// page session carries.
func (r *Registry) StartSignIn(ctx context.Context, userID string) (string, error) {
	id := recert.NewID(recert.PrefixSignIn)
	return id, r.store.StartSignIn(ctx, id, userID)
}

// EndSignIn ends a sign-in: every token and page session it issued stops working at once.
func (r *Registry) EndSignIn(ctx context.Context, sid string) error {
	return r.store.EndSignIn(ctx, sid)
}

// ExchangeRefresh spends a refresh token for the next of its chain (a replayed one ends the
// whole chain: the store reports it).
func (r *Registry) ExchangeRefresh(ctx context.Context, hash []byte, next recert.RefreshToken) (recert.RefreshToken, error) {
	return r.store.ExchangeRefreshToken(ctx, hash, next)
}

// RevokeRefresh ends the chain of refresh tokens the token belongs to.
func (r *Registry) RevokeRefresh(ctx context.Context, hash []byte) error {
	return r.store.RevokeRefreshFamily(ctx, hash)
}
