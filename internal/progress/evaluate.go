package progress

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"time"
)

// Evaluate computes a member's progress under a credit ("ceu") program as of a date: the
// previous, current and next periods around asOf (those that do not end before the member's
// start), each with its deadline, status, counted and excess amounts by category and by rule,
// and an explanation of every credit dated in it. asOf chooses the periods and their status; it
// does not filter credits: the caller passes the ledger to evaluate.
//
// Errors: a *ValidationError for an invalid program, credit or fact; ErrCycleRequired (and the
// other missing-fact errors) when the period layout needs a fact the member lacks; ErrWrongKind
// for a clinical program.
func Evaluate(p Program, f Facts, credits []Credit, asOf Date) (Evaluation, error) {
	return EvaluateAt(p, f, credits, asOf, asOf)
}

// EvaluateAt is Evaluate of the periods around the one containing at, judged as of asOf
// (Decision 20): a report chooses its period by any date inside it, and the day it is read on
// decides the status, so a period that has ended is complete, deficient or not tracked.
func EvaluateAt(p Program, f Facts, credits []Credit, at, asOf Date) (Evaluation, error) {
	return EvaluateWith(p, f, credits, at, asOf, Options{Credits: true})
}

// Options choose what an evaluation reports beyond each period's status, totals, requirements
// and what it does not count.
type Options struct {
	// Credits explains every credit of each period (PeriodResult.Credits). An answer that
	// shows no credit need not pay for thousands of explanations.
	Credits bool
	// Checked says ValidateCredits accepted the credits: several programs evaluated over one
	// record check it once.
	Checked bool
	// Current reports the current period only (all of them when none is current): a list of
	// members' standing shows no other.
	Current bool
	// once says, when Check set it, that no two credits name the same session: the duplicate
	// rule has nothing to cut in any program.
	once bool
	// dated says, when datedKnown (Check set it), whether the credits are in date order.
	dated, datedKnown bool
}

// Check validates credits once for several evaluations over them with o: the options it
// returns say whether they were valid (invalid credits leave each evaluation to report
// them) and carry what every program's evaluation would otherwise find again.
func (o Options) Check(credits []Credit) Options {
	o.Checked = ValidateCredits(credits) == nil
	o.once = o.Checked && !creditedTwice(credits)
	o.dated, o.datedKnown = inDateOrder(credits), true
	return o
}

// inDateOrder reports whether credits are in date order, as a ledger gives them: a period's
// credits are then found by binary search instead of a pass over all of them.
func inDateOrder(credits []Credit) bool {
	return slices.IsSortedFunc(credits, func(a, b Credit) int { return a.Date.Compare(b.Date) })
}

// creditedTwice reports whether a session may be credited twice: whether two credits name
// the same session (of the same activity type or not: the tally then looks closer).
func creditedTwice(credits []Credit) bool {
	seen := make(map[string]struct{}, len(credits))
	for i := range credits {
		s := credits[i].Session
		if s == "" {
			continue
		}
		if _, ok := seen[s]; ok {
			return true
		}
		seen[s] = struct{}{}
	}
	return false
}

// reported are the periods an evaluation reports of those planned.
func (o Options) reported(periods []period) []period {
	if !o.Current {
		return periods
	}
	if i := slices.IndexFunc(periods, func(pd period) bool { return pd.Relation == Current }); i >= 0 {
		return periods[i : i+1]
	}
	return periods
}

// EvaluateWith is EvaluateAt reporting what o chooses.
func EvaluateWith(p Program, f Facts, credits []Credit, at, asOf Date, o Options) (Evaluation, error) {
	if p.Kind != KindCEU {
		return Evaluation{}, fmt.Errorf("%w: %s is a %q program; use EvaluateClinical", ErrWrongKind, p.ID, p.Kind)
	}
	s, err := prepare(p, f, asOf)
	if err != nil {
		return Evaluation{}, err
	}
	if !o.Checked {
		if err := ValidateCredits(credits); err != nil {
			return Evaluation{}, err
		}
	}
	s.track = trackingStart(f, func(yield func(Date) bool) {
		for _, c := range credits {
			if !yield(c.Date) {
				return
			}
		}
	})
	if !o.datedKnown {
		o.dated, o.datedKnown = inDateOrder(credits), true
	}
	if o.Credits && slices.ContainsFunc(credits, func(c Credit) bool { return c.Count > 1 }) {
		return Evaluation{}, ErrSummed
	}
	r := ceuRun{setup: s, credits: credits, tallies: map[Date]*tally{}, opts: o}
	e := Evaluation{ProgramID: p.ID, ProgramVersion: p.Version, AsOf: asOf, Unit: p.Unit, TrackingSince: s.track, Periods: []PeriodResult{}}
	if !at.Valid() {
		return Evaluation{}, &ValidationError{Errors: []FieldError{{Pointer: "#/period", Message: "is not a valid date"}}}
	}
	var buf [3]period
	reported := o.reported(plan(p, f, s.layout, at, &buf))
	e.Periods = make([]PeriodResult, 0, len(reported)) // a period's result is large: no regrowing
	for _, pd := range reported {
		e.Periods = append(e.Periods, r.result(pd))
	}
	for _, t := range r.tallies {
		if t.summed {
			return Evaluation{}, ErrSummed
		}
	}
	return e, nil
}

// setup is what both evaluations derive from a program and a member before counting.
type setup struct {
	p      Program
	f      Facts
	asOf   Date
	loc    *time.Location
	layout layout
	track  Date // the start of the member's record in Recert (zero: none)
}

// trackingStart is the member's tracking date, else the earliest of dates (Decision 17).
func trackingStart(f Facts, dates iter.Seq[Date]) Date {
	if !f.TrackingSince.IsZero() {
		return f.TrackingSince
	}
	var first Date
	for d := range dates {
		if first.IsZero() || d.Before(first) {
			first = d
		}
	}
	return first
}

// prepare validates the inputs and binds the period layout to the member.
func prepare(p Program, f Facts, asOf Date) (setup, error) {
	if !p.checked {
		if err := p.Validate(); err != nil {
			return setup{}, err
		}
	}
	if err := validateFacts(f); err != nil {
		return setup{}, err
	}
	if !asOf.Valid() {
		return setup{}, &ValidationError{Errors: []FieldError{{Pointer: "#/as_of", Message: "is not a valid date"}}}
	}
	loc, err := p.location()
	if err != nil {
		return setup{}, err
	}
	l, err := newLayout(p, f)
	if err != nil {
		return setup{}, err
	}
	return setup{p: p, f: f, asOf: asOf, loc: loc, layout: l}, nil
}

// info fills the fields every period reports. counted, required and tolerance are the totals
// compared for pace, in one scale (exact amounts, or hundredths of activities).
func (s setup) info(pd period, met, exempt bool, counted, required, tolerance int64) PeriodInfo {
	pi := PeriodInfo{
		Relation: pd.Relation, Start: pd.Start, End: pd.End, Deadline: deadline(s.p.Deadline, pd.natural.End, s.loc),
		FirstPeriod: pd.first, Exempt: exempt,
		ElapsedDays: elapsed(pd.span, s.asOf), Days: pd.days(),
	}
	if s.metBy(pd) {
		pi.MetBy, met = MetByABCPCertification, true
	}
	pi.PartlyTracked = s.partlyTracked(pd)
	pace, judged := s.paceSpan(pd)
	pi.Status = statusOf(pd.span, pace, s.asOf, met, counted, required, tolerance)
	switch {
	case pi.Status == StatusBehind && !judged:
		pi.Status = StatusOnTrack // Decision 19: less than half the period was seen
	case pi.Status == StatusDeficient && (s.track.IsZero() || pd.End.Before(s.track) || !judged):
		pi.Status = StatusNotTracked
	}
	return pi
}

// partlyTracked reports whether the member's record in Recert starts inside the period.
func (s setup) partlyTracked(pd period) bool {
	return !s.track.IsZero() && pd.Start.Before(s.track) && !pd.End.Before(s.track)
}

// paceSpan is the span pace is measured over (Decision 19): the period, or from the tracking
// start when the record starts inside it; judged is false when that leaves less than half
// the period, so that Recert neither says behind nor short of time it did not see. A period
// that ends before the record starts (asked as of a day before it) was not seen at all.
func (s setup) paceSpan(pd period) (pace span, judged bool) {
	if !s.track.IsZero() && pd.End.Before(s.track) {
		return pd.span, false
	}
	if !s.partlyTracked(pd) {
		return pd.span, true
	}
	tracked := span{Start: s.track, End: pd.End}
	return tracked, tracked.days()*2 >= pd.days()
}

// metBy reports whether a current ABCP certification meets the period (Decision 15).
func (s setup) metBy(pd period) bool {
	return s.p.MetByABCPCertification && s.f.ABCPCurrent && !s.asOf.Before(pd.Start)
}

// open reports whether asOf falls inside the period, so a pace applies.
func (s setup) open(pd period) bool { return pd.contains(s.asOf) }

// ceuRun evaluates the periods of one credit program call, remembering each period's tally so
// that carry-over does not count a period twice.
type ceuRun struct {
	setup
	credits []Credit
	tallies map[Date]*tally
	opts    Options
}

// item is one credit being counted in one period; amounts are exact in the program's unit.
type item struct {
	c       *Credit
	cat     Category
	n       exact // the credits it stands for (Credit.Count); 0 is 1
	claimed exact // in the program's unit, of all n
	amount  exact // what is left after the rules applied so far
	cuts    []cut
	refused NotCountedReason // why nothing of it counts, if so
	detail  string
}

// count is the number of credits the item stands for.
func (it *item) count() exact { return max(it.n, 1) }

// each is the amount of each credit the item stands for: what allocation orders by.
func (it *item) each() exact {
	if it.n > 1 {
		return it.amount / it.n
	}
	return it.amount
}

// cut is an amount a rule removed from one credit, exact.
type cut struct {
	credit *item
	rule   string
	kind   string
	amount exact
}

// limit is one maximum applied in a period, exact.
type limit struct {
	LimitResult
	limit, kept, excess exact
}

// tally is the count of one period's own credits.
type tally struct {
	items    []*item // dated in the period's span, in allocation order
	accepted []*item
	cuts     []cut
	limits   []limit
	counted  exact
	required exact
	exempt   bool
	// summed says a summed credit was refused or cut, or in a maximum that bound: how each of
	// its credits fares is not known (ErrSummed).
	summed bool
}

// ownSurplus is what the period's own credits count beyond its requirement; carried-in units
// are never carried again (next period only).
func (t *tally) ownSurplus() exact { return max(0, t.counted-t.required) }

// tally counts the credits of a period, once per period.
func (r *ceuRun) tally(pd period) *tally {
	if t, ok := r.tallies[pd.Start]; ok {
		return t
	}
	t := &tally{exempt: r.p.FirstPeriodExempt && pd.first, items: r.gather(pd)}
	if !t.exempt {
		t.required = exactOf(r.p.Total.Value)
	}
	allocationOrder(t.items)
	t.accept(r.p, pd)
	t.dedupe(!r.opts.once)
	t.applyCaps(r.p)
	for _, it := range t.accepted {
		t.counted += it.amount
	}
	r.tallies[pd.Start] = t
	return t
}

// gather returns the credits dated in the period's natural span, converted exactly to the
// program's unit; those before the member's start are kept so that they can be listed.
func (r *ceuRun) gather(pd period) []*item {
	credits := r.credits
	if r.opts.dated { // the span's credits are one run of them
		lo := sort.Search(len(credits), func(i int) bool { return !credits[i].Date.Before(pd.natural.Start) })
		hi := lo + sort.Search(len(credits)-lo, func(i int) bool { return credits[lo+i].Date.After(pd.natural.End) })
		credits = credits[lo:hi]
	}
	n := 0
	for i := range credits {
		if pd.natural.contains(credits[i].Date) {
			n++
		}
	}
	store, items := make([]item, n), make([]*item, 0, n) // two allocations per period, not n
	for i := range credits {
		if c := &credits[i]; pd.natural.contains(c.Date) {
			it := &store[len(items)]
			it.c, it.cat, it.n = c, c.category(), c.count()
			it.claimed = c.in(r.p.unitFor(it.cat)) * it.n
			it.amount = it.claimed
			items = append(items, it)
		}
	}
	return items
}

// allocationOrder sorts by Decision 5: earliest first, then larger, then by id. Credits come
// in date and id order from a ledger; then only each day's credits are ordered by amount.
func allocationOrder(items []*item) {
	byDateID := func(a, b *item) int { return cmp.Or(a.c.Date.Compare(b.c.Date), cmp.Compare(a.c.ID, b.c.ID)) }
	if !slices.IsSortedFunc(items, byDateID) {
		slices.SortFunc(items, func(a, b *item) int {
			return cmp.Or(a.c.Date.Compare(b.c.Date), cmp.Compare(b.each(), a.each()), cmp.Compare(a.c.ID, b.c.ID))
		})
		return
	}
	var buf []*item
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].c.Date == items[i].c.Date {
			j++
		}
		buf = largerFirst(items[i:j], buf)
		i = j
	}
}

// largerFirst orders one day's credits, given in id order, by amount, larger first, keeping
// equal amounts in id order. A meeting's sessions come in a few amounts: each is taken in
// one pass, through buf (returned for the next day), rather than sorted comparing ids.
func largerFirst(day, buf []*item) []*item {
	var amounts []exact
	for _, it := range day {
		if !slices.Contains(amounts, it.each()) {
			if len(amounts) == 8 { // many amounts: sort, stably
				slices.SortStableFunc(day, func(a, b *item) int { return cmp.Compare(b.each(), a.each()) })
				return buf
			}
			amounts = append(amounts, it.each())
		}
	}
	if len(amounts) < 2 {
		return buf
	}
	slices.SortFunc(amounts, func(a, b exact) int { return cmp.Compare(b, a) })
	buf = buf[:0]
	for _, a := range amounts {
		for _, it := range day {
			if it.each() == a {
				buf = append(buf, it)
			}
		}
	}
	copy(day, buf)
	return buf
}

// accept keeps the credits the program counts and notes why the others are not.
func (t *tally) accept(p Program, pd period) {
	for _, it := range t.items {
		switch {
		case !pd.contains(it.c.Date):
			it.refused, it.detail = ReasonOutsidePeriod, "dated before the period starts on "+longDate(pd.Start)
		case it.c.Rejected:
			it.refused, it.detail = ReasonRejected, "rejected in review"
		default:
			it.refused = p.Accept.refuses(it.c, it.cat)
			it.detail = refusal(it, p)
		}
		if it.refused == "" {
			t.accepted = append(t.accepted, it)
			continue
		}
		t.summed = t.summed || it.n > 1
		it.amount = 0
	}
}

// refusal says in words why the program does not accept a credit.
func refusal(it *item, p Program) string {
	switch it.refused {
	case ReasonNotAccepted:
		approvers := "no approver"
		if len(it.c.ApprovedBy) > 0 {
			names := make([]string, len(it.c.ApprovedBy))
			for i, a := range it.c.ApprovedBy {
				names[i] = ApproverWords(a)
			}
			approvers = "approved by " + strings.Join(names, " and ")
		}
		return fmt.Sprintf("%s, %s: this program counts %s", categoryWords(it.cat), approvers, acceptedWords(p.Accept))
	case ReasonActivityNotAccepted:
		return fmt.Sprintf("this program does not count %s", it.c.ActivityType.Words())
	}
	return ""
}

// acceptedWords lists what a program accepts, for people.
func acceptedWords(a Accept) string {
	var parts []string
	for _, c := range a.Categories {
		parts = append(parts, categoryWords(c))
	}
	for _, x := range a.ApprovedBy {
		parts = append(parts, "credit approved by "+ApproverWords(x))
	}
	return strings.Join(parts, " or ")
}

// dedupe counts one credit per session and activity type (Decision 11): the largest, ties by
// allocation order, so that adding a credit never lowers what counts. Then one source per ABCP
// approval reference, date and activity type (dedupeApproval). Sessions are looked at only
// when one may be credited twice.
func (t *tally) dedupe(sessions bool) {
	if sessions {
		t.dedupeSessions()
	}
	t.dedupeApproval()
}

func (t *tally) dedupeSessions() {
	kept := make(map[[2]string]*item, len(t.accepted))
	sessions := 0
	for _, it := range t.accepted {
		key := [2]string{it.c.Session, string(it.c.ActivityType)}
		if it.c.Session == "" {
			continue
		}
		sessions++
		if k, ok := kept[key]; !ok || it.amount > k.amount {
			kept[key] = it
		}
	}
	if len(kept) < sessions { // else no session was credited twice: nothing to cut
		for _, it := range t.accepted {
			if k, ok := kept[[2]string{it.c.Session, string(it.c.ActivityType)}]; ok && k != it {
				t.cut(it, DuplicateRule, LimitDuplicate, it.amount)
			}
		}
	}
}

// dedupeApproval keeps, of the sources giving credit for one ABCP approval reference on one
// day for one activity type, the one that gives most (ties: a verified one, then allocation
// order), and cuts the others whole: the same approved offering counts once, whether its
// organizer posted it, the member reported it, or two events share the approval.
func (t *tally) dedupeApproval() {
	type key struct {
		ref  string
		date Date
		act  ActivityType
	}
	type src struct {
		total    exact
		verified bool
		order    int
	}
	sources := map[key]map[string]*src{}
	for i, it := range t.accepted {
		if it.c.ApprovalRef == "" || it.amount == 0 {
			continue
		}
		k := key{strings.ToUpper(strings.TrimSpace(it.c.ApprovalRef)), it.c.Date, it.c.ActivityType}
		if sources[k] == nil {
			sources[k] = map[string]*src{}
		}
		s := sources[k][it.c.source()]
		if s == nil {
			s = &src{order: i}
			sources[k][it.c.source()] = s
		}
		s.total += it.amount
		s.verified = s.verified || it.c.Verified
	}
	best := map[key]string{}
	for k, ss := range sources {
		var win string
		for name, s := range ss {
			w := ss[win]
			if w == nil || s.total > w.total || s.total == w.total && (s.verified && !w.verified || s.verified == w.verified && s.order < w.order) {
				win = name
			}
		}
		best[k] = win
	}
	for _, it := range t.accepted {
		if it.c.ApprovalRef == "" || it.amount == 0 {
			continue
		}
		if w := best[key{strings.ToUpper(strings.TrimSpace(it.c.ApprovalRef)), it.c.Date, it.c.ActivityType}]; w != it.c.source() {
			t.cut(it, DuplicateApprovalRule, LimitDuplicate, it.amount)
		}
	}
}

// applyCaps applies Decision 4: every per-activity maximum, then every per-period maximum by
// activity type, then category maximums.
func (t *tally) applyCaps(p Program) {
	for _, c := range p.Caps {
		if c.PerActivity != nil {
			t.perActivity(c)
		}
	}
	for _, c := range p.Caps {
		if c.PerPeriod != nil {
			group := t.filter(func(it *item) bool { return it.c.ActivityType == c.ActivityType })
			l := limit{LimitResult: LimitResult{ID: c.ID, Kind: LimitPerPeriod, ActivityType: c.ActivityType,
				Verified: c.PerPeriod.Verified}, limit: exactOf(c.PerPeriod.Value)}
			l.kept, l.excess = t.allocate(group, l.limit, c.ID, LimitPerPeriod)
			t.limits = append(t.limits, l)
		}
	}
	for _, r := range p.Categories {
		if r.Max != nil {
			l := limit{LimitResult: LimitResult{ID: r.ID, Kind: LimitCategoryMax, Category: r.Category,
				Verified: r.Max.Verified}, limit: exactOf(r.Max.Value)}
			l.kept, l.excess = t.allocate(t.filter(r.matches), l.limit, r.ID, LimitCategoryMax)
			t.limits = append(t.limits, l)
		}
	}
}

// perActivity bounds each credit of the cap's activity type.
func (t *tally) perActivity(c Cap) {
	l := limit{LimitResult: LimitResult{ID: c.ID, Kind: LimitPerActivity, ActivityType: c.ActivityType,
		Verified: c.PerActivity.Verified}, limit: exactOf(c.PerActivity.Value)}
	for _, it := range t.filter(func(it *item) bool { return it.c.ActivityType == c.ActivityType }) {
		if over := (it.each() - l.limit) * it.count(); over > 0 {
			t.cut(it, c.ID, LimitPerActivity, over)
			l.excess += over
		}
		l.kept += it.amount
	}
	t.limits = append(t.limits, l)
}

// allocate keeps up to max of the group, earliest first (Decision 5), and cuts the rest.
func (t *tally) allocate(group []*item, most exact, rule, kind string) (kept, excess exact) {
	allocationOrder(group)
	left := most
	for _, it := range group {
		keep := min(it.amount, left)
		left -= keep
		kept += keep
		if over := it.amount - keep; over > 0 {
			t.cut(it, rule, kind, over)
			excess += over
		}
	}
	// Which credits a bound maximum cuts depends on their order, and a summed credit's are
	// not in it one by one.
	t.summed = t.summed || excess > 0 && slices.ContainsFunc(group, func(it *item) bool { return it.n > 1 })
	return kept, excess
}

// cut removes amount from a credit and records why.
func (t *tally) cut(it *item, rule, kind string, amount exact) {
	it.amount -= amount
	t.summed = t.summed || it.n > 1
	c := cut{credit: it, rule: rule, kind: kind, amount: amount}
	it.cuts = append(it.cuts, c)
	t.cuts = append(t.cuts, c)
}

// filter returns the accepted credits that still count something and satisfy keep.
func (t *tally) filter(keep func(*item) bool) []*item {
	var out []*item
	for _, it := range t.accepted {
		if it.amount > 0 && keep(it) {
			out = append(out, it)
		}
	}
	return out
}

// matches reports whether a credit falls under a category rule.
func (r CategoryRule) matches(it *item) bool {
	return it.cat == r.Category && !slices.Contains(r.ExcludeActivityTypes, it.c.ActivityType)
}

// carryIn is the surplus carried into pd from the period before it.
func (r *ceuRun) carryIn(pd period) exact {
	if r.p.CarryOver == nil {
		return 0
	}
	prev, ok := periodFor(r.p, r.f, r.layout.containing(pd.natural.Start.AddDays(-1)))
	if !ok {
		return 0
	}
	return min(r.tally(prev).ownSurplus(), exactOf(r.p.CarryOver.Value))
}

// result builds the report of one period. Amounts are exact until here; each displayed one is
// rounded once: counted amounts down, remaining amounts and pace targets up (Decision 13).
func (r *ceuRun) result(pd period) PeriodResult {
	t := r.tally(pd)
	carried := r.carryIn(pd)
	var claimed exact
	for _, it := range t.accepted {
		claimed += it.claimed
	}
	have := t.counted + carried
	res := PeriodResult{
		Required: t.required.down(), Counted: t.counted.down(), CarriedIn: carried.down(),
		Claimed: claimed.down(), Excess: (claimed - t.counted).down(),
		Remaining: max(0, t.required-have).up(), Surplus: max(0, have-t.required).down(),
		Limits: limitResults(t.limits), Cuts: cutResults(t.cuts),
	}
	if r.p.CarryOver != nil {
		res.CarriedOut = min(t.ownSurplus(), exactOf(r.p.CarryOver.Value)).down()
	}
	res.Requirements = r.requirements(t, have)
	met := true
	for _, q := range res.Requirements {
		met = met && q.Met
	}
	res.PeriodInfo = r.info(pd, met, t.exempt, int64(have), int64(t.required), int64(exactOf(r.p.paceTolerance())))
	if res.MetBy != "" {
		res.Remaining = 0
		for i := range res.Requirements {
			res.Requirements[i].Remaining, res.Requirements[i].Met, res.Requirements[i].MetBy = 0, true, res.MetBy
		}
	}
	if pace, _ := r.paceSpan(pd); r.open(pd) && res.Status != StatusComplete && res.Status != StatusNotTracked {
		target := exact(paceTarget(pace, r.asOf, int64(t.required))).up()
		res.PaceTarget = &target
	}
	res.ByCategory = byCategory(r.p, t)
	if r.opts.Credits {
		res.Credits = r.creditResults(t)
	}
	var awarded exact // in CEUs of 50 minutes, for the conversion sentence
	for _, it := range t.accepted {
		awarded += it.c.in(CEU50) * it.count()
	}
	res.NotCounted, res.NotCountedTotals = notCounted(t, r.p.Unit)
	res.Summary = r.ceuSummary(res, awarded)
	return res
}

// limitResults rounds the applied maximums for display.
func limitResults(ls []limit) []LimitResult {
	out := make([]LimitResult, len(ls))
	for i, l := range ls {
		out[i] = l.LimitResult
		out[i].Limit, out[i].Kept, out[i].Excess = l.limit.down(), l.kept.down(), l.excess.down()
	}
	return out
}

// cutResults rounds the cuts for display.
func cutResults(cs []cut) []CreditCut {
	out := make([]CreditCut, len(cs))
	for i, c := range cs {
		out[i] = CreditCut{CreditID: c.credit.c.ID, Cut: Cut{Rule: c.rule, Kind: c.kind, Amount: c.amount.down()}}
	}
	return out
}

// notCounted lists what the period does not count, refused credits and cuts alike, in
// allocation order, with totals per reason.
func notCounted(t *tally, unit Unit) ([]NotCounted, []NotCountedTotal) {
	out := []NotCounted{}
	sums := map[NotCountedReason]exact{}
	counts := map[NotCountedReason]int{}
	add := func(it *item, reason NotCountedReason, rule string, amount exact, detail string) {
		out = append(out, NotCounted{CreditID: it.c.ID, Date: it.c.Date, Reason: reason, Rule: rule, Amount: amount.down(), Detail: detail})
		sums[reason] += amount
		counts[reason] += int(it.count())
	}
	for _, it := range t.items {
		if it.refused != "" {
			add(it, it.refused, "", it.claimed, it.detail)
		}
		for _, c := range it.cuts {
			reason, detail := ReasonOverCap, t.overWords(c, unit)
			if c.kind == LimitDuplicate {
				reason, detail = ReasonDuplicate, duplicateWords(c.rule)
			}
			add(it, reason, c.rule, c.amount, detail)
		}
	}
	totals := []NotCountedTotal{}
	for _, reason := range notCountedReasons {
		if counts[reason] > 0 {
			totals = append(totals, NotCountedTotal{Reason: reason, Credits: counts[reason], Amount: sums[reason].down()})
		}
	}
	return out, totals
}

// duplicateWords says why a duplicate does not count.
func duplicateWords(rule string) string {
	if rule == DuplicateApprovalRule {
		return "another credit for the same ABCP-approved offering on the same day counts instead"
	}
	return "another credit for the same session counts instead"
}

// overWords says which maximum removed a cut, in words.
func (t *tally) overWords(c cut, unit Unit) string {
	for _, l := range t.limits {
		if l.ID != c.rule {
			continue
		}
		what := categoryWords(l.Category) + " " + unitWords(unit)
		if l.ActivityType != "" {
			what = l.ActivityType.Words()
		}
		per := "in one period"
		if l.Kind == LimitPerActivity {
			per = "for one activity"
		}
		s := fmt.Sprintf("over the maximum of %s %s counted %s for %s", l.limit.down(), unitWords(unit), per, what)
		if !l.Verified {
			s += " (a limit not confirmed by the program's authority)"
		}
		return s
	}
	return "over a maximum of the program"
}

// requirements reports the total, each category minimum and each topic.
func (r *ceuRun) requirements(t *tally, have exact) []RequirementResult {
	zeroIf := func(a *Amount) exact {
		if t.exempt {
			return 0
		}
		return exactOf(a.Value)
	}
	out := make([]RequirementResult, 1, 1+len(r.p.Categories)+len(r.p.Topics))
	out[0] = minimum(RequirementResult{ID: "total", Kind: RequirementTotal, Verified: r.p.Total.Verified}, t.required, have)
	for _, c := range r.p.Categories {
		if c.Min == nil {
			continue
		}
		q := RequirementResult{ID: c.ID, Kind: RequirementCategory, Category: c.Category,
			ExcludeActivityTypes: c.ExcludeActivityTypes, Verified: c.Min.Verified}
		out = append(out, minimum(q, zeroIf(c.Min), sum(t.accepted, c.matches)))
	}
	for _, tp := range r.p.Topics {
		out = append(out, r.topic(t, tp))
	}
	for i := range out {
		out[i].What = r.p.what(out[i])
	}
	return out
}

// topic reports a topic requirement: units and/or a number of credits carrying the tag.
func (r *ceuRun) topic(t *tally, tp TopicRule) RequirementResult {
	tagged := func(it *item) bool { return slices.Contains(it.c.Topics, tp.Topic) }
	q := RequirementResult{ID: tp.ID, Kind: RequirementTopic, Topic: tp.Topic, Verified: true}
	var need exact
	if tp.Min != nil && !t.exempt {
		need = exactOf(tp.Min.Value)
	}
	q.Verified = tp.Min == nil || tp.Min.Verified
	q = minimum(q, need, sum(t.accepted, tagged))
	if tp.MinCount != nil {
		n, got := 0, 0
		if !t.exempt {
			n = tp.MinCount.Value
		}
		for _, it := range t.accepted {
			if it.amount > 0 && tagged(it) {
				got += int(it.count())
			}
		}
		q.RequiredCount, q.CountedCount = &n, &got
		q.Met = q.Met && got >= n
		q.Verified = q.Verified && tp.MinCount.Verified
	}
	return q
}

// minimum fills the required/counted/remaining/met fields of a minimum rule: met compares the
// exact amounts; the displayed counted amount rounds down and the remaining one up.
func minimum(q RequirementResult, required, counted exact) RequirementResult {
	q.Required, q.Counted = required.down(), counted.down()
	q.Remaining = max(0, required-counted).up()
	q.Met = counted >= required
	return q
}

// sum adds the counted amounts of the credits that satisfy keep.
func sum(items []*item, keep func(*item) bool) exact {
	var s exact
	for _, it := range items {
		if keep(it) {
			s += it.amount
		}
	}
	return s
}

// byCategory sums the accepted credits per category, listing every category the program
// accepts by name or has a rule for, even when empty.
func byCategory(p Program, t *tally) []CategoryResult {
	idx := map[Category]int{}
	type sums struct{ claimed, counted exact }
	var cats []Category
	var totals []sums
	add := func(c Category) int {
		if c == NoCategory {
			c = CategoryNone
		}
		if i, ok := idx[c]; ok {
			return i
		}
		idx[c] = len(cats)
		cats, totals = append(cats, c), append(totals, sums{})
		return idx[c]
	}
	for _, c := range p.Accept.Categories {
		add(c)
	}
	for _, r := range p.Categories {
		add(r.Category)
	}
	for _, it := range t.accepted {
		i := add(it.cat)
		totals[i].claimed += it.claimed
		totals[i].counted += it.amount
	}
	out := make([]CategoryResult, len(cats))
	for i, c := range cats {
		s := totals[i]
		out[i] = CategoryResult{Category: c, Claimed: s.claimed.down(), Counted: s.counted.down(), Excess: (s.claimed - s.counted).down()}
	}
	slices.SortStableFunc(out, func(a, b CategoryResult) int { return cmp.Compare(a.Category.rank(), b.Category.rank()) })
	return out
}

// creditResults explains each credit of the period.
func (r *ceuRun) creditResults(t *tally) []CreditResult {
	out := make([]CreditResult, 0, len(t.items))
	for _, it := range t.items {
		cr := CreditResult{ID: it.c.ID, Date: it.c.Date, ActivityType: it.c.ActivityType, Category: it.cat,
			ApprovedBy: it.c.ApprovedBy, Verified: it.c.Verified, Claimed: it.claimed.down(), Counted: it.amount.down()}
		if r.p.unitFor(it.cat) != CEU50 {
			cr.Awarded = it.c.in(CEU50).down()
		}
		for _, c := range it.cuts {
			cr.Cuts = append(cr.Cuts, Cut{Rule: c.rule, Kind: c.kind, Amount: c.amount.down()})
		}
		if it.refused != "" {
			cr.NotCounted, cr.NotAccepted = it.refused, it.detail
		}
		if it.refused == "" && it.amount > 0 {
			cr.CountsToward = r.countsToward(it)
		}
		out = append(out, cr)
	}
	return out
}

// countsToward lists the minimum rules a counted credit contributes to.
func (r *ceuRun) countsToward(it *item) []string {
	out := make([]string, 1, 1+len(r.p.Categories)+len(it.c.Topics))
	out[0] = "total"
	for _, c := range r.p.Categories {
		if c.Min != nil && c.matches(it) {
			out = append(out, c.ID)
		}
	}
	for _, tp := range r.p.Topics {
		if slices.Contains(it.c.Topics, tp.Topic) {
			out = append(out, tp.ID)
		}
	}
	return out
}
