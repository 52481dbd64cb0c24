package ledger

import (
	"context"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// VolunteerStore is the storage of volunteers' invitations and sessions.
type VolunteerStore interface {
	Event(ctx context.Context, id string) (recert.Event, error)
	CreateVolunteer(ctx context.Context, v recert.Volunteer, inviteHash []byte) (recert.Volunteer, error)
	ClaimVolunteer(ctx context.Context, inviteHash, sessionHash []byte) (recert.Volunteer, error)
	RevokeVolunteer(ctx context.Context, eventID, id string) error
}

// Volunteers lets an organizer invite people to check others in at one event: a one-time
// link that becomes a scanner session for that event only, until a day after it. Callers
// check that the actor manages the event.
type Volunteers struct {
	store VolunteerStore
	now   func() time.Time
}

// NewVolunteers returns the volunteers use case.
func NewVolunteers(store VolunteerStore, now func() time.Time) *Volunteers {
	return &Volunteers{store: store, now: now}
}

// Invite creates a volunteer's one-time invitation; the token is returned once, never stored.
func (v *Volunteers) Invite(ctx context.Context, eventID, name, actor string) (recert.Volunteer, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return recert.Volunteer{}, "", &recert.Error{Code: recert.EINVALID, Message: "name the volunteer (up to 200 characters): their name is shown on the check-ins they record",
			Fields: []recert.FieldError{{Location: "body", Pointer: "#/name", Detail: "give the volunteer's name"}}}
	}
	ev, err := v.store.Event(ctx, eventID)
	if err != nil {
		return recert.Volunteer{}, "", err
	}
	if !ev.CheckInExpiry().After(v.now()) {
		return recert.Volunteer{}, "", recert.Errorf(recert.ECONFLICT, "%s is over: its check-in is closed", ev.Title)
	}
	plain, hash := auth.NewSecret(auth.PrefixVolunteer)
	vol, err := v.store.CreateVolunteer(ctx, recert.Volunteer{EventID: ev.ID, Name: name, ExpiresAt: ev.CheckInExpiry(), CreatedBy: actor}, hash)
	return vol, plain, err
}

// Claim spends an invitation and returns the volunteer's session secret, to keep in their
// browser.
func (v *Volunteers) Claim(ctx context.Context, invitation string) (recert.Volunteer, string, error) {
	if !auth.WellFormed(invitation, auth.PrefixVolunteer) {
		return recert.Volunteer{}, "", &recert.Error{Code: recert.ENOTFOUND, Message: "the invitation link is not one Recert made"}
	}
	session, hash := auth.NewSecret(auth.PrefixVolunteer)
	vol, err := v.store.ClaimVolunteer(ctx, auth.HashSecret(invitation), hash)
	return vol, session, err
}

// Revoke ends a volunteer's invitation and session at once.
func (v *Volunteers) Revoke(ctx context.Context, eventID, id string) error {
	return v.store.RevokeVolunteer(ctx, eventID, id)
}
