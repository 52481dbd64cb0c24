package progress

import (
	"fmt"
	"strings"
)

// Summary is where one period stands, in a member's words: its status, one plain sentence,
// and what is still needed.
type Summary struct {
	Status Status `json:"status"`
	// Sentence says it plainly ("Needs 11.50 more CEUs, 5.00 of them Category I, by 30 June
	// 2028; report due 31 July 2028. At your pace you are on track.").
	Sentence string `json:"sentence"`
	// Needs lists what each unmet requirement still needs, by the period's last day.
	Needs []Need `json:"needs"`
}

// Need is what one requirement still needs: an amount in the program's unit, or a count (of
// courses, or of clinical activities).
type Need struct {
	// Rule is the requirement's id ("total", a category or topic rule, "primary").
	Rule string `json:"rule"`
	// What names it for people ("Category I CEUs", "primary clinical activities").
	What   string `json:"what"`
	Amount *Units `json:"amount,omitempty"`
	Count  *int   `json:"count,omitempty"`
	// By is the period's last day.
	By Date `json:"by"`
}

// longDate writes a date the way people read it: "30 June 2028".
func longDate(d Date) string { return d.Time().Format("2 January 2006") }

// unitWords names a program unit in the plural.
func unitWords(u Unit) string {
	if u == Hour60 {
		return "hours"
	}
	return "CEUs"
}

// activityWords names activity types for people ("sdce" is "SDCE").
func activityWords(types []ActivityType) string {
	words := make([]string, len(types))
	for i, t := range types {
		words[i] = strings.ReplaceAll(string(t), "_", " ")
		if t == SDCE {
			words[i] = "SDCE"
		}
	}
	return strings.Join(words, " or ")
}

// what names a requirement for people.
func (p Program) what(q RequirementResult) string {
	unit := unitWords(p.Unit)
	switch q.Kind {
	case RequirementCategory:
		s := fmt.Sprintf("Category %s %s", q.Category, unit)
		if len(q.ExcludeActivityTypes) > 0 {
			s += " other than " + activityWords(q.ExcludeActivityTypes)
		}
		return s
	case RequirementTopic:
		return unit + " on " + strings.ReplaceAll(q.Topic, "_", " ")
	}
	return unit
}

// ceuSummary writes the summary of a credit period.
func (r *ceuRun) ceuSummary(res PeriodResult) Summary {
	s := Summary{Status: res.Status, Needs: []Need{}}
	if res.Status != StatusComplete && res.Status != StatusNotTracked {
		for _, q := range res.Requirements {
			if q.Met {
				continue
			}
			if q.Remaining > 0 {
				amount := q.Remaining
				s.Needs = append(s.Needs, Need{Rule: q.ID, What: r.p.what(q), Amount: &amount, By: res.End})
			}
			if q.RequiredCount != nil && *q.CountedCount < *q.RequiredCount {
				n := *q.RequiredCount - *q.CountedCount
				s.Needs = append(s.Needs, Need{Rule: q.ID, What: "courses on " + strings.ReplaceAll(q.Topic, "_", " "), Count: &n, By: res.End})
			}
		}
	}
	s.Sentence = r.sentence(res.PeriodInfo, s.Needs, func() string {
		return fmt.Sprintf("%s of %s %s counted", res.Counted+res.CarriedIn, res.Required, unitWords(r.p.Unit))
	}, func() string { return value(res.PaceTarget).String() + " " + unitWords(r.p.Unit) })
	return s
}

// sentence builds the plain sentence of a period from its needs.
func (s setup) sentence(pi PeriodInfo, needs []Need, counted func() string, pace func() string) string {
	due := "report due " + longDate(DateOf(pi.Deadline))
	var b strings.Builder
	switch pi.Status {
	case StatusNotTracked:
		fmt.Fprintf(&b, "Not tracked: this period ended on %s, before your record in Recert starts", longDate(pi.End))
		if !s.track.IsZero() {
			fmt.Fprintf(&b, " (%s)", longDate(s.track))
		}
		b.WriteString(", so Recert cannot say whether it was met.")
		return b.String()
	case StatusUpcoming:
		fmt.Fprintf(&b, "Starts on %s and ends on %s; %s.", longDate(pi.Start), longDate(pi.End), due)
		if len(needs) > 0 {
			fmt.Fprintf(&b, " Needs %s by then.", needsWords(needs, true))
		}
		return b.String()
	case StatusComplete:
		switch {
		case pi.MetBy == MetByABCPCertification:
			b.WriteString("Complete: met by your current ABCP certification.")
		case pi.Exempt:
			b.WriteString("Complete: this first period is exempt.")
		default:
			fmt.Fprintf(&b, "Complete: %s; %s.", counted(), due)
		}
	case StatusDeficient:
		fmt.Fprintf(&b, "Short by %s: the period ended on %s; %s.", needsWords(needs, false), longDate(pi.End), due)
	default:
		words := needsWords(needs, true)
		if len(needs) > 1 {
			words += ","
		}
		fmt.Fprintf(&b, "Needs %s by %s; %s.", words, longDate(pi.End), due)
		if pi.Status == StatusOnTrack {
			b.WriteString(" At your pace you are on track.")
		} else {
			fmt.Fprintf(&b, " You are behind: at an even pace you would have %s by now.", pace())
		}
	}
	if pi.PartlyTracked && pi.Status != StatusComplete {
		fmt.Fprintf(&b, " This rests on what is recorded in Recert since %s.", longDate(s.track))
	}
	return b.String()
}

// needsWords writes the needs: the first in full, the rest as parts of it when they share its
// unit ("11.50 more CEUs, 5.00 of them Category I"), or joined with "and" otherwise.
func needsWords(needs []Need, more bool) string {
	if len(needs) == 0 {
		return "nothing more"
	}
	first := needs[0]
	parts := []string{needWords(first, more)}
	for _, n := range needs[1:] {
		if first.Rule == "total" && (first.Amount == nil) == (n.Amount == nil) && strings.Contains(n.What, first.What) {
			label := strings.Join(strings.Fields(strings.Replace(n.What, first.What, "", 1)), " ")
			parts = append(parts, fmt.Sprintf("%s of them %s", needAmount(n), label))
			continue
		}
		parts = append(parts, "and "+needWords(n, more))
	}
	return strings.Join(parts, ", ")
}

func needWords(n Need, more bool) string {
	what := n.What
	if n.Count != nil && *n.Count == 1 {
		what = strings.Replace(strings.Replace(what, "courses", "course", 1), "activities", "activity", 1)
	}
	if more {
		return needAmount(n) + " more " + what
	}
	return needAmount(n) + " " + what
}

func needAmount(n Need) string {
	if n.Amount != nil {
		return n.Amount.String()
	}
	return fmt.Sprint(*n.Count)
}

// clinicalSummary writes the summary of a clinical period.
func (s setup) clinicalSummary(res ClinicalPeriodResult) Summary {
	sum := Summary{Status: res.Status, Needs: []Need{}}
	if res.Status != StatusComplete && res.Status != StatusNotTracked {
		if n := res.Remaining.Total; n > 0 {
			sum.Needs = append(sum.Needs, Need{Rule: "total", What: "clinical activities", Count: &n, By: res.End})
		}
		if n := res.Remaining.Primary; n > 0 {
			sum.Needs = append(sum.Needs, Need{Rule: "primary", What: "primary clinical activities", Count: &n, By: res.End})
		}
	}
	sum.Sentence = s.sentence(res.PeriodInfo, sum.Needs, func() string {
		return fmt.Sprintf("%d of %d clinical activities counted", res.Counted.Total, res.Requirement.Total)
	}, func() string { return fmt.Sprintf("%d clinical activities", value(res.PaceTarget)) })
	return sum
}

// value is *p, or the zero value for nil.
func value[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
