package progress

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "2024-02-29", want: Date{Year: 2024, Month: time.February, Day: 29}},
		{in: "2026-06-30", want: Date{Year: 2026, Month: time.June, Day: 30}},
		{in: "2025-02-29", wantErr: true},
		{in: "2025-13-01", wantErr: true},
		{in: "2025-6-30", wantErr: true},
		{in: "30/06/2025", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  Date
		want string
	}{
		{"day before 1 July", date(t, "2026-07-01").AddDays(-1), "2026-06-30"},
		{"day after 28 Feb in a leap year", date(t, "2024-02-28").AddDays(1), "2024-02-29"},
		{"day after 28 Feb in a common year", date(t, "2025-02-28").AddDays(1), "2025-03-01"},
		{"31 January + 1 month clamps", date(t, "2024-01-31").AddMonths(1), "2024-02-29"},
		{"29 February + 12 months clamps", date(t, "2024-02-29").AddMonths(12), "2025-02-28"},
		{"29 February + 48 months", date(t, "2024-02-29").AddMonths(48), "2028-02-29"},
		{"negative months cross the year", date(t, "2024-01-15").AddMonths(-2), "2023-11-15"},
		{"NewDate normalises", NewDate(2025, time.February, 29), "2025-03-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.String() != tt.want {
				t.Errorf("got %s, want %s", tt.got, tt.want)
			}
		})
	}
	if got := date(t, "2024-03-01").DaysSince(date(t, "2024-02-28")); got != 2 {
		t.Errorf("DaysSince across a leap day = %d, want 2", got)
	}
	if !date(t, "2024-02-29").Within(date(t, "2024-02-29"), date(t, "2024-02-29")) {
		t.Error("Within must include both ends")
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		D Date `json:"d"`
		Z Date `json:"z,omitzero"`
	}
	var got doc
	if err := json.Unmarshal([]byte(`{"d":"2024-02-29"}`), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(doc{D: Date{Year: 2024, Month: time.February, Day: 29}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(got)
	if want := `{"d":"2024-02-29"}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	if err := json.Unmarshal([]byte(`{"d":"2025-02-29"}`), &got); err == nil {
		t.Error("Unmarshal of 2025-02-29 succeeded, want error")
	}
}

// TestLongDateAsTimeWritesIt: a date in words is what time's layout "2 January 2006" writes,
// for every day of two centuries and dates outside four-digit years.
func TestLongDateAsTimeWritesIt(t *testing.T) {
	days := []Date{{}, {Year: 999, Month: time.December, Day: 31}, {Year: 10000, Month: time.January, Day: 1}}
	for d := (Date{Year: 1950, Month: time.January, Day: 1}); d.Year < 2150; d = d.AddDays(1) {
		days = append(days, d)
	}
	for _, d := range days {
		if got, want := longDate(d), d.Time().Format("2 January 2006"); got != want {
			t.Fatalf("longDate(%v) = %q, want %q", d, got, want)
		}
	}
}
