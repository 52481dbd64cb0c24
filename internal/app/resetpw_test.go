package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

func TestResetPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const email, oldPassword = "registrar@example.org", "the old long passphrase"
		hash, err := auth.HashPassword(oldPassword, cheap)
		if err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, recert.User{Email: email, Name: "Registrar", Role: recert.RoleAdmin}, hash, "test")
		if err != nil {
			t.Fatal(err)
		}
		signIn := func(n byte) []byte {
			h := sha256.Sum256([]byte{n})
			now := time.Now()
			if err := st.CreateRefreshToken(ctx, recert.RefreshToken{Hash: h[:], FamilyID: string('a' + rune(n)), UserID: u.ID, IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			return h[:]
		}
		stillSignedIn := func(token []byte) bool {
			next := sha256.Sum256(append(token, 'x'))
			_, err := st.ExchangeRefreshToken(ctx, token, recert.RefreshToken{Hash: next[:], IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
			return err == nil
		}
		signsIn := func(password string) bool {
			_, h, err := st.UserByEmail(ctx, email)
			ok, _ := auth.VerifyPassword(password, h)
			return err == nil && ok
		}
		reset := func(fromStdin bool, stdin string) (string, error) {
			var out bytes.Buffer
			err := resetPassword(ctx, st, email, fromStdin, strings.NewReader(stdin), &out, cheap)
			return out.String(), err
		}

		t.Run("generated and printed once", func(t *testing.T) {
			token := signIn(1)
			out, err := reset(false, "")
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			password := lines[len(lines)-1]
			if len(password) < 20 || !signsIn(password) || signsIn(oldPassword) {
				t.Errorf("the printed password %q does not sign in, or the old one still does:\n%s", password, out)
			}
			if stillSignedIn(token) {
				t.Error("a sign-in made before the reset still works")
			}
		})
		t.Run("from standard input", func(t *testing.T) {
			token := signIn(2)
			const chosen = "a chosen new passphrase"
			out, err := reset(true, chosen+"\n")
			if err != nil {
				t.Fatal(err)
			}
			if !signsIn(chosen) || strings.Contains(out, chosen) {
				t.Errorf("the password from stdin does not sign in, or was printed: %s", out)
			}
			if stillSignedIn(token) {
				t.Error("a sign-in made before the reset still works")
			}
		})
		t.Run("a weak password from standard input changes nothing", func(t *testing.T) {
			token := signIn(3)
			if _, err := reset(true, "password\n"); err == nil {
				t.Fatal("want the password policy's error")
			}
			if _, err := reset(true, ""); err == nil {
				t.Fatal("want an error for an empty standard input")
			}
			if !signsIn("a chosen new passphrase") || !stillSignedIn(token) {
				t.Error("a refused reset changed the password or ended a sign-in")
			}
		})
		t.Run("an unknown account", func(t *testing.T) {
			var out bytes.Buffer
			err := resetPassword(ctx, st, "nobody@example.org", false, nil, &out, cheap)
			if err == nil || !strings.Contains(err.Error(), "no account with the email nobody@example.org") || out.Len() != 0 {
				t.Errorf("err = %v, output %q", err, out.String())
			}
		})
	})
}

// TestResetPasswordRefusesADatabaseWithoutSchema: on PostgreSQL, an empty database is
// refused and left empty.
func TestResetPasswordRefusesADatabaseWithoutSchema(t *testing.T) {
	ctx := context.Background()
	url := emptyPostgres(t)
	env := map[string]string{"RECERT_DATABASE_URL": url, "RECERT_SIGNING_KEY_FILE": t.TempDir() + "/key.pem"}
	var out bytes.Buffer
	err := RunWithStdin(ctx, []string{"recert", "admin", "reset-password", "admin@recert.local"}, func(k string) string { return env[k] }, nil, &out)
	if !errors.Is(err, store.ErrNoSchema) || !strings.Contains(err.Error(), "RECERT_DATABASE_URL") {
		t.Fatalf("reset-password on an empty database: %v, want %v naming RECERT_DATABASE_URL", err, store.ErrNoSchema)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("reset-password left %d tables in the empty database", tables)
	}
}
