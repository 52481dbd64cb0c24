package ledger_test

import (
	"testing"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

func TestNewRecordOwners(t *testing.T) {
	admin := recert.Principal{Role: recert.RoleAdmin}
	one := recert.Principal{Role: recert.RoleOrganizer, OrganizationIDs: []string{"org_a"}}
	two := recert.Principal{Role: recert.RoleOrganizer, OrganizationIDs: []string{"org_a", "org_b"}}
	none := recert.Principal{Role: recert.RoleOrganizer}
	member := recert.Principal{Role: recert.RoleMember, MemberID: "mem_1"}
	cases := []struct {
		name  string
		owner func(recert.Principal, string) (string, error)
		p     recert.Principal
		asked string
		want  string
		code  string
	}{
		{"member: an administrator's, as asked", ledger.NewMemberOrganization, admin, "org_b", "org_b", ""},
		{"member: an administrator's, the registry's", ledger.NewMemberOrganization, admin, "", "", ""},
		{"member: an organizer's only organization", ledger.NewMemberOrganization, one, "", "org_a", ""},
		{"member: one of several, named", ledger.NewMemberOrganization, two, "org_b", "org_b", ""},
		{"member: one of several, unnamed", ledger.NewMemberOrganization, two, "", "", recert.EINVALID},
		{"member: not one's own", ledger.NewMemberOrganization, one, "org_b", "", recert.EINVALID},
		{"member: acting for none", ledger.NewMemberOrganization, none, "", "", recert.EFORBIDDEN},
		{"member: members create none", ledger.NewMemberOrganization, member, "", "", recert.EFORBIDDEN},
		{"webhook: an administrator's, the registry's", ledger.WebhookOwner, admin, "", "", ""},
		{"webhook: an organizer's only organization", ledger.WebhookOwner, one, "", "org_a", ""},
		{"webhook: one of several, unnamed", ledger.WebhookOwner, two, "", "", recert.EINVALID},
		{"webhook: not one's own", ledger.WebhookOwner, one, "org_b", "", recert.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.owner(c.p, c.asked)
			if recert.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
				t.Fatalf("error %v, want code %q", err, c.code)
			}
			if err == nil && got != c.want {
				t.Errorf("owner %q, want %q", got, c.want)
			}
		})
	}
}

func TestWebhookChangeApply(t *testing.T) {
	failing := recert.Webhook{URL: "https://a.example", Status: recert.WebhookDisabled, DisabledReason: "failing for 3 days"}
	on, off, url := true, false, "https://b.example"
	w := failing
	ledger.WebhookChange{Enabled: &on, URL: &url}.Apply(&w)
	if w.Status != recert.WebhookActive || w.DisabledReason != "" || w.URL != url {
		t.Errorf("enabled: %+v", w)
	}
	ledger.WebhookChange{Enabled: &off}.Apply(&w)
	if w.Status != recert.WebhookDisabled || w.DisabledReason != "disabled by its owner" {
		t.Errorf("disabled: %+v", w)
	}
}
