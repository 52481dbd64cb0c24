package ledger_test

import (
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

func TestNewActivity(t *testing.T) {
	ceus := func(s string) *string { return &s }
	score := func(n int) *int { return &n }
	day := recert.Date{Year: 2026, Month: 10, Day: 1}
	cases := []struct {
		name     string
		in       ledger.ActivityInput
		admin    bool
		wantErr  string
		category string
		units    recert.Units
	}{
		{"a publication takes its category", ledger.ActivityInput{Type: "publication", Date: day, Title: "Article", CEUs: ceus("2.5")}, false, "", "I", 250},
		{"minutes make CEUs", ledger.ActivityInput{Type: "category_iii_self_study", Date: day, Title: "Reading", Minutes: 125}, false, "", "III", 250},
		{"too few minutes", ledger.ActivityInput{Type: "category_iii_self_study", Date: day, Title: "Reading", Minutes: 0}, false, "give the CEUs claimed or the minutes spent", "", 0},
		{"a category the type does not have", ledger.ActivityInput{Type: "publication", Date: day, Title: "A", CEUs: ceus("1"), Category: "II"}, false, "publication is Category I", "", 0},
		{"other names its own", ledger.ActivityInput{Type: "other", Date: day, Title: "A", CEUs: ceus("1"), Category: "II"}, false, "", "II", 100},
		{"SDCE under the pass mark", ledger.ActivityInput{Type: "sdce", Date: day, Title: "M", CEUs: ceus("1"), PostTestScore: score(79)}, false, "at least 80", "", 0},
		{"SDCE at the pass mark", ledger.ActivityInput{Type: "sdce", Date: day, Title: "M", CEUs: ceus("1"), PostTestScore: score(80)}, false, "", "I", 100},
		{"members do not verify", ledger.ActivityInput{Type: "poster", Date: day, Title: "P", CEUs: ceus("1"), DocumentationStatus: "verified"}, false, "only an administrator", "", 0},
		{"administrators do", ledger.ActivityInput{Type: "poster", Date: day, Title: "P", CEUs: ceus("1"), DocumentationStatus: "verified"}, true, "", "I", 100},
		{"an unknown type", ledger.ActivityInput{Type: "karaoke", Date: day, Title: "K", CEUs: ceus("1")}, false, "choose the kind", "", 0},
		{"a blank title", ledger.ActivityInput{Type: "poster", Date: day, Title: "  ", CEUs: ceus("1")}, false, "give a title", "", 0},
		{"zero CEUs", ledger.ActivityInput{Type: "poster", Date: day, Title: "P", CEUs: ceus("0")}, false, "more than zero", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := ledger.NewActivity(c.in, c.admin)
			if c.wantErr != "" {
				if err == nil || recert.ErrorCode(err) != recert.EINVALID || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want one saying %q", err, c.wantErr)
				}
				return
			}
			if err != nil || a.Category != c.category || a.CEUs != c.units {
				t.Fatalf("%+v %v, want Category %s and %s CEUs", a, err, c.category, c.units)
			}
		})
	}
}

func TestNewClinicalEntry(t *testing.T) {
	day := recert.Date{Year: 2026, Month: 9, Day: 1}
	e, err := ledger.NewClinicalEntry("mem_1", ledger.ClinicalInput{Date: day, Type: "ecmo", Role: "primary", CaseReference: " ab-12 "})
	same, _ := ledger.NewClinicalEntry("mem_1", ledger.ClinicalInput{Date: day, Type: "ecmo", Role: "primary", CaseReference: "AB-12"})
	other, _ := ledger.NewClinicalEntry("mem_2", ledger.ClinicalInput{Date: day, Type: "ecmo", Role: "primary", CaseReference: "AB-12"})
	if err != nil || e.Count != 1 || string(e.CaseRefHash) != string(same.CaseRefHash) || string(e.CaseRefHash) == string(other.CaseRefHash) {
		t.Fatalf("%+v %v: the case number's hash is per member and ignores case and spaces", e, err)
	}
	for name, in := range map[string]ledger.ClinicalInput{
		"no date":         {Type: "ecmo", Role: "primary"},
		"an odd type":     {Date: day, Type: "surgery", Role: "primary"},
		"an odd role":     {Date: day, Type: "ecmo", Role: "tertiary"},
		"too many shifts": {Date: day, Type: "ecmo", Role: "primary", Count: 101},
	} {
		if _, err := ledger.NewClinicalEntry("mem_1", in); recert.ErrorCode(err) != recert.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

func TestCheckReview(t *testing.T) {
	for _, c := range []struct {
		decision, reason string
		ok               bool
	}{{"verified", "", true}, {"rejected", "no certificate", true}, {"rejected", "  ", false}, {"pending", "", false}} {
		if err := ledger.CheckReview(c.decision, c.reason); (err == nil) != c.ok {
			t.Errorf("%s %q: %v", c.decision, c.reason, err)
		}
	}
}
