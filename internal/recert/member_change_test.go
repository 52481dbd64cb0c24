package recert_test

import (
	"testing"

	"github.com/recert-dev/recert/internal/recert"
)

func ptr[T any](v T) *T { return &v }

func TestMemberChangeAllowed(t *testing.T) {
	cases := []struct {
		name   string
		role   recert.Role
		change recert.MemberChange
		ok     bool
	}{
		{"an administrator, anything", recert.RoleAdmin, recert.MemberChange{Status: ptr("retired"), TrackingSince: ptr(recert.Date{})}, true},
		{"an app, nothing", recert.RoleClient, recert.MemberChange{ABCPCycle: ptr(2)}, false},
		{"an organizer, the ABCP ID and cycle", recert.RoleOrganizer, recert.MemberChange{ABCPID: ptr("123456"), ABCPCycle: ptr(1)}, true},
		{"an organizer, not the name", recert.RoleOrganizer, recert.MemberChange{Name: ptr("Pat")}, false},
		{"an organizer, not the licences", recert.RoleOrganizer, recert.MemberChange{Licenses: &[]recert.License{}}, false},
		{"a member, their name and licences", recert.RoleMember, recert.MemberChange{Name: ptr("Pat"), Licenses: &[]recert.License{}}, true},
		{"a member, not their status", recert.RoleMember, recert.MemberChange{Status: ptr("inactive")}, false},
		{"a member, not where tracking starts", recert.RoleMember, recert.MemberChange{TrackingSince: ptr(recert.Date{})}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.change.Allowed(c.role)
			if (err == nil) != c.ok {
				t.Fatalf("Allowed(%s) = %v, want allowed %v", c.role, err, c.ok)
			}
			if err != nil && recert.ErrorCode(err) != recert.EFORBIDDEN {
				t.Errorf("code %s, want %s", recert.ErrorCode(err), recert.EFORBIDDEN)
			}
		})
	}
}

func TestMemberChangeABCPByMember(t *testing.T) {
	recorded := recert.Member{ABCPID: "123456", ABCPCycle: 2}
	cases := []struct {
		name   string
		m      recert.Member
		change recert.MemberChange
		ok     bool
	}{
		{"entered while none is on record", recert.Member{}, recert.MemberChange{ABCPID: ptr("123456"), ABCPCycle: ptr(2)}, true},
		{"the same as on record", recorded, recert.MemberChange{ABCPID: ptr("123456"), ABCPCycle: ptr(2)}, true},
		{"another ID once one is on record", recorded, recert.MemberChange{ABCPID: ptr("654321")}, false},
		{"another cycle once one is on record", recorded, recert.MemberChange{ABCPCycle: ptr(3)}, false},
		{"other fields only", recorded, recert.MemberChange{Name: ptr("Pat")}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.change.ABCPChangeByMember(c.m); (err == nil) != c.ok {
				t.Fatalf("ABCPChangeByMember = %v, want allowed %v", err, c.ok)
			}
		})
	}
}

func TestMemberChangeApply(t *testing.T) {
	m := recert.Member{Name: "Pat Lee", Email: "pat@example.org", ABCPCycle: 1, Licenses: []recert.License{{State: "WI"}}}
	recert.MemberChange{Name: ptr("Pat Lee-Smith"), ABCPCycle: ptr(3), Licenses: &[]recert.License{}}.Apply(&m)
	if m.Name != "Pat Lee-Smith" || m.ABCPCycle != 3 || len(m.Licenses) != 0 || m.Email != "pat@example.org" {
		t.Errorf("applied: %+v", m)
	}
}
