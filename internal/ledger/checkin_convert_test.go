package ledger

import (
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// TestPairCheckIns: an in pairs with the next out; a second in before the out is the same
// presence; an out with no in, and scans outside the window, count for nothing.
func TestPairCheckIns(t *testing.T) {
	base := time.Date(2026, 4, 17, 14, 0, 0, 0, time.UTC)
	at := func(min int) *time.Time { t := base.Add(time.Duration(min) * time.Minute); return &t }
	scan := func(dir string, min int) recert.CheckIn { return recert.CheckIn{Direction: dir, DeviceTime: at(min)} }
	from, until := base.Add(-15*time.Minute), base.Add(75*time.Minute)
	cases := []struct {
		name      string
		scans     []recert.CheckIn
		want      []int // start and end minutes of each interval
		checkedIn bool
	}{
		{"in then out", []recert.CheckIn{scan("out", 50), scan("in", 0)}, []int{0, 50}, true},
		{"in twice", []recert.CheckIn{scan("in", 0), scan("in", 10), scan("out", 50)}, []int{0, 50}, true},
		{"out first", []recert.CheckIn{scan("out", 5), scan("in", 10), scan("out", 20), scan("in", 30), scan("out", 40)}, []int{10, 20, 30, 40}, true},
		{"no out", []recert.CheckIn{scan("in", 0)}, nil, true},
		{"out after the window", []recert.CheckIn{scan("in", 0), scan("out", 200)}, nil, true},
		{"in before the window", []recert.CheckIn{scan("in", -60), scan("out", 30)}, nil, false},
	}
	for _, c := range cases {
		got, in := pairCheckIns(c.scans, from, until)
		var mins []int
		for _, iv := range got {
			mins = append(mins, int(iv.Start.Sub(base)/time.Minute), int(iv.End.Sub(base)/time.Minute))
		}
		if len(mins) != len(c.want) || in != c.checkedIn {
			t.Errorf("%s: %v %v, want %v %v", c.name, mins, in, c.want, c.checkedIn)
			continue
		}
		for i := range mins {
			if mins[i] != c.want[i] {
				t.Errorf("%s: %v, want %v", c.name, mins, c.want)
				break
			}
		}
	}
}
