package ledger

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// ShareStore is what the share links' use cases write.
type ShareStore interface {
	CreateShareLink(ctx context.Context, l recert.ShareLink, hash []byte) (recert.ShareLink, error)
	ShareLinkByHash(ctx context.Context, hash []byte) (recert.ShareLink, error)
	CountShareView(ctx context.Context, id string, at time.Time) error
	RevokeShareLink(ctx context.Context, memberID, id string, at time.Time) error
	EndShareLinks(ctx context.Context, memberID string, at time.Time) error
}

// Shares are a member's read-only links to one period of their record.
type Shares struct {
	store    ShareStore
	progress *Progress
	now      func() time.Time
}

// ShareInput is what a member asks a link for.
type ShareInput struct {
	MemberID, ProgramID, Label string
	// Period is a date inside the period to share; zero: today.
	Period recert.Date
	// ExpiresAt is when the link stops; nil: recert.ShareLinkDefault from now.
	ExpiresAt *time.Time
}

// ErrShareGone is a link that no longer works: revoked or expired.
var ErrShareGone = errors.New("the share link was revoked or has expired")

// Create makes a link to the period and returns it with its secret, shown once.
func (x *Shares) Create(ctx context.Context, in ShareInput) (recert.ShareLink, string, error) {
	now := x.now().Truncate(time.Second)
	expires, err := recert.ShareExpiry(in.ExpiresAt, now)
	if err != nil {
		return recert.ShareLink{}, "", err
	}
	label := strings.TrimSpace(in.Label)
	if label == "" {
		return recert.ShareLink{}, "", shareField("#/label", "must say who the link is for")
	}
	rep, err := x.progress.Report(ctx, Query{MemberID: in.MemberID, Program: in.ProgramID, Period: in.Period, Scope: recert.AllOrganizations()})
	var re *recert.Error
	if errors.As(err, &re) && re.Code == recert.ENOTFOUND && strings.HasPrefix(re.Message, "program ") {
		return recert.ShareLink{}, "", shareField("#/program_id", "no such program")
	}
	if err != nil {
		return recert.ShareLink{}, "", err
	}
	if len(rep.Reports) != 1 {
		return recert.ShareLink{}, "", shareField("#/program_id", "names no single program period")
	}
	pr := rep.Reports[0]
	plain, hash := auth.NewShareSecret()
	l, err := x.store.CreateShareLink(ctx, recert.ShareLink{ID: recert.NewID(recert.PrefixShareLink), MemberID: in.MemberID, Label: label,
		ProgramID: pr.ProgramID, ProgramName: pr.ProgramName, PeriodStart: pr.Start, PeriodEnd: pr.End, CreatedAt: now, ExpiresAt: expires}, hash)
	return l, plain, err
}

func shareField(pointer, detail string) error {
	return &recert.Error{Code: recert.EINVALID, Message: strings.TrimPrefix(pointer, "#/") + ": " + detail,
		Fields: []recert.FieldError{{Location: "body", Pointer: pointer, Detail: detail}}}
}

// Open is the link behind a secret, its view counted; a link that no longer works is
// returned with ErrShareGone, and uncounted.
func (x *Shares) Open(ctx context.Context, plain string) (recert.ShareLink, error) {
	l, err := x.store.ShareLinkByHash(ctx, auth.HashSecret(plain))
	if err != nil {
		return recert.ShareLink{}, err
	}
	now := x.now()
	if l.Status(now) != recert.ShareActive {
		return l, ErrShareGone
	}
	if err := x.store.CountShareView(ctx, l.ID, now); err != nil {
		return recert.ShareLink{}, err
	}
	l.Views++
	l.LastViewedAt = &now
	return l, nil
}

// Revoke ends one of the member's links at once.
func (x *Shares) Revoke(ctx context.Context, memberID, id string) error {
	return x.store.RevokeShareLink(ctx, memberID, id, x.now())
}
