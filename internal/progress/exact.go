package progress

// exact is an amount in 1/60000 of a program unit. Every credit converts to it without
// rounding (a minute is 1200 of a 50-minute CEU and 1000 of a 60-minute hour; a hundredth of
// a CEU is 600 of a CEU and 500 of an hour), so sums, caps and comparisons are exact and only
// a displayed amount is rounded (Decision 13).
type exact int64

// perHundredth is the number of exact steps in 0.01 of a unit.
const perHundredth = 600

// exactOf converts a program value in hundredths.
func exactOf(u Units) exact { return exact(u) * perHundredth }

// down is the amount for display, rounded down to 0.01: what counts is never overstated.
func (e exact) down() Units { return Units(floorDiv64(int64(e), perHundredth)) }

// up is the amount for display, rounded up to 0.01: what remains is never understated.
func (e exact) up() Units { return Units(-floorDiv64(-int64(e), perHundredth)) }

// exactFromMinutes converts minutes to a unit of unitMinutes minutes.
func exactFromMinutes(minutes, unitMinutes int64) exact {
	return exact(minutes * 100 * perHundredth / unitMinutes)
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
