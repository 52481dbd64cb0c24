package progress

import (
	"fmt"
	"strconv"
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
	// Text says the need in one sentence, with whether the rule's value is confirmed.
	Text string `json:"text"`
	// Verified is false when the rule's value is unverified or inferred (Decision 21).
	Verified bool `json:"verified"`
}

// withText fills the need's sentence.
func (n Need) withText() Need {
	n.Text = upperFirst(needWords(n, true)) + " by " + longDate(n.By) + "."
	if !n.Verified {
		n.Text += " Recert's reading: not confirmed by the authority's current pages."
	}
	return n
}

// upperFirst capitalises the first letter of a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// longDate writes a date the way people read it: "30 June 2028" (as time's layout
// "2 January 2006" writes it, without parsing the layout for every date).
func longDate(d Date) string {
	if d.Year < 1000 || d.Year > 9999 || !d.Valid() {
		return d.Time().Format("2 January 2006")
	}
	return strconv.Itoa(d.Day) + " " + d.Month.String() + " " + strconv.Itoa(d.Year)
}

// unitWords names a program unit in the plural.
func unitWords(u Unit) string {
	if u == Hour60 {
		return "hours"
	}
	return "CEUs"
}

// activityWords names activity types for people, short names spelled out (Decision 21).
func activityWords(types []ActivityType) string {
	words := make([]string, len(types))
	for i, t := range types {
		words[i] = strings.ReplaceAll(string(t), "_", " ")
		if t == SDCE {
			words[i] = "SDCE (self-directed continuing education)"
		}
	}
	return strings.Join(words, " or ")
}

// categoryWords names an ABCP category for people.
func categoryWords(c Category) string {
	if c == CategoryNone || c == NoCategory {
		return "credit with no ABCP category"
	}
	return "Category " + string(c)
}

// what names a requirement for people.
func (p Program) what(q RequirementResult) string {
	unit := unitWords(p.Unit)
	switch q.Kind {
	case RequirementCategory:
		s := "Category " + string(q.Category) + " " + unit
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
func (r *ceuRun) ceuSummary(res PeriodResult, awarded exact) Summary {
	s := Summary{Status: res.Status, Needs: []Need{}}
	if res.Status != StatusComplete && res.Status != StatusNotTracked && !(res.Status == StatusUpcoming && r.certificationWillMeet()) {
		for _, q := range res.Requirements {
			if q.Met {
				continue
			}
			if q.Remaining > 0 {
				amount := q.Remaining
				s.Needs = append(s.Needs, Need{Rule: q.ID, What: r.p.what(q), Amount: &amount, By: res.End, Verified: q.Verified}.withText())
			}
			if q.RequiredCount != nil && *q.CountedCount < *q.RequiredCount {
				n := *q.RequiredCount - *q.CountedCount
				s.Needs = append(s.Needs, Need{Rule: q.ID, What: "courses on " + strings.ReplaceAll(q.Topic, "_", " "), Count: &n, By: res.End, Verified: q.Verified}.withText())
			}
		}
	}
	unit := unitWords(r.p.Unit)
	s.Sentence = r.sentence(res.PeriodInfo, s.Needs, periodWords{
		counted:  (res.Counted + res.CarriedIn).String() + " of " + res.Required.String() + " " + unit + " counted",
		recorded: (res.Counted + res.CarriedIn).String() + " of the " + res.Required.String() + " " + unit + " required in all",
		pace:     value(res.PaceTarget).String() + " " + unit,
		earlier:  "credits earned before then as self-reported activities",
		required: res.Required.String() + " " + unit,
		earned:   "Credits earned",
	}) + conversionWords(r.p, res, awarded)
	return s
}

// conversionWords says once per period how Recert converts CEUs of 50 minutes to the program's
// own unit (Decision 21), when it counts another unit and something was claimed.
func conversionWords(p Program, res PeriodResult, awarded exact) string {
	if p.Unit == CEU50 || res.Claimed == 0 {
		return ""
	}
	// Both sides are rounded down once from their exact sums (Decision 13).
	return fmt.Sprintf(" The board counts 60-minute hours; Recert converts your credits (%s CEUs as awarded) from their recorded minutes,"+
		" or at 50 minutes a CEU where none are recorded: %s hours.", awarded.down(), res.Claimed)
}

// periodWords are the amounts a period's sentence may say, already in words.
type periodWords struct {
	counted  string // "45.00 of 45.00 CEUs counted"
	recorded string // "3.00 of the 45.00 CEUs required in all"
	pace     string // "15.07 CEUs"
	earlier  string // what to add for the time before the record starts
	required string // "45.00 CEUs"
	earned   string // what can still be reported after the period: "Credits earned"
}

// sentence builds the plain sentence of a period from its needs.
func (s setup) sentence(pi PeriodInfo, needs []Need, w periodWords) string {
	due := "report due " + longDate(DateOf(pi.Deadline))
	var b strings.Builder
	switch pi.Status {
	case StatusNotTracked:
		return s.notTracked(pi, w)
	case StatusUpcoming:
		b.WriteString("Starts on " + longDate(pi.Start) + " and ends on " + longDate(pi.End) + "; " + due + ".")
		if s.certificationWillMeet() {
			b.WriteString(" Met by your ABCP certification if it is still current then.")
			return b.String()
		}
		if len(needs) > 0 {
			b.WriteString(" Needs " + needsWords(needs, true) + " by then.")
		}
		return b.String()
	case StatusComplete:
		switch {
		case pi.MetBy == MetByABCPCertification:
			b.WriteString("Complete: met by your current ABCP certification.")
		case pi.Exempt:
			b.WriteString("Complete: this first period is exempt.")
		default:
			b.WriteString("Complete: " + w.counted + "; " + due + ".")
		}
	case StatusDeficient:
		b.WriteString("Short by " + needsWords(needs, false) + ": the period ended on " + longDate(pi.End) + "; " + due + ".")
		if deadline := DateOf(pi.Deadline); !s.asOf.After(deadline) && !pi.Deadline.IsZero() {
			b.WriteString(" " + w.earned + " by " + longDate(pi.End) + " can still be reported until " + longDate(deadline) + ".")
		}
	default:
		words := needsWords(needs, true)
		if len(needs) > 1 {
			words += ","
		}
		b.WriteString("Needs " + words + " by " + longDate(pi.End) + "; " + due + ".")
		switch {
		case !s.track.IsZero() && pi.End.Before(s.track): // asked as of a day before the record starts
			b.WriteString(" Your record in Recert starts on " + longDate(s.track) + ", after this period ends, so Recert does not judge your pace in it.")
		case pi.Status == StatusOnTrack:
			b.WriteString(" At your pace you are on track.")
		default:
			b.WriteString(" You are behind: at an even pace you would have " + w.pace + " by now.")
		}
	}
	if pi.PartlyTracked && pi.Status != StatusComplete {
		b.WriteString(" Your record in Recert starts on " + longDate(s.track) + ": " + w.recorded + " are recorded since then; add " + w.earlier + ".")
	}
	return b.String()
}

// certificationWillMeet reports whether the member's current ABCP certification will meet the
// program's periods as they start (Decision 15), so an upcoming one lists no needs.
func (s setup) certificationWillMeet() bool { return s.p.MetByABCPCertification && s.f.ABCPCurrent }

// notTracked says why Recert does not judge a period (Decisions 17 and 19).
func (s setup) notTracked(pi PeriodInfo, w periodWords) string {
	switch {
	case s.track.IsZero() && s.p.Kind == KindClinical:
		return fmt.Sprintf("Not tracked: the clinical log is kept elsewhere until the first entry here; this year requires %s by %s.", w.required, longDate(pi.End))
	case pi.PartlyTracked:
		return fmt.Sprintf("Not tracked in full: your record in Recert starts on %s, late in this period that ended on %s, "+
			"so Recert cannot say whether it was met; %s are recorded since then. Add %s.", longDate(s.track), longDate(pi.End), w.recorded, w.earlier)
	}
	var b strings.Builder
	b.WriteString("Not tracked: this period ended on " + longDate(pi.End) + ", before your record in Recert starts")
	if !s.track.IsZero() {
		b.WriteString(" (" + longDate(s.track) + ")")
	}
	b.WriteString(", so Recert cannot say whether it was met.")
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
			parts = append(parts, needAmount(n)+" of them "+label)
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
	return strconv.Itoa(*n.Count)
}

// clinicalSummary writes the summary of a clinical period.
func (s setup) clinicalSummary(res ClinicalPeriodResult) Summary {
	sum := Summary{Status: res.Status, Needs: []Need{}}
	if res.Status != StatusComplete && res.Status != StatusNotTracked && !(res.Status == StatusUpcoming && s.certificationWillMeet()) {
		v := res.Requirement.Verified
		if n := res.Remaining.Total; n > 0 {
			sum.Needs = append(sum.Needs, Need{Rule: "total", What: "clinical activities", Count: &n, By: res.End, Verified: v}.withText())
		}
		if n := res.Remaining.Primary; n > 0 {
			sum.Needs = append(sum.Needs, Need{Rule: "primary", What: "primary clinical activities", Count: &n, By: res.End, Verified: v}.withText())
		}
	}
	sum.Sentence = s.sentence(res.PeriodInfo, sum.Needs, periodWords{
		counted:  strconv.Itoa(res.Counted.Total) + " of " + strconv.Itoa(res.Requirement.Total) + " clinical activities counted",
		recorded: strconv.Itoa(res.Counted.Total) + " of the " + strconv.Itoa(res.Requirement.Total) + " clinical activities required in all",
		pace:     strconv.Itoa(value(res.PaceTarget)) + " clinical activities",
		earlier:  "earlier activities to your clinical log",
		required: strconv.Itoa(res.Requirement.Total) + " clinical activities",
		earned:   "Clinical activities done",
	})
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
