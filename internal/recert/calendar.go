package recert

import "time"

// Dates are counted in whole days with integer arithmetic (H. Hinnant's days_from_civil and
// civil_from_days, proleptic Gregorian as package time): the engine moves dates for every
// period of every program it evaluates, and going through time.Date and back recomputed the
// calendar several times for each move.

// daysFromCivil is the number of days from 1970-01-01 to y-m-d. m and d may lie outside their
// ranges and carry over as time.Date carries them (month 13 is January of the next year, day
// 0 the last day of the month before).
func daysFromCivil(y int, m time.Month, d int) int {
	mi := int(m) - 1
	y += floorDiv(mi, 12)
	mi -= floorDiv(mi, 12) * 12 // 0 = January
	if mi < 2 {
		y-- // the year counted from March, so that February's length comes last
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                     // [0, 399]
	doy := (153*((mi+10)%12)+2)/5 + d - 1  // from 1 March; d carries over
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096] for d in range
	return era*146097 + doe - 719468
}

// civilFromDays is the date z days after 1970-01-01.
func civilFromDays(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365], from 1 March
	mp := (5*doy + 2) / 153                                // [0, 11], 0 = March
	d := doy - (153*mp+2)/5 + 1
	m := time.Month((mp+2)%12 + 1)
	y := yoe + era*400
	if m <= time.February {
		y++
	}
	return Date{y, m, d}
}

// floorDiv is a / b rounded toward negative infinity (b > 0).
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// isLeap reports whether y is a leap year.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days in month m of year y (m in 1 to 12).
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
