package httpapi_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/store"
)

// TestRevocationList checks a credential's credentialStatus points into its sponsor's
// signed revocation list, whose bit for it is clear while it stands and set once a
// correction supersedes it or a revocation revokes it.
func TestRevocationList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		pub := apitest.BadgeKey(t).Public()
		status := func() (listURL string, index int) {
			t.Helper()
			res, err := w.env.Client.GetCredentialWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
			if err != nil || res.StatusCode() != 200 {
				t.Fatalf("credential: %v %s", err, res.Body)
			}
			claims := jwt.MapClaims{}
			if _, err := jwt.ParseWithClaims(string(res.Body), claims, func(*jwt.Token) (any, error) { return pub, nil },
				jwt.WithValidMethods([]string{"RS256"})); err != nil {
				t.Fatal(err)
			}
			cs, _ := claims["credentialStatus"].(map[string]any)
			listURL, _ = cs["statusListCredential"].(string)
			index, err = strconv.Atoi(cs["statusListIndex"].(string))
			if err != nil || cs["type"] != "BitstringStatusListEntry" || cs["statusPurpose"] != "revocation" ||
				cs["id"] != listURL+"#"+cs["statusListIndex"].(string) || listURL != "http://localhost:8080/issuers/"+w.orgA.ID+"/status/1" {
				t.Fatalf("credentialStatus %v", cs)
			}
			return listURL, index
		}
		bit := func(listURL string, index int) bool {
			t.Helper()
			u, _ := url.Parse(listURL)
			parts := strings.Split(u.Path, "/")
			n, _ := strconv.Atoi(parts[len(parts)-1])
			res, err := w.env.Client.GetStatusListWithResponse(ctx, parts[2], n, nil)
			if err != nil || res.StatusCode() != 200 {
				t.Fatalf("status list: %v %s", err, res.Body)
			}
			claims := jwt.MapClaims{}
			tok, err := jwt.ParseWithClaims(string(res.Body), claims, func(*jwt.Token) (any, error) { return pub, nil },
				jwt.WithValidMethods([]string{"RS256"}))
			if err != nil {
				t.Fatalf("the status list does not verify: %v", err)
			}
			if len(tok.Header) != 3 || tok.Header["kid"] != openbadges.KeyURL("http://localhost:8080", apitest.BadgeKey(t).ID()) || claims["jti"] != listURL ||
				claims["iss"] != "http://localhost:8080/issuers/"+w.orgA.ID {
				t.Errorf("status list header %v, claims jti %v iss %v", tok.Header, claims["jti"], claims["iss"])
			}
			subject := claims["credentialSubject"].(map[string]any)
			bits, err := openbadges.DecodeBitstring(subject["encodedList"].(string))
			if err != nil || len(bits) != 131072/8 || subject["statusPurpose"] != "revocation" || subject["type"] != "BitstringStatusList" {
				t.Fatalf("status list subject %v: %d bytes, %v", subject["type"], len(bits), err)
			}
			return openbadges.BitSet(bits, index)
		}

		firstList, first := status()
		if bit(firstList, first) {
			t.Error("a valid credential's bit is set")
		}
		fixed, _ := w.env.Client.CorrectAttendanceWithResponse(ctx, w.attendance.ID, api.AttendanceCorrection{
			Sessions: []string{w.event.Sessions[0].ID}, Reason: "left at the break"}, w.as("organizer A"))
		if fixed.JSON200 == nil {
			t.Fatalf("correct: %s", fixed.Body)
		}
		if !bit(firstList, first) {
			t.Error("after a correction, the superseded credential's bit is clear")
		}
		secondList, second := status()
		if second == first && secondList == firstList {
			t.Fatal("the corrected attendance's credential took the old one's position")
		}
		if bit(secondList, second) {
			t.Error("the new credential's bit is set")
		}
		if r, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, w.attendance.ID, &api.RevokeAttendanceParams{Reason: "not present"}, w.as("organizer A")); r.StatusCode() != 200 {
			t.Fatalf("revoke: %d %s", r.StatusCode(), r.Body)
		}
		if !bit(secondList, second) || !bit(firstList, first) {
			t.Error("after a revocation, a credential's bit is clear")
		}
		if res, err := w.env.Client.GetStatusListWithResponse(ctx, w.orgA.ID, 2, nil); err != nil || res.StatusCode() != 404 {
			t.Errorf("a list with no credentials: %v %d, want 404", err, res.StatusCode())
		}
	})
}
