package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// world is a registry with two organizations, their organizers, members on each side,
// apps of organization A and an administrator, each with a token.
type world struct {
	env                 *apitest.Env
	orgA, orgB          recert.Organization
	member, otherMember recert.Member
	tokens              map[string]string // by caller name
	clientA             recert.Client     // an app of A, with every app scope
	adminID, organizerA string
	event               recert.Event      // published, of A, two sessions
	attendance          recert.Attendance // the member's at event
}

// Callers, in the order the access table lists their outcomes.
var callers = []string{"anonymous", "member", "other member", "organizer A", "organizer B", "client with scope", "client without scope", "admin"}

func newWorld(t *testing.T, env *apitest.Env) *world {
	t.Helper()
	ctx := context.Background()
	st := env.Store
	w := &world{env: env, tokens: map[string]string{"anonymous": ""}}
	var err error
	if w.orgA, err = st.CreateOrganization(ctx, recert.Organization{Name: "Wisconsin Perfusion Society", Code: "WPS"}, "test"); err != nil {
		t.Fatal(err)
	}
	if w.orgB, err = st.CreateOrganization(ctx, recert.Organization{Name: "Ohio State Perfusion", Code: "OSP"}, "test"); err != nil {
		t.Fatal(err)
	}
	if w.member, err = st.CreateMember(ctx, recert.Member{Name: "Pat Perfusionist", ABCPID: "123456"}, w.orgA.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if w.otherMember, err = st.CreateMember(ctx, recert.Member{Name: "Sam Other", ABCPID: "654321"}, w.orgB.ID, "test"); err != nil {
		t.Fatal(err)
	}
	people := []struct {
		caller string
		user   recert.User
	}{
		{"member", recert.User{Email: "pat@example.org", Role: recert.RoleMember, MemberID: w.member.ID}},
		{"other member", recert.User{Email: "sam@example.org", Role: recert.RoleMember, MemberID: w.otherMember.ID}},
		{"organizer A", recert.User{Email: "org-a@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.orgA.ID}}},
		{"organizer B", recert.User{Email: "org-b@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.orgB.ID}}},
		{"admin", recert.User{Email: "admin@example.org", Role: recert.RoleAdmin}},
	}
	for _, p := range people {
		u := env.CreateUser(t, p.user)
		w.tokens[p.caller] = env.Login(t, p.user.Email)
		switch p.caller {
		case "admin":
			w.adminID = u.ID
		case "organizer A":
			w.organizerA = u.ID
		}
	}
	var secret string
	w.clientA, secret = w.newClient(t, w.orgA.ID, recert.ClientScopes...)
	w.tokens["client with scope"] = env.ClientToken(t, w.clientA.ID, secret)
	narrow, narrowSecret := w.newClient(t, w.orgA.ID, "events:read")
	w.tokens["client without scope"] = env.ClientToken(t, narrow.ID, narrowSecret)
	w.event = w.publishedEvent(t)
	w.attendance = w.attend(t, w.event, w.member)
	return w
}

// draftEvent is a fresh two-session draft event of organization A.
func (w *world) draftEvent(t *testing.T) recert.Event {
	t.Helper()
	e, err := w.env.Store.CreateEvent(context.Background(), recert.Event{
		OrganizationID: w.orgA.ID, Title: "Spring Meeting", Format: "in_person", TimeZone: "America/Chicago",
		StartDate: recert.Date{Year: 2026, Month: 4, Day: 17}, EndDate: recert.Date{Year: 2026, Month: 4, Day: 18},
		Category: "I", ApprovalRef: "ABCP-2026-0417",
		Sessions: []recert.Session{
			{Title: "ECMO update", Date: recert.Date{Year: 2026, Month: 4, Day: 17}, CEUs: 300, Topics: []string{"ecmo"}},
			{Title: "Ethics", Date: recert.Date{Year: 2026, Month: 4, Day: 18}, CEUs: 150, Topics: []string{"ethics"}},
		},
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (w *world) publishedEvent(t *testing.T) recert.Event {
	t.Helper()
	e, err := w.env.Store.SetEventStatus(context.Background(), w.draftEvent(t).ID, recert.EventPublished, "test")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// attend posts m's attendance at every session of e.
func (w *world) attend(t *testing.T, e recert.Event, m recert.Member) recert.Attendance {
	t.Helper()
	ctx := context.Background()
	out, err := ledger.NewRosters(w.env.Store, nil).Post(ctx, ledger.RosterInput{EventID: e.ID, Actor: "test", Viewer: recert.AllOrganizations(),
		Rows: []recert.RosterRow{{ABCPID: m.ABCPID, Email: m.Email, Name: m.Name}}, AllSessions: true})
	if err != nil || len(out.Rows) != 1 || out.Rows[0].AttendanceID == "" {
		t.Fatalf("attend: %+v %v", out, err)
	}
	a, err := w.env.Store.Attendance(ctx, out.Rows[0].AttendanceID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// freshAttendance is a new member's attendance at the world's event.
func (w *world) freshAttendance(t *testing.T) recert.Attendance {
	t.Helper()
	m, err := w.env.Store.CreateMember(context.Background(), recert.Member{Name: "Walk In", Email: apitest.Email(t, "walkin")}, w.orgA.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return w.attend(t, w.event, m)
}

func (w *world) newClient(t *testing.T, orgID string, scopes ...string) (recert.Client, string) {
	t.Helper()
	plain, hash := auth.NewSecret(auth.PrefixClientSecret)
	c, err := w.env.Store.CreateClient(context.Background(), recert.Client{Name: "app", OrganizationID: orgID, Scopes: scopes}, hash, "test")
	if err != nil {
		t.Fatal(err)
	}
	return c, plain
}

// unclaimedMemberOfA is a fresh member record related to organization A, without a login.
func (w *world) unclaimedMemberOfA(t *testing.T) recert.Member {
	t.Helper()
	m, err := w.env.Store.CreateMember(context.Background(), recert.Member{Name: "New Person", Email: apitest.Email(t, "new")}, w.orgA.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (w *world) freshOrganizer(t *testing.T, orgIDs ...string) recert.User {
	t.Helper()
	return w.env.CreateUser(t, recert.User{Email: apitest.Email(t, "organizer"), Role: recert.RoleOrganizer, OrganizationIDs: orgIDs})
}

func (w *world) as(caller string) api.RequestEditorFn { return apitest.Bearer(w.tokens[caller]) }

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

func join(xs []string) string { return strings.Join(xs, " ") }

func jsonReader(t *testing.T, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// activity is a fresh publication the member reported.
func (w *world) activity(t *testing.T) recert.Activity {
	t.Helper()
	a, err := w.env.Store.CreateActivity(context.Background(), recert.Activity{MemberID: w.member.ID, Type: "publication",
		Date: recert.Date{Year: 2026, Month: 1, Day: 5}, CEUs: 500, Category: "I", Title: "Case report", DocumentationStatus: "none"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// tinyPNG is a 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// evidence is a fresh PNG attached to a fresh activity of the member.
func (w *world) evidence(t *testing.T) recert.Evidence {
	t.Helper()
	ev, err := w.env.Store.AddEvidence(context.Background(), recert.Evidence{MemberID: w.member.ID,
		ActivityID: w.activity(t).ID, ContentType: "image/png", SHA256: "test", Data: tinyPNG}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// dispute is a fresh dispute by the member: missing attendance at a fresh event of A.
func (w *world) dispute(t *testing.T) recert.Dispute {
	t.Helper()
	d, err := w.env.Store.CreateDispute(context.Background(), recert.Dispute{EventID: w.publishedEvent(t).ID,
		MemberID: w.member.ID, Kind: "missing", Message: "I was there"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return d
}
