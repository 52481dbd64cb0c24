package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

func TestEvidence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		a := w.activity(t)
		upload := func(contentType string, body []byte) *api.UploadActivityEvidenceResponse {
			t.Helper()
			res, err := w.env.Client.UploadActivityEvidenceWithBodyWithResponse(ctx, w.member.ID, a.ID, contentType, bytes.NewReader(body), w.as("member"))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		tests := []struct {
			name, contentType string
			body              []byte
			status            int
			want              string
		}{
			{"a PDF", "application/pdf", pdf, 201, "application/pdf"},
			{"a PNG sent as octet-stream", "application/octet-stream", tinyPNG, 201, "image/png"},
			{"an executable renamed to a PDF", "application/pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 600)...), 422, ""},
			{"plain text", "application/pdf", []byte("just some text pretending"), 422, ""},
			{"empty", "application/pdf", nil, 400, ""},
			{"over 10 MB", "application/pdf", append(slicesRepeat(pdf, (10<<20)/len(pdf)), pdf...), 413, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := upload(tt.contentType, tt.body)
				if res.StatusCode() != tt.status {
					t.Fatalf("status %d, want %d: %.300s", res.StatusCode(), tt.status, res.Body)
				}
				if tt.want != "" && string(res.JSON201.ContentType) != tt.want {
					t.Errorf("content type %s, want %s", res.JSON201.ContentType, tt.want)
				}
			})
		}
		first := upload("application/pdf", pdf)
		got, _ := w.env.Client.GetActivityWithResponse(ctx, w.member.ID, a.ID, nil, w.as("member"))
		if got.JSON200 == nil || got.JSON200.DocumentationStatus != "attached" {
			t.Errorf("documentation after an upload: %s", got.Body)
		}
		for caller, want := range map[string]int{"member": 200, "admin": 200, "other member": 404, "client with scope": 404, "organizer A": 403} {
			res, err := w.env.Client.DownloadEvidence(ctx, first.JSON201.ID, nil, w.as(caller))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != want || want == 200 && (!bytes.Equal(body, pdf) || res.Header.Get("Content-Type") != "application/pdf") {
				t.Errorf("download as %s: %d %q, want %d", caller, res.StatusCode, res.Header.Get("Content-Type"), want)
			}
		}
	})
}

func slicesRepeat(b []byte, n int) []byte { return bytes.Repeat(b, n) }

// TestLeaveRelievesTheClinicalYear: 13 weeks of approved leave take a quarter off the year's
// 40 activities (primary minimum rounds up, secondary maximum down), once approved.
func TestLeaveRelievesTheClinicalYear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		if _, err := st.UpdateMember(context.Background(), w.member.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle, m.CertificationDate = 1, recert.Date{Year: 2015, Month: 9, Day: 1}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		leave, _ := w.env.Client.CreateLeaveWithResponse(ctx, w.member.ID, api.LeaveInput{Type: "parental",
			Start: day(2024, 9, 2), End: day(2024, 11, 30)}, w.as("member")) // 90 days: 13 weeks
		if leave.JSON201 == nil || leave.JSON201.Approved {
			t.Fatalf("leave: %s", leave.Body)
		}
		endless, _ := w.env.Client.CreateLeaveWithResponse(ctx, w.member.ID, api.LeaveInput{Type: "other",
			Start: day(2001, 1, 1), End: day(2099, 1, 1)}, w.as("member"))
		if endless.StatusCode() != 422 {
			t.Errorf("a 98-year leave: %d", endless.StatusCode())
		}
		requirement := func() string {
			res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID,
				&api.GetMemberProgressParams{AsOf: date(2025, 8, 15), Program: ptr("abcp-ccp-clinical")}, w.as("member"))
			if res.JSON200 == nil {
				t.Fatalf("progress: %s", res.Body)
			}
			r := clinicalPeriod(t, res.JSON200, "abcp-ccp-clinical", "previous").Requirement
			return fmt.Sprintf("total:%d leave_weeks:%d", r.Total, value(r.LeaveWeeks))
		}
		before := requirement()
		if !strings.Contains(before, "total:40") {
			t.Fatalf("requirement before approval: %s", before)
		}
		if res, _ := w.env.Client.SetLeaveApprovalWithResponse(ctx, leave.JSON201.ID, api.SetLeaveApprovalJSONRequestBody{Approved: true}, w.as("admin")); res.JSON200 == nil {
			t.Fatalf("approve: %s", res.Body)
		}
		after := requirement()
		if !strings.Contains(after, "leave_weeks:13") || !strings.Contains(after, "total:30") {
			t.Errorf("requirement after 13 weeks of approved leave: %s", after)
		}
	})
}
