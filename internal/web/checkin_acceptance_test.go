package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// TestCheckInAcceptance walks the check-in feature end to end, as an organizer, a volunteer
// at the door and members live it: an event with check-in rules; a member pre-registered,
// whose code reads the same from their e-mail and from the badge sheet; the door (green,
// red, nothing without a session, yellow for a tampered code); a scanner's batch resent;
// self check-in with the session's screen code; a Zoom report; and the conversion of all
// that presence into credit, once.
func TestCheckInAcceptance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		org := apitest.Bearer(w.env.Login(t, w.organizer))

		// 1. The event. The door and the screen work in real time, so S1 is running now: it
		// began 55 minutes ago and ends in 5, with check-ins counted from 15 minutes before
		// it to 15 after. S2 and S3 are this evening's overlapping virtual sessions. The time
		// zone is one where it is daytime now, so no session crosses midnight.
		loc := daytimeZone(t)
		now := time.Now().In(loc).Truncate(time.Minute)
		s1Start, s1End := now.Add(-55*time.Minute), now.Add(5*time.Minute)
		day := openapi_types.Date{Time: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
		hhmm := func(t time.Time) *string { s := t.Format("15:04"); return &s }
		session := func(code, title, from, to string) api.SessionInput {
			return api.SessionInput{Code: some(code), Title: title, Date: day, StartTime: &from, EndTime: &to, Ceus: "1.00"}
		}
		s1 := session("S1", "Cannulation", *hhmm(s1Start), *hhmm(s1End))
		s1.CheckInFrom, s1.CheckInUntil = hhmm(s1Start.Add(-15*time.Minute)), hhmm(s1End.Add(15*time.Minute))
		share := 80
		created, err := w.env.Client.CreateEventWithResponse(ctx, w.org.ID, api.EventInput{Title: "Check-in Meeting", Format: "in_person",
			TimeZone: loc.String(), StartDate: day, EndDate: day,
			CheckIn:  &api.CheckInRules{PresencePolicy: some(api.CheckInRulesPresencePolicyShareOfScheduled), PresenceSharePercent: &share},
			Sessions: []api.SessionInput{s1, session("S2", "ECMO update", "19:00", "20:00"), session("S3", "Ethics", "19:30", "20:30")}}, org)
		if err != nil || created.JSON201 == nil {
			t.Fatalf("create the event: %v %s", err, created.Body)
		}
		pub, err := w.env.Client.PublishEventWithResponse(ctx, created.JSON201.ID, org)
		if err != nil || pub.JSON200 == nil {
			t.Fatalf("publish: %v %s", err, pub.Body)
		}
		ev := *pub.JSON200
		if r := ev.CheckIn; r == nil || deref(r.PresencePolicy) != api.CheckInRulesPresencePolicyShareOfScheduled || deref(r.PresenceSharePercent) != 80 ||
			len(ev.Sessions) != 3 || deref(ev.Sessions[0].CheckInFrom) != *s1.CheckInFrom {
			t.Fatalf("the event's rules as stored: %s", pub.Body)
		}
		checkIns := func() []api.CheckIn {
			t.Helper()
			res, err := w.env.Client.ListCheckInsWithResponse(ctx, ev.ID, &api.ListCheckInsParams{Limit: some(api.Limit(100))}, org)
			if err != nil || res.JSON200 == nil {
				t.Fatalf("list check-ins: %v %s", err, res.Body)
			}
			return res.JSON200.Items
		}

		// 2. Pat is pre-registered: Recert does not know Pat, so an unclaimed member is created.
		reg, err := w.env.Client.AddRegistrantsWithResponse(ctx, ev.ID, api.RegistrantsInput{Registrants: []struct {
			ABCPID *string              `json:"abcp_id,omitempty"`
			Email  *openapi_types.Email `json:"email,omitempty"`
			Name   string               `json:"name"`
		}{{Name: "Pat Lee", Email: some(openapi_types.Email("pat.lee@example.org"))}}}, org)
		if err != nil || reg.JSON200 == nil || reg.JSON200.Registered != 1 || reg.JSON200.MembersCreated != 1 {
			t.Fatalf("pre-registration: %v %s", err, reg.Body)
		}
		regs, _ := w.env.Client.ListRegistrantsWithResponse(ctx, ev.ID, nil, org)
		if regs.JSON200 == nil || len(regs.JSON200.Items) != 1 || regs.JSON200.Items[0].Name != "Pat Lee" {
			t.Fatalf("registrants: %s", regs.Body)
		}
		pat := regs.JSON200.Items[0].MemberID
		// The invitation to claim the record carries Pat's code; so does the badge sheet.
		if res, err := w.env.Client.CreateClaimTokenWithResponse(ctx, pat, api.ClaimInvitationInput{}, org); err != nil || res.StatusCode() != http.StatusAccepted {
			t.Fatalf("claim invitation: %v %d %s", err, res.StatusCode(), res.Body)
		}
		mail := w.env.Outbox(t, "pat.lee@example.org", 1)[0]
		attached, ok := mail.Attachments["check-in-code.png"]
		if !ok {
			t.Fatalf("the invitation has no check-in-code.png:\n%s", mail.Text)
		}
		fromMail := decodePNG(t, attached)
		badges, err := w.env.Client.GetEventBadgesPDFWithResponse(ctx, ev.ID, nil, org)
		if err != nil || badges.StatusCode() != http.StatusOK {
			t.Fatalf("badges.pdf: %v %d", err, badges.StatusCode())
		}
		onBadge := rendertest.QRCodes(t, badges.Body)
		if len(onBadge) != 1 || onBadge[0] != fromMail {
			t.Fatalf("the badge sheet's QR codes %q, want the e-mail's one %q", onBadge, fromMail)
		}
		u, err := url.Parse(fromMail)
		if err != nil || !strings.HasPrefix(u.Path, "/app/c/") || !strings.HasPrefix(u.Path, "/app/c/"+pat+".") {
			t.Fatalf("the QR code reads %q, want Pat's /app/c/ link", fromMail)
		}
		code := u.Path

		// 3. The door. A volunteer's one-time link makes a phone a scanner for this event.
		olive := w.browser(t)
		olive.signIn(w.organizer)
		val := volunteer(t, w, olive, ev.ID, "Val Volunteer")
		if res, body := val.post("/app/events/"+ev.ID+"/scan", url.Values{"session": {"S1"}, "direction": {"in"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("binding the phone to S1, in: %d\n%s", res.StatusCode, body)
		}
		if body := fromCamera(val, code); !strings.Contains(body, "scan-green") || !strings.Contains(body, "Checked in: Pat Lee, S1") || len(checkIns()) != 1 {
			t.Fatalf("first scan: want green and one check-in:\n%s", body)
		}
		door := checkIns()[0]
		if door.Method != "scan" || door.MemberID != pat || door.Session != "S1" || !strings.HasPrefix(deref(door.RecordedBy), "vol_") {
			t.Errorf("the door's check-in: %s by %s, want Pat's scan in S1 by the volunteer", describe([]api.CheckIn{door}), deref(door.RecordedBy))
		}
		if body := fromCamera(val, code); !strings.Contains(body, "scan-red") || !strings.Contains(body, "Already checked in: Pat Lee, S1") ||
			!strings.Contains(body, "by Val Volunteer (volunteer)") || len(checkIns()) != 1 {
			t.Errorf("repeat scan: want red, still one check-in:\n%s", body)
		}
		// A second volunteer who has not chosen a session yet: the code is only shown.
		unbound := volunteer(t, w, olive, ev.ID, "Uma Unbound")
		if body := fromCamera(unbound, code); !strings.Contains(body, "Show this code at the desk") || strings.Contains(body, "Pat Lee") || len(checkIns()) != 1 {
			t.Errorf("a scanner bound to no session: want the desk sentence, no name, nothing recorded:\n%s", body)
		}
		if body := fromCamera(val, tamper(code)); !strings.Contains(body, "scan-yellow") || !strings.Contains(body, "not a valid check-in code") || len(checkIns()) != 1 {
			t.Errorf("a tampered code: want yellow, nothing recorded:\n%s", body)
		}

		// 4. Door 2's scanner was offline: it saw Pat come in as S1 began and leave now. It
		// sends its batch, loses the answer and sends it again: recorded once.
		token := strings.TrimPrefix(code, "/app/c/")
		atStart, atNow := s1Start, now
		batch := api.CheckInBatch{Offline: some(true), Items: []api.CheckInBatchItem{
			{ClientID: "door2-1", Token: &token, Session: "S1", Direction: "in", DeviceTime: &atStart, Scanner: some("door 2")},
			{ClientID: "door2-2", Token: &token, Session: "S1", Direction: "out", DeviceTime: &atNow, Scanner: some("door 2")},
		}}
		first, err := w.env.Client.RecordCheckInsWithResponse(ctx, ev.ID, batch, org)
		if err != nil || first.JSON200 == nil || first.JSON200.Totals.Recorded != 2 {
			t.Fatalf("the batch: %v %s", err, first.Body)
		}
		again, err := w.env.Client.RecordCheckInsWithResponse(ctx, ev.ID, batch, org)
		if err != nil || again.JSON200 == nil {
			t.Fatalf("the batch again: %v %s", err, again.Body)
		}
		for i, it := range again.JSON200.Items {
			if it.Status != "duplicate" || it.CheckIn == nil || it.CheckIn.ID != first.JSON200.Items[i].CheckIn.ID {
				t.Errorf("the batch again, item %d: %s, want a duplicate of %s", i, it.Status, first.JSON200.Items[i].CheckIn.ID)
			}
		}
		if tot := again.JSON200.Totals; tot.Duplicate != 2 || tot.Recorded != 0 || len(checkIns()) != 3 {
			t.Errorf("the batch again: totals %+v, %d check-ins; want all duplicate and 3 check-ins", tot, len(checkIns()))
		}

		// 5. Self check-in: Renée types the code S1's screen shows. A code two minutes old
		// (from a photo of the screen, say) is refused; the current one is accepted.
		screen := "/app/events/" + ev.ID + "/sessions/" + ev.Sessions[0].ID + "/code"
		res, body := val.get(screen)
		shown := projectorCode.FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || shown == nil {
			t.Fatalf("S1's screen: %d\n%s", res.StatusCode, body)
		}
		secret := sessionSecret(t, w, ev.Sessions[0].ID)
		// The secret is the service's: it reproduces the screen's code (give or take the
		// minute turning), so the stale code below is refused for its age, not as a guess.
		at := time.Now()
		if c := shown[1]; c != recert.SessionCode(secret, at) && c != recert.SessionCode(secret, at.Add(-recert.CodeStep)) {
			t.Fatalf("the screen shows %s; the session's secret gives %s", c, recert.SessionCode(secret, at))
		}
		stale := recert.SessionCode(secret, at.Add(-2*recert.CodeStep))
		renee := w.browser(t)
		renee.signIn(w.member)
		choice := ev.ID + "/" + ev.Sessions[0].ID + "/in"
		if _, body := renee.get("/app/checkin"); !strings.Contains(body, `value="`+choice+`"`) {
			t.Fatalf("the self check-in page does not offer S1:\n%s", body)
		}
		if res, body := renee.post("/app/checkin", url.Values{"session": {choice}, "code": {stale}}); res.StatusCode != http.StatusOK ||
			!strings.Contains(body, "scan-yellow") || len(checkIns()) != 3 {
			t.Errorf("a code two minutes old: %d, want yellow and nothing recorded\n%s", res.StatusCode, body)
		}
		if res, body := renee.post("/app/checkin", url.Values{"session": {choice}, "code": {recert.SessionCode(secret, time.Now())}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the current code: %d, want a redirect\n%s", res.StatusCode, body)
		}
		self := checkIns()
		if len(self) != 4 || !hasCheckIn(self, w.renee.ID, "S1", "in", "self_code") {
			t.Errorf("after self check-in: %s; want Renée's self_code check-in to S1 added", describe(self))
		}

		// 6. S2's Zoom report, its meeting-summary block first: Pat rejoined twice (three
		// overlapping intervals, 52 of the 60 minutes counted once); Renée stayed 40.
		zoom := fmt.Sprintf(`Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Check-in Meeting S2,%[1]s 06:55:02 PM,%[1]s 08:05:10 PM,host@example.org,70,3

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Pat Lee,pat.lee@example.org,%[1]s 07:00:00 PM,%[1]s 07:30:00 PM,30,No
Renée Roy,renee.roy@example.org,%[1]s 07:10:00 PM,%[1]s 07:50:00 PM,40,No
Pat Lee,pat.lee@example.org,%[1]s 07:20:00 PM,%[1]s 07:45:00 PM,25,No
Pat Lee,pat.lee@example.org,%[1]s 07:40:00 PM,%[1]s 07:52:00 PM,12,No
`, now.Format("01/02/2006"))
		imp, err := w.env.Client.ImportParticipantsWithBodyWithResponse(ctx, ev.ID, "S2", "text/csv", strings.NewReader(zoom), org)
		if err != nil || imp.JSON200 == nil {
			t.Fatalf("the Zoom report: %v %s", err, imp.Body)
		}
		minutes := map[string]string{}
		for _, p := range imp.JSON200.Matched {
			minutes[deref(p.MemberID)] = p.MinutesPresent
		}
		if minutes[pat] != "52.00" || minutes[w.renee.ID] != "40.00" || len(imp.JSON200.Unmatched) != 0 {
			t.Errorf("the report's minutes: %v, want Pat 52.00 and Renée 40.00\n%s", minutes, imp.Body)
		}

		// S3 overlaps S2: Pat's 50 minutes there would pass the 80% rule too, but S2 has more
		// of Pat's time, so S3 is the concurrent one.
		s3 := fmt.Sprintf("email,join,leave\npat.lee@example.org,%[1]s 19:40,%[1]s 20:30\n", now.Format("2006-01-02"))
		if imp, err := w.env.Client.ImportParticipantsWithBodyWithResponse(ctx, ev.ID, "S3", "text/csv", strings.NewReader(s3), org); err != nil || imp.JSON200 == nil {
			t.Fatalf("S3's report: %v %s", err, imp.Body)
		}

		// 7. Convert: a dry run says who earns what and why, and writes nothing.
		dry, err := w.env.Client.ConvertCheckInsWithResponse(ctx, ev.ID, &api.ConvertCheckInsParams{DryRun: some(true)}, org)
		if err != nil || dry.JSON200 == nil {
			t.Fatalf("dry run: %v %s", err, dry.Body)
		}
		outcome := map[string]string{}
		for _, p := range dry.JSON200.Presence {
			why := "credited"
			if p.Reason != nil {
				why = string(*p.Reason)
			}
			outcome[p.MemberID+" "+p.Session] = why + " " + p.MinutesPresent
		}
		want := map[string]string{
			pat + " S1": "credited 55.00", pat + " S2": "credited 52.00", pat + " S3": "concurrent_session 50.00",
			w.renee.ID + " S1": "no_check_out 0.00", w.renee.ID + " S2": "presence_below_threshold 40.00",
		}
		if len(outcome) != len(want) {
			t.Errorf("presence: %v, want %v", outcome, want)
		}
		for k, v := range want {
			if outcome[k] != v {
				t.Errorf("presence of %s: %q, want %q", k, outcome[k], v)
			}
		}
		if r := dry.JSON200.Roster; !r.DryRun || r.Totals.Created != 1 || r.PostingID != nil {
			t.Errorf("dry run's roster: %+v", r.Totals)
		}
		if n := len(attendanceOf(t, w, org, pat)); n != 0 {
			t.Fatalf("the dry run credited Pat: %d attendance", n)
		}

		// For real: Pat is credited S1 (the door) and S2 (Zoom); Renée nothing.
		post, err := w.env.Client.ConvertCheckInsWithResponse(ctx, ev.ID, nil, org)
		if err != nil || post.JSON200 == nil || post.JSON200.Roster.Totals.Created != 1 || post.JSON200.Roster.PostingID == nil {
			t.Fatalf("convert: %v %s", err, post.Body)
		}
		held := attendanceOf(t, w, org, pat)
		if len(held) != 1 || held[0].EventID != ev.ID || held[0].Ceus != "2.00" || len(held[0].Sessions) != 2 ||
			held[0].Sessions[0].SessionID != ev.Sessions[0].ID || held[0].Sessions[1].SessionID != ev.Sessions[1].ID {
			t.Fatalf("Pat's attendance: %+v, want S1 and S2, 2.00 CEUs", held)
		}
		if n := len(attendanceOf(t, w, org, w.renee.ID)); n != 0 {
			t.Errorf("Renée was credited: %d attendance", n)
		}
		// The attendance keeps what it was converted from: the check-ins and the report lines.
		hist, err := w.env.Client.GetAttendanceHistoryWithResponse(ctx, held[0].ID, nil, org)
		if err != nil || hist.JSON200 == nil || len(hist.JSON200.Items) != 1 || !strings.HasPrefix(deref(hist.JSON200.Items[0].Reason), "converted from check-ins: ") ||
			hist.JSON200.Evidence == nil {
			t.Fatalf("history: %v %s", err, hist.Body)
		}
		evidence := map[string]bool{}
		for _, c := range hist.JSON200.Evidence.CheckIns {
			evidence[c.ID] = true
		}
		for _, id := range []string{door.ID, first.JSON200.Items[0].CheckIn.ID, first.JSON200.Items[1].CheckIn.ID} {
			if !evidence[id] {
				t.Errorf("check-in %s is not among the evidence: %s", id, hist.Body)
			}
		}
		if len(hist.JSON200.Evidence.CheckIns) != 3 || len(hist.JSON200.Evidence.ParticipantIntervals) != 4 {
			t.Errorf("evidence: %d check-ins and %d report lines, want 3 and 4", len(hist.JSON200.Evidence.CheckIns), len(hist.JSON200.Evidence.ParticipantIntervals))
		}

		// Converting again changes nothing: no posting, no new history.
		twice, err := w.env.Client.ConvertCheckInsWithResponse(ctx, ev.ID, nil, org)
		if err != nil || twice.JSON200 == nil || twice.JSON200.Roster.Totals.Unchanged != 1 ||
			twice.JSON200.Roster.Totals.Created+twice.JSON200.Roster.Totals.Updated != 0 || twice.JSON200.Roster.PostingID != nil {
			t.Fatalf("convert again: %v %s", err, twice.Body)
		}
		if h, _ := w.env.Client.GetAttendanceHistoryWithResponse(ctx, held[0].ID, nil, org); h.JSON200 == nil || len(h.JSON200.Items) != 1 {
			t.Errorf("converting again wrote history: %s", h.Body)
		}
		if after := attendanceOf(t, w, org, pat); len(after) != 1 || after[0].Version != held[0].Version || after[0].Ceus != "2.00" {
			t.Errorf("converting again changed Pat's attendance: %+v", after)
		}
	})
}

// daytimeZone is a time zone where it is between 08:00 and 16:00 now: among these, one
// always is.
func daytimeZone(t *testing.T) *time.Location {
	t.Helper()
	for _, name := range []string{"Europe/London", "America/Chicago", "Pacific/Honolulu", "Asia/Tokyo", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		if h := time.Now().In(loc).Hour(); h >= 8 && h < 16 {
			return loc
		}
	}
	t.Fatal("no time zone of the list is in its daytime")
	return nil
}

// volunteer is a browser that followed the one-time link the organizer made for name.
func volunteer(t *testing.T, w *world, organizer *browser, eventID, name string) *browser {
	t.Helper()
	_, body := organizer.post("/app/events/"+eventID+"/volunteers", url.Values{"name": {name}})
	m := volunteerLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no invitation link shown for %s:\n%s", name, body)
	}
	b := w.browser(t)
	if res, body := b.post("/app/volunteer", url.Values{"token": {m[1]}}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/app/events/"+eventID+"/scan" {
		t.Fatalf("%s starting: %d %s\n%s", name, res.StatusCode, res.Header.Get("Location"), body)
	}
	return b
}

// fromCamera opens path as a phone's camera opens a scanned link: a navigation the browser
// starts itself, Sec-Fetch-Site none.
func fromCamera(b *browser, path string) string {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	req.Header.Set("Sec-Fetch-Site", "none")
	_, body := b.do(req)
	return body
}

// tamper changes one character in the middle of a check-in code's signature (its last
// part): not its final one, whose low bits base64 may not use.
func tamper(code string) string {
	i := strings.LastIndex(code, ".") + 10
	c := byte('A')
	if code[i] == 'A' {
		c = 'B'
	}
	return code[:i] + string(c) + code[i+1:]
}

// decodePNG reads the QR code of a PNG image.
func decodePNG(t *testing.T, raw []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, ok := rendertest.DecodeQR(img)
	if !ok {
		t.Fatal("the image holds no QR code")
	}
	return text
}

// sessionSecret is a session's self check-in secret, derived from the check-in key the
// service keeps beside its signing key, as the service derives it.
func sessionSecret(t *testing.T, w *world, sessionID string) []byte {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(filepath.Dir(w.env.SigningKeyFile), config.CheckInKeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	key, err := auth.ParsePrivateKeyPEM(pem)
	if err != nil {
		t.Fatal(err)
	}
	return key.Derive(ledger.SessionSecretLabel(sessionID, "in"))
}

// attendanceOf is the member's attendance, as the API lists it to the organizer.
func attendanceOf(t *testing.T, w *world, as api.RequestEditorFn, memberID string) []api.Attendance {
	t.Helper()
	res, err := w.env.Client.ListMemberAttendanceWithResponse(context.Background(), memberID, nil, as)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("the member's attendance: %v %s", err, res.Body)
	}
	return res.JSON200.Items
}

func hasCheckIn(cs []api.CheckIn, memberID, session, direction, method string) bool {
	for _, c := range cs {
		if c.MemberID == memberID && c.Session == session && string(c.Direction) == direction && string(c.Method) == method {
			return true
		}
	}
	return false
}

// describe lists check-ins readably, for failure messages.
func describe(cs []api.CheckIn) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s (%s)", c.MemberID, c.Session, c.Direction, c.Method))
	}
	return fmt.Sprintf("%d check-ins: %s", len(cs), strings.Join(out, "; "))
}

// some is a pointer to v, for the API's optional fields.
func some[T any](v T) *T { return &v }
