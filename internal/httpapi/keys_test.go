package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestCredentialKey checks the credential key's address answers one bare RSA JWK (no
// private member) that verifies what the key signs, that a rotated-out key still answers,
// and that keys of other purposes are not published there.
func TestCredentialKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		key := apitest.BadgeKey(t)
		jwk, members := fetchJWK(t, env, key.ID())
		if jwk.Kid != "http://localhost:8080/keys/"+key.ID() || jwk.Alg != "RS256" || jwk.Kty != "RSA" || jwk.Use != "sig" {
			t.Errorf("JWK %+v, want kid the key's address, RS256, RSA, sig", jwk)
		}
		for m := range members {
			if !map[string]bool{"kty": true, "n": true, "e": true, "kid": true, "alg": true, "use": true}[m] {
				t.Errorf("the JWK has the member %q", m)
			}
		}
		pub, err := jwk.PublicKey()
		if err != nil {
			t.Fatal(err)
		}
		signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": "x"}).SignedString(key.Signer())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jwt.Parse(signed, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{"RS256"})); err != nil {
			t.Errorf("the published key does not verify what the credential key signed: %v", err)
		}

		// A rotation: the new key is current, the old one still answers.
		next, err := auth.GenerateRSAKey()
		if err != nil {
			t.Fatal(err)
		}
		der, _ := auth.MarshalRSAPublicKey(next.Public())
		if err := st.PublishKey(t.Context(), recert.PublishedKey{Kid: next.ID(), Purpose: "badges", Algorithm: "RS256", PublicKey: der}); err != nil {
			t.Fatal(err)
		}
		fetchJWK(t, env, next.ID())
		if old, _ := fetchJWK(t, env, key.ID()); old.N != jwk.N {
			t.Error("the rotated-out key no longer answers")
		}
		published, err := st.PublishedKey(t.Context(), "badges", key.ID())
		if err != nil || published.RetiredAt.IsZero() {
			t.Errorf("the old credential key: %+v, %v; want retired", published, err)
		}

		// The access-token and check-in keys, and keys never published, are not there.
		apiKeys, err := st.PublishedKeys(t.Context(), published.CreatedAt.AddDate(-1, 0, 0))
		if err != nil || len(apiKeys) != 1 {
			t.Fatalf("access-token keys: %+v, %v; want the one current key (a credential key's rotation retires none)", apiKeys, err)
		}
		for kid, want := range map[string]int{
			apiKeys[0].Kid: http.StatusBadRequest, // an Ed25519 key id is not a thumbprint
			"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs": http.StatusNotFound,
		} {
			res, err := env.HTTP.Get(env.URL + "/keys/" + url.PathEscape(kid))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("GET /keys/%s = %d, want %d", kid, res.StatusCode, want)
			}
		}
	})
}

func fetchJWK(t *testing.T, env *apitest.Env, kid string) (auth.RSAJWK, map[string]any) {
	t.Helper()
	res, err := env.HTTP.Get(env.URL + "/keys/" + kid)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/jwk+json" {
		t.Fatalf("GET /keys/%s = %d %s: %s", kid, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var jwk auth.RSAJWK
	var members map[string]any
	if err := json.Unmarshal(body, &jwk); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, &members); err != nil {
		t.Fatal(err)
	}
	return jwk, members
}
