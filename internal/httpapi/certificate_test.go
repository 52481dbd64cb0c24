package httpapi_test

import (
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestCertificateIsStable checks a certificate is issued when the attendance was posted or
// last corrected, keeps its ETag while nothing changes, and answers 304 to that ETag.
func TestCertificateIsStable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		id := w.attendance.ID
		get := func(ifNoneMatch string) *api.GetCertificateResponse {
			t.Helper()
			var p *api.GetCertificateParams
			if ifNoneMatch != "" {
				p = &api.GetCertificateParams{IfNoneMatch: &ifNoneMatch}
			}
			res, err := w.env.Client.GetCertificateWithResponse(ctx, id, p, w.as("member"))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}

		first, again := get(""), get("")
		tag := first.HTTPResponse.Header.Get("ETag")
		if first.JSON200 == nil || again.JSON200 == nil || tag == "" {
			t.Fatalf("certificate: %d %s, ETag %q", first.StatusCode(), first.Body, tag)
		}
		if !first.JSON200.IssuedAt.Equal(w.attendance.UpdatedAt) {
			t.Errorf("issued_at = %s, want when the attendance was posted, %s", first.JSON200.IssuedAt, w.attendance.UpdatedAt)
		}
		if string(again.Body) != string(first.Body) || again.HTTPResponse.Header.Get("ETag") != tag {
			t.Errorf("asked twice, the certificate changed:\n%s\n%s", first.Body, again.Body)
		}
		for _, inm := range []string{tag, `"other", ` + tag, "W/" + tag, "*"} {
			if res := get(inm); res.StatusCode() != 304 || len(res.Body) != 0 || res.HTTPResponse.Header.Get("ETag") != tag {
				t.Errorf("If-None-Match %s = %d %q, want 304 with the ETag and no body", inm, res.StatusCode(), res.Body)
			}
		}
		if res := get(`"something else"`); res.StatusCode() != 200 {
			t.Errorf("If-None-Match of another ETag = %d, want 200", res.StatusCode())
		}

		fixed, _ := w.env.Client.CorrectAttendanceWithResponse(ctx, id, api.AttendanceCorrection{
			Sessions: []string{w.event.Sessions[0].ID}, Reason: "left at the break"}, w.as("organizer A"))
		if fixed.JSON200 == nil {
			t.Fatalf("correct: %s", fixed.Body)
		}
		corrected := get(tag)
		if corrected.JSON200 == nil || corrected.HTTPResponse.Header.Get("ETag") == tag {
			t.Fatalf("after a correction: %d %s, want 200 with a new ETag", corrected.StatusCode(), corrected.Body)
		}
		if !corrected.JSON200.IssuedAt.Equal(fixed.JSON200.UpdatedAt) || corrected.JSON200.Ceus != "3.00" {
			t.Errorf("corrected certificate issued %s for %s CEUs, want %s and 3.00", corrected.JSON200.IssuedAt, corrected.JSON200.Ceus, fixed.JSON200.UpdatedAt)
		}
	})
}
