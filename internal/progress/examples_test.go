package progress

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The worked examples of rules.md §9, asserted number by number (not only through goldens).

// summary is the part of a credit period the examples state.
type summary struct {
	Start, End           Date
	Status               Status
	Counted, Excess      Units
	Surplus, CarriedOut  Units
	Remaining            Units
	CatI, CatII, CatIII  Units
	CatIRemaining        Units
	NonSDCE, NonSDCERest Units
}

func summarize(t *testing.T, p PeriodResult) summary {
	t.Helper()
	ns := requirement(t, p, "abcp-category-i-non-sdce")
	return summary{
		Start: p.Start, End: p.End, Status: p.Status,
		Counted: p.Counted, Excess: p.Excess, Surplus: p.Surplus, CarriedOut: p.CarriedOut, Remaining: p.Remaining,
		CatI: categoryOf(p, CategoryI).Counted, CatII: categoryOf(p, CategoryII).Counted, CatIII: categoryOf(p, CategoryIII).Counted,
		CatIRemaining: requirement(t, p, "abcp-category-i").Remaining,
		NonSDCE:       ns.Counted, NonSDCERest: ns.Remaining,
	}
}

func TestWorkedExamplesCEU(t *testing.T) {
	abcp := builtIn(t, "abcp-ccp-ceu")
	cycle1 := Facts{ABCPCycle: 1}
	tests := []struct {
		name    string
		credits []Credit
		want    summary
		cuts    []CreditCut
	}{
		{
			name: "E1 complete",
			credits: []Credit{
				credit(t, "national", "2024-10-12", MeetingAttendance, CategoryI, "18"),
				credit(t, "state", "2025-04-05", MeetingAttendance, CategoryI, "6"),
				credit(t, "sdce", "2025-01-20", SDCE, CategoryI, "8"),
				credit(t, "cat2", "2024-03-02", CategoryIIMeeting, CategoryII, "8"),
				credit(t, "cat3", "2025-11-15", CategoryIIISelfStudy, CategoryIII, "7"),
			},
			want: summary{
				Start: date(t, "2023-07-01"), End: date(t, "2026-06-30"), Status: StatusComplete,
				Counted: MustUnits("47"), Surplus: MustUnits("2"),
				CatI: MustUnits("32"), CatII: MustUnits("8"), CatIII: MustUnits("7"),
				NonSDCE: MustUnits("24"),
			},
			cuts: []CreditCut{},
		},
		{
			name: "E2 SDCE cap breaks the Category I minimum",
			credits: []Credit{
				credit(t, "sdce", "2024-02-01", SDCE, CategoryI, "14"),
				credit(t, "webinar", "2025-02-01", MeetingAttendance, CategoryI, "3"),
				credit(t, "cat2", "2024-09-01", CategoryIIMeeting, CategoryII, "20"),
				credit(t, "cat3", "2025-09-01", CategoryIIISelfStudy, CategoryIII, "12"),
			},
			want: summary{
				Start: date(t, "2023-07-01"), End: date(t, "2026-06-30"), Status: StatusDeficient,
				Counted: MustUnits("45"), Excess: MustUnits("4"),
				CatI: MustUnits("13"), CatII: MustUnits("20"), CatIII: MustUnits("12"),
				CatIRemaining: MustUnits("2"), NonSDCE: MustUnits("3"), NonSDCERest: MustUnits("2"),
			},
			cuts: []CreditCut{{CreditID: "sdce", Cut: Cut{Rule: "abcp-sdce", Kind: LimitPerPeriod, Amount: MustUnits("4")}}},
		},
		{
			name: "E3 publication caps and total shortfall",
			credits: []Credit{
				credit(t, "article1", "2023-09-01", Publication, CategoryI, "5"),
				credit(t, "article2", "2024-03-01", Publication, CategoryI, "5"),
				credit(t, "chapter", "2024-06-01", Publication, CategoryI, "8"),
				credit(t, "article3", "2025-01-15", Publication, CategoryI, "5"),
				credit(t, "meetings", "2024-10-10", MeetingAttendance, CategoryI, "10"),
				credit(t, "reading", "2025-05-05", CategoryIIISelfStudy, CategoryIII, "15"),
			},
			want: summary{
				Start: date(t, "2023-07-01"), End: date(t, "2026-06-30"), Status: StatusDeficient,
				Counted: MustUnits("35"), Excess: MustUnits("13"), Remaining: MustUnits("10"),
				CatI: MustUnits("20"), CatIII: MustUnits("15"), NonSDCE: MustUnits("20"),
			},
			cuts: []CreditCut{
				{CreditID: "chapter", Cut: Cut{Rule: "abcp-publication", Kind: LimitPerActivity, Amount: MustUnits("3")}},
				{CreditID: "chapter", Cut: Cut{Rule: "abcp-publication", Kind: LimitPerPeriod, Amount: MustUnits("5")}},
				{CreditID: "article3", Cut: Cut{Rule: "abcp-publication", Kind: LimitPerPeriod, Amount: MustUnits("5")}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Evaluate(abcp, cycle1, tt.credits, date(t, "2026-07-01"))
			if err != nil {
				t.Fatal(err)
			}
			p := periodOf(t, e, Previous)
			if diff := cmp.Diff(tt.want, summarize(t, p)); diff != "" {
				t.Errorf("period (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.cuts, p.Cuts); diff != "" {
				t.Errorf("cuts (-want +got):\n%s", diff)
			}
			if got, want := p.Deadline.Format(time.RFC3339), "2026-07-31T23:59:00-07:00"; got != want {
				t.Errorf("deadline = %s, want %s", got, want)
			}
		})
	}
}

func TestWorkedExampleE6Clinical(t *testing.T) {
	var entries []ClinicalEntry
	for i := range 22 {
		entries = append(entries, ClinicalEntry{ID: "p" + itoa(i), Date: date(t, "2024-08-01").AddDays(i * 10), Type: "cpb", Role: Primary, Count: 1})
	}
	for i := range 20 {
		entries = append(entries, ClinicalEntry{ID: "s" + itoa(i), Date: date(t, "2024-08-05").AddDays(i * 10), Type: "standby", Role: Secondary, Count: 1})
	}
	e, err := EvaluateClinical(builtIn(t, "abcp-ccp-clinical"), Facts{}, entries, date(t, "2025-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	p := clinicalPeriodOf(t, e, Previous)
	type got struct {
		Start, End Date
		Deadline   string
		Status     Status
		Logged     ClinicalCounts
		Counted    ClinicalCounts
		Excess     int
		Remaining  ClinicalRemaining
	}
	want := got{
		Start: date(t, "2024-07-01"), End: date(t, "2025-06-30"), Deadline: "2025-07-31T23:59:00-07:00",
		Status:    StatusDeficient,
		Logged:    ClinicalCounts{Primary: 22, Secondary: 20, Total: 42},
		Counted:   ClinicalCounts{Primary: 22, Secondary: 15, Total: 37},
		Excess:    5,
		Remaining: ClinicalRemaining{Primary: 3, Total: 3},
	}
	have := got{p.Start, p.End, p.Deadline.Format(time.RFC3339), p.Status, p.Logged, p.Counted, p.Excess, p.Remaining}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("E6 (-want +got):\n%s", diff)
	}
	// The five secondary activities cut are the latest ones (Decision 5).
	var cut []string
	for _, en := range p.Entries {
		if en.Excess > 0 {
			cut = append(cut, en.ID)
		}
	}
	if diff := cmp.Diff([]string{"s15", "s16", "s17", "s18", "s19"}, cut); diff != "" {
		t.Errorf("cut entries (-want +got):\n%s", diff)
	}
}

func TestWorkedExampleE9Periods(t *testing.T) {
	abcp := builtIn(t, "abcp-ccp-ceu")
	tests := []struct {
		cycle                int
		start, end, deadline string
		prevStart, nextEnd   string
	}{
		{2, "2022-07-01", "2025-06-30", "2025-07-31T23:59:00-07:00", "2019-07-01", "2028-06-30"},
		{3, "2024-07-01", "2027-06-30", "2027-07-31T23:59:00-07:00", "2021-07-01", "2030-06-30"},
		{1, "2023-07-01", "2026-06-30", "2026-07-31T23:59:00-07:00", "2020-07-01", "2029-06-30"},
	}
	for _, tt := range tests {
		t.Run("cycle "+itoa(tt.cycle), func(t *testing.T) {
			e, err := Evaluate(abcp, Facts{ABCPCycle: tt.cycle}, nil, date(t, "2024-09-01"))
			if err != nil {
				t.Fatal(err)
			}
			cur := periodOf(t, e, Current)
			got := []string{cur.Start.String(), cur.End.String(), cur.Deadline.Format(time.RFC3339),
				periodOf(t, e, Previous).Start.String(), periodOf(t, e, Next).End.String()}
			want := []string{tt.start, tt.end, tt.deadline, tt.prevStart, tt.nextEnd}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("periods (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("filing at 2025-08-01 00:30 Pacific is late", func(t *testing.T) {
		e, err := Evaluate(abcp, Facts{ABCPCycle: 2}, nil, date(t, "2024-09-01"))
		if err != nil {
			t.Fatal(err)
		}
		la := mustLoad(t, "America/Los_Angeles")
		dl := periodOf(t, e, Current).Deadline
		for _, c := range []struct {
			filed time.Time
			late  bool
		}{
			{time.Date(2025, 8, 1, 0, 30, 0, 0, la), true},
			{time.Date(2025, 7, 31, 23, 59, 59, 0, la), false},
			{time.Date(2025, 8, 1, 6, 59, 0, 0, time.UTC), false},
			{time.Date(2025, 8, 1, 7, 0, 0, 0, time.UTC), true},
		} {
			if got := Late(dl, c.filed); got != c.late {
				t.Errorf("Late(%s, %s) = %v, want %v", dl, c.filed, got, c.late)
			}
		}
	})
	t.Run("no cycle is a clear error", func(t *testing.T) {
		_, err := Evaluate(abcp, Facts{}, nil, date(t, "2024-09-01"))
		if !errors.Is(err, ErrCycleRequired) {
			t.Fatalf("err = %v, want ErrCycleRequired", err)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
