package recert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Units is an exact credit amount in hundredths of a unit (150 is "1.50"): CEUs, or hours for
// a program that counts them. Amounts are never binary floats: a sum of many 0.1 credits must
// stay exact. Units marshals to JSON as a decimal string with two places ("1.50").
type Units int64

// ParseUnits parses a decimal with at most two places ("1.5", "1.50", "2", "-0.25"). More places
// are refused rather than rounded, because an awarded amount is exact.
func ParseUnits(s string) (Units, error) {
	bad := fmt.Errorf("amount %q: want a decimal with at most two places", s)
	neg := strings.HasPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" || len(frac) > 2 || (hasDot && frac == "") || !digits(whole) || !digits(frac) {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<62)/100 {
		return 0, bad
	}
	f, _ := strconv.Atoi((frac + "00")[:2])
	u := Units(w*100 + int64(f))
	if neg {
		u = -u
	}
	return u, nil
}

// String formats u with exactly two places ("1.50", "-0.25").
func (u Units) String() string {
	b := make([]byte, 0, 24)
	if u < 0 {
		b, u = append(b, '-'), -u
	}
	b = strconv.AppendInt(b, int64(u/100), 10)
	return string(append(b, '.', byte('0'+u%100/10), byte('0'+u%10)))
}

// MarshalJSON writes u as a JSON string with two places.
func (u Units) MarshalJSON() ([]byte, error) {
	return []byte(`"` + u.String() + `"`), nil
}

// UnmarshalJSON accepts a decimal string ("1.50") or a bare JSON number (1.5), both read as
// text so no float ever touches the value.
func (u *Units) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	v, err := ParseUnits(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
