package httpapi_test

import (
	"crypto/rsa"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/openbadges/openbadgestest"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// TestCredential checks an attendance's Open Badges credential as a verifier would: the
// JOSE header and claims, the schema, the signature with the key fetched from its kid, the
// issuer profile its issuer.id answers, and that it is the credential the printable
// certificate's QR code names.
func TestCredential(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		get := func(id, as string) string {
			t.Helper()
			res, err := w.env.Client.GetCredentialWithResponse(ctx, id, nil, w.as(as))
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode() != 200 || res.HTTPResponse.Header.Get("Content-Type") != openbadges.MediaType {
				t.Fatalf("credential: %d %s %s", res.StatusCode(), res.HTTPResponse.Header.Get("Content-Type"), res.Body)
			}
			return string(res.Body)
		}
		keyAt := func(kid string) *rsa.PublicKey {
			u, err := url.Parse(kid)
			if err != nil || !strings.HasPrefix(kid, "http://localhost:8080/keys/") {
				t.Fatalf("kid %q is not the address of a credential key", kid)
			}
			jwk, _ := fetchJWK(t, w.env, strings.TrimPrefix(u.Path, "/keys/"))
			if jwk.Kid != kid {
				t.Errorf("the JWK at %s says kid %s", kid, jwk.Kid)
			}
			pub, err := jwk.PublicKey()
			if err != nil {
				t.Fatal(err)
			}
			return pub
		}

		signed := get(w.attendance.ID, "member")
		_, payload := openbadgestest.Check(t, signed, keyAt)
		if again := get(w.attendance.ID, "member"); again != signed {
			t.Error("asked twice, the credential changed")
		}

		// The issuer is organization A's profile, served at its id.
		issuer := payload["issuer"].(map[string]any)
		if issuer["id"] != "http://localhost:8080/issuers/"+w.orgA.ID || issuer["name"] != w.orgA.Name {
			t.Errorf("issuer %v, want organization A's profile", issuer)
		}
		profile, err := w.env.Client.GetIssuerProfileWithResponse(ctx, w.orgA.ID, nil)
		if err != nil || profile.ApplicationLdJSON200 == nil || profile.ApplicationLdJSON200.ID != issuer["id"] {
			t.Fatalf("issuer profile: %v %d %s", err, profile.StatusCode(), profile.Body)
		}

		// The achievement is the event, served at its id.
		ach := payload["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
		if ach["id"] != "http://localhost:8080/issuers/"+w.orgA.ID+"/events/"+w.event.ID {
			t.Errorf("achievement id %v", ach["id"])
		}
		served, err := w.env.Client.GetIssuerAchievementWithResponse(ctx, w.orgA.ID, w.event.ID, nil)
		if err != nil || served.ApplicationLdJSON200 == nil || served.ApplicationLdJSON200.ID != ach["id"] || served.ApplicationLdJSON200.Name != ach["name"] {
			t.Fatalf("achievement: %v %d %s", err, served.StatusCode(), served.Body)
		}
		if other, _ := w.env.Client.GetIssuerAchievementWithResponse(ctx, w.orgB.ID, w.event.ID, nil); other.StatusCode() != 404 {
			t.Errorf("organization A's event under B: %d", other.StatusCode())
		}

		// It is the credential of the printable certificate.
		pdf, err := w.env.Client.GetCertificatePDFWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
		if err != nil {
			t.Fatal(err)
		}
		if codes := rendertest.QRCodes(t, pdf.Body); len(codes) != 1 || codes[0] != payload["id"] {
			t.Errorf("the certificate's QR code %q, the credential's id %v: want the same", codes, payload["id"])
		}

		// The member is named by nothing but a salted hash of the e-mail, when there is one.
		body, _ := json.Marshal(payload)
		for _, secret := range []string{w.member.ABCPID, w.member.Name} {
			if strings.Contains(string(body), secret) {
				t.Errorf("the credential holds %q", secret)
			}
		}
		fresh := w.freshAttendance(t)
		m, err := st.Member(ctx, fresh.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		_, payload = openbadgestest.Check(t, get(fresh.ID, "admin"), keyAt)
		id := payload["id"].(string)
		salt := strings.TrimPrefix(id[strings.LastIndex(id, "/")+1:], "crd_")
		ident := payload["credentialSubject"].(map[string]any)["identifier"].([]any)[0].(map[string]any)
		if m.Email == "" || ident["identityHash"] != openbadges.IdentityHash(m.Email, salt) || ident["salt"] != salt || strings.Contains(string(body), m.Email) {
			t.Errorf("identifier %v, want the hash of %s salted with %s", ident, m.Email, salt)
		}

		// A revoked attendance has no credential.
		if r, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, fresh.ID, &api.RevokeAttendanceParams{Reason: "not present"}, w.as("organizer A")); r.StatusCode() != 200 {
			t.Fatalf("revoke: %d %s", r.StatusCode(), r.Body)
		}
		res, err := w.env.Client.GetCredentialWithResponse(ctx, fresh.ID, nil, w.as("admin"))
		if err != nil || res.StatusCode() != 409 {
			t.Errorf("a revoked attendance's credential: %v %d %s, want 409", err, res.StatusCode(), res.Body)
		}
	})
}
