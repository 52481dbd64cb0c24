package recert_test

import (
	"testing"

	"github.com/recert-dev/recert/internal/recert"
)

func TestScope(t *testing.T) {
	cases := []struct {
		name      string
		scope     recert.Scope
		all, none bool
		sees      map[string]bool
	}{
		{"the zero value sees none", recert.Scope{}, false, true, map[string]bool{"org_a": false, "": false}},
		{"no organizations named", recert.OrganizationsScope(), false, true, map[string]bool{"org_a": false}},
		{"an empty id is not an organization", recert.OrganizationsScope(""), false, true, map[string]bool{"": false}},
		{"all is asked for by name", recert.AllOrganizations(), true, false, map[string]bool{"org_a": true, "org_b": true}},
		{"the named ones", recert.OrganizationsScope("org_a"), false, false, map[string]bool{"org_a": true, "org_b": false, "": false}},
		{"an administrator", recert.Principal{Role: recert.RoleAdmin}.Scope(), true, false, map[string]bool{"org_a": true}},
		{"an organizer", recert.Principal{Role: recert.RoleOrganizer, OrganizationIDs: []string{"org_a"}}.Scope(), false, false, map[string]bool{"org_a": true, "org_b": false}},
		{"an app", recert.Principal{Role: recert.RoleClient, OrganizationIDs: []string{"org_b"}}.Scope(), false, false, map[string]bool{"org_a": false, "org_b": true}},
		{"a member, whatever the token says", recert.Principal{Role: recert.RoleMember, OrganizationIDs: []string{"org_a"}}.Scope(), false, true, map[string]bool{"org_a": false}},
		{"an organizer for no organization", recert.Principal{Role: recert.RoleOrganizer}.Scope(), false, true, map[string]bool{"org_a": false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.scope.All() != c.all || c.scope.None() != c.none {
				t.Errorf("All() = %v, None() = %v; want %v, %v", c.scope.All(), c.scope.None(), c.all, c.none)
			}
			for org, want := range c.sees {
				if got := c.scope.Sees(org); got != want {
					t.Errorf("Sees(%q) = %v, want %v", org, got, want)
				}
			}
		})
	}
}
