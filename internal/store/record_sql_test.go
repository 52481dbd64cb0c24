package store

import (
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// TestRecordTextsTakeTheirArguments: a record query's text is kept by form and its arguments
// made for each call, so every form must have exactly a placeholder for each argument, in a
// text that names what the arguments are (a scope of some organizations, a window's dates).
func TestRecordTextsTakeTheirArguments(t *testing.T) {
	day := recert.Date{Year: 2026, Month: 3, Day: 14}
	scopes := map[string]recert.Scope{"all": recert.AllOrganizations(), "none": recert.OrganizationsScope(),
		"some": recert.OrganizationsScope("org_a", "org_b")}
	for name, scope := range scopes {
		for _, engine := range []Engine{Postgres, SQLite} {
			for mask := range 32 {
				q := ledger.RecordQuery{Scope: scope, Brief: mask&1 != 0, Summed: mask&2 != 0}
				if mask&4 != 0 {
					q.From = day
				}
				if mask&8 != 0 {
					q.To = day
				}
				several := mask&16 != 0
				var member any = "mem_a"
				if several {
					member = []string{"mem_a", "mem_b"}
				}
				text, args := recordSQL(q, member, several, engine)
				if n := strings.Count(text, "?"); n != len(args) {
					t.Errorf("%s, engine %v, form %05b: %d placeholders, %d arguments", name, engine, mask, n, len(args))
				}
				if got, want := strings.Contains(text, "e.organization_id IN ?"), name == "some"; got != want {
					t.Errorf("%s, form %05b: scope condition present %v, want %v", name, mask, got, want)
				}
				if got, want := strings.Contains(text, "date <= ?"), !q.To.IsZero(); got != want {
					t.Errorf("%s, form %05b: window's end present %v, want %v", name, mask, got, want)
				}
				if got := strings.Contains(text, "member_id IN ?"); got != several {
					t.Errorf("%s, form %05b: several members %v, want %v", name, mask, got, several)
				}
			}
		}
	}
}
