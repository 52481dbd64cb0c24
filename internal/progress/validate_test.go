package progress

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestValidatePointers(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *Program)
		want   []FieldError
	}{
		{"negative cap", func(p *Program) { p.Caps[0].PerPeriod = &Amount{Value: -100} },
			[]FieldError{{"#/caps/0/per_period", "must not be negative"}}},
		{"category minimum above the total", func(p *Program) { p.Categories[0].Min.Value = MustUnits("46") },
			[]FieldError{{"#/categories/0/min", "must not exceed the total"}}},
		{"min above max", func(p *Program) { p.Categories[0].Max = &Amount{Value: MustUnits("10")} },
			[]FieldError{{"#/categories/0/min", "must not exceed max"}}},
		{"unknown period kind", func(p *Program) { p.Period.Kind = "quarterly" },
			[]FieldError{{"#/period/kind", `unknown period kind "quarterly"`}}},
		{"missing time zone", func(p *Program) { p.Deadline.TimeZone = "" },
			[]FieldError{{"#/deadline/time_zone", "is required (an IANA time zone)"}}},
		{"unknown time zone", func(p *Program) { p.Deadline.TimeZone = "Mars/Olympus" },
			[]FieldError{{"#/deadline/time_zone", `unknown time zone "Mars/Olympus"`}}},
		{"bad time", func(p *Program) { p.Deadline.Time = "24:61" },
			[]FieldError{{"#/deadline/time", `must be a wall-clock time "HH:MM"`}}},
		{"negative total", func(p *Program) { p.Total.Value = -1 },
			[]FieldError{{"#/total", "must not be negative"}}},
		{"duplicate rule id", func(p *Program) { p.Caps[1].ID = p.Caps[0].ID },
			[]FieldError{{"#/caps/1/id", `rule id "abcp-publication" is used twice or reserved`}}},
		{"unknown activity type", func(p *Program) { p.Caps[0].ActivityType = "lecture" },
			[]FieldError{{"#/caps/0/activity_type", "is not a known activity type"}}},
		{"cycle map incomplete", func(p *Program) { p.Period.CycleEndYearMod = map[int]int{1: 1, 2: 1} },
			[]FieldError{{"#/period/cycle_end_year_mod/2", "must be a distinct remainder below years"}}},
		{"29 February start", func(p *Program) { p.Period.Start = &MonthDay{2, 29} },
			[]FieldError{{"#/period/start", "must be a month and a day that exist every year"}}},
		{"unknown unit", func(p *Program) { p.Unit = "ceu45" },
			[]FieldError{{"#/unit", `must be "ceu50" or "hour60"`}}},
		{"bad source", func(p *Program) { p.Sources = []string{"abcp.org"} },
			[]FieldError{{"#/sources/0", "must be an http(s) URL"}}},
		{"unknown kind", func(p *Program) { p.Kind = "hours" },
			[]FieldError{{"#/kind", `must be "ceu" or "clinical"`}}},
		{"topic without minimum", func(p *Program) { p.Topics = []TopicRule{{ID: "x", Topic: "y"}} },
			[]FieldError{{"#/topics/0", "needs min or min_count"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := builtIn(t, "abcp-ccp-ceu")
			tt.mutate(&p)
			var ve *ValidationError
			if err := p.Validate(); !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want *ValidationError", err)
			}
			if diff := cmp.Diff(tt.want, ve.Errors); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateClinical(t *testing.T) {
	p := builtIn(t, "abcp-ccp-clinical")
	p.Clinical.PrimaryMin.Value = 41
	p.Clinical.Leave.MaxWeeks.Value = 60
	p.Clinical.FirstYear.To = MonthDay{6, 30}
	var ve *ValidationError
	if err := p.Validate(); !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v, want *ValidationError", err)
	}
	want := []FieldError{
		{"#/clinical/primary_min", "must not exceed total"},
		{"#/clinical/first_year/to", "must not be before from"},
		{"#/clinical/leave/max_weeks", "must be from 0 to weeks_per_year"},
	}
	if diff := cmp.Diff(want, ve.Errors); diff != "" {
		t.Errorf("field errors (-want +got):\n%s", diff)
	}
}

func TestEvaluateRejectsBadCredits(t *testing.T) {
	credits := []Credit{
		{ID: "a", Date: date(t, "2024-01-01"), ActivityType: MeetingAttendance, Amount: -1},
		{ID: "a", Date: Date{Year: 2024, Month: 2, Day: 30}, ActivityType: "lecture", Category: "IV"},
	}
	_, err := Evaluate(builtIn(t, "abcp-ccp-ceu"), Facts{ABCPCycle: 1}, credits, date(t, "2025-01-01"))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	want := []FieldError{
		{"#/credits/0/amount", "must not be negative"},
		{"#/credits/1/id", "duplicates an earlier credit id"},
		{"#/credits/1/date", "is not a valid date"},
		{"#/credits/1/activity_type", "is not a known activity type"},
		{"#/credits/1/category", "must be I, II, III, none or empty"},
	}
	if diff := cmp.Diff(want, ve.Errors); diff != "" {
		t.Errorf("field errors (-want +got):\n%s", diff)
	}
}

func TestParseProgramStrict(t *testing.T) {
	if _, err := ParseProgram([]byte(`{"id":"x","surprise":1}`)); err == nil {
		t.Error("ParseProgram accepted an unknown field")
	}
	p := builtIn(t, "us-nj-perfusionist")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseProgram(b)
	if err != nil {
		t.Fatal(err)
	}
	// Whether a program was checked is not part of the document.
	if diff := cmp.Diff(p, back, cmpopts.IgnoreUnexported(Program{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// TestSetupSentence: a missing cycle is a sentence for the member, with no internal wording.
func TestSetupSentence(t *testing.T) {
	_, err := Evaluate(builtIn(t, "abcp-ccp-ceu"), Facts{}, nil, date(t, "2025-01-01"))
	s, ok := SetupSentence(err)
	if !ok || !strings.Contains(s, "ABCP gives each CCP a cycle") || strings.Contains(s, "progress:") {
		t.Fatalf("SetupSentence(%v) = %q, %v", err, s, ok)
	}
	if _, ok := SetupSentence(ErrWrongKind); ok {
		t.Fatal("a wrong program kind is not a setup question")
	}
}
