package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

var cardQR = regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`)

// checkInCode is the path of the member's check-in code, read from the QR code of their card.
func checkInCode(t *testing.T, b *browser) string {
	t.Helper()
	res, body := b.get("/app/checkin-card")
	m := cardQR.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("check-in card: %d, QR image found %v\n%s", res.StatusCode, m != nil, body)
	}
	raw, _ := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	link, ok := rendertest.DecodeQR(img)
	if !ok {
		t.Fatal("the card's QR code does not decode")
	}
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/app/c/") {
		t.Fatalf("the QR code holds %q, want a /app/c/ link", link)
	}
	return u.Path
}

// todaysMeeting is a published meeting of the world's organization with S1 today (in
// Chicago, all day) and S2 tomorrow.
func todaysMeeting(t *testing.T, st *store.Store, w *world) recert.Event {
	t.Helper()
	ctx := context.Background()
	chicago, _ := time.LoadLocation("America/Chicago")
	today := recert.DateOf(time.Now().In(chicago))
	ev, err := st.CreateEvent(ctx, recert.Event{OrganizationID: w.org.ID, Title: "Winter Meeting", Format: "in_person",
		TimeZone: "America/Chicago", StartDate: today, EndDate: today.AddDays(1), Category: "I", Sessions: []recert.Session{
			{Title: "Cannulation", Code: "S1", Date: today, CEUs: 100},
			{Title: "Tomorrow's talk", Code: "S2", Date: today.AddDays(1), CEUs: 100}}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if ev, err = st.SetEventStatus(ctx, ev.ID, recert.EventPublished, "test"); err != nil {
		t.Fatal(err)
	}
	return ev
}

var projectorCode = regexp.MustCompile(`class="projector-code"[^>]*>(\d{6})<`)

// A member checks in with the code the session's screen shows; the screen is staff's only; a
// wrong code records nothing; attempts are limited per member.
func TestSelfCheckInPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		ev := todaysMeeting(t, st, w)
		olive, renee := w.browser(t), w.browser(t)
		olive.signIn(w.organizer)
		renee.signIn(w.member)
		screen := "/app/events/" + ev.ID + "/sessions/" + ev.Sessions[0].ID + "/code"
		if res, body := renee.get(screen); res.StatusCode == http.StatusOK || projectorCode.MatchString(body) {
			t.Errorf("a member opens the projector page: %d", res.StatusCode)
		}
		res, body := olive.get(screen)
		m := projectorCode.FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || m == nil || !strings.Contains(body, `http-equiv="refresh"`) {
			t.Fatalf("projector page: %d, code found %v\n%s", res.StatusCode, m != nil, body)
		}
		choice := ev.ID + "/" + ev.Sessions[0].ID + "/in"
		if _, body := renee.get("/app/checkin"); !strings.Contains(body, `value="`+choice+`"`) {
			t.Fatalf("the check-in page does not offer S1:\n%s", body)
		}
		wrong := fmt.Sprintf("%06d", (atoi(m[1])+500_000)%1_000_000)
		if _, body := renee.post("/app/checkin", url.Values{"session": {choice}, "code": {wrong}}); !strings.Contains(body, "scan-yellow") {
			t.Errorf("a wrong code: want yellow:\n%s", body)
		}
		// The code may have turned since it was read: the page takes one minute either side.
		if res, body := renee.post("/app/checkin", url.Values{"session": {choice}, "code": {m[1]}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the screen's code: %d, want a redirect\n%s", res.StatusCode, body)
		}
		cs, _ := st.EventCheckIns(ctx, ev.ID, store.CheckInFilter{})
		if len(cs) != 1 || cs[0].Method != recert.CheckInMethodSelfCode || cs[0].MemberID != w.renee.ID {
			t.Errorf("check-ins: %+v, want Renée's one self_code check-in", cs)
		}
		limited := false
		for range 6 {
			if res, _ := renee.post("/app/checkin", url.Values{"session": {choice}, "code": {wrong}}); res.StatusCode == http.StatusTooManyRequests {
				limited = res.Header.Get("Retry-After") != ""
				break
			}
		}
		if !limited {
			t.Error("eight codes tried in a minute: want 429 with Retry-After")
		}
	})
}

var projectorOutCode = regexp.MustCompile(`class="projector-code projector-out">(\d{6})<`)

// The API takes a member's code as the page does: a wrong one is a 422 at #/code, the
// screen's is recorded once (a repeat answers the first), check-out codes only where time
// present counts, members only, and the member's attempts limited.
func TestSelfCheckInAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		ev := todaysMeeting(t, st, w)
		olive := w.browser(t)
		olive.signIn(w.organizer)
		screen := func() (in, out string) {
			t.Helper()
			_, body := olive.get("/app/events/" + ev.ID + "/sessions/" + ev.Sessions[0].ID + "/code")
			m := projectorCode.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no code on the projector page:\n%s", body)
			}
			if o := projectorOutCode.FindStringSubmatch(body); o != nil {
				out = o[1]
			}
			return m[1], out
		}
		in, out := screen()
		if out != "" {
			t.Errorf("a check-out code where time present does not count")
		}
		renee := w.bearer(t, w.member)
		self := func(session, code, direction string, as api.RequestEditorFn) *api.SelfCheckInResponse {
			t.Helper()
			body := api.SelfCheckInInput{EventID: ev.ID, Session: session, Code: code}
			if direction != "" {
				d := api.SelfCheckInInputDirection(direction)
				body.Direction = &d
			}
			res, err := w.env.Client.SelfCheckInWithResponse(ctx, body, as)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		wrong := fmt.Sprintf("%06d", (atoi(in)+500_000)%1_000_000)
		if res := self("S1", wrong, "", renee); res.StatusCode() != 422 || res.ApplicationProblemJSON422 == nil ||
			len(res.ApplicationProblemJSON422.Errors) == 0 || res.ApplicationProblemJSON422.Errors[0].Pointer != "#/code" {
			t.Errorf("a wrong code: %d %s, want 422 at #/code", res.StatusCode(), res.Body)
		}
		first := self("S1", in, "", renee)
		if first.JSON201 == nil || first.JSON201.Method != api.SelfCode || first.JSON201.MemberID != w.renee.ID {
			t.Fatalf("the screen's code: %d %s, want 201 self_code", first.StatusCode(), first.Body)
		}
		if res := self(ev.Sessions[0].ID, in, "in", renee); res.JSON200 == nil || res.JSON200.ID != first.JSON201.ID {
			t.Errorf("again: %d %s, want 200 with the first check-in", res.StatusCode(), res.Body)
		}
		if res := self("S1", in, "out", renee); res.StatusCode() != 409 {
			t.Errorf("a check-out where time present does not count: %d, want 409", res.StatusCode())
		}
		if res := self("S2", in, "", renee); res.StatusCode() != 409 {
			t.Errorf("tomorrow's session: %d %s, want 409", res.StatusCode(), res.Body)
		}
		if res := self("S1", in, "", w.bearer(t, w.organizer)); res.StatusCode() != 403 {
			t.Errorf("an organizer: %d, want 403", res.StatusCode())
		}
		if _, err := st.UpdateEvent(ctx, ev.ID, 0, "test", func(e *recert.Event) error {
			e.CheckIn.Policy, e.CheckIn.SharePercent = recert.PresenceShare, 80
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		in, out = screen()
		if out == "" || out == in {
			t.Fatalf("check-out code %q beside check-in code %q", out, in)
		}
		if res := self("S1", out, "out", renee); res.JSON201 == nil || res.JSON201.Direction != api.CheckInDirectionOut {
			t.Errorf("check-out: %d %s, want 201 out", res.StatusCode(), res.Body)
		}
		if res := self("S1", out, "out", renee); res.StatusCode() != 429 || res.HTTPResponse.Header.Get("Retry-After") == "" {
			t.Errorf("a sixth code in a minute: %d, want 429 with Retry-After", res.StatusCode())
		}
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// A member's code, scanned by an organizer's phone bound to a session: green, then red on a
// repeat; opened any other way it records nothing; a tampered or replaced code is yellow;
// someone not scanning sees no name.
func TestCheckInAtTheDoor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		ev := todaysMeeting(t, st, w)
		renee := w.browser(t)
		renee.signIn(w.member)
		code := checkInCode(t, renee)
		recorded := func() int {
			cs, err := st.EventCheckIns(ctx, ev.ID, store.CheckInFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(cs)
		}
		fromCamera := func(b *browser, path string) string {
			req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
			req.Header.Set("Sec-Fetch-Site", "none")
			_, body := b.do(req)
			return body
		}

		anon := w.browser(t)
		if body := fromCamera(anon, code); !strings.Contains(body, "Show this code at the desk") || strings.Contains(body, "Renée") {
			t.Errorf("someone not scanning: want the desk sentence and no name:\n%s", body)
		}
		olive := w.browser(t)
		olive.signIn(w.organizer)
		if body := fromCamera(olive, code); !strings.Contains(body, "Show this code at the desk") || recorded() != 0 {
			t.Errorf("an organizer whose phone scans for no session: want the desk sentence, nothing recorded:\n%s", body)
		}
		if res, body := olive.post("/app/events/"+ev.ID+"/scan", url.Values{"session": {"S1"}, "direction": {"in"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("binding the phone to S1: %d\n%s", res.StatusCode, body)
		}
		_, body := olive.get(code) // a link followed, a preview: no Sec-Fetch-Site none
		if !strings.Contains(body, "opened from a link") || recorded() != 0 {
			t.Errorf("a code opened other than from the camera: want a confirm button and nothing recorded:\n%s", body)
		}
		if body := fromCamera(olive, code); !strings.Contains(body, "scan-green") || !strings.Contains(body, "Checked in: Renée Roy, S1") || recorded() != 1 {
			t.Errorf("first scan: want green, one check-in:\n%s", body)
		}
		if body := fromCamera(olive, code); !strings.Contains(body, "scan-red") || !strings.Contains(body, "Already checked in: Renée Roy, S1") ||
			!strings.Contains(body, "by Olive Organizer") || recorded() != 1 {
			t.Errorf("repeat scan: want red naming who checked her in, still one check-in:\n%s", body)
		}
		tampered := code[:len(code)-3] + "AAA"
		if body := fromCamera(olive, tampered); !strings.Contains(body, "scan-yellow") || recorded() != 1 {
			t.Errorf("tampered code: want yellow:\n%s", body)
		}
		// Leaving is its own check-in; the confirm button records it.
		olive.post("/app/events/"+ev.ID+"/scan", url.Values{"session": {"S1"}, "direction": {"out"}})
		if _, body := olive.post(code, url.Values{}); !strings.Contains(body, "Checked out: Renée Roy, S1") || recorded() != 2 {
			t.Errorf("confirmed check-out: want green:\n%s", body)
		}
		// A session outside its window takes no check-in.
		olive.post("/app/events/"+ev.ID+"/scan", url.Values{"session": {ev.Sessions[1].ID}, "direction": {"in"}})
		if body := fromCamera(olive, code); !strings.Contains(body, "scan-yellow") || !strings.Contains(body, "S2 takes check-ins from") || recorded() != 2 {
			t.Errorf("a session not open: want yellow with its window:\n%s", body)
		}
		// Renée replaces her code: the old one is yellow, the new one works.
		if res, _ := renee.post("/app/checkin-card/reissue", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reissue: %d", res.StatusCode)
		}
		fresh := checkInCode(t, renee)
		olive.post("/app/events/"+ev.ID+"/scan", url.Values{"session": {"S1"}, "direction": {"in"}})
		if body := fromCamera(olive, code); !strings.Contains(body, "scan-yellow") || !strings.Contains(body, "replaced") {
			t.Errorf("a replaced code: want yellow:\n%s", body)
		}
		if fresh == code {
			t.Error("the reissued code is the old one")
		}
		// Without a code: found by name on the scan page.
		if _, body := olive.get("/app/events/" + ev.ID + "/scan?q=Nora"); !strings.Contains(body, "Check in Nora NoID") {
			t.Fatalf("search by name: want Nora:\n%s", body)
		}
		nora, _, _ := st.Members(ctx, recert.MemberFilter{Page: recert.Page{Limit: 1}, Text: "Nora", Scope: recert.AllOrganizations()})
		if _, body := olive.post("/app/events/"+ev.ID+"/scan/manual", url.Values{"member_id": {nora[0].ID}}); !strings.Contains(body, "Checked in: Nora NoID, S1") {
			t.Errorf("manual check-in: want green:\n%s", body)
		}
		cs, _ := st.EventCheckIns(ctx, ev.ID, store.CheckInFilter{})
		methods := map[string]int{}
		for _, c := range cs {
			methods[c.Method]++
		}
		if methods[recert.CheckInMethodScan] != 2 || methods[recert.CheckInMethodManual] != 1 {
			t.Errorf("methods recorded: %v, want 2 scans and 1 manual", methods)
		}
		// Another organization's organizer cannot scan for this event.
		if res, _ := anon.get("/app/events/" + ev.ID + "/scan"); res.StatusCode == http.StatusOK {
			t.Errorf("scan page without signing in: %d", res.StatusCode)
		}
	})
}

var volunteerLink = regexp.MustCompile(`/app/volunteer\?token=(rcv_[A-Za-z0-9_-]+)`)

// A volunteer's one-time link becomes a scanner for one event only: they scan (their name on
// the check-in), cannot reach another event or the organizer's pages, and stop at once when
// the organizer withdraws them.
func TestVolunteers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		ev := todaysMeeting(t, st, w)
		renee := w.browser(t)
		renee.signIn(w.member)
		code := checkInCode(t, renee)
		olive := w.browser(t)
		olive.signIn(w.organizer)
		_, body := olive.post("/app/events/"+ev.ID+"/volunteers", url.Values{"name": {"Val Volunteer"}})
		m := volunteerLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no invitation link shown:\n%s", body)
		}
		val := w.browser(t)
		if res, body := val.get("/app/volunteer?token=" + m[1]); res.StatusCode != http.StatusOK || !strings.Contains(body, "Start checking people in") {
			t.Fatalf("the invitation page: %d\n%s", res.StatusCode, body)
		}
		if res, body := val.post("/app/volunteer", url.Values{"token": {m[1]}}); res.StatusCode != http.StatusSeeOther ||
			res.Header.Get("Location") != "/app/events/"+ev.ID+"/scan" {
			t.Fatalf("starting as a volunteer: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body)
		}
		if res, _ := w.browser(t).post("/app/volunteer", url.Values{"token": {m[1]}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("the link used a second time: %d, want 404", res.StatusCode)
		}
		res, body := val.get("/app/events/" + ev.ID + "/scan")
		if res.StatusCode != http.StatusOK || strings.Contains(body, `id="volunteers"`) {
			t.Fatalf("the volunteer's scan page: %d (and no volunteers section)\n%s", res.StatusCode, body)
		}
		for _, path := range []string{"/app/events/" + w.event.ID + "/scan", "/app/events/" + ev.ID} {
			if res, _ := val.get(path); res.StatusCode == http.StatusOK {
				t.Errorf("a volunteer opens %s: %d", path, res.StatusCode)
			}
		}
		if res, _ := val.get("/app/events/" + ev.ID + "/sessions/" + ev.Sessions[0].ID + "/code"); res.StatusCode != http.StatusOK {
			t.Errorf("the session's screen, for a volunteer: %d", res.StatusCode)
		}
		val.post("/app/events/"+ev.ID+"/scan", url.Values{"session": {"S1"}, "direction": {"in"}})
		req, _ := http.NewRequest(http.MethodGet, val.base+code, nil)
		req.Header.Set("Sec-Fetch-Site", "none")
		if _, body := val.do(req); !strings.Contains(body, "Checked in: Renée Roy, S1") {
			t.Fatalf("the volunteer's scan: want green\n%s", body)
		}
		cs, _ := st.EventCheckIns(ctx, ev.ID, store.CheckInFilter{})
		if len(cs) != 1 || !strings.HasPrefix(cs[0].RecordedBy, "vol_") {
			t.Errorf("check-ins %+v, want one recorded by the volunteer", cs)
		}
		olive.post("/app/events/"+ev.ID+"/scan", url.Values{"session": {"S1"}, "direction": {"in"}})
		req, _ = http.NewRequest(http.MethodGet, olive.base+code, nil)
		req.Header.Set("Sec-Fetch-Site", "none")
		if _, body := olive.do(req); !strings.Contains(body, "by Val Volunteer (volunteer)") {
			t.Errorf("red names the volunteer:\n%s", body)
		}
		vs, _ := st.EventVolunteers(ctx, ev.ID)
		if res, _ := olive.post("/app/events/"+ev.ID+"/volunteers/"+vs[0].ID+"/revoke", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		if res, _ := val.get("/app/events/" + ev.ID + "/scan"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a withdrawn volunteer's scan page: %d, want 404", res.StatusCode)
		}
	})
}
