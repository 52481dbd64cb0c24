package progress

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseUnits(t *testing.T) {
	tests := []struct {
		in      string
		want    Units
		wantErr bool
	}{
		{in: "1.50", want: 150},
		{in: "1.5", want: 150},
		{in: "2", want: 200},
		{in: "0.01", want: 1},
		{in: "-0.25", want: -25},
		{in: "45.00", want: 4500},
		{in: "1.505", wantErr: true},
		{in: "1.", wantErr: true},
		{in: ".5", wantErr: true},
		{in: "", wantErr: true},
		{in: "1e2", wantErr: true},
		{in: "1,5", wantErr: true},
		{in: "+1", wantErr: true},
		{in: "99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseUnits(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseUnits(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseUnits(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestUnitsString(t *testing.T) {
	for in, want := range map[Units]string{0: "0.00", 1: "0.01", 150: "1.50", 4500: "45.00", -25: "-0.25", -1234: "-12.34"} {
		if got := in.String(); got != want {
			t.Errorf("Units(%d).String() = %q, want %q", in, got, want)
		}
	}
}

func TestFromMinutes(t *testing.T) {
	tests := []struct {
		name         string
		minutes, per int64
		want         string
	}{
		{"150 minutes is 3 CEUs", 150, 50, "3.00"},
		{"149 minutes rounds down to 2.98 CEUs", 149, 50, "2.98"},
		{"1 minute is 0.02 CEU", 1, 50, "0.02"},
		{"150 minutes is 2.50 hours", 150, 60, "2.50"},
		{"50 minutes is 0.83 hours", 50, 60, "0.83"},
		{"0 minutes", 0, 50, "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromMinutes(tt.minutes, tt.per).String(); got != tt.want {
				t.Errorf("FromMinutes(%d, %d) = %s, want %s", tt.minutes, tt.per, got, tt.want)
			}
		})
	}
}

func TestCreditConversion(t *testing.T) {
	tests := []struct {
		name   string
		credit Credit
		unit   Unit
		want   string
	}{
		{"CEU program uses the awarded amount", Credit{Amount: 300, Minutes: 140}, CEU50, "3.00"},
		{"CEU program derives from minutes when no amount", Credit{Minutes: 149}, CEU50, "2.98"},
		{"hour program uses minutes when known", Credit{Amount: 300, Minutes: 150}, Hour60, "2.50"},
		{"hour program converts the awarded CEUs otherwise", Credit{Amount: 300}, Hour60, "2.50"},
		{"hour program displays rounded down", Credit{Amount: 100}, Hour60, "0.83"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.credit.in(tt.unit).down().String(); got != tt.want {
				t.Errorf("in(%s) = %s, want %s", tt.unit, got, tt.want)
			}
		})
	}
}

// TestExactConversionAddsUp: Decision 13. Thirty 60-minute hours made of 50-minute credits
// add up exactly; converting and flooring each credit would show 29.88.
func TestExactConversionAddsUp(t *testing.T) {
	var sum exact
	for range 36 {
		sum += Credit{Minutes: 50}.in(Hour60)
	}
	if sum != exactOf(MustUnits("30")) {
		t.Errorf("36 × 50 minutes = %d exact, want 30 hours (%d)", sum, exactOf(MustUnits("30")))
	}
	if got, want := exact(1).down().String(), "0.00"; got != want {
		t.Errorf("down = %s, want %s", got, want)
	}
	if got, want := exact(1).up().String(), "0.01"; got != want {
		t.Errorf("up = %s, want %s (a remaining amount is never understated)", got, want)
	}
}

func TestUnitsJSON(t *testing.T) {
	var got struct {
		A, B, C Units
	}
	if err := json.Unmarshal([]byte(`{"A":"1.50","B":2.25,"C":"3"}`), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(struct{ A, B, C Units }{150, 225, 300}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"A":"1.50","B":"2.25","C":"3.00"}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	for _, bad := range []string{`"1.234"`, `1.234`, `"abc"`, `true`} {
		var u Units
		if err := json.Unmarshal([]byte(bad), &u); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want error", bad)
		}
	}
}
