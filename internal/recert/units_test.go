package recert_test

import (
	"encoding/json"
	"testing"

	"github.com/recert-dev/recert/internal/recert"
)

func TestParseUnits(t *testing.T) {
	for _, c := range []struct {
		in   string
		want recert.Units
		ok   bool
	}{
		{"1.5", 150, true},
		{"1.50", 150, true},
		{"2", 200, true},
		{"0.01", 1, true},
		{"-0.25", -25, true},
		{"0", 0, true},
		{"1.505", 0, false}, // more places are refused, never rounded
		{"1.", 0, false},
		{".5", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"1,5", 0, false},
		{" 1.5", 0, false},
		{"1e2", 0, false},
		{"+1", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, err := recert.ParseUnits(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseUnits(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestUnitsText(t *testing.T) {
	for u, want := range map[recert.Units]string{0: "0.00", 150: "1.50", 5: "0.05", -25: "-0.25", 100000: "1000.00"} {
		if got := u.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(u), got, want)
		}
		b, _ := json.Marshal(u)
		if string(b) != `"`+want+`"` {
			t.Errorf("%d marshals to %s", int64(u), b)
		}
	}
	// A string or a bare number, read as text: 0.1 ten times is exactly 1.00.
	var sum recert.Units
	for range 10 {
		var u recert.Units
		if err := json.Unmarshal([]byte(`0.1`), &u); err != nil {
			t.Fatal(err)
		}
		sum += u
	}
	var s recert.Units
	if err := json.Unmarshal([]byte(`"1.00"`), &s); err != nil || sum != s {
		t.Errorf("ten times 0.1 = %s, want %s (%v)", sum, s, err)
	}
	for _, bad := range []string{`"1.001"`, `true`, `"x"`, `1.5e1`} {
		var u recert.Units
		if err := json.Unmarshal([]byte(bad), &u); err == nil {
			t.Errorf("%s accepted as %s", bad, u)
		}
	}
}

func TestCEUsProblem(t *testing.T) {
	for _, c := range []struct {
		ceus, offered recert.Units
		want          string
	}{
		{150, 300, ""},
		{300, 300, ""},
		{0, 300, "CEUs must be more than 0.00"},
		{-5, 300, "CEUs must be more than 0.00"},
		{350, 300, "awards 3.50 CEUs; the event offers 3.00"},
	} {
		if got := recert.CEUsProblem(c.ceus, c.offered); got != c.want {
			t.Errorf("CEUsProblem(%s, %s) = %q, want %q", c.ceus, c.offered, got, c.want)
		}
	}
}
