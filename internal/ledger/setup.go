package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// Setup is what a member record lacks for progress, checked when it is entered.
type Setup struct {
	// Warnings are accepted but worth saying: a licence in a state Recert has no program for.
	Warnings []string
	// Invalid are licences whose programs cannot run without their issue date: a change that
	// leaves one so is refused.
	Invalid []recert.FieldError
	// Missing is every fact progress still needs (the ABCP cycle, issue dates, birth month),
	// with a pointer into the member record.
	Missing []recert.FieldError
}

// CheckSetup checks a member record against the programs it enrols the member in.
func (p *Progress) CheckSetup(ctx context.Context, m recert.Member) (Setup, error) {
	catalogue, err := p.Catalogue(ctx)
	if err != nil {
		return Setup{}, err
	}
	var s Setup
	if m.ABCPID != "" {
		for _, prog := range programsFor(catalogue, "abcp-") {
			if slices.Contains(prog.Needs(), progress.NeedsABCPCycle) && m.ABCPCycle == 0 {
				s.missing("#/abcp_cycle", "ABCP assigns your cycle (1, 2 or 3); enter it to see your ABCP CEU progress")
				break
			}
		}
	}
	for i, l := range m.Licenses {
		state := strings.ToUpper(l.State)
		programs := programsFor(catalogue, "us-"+strings.ToLower(state)+"-")
		if len(programs) == 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("no CE program for %s yet: progress will not track it", state))
			continue
		}
		for _, prog := range programs {
			needs := prog.Needs()
			if slices.Contains(needs, progress.NeedsLicenseIssued) && l.IssuedOn.IsZero() {
				f := recert.FieldError{Location: "body", Pointer: fmt.Sprintf("#/licenses/%d/issued_on", i),
					Detail: fmt.Sprintf("%s counts from the licence's issue date: give issued_on", prog.Name)}
				s.Invalid, s.Missing = append(s.Invalid, f), append(s.Missing, f)
				break
			}
			if slices.Contains(needs, progress.NeedsBirthMonth) && m.BirthMonth == 0 {
				s.missing("#/birth_month", prog.Name+" runs to the end of your birth month: enter birth_month")
			}
		}
	}
	return s, nil
}

func (s *Setup) missing(pointer, detail string) {
	if !slices.ContainsFunc(s.Missing, func(f recert.FieldError) bool { return f.Pointer == pointer }) {
		s.Missing = append(s.Missing, recert.FieldError{Location: "body", Pointer: pointer, Detail: detail})
	}
}

// programsFor returns the latest version of each program whose id starts with prefix.
func programsFor(catalogue []progress.Program, prefix string) []progress.Program {
	var out []progress.Program
	for _, p := range catalogue {
		if !strings.HasPrefix(p.ID, prefix) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].ID == p.ID {
			out[n-1] = p // sorted by version: the later one wins
			continue
		}
		out = append(out, p)
	}
	return out
}
