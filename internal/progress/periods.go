package progress

import (
	"fmt"
	"time"
)

// span is one requirement period, first and last day inclusive.
type span struct{ Start, End Date }

func (s span) contains(d Date) bool { return d.Within(s.Start, s.End) }

// days is the length of the span in days.
func (s span) days() int { return s.End.DaysSince(s.Start) + 1 }

// layout computes the natural periods of one program for one member.
type layout struct {
	rule   PeriodRule
	mod    int        // abcp_cycle: end year mod Years
	birth  time.Month // birth_month_biennium
	parity int        // birth_month_biennium: end years y with y mod 2 = parity
	anchor Date       // rolling_months: first day of the first period
}

// newLayout binds a period rule to the member facts it needs.
func newLayout(p Program, f Facts) (layout, error) {
	l := layout{rule: p.Period}
	switch p.Period.Kind {
	case PeriodABCPCycle:
		m, ok := p.Period.CycleEndYearMod[f.ABCPCycle]
		if f.ABCPCycle == 0 || !ok {
			return l, fmt.Errorf("%w (program %s)", ErrCycleRequired, p.ID)
		}
		l.mod = m
	case PeriodBirthMonthBiennium:
		if f.BirthMonth == 0 {
			return l, fmt.Errorf("%w (program %s)", ErrBirthMonthRequired, p.ID)
		}
		l.birth = f.BirthMonth
		year := p.Period.AnchorYear
		if year == 0 {
			year = licenceDate(f).Year
			if licenceDate(f).IsZero() {
				return l, fmt.Errorf("%w (program %s: without an anchor year the licence year sets the biennium)", ErrLicenseDateRequired, p.ID)
			}
		}
		l.parity = floorMod(year, 2)
	case PeriodRollingMonths:
		l.anchor = licenceDate(f)
		if l.anchor.IsZero() {
			return l, fmt.Errorf("%w (program %s)", ErrLicenseDateRequired, p.ID)
		}
	}
	return l, nil
}

// licenceDate is the licence issue date, else the first licence date.
func licenceDate(f Facts) Date {
	if !f.LicenseIssued.IsZero() {
		return f.LicenseIssued
	}
	return f.FirstLicensed
}

// containing returns the natural period that contains d.
func (l layout) containing(d Date) span {
	r := l.rule
	switch r.Kind {
	case PeriodABCPCycle:
		b := nextBoundary(*r.Start, d)
		for y := b.Year; ; y++ {
			end := r.Start.in(y).AddDays(-1)
			if floorMod(end.Year, r.Years) == l.mod {
				return span{r.Start.in(y - r.Years), end}
			}
		}
	case PeriodClinicalYear:
		b := nextBoundary(*r.Start, d)
		return span{r.Start.in(b.Year - 1), b.AddDays(-1)}
	case PeriodFixedBiennium:
		y := nextBoundary(*r.Start, d).Year - 1
		if floorMod(y-r.AnchorYear, 2) != 0 {
			y--
		}
		return span{r.Start.in(y), r.Start.in(y + 2).AddDays(-1)}
	case PeriodBirthMonthBiennium:
		y := d.Year
		if d.After(endOfMonth(y, l.birth)) {
			y++
		}
		if floorMod(y, 2) != l.parity {
			y++
		}
		return span{endOfMonth(y-2, l.birth).AddDays(1), endOfMonth(y, l.birth)}
	case PeriodRollingMonths:
		return l.rolling(d)
	}
	return span{Date{Year: d.Year, Month: time.January, Day: 1}, Date{Year: d.Year, Month: time.December, Day: 31}}
}

// rolling returns the rolling period containing d; every start is computed from the anchor, not
// from the previous period, so that month-end clamping (29 February) never drifts.
func (l layout) rolling(d Date) span {
	n := l.rule.Months
	months := (d.Year-l.anchor.Year)*12 + int(d.Month) - int(l.anchor.Month)
	k := floorDiv(months, n)
	for l.anchor.AddMonths(k * n).After(d) {
		k--
	}
	for !l.anchor.AddMonths((k + 1) * n).After(d) {
		k++
	}
	return span{l.anchor.AddMonths(k * n), l.anchor.AddMonths((k + 1) * n).AddDays(-1)}
}

// nextBoundary returns the first occurrence of md strictly after d.
func nextBoundary(md MonthDay, d Date) Date {
	if b := md.in(d.Year); b.After(d) {
		return b
	}
	return md.in(d.Year + 1)
}

func endOfMonth(y int, m time.Month) Date { return Date{Year: y, Month: m, Day: daysIn(y, m)} }

// period is one evaluated period of a program for a member.
type period struct {
	Relation Relation
	span          // as evaluated: may start on the member start
	natural  span // as the layout draws it
	first    bool // contains the member's start
}

// memberStart returns the date the program's obligations start for the member (zero if unknown).
func memberStart(p Program, f Facts) Date {
	switch p.MemberStart {
	case StartCertification:
		return f.CertifiedOn
	case StartFirstLicensed:
		if !f.FirstLicensed.IsZero() {
			return f.FirstLicensed
		}
		return f.LicenseIssued
	}
	return Date{}
}

// periodFor applies the member-start rules to a natural period; ok is false for a period that
// ends before the member's obligations start.
func periodFor(p Program, f Facts, natural span) (period, bool) {
	pd := period{span: natural, natural: natural}
	ms := memberStart(p, f)
	if ms.IsZero() {
		return pd, true
	}
	if natural.End.Before(ms) {
		return pd, false
	}
	if natural.contains(ms) {
		pd.first = true
		if p.FirstPeriodStartsOnMemberStart {
			pd.Start = ms
		}
	}
	return pd, true
}

// plan returns the previous, current and next periods around asOf that apply to the member,
// in buf (a caller's array, so that planning allocates nothing).
func plan(p Program, f Facts, l layout, asOf Date, buf *[3]period) []period {
	cur := l.containing(asOf)
	spans := [3]span{l.containing(cur.Start.AddDays(-1)), cur, l.containing(cur.End.AddDays(1))}
	relations := [3]Relation{Previous, Current, Next}
	out := buf[:0]
	for i, s := range spans {
		if pd, ok := periodFor(p, f, s); ok {
			pd.Relation = relations[i]
			out = append(out, pd)
		}
	}
	return out
}

// deadline is the due instant for a period ending on end.
func deadline(r DeadlineRule, end Date, loc *time.Location) time.Time {
	day := end.AddMonths(r.AfterEnd.Months).AddDays(r.AfterEnd.Days)
	hour, minute := clockOf(r.Time)
	return time.Date(day.Year, day.Month, day.Day, hour, minute, 0, 0, loc)
}

// clockOf reads a validated wall-clock time "HH:MM" without time.Parse, which each period's
// deadline would otherwise call.
func clockOf(hhmm string) (hour, minute int) {
	digit := func(i int) (int, bool) { c := hhmm[i]; return int(c - '0'), c >= '0' && c <= '9' }
	if len(hhmm) == 5 && hhmm[2] == ':' {
		h1, ok1 := digit(0)
		h2, ok2 := digit(1)
		m1, ok3 := digit(3)
		m2, ok4 := digit(4)
		if ok1 && ok2 && ok3 && ok4 {
			return h1*10 + h2, m1*10 + m2
		}
	}
	clock, _ := time.Parse("15:04", hhmm) // validated: another spelling time.Parse accepts
	return clock.Hour(), clock.Minute()
}

// Late reports whether a filing at filed misses a deadline. The deadline names a minute
// ("11:59 PM"), so the whole minute is still on time.
func Late(deadline, filed time.Time) bool {
	return !filed.Before(deadline.Add(time.Minute))
}

// statusOf applies Decisions 8 and 18. met says every rule is met; counted, required and
// tolerance are in one scale (exact amounts, or hundredths of activities). An open period is
// behind only when counted falls short of the elapsed share of required by more than the
// tolerance times the share of the period still ahead. Pace is measured over pace: the period,
// or its tracked part (Decision 19).
func statusOf(s, pace span, asOf Date, met bool, counted, required, tolerance int64) Status {
	switch {
	case asOf.Before(s.Start):
		return StatusUpcoming
	case met:
		return StatusComplete
	case asOf.After(s.End):
		return StatusDeficient
	}
	e, n := int64(elapsed(pace, asOf)), int64(pace.days())
	if counted*n >= required*e-tolerance*(n-e) {
		return StatusOnTrack
	}
	return StatusBehind
}

// elapsed is the number of days of s that have begun by asOf (Decision 14): on day d of a
// period of n days, d have elapsed, so on the last day the pace target is the whole requirement.
func elapsed(s span, asOf Date) int {
	return min(max(asOf.DaysSince(s.Start)+1, 0), s.days())
}

// paceTarget is the elapsed share of the period times required, rounded up to a whole number of
// required's steps (hundredths' 1/600 for credit programs; whole activities for clinical ones),
// so that an integer count meets it exactly when it meets the exact share. A clinical target of
// 40 activities on day 100 of 365 is ceil(40 × 100 / 365) = 11.
func paceTarget(s span, asOf Date, required int64) int64 {
	e, n := int64(elapsed(s, asOf)), int64(s.days())
	return (required*e + n - 1) / n
}

// Today is the civil date of now in the program's time zone (Decision 13: "today" and period
// boundaries are the program's; for ABCP, America/Los_Angeles).
func Today(p Program, now time.Time) (Date, error) {
	loc, err := p.location()
	if err != nil {
		return Date{}, err
	}
	return DateOf(now.In(loc)), nil
}

// Window returns the first and last day of the credits an evaluation as of asOf reads: its
// previous, current and next periods, and the period before them when the program carries
// surplus over, so that a caller loads only those (ok is false when no period applies).
func Window(p Program, f Facts, asOf Date) (from, to Date, ok bool, err error) {
	s, err := prepare(p, f, asOf)
	if err != nil {
		return Date{}, Date{}, false, err
	}
	var buf [3]period
	periods := plan(p, f, s.layout, asOf, &buf)
	if len(periods) == 0 {
		return Date{}, Date{}, false, nil
	}
	from, to = periods[0].natural.Start, periods[len(periods)-1].natural.End
	if p.CarryOver != nil {
		from = s.layout.containing(from.AddDays(-1)).Start
	}
	return from, to, true, nil
}
