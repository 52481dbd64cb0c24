package recert_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/recert"
)

func TestABCPID(t *testing.T) {
	for _, c := range []struct {
		in      string
		problem string // "" when valid; else a part of the explanation
	}{
		{"012345", ""},
		{"123456", ""},
		{"12345", "did the spreadsheet drop leading zeros"},
		{"1234567", "must be exactly 6 digits"},
		{"12345a", "must be exactly 6 digits"},
		{"１２３４５６", "must be exactly 6 digits"}, // full-width digits are not ASCII
		{"", "must be exactly 6 digits"},
	} {
		got := recert.ABCPIDProblem(c.in)
		if recert.ValidABCPID(c.in) != (c.problem == "") || (c.problem == "") != (got == "") || !strings.Contains(got, c.problem) {
			t.Errorf("%q: valid %v, problem %q; want %q", c.in, recert.ValidABCPID(c.in), got, c.problem)
		}
		if strings.Contains(got, "leading zeros") && c.problem != "did the spreadsheet drop leading zeros" {
			t.Errorf("%q: hint about leading zeros where none were dropped", c.in)
		}
	}
}

func TestEmailProblem(t *testing.T) {
	for in, ok := range map[string]bool{
		"jane@example.org": true, "Jane Doe <jane@example.org>": false, "jane": false,
		" jane@example.org": false, "jane@example.org (work)": false, "": false,
	} {
		if got := recert.EmailProblem(in); (got == "") != ok {
			t.Errorf("EmailProblem(%q) = %q", in, got)
		}
	}
	if got := recert.NormalizeEmail("  Jane@Example.ORG "); got != "jane@example.org" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

func TestTextProblem(t *testing.T) {
	for in, want := range map[string]string{"Renée": "", "a\x00b": "contains a NUL character", "b\xc3\x28": "is not UTF-8 text"} {
		if got := recert.TextProblem(in); got != want {
			t.Errorf("TextProblem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Renée  O'Roy": "renee o roy", "JEAN-LUC": "jean luc", "St. John": "st john", "Zoë": "zoe",
	} {
		if got := recert.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := recert.Quote(`ECMO "update"`); got != `"ECMO \"update\""` {
		t.Errorf("Quote = %s", got)
	}
	long := strings.Repeat("é", 200)
	got := recert.Quote(long)
	if !strings.HasSuffix(got, `"…`) || len(got) > 2*len(long) || !strings.HasPrefix(got, `"é`) {
		t.Errorf("a long value is not cut short on a rune boundary: %.40s… (%d bytes)", got, len(got))
	}
}

func TestMark(t *testing.T) {
	for cell, want := range map[string][2]bool{
		"x": {true, true}, " X ": {true, true}, "yes": {true, true}, "✓": {true, true}, "1": {true, true},
		"": {false, true}, "no": {false, true}, "0": {false, true}, "-": {false, true},
		"maybe": {false, false}, "2": {false, false},
	} {
		if a, ok := recert.Mark(cell); a != want[0] || ok != want[1] {
			t.Errorf("Mark(%q) = %v, %v; want %v", cell, a, ok, want)
		}
	}
}

func TestNewID(t *testing.T) {
	re := regexp.MustCompile(`^mem_[a-z2-7]{24}$`)
	seen := map[string]bool{}
	for range 100 {
		id := recert.NewID("mem")
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("NewID = %q (seen before: %v)", id, seen[id])
		}
		seen[id] = true
	}
}

func TestRoles(t *testing.T) {
	admin := recert.Principal{Role: recert.RoleAdmin}
	org := recert.Principal{Role: recert.RoleOrganizer, OrganizationIDs: []string{"org_a"}}
	if !admin.IsAdmin() || org.IsAdmin() || !org.ActsFor("org_a") || org.ActsFor("org_b") || org.ActsFor("") || admin.ActsFor("org_a") {
		t.Error("IsAdmin or ActsFor is wrong")
	}
	member := recert.RoleScopes(recert.RoleMember)
	for _, s := range []string{"attendance:write", "events:write", "activities:review", "programs:write"} {
		if slices.Contains(member, s) {
			t.Errorf("a member holds %s", s)
		}
	}
	if slices.Contains(recert.RoleScopes(recert.RoleOrganizer), "activities:review") {
		t.Error("an organizer reviews activities")
	}
	// RoleScopes hands out a copy: changing it changes no one's rights.
	member[0] = "organizations:write"
	if recert.RoleScopes(recert.RoleMember)[0] == "organizations:write" {
		t.Error("RoleScopes returned the table itself")
	}
	if recert.RoleScopes("nobody") != nil {
		t.Error("an unknown role holds scopes")
	}
}

func TestCodes(t *testing.T) {
	for s, ok := range map[string]bool{"abcp": true, "us-nj-pac": true, "caahep-school": true, "US-NJ": false,
		"us--nj": false, "-abcp": false, "abcp-": false, "": false, strings.Repeat("a", 65): false} {
		if recert.ValidApproverCode(s) != ok {
			t.Errorf("approver code %q: %v", s, !ok)
		}
	}
	for s, ok := range map[string]bool{"S1": true, "Tue-AM": true, "A.2": true, "x_1": true, "-S1": false,
		"S 1": false, "": false, "ABCDEFGHIJKLMNOP": true, "ABCDEFGHIJKLMNOPQ": false} {
		if recert.ValidSessionCode(s) != ok {
			t.Errorf("session code %q: %v", s, !ok)
		}
	}
}
