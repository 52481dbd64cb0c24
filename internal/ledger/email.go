package ledger

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// EmailChangeTTL is how long the link that confirms a new e-mail address works.
const EmailChangeTTL = 24 * time.Hour

// RequestEmailChange e-mails a link to the new address that moves the account there when
// followed; the address changes only then. The current password is required, so that a
// session left open cannot move the account. It returns when the link expires.
func (r *Registry) RequestEmailChange(ctx context.Context, p recert.Principal, newEmail, password string) (time.Time, error) {
	if p.Role == recert.RoleClient {
		return time.Time{}, recert.Errorf(recert.EFORBIDDEN, "apps have no e-mail address to change")
	}
	u, err := r.store.User(ctx, p.Subject)
	if err != nil {
		return time.Time{}, err
	}
	var ps Problems
	newEmail = recert.NormalizeEmail(newEmail)
	switch {
	case recert.EmailProblem(newEmail) != "":
		ps.Add("#/email", "an e-mail address such as renee@example.org")
	case newEmail == u.Email:
		ps.Add("#/email", "this is already your address")
	}
	_, hash, err := r.store.UserByEmail(ctx, u.Email)
	if err != nil {
		return time.Time{}, err
	}
	if ok, _ := auth.VerifyPassword(password, hash); !ok || hash == "" {
		ps.Add("#/password", "not your current password")
	}
	if err := ps.Err(); err != nil {
		return time.Time{}, err
	}
	if err := r.addressFree(ctx, newEmail, u.ID); err != nil {
		return time.Time{}, err
	}
	plain, tokenHash := auth.NewSecret(auth.PrefixEmailChange)
	expires := r.now().Add(EmailChangeTTL)
	return expires, r.store.InTx(ctx, func(ctx context.Context) error {
		if err := r.store.CreateEmailChange(ctx, u.ID, newEmail, tokenHash, expires); err != nil {
			return err
		}
		return r.outbox.Notify(ctx, Notice{Type: NoticeEmailChange, UserID: u.ID, Email: newEmail, Token: plain})
	})
}

// ConfirmEmailChange spends an e-mail change link's token: the account's sign-in address,
// and a member login's record address (where notices go), become the new one, and the old
// address is told.
func (r *Registry) ConfirmEmailChange(ctx context.Context, token string) error {
	if !auth.WellFormed(token, auth.PrefixEmailChange) {
		return &recert.Error{Code: recert.EINVALID, Message: "the link is invalid, used or expired",
			Fields: []recert.FieldError{{Location: "body", Pointer: "#/token", Detail: "not a usable e-mail change token"}}}
	}
	return r.store.InTx(ctx, func(ctx context.Context) error {
		userID, newEmail, err := r.store.SpendEmailChange(ctx, auth.HashSecret(token))
		if err != nil {
			return err
		}
		u, err := r.store.User(ctx, userID)
		if err != nil {
			return err
		}
		if err := r.addressFree(ctx, newEmail, u.ID); err != nil {
			return err
		}
		if _, err := r.store.UpdateUser(ctx, u.ID, recert.UserChange{Email: &newEmail}, u.ID); err != nil {
			return err
		}
		if u.MemberID != "" {
			if _, err := r.store.UpdateMember(ctx, u.MemberID, 0, u.ID, func(m *recert.Member) error {
				m.Email = newEmail
				return nil
			}); err != nil {
				return err
			}
		}
		return r.outbox.Notify(ctx, Notice{Type: NoticeEmailChanged, UserID: u.ID, Email: u.Email})
	})
}

// addressFree fails with a conflict when another account signs in with email.
func (r *Registry) addressFree(ctx context.Context, email, userID string) error {
	other, _, err := r.store.UserByEmail(ctx, email)
	switch {
	case recert.ErrorCode(err) == recert.ENOTFOUND:
		return nil
	case err != nil:
		return err
	case other.ID != userID:
		return recert.Errorf(recert.ECONFLICT, "another account signs in with %s", email)
	}
	return nil
}
