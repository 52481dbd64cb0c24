package progress

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests assert, number by number, what the golden scenarios must show, so that a golden
// file regenerated from a wrong engine would still fail here.

// facts is the part of a credit period the scenarios assert.
type facts struct {
	Start, End                 string
	Status                     Status
	Exempt                     bool
	MetBy                      string
	Counted, Excess, CarriedIn string
	Remaining, CarriedOut      string
}

func factsOf(p PeriodResult) facts {
	return facts{p.Start.String(), p.End.String(), p.Status, p.Exempt, p.MetBy,
		p.Counted.String(), p.Excess.String(), p.CarriedIn.String(), p.Remaining.String(), p.CarriedOut.String()}
}

// loadScenario reads a golden input and evaluates it.
func loadScenario(t *testing.T, name string) (Evaluation, ClinicalEvaluation, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".input.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in goldenInput
	if err := json.Unmarshal(data, &in); err != nil {
		t.Fatal(err)
	}
	p := goldenProgram(t, in.Program)
	if p.Kind == KindClinical {
		c, err := EvaluateClinical(p, in.Facts, in.Entries, in.AsOf)
		return Evaluation{}, c, err
	}
	e, err := Evaluate(p, in.Facts, in.Credits, in.AsOf)
	return e, ClinicalEvaluation{}, err
}

func TestScenariosCEU(t *testing.T) {
	tests := []struct {
		name string
		rel  Relation
		want facts
	}{
		{"boundary-june30-july1-ceu", Previous, facts{"2023-07-01", "2026-06-30", StatusDeficient, false, "", "10.00", "0.00", "0.00", "35.00", "0.00"}},
		{"boundary-june30-july1-ceu", Current, facts{"2026-07-01", "2029-06-30", StatusOnTrack, false, "", "5.00", "0.00", "0.00", "40.00", "0.00"}},
		{"leap-day-calendar-year-tn", Current, facts{"2024-01-01", "2024-12-31", StatusOnTrack, false, "", "3.00", "0.00", "0.00", "12.00", "0.00"}},
		{"leap-day-rolling-anchor-tx", Previous, facts{"2024-02-29", "2026-02-27", StatusDeficient, false, "", "2.00", "0.00", "0.00", "28.00", "0.00"}},
		{"leap-day-rolling-anchor-tx", Current, facts{"2026-02-28", "2028-02-28", StatusOnTrack, false, "", "3.00", "0.00", "0.00", "27.00", "0.00"}},
		{"leap-day-rolling-anchor-tx", Next, facts{"2028-02-29", "2030-02-27", StatusUpcoming, false, "", "0.00", "0.00", "0.00", "30.00", "0.00"}},
		{"caps-order", Previous, facts{"2023-07-01", "2026-06-30", StatusDeficient, false, "", "12.00", "14.00", "0.00", "33.00", "0.00"}},
		{"allocation-ties", Previous, facts{"2023-07-01", "2026-06-30", StatusDeficient, false, "", "10.00", "6.00", "0.00", "35.00", "0.00"}},
		{"carry-over-nj", Previous, facts{"2023-07-01", "2025-06-30", StatusComplete, false, "", "40.00", "0.00", "0.00", "0.00", "10.00"}},
		{"carry-over-nj", Current, facts{"2025-07-01", "2027-06-30", StatusOnTrack, false, "", "5.00", "0.00", "10.00", "15.00", "0.00"}},
		{"carry-over-ne-capped", Previous, facts{"2022-11-01", "2024-10-31", StatusComplete, false, "", "50.00", "0.00", "0.00", "0.00", "15.00"}},
		{"carry-over-ne-capped", Current, facts{"2024-11-01", "2026-10-31", StatusOnTrack, false, "", "10.00", "0.00", "15.00", "5.00", "0.00"}},
		{"carry-over-next-only-ne", Previous, facts{"2022-11-01", "2024-10-31", StatusComplete, false, "", "20.00", "0.00", "15.00", "0.00", "0.00"}},
		{"carry-over-next-only-ne", Current, facts{"2024-11-01", "2026-10-31", StatusOnTrack, false, "", "0.00", "0.00", "0.00", "30.00", "0.00"}},
		{"topic-pa-child-abuse-missing", Previous, facts{"2023-01-01", "2024-12-31", StatusDeficient, false, "", "32.00", "0.00", "0.00", "0.00", "0.00"}},
		{"topic-pa-child-abuse-met", Previous, facts{"2023-01-01", "2024-12-31", StatusComplete, false, "", "34.40", "0.00", "0.00", "0.00", "0.00"}},
		{"tx-short-circuit-abcp-current", Current, facts{"2023-09-15", "2025-09-14", StatusComplete, false, MetByABCPCertification, "0.00", "0.00", "0.00", "0.00", "0.00"}},
		{"tx-short-circuit-abcp-current", Next, facts{"2025-09-15", "2027-09-14", StatusUpcoming, false, "", "0.00", "0.00", "0.00", "30.00", "0.00"}},
		{"tx-human-trafficking-not-ccp", Previous, facts{"2023-09-15", "2025-09-14", StatusComplete, false, "", "30.00", "0.00", "0.00", "0.00", "0.00"}},
		{"tx-human-trafficking-missing", Current, facts{"2023-09-15", "2025-09-14", StatusOnTrack, false, "", "30.00", "0.00", "0.00", "0.00", "0.00"}},
		{"mo-short-circuit-abcp-current", Previous, facts{"2024-01-01", "2024-12-31", StatusComplete, false, MetByABCPCertification, "0.00", "0.00", "0.00", "0.00", "0.00"}},
		{"pa-first-biennium-exempt", Current, facts{"2023-01-01", "2024-12-31", StatusComplete, true, "", "0.00", "0.00", "0.00", "0.00", "0.00"}},
		{"nj-first-biennium-exempt-carry", Previous, facts{"2023-07-01", "2025-06-30", StatusComplete, true, "", "20.00", "0.00", "0.00", "0.00", "15.00"}},
		{"nj-first-biennium-exempt-carry", Current, facts{"2025-07-01", "2027-06-30", StatusOnTrack, false, "", "0.00", "0.00", "15.00", "15.00", "0.00"}},
		{"mo-first-year-exempt", Current, facts{"2025-01-01", "2025-12-31", StatusComplete, true, "", "2.00", "0.00", "0.00", "0.00", "0.00"}},
		{"fixed-biennium-nc", Current, facts{"2024-01-01", "2025-12-31", StatusBehind, false, "", "22.00", "0.00", "0.00", "8.00", "0.00"}},
		{"birth-month-biennium-ga", Current, facts{"2022-03-01", "2024-02-29", StatusBehind, false, "", "10.00", "0.00", "0.00", "20.00", "0.00"}},
		{"birth-month-biennium-ga", Next, facts{"2024-03-01", "2026-02-28", StatusUpcoming, false, "", "5.00", "0.00", "0.00", "25.00", "0.00"}},
		{"calendar-year-tn", Current, facts{"2025-01-01", "2025-12-31", StatusBehind, false, "", "6.00", "0.00", "0.00", "9.00", "0.00"}},
		{"rolling-months-tx", Current, facts{"2023-09-15", "2025-09-14", StatusBehind, false, "", "0.00", "0.00", "0.00", "30.00", "0.00"}},
		{"nj-hour60-conversion", Current, facts{"2025-07-01", "2027-06-30", StatusOnTrack, false, "", "6.83", "0.00", "0.00", "23.17", "0.00"}},
		{"status-on-track", Current, facts{"2023-07-01", "2026-06-30", StatusOnTrack, false, "", "16.00", "0.00", "0.00", "29.00", "0.00"}},
		{"status-behind", Current, facts{"2023-07-01", "2026-06-30", StatusBehind, false, "", "10.00", "0.00", "0.00", "35.00", "0.00"}},
		{"status-first-day-deficient-upcoming", Current, facts{"2026-07-01", "2029-06-30", StatusOnTrack, false, "", "0.00", "0.00", "0.00", "45.00", "0.00"}},
		{"status-first-day-deficient-upcoming", Next, facts{"2029-07-01", "2032-06-30", StatusUpcoming, false, "", "0.00", "0.00", "0.00", "45.00", "0.00"}},
		{"abcp-first-period-from-certification", Current, facts{"2025-02-10", "2027-06-30", StatusOnTrack, false, "", "12.00", "0.00", "0.00", "33.00", "0.00"}},
		{"duplicate-session", Current, facts{"2023-07-01", "2026-06-30", StatusBehind, false, "", "5.00", "3.00", "0.00", "40.00", "0.00"}},
		{"ga-caps", Previous, facts{"2021-09-01", "2023-08-31", StatusDeficient, false, "", "7.00", "4.00", "0.00", "23.00", "0.00"}},
		{"ga-caps", Current, facts{"2023-09-01", "2025-08-31", StatusBehind, false, "", "6.00", "1.00", "0.00", "24.00", "0.00"}},
		{"nj-exact-minutes-add-up", Previous, facts{"2023-07-01", "2025-06-30", StatusComplete, false, "", "30.00", "0.00", "0.00", "0.00", "0.00"}},
		{"nj-exact-minutes-one-short", Previous, facts{"2023-07-01", "2025-06-30", StatusDeficient, false, "", "29.98", "0.00", "0.00", "0.02", "0.00"}},
		{"abcp-last-day-elapsed", Current, facts{"2023-07-01", "2026-06-30", StatusBehind, false, "", "44.00", "0.00", "0.00", "1.00", "0.00"}},
		{"abcp-last-day-exactly-met", Current, facts{"2023-07-01", "2026-06-30", StatusComplete, false, "", "45.00", "0.00", "0.00", "0.00", "0.00"}},
		{"abcp-first-day-of-next-period", Current, facts{"2026-07-01", "2029-06-30", StatusOnTrack, false, "", "0.50", "0.00", "0.00", "44.50", "0.00"}},
		{"pace-allowance-exactly-on-track", Current, facts{"2023-07-01", "2026-06-30", StatusOnTrack, false, "", "18.75", "0.00", "0.00", "26.25", "0.00"}},
		{"pace-allowance-just-behind", Current, facts{"2023-07-01", "2026-06-30", StatusBehind, false, "", "18.74", "0.00", "0.00", "26.26", "0.00"}},
		{"nj-committee-approved-category-ii", Previous, facts{"2023-07-01", "2025-06-30", StatusDeficient, false, "", "11.50", "0.00", "0.00", "18.50", "0.00"}},
		{"abcp-category-none-not-counted", Current, facts{"2024-02-10", "2026-06-30", StatusOnTrack, false, "", "22.00", "1.00", "0.00", "23.00", "0.00"}},
		{"sdce-cap-exactly-reached", Current, facts{"2023-07-01", "2026-06-30", StatusBehind, false, "", "10.00", "0.00", "0.00", "35.00", "0.00"}},
		{"tx-met-by-certification-requirements", Current, facts{"2023-09-15", "2025-09-14", StatusComplete, false, MetByABCPCertification, "3.00", "0.00", "0.00", "0.00", "0.00"}},
		{"not-tracked-six-weeks-into-cycle", Previous, facts{"2023-07-01", "2026-06-30", StatusNotTracked, false, "", "0.00", "0.00", "0.00", "45.00", "0.00"}},
		{"not-tracked-six-weeks-into-cycle", Current, facts{"2026-07-01", "2029-06-30", StatusOnTrack, false, "", "1.00", "0.00", "0.00", "44.00", "0.00"}},
		{"not-tracked-from-earliest-credit", Previous, facts{"2020-07-01", "2023-06-30", StatusNotTracked, false, "", "0.00", "0.00", "0.00", "45.00", "0.00"}},
		{"status-first-day-deficient-upcoming", Previous, facts{"2023-07-01", "2026-06-30", StatusDeficient, false, "", "0.00", "0.00", "0.00", "45.00", "0.00"}},
		{"category-iii-hour-for-hour", Current, facts{"2023-07-01", "2026-06-30", StatusBehind, false, "", "4.98", "0.00", "0.00", "40.02", "0.00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+string(tt.rel), func(t *testing.T) {
			e, _, err := loadScenario(t, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, factsOf(periodOf(t, e, tt.rel))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestScenariosPeriodsOmitted(t *testing.T) {
	tests := []struct {
		name string
		want []Relation
	}{
		{"pa-first-biennium-exempt", []Relation{Current, Next}},
		{"mo-first-year-exempt", []Relation{Current, Next}},
		{"abcp-first-period-from-certification", []Relation{Current, Next}},
		{"clinical-fall-first-year", []Relation{Current, Next}},
		{"e1-abcp-complete", []Relation{Previous, Current, Next}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, c, err := loadScenario(t, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			var got []Relation
			for _, p := range e.Periods {
				got = append(got, p.Relation)
			}
			for _, p := range c.Periods {
				got = append(got, p.Relation)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("periods (-want +got):\n%s", diff)
			}
		})
	}
}

// clinicalFacts is the part of a clinical period the scenarios assert.
type clinicalFacts struct {
	Start, End  string
	Status      Status
	Requirement ClinicalRequirement
	Counted     ClinicalCounts
	Excess      int
	Remaining   ClinicalRemaining
}

func TestScenariosClinical(t *testing.T) {
	std := ClinicalRequirement{Total: 40, PrimaryMin: 25, SecondaryMax: 15, Basis: BasisStandard, Verified: true}
	tests := []struct {
		name string
		rel  Relation
		want clinicalFacts
	}{
		{"clinical-leave-13-weeks", Previous, clinicalFacts{"2024-07-01", "2025-06-30", StatusComplete,
			ClinicalRequirement{Total: 30, PrimaryMin: 19, SecondaryMax: 11, Basis: BasisStandard, LeaveWeeks: 13},
			ClinicalCounts{20, 11, 31}, 1, ClinicalRemaining{}}},
		{"clinical-leave-capped-26", Previous, clinicalFacts{"2024-07-01", "2025-06-30", StatusDeficient,
			ClinicalRequirement{Total: 20, PrimaryMin: 13, SecondaryMax: 7, Basis: BasisStandard, LeaveWeeks: 26},
			ClinicalCounts{12, 7, 19}, 5, ClinicalRemaining{Primary: 1, Total: 1}}},
		{"clinical-admin-override", Previous, clinicalFacts{"2024-07-01", "2025-06-30", StatusDeficient,
			ClinicalRequirement{Total: 33, PrimaryMin: 22, SecondaryMax: 11, Basis: BasisOverride, LeaveWeeks: 13,
				OverrideReference: "ABCP letter 2025-05-02", Verified: true},
			ClinicalCounts{20, 11, 31}, 1, ClinicalRemaining{Primary: 2, Total: 2}}},
		{"clinical-fall-first-year", Current, clinicalFacts{"2024-10-15", "2025-06-30", StatusOnTrack,
			ClinicalRequirement{Total: 20, PrimaryMin: 12, SecondaryMax: 8, Basis: BasisFirstYear},
			ClinicalCounts{10, 8, 18}, 2, ClinicalRemaining{Primary: 2, Total: 2}}},
		{"clinical-spring-certification-exempt", Current, clinicalFacts{"2025-03-10", "2025-06-30", StatusComplete,
			ClinicalRequirement{Basis: BasisExempt, Verified: true}, ClinicalCounts{3, 0, 3}, 0, ClinicalRemaining{}}},
		{"clinical-spring-certification-exempt", Next, clinicalFacts{"2025-07-01", "2026-06-30", StatusUpcoming,
			std, ClinicalCounts{}, 0, ClinicalRemaining{Primary: 25, Total: 40}}},
		{"boundary-june30-july1-clinical", Current, clinicalFacts{"2024-07-01", "2025-06-30", StatusBehind,
			std, ClinicalCounts{3, 1, 4}, 0, ClinicalRemaining{Primary: 22, Total: 36}}},
		{"boundary-june30-july1-clinical", Next, clinicalFacts{"2025-07-01", "2026-06-30", StatusUpcoming,
			std, ClinicalCounts{2, 0, 2}, 0, ClinicalRemaining{Primary: 23, Total: 38}}},
		{"mo-clinical-standbys", Previous, clinicalFacts{"2024-01-01", "2024-12-31", StatusComplete,
			ClinicalRequirement{Total: 40, PrimaryMin: 25, SecondaryMax: 15, Basis: BasisStandard},
			ClinicalCounts{30, 15, 45}, 5, ClinicalRemaining{}}},
		{"tx-clinical-primary-only", Current, clinicalFacts{"2023-09-15", "2025-09-14", StatusOnTrack,
			ClinicalRequirement{Total: 40, PrimaryMin: 40, SecondaryMax: 0, Basis: BasisStandard, Verified: true},
			ClinicalCounts{35, 0, 35}, 5, ClinicalRemaining{Primary: 5, Total: 5}}},
		{"ne-clinical", Current, clinicalFacts{"2024-11-01", "2026-10-31", StatusOnTrack,
			ClinicalRequirement{Total: 80, PrimaryMin: 50, SecondaryMax: 30, Basis: BasisStandard},
			ClinicalCounts{40, 30, 70}, 5, ClinicalRemaining{Primary: 10, Total: 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+string(tt.rel), func(t *testing.T) {
			_, c, err := loadScenario(t, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			p := clinicalPeriodOf(t, c, tt.rel)
			got := clinicalFacts{p.Start.String(), p.End.String(), p.Status, p.Requirement, p.Counted, p.Excess, p.Remaining}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestScenarioShuffledInputSameGolden(t *testing.T) {
	a, err := os.ReadFile("testdata/allocation-ties.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/allocation-shuffled.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(a), string(b)); diff != "" {
		t.Errorf("shuffled input changed the result (-ordered +shuffled):\n%s", diff)
	}
}

// Decision 4: per-activity maximum, then per-period maximum, then category maximum; within each,
// the earliest credits are kept (Decision 5).
func TestCapsOrder(t *testing.T) {
	e, _, err := loadScenario(t, "caps-order")
	if err != nil {
		t.Fatal(err)
	}
	want := []CreditCut{
		{"talk1", Cut{"talk", LimitPerActivity, MustUnits("2")}},
		{"talk2", Cut{"talk", LimitPerActivity, MustUnits("2")}},
		{"talk3", Cut{"talk", LimitPerActivity, MustUnits("2")}},
		{"talk3", Cut{"talk", LimitPerPeriod, MustUnits("2")}},
		{"meet", Cut{"cat-i-max", LimitCategoryMax, MustUnits("4")}},
		{"talk3", Cut{"cat-i-max", LimitCategoryMax, MustUnits("2")}},
	}
	if diff := cmp.Diff(want, periodOf(t, e, Previous).Cuts); diff != "" {
		t.Errorf("cuts (-want +got):\n%s", diff)
	}
}

// TestLastDayPaceTarget: Decision 14. On a period's last day the pace target is the whole
// requirement; on its first day one day of n has elapsed.
func TestLastDayPaceTarget(t *testing.T) {
	tests := []struct {
		name, want string
		rel        Relation
	}{
		{"abcp-last-day-elapsed", "45.00", Current},
		{"abcp-first-day-of-next-period", "0.05", Current}, // 45 × 1/1096 = 0.041…, rounded up
		{"pace-allowance-just-behind", "22.50", Current},   // 45 × 548/1096
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, err := loadScenario(t, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			p := periodOf(t, e, tt.rel)
			if p.PaceTarget == nil || p.PaceTarget.String() != tt.want {
				t.Errorf("pace target = %v, want %s", p.PaceTarget, tt.want)
			}
		})
	}
}

// TestMetByCertificationMeetsEveryRequirement: Decision 15.
func TestMetByCertificationMeetsEveryRequirement(t *testing.T) {
	e, _, err := loadScenario(t, "tx-met-by-certification-requirements")
	if err != nil {
		t.Fatal(err)
	}
	p := periodOf(t, e, Current)
	if p.PaceTarget != nil {
		t.Errorf("pace target %s shown for a period met by certification", p.PaceTarget)
	}
	if len(p.Requirements) != 3 {
		t.Fatalf("got %d requirements, want total, Category I and human trafficking", len(p.Requirements))
	}
	for _, q := range p.Requirements {
		if !q.Met || q.Remaining != 0 || q.MetBy != MetByABCPCertification {
			t.Errorf("requirement %s: met %v, remaining %s, met_by %q; want met by certification", q.ID, q.Met, q.Remaining, q.MetBy)
		}
	}
}

// TestNotCountedListedWithTotals: nothing vanishes. Every credit, or part of one, a period
// does not count is listed with why, with totals per reason.
func TestNotCountedListedWithTotals(t *testing.T) {
	tests := []struct {
		name   string
		rel    Relation
		list   []string // credit:reason:amount
		totals []NotCountedTotal
	}{
		{"abcp-category-none-not-counted", Current,
			[]string{"before-cert:outside_period:4.00", "state-course:not_accepted:2.00", "rejected:rejected:3.00", "sdce:over_cap:1.00"},
			[]NotCountedTotal{{ReasonNotAccepted, 1, 200}, {ReasonOverCap, 1, 100}, {ReasonRejected, 1, 300}, {ReasonOutsidePeriod, 1, 400}}},
		{"nj-committee-approved-category-ii", Previous,
			[]string{"other-meeting:not_accepted:5.00", "unapproved-course:not_accepted:2.00"},
			[]NotCountedTotal{{ReasonNotAccepted, 2, 700}}},
		{"sdce-cap-exactly-reached", Current, nil, []NotCountedTotal{}},
		{"e3-publication-caps", Previous,
			[]string{"chapter:over_cap:3.00", "chapter:over_cap:5.00", "article3:over_cap:5.00"},
			[]NotCountedTotal{{ReasonOverCap, 3, 1300}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, err := loadScenario(t, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			p := periodOf(t, e, tt.rel)
			var got []string
			for _, n := range p.NotCounted {
				got = append(got, n.CreditID+":"+string(n.Reason)+":"+n.Amount.String())
				if n.Detail == "" {
					t.Errorf("%s: no detail", n.CreditID)
				}
			}
			if diff := cmp.Diff(tt.list, got); diff != "" {
				t.Errorf("not counted (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.totals, p.NotCountedTotals); diff != "" {
				t.Errorf("totals (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSummarySentences: each period says where it stands in one plain sentence, with what it
// still needs (item: a summary a person can read).
func TestSummarySentences(t *testing.T) {
	tests := []struct {
		name  string
		rel   Relation
		want  string
		needs []string // rule:amount-or-count
	}{
		{"summary-needs-category-and-total", Current,
			"Needs 11.50 more CEUs, 5.00 of them Category I, by 30 June 2028; report due 31 July 2028. At your pace you are on track.",
			[]string{"total:11.50", "abcp-category-i:5.00"}},
		{"not-tracked-six-weeks-into-cycle", Previous,
			"Not tracked: this period ended on 30 June 2026, before your record in Recert starts (15 July 2026), so Recert cannot say whether it was met.",
			[]string{}},
		{"not-tracked-six-weeks-into-cycle", Current,
			"Needs 44.00 more CEUs, 14.00 of them Category I, 4.00 of them Category I other than SDCE (self-directed continuing education), by 30 June 2029; report due 31 July 2029. " +
				"At your pace you are on track. Your record in Recert starts on 15 July 2026: 1.00 of the 45.00 CEUs required in all are recorded since then; add credits earned before then as self-reported activities.",
			[]string{"total:44.00", "abcp-category-i:14.00", "abcp-category-i-non-sdce:4.00"}},
		{"status-behind", Current,
			"Needs 35.00 more CEUs, 5.00 of them Category I, by 30 June 2026; report due 31 July 2026. You are behind: at an even pace you would have 15.07 CEUs by now.",
			[]string{"total:35.00", "abcp-category-i:5.00"}},
		{"tx-met-by-certification-requirements", Current, "Complete: met by your current ABCP certification.", []string{}},
		{"abcp-last-day-exactly-met", Current, "Complete: 45.00 of 45.00 CEUs counted; report due 31 July 2026.", []string{}},
		{"nj-exact-minutes-one-short", Previous, "Short by 0.02 hours: the period ended on 30 June 2025; report due 30 June 2025. Your record in Recert starts on 1 January 2024: 29.98 of the 30.00 hours required in all are recorded since then; add credits earned before then as self-reported activities." +
			" The board counts 60-minute hours; Recert converts your credits (36.00 CEUs as awarded) from their recorded minutes, or at 50 minutes a CEU where none are recorded: 29.98 hours.", []string{"total:0.02"}},
		{"tx-human-trafficking-missing", Current,
			"Needs 1 more course on human trafficking by 14 September 2025; report due 14 September 2025. At your pace you are on track. " +
				"Your record in Recert starts on 10 January 2024: 30.00 of the 30.00 CEUs required in all are recorded since then; add credits earned before then as self-reported activities.",
			[]string{"tx-human-trafficking:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+string(tt.rel), func(t *testing.T) {
			e, _, err := loadScenario(t, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			p := periodOf(t, e, tt.rel)
			if p.Summary.Sentence != tt.want {
				t.Errorf("sentence:\n got %q\nwant %q", p.Summary.Sentence, tt.want)
			}
			if p.Summary.Status != p.Status {
				t.Errorf("summary status %s, period status %s", p.Summary.Status, p.Status)
			}
			got := []string{}
			for _, n := range p.Summary.Needs {
				if n.By != p.End {
					t.Errorf("need %s by %s, want the period's end %s", n.Rule, n.By, p.End)
				}
				got = append(got, n.Rule+":"+needAmount(n))
			}
			if diff := cmp.Diff(tt.needs, got); diff != "" {
				t.Errorf("needs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClinicalSummary: clinical counts speak of activities.
func TestClinicalSummary(t *testing.T) {
	_, c, err := loadScenario(t, "e6-clinical-secondary-excess")
	if err != nil {
		t.Fatal(err)
	}
	p := clinicalPeriodOf(t, c, Previous)
	want := "Short by 3 clinical activities, 3 of them primary: the period ended on 30 June 2025; report due 31 July 2025. " +
		"Clinical activities done by 30 June 2025 can still be reported until 31 July 2025. Your record in Recert starts on 1 August 2024: 37 of the 40 clinical activities required in all are recorded since then; add earlier activities to your clinical log."
	if p.Summary.Sentence != want {
		t.Errorf("sentence:\n got %q\nwant %q", p.Summary.Sentence, want)
	}
}

// TestSentencesInWords: no sentence a member reads (period sentences, needs, not-counted
// details) carries a rule id, an internal unit or an enum value, over every golden case.
func TestSentencesInWords(t *testing.T) {
	goldens, err := filepath.Glob("testdata/*.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	banned := []string{"ceu50", "hour60", "_", "abcp-", "us-nj", "caahep"}
	// Enum values that are also plain words ("behind", "complete") may be said; those written
	// as identifiers may not.
	for _, s := range []Status{StatusOnTrack, StatusNotTracked, StatusNeedsSetup} {
		banned = append(banned, string(s))
	}
	for _, a := range ActivityTypes() {
		if strings.Contains(string(a), "_") {
			banned = append(banned, string(a))
		}
	}
	for _, path := range goldens {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		ids := ruleIDs(doc)
		walkSentences(doc, "", func(at, s string) {
			for _, b := range append(banned, ids...) {
				if strings.Contains(s, b) {
					t.Errorf("%s %s: %q holds %q", path, at, s, b)
				}
			}
		})
	}
}

// ruleIDs collects the requirement, limit and cut rule ids of a golden output.
func ruleIDs(doc any) []string {
	var out []string
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(x, k)
			}
		case []any:
			for _, x := range v {
				walk(x, key)
			}
		case string:
			if (key == "rule" || key == "id") && strings.Contains(v, "-") {
				out = append(out, v)
			}
		}
	}
	walk(doc, "")
	return out
}

// walkSentences calls f with every sentence of a golden output: summary sentences, needs'
// texts and not-counted details.
func walkSentences(v any, key string, f func(at, s string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			walkSentences(x, k, f)
		}
	case []any:
		for _, x := range v {
			walkSentences(x, key, f)
		}
	case string:
		if key == "sentence" || key == "text" || key == "detail" {
			f(key, v)
		}
	}
}

// TestMetByCertificationLeavesNothing walks every requirement of every built-in program that a
// current ABCP certification meets (Decision 15): each started period is complete, with nothing
// remaining anywhere and no need listed, CEU and clinical alike.
func TestMetByCertificationLeavesNothing(t *testing.T) {
	programs, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	f := Facts{ABCPCycle: 1, ABCPCurrent: true, CertifiedOn: date(t, "2010-05-01"), BirthMonth: 3,
		LicenseIssued: date(t, "2012-01-15"), FirstLicensed: date(t, "2012-01-15"), TrackingSince: date(t, "2020-01-01")}
	asOf := date(t, "2025-03-01")
	walked := 0
	for _, p := range programs {
		if !p.MetByABCPCertification {
			continue
		}
		t.Run(p.ID, func(t *testing.T) {
			var infos []PeriodInfo
			if p.Kind == KindClinical {
				e, err := EvaluateClinical(p, f, nil, asOf)
				if err != nil {
					t.Fatal(err)
				}
				for _, per := range e.Periods {
					if per.Status != StatusUpcoming && per.Remaining != (ClinicalRemaining{}) {
						t.Errorf("%s–%s: remaining %+v, want nothing", per.Start, per.End, per.Remaining)
					}
					infos = append(infos, per.PeriodInfo)
				}
			} else {
				e, err := Evaluate(p, f, nil, asOf)
				if err != nil {
					t.Fatal(err)
				}
				for _, per := range e.Periods {
					if per.Status == StatusUpcoming {
						continue
					}
					if per.Remaining != 0 {
						t.Errorf("%s–%s: remaining %s, want 0", per.Start, per.End, per.Remaining)
					}
					for _, q := range per.Requirements {
						walked++
						if !q.Met || q.Remaining != 0 || q.MetBy != MetByABCPCertification {
							t.Errorf("%s–%s: requirement %s met %v remaining %s met_by %q", per.Start, per.End, q.ID, q.Met, q.Remaining, q.MetBy)
						}
					}
					infos = append(infos, per.PeriodInfo)
				}
			}
			for _, pi := range infos {
				if pi.Status == StatusUpcoming {
					continue
				}
				walked++
				if pi.Status != StatusComplete || pi.MetBy != MetByABCPCertification || len(pi.Summary.Needs) != 0 {
					t.Errorf("%s–%s: status %s met_by %q needs %v", pi.Start, pi.End, pi.Status, pi.MetBy, pi.Summary.Needs)
				}
			}
		})
	}
	if walked == 0 {
		t.Fatal("no built-in program is met by certification: nothing was walked")
	}
}
