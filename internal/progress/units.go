package progress

import "github.com/recert-dev/recert/internal/recert"

// Units is recert's exact amount in hundredths; the engine reads every amount in the unit of
// the program it evaluates (a 50-minute CEU or a 60-minute hour).
type Units = recert.Units

// MinutesPerCEU is the length of one ABCP CEU (rules.md Decision 1).
const MinutesPerCEU = 50

// ParseUnits parses a decimal with at most two places; see recert.ParseUnits.
func ParseUnits(s string) (Units, error) { return recert.ParseUnits(s) }

// MustUnits is ParseUnits for constants known to be valid; it panics on a bad literal.
func MustUnits(s string) Units {
	u, err := ParseUnits(s)
	if err != nil {
		panic(err)
	}
	return u
}

// FromMinutes converts minutes to units of minutesPerUnit minutes, rounded down to 0.01
// (Decision 1: 149 minutes is 2.98 CEUs, never 2.99).
func FromMinutes(minutes int64, minutesPerUnit int64) Units {
	return Units(minutes * 100 / minutesPerUnit)
}
