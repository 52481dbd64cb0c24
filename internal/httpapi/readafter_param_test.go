package httpapi_test

import (
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestReadAfterParameter checks a GET takes a database position in Recert-Read-After, as
// the contract declares, and refuses a value that is not one, naming the header.
func TestReadAfterParameter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		admin := env.CreateUser(t, recert.User{Email: apitest.Email(t, "admin"), Role: recert.RoleAdmin})
		as := apitest.Bearer(env.Login(t, admin.Email))

		ok, err := env.Client.GetMeWithResponse(t.Context(), &api.GetMeParams{RecertReadAfter: ptr("0/16B3748")}, as)
		if err != nil || ok.JSON200 == nil {
			t.Fatalf("GET /v1/me with a position: %v %d %s", err, ok.StatusCode(), ok.Body)
		}
		bad, err := env.Client.ListWebhooksWithResponse(t.Context(), &api.ListWebhooksParams{RecertReadAfter: ptr("yesterday")}, as)
		if err != nil || bad.ApplicationProblemJSON400 == nil {
			t.Fatalf("GET /v1/webhooks with a malformed position: %v %d %s", err, bad.StatusCode(), bad.Body)
		}
		p := bad.ApplicationProblemJSON400
		if len(p.Errors) != 1 || p.Errors[0].Location != "header" || p.Errors[0].Pointer != "#/Recert-Read-After" {
			t.Errorf("problem = %+v, want one header error on Recert-Read-After", p.Errors)
		}
	})
}
