package transcript

import (
	"strings"

	"github.com/recert-dev/recert/internal/ledger"
)

// FromReport is what a filing report's transcript states.
func FromReport(rep ledger.Report) Transcript {
	t := Transcript{MemberName: rep.MemberName, ABCPID: rep.ABCPID, AsOf: rep.AsOf.Time()}
	for _, pr := range rep.Reports {
		words := pr.Status.Words()
		if words != "" {
			words = strings.ToUpper(words[:1]) + words[1:]
		}
		p := Program{Name: pr.ProgramName, Start: pr.Start.Time(), End: pr.End.Time(), Status: words,
			Summary: pr.Summary, UnitName: pr.UnitName, Notes: pr.Notes}
		for _, l := range pr.Lines {
			line := Line{Date: l.Date.Time(), Activity: l.Activity, Description: l.Description, Category: l.Category,
				Claimed: l.Claimed, Counted: l.Counted}
			if l.Verified != nil {
				line.Verification = "Self-reported"
				if *l.Verified {
					line.Verification = "Verified"
				}
			}
			p.Lines = append(p.Lines, line)
		}
		for _, tot := range pr.Totals {
			p.Totals = append(p.Totals, Total{What: tot.What, Required: deref(tot.Required), Claimed: deref(tot.Claimed),
				Counted: tot.Counted, Remains: deref(tot.Remaining)})
		}
		for _, n := range pr.NotCounted {
			p.NotCounted = append(p.NotCounted, NotCounted{Date: n.Date.Time(), Description: n.Description, Amount: n.Amount, Why: n.Why})
		}
		t.Programs = append(t.Programs, p)
	}
	return t
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
