package httpapi_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"testing"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// Pre-registration from a roster-layout CSV: known people matched, unknown ones created
// unclaimed, rows naming no one rejected, nothing credited; the badge sheet's QR codes are
// check-in codes a scanner's batch accepts.
func TestRegistrantsAndBadges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		org := w.as("organizer A")
		before, err := w.env.Client.ListEventAttendanceWithResponse(ctx, w.event.ID, nil, org)
		if err != nil || before.JSON200 == nil {
			t.Fatalf("attendance before: %v", err)
		}
		if res, _ := w.env.Client.GetEventBadgesPDFWithResponse(ctx, w.event.ID, nil, org); res.StatusCode() != 409 {
			t.Errorf("badges with no registrant: %d, want 409", res.StatusCode())
		}
		csv := "Name,Email,ABCP ID,Sessions\n" +
			w.member.Name + ",," + w.member.ABCPID + ",S1\n" +
			"Pat Lee,pat.lee@example.org,,\n" +
			"Nobody Known,,,\n" +
			"Short Id,,4455,\n"
		res, err := w.env.Client.AddRegistrantsWithBodyWithResponse(ctx, w.event.ID, "text/csv", strings.NewReader(csv), org)
		if err != nil || res.JSON200 == nil {
			t.Fatalf("registrants: %v %d %s", err, res.StatusCode(), res.Body)
		}
		got := *res.JSON200
		if got.Registered != 2 || got.AlreadyRegistered != 0 || got.MembersCreated != 1 || len(got.Rejected) != 2 ||
			got.Rejected[0].Row != 4 || got.Rejected[1].Row != 5 || !strings.Contains(got.Rejected[1].Detail, "leading zeros") {
			t.Errorf("registration = %+v, want 2 registered (1 created) and lines 4 and 5 rejected", got)
		}
		again, err := w.env.Client.AddRegistrantsWithResponse(ctx, w.event.ID, api.RegistrantsInput{Registrants: []struct {
			ABCPID *string              `json:"abcp_id,omitempty"`
			Email  *openapi_types.Email `json:"email,omitempty"`
			Name   string               `json:"name"`
		}{{ABCPID: ptr(w.member.ABCPID), Name: w.member.Name}}}, org)
		if err != nil || again.JSON200 == nil || again.JSON200.Registered != 0 || again.JSON200.AlreadyRegistered != 1 {
			t.Errorf("registering again: %v %s", err, again.Body)
		}
		list, err := w.env.Client.ListRegistrantsWithResponse(ctx, w.event.ID, nil, org)
		if err != nil || list.JSON200 == nil || len(list.JSON200.Items) != 2 || list.JSON200.Items[0].Name != "Pat Lee" {
			t.Fatalf("registrants list: %v %s", err, list.Body)
		}
		after, _ := w.env.Client.ListEventAttendanceWithResponse(ctx, w.event.ID, nil, org)
		if len(after.JSON200.Items) != len(before.JSON200.Items) {
			t.Errorf("registration credited someone: %d attendance, was %d", len(after.JSON200.Items), len(before.JSON200.Items))
		}

		pdf, err := w.env.Client.GetEventBadgesPDFWithResponse(ctx, w.event.ID, nil, org)
		if err != nil || pdf.StatusCode() != 200 || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
			t.Fatalf("badges.pdf: %v %d", err, pdf.StatusCode())
		}
		text := rendertest.Text(t, pdf.Body)
		for _, name := range []string{"Pat Lee", w.member.Name} {
			if !strings.Contains(text, name) {
				t.Errorf("the badge sheet lacks %s:\n%s", name, text)
			}
		}
		codes := rendertest.QRCodes(t, pdf.Body)
		if len(codes) != 2 {
			t.Fatalf("badge QR codes %q, want 2", codes)
		}
		var items []api.CheckInBatchItem
		for i, c := range codes {
			u, err := url.Parse(c)
			if err != nil || !strings.HasPrefix(u.Path, "/app/c/") {
				t.Fatalf("badge QR %q is not a check-in link", c)
			}
			items = append(items, api.CheckInBatchItem{ClientID: recert.NewID("badge") + string(rune('a'+i)), Token: ptr(strings.TrimPrefix(u.Path, "/app/c/")),
				Session: "S1", Direction: "in"})
		}
		batch, err := w.env.Client.RecordCheckInsWithResponse(ctx, w.event.ID, api.CheckInBatch{Items: items}, org)
		if err != nil || batch.JSON200 == nil || batch.JSON200.Totals.Recorded != 2 {
			t.Errorf("the badges' codes, scanned: %v %s", err, batch.Body)
		}
		// With registration required, only registrants are checked in.
		if _, err := st.UpdateEvent(ctx, w.event.ID, 0, "test", func(e *recert.Event) error {
			e.CheckIn.RegistrationRequired = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		req, err := w.env.Client.RecordCheckInsWithResponse(ctx, w.event.ID, api.CheckInBatch{Items: []api.CheckInBatchItem{
			{ClientID: recert.NewID("desk"), MemberID: &w.otherMember.ID, Session: "S1", Direction: "in"},
			{ClientID: recert.NewID("desk"), MemberID: &w.member.ID, Session: "S1", Direction: "out"}}}, org)
		if err != nil || req.JSON200 == nil || req.JSON200.Items[0].Reason == nil || *req.JSON200.Items[0].Reason != "not_registered" ||
			req.JSON200.Items[1].Status != "recorded" {
			t.Errorf("registration required: %v %s", err, req.Body)
		}
	})
}

// The manifest lets a scanner verify codes offline with its key, names the registrants,
// lists replaced codes, and answers 304 while unchanged.
func TestCheckInManifest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		org := w.as("organizer A")
		if _, err := st.Register(ctx, w.event.ID, []string{w.member.ID}, "test"); err != nil {
			t.Fatal(err)
		}
		get := func(etag string) *api.GetCheckInManifestResponse {
			t.Helper()
			p := &api.GetCheckInManifestParams{}
			if etag != "" {
				p.IfNoneMatch = &etag
			}
			res, err := w.env.Client.GetCheckInManifestWithResponse(ctx, w.event.ID, p, org)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		first := get("")
		if first.JSON200 == nil || len(first.JSON200.Registrants) != 1 || first.JSON200.Registrants[0].Name != w.member.Name ||
			len(first.JSON200.Sessions) != len(w.event.Sessions) || len(first.JSON200.ReplacedCodes) != 0 {
			t.Fatalf("manifest: %d %s", first.StatusCode(), first.Body)
		}
		tag := first.HTTPResponse.Header.Get("ETag")
		if res := get(tag); res.StatusCode() != 304 {
			t.Errorf("If-None-Match with the manifest's ETag: %d, want 304", res.StatusCode())
		}
		// A badge's code verifies offline with the manifest's key.
		pdf, _ := w.env.Client.GetEventBadgesPDFWithResponse(ctx, w.event.ID, nil, org)
		codes := rendertest.QRCodes(t, pdf.Body)
		raw, _ := base64.RawURLEncoding.DecodeString(first.JSON200.Key.PublicKey)
		keys := func(kid string) (ed25519.PublicKey, bool) { return raw, kid == first.JSON200.Key.Kid }
		token := codes[0][strings.LastIndex(codes[0], "/")+1:]
		code, err := auth.VerifyCheckIn(token, keys)
		if err != nil || code.MemberID != w.member.ID || code.Version != 1 {
			t.Fatalf("the badge's code against the manifest's key: %+v, %v", code, err)
		}
		if _, err := st.BumpCheckInTokenVersion(ctx, w.member.ID); err != nil {
			t.Fatal(err)
		}
		second := get(tag)
		if second.StatusCode() != 200 || len(second.JSON200.ReplacedCodes) != 1 || second.JSON200.ReplacedCodes[0].CurrentVersion != 2 {
			t.Errorf("after the member's code is replaced: %d %s", second.StatusCode(), second.Body)
		}
	})
}

// A claim invitation carries the member's check-in code as a QR code, which a scanner's
// batch accepts: a member can be checked in before they ever sign in.
func TestClaimInvitationCarriesCheckInCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := t.Context()
		m, err := st.CreateMember(ctx, recert.Member{Name: "Ian Invite", Email: apitest.Email(t, "ian"), ABCPID: "135791"}, w.orgA.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if res, err := env.Client.CreateClaimTokenWithResponse(ctx, m.ID, api.ClaimInvitationInput{}, w.as("organizer A")); err != nil || res.StatusCode() != 202 {
			t.Fatalf("invite: %v %d %s", err, res.StatusCode(), res.Body)
		}
		got := env.Outbox(t, m.Email, 1)
		qr, ok := got[0].Attachments["check-in-code.png"]
		if !ok || !strings.Contains(got[0].Text, "check-in code is attached") {
			t.Fatalf("the invitation: attachments %v, text:\n%s", len(got[0].Attachments), got[0].Text)
		}
		img, err := png.Decode(bytes.NewReader(qr))
		if err != nil {
			t.Fatal(err)
		}
		link, ok := rendertest.DecodeQR(img)
		if !ok || !strings.Contains(link, "/app/c/"+m.ID+".1.") {
			t.Fatalf("the attached QR code reads %q", link)
		}
		res, err := env.Client.RecordCheckInsWithResponse(ctx, w.event.ID, api.CheckInBatch{Items: []api.CheckInBatchItem{
			{ClientID: recert.NewID("mail"), Token: ptr(link[strings.LastIndex(link, "/")+1:]), Session: "S1", Direction: "in"}}}, w.as("organizer A"))
		if err != nil || res.JSON200 == nil || res.JSON200.Totals.Recorded != 1 {
			t.Errorf("the e-mailed code, scanned: %v %s", err, res.Body)
		}
	})
}
