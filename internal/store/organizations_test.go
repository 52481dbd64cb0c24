package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

func TestOrganizations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		wps, err := st.CreateOrganization(ctx, recert.Organization{Name: "Wisconsin Perfusion Society", Code: "WPS", ContactEmail: "ce@wisperfusion.org"}, "usr_admin")
		if err != nil {
			t.Fatal(err)
		}
		if wps.Version != 1 || wps.CreatedBy != "usr_admin" || wps.CreatedAt.IsZero() || wps.CreatedAt != wps.UpdatedAt {
			t.Errorf("created = %+v", wps)
		}
		got, err := st.Organization(ctx, wps.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wps, got); diff != "" {
			t.Errorf("read back (-created +read):\n%s", diff)
		}

		t.Run("duplicate code is a conflict", func(t *testing.T) {
			_, err := st.CreateOrganization(ctx, recert.Organization{Name: "Other", Code: "WPS"}, "usr_admin")
			if code := recert.ErrorCode(err); code != recert.ECONFLICT {
				t.Errorf("error %v (code %q), want conflict", err, code)
			}
		})
		t.Run("a check constraint is invalid input", func(t *testing.T) {
			_, err := st.CreateOrganization(ctx, recert.Organization{Name: "", Code: "X1"}, "usr_admin")
			if code := recert.ErrorCode(err); code != recert.EINVALID {
				t.Errorf("error %v (code %q), want invalid", err, code)
			}
		})
		t.Run("unknown id is not found", func(t *testing.T) {
			_, err := st.Organization(ctx, "org_nope")
			if code := recert.ErrorCode(err); code != recert.ENOTFOUND {
				t.Errorf("error %v, want not found", err)
			}
		})
		t.Run("update checks the version", func(t *testing.T) {
			upd := wps
			upd.Name = "Wisconsin Perfusion Society, Inc."
			next, err := st.UpdateOrganization(ctx, upd, 1, "usr_other")
			if err != nil {
				t.Fatal(err)
			}
			if next.Version != 2 || next.UpdatedBy != "usr_other" || next.CreatedBy != "usr_admin" || !next.UpdatedAt.After(wps.CreatedAt) && next.UpdatedAt != wps.CreatedAt {
				t.Errorf("updated = %+v", next)
			}
			_, err = st.UpdateOrganization(ctx, upd, 1, "usr_other")
			if code := recert.ErrorCode(err); code != recert.EPRECONDITION {
				t.Errorf("stale update: %v, want precondition", err)
			}
		})
		t.Run("pages follow the cursor", func(t *testing.T) {
			for _, code := range []string{"AMSECT", "UWHC", "OSU"} {
				if _, err := st.CreateOrganization(ctx, recert.Organization{Name: code, Code: code}, "usr_admin"); err != nil {
					t.Fatal(err)
				}
			}
			var seen []string
			after := ""
			for pages := 0; pages < 10; pages++ {
				orgs, next, err := st.Organizations(ctx, store.Page{Limit: 3, After: after}, recert.AllOrganizations())
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range orgs {
					seen = append(seen, o.Code)
				}
				if next == "" {
					break
				}
				after = next
			}
			if len(seen) != 4 {
				t.Errorf("pages listed %v, want the 4 organizations once each", seen)
			}
		})
	})
}
