package progress

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPeriodKinds(t *testing.T) {
	jul1 := &MonthDay{time.July, 1}
	jan1 := &MonthDay{time.January, 1}
	abcp := PeriodRule{Kind: PeriodABCPCycle, Start: jul1, Years: 3, CycleEndYearMod: map[int]int{1: 1, 2: 0, 3: 2}}
	tests := []struct {
		name  string
		rule  PeriodRule
		facts Facts
		day   string
		want  [2]string
	}{
		{"cycle 1 on 30 June of a report year", abcp, Facts{ABCPCycle: 1}, "2026-06-30", [2]string{"2023-07-01", "2026-06-30"}},
		{"cycle 1 on 1 July after a report year", abcp, Facts{ABCPCycle: 1}, "2026-07-01", [2]string{"2026-07-01", "2029-06-30"}},
		{"cycle 2 (Y mod 3 = 0)", abcp, Facts{ABCPCycle: 2}, "2024-09-01", [2]string{"2022-07-01", "2025-06-30"}},
		{"cycle 3 (Y mod 3 = 2)", abcp, Facts{ABCPCycle: 3}, "2024-09-01", [2]string{"2024-07-01", "2027-06-30"}},
		{"cycle 3 on a leap day", abcp, Facts{ABCPCycle: 3}, "2024-02-29", [2]string{"2021-07-01", "2024-06-30"}},
		{"clinical year on 30 June", PeriodRule{Kind: PeriodClinicalYear, Start: jul1}, Facts{}, "2025-06-30", [2]string{"2024-07-01", "2025-06-30"}},
		{"clinical year on 1 July", PeriodRule{Kind: PeriodClinicalYear, Start: jul1}, Facts{}, "2025-07-01", [2]string{"2025-07-01", "2026-06-30"}},
		{"calendar year on 31 December", PeriodRule{Kind: PeriodCalendarYear}, Facts{}, "2024-12-31", [2]string{"2024-01-01", "2024-12-31"}},
		{"calendar year on a leap day", PeriodRule{Kind: PeriodCalendarYear}, Facts{}, "2024-02-29", [2]string{"2024-01-01", "2024-12-31"}},
		{"fixed biennium, odd anchor, in the second year", PeriodRule{Kind: PeriodFixedBiennium, Start: jan1, AnchorYear: 2023}, Facts{}, "2024-12-31", [2]string{"2023-01-01", "2024-12-31"}},
		{"fixed biennium, odd anchor, next starts", PeriodRule{Kind: PeriodFixedBiennium, Start: jan1, AnchorYear: 2023}, Facts{}, "2025-01-01", [2]string{"2025-01-01", "2026-12-31"}},
		{"fixed biennium from 1 July, before the anchor", PeriodRule{Kind: PeriodFixedBiennium, Start: jul1, AnchorYear: 2023}, Facts{}, "2023-06-30", [2]string{"2021-07-01", "2023-06-30"}},
		{"fixed biennium from 1 November, even anchor", PeriodRule{Kind: PeriodFixedBiennium, Start: &MonthDay{time.November, 1}, AnchorYear: 2022}, Facts{}, "2025-03-01", [2]string{"2024-11-01", "2026-10-31"}},
		{"birth-month biennium ends on a leap day", PeriodRule{Kind: PeriodBirthMonthBiennium, AnchorYear: 2024}, Facts{BirthMonth: time.February}, "2023-05-05", [2]string{"2022-03-01", "2024-02-29"}},
		{"birth-month biennium, parity from the licence year", PeriodRule{Kind: PeriodBirthMonthBiennium}, Facts{BirthMonth: time.August, LicenseIssued: Date{Year: 2015, Month: time.January, Day: 10}}, "2023-08-31", [2]string{"2021-09-01", "2023-08-31"}},
		{"birth-month biennium, day after the birth month", PeriodRule{Kind: PeriodBirthMonthBiennium}, Facts{BirthMonth: time.August, LicenseIssued: Date{Year: 2015, Month: time.January, Day: 10}}, "2023-09-01", [2]string{"2023-09-01", "2025-08-31"}},
		{"rolling 24 months", PeriodRule{Kind: PeriodRollingMonths, Months: 24}, Facts{LicenseIssued: Date{Year: 2021, Month: time.September, Day: 15}}, "2024-01-10", [2]string{"2023-09-15", "2025-09-14"}},
		{"rolling 24 months from a leap day", PeriodRule{Kind: PeriodRollingMonths, Months: 24}, Facts{LicenseIssued: Date{Year: 2024, Month: time.February, Day: 29}}, "2026-02-28", [2]string{"2026-02-28", "2028-02-28"}},
		{"rolling 12 months before the anchor", PeriodRule{Kind: PeriodRollingMonths, Months: 12}, Facts{LicenseIssued: Date{Year: 2021, Month: time.March, Day: 31}}, "2020-04-01", [2]string{"2020-03-31", "2021-03-30"}},
		{"rolling 1 month from 31 January", PeriodRule{Kind: PeriodRollingMonths, Months: 1}, Facts{LicenseIssued: Date{Year: 2024, Month: time.January, Day: 31}}, "2024-03-15", [2]string{"2024-02-29", "2024-03-30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := newLayout(Program{ID: "test", Period: tt.rule}, tt.facts)
			if err != nil {
				t.Fatal(err)
			}
			s := l.containing(date(t, tt.day))
			if diff := cmp.Diff(tt.want, [2]string{s.Start.String(), s.End.String()}); diff != "" {
				t.Errorf("containing(%s) (-want +got):\n%s", tt.day, diff)
			}
		})
	}
}

// Periods of every kind must tile time: each period starts the day after the previous ends.
func TestPeriodsTile(t *testing.T) {
	programs, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	f := Facts{ABCPCycle: 2, BirthMonth: time.February, LicenseIssued: Date{Year: 2016, Month: time.January, Day: 31}}
	for _, p := range programs {
		l, err := newLayout(p, f)
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		d := date(t, "2015-01-01")
		prev := l.containing(d)
		for d.Before(date(t, "2035-01-01")) {
			next := l.containing(prev.End.AddDays(1))
			if next.Start != prev.End.AddDays(1) || !next.End.After(next.Start) {
				t.Fatalf("%s: %v then %v do not tile", p.ID, prev, next)
			}
			for day := prev.Start; !day.After(prev.End); day = day.AddDays(1) {
				if got := l.containing(day); got != prev {
					t.Fatalf("%s: containing(%s) = %v, want %v", p.ID, day, got, prev)
				}
			}
			prev, d = next, next.Start
		}
	}
}

func TestMissingFacts(t *testing.T) {
	tests := []struct {
		program string
		want    error
	}{
		{"abcp-ccp-ceu", ErrCycleRequired},
		{"us-ga-perfusionist", ErrBirthMonthRequired},
		{"us-tx-perfusionist", ErrLicenseDateRequired},
	}
	for _, tt := range tests {
		t.Run(tt.program, func(t *testing.T) {
			_, err := Evaluate(builtIn(t, tt.program), Facts{}, nil, date(t, "2025-01-01"))
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("wrong kind", func(t *testing.T) {
		if _, err := Evaluate(builtIn(t, "abcp-ccp-clinical"), Facts{}, nil, date(t, "2025-01-01")); !errors.Is(err, ErrWrongKind) {
			t.Errorf("Evaluate(clinical) err = %v, want ErrWrongKind", err)
		}
		if _, err := EvaluateClinical(builtIn(t, "abcp-ccp-ceu"), Facts{ABCPCycle: 1}, nil, date(t, "2025-01-01")); !errors.Is(err, ErrWrongKind) {
			t.Errorf("EvaluateClinical(ceu) err = %v, want ErrWrongKind", err)
		}
	})
}

func TestDeadlineMinute(t *testing.T) {
	e, err := EvaluateClinical(builtIn(t, "abcp-ccp-clinical"), Facts{}, nil, date(t, "2025-07-31"))
	if err != nil {
		t.Fatal(err)
	}
	dl := clinicalPeriodOf(t, e, Previous).Deadline
	if got, want := dl.UTC().Format(time.RFC3339), "2025-08-01T06:59:00Z"; got != want {
		t.Errorf("deadline in UTC = %s, want %s (23:59 PDT on 31 July)", got, want)
	}
	if got, want := dl.Format(time.RFC3339), "2025-07-31T23:59:00-07:00"; got != want {
		t.Errorf("deadline = %s, want %s", got, want)
	}
}

// TestWindow: an evaluation reads its three periods, and the one before for carry-over.
func TestWindow(t *testing.T) {
	tests := []struct {
		program, asOf, from, to string
		facts                   Facts
	}{
		{"abcp-ccp-ceu", "2025-01-15", "2020-07-01", "2029-06-30", Facts{ABCPCycle: 1}},
		{"abcp-ccp-ceu", "2025-01-15", "2023-07-01", "2029-06-30", Facts{ABCPCycle: 1, CertifiedOn: date(t, "2024-02-10")}}, // listed: before certification
		{"us-nj-perfusionist", "2025-09-01", "2021-07-01", "2029-06-30", Facts{FirstLicensed: date(t, "2015-01-01")}},
		{"abcp-ccp-clinical", "2025-01-15", "2023-07-01", "2026-06-30", Facts{}},
	}
	for _, tt := range tests {
		t.Run(tt.program+"/"+tt.from, func(t *testing.T) {
			from, to, ok, err := Window(builtIn(t, tt.program), tt.facts, date(t, tt.asOf))
			if err != nil || !ok || from.String() != tt.from || to.String() != tt.to {
				t.Errorf("Window = %s, %s, %v, %v; want %s, %s", from, to, ok, err, tt.from, tt.to)
			}
		})
	}
}

// TestClinicalPaceTargetRounds: a clinical pace target is the elapsed share of the required
// activities rounded up to a whole activity (so a whole count meets it exactly when it meets
// the exact share); on the last day it is the whole requirement.
func TestClinicalPaceTargetRounds(t *testing.T) {
	year := span{date(t, "2025-07-01"), date(t, "2026-06-30")} // 365 days
	tests := []struct {
		day  string
		want int64
	}{
		{"2025-07-01", 1},  // 40 × 1/365 = 0.11
		{"2025-10-08", 11}, // day 100: 40 × 100/365 = 10.96
		{"2025-12-30", 21}, // day 183: 40 × 183/365 = 20.05
		{"2026-06-30", 40}, // the last day: the whole requirement
	}
	for _, tt := range tests {
		if got := paceTarget(year, date(t, tt.day), 40); got != tt.want {
			t.Errorf("pace target on %s = %d, want %d", tt.day, got, tt.want)
		}
	}
}

// TestClockOfReadsAsTimeParse: a deadline's clock reads as time.Parse reads it, for every
// minute of the day and the spellings without a leading zero that validation accepts.
func TestClockOfReadsAsTimeParse(t *testing.T) {
	var clocks []string
	for h := range 24 {
		for m := range 60 {
			clocks = append(clocks, fmt.Sprintf("%02d:%02d", h, m))
		}
		clocks = append(clocks, fmt.Sprintf("%d:30", h))
	}
	for _, c := range clocks {
		want, err := time.Parse("15:04", c)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if h, m := clockOf(c); h != want.Hour() || m != want.Minute() {
			t.Errorf("clockOf(%q) = %d:%d, want %d:%d", c, h, m, want.Hour(), want.Minute())
		}
	}
}
