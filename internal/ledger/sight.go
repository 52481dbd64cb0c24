package ledger

import (
	"context"

	"github.com/recert-dev/recert/internal/recert"
)

// SightStore is what the visibility rules read.
type SightStore interface {
	// MemberRelated reports whether the scope sees the member.
	MemberRelated(ctx context.Context, memberID string, scope recert.Scope) (bool, error)
}

// Sight holds who may see what, once for the API, the pages and the jobs.
type Sight struct{ store SightStore }

// NewSight returns the visibility rules over st.
func NewSight(st SightStore) *Sight { return &Sight{store: st} }

// MemberScope is what p may see of a member's record before asking the database: every
// organization's credit (the whole record) for administrators and for the member themself;
// else the organizations p acts for, whose relation to the member is still to be checked.
// Another member's record is not found.
func MemberScope(p recert.Principal, memberID string) (recert.Scope, error) {
	switch {
	case p.IsAdmin():
		return recert.AllOrganizations(), nil
	case p.Role == recert.RoleMember:
		if p.MemberID != memberID {
			return recert.Scope{}, memberNotFound(memberID)
		}
		return recert.AllOrganizations(), nil
	}
	return p.Scope(), nil
}

// SeesMember reports whether p may see the member: administrators all, a member themself,
// organizers and apps the members related to their organizations.
func (s *Sight) SeesMember(ctx context.Context, p recert.Principal, memberID string) (bool, error) {
	scope, err := MemberScope(p, memberID)
	if err != nil {
		return false, nil
	}
	if scope.All() {
		return true, nil
	}
	return s.store.MemberRelated(ctx, memberID, scope)
}

// Member checks that p may see the member (not found otherwise) and returns the scope of
// the record p sees: all of it for administrators and the member, the organizations' credit
// for organizers and apps.
func (s *Sight) Member(ctx context.Context, p recert.Principal, memberID string) (recert.Scope, error) {
	ok, err := s.SeesMember(ctx, p, memberID)
	if err != nil {
		return recert.Scope{}, err
	}
	if !ok {
		return recert.Scope{}, memberNotFound(memberID)
	}
	return MemberScope(p, memberID)
}

// memberNotFound is the answer for a member that does not exist or is not the caller's to
// see: the same, so that ids of other tenants cannot be probed.
func memberNotFound(id string) error {
	return recert.Errorf(recert.ENOTFOUND, "member %s not found", id)
}
