package recert

import "slices"

// Scope is which organizations' records a caller may see. The zero value sees none, and
// every organization is asked for by name (AllOrganizations), so a scope forgotten on the
// way to a query hides records rather than shows them.
type Scope struct {
	all  bool
	orgs []string
}

// AllOrganizations is the scope of administrators and of the member's own record.
func AllOrganizations() Scope { return Scope{all: true} }

// OrganizationsScope sees the organizations named (none when none are).
func OrganizationsScope(ids ...string) Scope {
	return Scope{orgs: slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "" })}
}

// All reports whether the scope sees every organization.
func (s Scope) All() bool { return s.all }

// None reports whether the scope sees no organization.
func (s Scope) None() bool { return !s.all && len(s.orgs) == 0 }

// Sees reports whether records of the organization are in the scope.
func (s Scope) Sees(orgID string) bool { return s.all || orgID != "" && slices.Contains(s.orgs, orgID) }

// IDs are the organizations of a scope that is neither all nor none; a query narrows to them.
func (s Scope) IDs() []string { return slices.Clone(s.orgs) }

// Scope is what p may see of organizations' records: every one for administrators, the
// organizations acted for by organizers and apps, none for members (who see their own
// record through their member id, not through organizations).
func (p Principal) Scope() Scope {
	if p.IsAdmin() {
		return AllOrganizations()
	}
	if p.Role == RoleMember {
		return Scope{}
	}
	return OrganizationsScope(p.OrganizationIDs...)
}

// Scope is what the user may see of organizations' records, as for a principal.
func (u User) Scope() Scope {
	return Principal{Role: u.Role, OrganizationIDs: u.OrganizationIDs}.Scope()
}
