package ledger

import (
	"context"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// LinkStore is the storage of the links e-mailed to people: claim invitations and
// password resets.
type LinkStore interface {
	Transactor
	Member(ctx context.Context, id string) (recert.Member, error)
	CheckClaimToken(ctx context.Context, hash []byte) error
	ClaimMember(ctx context.Context, hash []byte, u recert.User, passwordHash string) (recert.User, error)
	SpendPasswordReset(ctx context.Context, hash []byte) (string, error)
	UpdateUser(ctx context.Context, id string, c recert.UserChange, actor string) (recert.User, error)
}

// Links are the use cases of the e-mailed links. Rate limits are the caller's.
type Links struct {
	store  LinkStore
	params auth.Argon2Params
}

// NewLinks returns the use cases of the e-mailed links, hashing passwords with params.
func NewLinks(st LinkStore, params auth.Argon2Params) *Links {
	return &Links{store: st, params: params}
}

// ErrBadClaim is the answer to a claim token that is malformed, used or expired.
var ErrBadClaim = &recert.Error{Code: recert.EINVALID, Message: "the claim token is invalid, used or expired",
	Fields: []recert.FieldError{{Location: "body", Pointer: "#/claim_token", Detail: "not a usable claim token"}}}

// CheckClaim reports whether a claim token can still be used, without using it. A bad token
// costs a format check or one indexed lookup, never a password hash.
func (a *Links) CheckClaim(ctx context.Context, token string) error {
	if !auth.WellFormed(token, auth.PrefixClaimToken) {
		return ErrBadClaim
	}
	if err := a.store.CheckClaimToken(ctx, auth.HashSecret(token)); recert.ErrorCode(err) == recert.EINVALID {
		return ErrBadClaim
	} else if err != nil {
		return err
	}
	return nil
}

// Claim spends a claim token and creates the member's login with the e-mail address and
// password they chose; the login is named after the member.
func (a *Links) Claim(ctx context.Context, token, email, password string) (recert.User, error) {
	if err := a.CheckClaim(ctx, token); err != nil {
		return recert.User{}, err
	}
	if err := CheckPassword(password, "#/password", email); err != nil {
		return recert.User{}, err
	}
	hash, err := auth.HashPassword(password, a.params)
	if err != nil {
		return recert.User{}, err
	}
	u, err := a.store.ClaimMember(ctx, auth.HashSecret(token), recert.User{Email: email, Name: email}, hash)
	if err != nil {
		return recert.User{}, err
	}
	if m, err := a.store.Member(ctx, u.MemberID); err == nil {
		u.Name = m.Name
	}
	return u, nil
}

// ResetPassword spends a reset token and sets the new password, ending every sign-in; it
// returns the account's id.
func (a *Links) ResetPassword(ctx context.Context, token, password string, endAppGrants bool) (string, error) {
	if err := CheckPassword(password, "#/password"); err != nil {
		return "", err
	}
	pwHash, err := auth.HashPassword(password, a.params)
	if err != nil {
		return "", err
	}
	var userID string
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if userID, err = a.store.SpendPasswordReset(ctx, auth.HashSecret(token)); err != nil {
			return err
		}
		_, err = a.store.UpdateUser(ctx, userID, recert.UserChange{PasswordHash: &pwHash, EndAppGrants: endAppGrants}, userID)
		return err
	})
	return userID, err
}
