package recert

import (
	"fmt"
	"strconv"
	"strings"
)

// Units is an amount of credit in hundredths (CEUs or hours): exact, never a float.
type Units int64

// ParseUnits reads a decimal with at most two places, such as "1.5" or "1.50".
func ParseUnits(s string) (Units, error) {
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || hasFrac && frac == "" || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, fmt.Errorf("%q is not an amount with at most two decimal places", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1_000_000 {
		return 0, fmt.Errorf("%q is not an amount with at most two decimal places", s)
	}
	f := int64(0)
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || strings.HasPrefix(frac, "-") || strings.HasPrefix(frac, "+") {
			return 0, fmt.Errorf("%q is not an amount with at most two decimal places", s)
		}
	}
	return Units(w*100 + f), nil
}

// String writes the amount with two places: "1.50".
func (u Units) String() string {
	sign := ""
	if u < 0 {
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}
