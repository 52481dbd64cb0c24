package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// trackABCP gives the world's member what the ABCP programs are computed from.
func (w *world) trackABCP(t *testing.T) {
	t.Helper()
	if _, err := w.env.Store.UpdateMember(t.Context(), w.member.ID, 0, "test", func(m *recert.Member) error {
		m.CertificationDate, m.ABCPCycle = recert.NewDate(2025, 1, 10), 1
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestTranscriptPDF checks the transcript states the period's credits with what they
// counted and whether they were verified, and its totals, for the member and administrators.
func TestTranscriptPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		w.trackABCP(t)
		ctx := t.Context()
		period := &openapi_types.Date{Time: time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)}
		for _, as := range []string{"member", "admin"} {
			res, err := w.env.Client.GetTranscriptPDFWithResponse(ctx, w.member.ID, &api.GetTranscriptPDFParams{Program: "abcp-ccp-ceu",
				Period: period}, w.as(as))
			if err != nil || res.StatusCode() != 200 || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
				t.Fatalf("transcript as %s: %v %d %.80q", as, err, res.StatusCode(), res.Body)
			}
			text := strings.Join(strings.Fields(rendertest.Text(t, res.Body)), " ")
			for _, want := range []string{"Transcript of continuing education", w.member.Name, "ABCP ID " + w.member.ABCPID, "ECMO update", "Wisconsin Perfusion Society",
				w.attendance.Total().String(), "Verified", "Totals (CEUs)", "Required"} {
				if !strings.Contains(text, want) {
					t.Errorf("the transcript lacks %q:\n%s", want, text)
				}
			}
		}
	})
}
