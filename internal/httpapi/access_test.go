package httpapi_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

type statusCoder interface{ StatusCode() int }

// call runs one request as a caller and returns the status it got.
type call func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error)

// An access row: the operation, how to call it, and the status each caller gets, in the
// order of callers: anonymous, member, other member, organizer A, organizer B, client
// with scope, client without scope, admin. Objects belong to organization A and its
// member unless the call says otherwise.
type accessRow struct {
	op   string
	call call
	want [8]int
}

var public = [8]int{200, 200, 200, 200, 200, 200, 200, 200}

func adminOnly(ok int) [8]int { return [8]int{401, 403, 403, 403, 403, 403, 403, ok} }

var accessTable = []accessRow{
	{"getHealth", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetHealthWithResponse(t.Context(), as)
	}, public},
	{"getReadiness", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetReadinessWithResponse(t.Context(), as)
	}, public},
	{"getVersion", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetVersionWithResponse(t.Context(), as)
	}, public},
	{"getOpenAPISpec", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetOpenAPISpecWithResponse(t.Context(), as)
	}, public},
	{"getOpenAPISpecJSON", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetOpenAPISpecJSONWithResponse(t.Context(), as)
	}, public},
	{"getDocs", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetDocsWithResponse(t.Context(), as)
	}, public},
	{"getDocsAsset", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetDocsAssetWithResponse(t.Context(), "swagger-ui.css", as)
	}, public},
	{"getProblemType", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetProblemTypeWithResponse(t.Context(), "not-found", as)
	}, public},
	{"getJWKS", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetJWKSWithResponse(t.Context(), as)
	}, public},
	{"getIssuerProfile", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetIssuerProfileWithResponse(t.Context(), w.orgA.ID, nil, as)
	}, public},
	{"getIssuerAchievement", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetIssuerAchievementWithResponse(t.Context(), w.orgA.ID, w.event.ID, nil, as)
	}, public},
	{"getVerification", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetVerificationWithResponse(t.Context(), w.credentialID(t), nil, as)
	}, public},
	{"getStatusList", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		w.credentialID(t)
		return w.env.Client.GetStatusListWithResponse(t.Context(), w.orgA.ID, 1, nil, as)
	}, public},
	{"getCredentialKey", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetCredentialKeyWithResponse(t.Context(), apitest.BadgeKey(t).ID(), nil, as)
	}, public},
	{"createToken", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateTokenWithFormdataBodyWithResponse(t.Context(), api.TokenRequest{
			GrantType: "password", Username: ptr("pat@example.org"), Password: ptr(apitest.Password)}, as)
	}, public},
	{"revokeToken", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RevokeTokenWithFormdataBodyWithResponse(t.Context(), api.RevokeRequest{Token: "rct_unknown"}, as)
	}, public},
	{"claimMember", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		m := w.unclaimedMemberOfA(t)
		token := claimToken(t, w, m)
		return w.env.Client.ClaimMemberWithResponse(t.Context(), api.ClaimRequest{
			ClaimToken: token, Email: openapi_types.Email(m.Email), Password: apitest.Password}, as)
	}, [8]int{201, 201, 201, 201, 201, 201, 201, 201}},
	{"requestPasswordReset", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RequestPasswordResetWithResponse(t.Context(), api.PasswordResetRequest{Email: "pat@example.org"}, as)
	}, [8]int{202, 202, 202, 202, 202, 202, 202, 202}},
	{"resetPassword", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		u := w.freshOrganizer(t, w.orgA.ID)
		plain, hash := auth.NewSecret(auth.PrefixResetToken)
		if err := w.env.Store.CreatePasswordReset(t.Context(), u.ID, hash, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		return w.env.Client.ResetPasswordWithResponse(t.Context(), api.PasswordReset{Token: plain, Password: "a brand new passphrase"}, as)
	}, [8]int{204, 204, 204, 204, 204, 204, 204, 204}},
	{"requestEmailChange", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RequestEmailChangeWithResponse(t.Context(), api.EmailChangeRequest{
			Email: openapi_types.Email(apitest.Email(t, "moved")), Password: apitest.Password}, as)
	}, [8]int{401, 202, 202, 202, 202, 403, 403, 202}},
	{"confirmEmailChange", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		u := w.freshOrganizer(t, w.orgA.ID)
		plain, hash := auth.NewSecret(auth.PrefixEmailChange)
		if err := w.env.Store.CreateEmailChange(t.Context(), u.ID, apitest.Email(t, "moved"), hash, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		return w.env.Client.ConfirmEmailChangeWithResponse(t.Context(), api.EmailChangeConfirm{Token: plain}, as)
	}, [8]int{204, 204, 204, 204, 204, 204, 204, 204}},
	{"getMe", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetMeWithResponse(t.Context(), nil, as)
	}, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},

	{"listOrganizations", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListOrganizationsWithResponse(t.Context(), nil, as)
	}, [8]int{401, 403, 403, 200, 200, 200, 403, 200}},
	{"createOrganization", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateOrganizationWithResponse(t.Context(), api.OrganizationCreate{Name: "New", Code: uniqueCode()}, as)
	}, adminOnly(201)},
	{"getOrganization", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetOrganizationWithResponse(t.Context(), w.orgA.ID, nil, as)
	}, [8]int{401, 403, 403, 200, 404, 200, 403, 200}},
	{"updateOrganization", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UpdateOrganizationWithResponse(t.Context(), w.orgA.ID, nil, api.OrganizationUpdate{ContactPhone: ptr("608-555-0100")}, as)
	}, adminOnly(200)},
	{"addOrganizer", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.AddOrganizerWithResponse(t.Context(), w.orgA.ID, w.freshOrganizer(t).ID, as)
	}, adminOnly(204)},
	{"removeOrganizer", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RemoveOrganizerWithResponse(t.Context(), w.orgA.ID, w.freshOrganizer(t, w.orgA.ID).ID, as)
	}, adminOnly(204)},

	{"listUsers", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListUsersWithResponse(t.Context(), nil, as)
	}, adminOnly(200)},
	{"createUser", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateUserWithResponse(t.Context(), api.UserCreate{Email: openapi_types.Email(apitest.Email(t, "new")),
			Name: "New Organizer", Role: "organizer", Password: apitest.Password, OrganizationIds: []string{w.orgA.ID}}, as)
	}, adminOnly(201)},
	{"getUser", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetUserWithResponse(t.Context(), w.organizerA, nil, as)
	}, adminOnly(200)},
	{"updateUser", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UpdateUserWithResponse(t.Context(), w.freshOrganizer(t).ID, api.UserUpdate{Name: ptr("Renamed")}, as)
	}, adminOnly(200)},
	{"signOutUser", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.SignOutUserWithResponse(t.Context(), w.freshOrganizer(t).ID, as)
	}, adminOnly(204)},

	{"listMembers", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListMembersWithResponse(t.Context(), nil, as)
	}, [8]int{401, 200, 200, 200, 200, 200, 403, 200}},
	{"createMember", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateMemberWithResponse(t.Context(), api.MemberCreate{Name: "Walk-in Attendee"}, as)
	}, [8]int{401, 403, 403, 201, 201, 201, 403, 201}},
	{"getMember", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetMemberWithResponse(t.Context(), w.member.ID, nil, as)
	}, [8]int{401, 200, 404, 200, 404, 200, 403, 200}},
	{"updateMember", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UpdateMemberWithResponse(t.Context(), w.member.ID, nil, api.MemberUpdate{BirthMonth: ptr(3)}, as)
	}, [8]int{401, 200, 404, 403, 404, 403, 403, 200}},
	{"createClaimToken", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateClaimTokenWithResponse(t.Context(), w.unclaimedMemberOfA(t).ID, api.ClaimInvitationInput{}, as)
	}, [8]int{401, 404, 404, 202, 404, 202, 403, 202}},

	{"listClients", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListClientsWithResponse(t.Context(), nil, as)
	}, [8]int{401, 403, 403, 200, 200, 403, 403, 200}},
	{"createClient", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateClientWithResponse(t.Context(), api.APIClientCreate{Name: "Check-in kiosk",
			OrganizationID: &w.orgA.ID, Scopes: []api.APIClientScope{"attendance:write"}}, as)
	}, [8]int{401, 403, 403, 201, 422, 403, 403, 201}},
	{"getClient", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetClientWithResponse(t.Context(), w.clientA.ID, nil, as)
	}, [8]int{401, 403, 403, 200, 404, 403, 403, 200}},
	{"rotateClientSecret", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		c, _ := w.newClient(t, w.orgA.ID, "events:read")
		return w.env.Client.RotateClientSecretWithResponse(t.Context(), c.ID, as)
	}, [8]int{401, 403, 403, 200, 404, 403, 403, 200}},
	{"revokeClient", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		c, _ := w.newClient(t, w.orgA.ID, "events:read")
		return w.env.Client.RevokeClientWithResponse(t.Context(), c.ID, as)
	}, [8]int{401, 403, 403, 204, 404, 403, 403, 204}},

	{"getAuthorizationServerMetadata", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetAuthorizationServerMetadataWithResponse(t.Context(), as)
	}, public},
	{"introspectToken", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		// Client authentication is the app's own, never a bearer token: without it, 401.
		return w.env.Client.IntrospectTokenWithFormdataBodyWithResponse(t.Context(), api.IntrospectRequest{Token: "rct_unknown"}, as)
	}, [8]int{401, 401, 401, 401, 401, 401, 401, 401}},
	{"listApps", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListAppsWithResponse(t.Context(), nil, as)
	}, [8]int{401, 200, 200, 200, 200, 403, 403, 200}},
	{"createApp", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateAppWithResponse(t.Context(), api.OAuthAppCreate{Name: "CE Tracker",
			RedirectUris: []string{"https://tracker.example.org/callback"}}, as)
	}, [8]int{401, 201, 201, 201, 201, 403, 403, 201}},
	{"getApp", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetAppWithResponse(t.Context(), w.memberApp(t).ID, nil, as)
	}, [8]int{401, 200, 404, 404, 404, 403, 403, 200}},
	{"deleteApp", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.DeleteAppWithResponse(t.Context(), w.memberApp(t).ID, as)
	}, [8]int{401, 204, 404, 404, 404, 403, 403, 204}},
	{"suspendApp", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.SuspendAppWithResponse(t.Context(), w.memberApp(t).ID, api.OAuthAppSuspension{Suspended: true}, as)
	}, adminOnly(200)},
	// Share links are the member's own: nobody else lists, makes or revokes them (another
	// member's is not found); the shared page is anyone's who has the link.
	{"listShareLinks", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListShareLinksWithResponse(t.Context(), nil, as)
	}, [8]int{401, 200, 200, 403, 403, 403, 403, 403}},
	{"createShareLink", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		w.trackABCP(t)
		return w.env.Client.CreateShareLinkWithResponse(t.Context(), api.ShareLinkInput{ProgramID: "abcp-ccp-ceu", Period: sharePeriod, Label: "for my employer"}, as)
	}, [8]int{401, 201, 422, 403, 403, 403, 403, 403}},
	{"revokeShareLink", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		link, _ := w.shareLink(t, "for my employer")
		return w.env.Client.RevokeShareLinkWithResponse(t.Context(), link.ID, as)
	}, [8]int{401, 204, 404, 403, 403, 403, 403, 403}},
	{"getSharedRecord", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		_, path := w.shareLink(t, "for my employer")
		return w.env.Client.GetSharedRecordWithResponse(t.Context(), strings.TrimPrefix(path, "/share/"), nil, as)
	}, public},
}

// memberApp registers a public app owned by the member's login.
func (w *world) memberApp(t *testing.T) recert.App {
	t.Helper()
	u, _, err := w.env.Store.UserByEmail(t.Context(), "pat@example.org")
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.env.Store.CreateApp(t.Context(), recert.App{Name: "CE Tracker", OwnerID: u.ID,
		RedirectURIs: []string{"https://tracker.example.org/callback"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

var eventRows = []accessRow{
	{"listEvents", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListEventsWithResponse(t.Context(), nil, as)
	}, public},
	{"getEvent", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetEventWithResponse(t.Context(), w.event.ID, nil, as)
	}, public},
	{"getEvent", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) { // a draft
		return w.env.Client.GetEventWithResponse(t.Context(), w.draftEvent(t).ID, nil, as)
	}, [8]int{404, 404, 404, 200, 404, 200, 200, 200}},
	{"listOrganizationEvents", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListOrganizationEventsWithResponse(t.Context(), w.orgA.ID, nil, as)
	}, organizerWrite(200)},
	{"listOrganizationStanding", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListOrganizationStandingWithResponse(t.Context(), w.orgA.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"createEvent", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateEventWithResponse(t.Context(), w.orgA.ID, eventInput(), as)
	}, organizerWrite(201)},
	{"updateEvent", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UpdateEventWithResponse(t.Context(), w.draftEvent(t).ID, &api.UpdateEventParams{IfMatch: `"v1"`}, eventInput(), as)
	}, organizerWrite(200)},
	{"publishEvent", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.PublishEventWithResponse(t.Context(), w.draftEvent(t).ID, as)
	}, organizerWrite(200)},
	{"cancelEvent", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CancelEventWithResponse(t.Context(), w.publishedEvent(t).ID, as)
	}, organizerWrite(200)},
	{"listEventAttendance", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListEventAttendanceWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"getEventCertificatesPDF", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetEventCertificatesPDFWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"postRoster", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.PostRosterWithResponse(t.Context(), w.event.ID, nil,
			api.RosterInput{Rows: []api.RosterRowInput{{ABCPID: ptr(w.member.ABCPID), Sessions: []string{"S1"}}}}, as)
	}, organizerWrite(200)},
	{"getRosterTemplate", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetRosterTemplateWithResponse(t.Context(), w.event.ID, nil, as)
	}, organizerWrite(200)},
	{"listRosterPostings", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListRosterPostingsWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"addRegistrants", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.AddRegistrantsWithResponse(t.Context(), w.event.ID, api.RegistrantsInput{Registrants: []struct {
			ABCPID *string              `json:"abcp_id,omitempty"`
			Email  *openapi_types.Email `json:"email,omitempty"`
			Name   string               `json:"name"`
		}{{ABCPID: ptr(w.member.ABCPID), Name: w.member.Name}}}, as)
	}, organizerWrite(200)},
	{"listRegistrants", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListRegistrantsWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"getEventBadgesPDF", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		if _, err := w.env.Store.Register(t.Context(), w.event.ID, []string{w.member.ID}, "test"); err != nil {
			t.Fatal(err)
		}
		return w.env.Client.GetEventBadgesPDFWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"getCheckInManifest", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetCheckInManifestWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"recordCheckIns", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RecordCheckInsWithResponse(t.Context(), w.event.ID, api.CheckInBatch{Items: []api.CheckInBatchItem{
			{ClientID: recert.NewID("scan"), MemberID: &w.member.ID, Session: "S1", Direction: "in"}}}, as)
	}, organizerWrite(200)},
	{"listCheckIns", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListCheckInsWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"voidCheckIn", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		c, _, err := w.env.Store.AddCheckIn(t.Context(), recert.CheckIn{EventID: w.event.ID, SessionID: w.event.Sessions[0].ID,
			MemberID: w.member.ID, Direction: "in", Method: recert.CheckInMethodManual})
		if err != nil {
			t.Fatal(err)
		}
		return w.env.Client.VoidCheckInWithResponse(t.Context(), w.event.ID, c.ID, api.VoidCheckInJSONRequestBody{Reason: "wrong door"}, as)
	}, organizerWrite(200)},
	{"convertCheckIns", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		// The world's event has no presence policy: refused, for those who may ask.
		return w.env.Client.ConvertCheckInsWithResponse(t.Context(), w.event.ID, &api.ConvertCheckInsParams{DryRun: ptr(true)}, as)
	}, organizerWrite(409)},
	// Members check themselves in; the world's meeting is over, so its session is closed.
	{"selfCheckIn", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.SelfCheckInWithResponse(t.Context(), api.SelfCheckInInput{EventID: w.event.ID, Session: "S1", Code: "123456"}, as)
	}, [8]int{401, 409, 409, 403, 403, 403, 403, 403}},
	{"importParticipants", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ImportParticipantsWithBodyWithResponse(t.Context(), w.event.ID, "S1", "text/csv",
			strings.NewReader("email,join,leave\npat@example.org,2026-04-17 09:00,2026-04-17 09:30\n"), as)
	}, organizerWrite(200)},
	{"withdrawRosterPosting", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		res, err := ledger.NewRosters(w.env.Store, nil).Post(t.Context(), ledger.RosterInput{EventID: w.event.ID, Actor: "test",
			Rows: []recert.RosterRow{{Email: strings.ToLower(recert.NewID("walkin")) + "@example.org", Name: "Walk In", Sessions: []string{"S1"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return w.env.Client.WithdrawRosterPostingWithResponse(t.Context(), w.event.ID, res.PostingID,
			api.WithdrawRosterPostingJSONRequestBody{Reason: "posted to the wrong event"}, as)
	}, organizerWrite(200)},
	{"getAttendance", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetAttendanceWithResponse(t.Context(), w.attendance.ID, nil, as)
	}, memberRead(200)},
	{"correctAttendance", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CorrectAttendanceWithResponse(t.Context(), w.freshAttendance(t).ID,
			api.AttendanceCorrection{Sessions: []string{w.event.Sessions[0].ID}, Reason: "left after the first session"}, as)
	}, organizerWrite(200)},
	{"revokeAttendance", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RevokeAttendanceWithResponse(t.Context(), w.freshAttendance(t).ID,
			&api.RevokeAttendanceParams{Reason: "posted to the wrong event"}, as)
	}, organizerWrite(200)},
	{"getAttendanceHistory", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetAttendanceHistoryWithResponse(t.Context(), w.attendance.ID, nil, as)
	}, memberRead(200)},
	{"getCertificate", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetCertificateWithResponse(t.Context(), w.attendance.ID, nil, as)
	}, memberRead(200)},
	{"getCertificatePDF", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetCertificatePDFWithResponse(t.Context(), w.attendance.ID, nil, as)
	}, memberRead(200)},
	{"getCredential", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetCredentialWithResponse(t.Context(), w.attendance.ID, nil, as)
	}, memberRead(200)},
	{"setCredentialPage", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.SetCredentialPageWithResponse(t.Context(), w.credentialID(t), api.CredentialPageInput{Public: true}, as)
	}, [8]int{401, 200, 404, 403, 404, 403, 403, 200}},
	{"getTranscriptPDF", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		w.trackABCP(t)
		return w.env.Client.GetTranscriptPDFWithResponse(t.Context(), w.member.ID, &api.GetTranscriptPDFParams{Program: "abcp-ccp-ceu"}, as)
	}, [8]int{401, 200, 404, 403, 404, 403, 403, 200}},
	{"getAuditPacket", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		w.trackABCP(t)
		return w.env.Client.GetAuditPacketWithResponse(t.Context(), w.member.ID, &api.GetAuditPacketParams{Program: "abcp-ccp-ceu"}, as)
	}, [8]int{401, 200, 404, 403, 404, 403, 403, 200}},
	{"listMemberAttendance", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListMemberAttendanceWithResponse(t.Context(), w.member.ID, nil, as)
	}, memberRead(200)},
	{"listCredits", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListCreditsWithResponse(t.Context(), w.member.ID, nil, as)
	}, [8]int{401, 200, 404, 200, 404, 200, 403, 200}},
}

var progressRows = []accessRow{
	{"listPrograms", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListProgramsWithResponse(t.Context(), nil, as)
	}, public},
	{"getProgram", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetProgramWithResponse(t.Context(), "abcp-ccp-ceu", nil, as)
	}, public},
	{"createProgram", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		tx, err := w.env.Client.GetProgramWithResponse(t.Context(), "us-nc-perfusionist", nil)
		if err != nil {
			return nil, err
		}
		doc := *tx.JSON200
		doc.ID = fmt.Sprintf("test-program-%d", programSeq.Add(1))
		return w.env.Client.CreateProgramWithResponse(t.Context(), doc, as)
	}, adminOnly(201)},
	{"getMemberProgress", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetMemberProgressWithResponse(t.Context(), w.member.ID, nil, as)
	}, memberRead(200)},
	{"whatIfProgress", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.WhatIfProgressWithResponse(t.Context(), w.member.ID, nil, api.WhatIf{Credits: []api.WhatIfCredit{
			{Date: openapi_types.Date{Time: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}, Ceus: "3.00"}}}, as)
	}, memberRead(200)},
	{"getMyProgress", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetMyProgressWithResponse(t.Context(), nil, as)
	}, [8]int{401, 200, 200, 404, 404, 404, 403, 404}},
}

// selfReport: the member, A's app with the scope, administrators; organizers hold no
// activity scopes.
func selfReport(ok int) [8]int { return [8]int{401, ok, 404, 403, 403, ok, 403, ok} }

var activityRows = []accessRow{
	{"listActivities", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListActivitiesWithResponse(t.Context(), w.member.ID, nil, as)
	}, selfReport(200)},
	{"createActivity", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateActivityWithResponse(t.Context(), w.member.ID, nil, activityInput(), as)
	}, selfReport(201)},
	{"getActivity", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetActivityWithResponse(t.Context(), w.member.ID, w.activity(t).ID, nil, as)
	}, selfReport(200)},
	{"updateActivity", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UpdateActivityWithResponse(t.Context(), w.member.ID, w.activity(t).ID, activityInput(), as)
	}, selfReport(200)},
	{"deleteActivity", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.DeleteActivityWithResponse(t.Context(), w.member.ID, w.activity(t).ID, as)
	}, selfReport(204)},
	{"getActivityHistory", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetActivityHistoryWithResponse(t.Context(), w.member.ID, w.activity(t).ID, nil, as)
	}, selfReport(200)},
	{"reviewActivity", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ReviewActivityWithResponse(t.Context(), w.member.ID, w.activity(t).ID, api.ActivityReview{Decision: "verified"}, as)
	}, adminOnly(200)},
	{"listClinicalEntries", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListClinicalEntriesWithResponse(t.Context(), w.member.ID, nil, as)
	}, selfReport(200)},
	{"createClinicalEntry", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateClinicalEntryWithResponse(t.Context(), w.member.ID, nil, api.ClinicalEntryInput{
			Date: openapi_types.Date{Time: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}, Type: "bypass_primary", Role: "primary"}, as)
	}, selfReport(201)},
	{"deleteClinicalEntry", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		e, err := w.env.Store.CreateClinicalEntry(t.Context(), recert.ClinicalEntry{MemberID: w.member.ID,
			Date: recert.Date{Year: 2026, Month: 3, Day: 3}, Type: "ecmo", Role: "primary", Count: 2}, "test")
		if err != nil {
			return nil, err
		}
		return w.env.Client.DeleteClinicalEntryWithResponse(t.Context(), w.member.ID, e.ID, as)
	}, selfReport(204)},
}

var leaveAndEvidenceRows = []accessRow{
	{"listLeave", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListLeaveWithResponse(t.Context(), w.member.ID, nil, as)
	}, selfReport(200)},
	{"createLeave", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateLeaveWithResponse(t.Context(), w.member.ID, api.LeaveInput{Type: "jury_duty",
			Start: openapi_types.Date{Time: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)},
			End:   openapi_types.Date{Time: time.Date(2026, 2, 13, 0, 0, 0, 0, time.UTC)}}, as)
	}, selfReport(201)},
	{"setLeaveApproval", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		l, err := w.env.Store.CreateLeave(t.Context(), recert.Leave{MemberID: w.member.ID, Type: "military",
			Start: recert.Date{Year: 2026, Month: 1, Day: 5}, End: recert.Date{Year: 2026, Month: 3, Day: 1}}, "test")
		if err != nil {
			return nil, err
		}
		return w.env.Client.SetLeaveApprovalWithResponse(t.Context(), l.ID, api.SetLeaveApprovalJSONRequestBody{Approved: true}, as)
	}, adminOnly(200)},
	{"uploadActivityEvidence", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UploadActivityEvidenceWithBodyWithResponse(t.Context(), w.member.ID, w.activity(t).ID, "image/png", bytes.NewReader(tinyPNG), as)
	}, selfReport(201)},
	{"uploadAttendanceEvidence", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UploadAttendanceEvidenceWithBodyWithResponse(t.Context(), w.attendance.ID, "image/png", bytes.NewReader(tinyPNG), as)
	}, [8]int{401, 201, 404, 403, 403, 404, 403, 201}},
	{"downloadEvidence", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.DownloadEvidenceWithResponse(t.Context(), w.evidence(t).ID, nil, as)
	}, [8]int{401, 200, 404, 403, 403, 404, 403, 200}},
}

var disputeRows = []accessRow{
	{"getReport", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetReportWithResponse(t.Context(), w.member.ID, &api.GetReportParams{Program: "abcp-ccp-clinical"}, as)
	}, memberRead(200)},
	{"createDispute", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateDisputeWithResponse(t.Context(), w.publishedEvent(t).ID,
			api.DisputeInput{Kind: "missing", Message: "I signed in at the registration desk"}, as)
	}, [8]int{401, 201, 201, 403, 403, 403, 403, 403}},
	{"listEventDisputes", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListEventDisputesWithResponse(t.Context(), w.event.ID, nil, as)
	}, [8]int{401, 404, 404, 200, 404, 200, 403, 200}},
	{"getDispute", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetDisputeWithResponse(t.Context(), w.dispute(t).ID, nil, as)
	}, memberRead(200)},
	{"resolveDispute", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ResolveDisputeWithResponse(t.Context(), w.dispute(t).ID, api.DisputeResolution{Decision: "accepted"}, as)
	}, organizerWrite(200)},
}

func activityInput() api.ActivityInput {
	return api.ActivityInput{Type: "publication", Date: openapi_types.Date{Time: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)},
		Ceus: ptr("5.00"), Title: "Cerebral oximetry during CPB", Citation: ptr("J Extra Corpor Technol 58(1)")}
}

var programSeq atomic.Int64

// organizerWrite: organizers and apps of A and administrators may; B's organizer gets 404.
func organizerWrite(ok int) [8]int { return [8]int{401, 403, 403, ok, 404, ok, 403, ok} }

// memberRead: the member, A's organizer and apps, administrators; others 404.
func memberRead(ok int) [8]int { return [8]int{401, ok, 404, ok, 404, ok, 403, ok} }

func eventInput() api.EventInput {
	return api.EventInput{Title: "Fall Meeting", Format: "in_person", TimeZone: "America/Chicago",
		StartDate: openapi_types.Date{Time: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)},
		EndDate:   openapi_types.Date{Time: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)},
		Sessions: []api.SessionInput{{Title: "Cardioplegia", Date: openapi_types.Date{Time: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)},
			Ceus: "2.00"}}}
}

// TestAccess walks every operation of the contract as every kind of caller.
func TestAccess(t *testing.T) {
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	table := slices.Concat(accessTable, eventRows, progressRows, activityRows, leaveAndEvidenceRows, disputeRows, webhookRows)
	rows := map[string]bool{}
	for _, r := range table {
		rows[r.op] = true
	}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			if !rows[op.OperationID] {
				t.Errorf("%s %s (%s) has no row in the access table", method, path, op.OperationID)
			}
		}
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		for _, r := range table {
			t.Run(r.op, func(t *testing.T) {
				for i, caller := range callers {
					res, err := r.call(t, w, w.as(caller))
					if err != nil {
						t.Fatalf("%s as %s: %v", r.op, caller, err)
					}
					if got := res.StatusCode(); got != r.want[i] {
						t.Errorf("%s as %s = %d, want %d", r.op, caller, got, r.want[i])
					}
				}
			})
		}
	})
}

// claimToken invites the member as an administrator and reads the token from the e-mail.
func claimToken(t *testing.T, w *world, m recert.Member) string {
	t.Helper()
	res, err := w.env.Client.CreateClaimTokenWithResponse(t.Context(), m.ID, api.ClaimInvitationInput{}, w.as("admin"))
	if err != nil || res.JSON202 == nil {
		t.Fatalf("claim invitation: %v %s", err, res.Body)
	}
	return apitest.Link(t, w.env.Outbox(t, m.Email, 1)[0], "/app/claim?token=")
}

var codeSeq int

func uniqueCode() string { codeSeq++; return fmt.Sprintf("ORG%d", codeSeq) }

func ptr[T any](v T) *T { return &v }
