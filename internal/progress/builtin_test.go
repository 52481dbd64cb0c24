package progress

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuiltInValidates(t *testing.T) {
	programs, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range programs {
		ids = append(ids, p.ID)
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		if len(p.Sources) == 0 {
			t.Errorf("%s: no sources", p.ID)
		}
	}
	want := []string{
		"abcp-ccp-ceu", "abcp-ccp-clinical",
		"us-ga-perfusionist", "us-mo-perfusionist", "us-mo-perfusionist-clinical",
		"us-nc-perfusionist", "us-ne-perfusionist", "us-ne-perfusionist-clinical",
		"us-nj-perfusionist", "us-pa-perfusionist", "us-tn-perfusionist",
		"us-tx-perfusionist", "us-tx-perfusionist-clinical",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("built-in ids (-want +got):\n%s", diff)
	}
}

// Values rules.md tags [I] or [U] must ship unverified; [V] values verified.
func TestBuiltInVerifiedFlags(t *testing.T) {
	abcp := builtIn(t, "abcp-ccp-ceu")
	caps := map[string]Cap{}
	for _, c := range abcp.Caps {
		caps[c.ID] = c
	}
	got := map[string]bool{
		"total 45 [V]":                    abcp.Total.Verified,
		"category I 15 [V]":               abcp.Categories[0].Min.Verified,
		"non-SDCE category I 5 [I]":       abcp.Categories[1].Min.Verified,
		"publication per activity [V]":    caps["abcp-publication"].PerActivity.Verified,
		"publication per period [V]":      caps["abcp-publication"].PerPeriod.Verified,
		"presentation per activity [V]":   caps["abcp-presentation"].PerActivity.Verified,
		"presentation per period [I]":     caps["abcp-presentation"].PerPeriod.Verified,
		"SDCE per period [V]":             caps["abcp-sdce"].PerPeriod.Verified,
		"poster has no invented value":    caps["abcp-poster"].PerActivity == nil && caps["abcp-poster"].PerPeriod == nil,
		"category II has no value [U]":    caps["abcp-category-ii-meeting"].PerPeriod == nil,
		"abcp has no carry-over":          abcp.CarryOver == nil,
		"clinical leave formula [I]":      builtIn(t, "abcp-ccp-clinical").Clinical.Leave.Verified,
		"clinical first-year primary [I]": builtIn(t, "abcp-ccp-clinical").Clinical.FirstYear.PrimaryMin.Verified,
		"NJ carry-over 15 [V]":            builtIn(t, "us-nj-perfusionist").CarryOver.Verified,
		"NJ biennium dates assumed":       builtIn(t, "us-nj-perfusionist").Period.Verified,
	}
	want := map[string]bool{
		"total 45 [V]": true, "category I 15 [V]": true, "non-SDCE category I 5 [I]": false,
		"publication per activity [V]": true, "publication per period [V]": true,
		"presentation per activity [V]": true, "presentation per period [I]": false, "SDCE per period [V]": true,
		"poster has no invented value": true, "category II has no value [U]": true, "abcp has no carry-over": true,
		"clinical leave formula [I]": false, "clinical first-year primary [I]": false,
		"NJ carry-over 15 [V]": true, "NJ biennium dates assumed": false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verified flags (-want +got):\n%s", diff)
	}
}

func TestSelectVersion(t *testing.T) {
	v1 := builtIn(t, "abcp-ccp-ceu")
	v1.EffectiveTo = date(t, "2026-06-30")
	v2 := v1
	v2.Version, v2.EffectiveFrom, v2.EffectiveTo = 2, date(t, "2026-07-01"), Date{}
	all := []Program{v1, v2}
	for day, want := range map[string]int{"2026-06-30": 1, "2026-07-01": 2} {
		if p := Select(all, "abcp-ccp-ceu", date(t, day)); p == nil || p.Version != want {
			t.Errorf("Select on %s = %v, want v%d", day, p, want)
		}
	}
	if p := Select(all, "abcp-ccp-ceu", date(t, "2010-01-01")); p != nil {
		t.Error("Select before the first version found one")
	}
}
