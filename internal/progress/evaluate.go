package progress

import (
	"cmp"
	"fmt"
	"slices"
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
	if p.Kind != KindCEU {
		return Evaluation{}, fmt.Errorf("%w: %s is a %q program; use EvaluateClinical", ErrWrongKind, p.ID, p.Kind)
	}
	s, err := prepare(p, f, asOf)
	if err != nil {
		return Evaluation{}, err
	}
	if err := validateCredits(credits); err != nil {
		return Evaluation{}, err
	}
	r := ceuRun{setup: s, credits: credits, tallies: map[Date]*tally{}}
	e := Evaluation{ProgramID: p.ID, ProgramVersion: p.Version, AsOf: asOf, Unit: p.Unit, Periods: []PeriodResult{}}
	for _, pd := range plan(p, f, s.layout, asOf, s.loc) {
		e.Periods = append(e.Periods, r.result(pd))
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
}

// prepare validates the inputs and binds the period layout to the member.
func prepare(p Program, f Facts, asOf Date) (setup, error) {
	if err := p.Validate(); err != nil {
		return setup{}, err
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

// info fills the fields every period reports.
func (s setup) info(pd period, met, exempt bool, counted, required int64) PeriodInfo {
	pi := PeriodInfo{
		Relation: pd.Relation, Start: pd.Start, End: pd.End, Deadline: pd.deadline,
		FirstPeriod: pd.first, Exempt: exempt,
		ElapsedDays: elapsed(pd.span, s.asOf), Days: pd.days(),
	}
	if s.p.MetByABCPCertification && s.f.ABCPCurrent && !s.asOf.Before(pd.Start) {
		pi.MetBy, met = MetByABCPCertification, true
	}
	pi.Status = statusOf(pd.span, s.asOf, met, counted, required)
	return pi
}

// open reports whether asOf falls inside the period, so a pace applies.
func (s setup) open(pd period) bool { return pd.contains(s.asOf) }

// ceuRun evaluates the periods of one credit program call, remembering each period's tally so
// that carry-over does not count a period twice.
type ceuRun struct {
	setup
	credits []Credit
	tallies map[Date]*tally
}

// item is one credit being counted in one period.
type item struct {
	c           *Credit
	cat         Category
	claimed     Units // in the program's unit
	amount      Units // what is left after the caps applied so far
	cuts        []Cut
	notAccepted string
}

// tally is the count of one period's own credits.
type tally struct {
	items    []*item // dated in the period, in allocation order
	accepted []*item
	cuts     []CreditCut
	limits   []LimitResult
	counted  Units
	required Units
	exempt   bool
}

// ownSurplus is what the period's own credits count beyond its requirement; carried-in units
// are never carried again (next period only).
func (t *tally) ownSurplus() Units { return max(0, t.counted-t.required) }

// tally counts the credits of a period, once per period.
func (r *ceuRun) tally(pd period) *tally {
	if t, ok := r.tallies[pd.Start]; ok {
		return t
	}
	t := &tally{exempt: r.p.FirstPeriodExempt && pd.first, items: r.gather(pd)}
	if !t.exempt {
		t.required = r.p.Total.Value
	}
	allocationOrder(t.items)
	t.accept(r.p)
	t.dedupe()
	t.applyCaps(r.p)
	for _, it := range t.accepted {
		t.counted += it.amount
	}
	r.tallies[pd.Start] = t
	return t
}

// gather returns the credits dated in the period, converted to the program's unit.
func (r *ceuRun) gather(pd period) []*item {
	n := 0
	for i := range r.credits {
		if pd.contains(r.credits[i].Date) {
			n++
		}
	}
	store, items := make([]item, n), make([]*item, 0, n) // two allocations per period, not n
	for i := range r.credits {
		if c := &r.credits[i]; pd.contains(c.Date) {
			it := &store[len(items)]
			it.c, it.cat = c, c.category()
			it.claimed = c.in(r.p.unitFor(it.cat))
			it.amount = it.claimed
			items = append(items, it)
		}
	}
	return items
}

// allocationOrder sorts by Decision 5: earliest first, then larger, then by id.
func allocationOrder(items []*item) {
	slices.SortFunc(items, func(a, b *item) int {
		return cmp.Or(a.c.Date.Compare(b.c.Date), cmp.Compare(b.amount, a.amount), cmp.Compare(a.c.ID, b.c.ID))
	})
}

// accept keeps the credits the program counts and notes why the others are not.
func (t *tally) accept(p Program) {
	for _, it := range t.items {
		switch {
		case len(p.Accept.Categories) > 0 && !slices.Contains(p.Accept.Categories, it.cat):
			it.notAccepted = fmt.Sprintf("category %q is not accepted by this program", it.cat)
		case len(p.Accept.ActivityTypes) > 0 && !slices.Contains(p.Accept.ActivityTypes, it.c.ActivityType):
			it.notAccepted = fmt.Sprintf("activity type %q is not accepted by this program", it.c.ActivityType)
		default:
			t.accepted = append(t.accepted, it)
			continue
		}
		it.amount = 0
	}
}

// dedupe counts one credit per session and activity type (Decision 11): the largest, ties by
// allocation order, so that adding a credit never lowers what counts.
func (t *tally) dedupe() {
	kept := map[[2]string]*item{}
	for _, it := range t.accepted {
		key := [2]string{it.c.Session, string(it.c.ActivityType)}
		if it.c.Session == "" {
			continue
		}
		if k, ok := kept[key]; !ok || it.amount > k.amount {
			kept[key] = it
		}
	}
	for _, it := range t.accepted {
		if k, ok := kept[[2]string{it.c.Session, string(it.c.ActivityType)}]; ok && k != it {
			t.cut(it, DuplicateRule, LimitDuplicate, it.amount)
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
			kept, excess := t.allocate(group, c.PerPeriod.Value, c.ID, LimitPerPeriod)
			t.limits = append(t.limits, LimitResult{ID: c.ID, Kind: LimitPerPeriod, ActivityType: c.ActivityType,
				Limit: c.PerPeriod.Value, Kept: kept, Excess: excess, Verified: c.PerPeriod.Verified})
		}
	}
	for _, r := range p.Categories {
		if r.Max != nil {
			kept, excess := t.allocate(t.filter(r.matches), r.Max.Value, r.ID, LimitCategoryMax)
			t.limits = append(t.limits, LimitResult{ID: r.ID, Kind: LimitCategoryMax, Category: r.Category,
				Limit: r.Max.Value, Kept: kept, Excess: excess, Verified: r.Max.Verified})
		}
	}
}

// perActivity bounds each credit of the cap's activity type.
func (t *tally) perActivity(c Cap) {
	res := LimitResult{ID: c.ID, Kind: LimitPerActivity, ActivityType: c.ActivityType,
		Limit: c.PerActivity.Value, Verified: c.PerActivity.Verified}
	for _, it := range t.filter(func(it *item) bool { return it.c.ActivityType == c.ActivityType }) {
		if over := it.amount - c.PerActivity.Value; over > 0 {
			t.cut(it, c.ID, LimitPerActivity, over)
			res.Excess += over
		}
		res.Kept += it.amount
	}
	t.limits = append(t.limits, res)
}

// allocate keeps up to limit of the group, earliest first (Decision 5), and cuts the rest.
func (t *tally) allocate(group []*item, limit Units, rule, kind string) (kept, excess Units) {
	allocationOrder(group)
	left := limit
	for _, it := range group {
		keep := min(it.amount, left)
		left -= keep
		kept += keep
		if over := it.amount - keep; over > 0 {
			t.cut(it, rule, kind, over)
			excess += over
		}
	}
	return kept, excess
}

// cut removes amount from a credit and records why.
func (t *tally) cut(it *item, rule, kind string, amount Units) {
	it.amount -= amount
	c := Cut{Rule: rule, Kind: kind, Amount: amount}
	it.cuts = append(it.cuts, c)
	t.cuts = append(t.cuts, CreditCut{CreditID: it.c.ID, Cut: c})
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
func (r *ceuRun) carryIn(pd period) Units {
	if r.p.CarryOver == nil {
		return 0
	}
	prev, ok := periodFor(r.p, r.f, r.layout.containing(pd.natural.Start.AddDays(-1)), r.loc)
	if !ok {
		return 0
	}
	return min(r.tally(prev).ownSurplus(), r.p.CarryOver.Value)
}

// result builds the report of one period.
func (r *ceuRun) result(pd period) PeriodResult {
	t := r.tally(pd)
	res := PeriodResult{
		Required: t.required, Counted: t.counted, CarriedIn: r.carryIn(pd),
		Limits: t.limits, Cuts: t.cuts,
	}
	for _, it := range t.accepted {
		res.Claimed += it.claimed
	}
	res.Excess = res.Claimed - res.Counted
	have := res.Counted + res.CarriedIn
	res.Remaining = max(0, t.required-have)
	res.Surplus = max(0, have-t.required)
	if r.p.CarryOver != nil {
		res.CarriedOut = min(t.ownSurplus(), r.p.CarryOver.Value)
	}
	res.Requirements = r.requirements(t, have)
	met := true
	for _, q := range res.Requirements {
		met = met && q.Met
	}
	res.PeriodInfo = r.info(pd, met, t.exempt, int64(have), int64(t.required))
	if r.open(pd) {
		target := Units(paceTarget(pd.span, r.asOf, int64(t.required)))
		res.PaceTarget = &target
	}
	res.ByCategory = byCategory(r.p, t)
	res.Credits = r.creditResults(t)
	res.Limits = nonNil(res.Limits)
	res.Cuts = nonNil(res.Cuts)
	return res
}

// requirements reports the total, each category minimum and each topic.
func (r *ceuRun) requirements(t *tally, have Units) []RequirementResult {
	zeroIf := func(a *Amount) Units {
		if t.exempt {
			return 0
		}
		return a.Value
	}
	out := []RequirementResult{minimum(RequirementResult{ID: "total", Kind: RequirementTotal, Verified: r.p.Total.Verified}, t.required, have)}
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
	return out
}

// topic reports a topic requirement: units and/or a number of credits carrying the tag.
func (r *ceuRun) topic(t *tally, tp TopicRule) RequirementResult {
	tagged := func(it *item) bool { return slices.Contains(it.c.Topics, tp.Topic) }
	q := RequirementResult{ID: tp.ID, Kind: RequirementTopic, Topic: tp.Topic, Verified: true}
	var need Units
	if tp.Min != nil && !t.exempt {
		need = tp.Min.Value
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
				got++
			}
		}
		q.RequiredCount, q.CountedCount = &n, &got
		q.Met = q.Met && got >= n
		q.Verified = q.Verified && tp.MinCount.Verified
	}
	return q
}

// minimum fills the required/counted/remaining/met fields of a minimum rule.
func minimum(q RequirementResult, required, counted Units) RequirementResult {
	q.Required, q.Counted = required, counted
	q.Remaining = max(0, required-counted)
	q.Met = counted >= required
	return q
}

// sum adds the counted amounts of the credits that satisfy keep.
func sum(items []*item, keep func(*item) bool) Units {
	var s Units
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
	var out []CategoryResult
	add := func(c Category) int {
		if i, ok := idx[c]; ok {
			return i
		}
		idx[c] = len(out)
		out = append(out, CategoryResult{Category: c})
		return idx[c]
	}
	for _, c := range p.Accept.Categories {
		add(c)
	}
	for _, r := range p.Categories {
		add(r.Category)
	}
	for _, it := range t.accepted {
		cr := &out[add(it.cat)]
		cr.Claimed += it.claimed
		cr.Counted += it.amount
		cr.Excess += it.claimed - it.amount
	}
	slices.SortStableFunc(out, func(a, b CategoryResult) int { return cmp.Compare(a.Category.rank(), b.Category.rank()) })
	return nonNil(out)
}

// creditResults explains each credit of the period.
func (r *ceuRun) creditResults(t *tally) []CreditResult {
	out := make([]CreditResult, 0, len(t.items))
	for _, it := range t.items {
		cr := CreditResult{ID: it.c.ID, Date: it.c.Date, ActivityType: it.c.ActivityType, Category: it.cat,
			Verified: it.c.Verified, Claimed: it.claimed, Counted: it.amount, Cuts: it.cuts, NotAccepted: it.notAccepted}
		if it.notAccepted == "" && it.amount > 0 {
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

// nonNil returns an empty slice for nil so that JSON shows [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
