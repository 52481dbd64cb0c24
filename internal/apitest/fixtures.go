package apitest

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
)

// Password is the password of every account the fixtures create.
const Password = "correct horse battery staple"

// CreateUser stores a login account directly and returns it.
func (e *Env) CreateUser(t testing.TB, u recert.User) recert.User {
	t.Helper()
	hash, err := auth.HashPassword(Password, CheapPasswords)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name == "" {
		u.Name = u.Email
	}
	created, err := e.Store.CreateUser(context.Background(), u, hash, "test")
	if err != nil {
		t.Fatalf("create user %s: %v", u.Email, err)
	}
	return created
}

// Login signs in with the password grant and returns the access token.
func (e *Env) Login(t testing.TB, email string) string {
	t.Helper()
	res, err := e.Client.CreateTokenWithFormdataBodyWithResponse(context.Background(), api.TokenRequest{
		GrantType: "password", Username: &email, Password: ptr(Password),
	})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("sign in as %s: %v %d %s", email, err, res.StatusCode(), res.Body)
	}
	return res.JSON200.AccessToken
}

// ClientToken gets an app's access token with the client-credentials grant.
func (e *Env) ClientToken(t testing.TB, id, secret string) string {
	t.Helper()
	res, err := e.Client.CreateTokenWithFormdataBodyWithResponse(context.Background(), api.TokenRequest{
		GrantType: "client_credentials", ClientID: &id, ClientSecret: &secret,
	})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("client token for %s: %v %d %s", id, err, res.StatusCode(), res.Body)
	}
	return res.JSON200.AccessToken
}

// Bearer is a request editor that sends token.
func Bearer(token string) api.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return nil
	}
}

// Email returns a unique test email.
func Email(t testing.TB, name string) string {
	return fmt.Sprintf("%s.%s@example.org", name, recert.NewID("x")[2:10])
}

func ptr[T any](v T) *T { return &v }
